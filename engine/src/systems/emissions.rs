//! Emissions: generation dispatched on the grid and behind the meter, by kind, times each kind's
//! emissions factor. MtCO2 = Σ MW × hours × tCO2/MWh / 1e6.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::PlantKind;

pub fn emissions(params: Res<Params>, mut nations: Query<(&Power, &mut Emissions)>) {
    let kinds = &params.scenario.plant_kinds;
    for (power, mut emissions) in &mut nations {
        let tonnes: f64 = PlantKind::ALL
            .iter()
            .map(|&k| {
                (power.dispatch_mw[k.index()] + power.behind_the_meter_mw[k.index()])
                    * HOURS_PER_MONTH
                    * kinds.get(k).emissions_tco2_per_mwh
            })
            .sum();
        emissions.month_mtco2 = tonnes / 1e6;
        emissions.total_mtco2 += emissions.month_mtco2;
    }
}

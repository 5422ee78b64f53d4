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

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    #[test]
    fn emissions_are_mw_times_hours_times_the_factor_and_accumulate() {
        let s = scenario();
        let factor = |k: PlantKind| s.plant_kinds.get(k).emissions_tco2_per_mwh;
        let mut world = world();
        let usa = nation(&world, 0);
        {
            let mut p = world.get_mut::<Power>(usa).unwrap();
            p.dispatch_mw[PlantKind::GasCombinedCycle.index()] = 100.0;
            p.dispatch_mw[PlantKind::Coal.index()] = 50.0;
            p.dispatch_mw[PlantKind::Solar.index()] = 1_000.0;
            p.behind_the_meter_mw[PlantKind::GasTurbine.index()] = 10.0;
            p.behind_the_meter_mw[PlantKind::Coal.index()] = 5.0;
        }
        assert_eq!(factor(PlantKind::Solar), 0.0);
        let month = HOURS_PER_MONTH
            * (100.0 * factor(PlantKind::GasCombinedCycle)
                + (50.0 + 5.0) * factor(PlantKind::Coal)
                + 10.0 * factor(PlantKind::GasTurbine))
            / 1e6;
        world.run_system_once(emissions).unwrap();
        let e = world.get::<Emissions>(usa).unwrap().clone();
        assert_close(e.month_mtco2, month);
        assert_close(e.total_mtco2, month);
        world.run_system_once(emissions).unwrap();
        assert_close(
            world.get::<Emissions>(usa).unwrap().total_mtco2,
            2.0 * month,
        );
        // chn generated nothing in this hand-set month.
        let chn = world.get::<Emissions>(nation(&world, 1)).unwrap();
        assert_eq!((chn.month_mtco2, chn.total_mtco2), (0.0, 0.0));
    }
}

//! Construction: plants and datacenters pay their capex month by month from escrow and finish after
//! their construction time (lead time by kind × nation build speed × regulation, plus the seeded
//! overrun drawn when the order was accepted).

use bevy_ecs::prelude::*;

use crate::components::*;

pub fn construction(
    mut nations: Query<(&Nation, &mut Treasury, &mut Fleet)>,
    mut plants: Query<&mut PowerPlant>,
    mut datacenters: Query<&mut Datacenter>,
) {
    let mut rows: Vec<_> = nations.iter_mut().collect();
    rows.sort_by_key(|r| r.0.index);
    // Sorted by id: capex payments are summed into the treasury, and float sums depend on order.
    for mut plant in plants.iter_mut().sort_by::<&PowerPlant>(|a, b| a.id.cmp(&b.id)) {
        if plant.stage != PlantStage::Construction {
            continue;
        }
        let (_, treasury, fleet) = &mut rows[plant.nation as usize];
        let pay = if plant.construction_months_left <= 1 {
            plant.capex_remaining_usd
        } else {
            plant.capex_per_month_usd.min(plant.capex_remaining_usd)
        };
        plant.capex_remaining_usd -= pay;
        treasury.spent_usd += pay;
        treasury.energy_capex_usd += pay;
        plant.construction_months_left = plant.construction_months_left.saturating_sub(1);
        if plant.construction_months_left == 0 {
            if plant.interconnected {
                plant.stage = PlantStage::Online;
                if plant.dedicated_to.is_some() {
                    fleet.built_mw += plant.capacity_mw;
                }
            } else {
                plant.stage = PlantStage::AwaitingInterconnection;
            }
        }
    }
    for mut dc in datacenters.iter_mut().sort_by::<&Datacenter>(|a, b| a.id.cmp(&b.id)) {
        if dc.stage != DatacenterStage::Construction {
            continue;
        }
        let (_, treasury, _) = &mut rows[dc.nation as usize];
        let pay = if dc.months_left <= 1 { dc.capex_remaining_usd } else { dc.capex_per_month_usd.min(dc.capex_remaining_usd) };
        dc.capex_remaining_usd -= pay;
        treasury.spent_usd += pay;
        treasury.ai_capex_usd += pay;
        treasury.ai_capex_month_usd += pay;
        dc.months_left = dc.months_left.saturating_sub(1);
        if dc.months_left == 0 {
            dc.stage = if dc.dedicated { DatacenterStage::WaitingForPower } else { DatacenterStage::Online };
        }
    }
}

//! Construction: plants and datacenters pay their capex month by month from escrow and finish after
//! their construction time (lead time by kind × nation build speed × regulation, plus the seeded
//! overrun drawn when the order was accepted).

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::Roster;

/// Projects in id order (the roster's), so payments are summed into treasuries in a fixed order.
pub fn construction(
    roster: Res<Roster>,
    mut nations: Query<(&mut Treasury, &mut Fleet)>,
    mut plants: Query<&mut PowerPlant>,
    mut datacenters: Query<&mut Datacenter>,
) {
    let mut in_order = plants.iter_many_mut(roster.plant_entities());
    while let Some(plant) = in_order.fetch_next() {
        let mut plant = plant.expect("roster");
        if plant.stage != PlantStage::Construction {
            continue;
        }
        let pay = if plant.construction_months_left <= 1 {
            plant.capex_remaining_usd
        } else {
            plant.capex_per_month_usd.min(plant.capex_remaining_usd)
        };
        plant.capex_remaining_usd -= pay;
        plant.construction_months_left = plant.construction_months_left.saturating_sub(1);
        let (mut treasury, mut fleet) = nations
            .get_mut(roster.nations[plant.nation as usize])
            .expect("roster");
        treasury.spent_usd += pay;
        treasury.energy_capex_usd += pay;
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
    let mut in_order = datacenters.iter_many_mut(roster.datacenter_entities());
    while let Some(dc) = in_order.fetch_next() {
        let mut dc = dc.expect("roster");
        if dc.stage != DatacenterStage::Construction {
            continue;
        }
        let pay = if dc.months_left <= 1 {
            dc.capex_remaining_usd
        } else {
            dc.capex_per_month_usd.min(dc.capex_remaining_usd)
        };
        dc.capex_remaining_usd -= pay;
        dc.months_left = dc.months_left.saturating_sub(1);
        if dc.months_left == 0 {
            dc.stage = if dc.dedicated {
                DatacenterStage::WaitingForPower
            } else {
                DatacenterStage::Online
            };
        }
        let (mut treasury, _) = nations
            .get_mut(roster.nations[dc.nation as usize])
            .expect("roster");
        treasury.spent_usd += pay;
        treasury.ai_capex_usd += pay;
        treasury.ai_capex_month_usd += pay;
    }
}

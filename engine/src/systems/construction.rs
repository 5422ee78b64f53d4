//! Construction: plants and datacenters pay their capex month by month from escrow and finish after
//! their construction time (lead time by kind × nation build speed × regulation, plus the seeded
//! overrun drawn when the order was accepted).

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::Roster;

/// A payment out of escrow: (project id, nation, USD paid, MW built behind the meter).
type Payment = (u32, u16, f64, f64);

pub fn construction(
    roster: Res<Roster>,
    mut payments: Local<Vec<Payment>>,
    mut nations: Query<(&mut Treasury, &mut Fleet)>,
    mut plants: Query<&mut PowerPlant>,
    mut datacenters: Query<&mut Datacenter>,
) {
    // Each project advances on its own; only the sums into the treasury depend on order, so the
    // payments are collected and summed in id order (plants, then datacenters).
    payments.clear();
    for mut plant in &mut plants {
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
        let mut built = 0.0;
        if plant.construction_months_left == 0 {
            if plant.interconnected {
                plant.stage = PlantStage::Online;
                if plant.dedicated_to.is_some() {
                    built = plant.capacity_mw;
                }
            } else {
                plant.stage = PlantStage::AwaitingInterconnection;
            }
        }
        payments.push((plant.id, plant.nation, pay, built));
    }
    payments.sort_unstable_by_key(|p| p.0);
    for &(_, nation, pay, built) in &payments {
        let (mut treasury, mut fleet) = nations
            .get_mut(roster.nations[nation as usize])
            .expect("roster");
        treasury.spent_usd += pay;
        treasury.energy_capex_usd += pay;
        fleet.built_mw += built;
    }
    payments.clear();
    for mut dc in &mut datacenters {
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
        payments.push((dc.id, dc.nation, pay, 0.0));
    }
    payments.sort_unstable_by_key(|p| p.0);
    for &(_, nation, pay, _) in &payments {
        let (mut treasury, _) = nations
            .get_mut(roster.nations[nation as usize])
            .expect("roster");
        treasury.spent_usd += pay;
        treasury.ai_capex_usd += pay;
        treasury.ai_capex_month_usd += pay;
    }
}

//! Economy: labs earn revenue from inference, priced per FLOP and rising with capability
//! (revenue per FLOP × 10^(elasticity × (capability − reference))). The lab keeps its share as capital;
//! the rest is reinvested through the nation's treasury. The nation pays its datacenters' electricity
//! and the fuel (and carbon price, in the accord) of behind-the-meter plants.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::PlantKind;
use crate::systems::budget::charge;
use crate::systems::dispatch::marginal_cost_usd_per_mwh;

pub fn economy(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut nations: Query<(&mut Treasury, &Power, &Policy)>,
    mut labs: Query<(&Lab, &LabCompute, &LabModel, &mut LabFinance)>,
) {
    let scenario = &*params.scenario;
    let g = &scenario.global;
    // Labs in scenario order: their revenue is summed into the nation's books in that order.
    let mut in_order = labs.iter_many_mut(&roster.labs);
    while let Some(row) = in_order.fetch_next() {
        let (lab, compute, model, mut finance) = row.expect("roster");
        let price = g.revenue_usd_per_inference_flop
            * 10f64.powf(
                g.revenue_capability_elasticity
                    * (model.capability - g.revenue_reference_capability),
            );
        let revenue = compute.inference_flop_month * price;
        finance.revenue_month_usd = revenue;
        finance.revenue_total_usd += revenue;
        let kept = revenue * g.revenue_lab_share;
        finance.capital_usd += kept;
        let (mut treasury, _, _) = nations
            .get_mut(roster.nations[lab.nation as usize])
            .expect("roster");
        treasury.income_usd += revenue;
        treasury.usd += revenue - kept;
    }
    for (mut treasury, power, policy) in &mut nations {
        let mut bill = power.datacenter_energy_mwh * power.datacenter_price_usd_per_mwh;
        for kind in PlantKind::ALL {
            let mwh = power.behind_the_meter_mw[kind.index()] * HOURS_PER_MONTH;
            bill += mwh * marginal_cost_usd_per_mwh(scenario, policy, clock.month, kind);
        }
        charge(&mut treasury, bill);
    }
}

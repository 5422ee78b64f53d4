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
        let revenue = (compute.inference_flop_month - compute.synthetic_flop_month) * price;
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    /// The month-0 world with no inference anywhere and no electricity used.
    fn world() -> World {
        let s = scenario();
        let months = s.horizon_months;
        let mut world = World::new();
        crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
        crate::world::spawn_initial(&mut world);
        let labs = world.resource::<Roster>().labs.clone();
        for e in labs {
            world.get_mut::<LabCompute>(e).unwrap().inference_flop_month = 0.0;
        }
        world
    }

    fn treasury(world: &World, n: usize) -> Treasury {
        world.get::<Treasury>(nation(world, n)).unwrap().clone()
    }

    #[test]
    fn revenue_is_inference_times_a_price_rising_with_capability_and_is_shared() {
        let s = scenario();
        let g = &s.global;
        let mut world = world();
        let inference = 1.0e27;
        let capability = g.revenue_reference_capability + 2.0;
        let e = lab(&world, 0);
        world.get_mut::<LabCompute>(e).unwrap().inference_flop_month = inference;
        world.get_mut::<LabModel>(e).unwrap().capability = capability;
        // A lab without inference earns nothing this month.
        let idle = lab(&world, 1);
        world.get_mut::<LabFinance>(idle).unwrap().revenue_month_usd = 5.0;
        let capital = world.get::<LabFinance>(e).unwrap().capital_usd;
        let before = treasury(&world, 0);
        let chn_before = treasury(&world, 1);
        world.run_system_once(economy).unwrap();

        let price =
            g.revenue_usd_per_inference_flop * 10f64.powf(2.0 * g.revenue_capability_elasticity);
        let revenue = inference * price;
        let f = world.get::<LabFinance>(e).unwrap().clone();
        assert_close(f.revenue_month_usd, revenue);
        assert_close(f.revenue_total_usd, revenue);
        assert_close(f.capital_usd - capital, revenue * g.revenue_lab_share);
        let after = treasury(&world, 0);
        assert_close(after.income_usd - before.income_usd, revenue);
        assert_close(
            after.usd - before.usd,
            revenue * (1.0 - g.revenue_lab_share),
        );
        assert_eq!(after.spent_usd, before.spent_usd);
        assert_eq!(
            world.get::<LabFinance>(idle).unwrap().revenue_month_usd,
            0.0
        );
        assert_eq!(treasury(&world, 1), chn_before);

        // Revenue accumulates month after month.
        world.run_system_once(economy).unwrap();
        assert_close(
            world.get::<LabFinance>(e).unwrap().revenue_total_usd,
            2.0 * revenue,
        );
    }

    #[test]
    fn the_electricity_bill_is_charged_to_the_treasury_or_becomes_debt() {
        let s = scenario();
        let mut world = world();
        let usa = nation(&world, 0);
        let (grid_mwh, grid_price, gt_mw, coal_mw) = (1.0e6, 60.0, 10.0, 5.0);
        {
            let mut p = world.get_mut::<Power>(usa).unwrap();
            p.datacenter_energy_mwh = grid_mwh;
            p.datacenter_price_usd_per_mwh = grid_price;
            p.behind_the_meter_mw[PlantKind::GasTurbine.index()] = gt_mw;
            p.behind_the_meter_mw[PlantKind::Coal.index()] = coal_mw;
        }
        let policy = world.get::<Policy>(usa).unwrap().clone();
        assert!(policy.in_climate_accord);
        let cost = |k: PlantKind| {
            let t = s.plant_kinds.get(k);
            t.fuel_cost_usd_per_mwh
                + s.policies.accord_carbon_price_usd_per_tco2 * t.emissions_tco2_per_mwh
        };
        let bill = grid_mwh * grid_price
            + HOURS_PER_MONTH
                * (gt_mw * cost(PlantKind::GasTurbine) + coal_mw * cost(PlantKind::Coal));

        let before = treasury(&world, 0);
        world.run_system_once(economy).unwrap();
        let after = treasury(&world, 0);
        assert_close(before.usd - after.usd, bill);
        assert_close(after.spent_usd - before.spent_usd, bill);
        assert_eq!(after.debt_usd, 0.0);

        // With only half the bill in the treasury, the rest is debt.
        world.get_mut::<Treasury>(usa).unwrap().usd = bill / 2.0;
        let before = treasury(&world, 0);
        world.run_system_once(economy).unwrap();
        let after = treasury(&world, 0);
        assert_eq!(after.usd, 0.0);
        assert_close(after.spent_usd - before.spent_usd, bill / 2.0);
        assert_close(after.debt_usd, bill / 2.0);
    }
}

//! Investment and budgets: the monthly inflow of AI capex (on trend, capped at a share of GDP) and
//! energy capex, debt repayment, subsidies to labs and the sales lost to export controls.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;

/// Budget inflow of `nation` in `month`, USD: AI capex on its growth trend, capped at a share of GDP,
/// plus energy capex on its trend.
pub fn monthly_inflow_usd(spec: &crate::scenario::NationSpec, month: u32) -> f64 {
    spec.inflow_month_usd_at(month)
}

pub fn budget(
    params: Res<Params>,
    clock: Res<Clock>,
    mut subsidy: Local<Vec<f64>>,
    mut nations: Query<(&Nation, &mut Treasury, &Policy)>,
    mut labs: Query<(&Lab, &mut LabFinance)>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    subsidy.clear();
    subsidy.resize(scenario.nations.len(), 0.0);
    for (nation, mut treasury, policy) in &mut nations {
        let n = nation.index as usize;
        let mut inflow = params.curves.nation(n, month).inflow_month_usd;
        treasury.inflow_month_usd = inflow;
        treasury.income_usd += inflow;
        let repay = inflow.min(treasury.debt_usd);
        treasury.debt_usd -= repay;
        treasury.spent_usd += repay;
        inflow -= repay;
        let to_labs = inflow * policy.lab_subsidy_share;
        subsidy[n] = to_labs;
        treasury.usd += inflow - to_labs;
        // Only controls that cut something lose sales: a nation that controls no origin its target
        // buys from sells it nothing to begin with.
        let cutting = policy
            .export_controls_on
            .iter()
            .filter(|&&t| params.controls_supply_of(nation.index, t))
            .count();
        let lost = cutting as f64 * scenario.policies.export_control_lost_sales_usd_per_year
            / MONTHS_PER_YEAR;
        charge(&mut treasury, lost);
    }
    // Subsidies are split by the labs' national shares, normalised within each nation.
    for (lab, mut finance) in &mut labs {
        let to_lab = subsidy[lab.nation as usize] * params.subsidy_weight[lab.index as usize];
        if to_lab > 0.0 {
            finance.capital_usd += to_lab;
        }
    }
}

/// Pay a running cost: from the treasury while it lasts, the rest becomes debt (repaid first from
/// the next inflows). Stocks never go negative. Returns what was paid now.
pub fn charge(treasury: &mut Treasury, usd: f64) -> f64 {
    let paid = usd.min(treasury.usd).max(0.0);
    treasury.usd -= paid;
    treasury.spent_usd += paid;
    treasury.debt_usd += usd - paid;
    paid
}

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::orders::{Order, Orders};
    use crate::scenario::{NationSpec, PlantKind, Scenario};
    use crate::systems::orders::apply_orders;
    use crate::systems::test_support::*;

    fn treasury(world: &World, n: usize) -> Treasury {
        world.get::<Treasury>(nation(world, n)).unwrap().clone()
    }

    fn capital(world: &World, lab: usize) -> f64 {
        let e = world.resource::<Roster>().labs[lab];
        world.get::<LabFinance>(e).unwrap().capital_usd
    }

    /// Labs of nation `n`, by scenario index.
    fn labs_of(s: &Scenario, n: usize) -> Vec<usize> {
        let id = &s.nations[n].id;
        (0..s.labs.len())
            .filter(|&i| s.labs[i].nation == *id)
            .collect()
    }

    /// The two trends, written out from the scenario fields.
    fn trends(spec: &NationSpec, month: u32) -> (f64, f64, f64) {
        let years = month as f64 / 12.0;
        let ai_trend = spec.ai_capex_usd_per_year * spec.ai_capex_growth_per_year.powf(years);
        let gate = spec.max_ai_capex_gdp_share
            * spec.gdp_usd
            * (1.0 + spec.gdp_growth_per_year).powf(years);
        let energy = spec.energy_capex_usd_per_year * spec.energy_capex_growth_per_year.powf(years);
        (ai_trend, gate, energy)
    }

    #[test]
    fn inflow_is_the_two_capex_trends_over_twelve_months_below_the_gate() {
        let s = scenario();
        for spec in &s.nations {
            for month in [0, 7, 12, 30] {
                let (ai_trend, gate, energy) = trends(spec, month);
                assert!(
                    ai_trend < gate,
                    "{}: the gate binds at month {month}",
                    spec.id
                );
                assert_close(monthly_inflow_usd(spec, month), (ai_trend + energy) / 12.0);
            }
        }
    }

    #[test]
    fn the_gdp_gate_caps_ai_capex_for_a_large_growth_factor() {
        let mut spec = scenario().nations[0].clone();
        spec.ai_capex_growth_per_year = 10.0;
        let (ai_trend, gate, energy) = trends(&spec, 24);
        assert!(ai_trend > 10.0 * gate, "the trend must overshoot the gate");
        let capped = monthly_inflow_usd(&spec, 24);
        assert_close(capped, (gate + energy) / 12.0);
        // Once the gate binds, faster growth changes nothing.
        spec.ai_capex_growth_per_year = 100.0;
        assert_eq!(monthly_inflow_usd(&spec, 24), capped);
    }

    #[test]
    fn the_us_gate_binds_between_three_and_three_and_a_half_years() {
        // docs/model.md §4: "the US GDP gate binds after about 3.3 years".
        let spec = &scenario().nations[0];
        let (ai_36, gate_36, _) = trends(spec, 36);
        let (ai_42, gate_42, energy_42) = trends(spec, 42);
        assert!(ai_36 < gate_36 && ai_42 > gate_42);
        assert_close(monthly_inflow_usd(spec, 42), (gate_42 + energy_42) / 12.0);
    }

    #[test]
    fn budget_credits_the_inflow_and_charges_lost_export_sales() {
        let s = scenario();
        let mut world = world_with(|_| {});
        let usa_before = treasury(&world, 0);
        let chn_before = treasury(&world, 1);
        world.run_system_once(budget).unwrap();
        let usa = treasury(&world, 0);
        let chn = treasury(&world, 1);

        // usa: no subsidy, one export-control target.
        assert_eq!(s.nations[0].initial_policy.lab_subsidy_share, 0.0);
        assert_eq!(s.nations[0].initial_policy.export_controls_on.len(), 1);
        let inflow = monthly_inflow_usd(&s.nations[0], 0);
        let lost = s.policies.export_control_lost_sales_usd_per_year / 12.0;
        assert_close(usa.inflow_month_usd, inflow);
        assert_close(usa.income_usd - usa_before.income_usd, inflow);
        assert_close(usa.usd - usa_before.usd, inflow - lost);
        assert_close(usa.spent_usd - usa_before.spent_usd, lost);
        assert_eq!(usa.debt_usd, 0.0);

        // chn: a subsidy, no export controls of its own, so nothing is spent.
        let share = s.nations[1].initial_policy.lab_subsidy_share;
        assert!(share > 0.0 && s.nations[1].initial_policy.export_controls_on.is_empty());
        let inflow = monthly_inflow_usd(&s.nations[1], 0);
        assert_close(chn.usd - chn_before.usd, inflow * (1.0 - share));
        assert_close(chn.income_usd - chn_before.income_usd, inflow);
        assert_eq!(chn.spent_usd, chn_before.spent_usd);
    }

    #[test]
    fn each_export_control_target_costs_a_twelfth_of_the_yearly_lost_sales() {
        let s = scenario();
        let lost_per_month = s.policies.export_control_lost_sales_usd_per_year / 12.0;
        for targets in [vec![], vec![1u16], vec![1, 1]] {
            let mut world = world_with(|_| {});
            let usa = nation(&world, 0);
            world.get_mut::<Policy>(usa).unwrap().export_controls_on = targets.clone();
            let before = treasury(&world, 0);
            world.run_system_once(budget).unwrap();
            let after = treasury(&world, 0);
            assert_close(
                after.spent_usd - before.spent_usd,
                targets.len() as f64 * lost_per_month,
            );
        }
    }

    #[test]
    fn controls_lose_sales_only_where_the_imposer_controls_the_target_s_supply() {
        let s = scenario();
        let lost_per_month = s.policies.export_control_lost_sales_usd_per_year / 12.0;
        // China controls only its domestic chips, which the US does not buy: no sales to lose.
        let spent = |imposer: usize, target: u16| {
            let mut world = world_with(|_| {});
            for n in 0..2 {
                let e = nation(&world, n);
                let mut p = world.get_mut::<Policy>(e).unwrap();
                p.export_controls_on = if n == imposer { vec![target] } else { vec![] };
                p.lab_subsidy_share = 0.0;
            }
            let before = treasury(&world, imposer);
            world.run_system_once(budget).unwrap();
            treasury(&world, imposer).spent_usd - before.spent_usd
        };
        assert_eq!(spent(1, 0), 0.0);
        assert_close(spent(0, 1), lost_per_month);
    }

    #[test]
    fn debt_is_repaid_before_the_treasury_and_the_subsidy() {
        let s = scenario();
        let inflow = monthly_inflow_usd(&s.nations[1], 0);
        let share = s.nations[1].initial_policy.lab_subsidy_share;
        let chn_labs = labs_of(&s, 1);

        // Debt smaller than the inflow: repaid in full, the rest is split as usual.
        let mut world = world_with(|_| {});
        let chn = nation(&world, 1);
        let debt = inflow / 4.0;
        world.get_mut::<Treasury>(chn).unwrap().debt_usd = debt;
        let before = treasury(&world, 1);
        let capital_before: f64 = chn_labs.iter().map(|&l| capital(&world, l)).sum();
        world.run_system_once(budget).unwrap();
        let after = treasury(&world, 1);
        let capital_after: f64 = chn_labs.iter().map(|&l| capital(&world, l)).sum();
        assert_eq!(after.debt_usd, 0.0);
        assert_close(after.spent_usd - before.spent_usd, debt);
        assert_close(after.income_usd - before.income_usd, inflow);
        assert_close(capital_after - capital_before, (inflow - debt) * share);
        assert_close(after.usd - before.usd, (inflow - debt) * (1.0 - share));

        // Debt larger than the inflow: all of it goes to the debt; nothing to treasury or labs.
        let mut world = world_with(|_| {});
        let chn = nation(&world, 1);
        world.get_mut::<Treasury>(chn).unwrap().debt_usd = 3.0 * inflow;
        let before = treasury(&world, 1);
        let capital_before: f64 = chn_labs.iter().map(|&l| capital(&world, l)).sum();
        world.run_system_once(budget).unwrap();
        let after = treasury(&world, 1);
        let capital_after: f64 = chn_labs.iter().map(|&l| capital(&world, l)).sum();
        assert_close(after.debt_usd, 2.0 * inflow);
        assert_close(after.spent_usd - before.spent_usd, inflow);
        assert_eq!(after.usd, before.usd);
        assert_eq!(capital_after, capital_before);
    }

    #[test]
    fn the_subsidy_is_split_by_national_share_normalised_within_the_nation() {
        // usa's national shares halved (they sum to 0.5): the weights are still share / total.
        let subsidy_share = 0.5;
        let mut world = world_with(|s| {
            for lab in s.labs.iter_mut().filter(|l| l.nation == "usa") {
                lab.national_share /= 2.0;
            }
            s.nations[0].initial_policy.lab_subsidy_share = subsidy_share;
        });
        let s = world.resource::<Params>().scenario.clone();
        let usa_labs = labs_of(&s, 0);
        let total: f64 = usa_labs.iter().map(|&l| s.labs[l].national_share).sum();
        assert_close(total, 0.5);
        let before: Vec<f64> = (0..s.labs.len()).map(|l| capital(&world, l)).collect();
        let treasury_before = treasury(&world, 0);
        world.run_system_once(budget).unwrap();

        let to_labs = monthly_inflow_usd(&s.nations[0], 0) * subsidy_share;
        for &l in &usa_labs {
            assert_close(
                capital(&world, l) - before[l],
                to_labs * s.labs[l].national_share / total,
            );
        }
        let lost = s.policies.export_control_lost_sales_usd_per_year / 12.0;
        assert_close(
            treasury(&world, 0).usd - treasury_before.usd,
            monthly_inflow_usd(&s.nations[0], 0) - to_labs - lost,
        );
        // chn's labs only get chn's own subsidy.
        let chn_to_labs =
            monthly_inflow_usd(&s.nations[1], 0) * s.nations[1].initial_policy.lab_subsidy_share;
        let chn_gain: f64 = labs_of(&s, 1)
            .iter()
            .map(|&l| capital(&world, l) - before[l])
            .sum();
        assert_close(chn_gain, chn_to_labs);
    }

    #[test]
    fn charge_pays_what_the_treasury_holds_and_books_the_rest_as_debt() {
        let mut t = Treasury {
            usd: 100.0,
            spent_usd: 10.0,
            ..Default::default()
        };
        charge(&mut t, 30.0);
        assert_eq!((t.usd, t.spent_usd, t.debt_usd), (70.0, 40.0, 0.0));
        charge(&mut t, 250.0);
        assert_eq!((t.usd, t.spent_usd, t.debt_usd), (0.0, 110.0, 180.0));
        // An empty treasury pays nothing and only adds to the debt.
        charge(&mut t, 5.0);
        assert_eq!((t.usd, t.spent_usd, t.debt_usd), (0.0, 110.0, 185.0));
    }

    #[test]
    fn the_budget_leaves_equipment_counters_to_the_orders_phase() {
        // The yearly reset happens in `apply_orders`, before January's orders are checked.
        let mut world = world_with(|_| {});
        let usa = nation(&world, 0);
        let k = PlantKind::GasTurbine.index();
        for month in [11, 12, 13] {
            world.resource_mut::<Clock>().month = month;
            world.get_mut::<Fleet>(usa).unwrap().starts_this_year_mw[k] = 500.0;
            world.run_system_once(budget).unwrap();
            assert_eq!(
                world.get::<Fleet>(usa).unwrap().starts_this_year_mw[k],
                500.0,
                "month {month}"
            );
        }
    }

    #[test]
    fn january_orders_count_against_the_new_year_s_equipment_cap() {
        let s = scenario();
        let cap = s.nations[0].plants.gas_turbine.max_starts_mw_per_year;
        let mut world = world_with(|_| {});
        let usa = nation(&world, 0);
        world.get_mut::<Treasury>(usa).unwrap().usd = 1e13;
        let order = |mw: f64| {
            vec![
                Orders::from(vec![Order::BuildPlant {
                    kind: PlantKind::GasTurbine,
                    capacity_mw: mw,
                    dedicated_to: None,
                }]),
                Orders::none(),
            ]
        };
        // December: the whole year's cap is used.
        world.resource_mut::<Clock>().month = 11;
        world.resource_mut::<PendingOrders>().by_nation = order(cap);
        world.run_system_once(apply_orders).unwrap();
        world.run_system_once(budget).unwrap();
        assert!(world.resource::<Rejections>().by_nation[0].is_empty());
        // January, in schedule order (orders, then budget): a new year, a new cap.
        world.resource_mut::<Clock>().month = 12;
        world.resource_mut::<PendingOrders>().by_nation = order(1_000.0);
        world.run_system_once(apply_orders).unwrap();
        world.run_system_once(budget).unwrap();
        assert!(
            world.resource::<Rejections>().by_nation[0].is_empty(),
            "{:?}",
            world.resource::<Rejections>().by_nation[0]
        );
        assert_eq!(
            world.get::<Fleet>(usa).unwrap().starts_this_year_mw[PlantKind::GasTurbine.index()],
            1_000.0
        );
    }

    /// With every lab of a nation at `national_share` 0 (valid), the subsidy is split evenly among
    /// them (`Params::subsidy_weight`): it must not leave the treasury and reach no lab, which once
    /// broke the money invariant.
    #[test]
    fn the_subsidy_never_leaves_the_books() {
        let mut world = world_with(|s| {
            for lab in s.labs.iter_mut().filter(|l| l.nation == "usa") {
                lab.national_share = 0.0;
            }
            s.nations[0].initial_policy.lab_subsidy_share = 0.5;
        });
        let s = world.resource::<Params>().scenario.clone();
        let usa_labs = labs_of(&s, 0);
        let held = |world: &World| {
            let t = treasury(world, 0);
            let capital: f64 = usa_labs.iter().map(|&l| capital(world, l)).sum();
            (t.income_usd - t.spent_usd, t.usd + capital)
        };
        let (net_before, held_before) = held(&world);
        world.run_system_once(budget).unwrap();
        let (net_after, held_after) = held(&world);
        assert_close(held_after - held_before, net_after - net_before);
    }
}

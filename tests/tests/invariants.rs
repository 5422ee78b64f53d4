//! Property tests: whatever the seed and whatever orders strategies throw at it, the world keeps its
//! books. No NaN, no negative stock; grid datacenters never draw more than the supply left after
//! baseline demand; money in = money out + change in holdings.

use std::sync::Arc;

use gigawatt_engine::snapshot::Snapshot;
use gigawatt_engine::{Match, Scenario};
use proptest::prelude::*;

fn scenario() -> Arc<Scenario> {
    gigawatt_engine::testing::default_scenario()
}

fn check(s: &Snapshot, scenario: &Scenario, start_money: &[f64]) -> Result<(), TestCaseError> {
    let month = s.clock.month;
    for n in &s.nations {
        let i = n.nation.index as usize;
        let t = &n.treasury;
        for (what, v) in [
            ("treasury", t.usd),
            ("income", t.income_usd),
            ("spent", t.spent_usd),
            ("debt", t.debt_usd),
            ("queue", n.grid.queued_mw),
            ("throughput", n.grid.throughput_mw_per_month),
            ("supply", n.power.supply_mw),
            ("served", n.power.datacenter_served_mw),
            ("emissions", n.emissions.total_mtco2),
            ("chips available", n.market.available_h100e),
        ] {
            prop_assert!(
                v.is_finite() && v >= -1e-6,
                "month {month} nation {i}: {what} = {v}"
            );
        }
        for mw in n.fleet.mw {
            prop_assert!(mw.is_finite() && mw >= 0.0, "month {month}: fleet {mw}");
        }
        // Energy: served ≤ what the grid had left after baseline demand, and dispatch ≤ firm supply.
        let room = (n.power.supply_mw - n.power.baseline_demand_mw).max(0.0);
        prop_assert!(
            n.power.datacenter_served_mw <= room + 1e-6,
            "month {month}: served beyond supply"
        );
        prop_assert!(n.power.datacenter_served_mw <= n.power.datacenter_demand_mw + 1e-6);
        let dispatched: f64 = n.power.dispatch_mw.iter().sum();
        prop_assert!(
            dispatched <= n.power.supply_mw * (1.0 + 1e-12) + 1e-6,
            "month {month}: dispatch {dispatched}"
        );
        let f = n.power.datacenter_powered_fraction;
        prop_assert!((0.0..=1.0).contains(&f), "powered fraction {f}");

        // Money: start + income − spent = treasury + escrow + labs' capital.
        let escrow: f64 = s
            .plants
            .iter()
            .filter(|p| p.nation as usize == i)
            .map(|p| p.capex_remaining_usd)
            .sum::<f64>()
            + s.datacenters
                .iter()
                .filter(|d| d.nation as usize == i)
                .map(|d| d.capex_remaining_usd)
                .sum::<f64>();
        let capital: f64 = s
            .labs
            .iter()
            .filter(|l| l.lab.nation as usize == i)
            .map(|l| l.finance.capital_usd)
            .sum();
        let books = start_money[i] + t.income_usd - t.spent_usd;
        let holdings = t.usd + escrow + capital;
        let tolerance = 1e-9 * (start_money[i] + t.income_usd).abs() + 1.0;
        prop_assert!(
            (books - holdings).abs() <= tolerance,
            "month {month} nation {i}: books {books} vs holdings {holdings}"
        );
    }
    for l in &s.labs {
        let c = &l.compute;
        let m = &l.model;
        for (what, v) in [
            ("h100e", c.h100e),
            ("hosted", c.hosted_h100e),
            ("powered", c.powered_h100e),
            ("training flop", c.training_flop_month),
            ("inference flop", c.inference_flop_month),
            ("efficiency", m.algorithmic_efficiency),
            ("tokens", m.data_stock_tokens),
            ("capability", m.capability),
            ("capital", l.finance.capital_usd),
        ] {
            prop_assert!(
                v.is_finite() && v >= 0.0,
                "month {month} lab {}: {what} = {v}",
                scenario.labs[l.lab.index as usize].id
            );
        }
        prop_assert!(c.powered_h100e <= c.hosted_h100e * (1.0 + 1e-12) + 1e-6);
        prop_assert!(c.hosted_h100e <= c.h100e * (1.0 + 1e-12) + 1e-6);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn books_balance_and_nothing_goes_nan(seed in any::<u64>(), a in 0usize..2, b in 0usize..2, months in 12u32..80) {
        let names = ["random", "status-quo"];
        let sc = scenario();
        let start_money: Vec<f64> = sc.nations.iter().map(|n| {
            n.treasury_usd + sc.labs.iter().filter(|l| l.nation == n.id).map(|l| l.capital_usd).sum::<f64>()
        }).collect();
        let strategies = vec![gigawatt_agents::build(names[a]).unwrap(), gigawatt_agents::build(names[b]).unwrap()];
        let mut m = Match::with_months(sc.clone(), strategies, seed, months).unwrap();
        while m.step() {
            check(&m.snapshot(), &sc, &start_money)?;
        }
        let outcome = m.outcome();
        prop_assert!(outcome.months_played <= months);
        let total: f64 = outcome.nations.iter().map(|n| n.score).sum();
        prop_assert!((total - 1.0).abs() < 1e-9, "scores of two seats sum to 1, got {total}");
    }
}

//! The lever table of `docs/model.md`: the measured effect of each policy lever and each doctrine on
//! the US and China, against `status-quo` vs `status-quo`, on the embedded `us-china-2025`
//! scenario over several seeds. Rerun with
//!
//! ```text
//! cargo run --release -p gigawatt-acceptance --example levers
//! ```
//!
//! and paste its output over the table in the docs. Each row changes one seat: a lever is pulled
//! at month 0 by an otherwise `status-quo` nation; a doctrine replaces `status-quo` for that nation.
//! The other nation plays `status-quo`. Columns per nation: superintelligence month (mean over the
//! seeds that reached it, and how many did), best-lab capability at the end, GW online at the end,
//! and the share of its chips powered at the end.

use std::sync::Arc;

use gigawatt_engine::observation::Observation;
use gigawatt_engine::{Match, Order, Orders, PolicyChange, Scenario, Strategy};
use rand_chacha::ChaCha8Rng;

const SEEDS: [u64; 4] = [0, 1, 2, 3];

/// Builds the strategy of a seat (by nation index) for one row of the table.
type SeatMaker = Box<dyn Fn(usize) -> Box<dyn Strategy>>;

/// `status-quo` that also gives some orders in month 0.
struct StatusQuoWith {
    inner: Box<dyn Strategy>,
    first: Vec<Order>,
}

impl Strategy for StatusQuoWith {
    fn name(&self) -> String {
        "status-quo+lever".into()
    }
    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = self.inner.decide(obs, rng);
        if obs.month == 0 {
            for o in &self.first {
                orders.push(o.clone());
            }
        }
        orders
    }
}

#[derive(Default, Clone, Copy)]
struct Sums {
    asi_months: f64,
    asi_count: u32,
    capability: f64,
    gw_online: f64,
    powered: f64,
}

fn scenario() -> Arc<Scenario> {
    gigawatt_engine::testing::default_scenario()
}

fn seat(spec: &str) -> Box<dyn Strategy> {
    gigawatt_agents::build(spec).expect("built-in")
}

/// Plays every seed and sums each nation's figures.
fn measure(make: &dyn Fn(usize) -> Box<dyn Strategy>) -> [Sums; 2] {
    let scenario = scenario();
    let mut sums = [Sums::default(); 2];
    for seed in SEEDS {
        let mut m = Match::new(scenario.clone(), vec![make(0), make(1)], seed).expect("match");
        m.record_trace();
        let outcome = m.run();
        let last = outcome.months_played.saturating_sub(1);
        for (n, s) in sums.iter_mut().enumerate() {
            let o = &outcome.nations[n];
            if let Some(month) = o.asi_month {
                s.asi_months += month as f64;
                s.asi_count += 1;
            }
            s.capability += o.capability;
            let row = m
                .trace()
                .iter()
                .find(|r| r.month == last && r.nation == o.id)
                .expect("traced");
            s.gw_online += row.generation_capacity_gw;
            s.powered += if row.h100e > 0.0 {
                row.powered_h100e / row.h100e
            } else {
                1.0
            };
        }
    }
    sums
}

fn month_label(start_year: i32, sums: &Sums) -> String {
    if sums.asi_count == 0 {
        return "—".into();
    }
    let m = (sums.asi_months / sums.asi_count as f64).round() as i32;
    format!(
        "{}-{:02} ({}/{})",
        start_year + m / 12,
        m % 12 + 1,
        sums.asi_count,
        SEEDS.len()
    )
}

fn cells(start_year: i32, s: &Sums) -> String {
    let n = SEEDS.len() as f64;
    format!(
        "{} | {:.2} | {:.0} | {:.2}",
        month_label(start_year, s),
        s.capability / n,
        s.gw_online / n,
        s.powered / n
    )
}

fn main() {
    let start_year = scenario().start_year;
    let lever = |seat_of: usize, orders: Vec<Order>| {
        move |n: usize| -> Box<dyn Strategy> {
            if n == seat_of {
                Box::new(StatusQuoWith {
                    inner: seat("status-quo"),
                    first: orders.clone(),
                })
            } else {
                seat("status-quo")
            }
        }
    };
    let policy = |p: PolicyChange| vec![Order::SetPolicy(p)];
    let rows: Vec<(String, SeatMaker)> = vec![
        ("status-quo (both)".into(), Box::new(|_| seat("status-quo"))),
        (
            "usa: deregulate (level 0)".into(),
            Box::new(lever(0, policy(PolicyChange::RegulationLevel(0.0)))),
        ),
        (
            "usa: leave the climate accord".into(),
            Box::new(lever(0, policy(PolicyChange::ClimateAccord(false)))),
        ),
        (
            "usa: drill".into(),
            Box::new(lever(0, policy(PolicyChange::Drilling(true)))),
        ),
        (
            "usa: queue reform".into(),
            Box::new(lever(0, policy(PolicyChange::QueueReform(true)))),
        ),
        (
            "usa: expand grid +2 GW/month".into(),
            Box::new(lever(
                0,
                vec![Order::ExpandGrid {
                    mw_per_month: 2_000.0,
                }],
            )),
        ),
        (
            "usa: lift export controls on chn".into(),
            Box::new(lever(
                0,
                policy(PolicyChange::ExportControls {
                    target: "chn".into(),
                    imposed: false,
                }),
            )),
        ),
        (
            "chn: mineral export controls on usa".into(),
            Box::new(lever(
                1,
                policy(PolicyChange::MineralExportControls {
                    target: "usa".into(),
                    imposed: true,
                }),
            )),
        ),
        (
            "chn: chip export controls on usa".into(),
            Box::new(lever(
                1,
                policy(PolicyChange::ExportControls {
                    target: "usa".into(),
                    imposed: true,
                }),
            )),
        ),
        (
            "chn: deregulate (level 0)".into(),
            Box::new(lever(1, policy(PolicyChange::RegulationLevel(0.0)))),
        ),
    ];
    let doctrines = [
        "builder",
        "scaler",
        "driller",
        "algorithmist",
        "denier",
        "inference-heavy",
        "balanced",
    ];
    println!(
        "| Change | usa ASI | usa capability | usa GW online | usa powered | chn ASI | chn capability | chn GW online | chn powered |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let print = |label: &str, sums: [Sums; 2]| {
        println!(
            "| {label} | {} | {} |",
            cells(start_year, &sums[0]),
            cells(start_year, &sums[1])
        );
    };
    for (label, make) in &rows {
        print(label, measure(make.as_ref()));
    }
    for (n, id) in ["usa", "chn"].into_iter().enumerate() {
        for d in doctrines {
            let make = move |i: usize| if i == n { seat(d) } else { seat("status-quo") };
            print(&format!("{id}: {d}"), measure(&make));
        }
    }
}

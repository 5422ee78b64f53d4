//! The conformance kit on every built-in strategy, on the worked example of `docs/strategies.md`,
//! and on strategies built to break each rule (proof that the kit can fail).

// --- worked example: begin ---
use gigawatt_agents::conformance_test;
use gigawatt_engine::orders::{Order, Orders, PowerSupply};
use gigawatt_engine::scenario::PlantKind;
use gigawatt_engine::{Observation, Strategy};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Gas and chips, carefully: each quarter it builds gas turbines for the grid and datacenters for
/// the chips it buys every month; whenever an order of its was rejected it spends at half rate for
/// a year. That memory is state, so it saves and loads it.
#[derive(Clone, Debug, Default)]
pub struct Careful {
    /// The month until which it spends at half rate.
    careful_until: Option<u32>,
}

impl Strategy for Careful {
    fn name(&self) -> String {
        "careful".to_string()
    }

    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        if !obs.rejected.is_empty() {
            self.careful_until = Some(obs.month + 12);
        }
        let careful = self.careful_until.is_some_and(|until| obs.month < until);
        // Never plan to spend more than the treasury holds (conformance check (d)).
        let mut budget = obs.own.treasury_usd.max(0.0) * if careful { 0.3 } else { 0.6 };
        let mut orders = Orders::none();
        let Some(lab) = obs.labs.first() else {
            return orders;
        };
        let quarter = obs.month.is_multiple_of(3);

        // Gas turbines for the grid, within this year's equipment supply.
        if quarter {
            let kind = PlantKind::GasTurbine;
            let per_mw = obs.scenario.nations[obs.nation]
                .plants
                .get(kind)
                .capex_usd_per_kw
                * 1e3;
            let mw = (0.3 * budget / per_mw).min(obs.own.starts_left_mw[kind.index()]);
            if mw >= 1.0 {
                let order = Order::BuildPlant {
                    kind,
                    capacity_mw: mw,
                    dedicated_to: None,
                };
                budget -= order.cost_usd(obs);
                orders.push(order);
            }
        }

        // Chips for the first lab: a share of what is left, jittered by the seat's own random
        // stream (the only randomness a strategy may use).
        let share: f64 = rng.random_range(0.4..0.6);
        let h100e =
            (share * budget / obs.own.chip_price_usd_per_h100e).min(obs.own.chips_available_h100e);
        if h100e >= 1.0 {
            let order = Order::OrderChips {
                lab: lab.index,
                h100e,
            };
            budget -= order.cost_usd(obs);
            orders.push(order);
        }

        // Datacenters to host what it owns and has on order, once a quarter.
        if quarter {
            let building: f64 = obs
                .datacenters
                .iter()
                .filter(|d| d.lab == lab.index)
                .map(|d| d.it_mw)
                .sum();
            let needed_mw = (lab.h100e + lab.h100e_on_order + h100e) * lab.it_kw_per_h100e / 1e3;
            let gap_mw = needed_mw - lab.grid_it_mw - lab.dedicated_it_mw - building;
            let mw = gap_mw.min(budget / obs.scenario.global.datacenter_capex_usd_per_mw);
            if mw >= 1.0 {
                orders.push(Order::BuildDatacenter {
                    lab: lab.index,
                    it_mw: mw,
                    supply: PowerSupply::Grid,
                });
            }
        }
        orders
    }

    fn save_state(&self) -> String {
        self.careful_until
            .map(|m| m.to_string())
            .unwrap_or_default()
    }

    fn load_state(&mut self, state: &str) -> Result<(), String> {
        self.careful_until = match state.trim() {
            "" => None,
            month => Some(month.parse().map_err(|e| format!("`{month}`: {e}"))?),
        };
        Ok(())
    }
}

conformance_test!(careful_conforms, || Box::new(Careful::default()));
// --- worked example: end ---

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use gigawatt_agents::conformance::{self, Check, Failure, Options};

/// Specs for the built-ins that take free-form arguments: a small valid one each.
const TEXT_SPECS: &[(&str, &str)] = &[(
    "scripted",
    r#"scripted(plan: [(month: 0, orders: [SetPolicy(Drilling(true))]), (month: 7, orders: [])], then: "balanced")"#,
)];

/// What the kit plays a built-in with, or `None` to skip it (a text strategy without a sample).
fn spec_and_options(info: &gigawatt_agents::StrategyInfo) -> Option<(String, Options)> {
    let spec = match info.text_args() {
        None => info.name.to_string(),
        Some(_) => TEXT_SPECS
            .iter()
            .find(|(name, _)| *name == info.name)
            .map(|(_, spec)| spec.to_string())?,
    };
    // Slow strategies simulate ahead: one seed over two years is enough to exercise them.
    let slow = info.slow && info.text_args().is_none();
    let options = if slow {
        Options::quick()
    } else {
        Options::default()
    };
    Some((spec, options))
}

#[test]
fn every_built_in_passes() {
    let started = Instant::now();
    let infos = gigawatt_agents::strategies();
    // Two at a time: the kit plays each strategy's games in order, strategies are independent.
    let results: Vec<(String, Result<String, String>, f64)> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<&gigawatt_agents::StrategyInfo>> = (0..2)
            .map(|k| infos.iter().skip(k).step_by(2).collect())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for info in chunk {
                        let Some((spec, options)) = spec_and_options(info) else {
                            eprintln!("skipped `{}`: it needs arguments", info.name);
                            continue;
                        };
                        if let Err(e) = gigawatt_agents::build(&spec) {
                            out.push((spec, Err(format!("does not build: {e}")), 0.0));
                            continue;
                        }
                        let t = Instant::now();
                        let make = || gigawatt_agents::build(&spec).expect("built once already");
                        let result = conformance::check(&make, &options)
                            .map(|report| report.to_string())
                            .map_err(|failures| conformance::describe(&failures));
                        out.push((spec, result, t.elapsed().as_secs_f64()));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("no panic"))
            .collect()
    });
    let mut failed = Vec::new();
    for (spec, result, seconds) in &results {
        match result {
            Ok(report) => eprintln!("{seconds:6.2}s  {report}"),
            Err(failures) => {
                eprintln!("{seconds:6.2}s  `{spec}` FAILED");
                failed.push(format!("`{spec}`: {failures}"));
            }
        }
    }
    eprintln!(
        "conformance of {} built-ins: {:.2}s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(results.len() >= 10, "{results:?}");
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// The worked example (which conforms), plus whatever `extra` does to its orders.
struct Twisted<F: FnMut(&Observation, &mut Orders) + Send> {
    base: Careful,
    extra: F,
}

fn twisted<F>(extra: F) -> Box<dyn Strategy>
where
    F: FnMut(&Observation, &mut Orders) + Send + 'static,
{
    Box::new(Twisted {
        base: Careful::default(),
        extra,
    })
}

impl<F: FnMut(&Observation, &mut Orders) + Send> Strategy for Twisted<F> {
    fn name(&self) -> String {
        "twisted".into()
    }
    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = self.base.decide(obs, rng);
        (self.extra)(obs, &mut orders);
        orders
    }
    fn save_state(&self) -> String {
        self.base.save_state()
    }
    fn load_state(&mut self, state: &str) -> Result<(), String> {
        self.base.load_state(state)
    }
}

fn failures_of(make: &dyn Fn() -> Box<dyn Strategy>) -> Vec<Failure> {
    match conformance::check(make, &Options::quick()) {
        Ok(report) => panic!("the kit passed a broken strategy: {report}"),
        Err(failures) => failures,
    }
}

fn checks(failures: &[Failure]) -> Vec<Check> {
    failures.iter().map(|f| f.check).collect()
}

#[test]
fn a_panic_in_month_5_is_a_fault() {
    let failures = failures_of(&|| {
        twisted(|obs: &Observation, _: &mut Orders| {
            if obs.month == 5 {
                panic!("deliberate panic in month five");
            }
        })
    });
    let fault = failures
        .iter()
        .find(|f| f.check == Check::NoFaults)
        .unwrap_or_else(|| panic!("{}", conformance::describe(&failures)));
    assert_eq!(fault.month, Some(5), "{fault}");
    assert!(fault.message.contains("month five"), "{fault}");
    // Every seat of every scenario faulted, and nothing else went wrong.
    assert!(
        failures.iter().all(|f| f.check == Check::NoFaults),
        "{}",
        conformance::describe(&failures)
    );
    let seats: usize = gigawatt_data::SCENARIOS
        .iter()
        .map(|s| {
            gigawatt_engine::parse_scenario_with(s.file, s.source, &gigawatt_data::embedded_base)
                .expect("embedded")
                .nations
                .len()
        })
        .sum();
    assert_eq!(
        failures.len(),
        seats,
        "{}",
        conformance::describe(&failures)
    );
}

static DECISIONS: AtomicU64 = AtomicU64::new(0);

#[test]
fn hidden_global_state_is_caught_by_the_replay() {
    let failures = failures_of(&|| {
        twisted(|obs: &Observation, orders: &mut Orders| {
            let n = DECISIONS.fetch_add(1, Ordering::Relaxed);
            if let Some(lab) = obs.labs.first() {
                orders.push(Order::FundResearch {
                    lab: lab.index,
                    usd: 1_000.0 + (n % 1_000) as f64,
                });
            }
        })
    });
    let found = checks(&failures);
    assert!(
        found.contains(&Check::SameSeedSameOrders),
        "{}",
        conformance::describe(&failures)
    );
    assert!(!found.contains(&Check::NoFaults) && !found.contains(&Check::WithinTreasury));
}

#[test]
fn overspending_the_treasury_is_caught() {
    let failures = failures_of(&|| {
        twisted(|obs: &Observation, orders: &mut Orders| {
            if let Some(lab) = obs.labs.first()
                && obs.month % 4 == 1
            {
                orders.push(Order::FundResearch {
                    lab: lab.index,
                    usd: obs.own.treasury_usd * 1.5 + 1e6,
                });
            }
        })
    });
    assert!(
        failures.iter().all(|f| f.check == Check::WithinTreasury),
        "{}",
        conformance::describe(&failures)
    );
    let first = &failures[0];
    assert_eq!(first.month, Some(1), "{first}");
    assert!(first.message.contains("more months"), "{first}");
}

/// A strategy that keeps state but does not save it: same orders in an unbroken game, other orders
/// after a restore.
#[derive(Default)]
struct Forgetful {
    base: Careful,
    months_played: u32,
}

impl Strategy for Forgetful {
    fn name(&self) -> String {
        "forgetful".into()
    }
    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        self.months_played += 1;
        let mut orders = self.base.decide(obs, rng);
        if let Some(lab) = obs.labs.first() {
            orders.push(Order::FundResearch {
                lab: lab.index,
                usd: 1_000.0 * self.months_played as f64,
            });
        }
        orders
    }
}

#[test]
fn state_not_saved_is_caught_by_the_restore() {
    let failures = failures_of(&|| Box::new(Forgetful::default()));
    assert!(
        failures.iter().all(|f| f.check == Check::SnapshotRestore),
        "{}",
        conformance::describe(&failures)
    );
    assert_eq!(failures.len(), 2, "{}", conformance::describe(&failures));
}

fn strategies_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/strategies.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The text of the section headed "### `name`", up to the next heading of level 2 or 3.
fn section<'a>(guide: &'a str, name: &str) -> Option<&'a str> {
    let start = guide.find(&format!("\n### `{name}`\n"))? + 1;
    let rest = &guide[start..];
    let body = rest.find('\n').map_or("", |n| &rest[n..]);
    let end = [body.find("\n### "), body.find("\n## ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(body.len());
    Some(&body[..end])
}

/// The doctrine matrix: `(strategy, parameter) -> (range, default)` from the table whose header
/// starts `| parameter | range |`.
fn doctrine_matrix(guide: &str) -> Vec<(String, String, String, String)> {
    let mut lines = guide
        .lines()
        .skip_while(|l| !l.starts_with("| parameter | range |"));
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let cells = |line: &str| -> Vec<String> {
        line.trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect()
    };
    let strategies = cells(header);
    let mut out = Vec::new();
    for row in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let row = cells(row);
        for (strategy, value) in strategies.iter().zip(&row).skip(2) {
            out.push((
                strategy.clone(),
                row[0].clone(),
                row[1].clone(),
                value.clone(),
            ));
        }
    }
    out
}

#[test]
fn the_guide_lists_every_built_in_with_its_parameters() {
    use gigawatt_agents::spec::format_number;
    let guide = strategies_md();
    let matrix = doctrine_matrix(&guide);
    let mut stale = Vec::new();
    for info in gigawatt_agents::strategies() {
        let Some(text) = section(&guide, info.name) else {
            stale.push(format!("no section \"### `{}`\"", info.name));
            continue;
        };
        if !text.contains(&format!("> {}\n", info.description)) {
            stale.push(format!(
                "`{}`: the section does not quote its description `> {}`",
                info.name, info.description
            ));
        }
        let in_matrix: Vec<_> = matrix.iter().filter(|m| m.0 == info.name).collect();
        let params = info.params();
        if !in_matrix.is_empty() && in_matrix.len() != params.len() {
            stale.push(format!(
                "`{}`: the doctrine table has {} parameters, the strategy {}",
                info.name,
                in_matrix.len(),
                params.len()
            ));
        }
        for p in &params {
            let (default, range) = (format_number(p.default), p.range());
            let documented = if in_matrix.is_empty() {
                text.contains(&format!("| `{}` | {default} | {range} |", p.name))
            } else {
                in_matrix
                    .iter()
                    .any(|m| m.1 == p.name && m.2 == range && m.3 == default)
            };
            if !documented {
                stale.push(format!(
                    "`{}`: parameter `{}` with default {default} and range {range}",
                    info.name, p.name
                ));
            }
            if !guide.contains(&format!("| `{}` | {} |", p.name, p.doc))
                && !guide.contains(&format!("| {range} | {} |", p.doc))
            {
                stale.push(format!(
                    "`{}`: parameter `{}`'s meaning `{}`",
                    info.name, p.name, p.doc
                ));
            }
        }
        if let Some(args) = info.text_args()
            && !text.contains(&format!("{}({args})", info.name).replace('\n', " "))
            && !text
                .replace('\n', " ")
                .contains(&format!("{}({args})", info.name))
        {
            stale.push(format!("`{}`: its arguments `{args}`", info.name));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/strategies.md §8 is out of date with `gigawatt strategies`:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn the_guide_shows_the_worked_example_tested_here() {
    let source = include_str!("conformance.rs");
    let begin = "// --- worked example: begin ---\n";
    let end = "// --- worked example: end ---";
    let start = source.find(begin).expect("begin marker") + begin.len();
    let stop = source.find(end).expect("end marker");
    let example = source[start..stop].trim();
    assert!(
        strategies_md().contains(example),
        "docs/strategies.md must contain the worked example of agents/tests/conformance.rs verbatim"
    );
}

mod parametric {
    use super::*;
    use gigawatt_agents::conformance::ScenarioSource;
    use proptest::prelude::*;
    use proptest::strategy::Strategy as PropStrategy;

    /// Any `parametric(...)` the tuner may try: every parameter anywhere in its range.
    fn any_spec() -> impl PropStrategy<Value = String> {
        let infos = gigawatt_agents::info("parametric")
            .expect("parametric is built in")
            .params();
        let ranges: Vec<_> = infos
            .iter()
            .map(|p| {
                let (min, max, integer) = (p.min, p.max, p.integer);
                (0.0..=1.0f64).prop_map(move |u| {
                    let v = min + u * (max - min);
                    if integer { v.round() } else { v }
                })
            })
            .collect();
        ranges.prop_map(move |values| {
            let args: Vec<String> = infos
                .iter()
                .zip(values)
                .map(|(p, v)| format!("{}: {}", p.name, gigawatt_agents::spec::format_number(v)))
                .collect();
            format!("parametric({})", args.join(", "))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 8, .. ProptestConfig::default() })]

        /// The tuner's whole search space conforms, not only the presets.
        #[test]
        fn every_parametric_spec_conforms(spec in any_spec()) {
            let default = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
            let options = Options::quick().with_scenarios(vec![ScenarioSource {
                file: default.file.to_string(),
                source: default.source.to_string(),
            }]);
            let make = || gigawatt_agents::build(&spec).expect("in range");
            if let Err(failures) = conformance::check(&make, &options) {
                prop_assert!(false, "`{}`: {}", spec, conformance::describe(&failures));
            }
        }
    }
}

//! Doctrines do what they say. Each built-in doctrine plays the United States against a
//! `status-quo` China on the default scenario for four years (superintelligence switched off, so every
//! game runs the same length), over several seeds; the claims of `docs/strategies.md` are checked on
//! the means, and where the margin allows, seed by seed.

use std::collections::BTreeMap;
use std::sync::Arc;

use gigawatt_engine::{Match, NationOutcome, Scenario};

const SEEDS: [u64; 4] = [0, 1, 2, 3];
const MONTHS: u32 = 48;
const DOCTRINES: [&str; 10] = [
    "status-quo",
    "builder",
    "scaler",
    "driller",
    "algorithmist",
    "denier",
    "inference-heavy",
    "balanced",
    "parametric",
    "random",
];

fn scenario() -> Arc<Scenario> {
    let mut s = gigawatt_engine::testing::embedded("us-china-2025");
    // Measure behaviour over a fixed span, not who wins: no game ends early.
    s.global.asi_threshold_capability = f64::MAX;
    Arc::new(s)
}

/// The US outcome of every doctrine, per seed.
fn results() -> BTreeMap<&'static str, Vec<NationOutcome>> {
    let sc = scenario();
    DOCTRINES
        .iter()
        .map(|&name| {
            let runs = SEEDS
                .iter()
                .map(|&seed| {
                    let seats = vec![
                        gigawatt_agents::build(name).unwrap(),
                        gigawatt_agents::build("status-quo").unwrap(),
                    ];
                    let mut m = Match::with_months(sc.clone(), seats, seed, MONTHS)
                        .unwrap()
                        .with_fallback(gigawatt_agents::fallback());
                    let outcome = m.run();
                    assert!(outcome.faults.is_empty(), "{name}: {:?}", outcome.faults);
                    assert_eq!(outcome.months_played, MONTHS);
                    outcome.nations.into_iter().next().expect("usa")
                })
                .collect();
            (name, runs)
        })
        .collect()
}

fn mean(runs: &[NationOutcome], f: impl Fn(&NationOutcome) -> f64) -> f64 {
    runs.iter().map(f).sum::<f64>() / runs.len() as f64
}

/// Asserts `best` is strictly first on `f` (higher is better) among all doctrines, on the mean.
fn leads(
    results: &BTreeMap<&str, Vec<NationOutcome>>,
    best: &str,
    what: &str,
    f: impl Fn(&NationOutcome) -> f64 + Copy,
) {
    let top = mean(&results[best], f);
    for (name, runs) in results {
        if *name != best {
            let other = mean(runs, f);
            assert!(
                top > other,
                "{best} should lead on {what}: {top:.4e} vs {name} {other:.4e}"
            );
        }
    }
}

#[test]
fn each_doctrine_shows_its_signature() {
    let r = results();
    // builder brings the most generation online, every seed.
    leads(&r, "builder", "GW built", |n| n.capacity_built_gw);
    for seed in 0..SEEDS.len() {
        let builder = r["builder"][seed].capacity_built_gw;
        for (name, runs) in &r {
            assert!(
                *name == "builder" || builder > runs[seed].capacity_built_gw,
                "seed {seed}: builder vs {name}"
            );
        }
    }
    // scaler trains the largest runs.
    leads(&r, "scaler", "largest run", |n| n.largest_run_flop);
    // driller emits the most, and turns money into power the fastest (behind the meter, deregulated):
    // a doctrine none of whose plants came online in four years has an infinite time to power.
    leads(&r, "driller", "emissions", |n| n.emissions_mtco2);
    leads(&r, "driller", "speed to power", |n| {
        -n.mean_time_to_power_months.unwrap_or(f64::INFINITY)
    });
    // algorithmist gets the best algorithms; inference-heavy trains the least.
    leads(&r, "algorithmist", "capability", |n| n.capability);
    let least = DOCTRINES
        .iter()
        .map(|d| mean(&r[d], |n| n.largest_run_flop))
        .fold(f64::INFINITY, f64::min);
    assert_eq!(
        mean(&r["inference-heavy"], |n| n.largest_run_flop),
        least,
        "inference-heavy trains the smallest runs"
    );
}

#[test]
fn denier_cuts_its_rival_s_chips() {
    let sc = scenario();
    let china_h100e = |us: &str| -> f64 {
        SEEDS
            .iter()
            .map(|&seed| {
                let seats = vec![
                    gigawatt_agents::build(us).unwrap(),
                    gigawatt_agents::build("status-quo").unwrap(),
                ];
                let mut m = Match::with_months(sc.clone(), seats, seed, MONTHS).unwrap();
                m.run().nations[1].h100e
            })
            .sum()
    };
    // The default scenario starts with US controls on China; a US that lifts them (export_control
    // month never, and lifting at month 0 is what `random` might do) is the comparison.
    let lifted = {
        let mut s = (*sc).clone();
        s.nations[0].initial_policy.export_controls_on.clear();
        let sc = Arc::new(s);
        SEEDS
            .iter()
            .map(|&seed| {
                let seats = vec![
                    gigawatt_agents::build("parametric").unwrap(),
                    gigawatt_agents::build("status-quo").unwrap(),
                ];
                Match::with_months(sc.clone(), seats, seed, MONTHS)
                    .unwrap()
                    .run()
                    .nations[1]
                    .h100e
            })
            .sum::<f64>()
    };
    let denied = china_h100e("denier");
    assert!(
        denied < lifted * 0.9,
        "China holds {denied:.3e} H100e under a denier vs {lifted:.3e} without controls"
    );
}

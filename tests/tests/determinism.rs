//! Same scenario, strategies and seed give bit-identical results: twice in a row, across threads,
//! and after a snapshot is saved, serialised and restored mid-game.

use std::sync::Arc;

use gigawatt_engine::{Match, Outcome, Scenario, TraceRow, snapshot};
use rayon::prelude::*;

fn scenario() -> Arc<Scenario> {
    gigawatt_engine::testing::default_scenario()
}

fn seats(specs: &[&str]) -> Vec<Box<dyn gigawatt_engine::Strategy>> {
    specs
        .iter()
        .map(|s| gigawatt_agents::build(s).expect("built-in"))
        .collect()
}

/// Exact text of everything a game produced: `{:?}` prints floats in round-trip form, so equal text
/// means equal bits.
fn fingerprint(outcome: &Outcome, trace: &[TraceRow]) -> String {
    format!("{outcome:?}\n{trace:?}")
}

fn play(specs: &[&str], seed: u64) -> String {
    let mut m = Match::new(scenario(), seats(specs), seed).expect("match");
    m.record_trace();
    let outcome = m.run();
    fingerprint(&outcome, m.trace())
}

#[test]
fn same_seed_twice_is_bit_identical() {
    for specs in [
        ["status-quo", "status-quo"],
        ["random", "status-quo"],
        ["random", "random"],
    ] {
        assert_eq!(play(&specs, 7), play(&specs, 7), "{specs:?}");
    }
}

#[test]
fn the_seed_matters() {
    // Overruns are seeded, so different seeds give different worlds.
    assert_ne!(
        play(&["status-quo", "status-quo"], 1),
        play(&["status-quo", "status-quo"], 2)
    );
}

#[test]
fn results_do_not_depend_on_threads() {
    let seeds: Vec<u64> = (0..12).collect();
    let sequential: Vec<String> = seeds
        .iter()
        .map(|&s| play(&["random", "status-quo"], s))
        .collect();
    let parallel: Vec<String> = seeds
        .par_iter()
        .map(|&s| play(&["random", "status-quo"], s))
        .collect();
    assert_eq!(sequential, parallel);
}

#[test]
fn snapshot_restore_mid_game_is_bit_identical() {
    for (specs, seed, at) in [
        (["status-quo", "status-quo"], 3u64, 30u32),
        (["random", "status-quo"], 11, 17),
    ] {
        let mut straight = Match::new(scenario(), seats(&specs), seed).expect("match");
        straight.record_trace();
        let expected = straight.run();

        let mut first = Match::new(scenario(), seats(&specs), seed).expect("match");
        first.record_trace();
        for _ in 0..at {
            first.step();
        }
        let text = snapshot::to_ron(&first.snapshot()).expect("serialises");
        let restored_snapshot = snapshot::from_ron(&text).expect("parses");
        let mut resumed =
            Match::restore(scenario(), seats(&specs), &restored_snapshot).expect("restores");
        resumed.record_trace();
        let outcome = resumed.run();
        assert_eq!(
            format!("{outcome:?}"),
            format!("{expected:?}"),
            "{specs:?} seed {seed}"
        );
        let mut joined: Vec<TraceRow> = first.trace().to_vec();
        joined.extend_from_slice(resumed.trace());
        assert_eq!(format!("{joined:?}"), format!("{:?}", straight.trace()));
    }
}

#[test]
fn snapshot_refuses_another_scenario() {
    let mut m = Match::new(scenario(), seats(&["status-quo", "status-quo"]), 1).expect("match");
    m.step();
    let snap = m.snapshot();
    let mut other = (*scenario()).clone();
    other.global.utilisation = 0.5;
    let err = Match::restore(Arc::new(other), seats(&["status-quo", "status-quo"]), &snap)
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("snapshot was taken on scenario"),
        "{err}"
    );
}

#[test]
fn a_reset_match_plays_exactly_like_a_new_one() {
    let specs = ["random", "status-quo"];
    let mut reused = Match::new(scenario(), seats(&specs), 100).expect("match");
    reused.record_trace();
    for seed in [5u64, 6, 7] {
        reused.reset(seats(&specs), seed).expect("same seats");
        let outcome = reused.run();
        assert_eq!(
            fingerprint(&outcome, reused.trace()),
            play(&specs, seed),
            "seed {seed}"
        );
    }
    assert!(
        reused.reset(seats(&["random"]), 1).is_err(),
        "seat count is checked"
    );
}

/// A dropped match leaves its world and schedule to the next match built on its thread: games built
/// on such a shell (after games of other strategies and seeds, one dropped half-way, one restored)
/// play bit for bit like a game on a thread that never built a match.
#[test]
fn a_match_on_a_reused_shell_plays_exactly_like_one_on_a_fresh_thread() {
    let specs = ["random", "status-quo"];
    let fresh = std::thread::spawn(move || play(&specs, 11))
        .join()
        .expect("thread");
    let reused = std::thread::spawn(move || {
        play(&["builder", "denier"], 3);
        let mut half = Match::new(scenario(), seats(&["scaler", "random"]), 4).expect("match");
        for _ in 0..40 {
            half.step();
        }
        let snap = half.snapshot();
        drop(half);
        let restored =
            Match::restore(scenario(), seats(&["scaler", "random"]), &snap).expect("restores");
        drop(restored);
        [play(&specs, 11), play(&specs, 11)]
    })
    .join()
    .expect("thread");
    assert_eq!(reused[0], fresh);
    assert_eq!(reused[1], fresh);
}

/// Only a valid scenario plays: a scenario built in Rust with a broken field is refused with the
/// validator's words, not played with a silent fallback.
#[test]
fn a_match_refuses_an_invalid_scenario() {
    let mut bad = (*scenario()).clone();
    bad.labs[0].nation = "atlantis".to_string();
    bad.global.utilisation = -1.0;
    let err = Match::new(Arc::new(bad), seats(&["status-quo", "status-quo"]), 1)
        .err()
        .expect("refused");
    let text = err.to_string();
    assert!(text.contains("not valid (2 problems"), "{text}");
    assert!(
        text.contains("utilisation") && text.contains("atlantis"),
        "{text}"
    );
}

#[test]
fn restored_state_matches_uninterrupted_state_exactly() {
    let specs = ["random", "status-quo"];
    let mut straight = Match::with_months(scenario(), seats(&specs), 21, 60).expect("match");
    while straight.step() {}
    let mut first = Match::with_months(scenario(), seats(&specs), 21, 60).expect("match");
    for _ in 0..25 {
        first.step();
    }
    let snap = first.snapshot();
    let mut resumed = Match::restore(scenario(), seats(&specs), &snap).expect("restores");
    while resumed.step() {}
    // Every component, counter and random stream, not just what the outcome reports.
    assert_eq!(resumed.snapshot(), straight.snapshot());
}

/// Each month's observations are written over last month's (their lists, ids and policies reused,
/// so that a month allocates nothing): they must equal observations built from nothing, on every
/// field, every month, with two nations and with more (rivals placed around the observer).
#[test]
fn observations_written_over_last_month_s_equal_fresh_ones() {
    let world = Arc::new(gigawatt_engine::testing::embedded("world-2025"));
    assert!(
        world.nations.len() > 2,
        "a scenario with more than two nations"
    );
    for (sc, specs) in [
        (scenario(), vec!["scaler", "builder"]),
        (scenario(), vec!["random", "status-quo"]),
        (world.clone(), vec!["builder"; world.nations.len()]),
    ] {
        let mut m = Match::new(sc, seats(&specs), 11).expect("match");
        let mut months = 0;
        let mut rivals_seen = 0;
        while m.step() {
            // The first call writes over the observations the strategies just saw; the second has
            // none to reuse and builds them from nothing.
            let reused = m.observations();
            let fresh = m.observations();
            for (r, f) in reused.iter().zip(&fresh) {
                assert_eq!(
                    serde_json::to_string(&r.data()).unwrap(),
                    serde_json::to_string(&f.data()).unwrap(),
                    "{specs:?}, month {}",
                    f.month
                );
                assert!(Arc::ptr_eq(&r.scenario, &f.scenario));
                assert!(r.snapshot.is_none());
                rivals_seen += r.rivals.len();
            }
            months += 1;
        }
        assert!(months > 12 && rivals_seen > 0, "{specs:?}: {months} months");
    }
}

/// A built-in strategy that records the plants it is shown each month, and says whether it reads
/// the grid's plants as it is told.
struct PlantsSeen {
    inner: Box<dyn gigawatt_engine::Strategy>,
    reads_grid_plants: bool,
    seen: Arc<std::sync::Mutex<Vec<Vec<gigawatt_engine::observation::PlantView>>>>,
}

impl gigawatt_engine::Strategy for PlantsSeen {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn decide(
        &mut self,
        observation: &gigawatt_engine::Observation,
        rng: &mut rand_chacha::ChaCha8Rng,
    ) -> gigawatt_engine::Orders {
        self.seen.lock().unwrap().push(observation.plants.clone());
        self.inner.decide(observation, rng)
    }

    fn reads_grid_plants(&self) -> bool {
        self.reads_grid_plants
    }
}

/// Seats that do not read the grid's plants are shown exactly the behind-the-meter ones, in the
/// same order, whatever the other seat reads; those that do are shown every plant; and the built-in
/// strategies, which read none, decide the same either way.
#[test]
fn seats_that_skip_grid_plants_see_exactly_the_behind_the_meter_ones() {
    type Seen = Arc<std::sync::Mutex<Vec<Vec<gigawatt_engine::observation::PlantView>>>>;
    let play = |reads: [bool; 2]| -> (Vec<Seen>, Outcome) {
        let seen: Vec<Seen> = (0..2).map(|_| Seen::default()).collect();
        let strategies: Vec<Box<dyn gigawatt_engine::Strategy>> = ["builder", "scaler"]
            .iter()
            .zip(reads)
            .zip(&seen)
            .map(|((spec, reads_grid_plants), seen)| {
                Box::new(PlantsSeen {
                    inner: gigawatt_agents::build(spec).expect("builds"),
                    reads_grid_plants,
                    seen: seen.clone(),
                }) as Box<dyn gigawatt_engine::Strategy>
            })
            .collect();
        let mut m = Match::new(scenario(), strategies, 5).expect("match");
        (seen, m.run())
    };
    let (all, all_outcome) = play([true, true]);
    let plants: Vec<_> = all
        .iter()
        .flat_map(|s| s.lock().unwrap().clone())
        .flatten()
        .collect();
    let behind_seen = plants.iter().filter(|p| p.dedicated_to.is_some()).count();
    let grid_seen = plants.len() - behind_seen;
    assert!(
        grid_seen > 0 && behind_seen > 0,
        "{grid_seen} grid and {behind_seen} behind-the-meter plants seen"
    );
    for reads in [[false, true], [true, false], [false, false]] {
        let (seen, outcome) = play(reads);
        assert_eq!(outcome, all_outcome, "{reads:?}: the same game");
        for seat in 0..2 {
            let full = all[seat].lock().unwrap().clone();
            let expected: Vec<_> = if reads[seat] {
                full
            } else {
                full.into_iter()
                    .map(|month| {
                        month
                            .into_iter()
                            .filter(|p| p.dedicated_to.is_some())
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(
                serde_json::to_string(&*seen[seat].lock().unwrap()).unwrap(),
                serde_json::to_string(&expected).unwrap(),
                "{reads:?}, seat {seat}"
            );
        }
    }
}

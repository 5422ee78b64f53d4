//! Local strategies (objects of the host process, e.g. Python classes) in tournaments and tuning:
//! their games are played on the calling thread while the others run in parallel, and the results
//! are those of the same logic as a built-in.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use gigawatt_agents::local::{LocalFactory, register};
use gigawatt_arena::signals::Stop;
use gigawatt_arena::tournament::TournamentConfig;
use gigawatt_arena::tournament::run::{NoProgress, RunOptions, run};
use gigawatt_arena::tournament::store::for_each_game;
use gigawatt_engine::Strategy;

/// `status-quo`, built through the local registry, noting the thread of every build.
struct Recorded {
    threads: Mutex<Vec<ThreadId>>,
}

impl LocalFactory for Recorded {
    fn build(&self) -> Result<Box<dyn Strategy>, String> {
        self.threads
            .lock()
            .expect("not poisoned")
            .push(std::thread::current().id());
        gigawatt_agents::build("status-quo").map_err(|e| e.to_string())
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gigawatt-local-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// (game id, strategies by seat, scores by seat) of every game in `dir`.
fn games(dir: &Path) -> Vec<(u64, Vec<String>, Vec<f64>)> {
    let mut out = Vec::new();
    for_each_game(&dir.join("games.jsonl"), |g| {
        out.push((
            g.game_id,
            g.seats.iter().map(|s| s.strategy.to_string()).collect(),
            g.seats.iter().map(|s| s.score).collect(),
        ));
        Ok(())
    })
    .expect("games read");
    out
}

fn tournament(strategies: &[&str], out: &Path) {
    let config = TournamentConfig {
        strategies: strategies.iter().map(|s| s.to_string()).collect(),
        seeds: 3,
        months: Some(36),
        resamples: 50,
        ..TournamentConfig::default()
    };
    let scenarios =
        vec![gigawatt_arena::inputs::load_scenario(&config.scenarios[0]).expect("embedded")];
    let options = RunOptions {
        threads: Some(2),
        resume: false,
        interim_standings: false,
        stop: Stop::never(),
    };
    let summary = run(&config, &scenarios, out, &options, &mut NoProgress).expect("runs");
    assert_eq!(summary.done(), summary.planned);
}

#[test]
fn a_local_strategy_plays_on_the_calling_thread_and_like_its_built_in() {
    let factory = Arc::new(Recorded {
        threads: Mutex::new(Vec::new()),
    });
    let _registration = register("test:quo", factory.clone()).expect("registers");
    let local_dir = temp_dir("local");
    let built_in_dir = temp_dir("built-in");
    tournament(&["builder", "test:quo", "scaler"], &local_dir);
    tournament(&["builder", "status-quo", "scaler"], &built_in_dir);

    let threads = factory.threads.lock().expect("not poisoned").clone();
    assert!(!threads.is_empty(), "the local strategy played");
    assert!(
        threads.iter().all(|&t| t == std::thread::current().id()),
        "every seat of the local strategy was built on the calling thread"
    );
    let local = games(&local_dir);
    let built_in = games(&built_in_dir);
    assert_eq!(local.len(), built_in.len());
    assert!(
        local.windows(2).all(|w| w[0].0 < w[1].0),
        "written in id order"
    );
    for (a, b) in local.iter().zip(&built_in) {
        assert_eq!(a.0, b.0);
        let renamed: Vec<String> =
            a.1.iter()
                .map(|s| {
                    if s == "test:quo" {
                        "status-quo".to_string()
                    } else {
                        s.clone()
                    }
                })
                .collect();
        assert_eq!(renamed, b.1, "game {}", a.0);
        assert_eq!(a.2, b.2, "game {}: the same scores, bit for bit", a.0);
    }
    let seats_played = local
        .iter()
        .flat_map(|g| &g.1)
        .filter(|s| *s == "test:quo")
        .count();
    assert_eq!(seats_played, threads.len(), "one build per seat played");
    let _ = std::fs::remove_dir_all(&local_dir);
    let _ = std::fs::remove_dir_all(&built_in_dir);
}

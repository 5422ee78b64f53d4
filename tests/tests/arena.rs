//! A fixed tournament through the library alone (no command line), against the files the tool wrote
//! for it before its library was split from the binary: any change to what a tournament writes
//! (records, standings, ratings, payoff, arrival, meta-game, report) shows up here as a new hash.
//!
//! `games.jsonl`'s hash changed once on purpose since: its records gained exact seed halves, year
//! labels, the seats' outcome fields and `first_asi_month` (docs/data.md); the tidy tables and
//! `analysis.csv` were added then. `config.ron`'s changed once: it gained the run's content
//! identity (the scenario's text after inheritance and the model version, issue 14), so it changes
//! again with any change to the embedded scenario or to `MODEL_VERSION` or the crate's version.
//! `analysis.json` gained `equilibria` (every equilibrium support enumeration finds), `arrival.csv`
//! the quantiles as `YYYY-MM` dates (three columns added after the month indices), and
//! `report.html` its per-seat section and redrawn figures (issue 15). The
//! other files are byte for byte what they were.
//!
//! The expected hashes are FNV-1a 64 of each file (of `games.jsonl` with its lines in game order,
//! as threads finish games in any order). A change that is meant to alter results updates them, and
//! says why in its commit.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gigawatt_arena::signals::Stop;
use gigawatt_arena::tournament::report::write_reports;
use gigawatt_arena::tournament::run::{Progress, RunOptions, run_in};
use gigawatt_arena::tournament::store::{GAMES_FILE, read_games_for_analysis};
use gigawatt_arena::tournament::{Format, TournamentConfig, load_scenarios};

/// (file, FNV-1a 64 of its bytes), as written by `gigawatt tournament --strategy status-quo
/// --strategy builder --strategy scaler --strategy "random(orders_per_month: 2)" --seeds 2 --seed 7
/// --months 48` into a folder named `golden`.
const EXPECTED: &[(&str, u64)] = &[
    ("config.ron", 0xd642_9bc6_91a6_6f6b),
    ("games.jsonl", 0x7c04_6b8b_d6e9_4d4e),
    ("standings.csv", 0x59eb_bd99_935c_7f23),
    ("payoff.csv", 0x70d0_9d4b_594a_534e),
    ("arrival.csv", 0x064e_fdf1_5967_1123),
    ("analysis.json", 0x0005_0037_84d1_1cdb),
    ("analysis.csv", 0x2677_428d_169b_d511),
    ("seats.csv", 0x8184_fbb5_c936_edac),
    ("capability_by_year.csv", 0xfa74_c5f7_25ae_fb00),
    ("report.html", 0x1727_4c4b_cc5d_074e),
];

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `games.jsonl` with its lines in game order.
fn games_in_order(dir: &Path) -> String {
    let lines = gigawatt_acceptance::sorted_games(dir);
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Counts what the run reports, as a caller's progress display would see it.
#[derive(Default)]
struct Counted {
    total: Cell<u64>,
    done: Cell<u64>,
    finished: Cell<bool>,
}

impl Progress for Counted {
    fn start(&mut self, total: u64, done_before: u64) {
        assert_eq!(done_before, 0, "a fresh folder");
        self.total.set(total);
    }

    fn games_done(&mut self, games: u64) {
        self.done.set(self.done.get() + games);
    }

    fn finish(&mut self) {
        self.finished.set(true);
    }
}

fn golden_config() -> TournamentConfig {
    TournamentConfig {
        scenarios: vec![gigawatt_data::DEFAULT_SCENARIO.to_string()],
        strategies: [
            "status-quo",
            "builder",
            "scaler",
            "random(orders_per_month: 2)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        seeds: 2,
        seed: 7,
        months: Some(48),
        format: Format::RoundRobin,
        ..TournamentConfig::default()
    }
}

#[test]
fn a_fixed_tournament_writes_the_same_files_as_before_the_split() {
    let dir: PathBuf = gigawatt_acceptance::temp_dir("arena", "golden");
    let config = golden_config();
    let scenarios: Vec<Arc<gigawatt_engine::Scenario>> = load_scenarios(&config).expect("loads");
    let options = RunOptions {
        threads: Some(2),
        resume: false,
        interim_standings: false,
        stop: Stop::never(),
    };
    let mut progress = Counted::default();
    let summary =
        run_in(&config, &scenarios, None, &dir, &options, &mut progress).expect("the run plays");
    assert_eq!(summary.played, summary.planned);
    assert_eq!(summary.stopped, None);
    assert_eq!(progress.total.get(), summary.planned as u64);
    assert_eq!(progress.done.get(), summary.planned as u64);
    assert!(progress.finished.get());

    let (games, faults) =
        read_games_for_analysis(&dir.join(GAMES_FILE), false).expect("reads the games");
    write_reports(&dir, &config, games, faults).expect("writes the reports");
    gigawatt_report::write_report(&dir, None).expect("writes the page");

    let mut wrong = Vec::new();
    for &(file, expected) in EXPECTED {
        let bytes = if file == GAMES_FILE {
            games_in_order(&dir).into_bytes()
        } else {
            std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
        };
        let actual = fnv1a(&bytes);
        if actual != expected {
            wrong.push(format!("{file}: {actual:#018x}, expected {expected:#018x}"));
        }
    }
    assert!(wrong.is_empty(), "files changed:\n{}", wrong.join("\n"));
}

//! Sampled worlds end to end, through the real binary: a tournament with `--worlds` writes
//! `worlds.csv` and a world index on every game, gives the same files whatever the threads or shard
//! split, and `play --world N` replays a game of the run exactly and reports the world's values.

use std::path::{Path, PathBuf};

use gigawatt_acceptance::{gigawatt_in, ok};

fn temp_dir(name: &str) -> PathBuf {
    gigawatt_acceptance::temp_dir("worlds", name)
}

fn games(dir: &Path) -> Vec<String> {
    gigawatt_acceptance::sorted_games(dir)
}

const WORLDS: &str = "6";

fn run(cwd: &Path, out: &Path, extra: &[&str]) -> String {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "tournament",
        "--strategy",
        "status-quo",
        "--strategy",
        "builder",
        "--seeds",
        "1",
        "--worlds",
        WORLDS,
        "--seed",
        "3",
        "--months",
        "48",
        "--quiet",
        "--out",
        out,
    ];
    args.extend(extra);
    ok(&gigawatt_in(cwd, &args))
}

#[test]
fn the_default_scenario_declares_distributions() {
    let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
    let u = gigawatt_engine::parse_uncertain_scenario(e.file, e.source).expect("valid");
    assert!(
        u.uncertainties.len() >= 8,
        "{} uncertain fields",
        u.uncertainties.len()
    );
    // Central values are today's point values: the calibration tests play them.
    assert_eq!(
        *u.central,
        gigawatt_engine::parse_scenario(e.file, e.source).unwrap()
    );
}

#[test]
fn sampled_runs_are_identical_for_any_threads_and_shards_and_replay_in_play() {
    let cwd = temp_dir("identical");
    let one = cwd.join("one");
    run(&cwd, &one, &["--threads", "1"]);
    let two = cwd.join("two");
    run(&cwd, &two, &["--threads", "2"]);
    assert_eq!(games(&one), games(&two));
    let csv = std::fs::read_to_string(one.join("worlds.csv")).expect("worlds.csv");
    assert_eq!(
        csv,
        std::fs::read_to_string(two.join("worlds.csv")).unwrap()
    );
    // Header `world,<paths>`, one row per world, each value a number.
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "world");
    assert!(header.len() > 2 && header[1..].iter().all(|p| p.contains('.')));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), WORLDS.parse::<usize>().unwrap());
    for (w, row) in rows.iter().enumerate() {
        assert_eq!(row[0], w.to_string());
        assert!(row[1..].iter().all(|x| x.parse::<f64>().is_ok()), "{row:?}");
    }
    // Worlds differ from each other.
    assert_ne!(rows[0][1..], rows[1][1..]);

    // Every game names its world; every pairing meets every world.
    let all = games(&one);
    let mut per_world = vec![0; rows.len()];
    for line in &all {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        per_world[v["world"].as_u64().expect("world index") as usize] += 1;
    }
    assert!(per_world.iter().all(|&c| c == 4), "{per_world:?}");

    // Two shards, merged, give the same games and worlds.
    let a = cwd.join("a");
    let b = cwd.join("b");
    run(&cwd, &a, &["--shard", "1/2"]);
    run(&cwd, &b, &["--shard", "2/2"]);
    let merged = cwd.join("merged");
    ok(&gigawatt_in(
        &cwd,
        &[
            "merge",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
    ));
    assert_eq!(games(&merged), all);
    assert_eq!(
        std::fs::read_to_string(merged.join("worlds.csv")).unwrap(),
        csv
    );

    // `play --world N` replays a game of world N exactly and reports the world's values.
    let game: serde_json::Value = all
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|g| g["world"] == 4 && g["seats"][0]["strategy"] == "builder")
        .expect("a game in world 4");
    let seed = game["seed"].as_u64().unwrap().to_string();
    let agents: Vec<String> = game["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s["nation"].as_str().unwrap(),
                s["strategy"].as_str().unwrap()
            )
        })
        .collect();
    let text = ok(&gigawatt_in(
        &cwd,
        &[
            "play",
            "--world",
            "4",
            "--worlds",
            WORLDS,
            "--world-seed",
            "3",
            "--seed",
            &seed,
            "--months",
            "48",
            "--agent",
            &agents[0],
            "--agent",
            &agents[1],
            "--json",
        ],
    ));
    let played: serde_json::Value = serde_json::from_str(&text).expect("json");
    for (seat, nation) in game["seats"]
        .as_array()
        .unwrap()
        .iter()
        .zip(played["nations"].as_array().unwrap())
    {
        assert_eq!(seat["capability"], nation["capability"]);
    }
    let values = played["world"]["values"].as_object().expect("values");
    for (j, path) in header[1..].iter().enumerate() {
        let reported = values[*path].as_f64().unwrap();
        assert_eq!(reported, rows[4][j + 1].parse::<f64>().unwrap(), "{path}");
    }
}

#[test]
fn bad_world_arguments_are_clear_errors() {
    let cwd = temp_dir("errors");
    let out = gigawatt_in(&cwd, &["play", "--world", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --worlds"));
    let out = gigawatt_in(&cwd, &["play", "--world", "9", "--worlds", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not one of the run's 5"));
    let out = gigawatt_in(&cwd, &["play", "--world", "many"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`central` or a world index"));
    // A scenario without distributions has no worlds to sample.
    let point = gigawatt_engine::testing::point_scenario_text(gigawatt_data::DEFAULT_SCENARIO);
    let file = cwd.join("point.ron");
    std::fs::write(&file, point).unwrap();
    let out = gigawatt_in(
        &cwd,
        &[
            "tournament",
            "--scenario",
            file.to_str().unwrap(),
            "--worlds",
            "3",
            "--strategy",
            "status-quo",
            "--quiet",
            "--out",
            cwd.join("x").to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("declares no distributions"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `explore` end to end: its files, their shapes, and the same analyses for any thread count.
#[test]
fn explore_writes_sensitivity_discovery_and_robustness_identically_for_any_threads() {
    let cwd = temp_dir("explore");
    let run = |name: &str, threads: &str| -> PathBuf {
        let out = cwd.join(name);
        ok(&gigawatt_in(
            &cwd,
            &[
                "explore",
                "--strategy",
                "status-quo",
                "--strategy",
                "builder",
                "--worlds",
                "24",
                "--months",
                "48",
                "--threads",
                threads,
                "--interest-share",
                "0",
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        out
    };
    let one = run("one", "1");
    let two = run("two", "2");
    for file in [
        "worlds.csv",
        "sensitivity.csv",
        "discovery.json",
        "discovery.txt",
        "robustness.csv",
    ] {
        let a = std::fs::read_to_string(one.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let b = std::fs::read_to_string(two.join(file)).unwrap();
        assert_eq!(a, b, "{file}");
    }
    // sensitivity.csv: every outcome × every uncertain dimension (and the noise floor) × 2 methods.
    let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).unwrap();
    let u = gigawatt_engine::parse_uncertain_scenario(e.file, e.source).unwrap();
    let mut dimensions: Vec<String> = u.uncertainties.iter().map(|x| x.dimension()).collect();
    dimensions.sort();
    dimensions.dedup();
    let sens = std::fs::read_to_string(one.join("sensitivity.csv")).unwrap();
    let mut lines = sens.lines();
    assert_eq!(
        lines.next(),
        Some("outcome,parameter,index,ci_low,ci_high,method")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let outcomes = [
        "win_share:usa",
        "win_share:chn",
        "capability_gap:usa-chn",
        "asi_month:usa",
        "asi_month:chn",
    ];
    assert_eq!(rows.len(), outcomes.len() * (dimensions.len() + 1) * 2);
    for row in &rows {
        assert!(outcomes.contains(&row[0]), "{row:?}");
        assert!(["delta", "s1"].contains(&row[5]), "{row:?}");
        let index: f64 = row[2].parse().expect("index");
        if row[5] == "delta" {
            assert!((-0.1..=1.0).contains(&index), "{row:?}");
        }
    }
    // discovery.json names the outcome and counts the worlds.
    let discovery: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(one.join("discovery.json")).unwrap())
            .unwrap();
    assert_eq!(discovery["worlds"], 24);
    assert!(
        discovery["outcome"]
            .as_str()
            .unwrap()
            .starts_with("chn wins")
    );
    assert!(discovery.get("prim").is_some() || discovery.get("error").is_some());
    // robustness.csv: both strategies in both seats, regret never negative.
    let robust = std::fs::read_to_string(one.join("robustness.csv")).unwrap();
    let rows: Vec<Vec<&str>> = robust
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row[2], "24", "{row:?}");
        let max_regret: f64 = row[7].parse().unwrap();
        assert!(max_regret >= 0.0, "{row:?}");
    }
}

//! The `gigawatt` binary itself, as Cargo builds it for this package's tests
//! (`CARGO_BIN_EXE_gigawatt`): exit codes and the outputs scripts read. The workspace's end-to-end
//! tests (`tests/`) run the same binary through `gigawatt_acceptance::gigawatt_bin`.

use std::process::{Command, Output};

fn gigawatt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gigawatt"))
        .args(args)
        .output()
        .expect("the gigawatt binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

#[test]
fn play_json_is_the_outcome_a_script_reads() {
    let out = gigawatt(&["play", "--months", "6", "--seed", "4", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(outcome["months_played"], 6);
    assert_eq!(outcome["seed"], 4);
    let nations = outcome["nations"].as_array().expect("nations");
    assert_eq!(nations[0]["id"], "usa");
    assert_eq!(nations[0]["nation"], "usa");
}

#[test]
fn bad_input_exits_2_and_says_where() {
    let dir = std::env::temp_dir().join(format!("gigawatt-cli-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.ron");
    std::fs::write(
        &file,
        "Scenario(base: \"us-china-2025\", name: \"bad\",\n  global: (chip_cost_usd_per_h100e: -5.0))",
    )
    .unwrap();
    let out = gigawatt(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!("{}:2:", file.display()))
            && report.contains("global.chip_cost_usd_per_h100e"),
        "{report}"
    );
    let out = gigawatt(&["play", "--agent", "usa=bogus"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown strategy `bogus`"));
    let out = gigawatt(&["tournament", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_and_help_exit_0() {
    let out = gigawatt(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("gigawatt "));
    let out = gigawatt(&["tournament", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("--seeds <N>"));
}

// ------------------------------------------------------------------------------------------------
// The results store (issue 14): each test reproduces one of the issue's numbered failures.

use std::path::{Path, PathBuf};

/// A fresh folder for one test.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gigawatt-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `gigawatt ARGS` run in `cwd`.
fn gigawatt_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gigawatt"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the gigawatt binary runs")
}

/// A tiny tournament (two strategies, two seeds, a year: 8 games in well under a second).
const TINY: &[&str] = &[
    "tournament",
    "--strategy",
    "builder",
    "--strategy",
    "scaler",
    "--seeds",
    "2",
    "--months",
    "12",
    "--threads",
    "1",
    "--quiet",
];

fn tiny(cwd: &Path, extra: &[&str]) -> Output {
    let args: Vec<&str> = TINY.iter().chain(extra).copied().collect();
    gigawatt_in(cwd, &args)
}

fn assert_refused(out: &Output, wanted: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}\nstderr: {stderr}",
        text(&out.stdout)
    );
    assert!(stderr.contains(wanted), "expected `{wanted}` in: {stderr}");
}

fn assert_ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Issue 14, item 1: an edited scenario file was invisible to the store.
#[test]
fn an_edited_scenario_is_refused_naming_the_field_that_changed() {
    let dir = temp("edited");
    let exported = assert_ok(&gigawatt_in(
        &dir,
        &["scenarios", "--export", "us-china-2025"],
    ));
    std::fs::write(dir.join("mine.ron"), &exported).unwrap();
    assert_ok(&tiny(&dir, &["--scenario", "mine.ron", "--out", "run"]));
    // The default folder's name hashes the content too: note the one of the original text.
    assert_ok(&tiny(&dir, &["--scenario", "mine.ron"]));
    let edited = exported.replacen(
        "asi_threshold_capability: 36.0",
        "asi_threshold_capability: 35.0",
        1,
    );
    assert_ne!(
        edited, exported,
        "the shipped threshold moved; update this test"
    );
    std::fs::write(dir.join("mine.ron"), &edited).unwrap();
    let wanted = "global.asi_threshold_capability: 36.0 then, 35.0 now";
    assert_refused(
        &tiny(&dir, &["--scenario", "mine.ron", "--out", "run"]),
        wanted,
    );
    assert_refused(
        &tiny(
            &dir,
            &["--scenario", "mine.ron", "--out", "run", "--resume"],
        ),
        wanted,
    );
    assert_refused(&gigawatt_in(&dir, &["report", "run"]), wanted);
    assert_refused(
        &gigawatt_in(&dir, &["merge", "run", "--out", "merged"]),
        wanted,
    );
    // Without --out, the edited scenario plays in a folder of its own.
    assert_ok(&tiny(&dir, &["--scenario", "mine.ron"]));
    let folders = std::fs::read_dir(dir.join("results")).unwrap().count();
    assert_eq!(folders, 2, "one default folder per scenario text");
    let _ = std::fs::remove_dir_all(&dir);
}

/// This machine's name as the lock file writes it.
fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}

/// Issue 14, item 2: two runs on one --out both played to the end.
#[test]
fn a_folder_in_use_is_refused_and_a_dead_holders_lock_is_taken_over() {
    if !Path::new("/proc/self").exists() {
        return; // The liveness check and this test's host name need Linux's /proc.
    }
    let dir = temp("lock");
    std::fs::create_dir_all(dir.join("run")).unwrap();
    // Process 1 is alive on every Linux host.
    std::fs::write(dir.join("run/.gigawatt.lock"), format!("1 {}\n", host())).unwrap();
    let wanted = format!("in use by another gigawatt (process 1 on host {},", host());
    assert_refused(&tiny(&dir, &["--out", "run"]), &wanted);
    assert_refused(&gigawatt_in(&dir, &["report", "run"]), &wanted);
    assert!(!dir.join("run/games.jsonl").exists(), "nothing was played");
    // A pid above Linux's limit (2^22) is no process: the lock is stale and taken over.
    std::fs::write(
        dir.join("run/.gigawatt.lock"),
        format!("2000000000 {}\n", host()),
    )
    .unwrap();
    assert_ok(&tiny(&dir, &["--out", "run"]));
    assert!(!dir.join("run/.gigawatt.lock").exists(), "removed at exit");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 3: `merge --out` overwrote another tournament's folder or its own input.
#[test]
fn merge_writes_only_to_a_new_or_empty_folder() {
    let dir = temp("merge");
    assert_ok(&tiny(&dir, &["--shard", "1/2", "--out", "a"]));
    assert_ok(&tiny(&dir, &["--shard", "2/2", "--out", "b"]));
    assert_ok(&tiny(&dir, &["--out", "other"]));
    let shard = std::fs::read(dir.join("a/games.jsonl")).unwrap();
    let other = std::fs::read(dir.join("other/games.jsonl")).unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["merge", "a", "b", "--out", "a"]),
        "merge --out a is one of its inputs",
    );
    assert_refused(
        &gigawatt_in(&dir, &["merge", "a", "b", "--out", "./b/"]),
        "is one of its inputs",
    );
    assert_refused(
        &gigawatt_in(&dir, &["merge", "a", "b", "--out", "other"]),
        "merge writes only to a new or empty folder",
    );
    assert_eq!(std::fs::read(dir.join("a/games.jsonl")).unwrap(), shard);
    assert_eq!(std::fs::read(dir.join("other/games.jsonl")).unwrap(), other);
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    // A merge cut short left its mark and some files: merging again writes over them.
    std::fs::write(dir.join("empty/.gigawatt.merging"), "").unwrap();
    std::fs::write(dir.join("empty/games.jsonl"), "{\"game_id\":0").unwrap();
    assert_ok(&gigawatt_in(&dir, &["merge", "a", "b", "--out", "empty"]));
    assert!(
        !dir.join("empty/.gigawatt.merging").exists(),
        "the mark is removed at the end"
    );
    assert_eq!(
        std::fs::read(dir.join("empty/games.jsonl")).unwrap(),
        other,
        "the merge equals the unsharded run"
    );
    // A shard whose config.ron was edited is another tournament.
    let config = std::fs::read_to_string(dir.join("b/config.ron")).unwrap();
    std::fs::write(
        dir.join("b/config.ron"),
        config.replacen("seed: 0", "seed: 7", 1),
    )
    .unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["merge", "a", "b", "--out", "new"]),
        "seed: 0 vs 7",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 4: with config.ron deleted, --resume with another seed took the games as its own;
/// a config.ron cut short left the folder unusable.
#[test]
fn games_of_another_configuration_are_refused_even_without_config_ron() {
    let dir = temp("noconfig");
    assert_ok(&tiny(&dir, &["--out", "run"]));
    std::fs::remove_file(dir.join("run/config.ron")).unwrap();
    assert_refused(&tiny(&dir, &["--out", "run"]), "pass --resume");
    assert_refused(
        &tiny(&dir, &["--out", "run", "--resume", "--seed", "7"]),
        "game 0 is not the game this folder's plan (config.ron) gives that id: seed",
    );
    // Written whole: no temporary file is left, and the folder reads back.
    assert_ok(&tiny(&dir, &["--out", "run", "--resume"]));
    let names: Vec<String> = std::fs::read_dir(dir.join("run"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
    // Another strategy list in the same folder is refused by name.
    assert_refused(
        &gigawatt_in(
            &dir,
            &[
                "tournament",
                "--strategy",
                "builder",
                "--seeds",
                "2",
                "--months",
                "12",
                "--out",
                "run",
                "--quiet",
            ],
        ),
        "strategies:",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 5: `report` presented duplicated, missing and stale results with exit 0.
#[test]
fn report_refuses_duplicated_missing_and_foreign_games_and_rewrites_stale_summaries() {
    let dir = temp("report");
    assert_ok(&tiny(&dir, &["--out", "run"]));
    let games = std::fs::read_to_string(dir.join("run/games.jsonl")).unwrap();
    let lines: Vec<&str> = games.lines().collect();
    let standings = std::fs::read_to_string(dir.join("run/standings.csv")).unwrap();
    // Duplicated.
    std::fs::write(
        dir.join("run/games.jsonl"),
        format!("{games}{}\n", lines[0]),
    )
    .unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["report", "run"]),
        "game 0 appears twice",
    );
    // Missing.
    let without: String = lines[1..].iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.join("run/games.jsonl"), &without).unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["report", "run"]),
        "1 of the 8 games of its plan are missing from games.jsonl (first: 0)",
    );
    assert_refused(
        &gigawatt_in(&dir, &["analyze", "run/payoff.csv"]),
        "missing",
    );
    // Foreign: another tournament's game under the same id.
    assert_ok(&tiny(&dir, &["--out", "seven", "--seed", "7"]));
    let foreign = std::fs::read_to_string(dir.join("seven/games.jsonl")).unwrap();
    let first_foreign = foreign.lines().next().unwrap();
    std::fs::write(
        dir.join("run/games.jsonl"),
        format!("{first_foreign}\n{without}"),
    )
    .unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["report", "run"]),
        "it comes from another tournament",
    );
    // Stale summaries: a truncated standings.csv is written again from the games.
    std::fs::write(dir.join("run/games.jsonl"), &games).unwrap();
    std::fs::write(
        dir.join("run/standings.csv"),
        &standings[..standings.len() / 3],
    )
    .unwrap();
    assert_ok(&gigawatt_in(&dir, &["report", "run"]));
    assert_eq!(
        std::fs::read_to_string(dir.join("run/standings.csv")).unwrap(),
        standings
    );
    // analyze refuses a payoff.csv that is not its folder's games'.
    let payoff = std::fs::read_to_string(dir.join("run/payoff.csv")).unwrap();
    std::fs::write(dir.join("run/payoff.csv"), payoff.replacen("0.", "0.9", 1)).unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["analyze", "run/payoff.csv"]),
        "is stale or edited",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 6 (what was left of it): `analyze` wrote `null` results for payoffs of ±1e308.
#[test]
fn analyze_refuses_payoffs_beyond_its_range() {
    let dir = temp("analyze");
    std::fs::write(
        dir.join("p.csv"),
        "strategy,a,b\na,0.5,1e308\nb,-1e308,0.5\n",
    )
    .unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["analyze", "p.csv", "--json"]),
        "p.csv: line 2: row `a`, column `b`: `1e308` is outside the payoffs",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 7: Ctrl-C said nothing about how to resume; a finished run said "pass --resume".
#[test]
fn a_stopped_run_says_how_to_resume_and_a_finished_one_says_it_is_complete() {
    if !Path::new("/proc/self").exists() {
        return; // Signals as Linux sends them.
    }
    let dir = temp("signals");
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let out = format!("run{code}");
        // Long enough (full ten-year games, one thread) to be stopped in the middle.
        let child = Command::new(env!("CARGO_BIN_EXE_gigawatt"))
            .args([
                "tournament",
                "--strategy",
                "builder",
                "--strategy",
                "scaler",
                "--seeds",
                "500",
                "--threads",
                "1",
                "--quiet",
                "--out",
                &out,
            ])
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Stop it once it has written a game.
        let games = dir.join(&out).join("games.jsonl");
        let start = std::time::Instant::now();
        while std::fs::metadata(&games).map_or(0, |m| m.len()) == 0 {
            assert!(start.elapsed().as_secs() < 60, "no game written");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(code), "{}", text(&output.stderr));
        let stderr = text(&output.stderr);
        assert!(stderr.contains("resume with: "), "{stderr}");
        assert!(stderr.contains(&format!("--out {out}")), "{stderr}");
        assert!(stderr.contains(" --resume"), "{stderr}");
        assert!(
            !dir.join(&out).join(".gigawatt.lock").exists(),
            "lock released"
        );
    }
    // Finished, then run again with the same --out: complete, exit 0.
    assert_ok(&tiny(&dir, &["--out", "done"]));
    let again = assert_ok(&tiny(&dir, &["--out", "done"]));
    assert!(
        again.contains("done is complete: all 8 games were played before"),
        "{again}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A tuning run stopped by a signal finishes its generation, keeps it in the checkpoint, says how
/// to resume and exits with 128 + the signal, like a tournament.
#[test]
fn a_stopped_tuning_run_keeps_its_generations_and_says_how_to_resume() {
    if !Path::new("/proc/self").exists() {
        return; // Signals as Linux sends them.
    }
    let dir = temp("tune-signal");
    // A long search of small generations: it is certainly in the middle when stopped.
    std::fs::write(
        dir.join("tune.ron"),
        r#"(
    strategy: "parametric",
    space: [(name: "compute_share", low: 0.2, high: 1.0)],
    pool: ["status-quo"],
    scenarios: ["us-china-2025"],
    seats: [],
    seeds: 1,
    optimiser: random(evaluations: 100000, batch: 2),
    finalists: 1,
    finalist_seeds: 1,
    held_out_seeds: 2,
    months: None,
    seed: 1,
)"#,
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_gigawatt"))
        .args([
            "tune",
            "--config",
            "tune.ron",
            "--threads",
            "1",
            "--quiet",
            "--out",
            "t",
        ])
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let checkpoint = dir.join("t").join("checkpoint.ron");
    let start = std::time::Instant::now();
    while !checkpoint.exists() {
        assert!(start.elapsed().as_secs() < 60, "no generation checkpointed");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("stopped by SIGTERM: "), "{stderr}");
    assert!(stderr.contains("generations are in"), "{stderr}");
    assert!(
        stderr.contains("resume with: ") && stderr.contains(" --resume"),
        "{stderr}"
    );
    assert!(
        !dir.join("t").join(".gigawatt.lock").exists(),
        "lock released"
    );
    let kept = std::fs::read_to_string(&checkpoint).unwrap();
    assert!(
        kept.contains("generations:"),
        "the checkpoint holds the search so far"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 14, item 5 (explore's analyses): they depend on explore's flags, not in config.ron, so
/// `report` cannot recompute them; once the games change it refuses them instead of showing them.
#[test]
fn report_refuses_explore_analyses_of_other_games() {
    let dir = temp("explore");
    let explore = [
        "explore",
        "--worlds",
        "3",
        "--months",
        "6",
        "--strategy",
        "builder",
        "--strategy",
        "scaler",
        "--threads",
        "1",
        "--quiet",
        "--out",
        "run",
    ];
    assert_ok(&gigawatt_in(&dir, &explore));
    assert!(dir.join("run/explore.stamp").exists());
    assert_ok(&gigawatt_in(&dir, &["report", "run"]));
    // The same games, each record rewritten (a field's spelling): no longer the games analysed.
    let games = std::fs::read_to_string(dir.join("run/games.jsonl")).unwrap();
    std::fs::write(
        dir.join("run/games.jsonl"),
        games.replace("\"faults\":[]", "\"faults\": []"),
    )
    .unwrap();
    assert_refused(
        &gigawatt_in(&dir, &["report", "run"]),
        "were computed from other games than games.jsonl holds now",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A kill in the middle of a line of games.jsonl leaves a torn last line: the run resumes from the
/// last whole one and ends with the file an unbroken run writes.
#[test]
fn a_torn_last_line_is_repaired_on_resume() {
    let dir = temp("torn");
    assert_ok(&tiny(&dir, &["--out", "run"]));
    let whole = std::fs::read_to_string(dir.join("run/games.jsonl")).unwrap();
    let last_start = whole[..whole.len() - 1].rfind('\n').unwrap() + 1;
    let torn = &whole[..last_start + (whole.len() - last_start) / 2];
    std::fs::write(dir.join("run/games.jsonl"), torn).unwrap();
    let again = assert_ok(&tiny(&dir, &["--out", "run"]));
    assert!(
        again.contains("8 games planned, 7 already played, 1 played now"),
        "{again}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("run/games.jsonl")).unwrap(),
        whole
    );
    let _ = std::fs::remove_dir_all(&dir);
}

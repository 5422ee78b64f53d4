//! `gigawatt tune` end to end, through the real binary: a small tuning of `parametric` beats its
//! defaults on held-out seeds, its `best.ron` plays and enters tournaments, results do not depend on
//! the thread count, a run killed after a checkpoint resumes to the same result, `--write-config`
//! writes a whole configuration that tunes the same, and bad configurations fail with exit code 2
//! and a message naming the problem.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use gigawatt_acceptance::{gigawatt_bin, gigawatt_in, ok};

fn temp_dir(name: &str) -> PathBuf {
    gigawatt_acceptance::temp_dir("tune", name)
}

fn gigawatt(args: &[&str], cwd: &Path) -> Output {
    gigawatt_in(cwd, args)
}

/// China against two opponents over four years: the defaults lose every game; early export
/// controls (with enough compute) win them. Seconds in a debug build.
const SMALL: &str = r#"(
    strategy: "parametric",
    space: [
        (name: "compute_share", low: 0.3, high: 1.0),
        (name: "export_control_month", low: 0, high: 36),
    ],
    pool: ["status-quo", "builder"],
    held_out: ["balanced"],
    scenarios: ["us-china-2025"],
    seats: ["chn"],
    seeds: 1,
    optimiser: cmaes(evaluations: EVALUATIONS, population: 6, sigma: 0.3),
    finalists: 2,
    finalist_seeds: 2,
    held_out_seeds: 4,
    months: Some(48),
    seed: 3,
)"#;

fn config(dir: &Path, name: &str, evaluations: u64) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        SMALL.replace("EVALUATIONS", &evaluations.to_string()),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn tune(cwd: &Path, config: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "tune",
        "--config",
        config,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    gigawatt(&args, cwd)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The `held_out.csv` row for `opponents`, by column name.
fn held_out_row(dir: &Path, opponents: &str) -> std::collections::HashMap<String, f64> {
    let text = read(dir, "held_out.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = lines
        .find(|l| l.starts_with(&format!("{opponents},")))
        .unwrap_or_else(|| panic!("no {opponents} row in:\n{text}"));
    header
        .iter()
        .zip(row.split(','))
        .skip(1)
        .map(|(k, v)| (k.to_string(), v.parse::<f64>().unwrap()))
        .collect()
}

#[test]
fn a_small_tuning_beats_the_defaults_on_held_out_seeds_and_its_best_plays() {
    let dir = temp_dir("beats");
    let config = config(&dir, "small.ron", 24);
    let out = dir.join("run");
    let stdout = ok(&tune(&dir, &config, &out, &[]));
    for file in [
        "config.ron",
        "checkpoint.ron",
        "history.csv",
        "best.ron",
        "summary.txt",
        "finalists.csv",
        "held_out.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    assert!(
        stdout.starts_with(&read(&out, "summary.txt")),
        "the summary is printed"
    );
    // It leads with the held-out result (the number to quote), not the biased search score.
    let summary = read(&out, "summary.txt");
    let second = summary.lines().nth(1).unwrap_or_default();
    assert!(
        second.starts_with("Result on held-out seeds: tuned "),
        "the held-out result comes first: {second}"
    );
    assert!(
        summary.find("Result on held-out seeds") < summary.find("search score"),
        "before any search score"
    );

    // The paired difference against the pool, on seeds the search never saw, is above 0.
    let pool = held_out_row(&out, "pool");
    assert!(
        pool["difference_low"] > 0.0 && pool["tuned"] > pool["default"],
        "{pool:?}\n{stdout}"
    );
    assert!(stdout.contains("better than the default"), "{stdout}");
    assert!(held_out_row(&out, "held_out")["games"] > 0.0);

    // history.csv: one row per evaluation, the searched parameters by name.
    let history = read(&out, "history.csv");
    let mut lines = history.lines();
    assert_eq!(
        lines.next(),
        Some("evaluation,generation,compute_share,export_control_month,score,seeds")
    );
    assert_eq!(lines.count(), 24);

    // best.ron is a spec file: it plays and enters tournaments as it is.
    let best = out.join("best.ron");
    let best = best.to_str().unwrap();
    let spec = read(&out, "best.ron");
    let spec = spec.lines().last().unwrap().trim().to_string();
    assert!(spec.starts_with("parametric("), "{spec}");
    let played = ok(&gigawatt(
        &["play", "--agent", &format!("chn={best}"), "--months", "12"],
        &dir,
    ));
    assert!(played.contains(&spec), "{played}");
    let tournament = ok(&gigawatt(
        &[
            "tournament",
            "--strategy",
            best,
            "--strategy",
            "status-quo",
            "--months",
            "12",
            "--seeds",
            "1",
            "--quiet",
            "--out",
            dir.join("tournament").to_str().unwrap(),
        ],
        &dir,
    ));
    assert!(tournament.contains("parametric("), "{tournament}");

    // The directory is not overwritten by accident.
    let again = tune(&dir, &config, &out, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    let _ = std::fs::remove_dir_all(&dir);
}

const RESULT_FILES: [&str; 5] = [
    "best.ron",
    "history.csv",
    "summary.txt",
    "finalists.csv",
    "held_out.csv",
];

#[test]
fn results_do_not_depend_on_threads() {
    let dir = temp_dir("threads");
    let config = config(&dir, "small.ron", 24);
    let (one, two) = (dir.join("one"), dir.join("two"));
    ok(&tune(&dir, &config, &one, &["--threads", "1"]));
    ok(&tune(&dir, &config, &two, &["--threads", "2"]));
    for file in RESULT_FILES {
        assert_eq!(read(&one, file), read(&two, file), "{file}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_killed_after_a_checkpoint_resumes_to_the_same_result() {
    let dir = temp_dir("resume");
    // Enough generations that the kill lands long before the end.
    let config = config(&dir, "long.ron", 96);
    let (unbroken, broken) = (dir.join("unbroken"), dir.join("broken"));
    ok(&tune(&dir, &config, &unbroken, &["--threads", "2"]));

    let mut child = Command::new(gigawatt_bin())
        .args(["tune", "--config", &config, "--quiet", "--threads", "2"])
        .args(["--out", broken.to_str().unwrap()])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawns");
    let checkpoint = broken.join("checkpoint.ron");
    let started = Instant::now();
    while !checkpoint.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no checkpoint after a minute"
        );
        if child.try_wait().unwrap().is_some() {
            panic!("the run ended before it could be killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill -9"); // SIGKILL on Unix: no chance to clean up
    child.wait().unwrap();
    assert!(
        !broken.join("best.ron").exists(),
        "killed before the end of the search"
    );
    let generations_done = read(&broken, "checkpoint.ron");
    assert!(
        !generations_done.contains("generations: 16,"),
        "killed before the last generation"
    );

    // Without --resume the directory is refused; with it, the run finishes as if never stopped.
    let refused = tune(&dir, &config, &broken, &[]);
    assert_eq!(refused.status.code(), Some(2));
    ok(&tune(
        &dir,
        &config,
        &broken,
        &["--resume", "--threads", "1"],
    ));
    for file in RESULT_FILES {
        assert_eq!(read(&unbroken, file), read(&broken, file), "{file}");
    }
    assert_eq!(
        read(&unbroken, "checkpoint.ron"),
        read(&broken, "checkpoint.ron")
    );

    // A different configuration is refused on resume.
    let other = config.replace("long.ron", "other.ron");
    std::fs::write(&other, read(&dir, "long.ron").replace("seed: 3", "seed: 4")).unwrap();
    let refused = tune(&dir, &other, &broken, &["--resume"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("another configuration"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_configurations_fail_with_exit_code_2_naming_the_problem() {
    let dir = temp_dir("bad");
    let good = SMALL.replace("EVALUATIONS", "24");
    let cases: &[(&str, String, &[&str])] = &[
        (
            "empty space",
            good.replace(
                r#"(name: "compute_share", low: 0.3, high: 1.0),
        (name: "export_control_month", low: 0, high: 36),"#,
                "",
            ),
            &["space is empty", "compute_share (0..=1)"],
        ),
        (
            "inverted bounds",
            good.replace("low: 0.3, high: 1.0", "low: 0.9, high: 0.2"),
            &["compute_share", "inverted bounds", "0.9", "0.2"],
        ),
        (
            "unknown parameter",
            good.replace(r#"name: "compute_share""#, r#"name: "compute""#),
            &["no parameter `compute`", "compute_share (0..=1)"],
        ),
        (
            "unknown strategy",
            good.replace(r#"strategy: "parametric""#, r#"strategy: "parametrik""#),
            &["unknown strategy `parametrik`", "parametric"],
        ),
        (
            "bounds outside the range",
            good.replace("low: 0, high: 36", "low: 0, high: 2000"),
            &[
                "export_control_month",
                "outside the parameter's range 0..=1200",
            ],
        ),
        (
            "unknown field",
            good.replace("seeds: 1,", "seeds: 1, sides: 2,"),
            &["small.ron:", "sides"],
        ),
    ];
    for (what, text, needles) in cases {
        let path = dir.join("small.ron");
        std::fs::write(&path, text).unwrap();
        let output = tune(&dir, path.to_str().unwrap(), &dir.join("out"), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
        for needle in *needles {
            assert!(
                stderr.contains(needle),
                "{what}: `{needle}` not in:\n{stderr}"
            );
        }
        assert!(!dir.join("out").exists(), "{what}: nothing is written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn write_config_fills_in_the_defaults_and_tunes_the_same() {
    let dir = temp_dir("write-config");
    // Without the fields that have defaults (held_out, seats, months, seed).
    let short = SMALL
        .replace("EVALUATIONS", "12")
        .replace("    held_out: [\"balanced\"],\n", "")
        .replace("    seats: [\"chn\"],\n", "")
        .replace("    months: Some(48),\n", "")
        .replace("    seed: 3,\n", "");
    assert!(!short.contains("seats") && !short.contains("months"));
    let original = dir.join("short.ron");
    std::fs::write(&original, &short).unwrap();
    let written = dir.join("written.ron");
    let stdout = ok(&gigawatt(
        &[
            "tune",
            "--config",
            original.to_str().unwrap(),
            "--write-config",
            written.to_str().unwrap(),
        ],
        &dir,
    ));
    assert!(stdout.contains("gigawatt tune --config"), "{stdout}");
    let text = read(&dir, "written.ron");
    for field in [
        "held_out: []",
        "seats: []",
        "months: None",
        "seed: 0",
        "scale: linear",
        "integer: false",
    ] {
        assert!(text.contains(field), "{field} in\n{text}");
    }
    // Written again from itself: the same file.
    let again = ok(&gigawatt(
        &[
            "tune",
            "--config",
            written.to_str().unwrap(),
            "--write-config",
            "-",
        ],
        &dir,
    ));
    assert_eq!(again, text);
    // Both tune to the same result.
    let a = dir.join("a");
    let b = dir.join("b");
    ok(&tune(&dir, original.to_str().unwrap(), &a, &[]));
    ok(&tune(&dir, written.to_str().unwrap(), &b, &[]));
    for file in ["best.ron", "history.csv", "finalists.csv", "held_out.csv"] {
        assert_eq!(read(&a, file), read(&b, file), "{file}");
    }
    // An invalid configuration is not written.
    std::fs::write(&original, short.replace("seeds: 1,", "seeds: 0,")).unwrap();
    let bad_path = dir.join("bad.ron");
    let bad = gigawatt(
        &[
            "tune",
            "--config",
            original.to_str().unwrap(),
            "--write-config",
            bad_path.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("seeds must be at least 1"));
    assert!(!bad_path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_shipped_example_is_a_valid_configuration() {
    // Only checked, not run (it takes seconds in release, minutes in debug): a missing scenario or
    // a mistyped parameter would fail before any game.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/tuning/example.ron"),
    )
    .expect("data/tuning/example.ron");
    let config = gigawatt_arena::tune::config::parse(&text).expect("parses");
    gigawatt_arena::tune::config::resolve(&config).expect("valid");
}

/// Issue 14, item 6: editing a checkpoint's `generations` skipped generations silently.
#[test]
fn an_edited_checkpoint_is_refused_on_resume() {
    let dir = temp_dir("edited-checkpoint");
    // Two generations of six.
    let config = config(&dir, "two.ron", 12);
    let out = dir.join("run");
    ok(&tune(&dir, &config, &out, &["--threads", "2"]));
    let checkpoint = read(&out, "checkpoint.ron");
    assert!(checkpoint.contains("generations: 2,"), "{checkpoint}");
    for edited in ["generations: 1,", "generations: 0,"] {
        std::fs::write(
            out.join("checkpoint.ron"),
            checkpoint.replacen("generations: 2,", edited, 1),
        )
        .unwrap();
        let refused = tune(&dir, &config, &out, &["--resume"]);
        assert_eq!(refused.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("checkpoint.ron: it says")
                && stderr.contains("but its evaluations are of 2"),
            "{stderr}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

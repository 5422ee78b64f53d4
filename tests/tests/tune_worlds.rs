//! `gigawatt tune` over sampled worlds (`worlds: Some(N)`), end to end through the real binary: the
//! same files for any thread count, outputs that say the tuning was over sampled worlds (and whose),
//! the tournament's worlds for the same seed and N, held-out worlds that are other worlds, a resume
//! that refuses another `worlds`, and a scenario without distributions refused with exit code 2.

use std::path::{Path, PathBuf};
use std::process::Output;

use gigawatt_acceptance::{gigawatt_in, ok};

fn temp_dir(name: &str) -> PathBuf {
    gigawatt_acceptance::temp_dir("tune-worlds", name)
}

/// `tests/tune.rs`'s small configuration, shorter, over sampled worlds: two generations of six
/// candidates, two seeds each (generation 0 in worlds 0 and 1, generation 1 in worlds 2 and 3).
const SMALL: &str = r#"(
    strategy: "parametric",
    space: [
        (name: "compute_share", low: 0.3, high: 1.0),
        (name: "export_control_month", low: 0, high: 36),
    ],
    pool: ["status-quo", "builder"],
    held_out: ["balanced"],
    scenarios: [SCENARIO],
    seats: ["chn"],
    seeds: 2,
    optimiser: cmaes(evaluations: 12, population: 6, sigma: 0.3),
    finalists: 2,
    finalist_seeds: 4,
    held_out_seeds: 4,
    months: Some(36),
    seed: 3,
    worlds: WORLDS,
)"#;

fn config_text(scenario: &str, worlds: &str) -> String {
    SMALL
        .replace("SCENARIO", &format!("{scenario:?}"))
        .replace("WORLDS", worlds)
}

fn write_config(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
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
    gigawatt_in(cwd, &args)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

const RESULT_FILES: [&str; 7] = [
    "best.ron",
    "history.csv",
    "summary.txt",
    "finalists.csv",
    "held_out.csv",
    "worlds.csv",
    "held_out_worlds.csv",
];

/// The rows of a worlds file without their `world` column.
fn world_values(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split_once(',').expect("world,values").1.to_string())
        .collect()
}

#[test]
fn tuning_over_sampled_worlds_is_identical_for_any_threads_and_says_so() {
    let dir = temp_dir("threads");
    let config = write_config(&dir, "small.ron", &config_text("us-china-2025", "Some(4)"));
    let (one, two) = (dir.join("one"), dir.join("two"));
    let stdout = ok(&tune(&dir, &config, &one, &["--threads", "1"]));
    ok(&tune(&dir, &config, &two, &["--threads", "2"]));
    for file in RESULT_FILES {
        assert_eq!(read(&one, file), read(&two, file), "{file}");
    }
    assert!(
        stdout.contains("worlds.csv, held_out_worlds.csv"),
        "{stdout}"
    );

    // The summary says the tuning was over sampled worlds, and of which distributions.
    let summary = read(&one, "summary.txt");
    assert!(stdout.starts_with(&summary), "the summary is printed");
    for needle in [
        "on us-china-2025 (as chn) over 4 sampled worlds, 36 months a game",
        "4 sampled worlds (Latin hypercube on the master seed; worlds.csv)",
        "distributions of us-china-2025 (",
        "uncertain fields",
        "plays world (g × 2 + i) mod 4",
        "the held-out report plays 4 other worlds",
        "4 fresh seeds in the 4 sampled worlds",
        "each in its own of 4 sampled worlds never played above",
    ] {
        assert!(summary.contains(needle), "`{needle}` not in:\n{summary}");
    }
    assert!(
        read(&one, "best.ron").contains("over 4 sampled worlds"),
        "{}",
        read(&one, "best.ron")
    );

    // history.csv: every candidate of a generation played the same worlds, the generations
    // rotating through them.
    let history = read(&one, "history.csv");
    let mut lines = history.lines();
    assert_eq!(
        lines.next(),
        Some("evaluation,generation,compute_share,export_control_month,score,seeds,worlds")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 12);
    for row in &rows {
        let generation = row.split(',').nth(1).unwrap();
        let worlds = row.rsplit(',').next().unwrap();
        let expected = if generation == "0" { "0 1" } else { "2 3" };
        assert_eq!(worlds, expected, "{row}");
    }
    let held_out = read(&one, "held_out.csv");
    assert!(held_out.lines().next().unwrap().ends_with(",worlds"));
    assert!(
        held_out.lines().nth(1).unwrap().ends_with(",4"),
        "{held_out}"
    );

    // The tuning worlds are the tournament's worlds for the same seed and N; the held-out worlds
    // are others.
    let tournament = dir.join("tournament");
    ok(&gigawatt_in(
        &dir,
        &[
            "tournament",
            "--strategy",
            "status-quo",
            "--seeds",
            "1",
            "--months",
            "1",
            "--worlds",
            "4",
            "--seed",
            "3",
            "--quiet",
            "--out",
            tournament.to_str().unwrap(),
        ],
    ));
    assert_eq!(read(&tournament, "worlds.csv"), read(&one, "worlds.csv"));
    let search = world_values(&read(&one, "worlds.csv"));
    let held = world_values(&read(&one, "held_out_worlds.csv"));
    assert_eq!((search.len(), held.len()), (4, 4));
    for row in &held {
        assert!(
            !search.contains(row),
            "held-out world {row} is a tuning world"
        );
    }

    // The worlds change the games: the same tuning on the central values scores otherwise.
    let central = write_config(&dir, "central.ron", &config_text("us-china-2025", "None"));
    let plain = dir.join("central");
    ok(&tune(&dir, &central, &plain, &[]));
    assert!(!plain.join("worlds.csv").exists());
    assert!(!read(&plain, "summary.txt").contains("sampled worlds"));
    assert!(
        read(&plain, "history.csv")
            .lines()
            .next()
            .unwrap()
            .ends_with(",score,seeds")
    );
    let scores = |dir: &Path| -> Vec<String> {
        ["history.csv", "finalists.csv", "held_out.csv"]
            .iter()
            .map(|f| read(dir, f))
            .collect()
    };
    assert_ne!(scores(&plain)[..], scores(&one)[..]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_resume_refuses_another_number_of_worlds() {
    let dir = temp_dir("resume");
    let config = write_config(&dir, "small.ron", &config_text("us-china-2025", "Some(4)"));
    let out = dir.join("run");
    ok(&tune(&dir, &config, &out, &["--threads", "2"]));
    let before: Vec<String> = RESULT_FILES.iter().map(|f| read(&out, f)).collect();

    // The same configuration resumes (here: recomputes its report) to the same files.
    ok(&tune(&dir, &config, &out, &["--resume"]));
    let after: Vec<String> = RESULT_FILES.iter().map(|f| read(&out, f)).collect();
    assert_eq!(before, after);

    // Another `worlds` is another configuration.
    for worlds in ["Some(5)", "None"] {
        let other = write_config(&dir, "other.ron", &config_text("us-china-2025", worlds));
        let refused = tune(&dir, &other, &out, &["--resume"]);
        assert_eq!(refused.status.code(), Some(2), "{worlds}");
        assert!(
            stderr(&refused).contains("another configuration"),
            "{worlds}: {}",
            stderr(&refused)
        );
    }

    // Even with its config.ron replaced, the checkpoint itself refuses other worlds.
    let other = config_text("us-china-2025", "Some(5)");
    std::fs::write(out.join("config.ron"), &other).unwrap();
    let other = write_config(&dir, "other.ron", &other);
    let refused = tune(&dir, &other, &out, &["--resume"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("made over sampled worlds 4")
            && stderr(&refused).contains("asks for 5"),
        "{}",
        stderr(&refused)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The default scenario with every distribution written as its central value: a valid scenario
/// with nothing uncertain.
fn point_scenario() -> String {
    gigawatt_engine::testing::point_scenario_text(gigawatt_data::DEFAULT_SCENARIO)
}

#[test]
fn worlds_on_a_scenario_without_distributions_fail_with_exit_code_2() {
    let dir = temp_dir("certain");
    let scenario = dir.join("point.ron");
    std::fs::write(&scenario, point_scenario()).unwrap();
    let scenario = scenario.to_str().unwrap();
    // The point scenario itself is fine: without worlds it is a valid tuning configuration.
    let fine = write_config(&dir, "fine.ron", &config_text(scenario, "None"));
    ok(&gigawatt_in(
        &dir,
        &["tune", "--config", &fine, "--write-config", "-"],
    ));

    let cases = [
        (
            config_text(scenario, "Some(3)"),
            vec![
                "invalid tuning configuration",
                "declares no distributions",
                "worlds: None",
            ],
        ),
        (
            config_text("us-china-2025", "Some(0)"),
            vec!["worlds must be 1..="],
        ),
    ];
    for (text, needles) in cases {
        let config = write_config(&dir, "bad.ron", &text);
        let out = dir.join("out");
        let output = tune(&dir, &config, &out, &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        for needle in needles {
            assert!(
                stderr(&output).contains(needle),
                "`{needle}` not in:\n{}",
                stderr(&output)
            );
        }
        assert!(!out.exists(), "nothing is written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

//! Tournaments end to end, through the real binary: the default run, bit-identical results whatever
//! the thread count or shard split, resume after a real kill and after SIGTERM, `--write-config`
//! round trips, progress lines in a batch log, merge refusing incomplete or duplicated results, and
//! `analyze` on closed-form games.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gigawatt_acceptance::{gigawatt_bin, gigawatt_in, ok};

fn temp_dir(name: &str) -> PathBuf {
    gigawatt_acceptance::temp_dir("tournament", name)
}

fn gigawatt(args: &[&str], cwd: &Path) -> Output {
    gigawatt_in(cwd, args)
}

fn games(dir: &Path) -> Vec<String> {
    gigawatt_acceptance::sorted_games(dir)
}

const SMALL: &[&str] = &[
    "tournament",
    "--strategy",
    "status-quo",
    "--strategy",
    "builder",
    "--strategy",
    "random(orders_per_month: 2)",
    "--months",
    "36",
    "--quiet",
];

fn small(out: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<&str> = SMALL.to_vec();
    let out_text = out.to_str().unwrap().to_string();
    args.extend(["--out", &out_text]);
    args.extend(extra);
    args.iter().map(|s| s.to_string()).collect()
}

fn run_small(cwd: &Path, out: &Path, extra: &[&str]) -> String {
    let args = small(out, extra);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    ok(&gigawatt(&refs, cwd))
}

#[test]
fn the_default_tournament_runs_every_built_in_and_writes_its_files() {
    let dir = temp_dir("default");
    let stdout = ok(&gigawatt(&["tournament", "--quiet"], &dir));
    let results: Vec<PathBuf> = std::fs::read_dir(dir.join("results"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(results.len(), 1, "one results directory");
    let out = &results[0];
    for file in [
        "config.ron",
        "games.jsonl",
        "standings.csv",
        "payoff.csv",
        "arrival.csv",
        "analysis.json",
        "analysis.csv",
        "seats.csv",
        "seats.parquet",
        "capability_by_year.csv",
        "seat_standings.csv",
        "matchups.csv",
        "games.csv",
    ] {
        assert!(out.join(file).exists(), "{file} written");
        assert!(stdout.contains(file), "the run says where {file} is");
    }
    let standings = std::fs::read_to_string(out.join("standings.csv")).unwrap();
    assert!(
        standings.starts_with("strategy,games,wins,draws,losses,mean_score,ci_low,ci_high,rank,")
    );
    for name in gigawatt_agents::default_set() {
        assert!(
            standings
                .lines()
                .any(|l| l.starts_with(&format!("{name},"))),
            "{name} in standings"
        );
        assert!(stdout.contains(name));
    }
    assert!(
        !gigawatt_agents::default_set().contains(&"lookahead"),
        "the slow one is left out"
    );
    let payoff = std::fs::read_to_string(out.join("payoff.csv")).unwrap();
    assert!(payoff.starts_with("strategy,status-quo,"), "{payoff}");
    let analysis: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("analysis.json")).unwrap()).unwrap();
    let stationary = analysis["evolutionary"]["stationary"]
        .as_object()
        .expect("map");
    let total: f64 = stationary.values().map(|v| v.as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9);
    // Running the same tournament again finds it complete and plays nothing.
    let again = ok(&gigawatt(&["tournament", "--quiet"], &dir));
    assert!(
        again.contains("already played") && again.contains(" 0 played now"),
        "{again}"
    );
}

#[test]
fn results_are_identical_for_any_thread_count_and_shard_split() {
    let dir = temp_dir("threads");
    let one = dir.join("one");
    let two = dir.join("two");
    run_small(&dir, &one, &["--seeds", "3", "--threads", "1"]);
    run_small(&dir, &two, &["--seeds", "3", "--threads", "2"]);
    assert_eq!(games(&one), games(&two));
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    for file in [
        "standings.csv",
        "payoff.csv",
        "arrival.csv",
        "analysis.json",
        "analysis.csv",
        "seats.csv",
        "seats.parquet",
        "capability_by_year.csv",
        "seat_standings.csv",
        "matchups.csv",
        "games.csv",
    ] {
        assert_eq!(read(&one, file), read(&two, file), "{file}");
    }

    let shards: Vec<PathBuf> = (1..=3).map(|k| dir.join(format!("shard{k}"))).collect();
    for (k, shard) in shards.iter().enumerate() {
        let spec = format!("{}/3", k + 1);
        let stdout = run_small(&dir, shard, &["--seeds", "3", "--shard", &spec]);
        assert!(stdout.contains("gigawatt merge"), "{stdout}");
    }
    let merged = dir.join("merged");
    let mut args = vec!["merge".to_string()];
    args.extend(shards.iter().map(|s| s.to_str().unwrap().to_string()));
    args.extend(["--out".to_string(), merged.to_str().unwrap().to_string()]);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    ok(&gigawatt(&refs, &dir));
    assert_eq!(
        games(&merged),
        games(&one),
        "merged shards equal the unsharded run"
    );
    for file in [
        "standings.csv",
        "payoff.csv",
        "arrival.csv",
        "analysis.json",
        "analysis.csv",
        "seats.csv",
        "seats.parquet",
        "capability_by_year.csv",
        "seat_standings.csv",
        "matchups.csv",
        "games.csv",
    ] {
        assert_eq!(read(&merged, file), read(&one, file), "{file}");
    }

    // Merge refuses a missing shard and a duplicated one.
    let missing = gigawatt(
        &[
            "merge",
            shards[0].to_str().unwrap(),
            shards[1].to_str().unwrap(),
            "--out",
            dir.join("m2").to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("missing"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let copy = dir.join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    for f in ["config.ron", "games.jsonl"] {
        std::fs::copy(shards[0].join(f), copy.join(f)).unwrap();
    }
    let twice = gigawatt(
        &[
            "merge",
            shards[0].to_str().unwrap(),
            copy.to_str().unwrap(),
            shards[1].to_str().unwrap(),
            shards[2].to_str().unwrap(),
            "--out",
            dir.join("m3").to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("appears twice"));
}

#[test]
fn resume_after_a_kill_plays_only_the_missing_games_and_matches_an_unbroken_run() {
    let dir = temp_dir("resume");
    let unbroken = dir.join("unbroken");
    let broken = dir.join("broken");
    let extra = ["--seeds", "12", "--threads", "1"];
    run_small(&dir, &unbroken, &extra);
    let total = games(&unbroken).len();

    let args = small(&broken, &extra);
    let mut child = Command::new(gigawatt_bin())
        .args(&args)
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let file = broken.join("games.jsonl");
    loop {
        let lines = std::fs::read_to_string(&file)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines >= 5 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("kill -9"); // SIGKILL on Unix: no chance to clean up
    child.wait().unwrap();
    // Complete lines only: a torn last line is dropped when the run resumes.
    let before = std::fs::read_to_string(&file)
        .unwrap()
        .matches('\n')
        .count();
    assert!(
        before < total,
        "killed before the end ({before} of {total})"
    );

    // The same command finds its own unfinished run and plays only the missing games, without
    // being told to resume.
    let stdout = run_small(&dir, &broken, &extra);
    assert!(
        stdout.contains(&format!("{total} games planned, {before} already played")),
        "{stdout}"
    );
    assert_eq!(
        games(&broken),
        games(&unbroken),
        "no game lost, duplicated or changed"
    );
    let read = |d: &Path| std::fs::read_to_string(d.join("standings.csv")).unwrap();
    assert_eq!(read(&broken), read(&unbroken));
    // Once complete, running it again (with --resume too, as old scripts do) plays nothing.
    let again = run_small(&dir, &broken, &[&extra[..], &["--resume"]].concat());
    assert!(again.contains(" 0 played now"), "{again}");

    // Another configuration in the folder is refused, naming what differs.
    let other = run_refused(&dir, &broken);
    assert!(
        other.contains("another configuration") && other.contains("seeds: 12 vs 5"),
        "{other}"
    );
    // Games without the configuration they were played under are refused unless --resume.
    let orphan = dir.join("orphan");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::copy(broken.join("games.jsonl"), orphan.join("games.jsonl")).unwrap();
    let args = small(&orphan, &extra);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let refused = gigawatt(&refs, &dir);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("no config.ron") && err.contains("--resume"),
        "{err}"
    );
    let adopted = run_small(&dir, &orphan, &[&extra[..], &["--resume"]].concat());
    assert!(
        adopted.contains(&format!("{total} already played")),
        "{adopted}"
    );
}

/// Start `args` in `cwd` with stdout and stderr piped, and wait until `file` holds at least `lines`
/// lines (or a minute has passed).
fn start_and_wait_for_games(args: &[String], cwd: &Path, file: &Path, lines: usize) -> Child {
    let child = Command::new(gigawatt_bin())
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::read_to_string(file)
        .map(|t| t.lines().count())
        .unwrap_or(0)
        < lines
        && started.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[cfg(unix)]
#[test]
fn sigterm_writes_the_games_in_flight_exits_143_and_the_rerun_matches_an_unbroken_run() {
    let dir = temp_dir("sigterm");
    let unbroken = dir.join("unbroken");
    let stopped = dir.join("stopped");
    let extra = ["--seeds", "12", "--threads", "2"];
    run_small(&dir, &unbroken, &extra);
    let total = games(&unbroken).len();

    // Not quiet: the stop is reported whatever, and stderr is a pipe, so progress comes as lines.
    let args: Vec<String> = small(&stopped, &extra)
        .into_iter()
        .filter(|a| a != "--quiet")
        .collect();
    let file = stopped.join("games.jsonl");
    let child = start_and_wait_for_games(&args, &dir, &file, 5);
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.ends_with('\n'),
        "the games in flight were written whole"
    );
    let kept = text.lines().count();
    assert!(
        (5..total).contains(&kept),
        "stopped mid-run ({kept} of {total})"
    );
    assert!(
        stderr.contains(&format!(
            "stopped by SIGTERM: {kept} of {total} games are in {}",
            stopped.display()
        )) && stderr.contains(" --resume (exit code 143)")
            && stderr.contains("resume with: "),
        "{stderr}"
    );
    assert!(
        !stopped.join("standings.csv").exists(),
        "no analysis of a partial run"
    );

    // The same command resumes it, to the unbroken run's results.
    let rerun = {
        let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        gigawatt(&refs, &dir)
    };
    let stdout = ok(&rerun);
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert!(
        stdout.contains(&format!("{total} games planned, {kept} already played")),
        "{stdout}"
    );
    assert!(
        stderr.contains(&format!(
            "resuming {}: {kept} of {total} games already played",
            stopped.display()
        )),
        "{stderr}"
    );
    assert_eq!(games(&stopped), games(&unbroken));
    for file in [
        "standings.csv",
        "payoff.csv",
        "arrival.csv",
        "analysis.json",
        "analysis.csv",
        "seats.csv",
        "seats.parquet",
        "capability_by_year.csv",
        "seat_standings.csv",
        "matchups.csv",
        "games.csv",
    ] {
        let read = |d: &Path| std::fs::read(d.join(file)).unwrap();
        assert_eq!(read(&stopped), read(&unbroken), "{file}");
    }
}

#[test]
fn progress_comes_as_lines_when_stderr_is_not_a_terminal() {
    let dir = temp_dir("progress");
    let out = dir.join("out");
    // stderr is a pipe here, as in a Slurm log.
    let args: Vec<String> = small(
        &out,
        &[
            "--seeds",
            "12",
            "--threads",
            "1",
            "--progress-every",
            // Far shorter than the run (108 games take tens of milliseconds even in release), so
            // periodic lines come however fast the engine gets.
            "0.001",
            "--interim-standings",
        ],
    )
    .into_iter()
    .filter(|a| a != "--quiet")
    .collect();
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let output = gigawatt(&refs, &dir);
    ok(&output);
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.first(),
        Some(&"progress: 108 of 108 games to play (0 already played)"),
        "{stderr}"
    );
    let periodic: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("progress: ") && l.contains("games/s, "))
        .collect();
    assert!(!periodic.is_empty(), "a line every 0.001 s:\n{stderr}");
    for line in &periodic {
        // `progress: 37 of 108 games (34.3%), 121 games/s, ETA 0.6 s`
        let rest = line.strip_prefix("progress: ").unwrap();
        let (done, rest) = rest.split_once(" of 108 games (").expect(line);
        let done: u64 = done.parse().expect(line);
        let (percent, rest) = rest.split_once("%), ").expect(line);
        assert_eq!(
            percent,
            format!("{:.1}", 100.0 * done as f64 / 108.0),
            "{line}"
        );
        let (rate, eta) = rest.split_once(" games/s, ").expect(line);
        let significant = rate.chars().filter(|c| c.is_ascii_digit()).count();
        assert!(significant <= 3, "three significant digits: {line}");
        assert!(eta.starts_with("ETA ") || eta == "done", "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("progress: mean score so far (") && l.contains("status-quo 0.")),
        "interim standings on request:\n{stderr}"
    );
    assert_eq!(
        lines.last().copied(),
        Some(
            format!(
                "finished: all 108 games are in {} (with its config.ron); the report is {}",
                out.display(),
                out.join("report.html").display()
            )
            .as_str()
        ),
        "{stderr}"
    );

    // --quiet: none of it.
    let quiet = gigawatt(
        &refs.iter().copied().chain(["--quiet"]).collect::<Vec<_>>(),
        &dir,
    );
    ok(&quiet);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    // A bad interval is a usage error.
    let bad = gigawatt(&["tournament", "--progress-every", "soon"], &dir);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a number of seconds"));
}

#[test]
fn write_config_writes_what_the_command_line_means_and_plays_the_same() {
    let dir = temp_dir("write-config");
    let flags = ["--seeds", "3", "--seed", "11", "--resamples", "200"];
    let direct = dir.join("direct");
    run_small(&dir, &direct, &flags);

    // Written without playing.
    let written = dir.join("tournament.ron");
    let mut args = small(&dir.join("unused"), &flags);
    args.extend([
        "--write-config".to_string(),
        written.to_str().unwrap().to_string(),
    ]);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let stdout = ok(&gigawatt(&refs, &dir));
    assert!(stdout.contains("gigawatt tournament --config"), "{stdout}");
    assert!(!dir.join("unused").exists(), "nothing played");
    let text = std::fs::read_to_string(&written).unwrap();
    for field in [
        "scenarios:",
        "strategies:",
        "seeds: 3",
        "seed: 11",
        "months: Some(36)",
        "format: RoundRobin",
        "resamples: 200",
        "shard: None",
        "\"random(orders_per_month: 2)\"",
    ] {
        assert!(text.contains(field), "{field} in\n{text}");
    }
    // Played from the file: the same games and analysis as the command line.
    let from_file = dir.join("from-file");
    ok(&gigawatt(
        &[
            "tournament",
            "--config",
            written.to_str().unwrap(),
            "--quiet",
            "--out",
            from_file.to_str().unwrap(),
        ],
        &dir,
    ));
    assert_eq!(games(&from_file), games(&direct));
    for file in ["standings.csv", "payoff.csv", "analysis.json", "config.ron"] {
        let read = |d: &Path| std::fs::read_to_string(d.join(file)).unwrap();
        assert_eq!(read(&from_file), read(&direct), "{file}");
    }
    // Writing it again from the file gives the same file; `-` writes to stdout.
    let again = ok(&gigawatt(
        &[
            "tournament",
            "--config",
            written.to_str().unwrap(),
            "--write-config",
            "-",
        ],
        &dir,
    ));
    assert_eq!(again, text);
    // A partial file takes the defaults of the command line.
    let partial = dir.join("partial.ron");
    std::fs::write(
        &partial,
        "(strategies: [\"builder\", \"status-quo\"], seeds: 2)",
    )
    .unwrap();
    let full = ok(&gigawatt(
        &[
            "tournament",
            "--config",
            partial.to_str().unwrap(),
            "--write-config",
            "-",
        ],
        &dir,
    ));
    let defaults = ok(&gigawatt(
        &[
            "tournament",
            "--strategy",
            "builder",
            "--strategy",
            "status-quo",
            "--seeds",
            "2",
            "--write-config",
            "-",
        ],
        &dir,
    ));
    assert_eq!(full, defaults);
    // Bad flags write nothing and say why.
    let bad_path = dir.join("bad.ron");
    let bad = gigawatt(
        &[
            "tournament",
            "--strategy",
            "bogus",
            "--write-config",
            bad_path.to_str().unwrap(),
        ],
        &dir,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bogus"));
    assert!(!bad_path.exists());
}

fn run_refused(dir: &Path, out: &Path) -> String {
    let args = small(out, &["--seeds", "5", "--threads", "1"]);
    let refs: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let output = gigawatt(&refs, dir);
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn analyze_finds_the_closed_form_answers() {
    let dir = temp_dir("analyze");
    // Hawk-dove with V = 2, C = 4: the mixed equilibrium plays hawk with probability V/C = 1/2.
    let path = dir.join("hawk-dove.csv");
    std::fs::write(&path, "strategy,hawk,dove\nhawk,-1,2\ndove,0,1\n").unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(&gigawatt(
        &["analyze", path.to_str().unwrap(), "--json"],
        &dir,
    )))
    .unwrap();
    let hawk = json["nash"]["probabilities"]["hawk"].as_f64().unwrap();
    assert!((hawk - 0.5).abs() < 1e-9, "{hawk}");
    let stationary = json["evolutionary"]["stationary"].as_object().unwrap();
    assert_eq!(stationary.keys().collect::<Vec<_>>(), vec!["hawk", "dove"]);
    // Prisoner's dilemma: defection takes the population.
    let pd = dir.join("pd.csv");
    std::fs::write(
        &pd,
        "strategy,cooperate,defect\ncooperate,3,0\ndefect,5,1\n",
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(&gigawatt(
        &[
            "analyze",
            pd.to_str().unwrap(),
            "--population",
            "50",
            "--selection",
            "1",
            "--json",
        ],
        &dir,
    )))
    .unwrap();
    assert!(
        json["evolutionary"]["stationary"]["defect"]
            .as_f64()
            .unwrap()
            > 0.99
    );
    let text = ok(&gigawatt(&["analyze", pd.to_str().unwrap()], &dir));
    assert!(text.contains("defect") && text.contains("nash"));
    // A broken file gets an error naming it, and exit 2.
    std::fs::write(&pd, "strategy,a,b\na,1\nb,1,1\n").unwrap();
    let bad = gigawatt(&["analyze", pd.to_str().unwrap()], &dir);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("pd.csv"));
}

#[test]
fn bad_tournament_input_is_a_clear_error() {
    let dir = temp_dir("bad");
    let unknown = gigawatt(&["tournament", "--strategy", "bogus", "--quiet"], &dir);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("bogus"));
    let shard = gigawatt(&["tournament", "--shard", "4/3"], &dir);
    assert_eq!(shard.status.code(), Some(2));
    let config = dir.join("c.ron");
    std::fs::write(
        &config,
        "(scenarios: [\"us-china-2025\"], strategies: [\"status-quo\"], seeds: 1, oops: 2)",
    )
    .unwrap();
    let bad = gigawatt(&["tournament", "--config", config.to_str().unwrap()], &dir);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("c.ron") && err.contains("oops"), "{err}");
}

#[test]
fn a_gauntlet_ranks_the_focal_strategy_against_its_field() {
    let dir = temp_dir("gauntlet");
    let out = dir.join("g");
    ok(&gigawatt(
        &[
            "tournament",
            "--gauntlet",
            "driller",
            "--strategy",
            "status-quo",
            "--strategy",
            "builder",
            "--seeds",
            "2",
            "--months",
            "24",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
        &dir,
    ));
    let lines = games(&out);
    assert_eq!(lines.len(), 8, "2 opponents × 2 seat orders × 2 seeds");
    assert!(
        lines.iter().all(|l| l.contains("\"strategy\":\"driller\"")),
        "the focal strategy plays every game"
    );
    let standings = std::fs::read_to_string(out.join("standings.csv")).unwrap();
    let driller = standings
        .lines()
        .find(|l| l.starts_with("driller,"))
        .expect("the focal strategy has a row");
    assert!(driller.starts_with("driller,8,"), "{driller}");
}

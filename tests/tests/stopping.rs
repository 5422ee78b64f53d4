//! Adaptive stopping end to end: `--sprt` and `--until-ci-width` stop at a batch boundary in
//! game-id order, so the games, the standings and `stopping.json` are the same for any thread
//! count and after an interruption, and running the command again plays nothing.

use std::path::Path;

use gigawatt_acceptance::{gigawatt_in, ok, temp_dir};

fn run(cwd: &Path, out: &Path, threads: &str, rule: &[&str], strategies: &[&str]) -> String {
    let mut args = vec![
        "tournament",
        "--months",
        "36",
        "--quiet",
        "--threads",
        threads,
    ];
    for s in strategies {
        args.extend(["--strategy", s]);
    }
    args.extend(rule);
    args.extend(["--out", out.to_str().unwrap()]);
    ok(&gigawatt_in(cwd, &args))
}

fn stopping(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("stopping.json")).unwrap()).unwrap()
}

fn games(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("games.jsonl")).unwrap()
}

#[test]
fn sprt_stops_at_the_same_boundary_for_any_threads_and_after_an_interruption() {
    let cwd = temp_dir("stopping", "sprt");
    let rule = [
        "--gauntlet",
        "builder",
        "--seeds",
        "200",
        "--sprt",
        "0,10,0.05,0.05,score",
    ];
    let opponent = ["random(orders_per_month: 2)"];
    let (one, two) = (cwd.join("one"), cwd.join("two"));
    let text = run(&cwd, &one, "1", &rule, &opponent);
    run(&cwd, &two, "2", &rule, &opponent);
    let decision = stopping(&one);
    let played = decision["games"].as_u64().unwrap();
    assert_eq!(decision["planned"], 400);
    assert!(
        played < 400 && played.is_multiple_of(2),
        "stopped at a pair boundary: {decision}"
    );
    assert_eq!(games(&one).lines().count() as u64, played);
    assert!(decision["outcome"].as_str().unwrap().starts_with("accept-"));
    assert!(
        text.contains("stopped after"),
        "the standings say why: {text}"
    );
    assert_eq!(
        games(&one),
        games(&two),
        "threads do not move the stopping point"
    );
    assert_eq!(stopping(&one), stopping(&two));
    let report = std::fs::read_to_string(one.join("report.html")).unwrap();
    assert!(report.contains("stopped early"));

    // Run again: the decision is found in the games, nothing is played.
    let again = run(&cwd, &one, "2", &rule, &opponent);
    assert!(again.contains(" 0 played now"), "{again}");
    assert_eq!(stopping(&one), decision);

    // Interrupted mid-batch (a torn prefix): the rerun reaches the same games and decision.
    let cut = cwd.join("cut");
    std::fs::create_dir_all(&cut).unwrap();
    std::fs::copy(one.join("config.ron"), cut.join("config.ron")).unwrap();
    let first: String = games(&one)
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(cut.join("games.jsonl"), first).unwrap();
    run(&cwd, &cut, "2", &rule, &opponent);
    assert_eq!(games(&cut), games(&one));
    assert_eq!(stopping(&cut), decision);
}

#[test]
fn until_ci_width_stops_at_the_first_round_where_every_interval_is_narrow() {
    let cwd = temp_dir("stopping", "width");
    let out = cwd.join("out");
    let strategies = ["builder", "random(orders_per_month: 2)"];
    let text = run(
        &cwd,
        &out,
        "2",
        &["--seeds", "60", "--until-ci-width", "0.06"],
        &strategies,
    );
    let decision = stopping(&out);
    // A round of two strategies: builder–builder, the two seat orders, random–random.
    let played = decision["games"].as_u64().unwrap();
    assert_eq!(decision["planned"], 240);
    assert_eq!(played % 4, 0, "a round boundary: {decision}");
    assert!(played < 240, "{decision}");
    assert_eq!(decision["outcome"], "ci-width");
    assert!(decision["statistic"].as_f64().unwrap() < 0.06);
    assert!(
        text.contains("every strategy's 95% interval is narrower than 0.06"),
        "{text}"
    );
    // The games one round earlier did not satisfy the rule: this is the first boundary.
    let earlier = cwd.join("earlier");
    run(
        &cwd,
        &earlier,
        "1",
        &[
            "--seeds",
            &(played / 4 - 1).to_string(),
            "--until-ci-width",
            "0.06",
        ],
        &strategies,
    );
    assert!(
        !earlier.join("stopping.json").exists(),
        "no stop a round earlier"
    );
    let standings = std::fs::read_to_string(earlier.join("standings.csv")).unwrap();
    assert!(!standings.is_empty());
}

//! End-to-end tests of the `gigawatt` binary: real processes, real files, exit codes and output.

use std::path::{Path, PathBuf};
use std::process::Command;

use gigawatt_acceptance::gigawatt_bin;
use serde_json::Value;

const REQUIRED_TRACE_HEADER: &str = "month,year,nation,generation_capacity_gw,capacity_under_construction_gw,interconnection_queue_gw,datacenter_it_gw,datacenter_powered_fraction,h100e,training_flop,effective_training_flop,capability,ai_capex_usd,emissions_mtco2";

/// What one run of the binary did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn gigawatt<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let output = Command::new(gigawatt_bin())
        .args(args)
        .output()
        .expect("the gigawatt binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A file name under the temp dir unique to this process and test.
fn temp_path(test: &str, extension: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "gigawatt-cli-{}-{test}.{extension}",
        std::process::id()
    ))
}

/// Removes the file when the test ends, pass or fail.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// The embedded scenarios' source files, as paths in this workspace.
fn scenario_files() -> Vec<PathBuf> {
    gigawatt_data::SCENARIOS
        .iter()
        .map(|s| workspace().join(s.file))
        .collect()
}

/// The source file of the default scenario (two nations: usa and chn).
fn default_scenario_file() -> PathBuf {
    let embedded = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO)
        .expect("the default scenario is embedded");
    workspace().join(embedded.file)
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", run.stdout))
}

/// Whether `line` is `<path>:LINE:COL: message`.
fn is_located_error(line: &str, path: &str) -> bool {
    let Some(rest) = line.strip_prefix(path).and_then(|r| r.strip_prefix(':')) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let (Some(l), Some(c), Some(message)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let number = |s: &str| !s.is_empty() && s.chars().all(|ch| ch.is_ascii_digit());
    number(l) && number(c) && message.starts_with(' ') && message.trim().len() > 1
}

fn assert_usage_error(run: &Run, bad: &str) {
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{run:?}");
    assert!(
        run.stderr.contains(bad),
        "stderr should name `{bad}`: {}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn play_json_reports_the_outcome_with_the_required_keys() {
    let outcome = json(&gigawatt(&["play", "--json", "--seed", "5"]));
    assert_eq!(outcome["scenario"], "us-china-2025");
    assert_eq!(outcome["seed"], 5);
    let months = outcome["months_played"]
        .as_u64()
        .expect("months_played is a number");
    assert!((1..=120).contains(&months), "{months}");
    assert!(
        outcome["winner"].is_null() || outcome["winner"] == "usa" || outcome["winner"] == "chn",
        "{outcome}"
    );
    assert!(outcome["faults"].is_array(), "{outcome}");
    let nations = outcome["nations"].as_array().expect("nations is a list");
    let ids: Vec<&str> = nations
        .iter()
        .map(|n| n["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["usa", "chn"]);
    for n in nations {
        assert_eq!(n["strategy"], "status-quo", "{n}");
        assert_eq!(
            n["nation"], n["id"],
            "the name games.jsonl gives it too: {n}"
        );
        assert!(n["asi_month"].is_null() || n["asi_month"].is_u64(), "{n}");
        assert!(n["capability"].is_f64(), "{n}");
        let score = n["score"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&score), "{n}");
    }
}

#[test]
fn the_same_seed_gives_byte_identical_json() {
    let args = ["play", "--json", "--seed", "42", "--agent", "usa=random"];
    let first = gigawatt(&args);
    let second = gigawatt(&args);
    assert_eq!(first.code, Some(0), "{first:?}");
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(json(&first)["nations"][0]["strategy"], "random");
}

#[test]
fn trace_writes_the_header_and_a_row_per_month_per_nation() {
    let path = temp_path("trace", "csv");
    let _cleanup = TempFile(path.clone());
    std::fs::write(&path, "stale content that must be overwritten\n").expect("temp file");
    let run = gigawatt(&[
        "play".as_ref(),
        "--seed".as_ref(),
        "2".as_ref(),
        "--months".as_ref(),
        "30".as_ref(),
        "--json".as_ref(),
        "--trace".as_ref(),
        path.as_os_str(),
    ]);
    let months = json(&run)["months_played"].as_u64().expect("months_played") as usize;
    let csv = std::fs::read_to_string(&path).expect("trace written");
    let mut lines = csv.lines();
    let header = lines.next().expect("header line");
    assert!(header.starts_with(REQUIRED_TRACE_HEADER), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), months * 2, "months_played = {months}");
    // It says what it wrote, on stderr (stdout is the JSON).
    assert!(
        run.stderr.contains(&format!(
            "wrote {} ({} rows: one per nation and month)",
            path.display(),
            months * 2
        )),
        "{}",
        run.stderr
    );
    let columns = header.split(',').count();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells.len(), columns, "row {i}: {row}");
        assert_eq!(cells[0], (i / 2).to_string(), "row {i} month: {row}");
        assert_eq!(cells[2], ["usa", "chn"][i % 2], "row {i} nation: {row}");
    }
}

#[test]
fn months_caps_the_game() {
    let outcome = json(&gigawatt(&[
        "play", "--json", "--months", "24", "--seed", "9",
    ]));
    let months = outcome["months_played"].as_u64().expect("months_played");
    assert!((1..=24).contains(&months), "{months}");
}

#[test]
fn months_may_exceed_the_horizon_but_not_be_zero() {
    let outcome = json(&gigawatt(&[
        "play",
        "--json",
        "--months",
        "130",
        "--agent",
        "usa=random",
        "--agent",
        "chn=random",
    ]));
    assert!(outcome["months_played"].as_u64().expect("months_played") <= 130);
    let run = gigawatt(&["play", "--months", "0"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains('0') && run.stderr.contains("--months"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_default_table_shows_both_nations_by_year_and_the_outcome() {
    let run = gigawatt(&["play"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let out = &run.stdout;
    assert!(out.starts_with("us-china-2025 — seed 0"), "{out}");
    assert!(
        out.contains("\nusa — ") && out.contains("\nchn — "),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("2025 ")),
        "no 2025 row:\n{out}"
    );
    assert!(
        out.contains("online GW") && out.contains("largest run FLOP"),
        "{out}"
    );
    assert!(
        out.contains("\nWinner:  ") && out.contains("\nDecided: "),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with("  usa     status-quo")),
        "{out}"
    );
}

#[test]
fn a_scenario_file_can_be_played() {
    let path = temp_path("scenario_file", "ron");
    let _cleanup = TempFile(path.clone());
    std::fs::copy(default_scenario_file(), &path).expect("copy scenario");
    let run = gigawatt(&[
        "play".as_ref(),
        "--json".as_ref(),
        "--months".as_ref(),
        "3".as_ref(),
        "--scenario".as_ref(),
        path.as_os_str(),
    ]);
    let outcome = json(&run);
    assert_eq!(outcome["months_played"], 3);
    assert_eq!(outcome["nations"].as_array().expect("nations").len(), 2);
}

#[test]
fn unknown_nation_is_a_usage_error_listing_the_valid_ones() {
    let run = gigawatt(&["play", "--agent", "atlantis=random"]);
    assert_usage_error(&run, "atlantis");
    assert!(run.stderr.contains("usa, chn"), "{}", run.stderr);
}

#[test]
fn unknown_strategy_is_a_usage_error_listing_the_valid_ones() {
    let run = gigawatt(&["play", "--agent", "usa=grand-strategy"]);
    assert_usage_error(&run, "grand-strategy");
    assert!(
        run.stderr.contains("status-quo") && run.stderr.contains("random"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_scenario_is_a_usage_error() {
    let run = gigawatt(&["play", "--scenario", "narnia-2099"]);
    assert_usage_error(&run, "narnia-2099");
    assert!(run.stderr.contains("us-china-2025"), "{}", run.stderr);
}

#[test]
fn bad_flags_are_usage_errors() {
    assert_usage_error(&gigawatt(&["play", "--frobnicate"]), "--frobnicate");
    assert_usage_error(&gigawatt(&["play", "--seed", "minus-one"]), "minus-one");
    assert_usage_error(&gigawatt(&["play", "--agent", "usa"]), "usa");
    assert_usage_error(&gigawatt(&["conquer"]), "conquer");
}

#[test]
fn an_unwritable_trace_path_is_an_error_naming_it() {
    let path = temp_path("no_such_dir", "d").join("trace.csv");
    let run = gigawatt(&[
        "play".as_ref(),
        "--months".as_ref(),
        "2".as_ref(),
        "--trace".as_ref(),
        path.as_os_str(),
    ]);
    assert_usage_error(&run, &path.display().to_string());
    assert!(!path.exists());
}

#[test]
fn validate_accepts_the_embedded_scenario_files() {
    let files = scenario_files();
    assert!(!files.is_empty());
    let run = gigawatt(&files);
    // `gigawatt <file>` is not a command: prove the files alone are refused, then validate them.
    assert_eq!(run.code, Some(2));
    let mut args = vec![PathBuf::from("validate")];
    args.extend(files.iter().cloned());
    let run = gigawatt(&args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "", "no errors expected");
    for file in &files {
        assert!(
            run.stderr.contains(&format!("{}: ok", file.display())),
            "{}",
            run.stderr
        );
    }
}

/// The embedded scenario with its first `capex_usd_per_kw` made negative.
fn scenario_with_negative_capex() -> String {
    let source = std::fs::read_to_string(default_scenario_file()).expect("scenario source");
    let key = "capex_usd_per_kw:";
    let at = source
        .find(key)
        .expect("the scenario has a capex_usd_per_kw")
        + key.len();
    let value_start = at + source[at..].len() - source[at..].trim_start().len();
    format!("{}-{}", &source[..value_start], &source[value_start..])
}

#[test]
fn validate_reports_a_negative_capex_at_its_position() {
    let path = temp_path("negative_capex", "ron");
    let _cleanup = TempFile(path.clone());
    std::fs::write(&path, scenario_with_negative_capex()).expect("temp file");
    let run = gigawatt(&["validate".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let name = path.display().to_string();
    assert!(
        !run.stdout.is_empty() && run.stdout.lines().all(|l| is_located_error(l, &name)),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("capex_usd_per_kw"), "{}", run.stdout);
}

#[test]
fn validate_reports_a_type_error_and_still_checks_the_other_files() {
    let bad = temp_path("type_error", "ron");
    let _cleanup = TempFile(bad.clone());
    let source = std::fs::read_to_string(default_scenario_file()).expect("scenario source");
    std::fs::write(
        &bad,
        source.replacen("start_year: 2025", "start_year: \"soon\"", 1),
    )
    .expect("temp file");
    let good = default_scenario_file();
    let run = gigawatt(&["validate".as_ref(), bad.as_os_str(), good.as_os_str()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let name = bad.display().to_string();
    assert!(
        !run.stdout.is_empty() && run.stdout.lines().all(|l| is_located_error(l, &name)),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(&format!("{}: ok", good.display())),
        "{}",
        run.stderr
    );
}

/// Removes the directory when the test ends, pass or fail.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn validate_names_the_file_of_each_value_in_a_chain_of_bases() {
    let dir = temp_path("inherit", "d");
    let _cleanup = TempDir(dir.clone());
    std::fs::create_dir_all(dir.join("bases")).expect("temp dir");
    // A base (a file, relative to the inheriting one) that inherits from an embedded scenario and
    // holds a bad value; the file on top holds another.
    let base = "Scenario(\n    base: \"us-china-2025\",\n    global: (datacenter_pue: 0.5),\n)\n";
    std::fs::write(dir.join("bases/base.ron"), base).expect("base");
    let top = "Scenario(\n    base: \"bases/base.ron\",\n    name: \"top\",\n    nations: [(id: \"chn\", gdp_usd: -1.0)],\n)\n";
    let top_path = dir.join("top.ron");
    std::fs::write(&top_path, top).expect("top");
    let run = gigawatt(&["validate".as_ref(), top_path.as_os_str()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let base_name = dir.join("bases").join("base.ron").display().to_string();
    let top_name = top_path.display().to_string();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines.contains(
            &format!("{base_name}:3:30: global.datacenter_pue: must be at least 1 (got 0.5)")
                .as_str()
        ),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{top_name}:4:36: nations[1].gdp_usd: "))),
        "{}",
        run.stdout
    );
    // Fixed in the file on top, the chain is valid and plays.
    let fixed = top.replace("gdp_usd: -1.0", "gdp_usd: 2.0e13").replace(
        "name: \"top\",",
        "name: \"top\", global: (datacenter_pue: 1.1),",
    );
    std::fs::write(&top_path, fixed).expect("top");
    let run = gigawatt(&["validate".as_ref(), top_path.as_os_str()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let run = gigawatt(&[
        "play".as_ref(),
        "--scenario".as_ref(),
        top_path.as_os_str(),
        "--months".as_ref(),
        "2".as_ref(),
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    // A base that is neither embedded nor a file: an error at the `base` field.
    std::fs::write(&top_path, "Scenario(base: \"nowhere\")").expect("top");
    let run = gigawatt(&["validate".as_ref(), top_path.as_os_str()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stdout.starts_with(&format!("{top_name}:1:16: base: cannot find base scenario `nowhere`: not an embedded scenario (us-china-2025, world-2025)")),
        "{}",
        run.stdout
    );
}

#[test]
fn validate_reports_an_unreadable_file_at_1_1() {
    let path = temp_path("missing", "ron");
    let run = gigawatt(&["validate".as_ref(), path.as_os_str()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    let expected = format!("{}:1:1: cannot read: ", path.display());
    assert!(run.stdout.starts_with(&expected), "{}", run.stdout);
}

#[test]
fn scenarios_lists_the_default_scenario_with_its_nations() {
    let run = gigawatt(&["scenarios"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("us-china-2025 "))
        .expect("us-china-2025 listed");
    assert!(
        line.contains("USA vs China") && line.contains("usa, chn"),
        "{line}"
    );
}

#[test]
fn an_exported_scenario_is_the_shipped_file_and_validates_as_a_copy() {
    let run = gigawatt(&["scenarios", "--export", "us-china-2025"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let shipped = gigawatt_data::scenario("us-china-2025").unwrap().source;
    assert_eq!(run.stdout, shipped);
    let copy = temp_path("exported", "ron");
    let _cleanup = TempFile(copy.clone());
    std::fs::write(&copy, &run.stdout).unwrap();
    let validated = gigawatt(&["validate".as_ref(), copy.as_os_str()]);
    assert_eq!(validated.code, Some(0), "{validated:?}");
    let unknown = gigawatt(&["scenarios", "--export", "atlantis"]);
    assert_eq!(unknown.code, Some(2), "{unknown:?}");
    assert!(
        unknown.stderr.contains("no embedded scenario `atlantis`")
            && unknown.stderr.contains("us-china-2025"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn strategies_lists_the_built_ins() {
    let run = gigawatt(&["strategies"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let names: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        names.contains(&"status-quo") && names.contains(&"random"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.lines().all(|l| l.split_whitespace().count() > 2),
        "each line has a description: {}",
        run.stdout
    );
}

#[test]
fn a_spec_with_parameters_plays_under_its_canonical_name() {
    let outcome = json(&gigawatt(&[
        "play",
        "--json",
        "--months",
        "3",
        "--agent",
        "usa=parametric(dereg_month: 12, compute_share: 0.6)",
    ]));
    assert_eq!(
        outcome["nations"][0]["strategy"],
        "parametric(compute_share: 0.6, dereg_month: 12)"
    );
    assert_eq!(outcome["nations"][1]["strategy"], "status-quo");
}

#[test]
fn a_spec_can_be_read_from_a_file() {
    let path = temp_path("spec_file", "ron");
    let _cleanup = TempFile(path.clone());
    std::fs::write(
        &path,
        "// China's plan: more gas, deregulated after a year\nbalanced(\n    gas_share: 0.5,\n    dereg_month: 12, // earlier than the preset\n)\n",
    )
    .expect("temp file");
    let mut agent = std::ffi::OsString::from("chn=");
    agent.push(path.as_os_str());
    let run = gigawatt(&[
        "play".as_ref(),
        "--json".as_ref(),
        "--months".as_ref(),
        "3".as_ref(),
        "--agent".as_ref(),
        agent.as_os_str(),
    ]);
    let outcome = json(&run);
    assert_eq!(
        outcome["nations"][1]["strategy"],
        "balanced(gas_share: 0.5, dereg_month: 12)"
    );
}

#[test]
fn a_missing_spec_file_is_an_error_naming_it() {
    let path = temp_path("no_such_spec", "ron");
    let mut agent = std::ffi::OsString::from("usa=");
    agent.push(path.as_os_str());
    let run = gigawatt(&["play".as_ref(), "--agent".as_ref(), agent.as_os_str()]);
    assert_usage_error(&run, &path.display().to_string());
}

#[test]
fn an_unknown_parameter_is_an_error_naming_the_valid_ones() {
    let run = gigawatt(&["play", "--agent", "usa=builder(gas: 0.5)"]);
    assert_usage_error(&run, "`gas`");
    assert!(
        run.stderr.contains("gas_share (0..=1)") && run.stderr.contains("dereg_month (0..=1200)"),
        "{}",
        run.stderr
    );
    let run = gigawatt(&["play", "--agent", "usa=scaler(training_share: 0.99)"]);
    assert_usage_error(&run, "0.99");
    assert!(run.stderr.contains("0.05..=0.95"), "{}", run.stderr);
}

#[test]
fn strategies_shows_each_parameter_with_its_default_and_range() {
    let run = gigawatt(&["strategies"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    let builder = lines
        .iter()
        .position(|l| l.starts_with("builder "))
        .expect("builder listed");
    let params: Vec<Vec<&str>> = lines[builder + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().collect())
        .collect();
    let energy = params
        .iter()
        .find(|cells| cells[0] == "energy_share")
        .expect("energy_share listed under builder");
    assert_eq!(energy[1..3], ["0.6", "[0..=1]"], "{energy:?}");
    assert!(energy.len() > 3, "a description follows: {energy:?}");
    let dereg = params
        .iter()
        .find(|cells| cells[0] == "dereg_month")
        .expect("dereg_month listed under builder");
    assert_eq!(dereg[1..3], ["1200", "[0..=1200]"], "{dereg:?}");
}

#[test]
fn play_reports_a_fault_and_the_fallback_plays_on() {
    let absurd = r#"usa=scripted(plan: [(month: 2, orders: [BuildPlant(kind: solar, capacity_mw: 1e9, dedicated_to: None)])], then: "status-quo")"#;
    let run = gigawatt(&["play", "--months", "6", "--agent", absurd]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("\nFaults:  1\n"), "{}", run.stdout);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("  2025-03  usa  "))
        .unwrap_or_else(|| panic!("no fault line for 2025-03:\n{}", run.stdout));
    assert!(
        line.contains("scripted(") && line.contains("absurd order") && line.contains("1e9"),
        "{line}"
    );
    assert!(
        line.ends_with("the nation plays `status-quo` from now on"),
        "{line}"
    );
    // The game went on to its end, and JSON carries the same fault.
    let outcome = json(&gigawatt(&[
        "play", "--json", "--months", "6", "--agent", absurd,
    ]));
    assert_eq!(outcome["months_played"], 6);
    let faults = outcome["faults"].as_array().expect("faults");
    assert_eq!(faults.len(), 1, "{outcome}");
    assert_eq!(faults[0]["month"], 2);
    assert_eq!(faults[0]["nation"], "usa");
}

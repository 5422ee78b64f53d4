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

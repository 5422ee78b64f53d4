//! The per-seat drill-down files of a tournament (`seat_standings.csv`, `matchups.csv`,
//! `games.csv`): their counts add up to the games, and every game's `replay` command plays that
//! game again, bit for bit.

use std::collections::BTreeMap;
use std::path::Path;

use gigawatt_acceptance::{gigawatt_bin, gigawatt_in, ok, temp_dir};

/// A CSV file as header-keyed rows.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn int(row: &BTreeMap<String, String>, key: &str) -> u64 {
    row[key]
        .parse()
        .unwrap_or_else(|e| panic!("{key} = {:?}: {e}", row[key]))
}

#[test]
fn drilldown_files_add_up_and_every_game_replays() {
    let cwd = temp_dir("drilldown", "run");
    let out = cwd.join("out");
    ok(&gigawatt_in(
        &cwd,
        &[
            "tournament",
            "--strategy",
            "builder",
            "--strategy",
            "scaler",
            "--strategy",
            "random(orders_per_month: 2)",
            "--seeds",
            "2",
            "--months",
            "40",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let games: Vec<serde_json::Value> = gigawatt_acceptance::sorted_games(&out)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let n = games.len() as u64;
    assert_eq!(n, 18, "3 strategies: 9 ordered pairings, 2 seeds");

    // Seat standings: every seat of every game once; wins + draws + losses = games.
    let seats = rows(&out.join("seat_standings.csv"));
    assert_eq!(seats.len(), 6, "two nations, three strategies");
    assert_eq!(seats.iter().map(|r| int(r, "games")).sum::<u64>(), 2 * n);
    for r in &seats {
        assert_eq!(
            int(r, "wins") + int(r, "draws") + int(r, "losses"),
            int(r, "games")
        );
        let (lo, mean, hi): (f64, f64, f64) = (
            r["ci_low"].parse().unwrap(),
            r["mean_score"].parse().unwrap(),
            r["ci_high"].parse().unwrap(),
        );
        assert!(lo <= mean && mean <= hi, "{r:?}");
    }
    // The usa rows' wins are the games usa won, as games.jsonl says.
    let usa_wins = games.iter().filter(|g| g["winner"] == "usa").count() as u64;
    let usa_rows: u64 = seats
        .iter()
        .filter(|r| r["nation"] == "usa")
        .map(|r| int(r, "wins"))
        .sum();
    assert_eq!(usa_rows, usa_wins);

    // Matchups: 9 lineups of two seats; each lineup's games sum to the games.
    let matchups = rows(&out.join("matchups.csv"));
    assert_eq!(matchups.len(), 18);
    let by_lineup: BTreeMap<&str, u64> = matchups
        .iter()
        .map(|r| (r["lineup"].as_str(), int(r, "games")))
        .collect();
    assert_eq!(by_lineup.len(), 9);
    assert_eq!(by_lineup.values().sum::<u64>(), n);
    for r in matchups.iter().filter(|r| r["seat"] == "0") {
        let other = matchups
            .iter()
            .find(|o| o["lineup"] == r["lineup"] && o["seat"] == "1")
            .unwrap();
        assert_eq!(int(r, "wins"), int(other, "losses"), "{r:?}");
    }

    // The game list: one row per game, in game order, each with a replay command.
    let list = rows(&out.join("games.csv"));
    assert_eq!(list.len() as u64, n);
    for (row, game) in list.iter().zip(&games) {
        assert_eq!(row["game_id"], game["game_id"].to_string());
        assert!(row["replay"].contains(&format!("--seed {}", game["seed"])));
    }
    // Replaying a game whose spec needs quoting plays it exactly: same winner and scores.
    let (row, game) = list
        .iter()
        .zip(&games)
        .find(|(r, _)| r["replay"].contains('\''))
        .expect("a game with random(...) in it");
    let bin_dir = gigawatt_bin().parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} --json", row["replay"]))
        .env("PATH", path)
        .output()
        .unwrap();
    let played: serde_json::Value = serde_json::from_str(&ok(&output)).expect("json");
    assert_eq!(played["winner"], game["winner"]);
    for (seat, nation) in game["seats"]
        .as_array()
        .unwrap()
        .iter()
        .zip(played["nations"].as_array().unwrap())
    {
        assert_eq!(seat["score"], nation["score"], "{}", row["replay"]);
    }
}

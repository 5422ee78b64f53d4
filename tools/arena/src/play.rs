//! One game: set up with the registry's fallback, played to the end, its trace written as CSV.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

use gigawatt_engine::{Match, Outcome, Scenario, Strategy, TraceRow};

use crate::error::{Context, Result};

/// A finished game.
#[derive(Clone, Debug)]
pub struct Game {
    pub scenario: Arc<Scenario>,
    /// Months the game was allowed to last (the horizon, or `--months`).
    pub months: u32,
    pub outcome: Outcome,
    /// One row per month per nation; empty unless recorded.
    pub trace: Vec<TraceRow>,
}

/// The sampled world a game is played in, as `play --json` reports it.
#[derive(Clone, Debug)]
pub struct SampledWorld {
    pub world: u32,
    pub worlds: u32,
    pub seed: u64,
    /// (field path, value), in the scenario file's order.
    pub values: Vec<(String, f64)>,
}

impl SampledWorld {
    pub fn json(&self) -> serde_json::Value {
        let values: serde_json::Map<String, serde_json::Value> = self
            .values
            .iter()
            .map(|(path, x)| (path.clone(), serde_json::json!(x)))
            .collect();
        serde_json::json!({
            "index": self.world,
            "worlds": self.worlds,
            "seed": self.seed,
            "values": values,
        })
    }
}

/// A match whose faulted seats (a strategy that panicked, gave an absurd order or had every order
/// rejected for a year) are played on by the registry's fallback, `status-quo`.
pub fn new_match(
    scenario: Arc<Scenario>,
    strategies: Vec<Box<dyn Strategy>>,
    seed: u64,
    months: u32,
) -> Result<Match> {
    Ok(Match::with_months(scenario, strategies, seed, months)
        .context("cannot start the game")?
        .with_fallback(gigawatt_agents::fallback()))
}

/// Play a match to the end.
pub fn finish(mut game: Match) -> Game {
    let outcome = game.run();
    Game {
        scenario: game.scenario().clone(),
        months: game.months(),
        outcome,
        trace: game.trace().to_vec(),
    }
}

/// The trace as CSV: [`TraceRow::CSV_HEADER`], then one line per row.
pub fn write_trace(file: File, rows: &[TraceRow]) -> std::io::Result<()> {
    let mut w = BufWriter::new(file);
    writeln!(w, "{}", TraceRow::CSV_HEADER)?;
    for row in rows {
        writeln!(w, "{}", row.csv_line())?;
    }
    w.flush()
}

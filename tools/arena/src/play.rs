//! One game: set up with the registry's fallback, played to the end, its trace written as CSV.

use std::fs::File;
use std::io::BufWriter;
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

/// The trace as CSV: the header is [`TraceRow`]'s serde field names in their order (so it cannot
/// drift from the row), then one line per row. Numbers keep the trace's text form: Rust's shortest
/// round-trip `Display`, and FLOP counts (`*_flop`) in exponent form (`1.5e25`).
/// The outcome as `play --json` prints it: `Outcome`'s fields, with each nation also under
/// `nation`, the name games.jsonl and seats.csv give it (`id` stays: it is what this output always
/// had). Python's `gigawatt.play` returns the same.
pub fn outcome_json(outcome: &Outcome) -> serde_json::Value {
    // An outcome is plain data (numbers, strings, lists): it always serialises.
    let mut json = serde_json::to_value(outcome).expect("an outcome serialises to JSON");
    if let Some(nations) = json.get_mut("nations").and_then(|n| n.as_array_mut()) {
        for nation in nations.iter_mut().filter_map(|n| n.as_object_mut()) {
            if let Some(id) = nation.get("id").cloned() {
                nation.insert("nation".to_string(), id);
            }
        }
    }
    json
}

pub fn write_trace(file: File, rows: &[TraceRow]) -> std::io::Result<()> {
    let mut w = crate::data::record_writer(BufWriter::new(file));
    for (i, row) in rows.iter().enumerate() {
        let value = serde_json::to_value(row).map_err(std::io::Error::other)?;
        let Some(object) = value.as_object() else {
            return Err(std::io::Error::other("a trace row is not a record"));
        };
        if i == 0 {
            w.write_record(object.keys())?;
        }
        w.write_record(object.iter().map(|(k, v)| trace_cell(k, v)))?;
    }
    if rows.is_empty() {
        w.write_record(trace_header())?;
    }
    w.flush()
}

/// The trace's header: [`TraceRow`]'s serde field names.
pub fn trace_header() -> Vec<String> {
    let value = serde_json::to_value(TraceRow::default()).expect("a trace row serialises");
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// One trace cell: text as is, integers as they are, other numbers in `Display` form (exponent
/// form for FLOP), a number JSON cannot hold (not finite) empty.
fn trace_cell(key: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(x)) if key.ends_with("_flop") => format!("{x:e}"),
            (_, _, Some(x)) => x.to_string(),
            _ => n.to_string(),
        },
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trace's columns are a stable interface (README): the header derived from `TraceRow`
    /// must stay this, in this order.
    #[test]
    fn the_trace_header_is_the_documented_one() {
        assert_eq!(
            trace_header().join(","),
            "month,year,nation,generation_capacity_gw,capacity_under_construction_gw,\
             interconnection_queue_gw,datacenter_it_gw,datacenter_powered_fraction,h100e,\
             training_flop,effective_training_flop,capability,ai_capex_usd,emissions_mtco2,\
             firm_supply_gw,baseline_demand_gw,largest_run_flop,algorithmic_efficiency,\
             treasury_usd,capacity_built_gw,idle_h100e,powered_h100e"
        );
    }

    #[test]
    fn trace_cells_keep_the_trace_number_forms() {
        let row = TraceRow {
            month: 3,
            year: 2025,
            nation: "a,b".to_string(),
            generation_capacity_gw: 1.0,
            training_flop: 3.3e27,
            treasury_usd: 1e20,
            capability: f64::NAN,
            ..TraceRow::default()
        };
        let path = std::env::temp_dir().join(format!("gigawatt-trace-{}.csv", std::process::id()));
        write_trace(File::create(&path).unwrap(), &[row]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let line = text.lines().nth(1).unwrap();
        // A nation id with a comma is quoted; FLOP in exponent form; other numbers in Display
        // form; a number that is not finite is empty.
        assert!(
            line.starts_with(
                "3,2025,\"a,b\",1,0,0,0,0,0,3.3e27,0e0,,0,0,0,0,0e0,0,100000000000000000000,"
            ),
            "{line}"
        );
    }
}

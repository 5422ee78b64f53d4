//! One line of `games.jsonl`: everything a game produced that the analysis needs. The field names
//! are a public interface (users load the file in pandas or polars).

use std::sync::Arc;

use gigawatt_engine::{Fault, Outcome};
use serde::{Deserialize, Serialize};

/// One seat of a finished game.
///
/// The outcome fields after `capability_by_year` are those of `play --json`'s `nations[]` under
/// the same names; they are absent (null) in the records of results written before they were
/// recorded, which still load.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeatRecord {
    /// Nation id in the scenario, e.g. `usa` (shared, not copied, across the games of a run).
    /// `play --json` calls it `nations[].id`.
    pub nation: Arc<str>,
    /// The strategy spec that played it (shared likewise).
    pub strategy: Arc<str>,
    /// In [0, 1]: 1 against each rival it beat to superintelligence, else a logistic of the
    /// capability gap (`gigawatt_engine::runner::pairwise_scores`); two seats' scores sum to 1.
    pub score: f64,
    /// Capability of its best lab at the end (log10 of 2022-equivalent training FLOP).
    pub capability: f64,
    /// Month its best lab crossed the superintelligence threshold, if it did.
    pub asi_month: Option<u32>,
    /// Best-lab capability at the end of each full year played (for trajectories): entry `i` is
    /// December of the game's `capability_years[i]`.
    #[serde(default)]
    pub capability_by_year: Vec<f64>,
    /// Generation capacity the nation built during the game, GW.
    #[serde(default)]
    pub capacity_built_gw: Option<f64>,
    /// Generation capacity online at the end, GW.
    #[serde(default)]
    pub generation_capacity_gw: Option<f64>,
    /// Datacenter IT load built at the end, GW.
    #[serde(default)]
    pub datacenter_it_gw: Option<f64>,
    /// H100-equivalent chips owned at the end.
    #[serde(default)]
    pub h100e: Option<f64>,
    /// Power-sector emissions over the game, MtCO2.
    #[serde(default)]
    pub emissions_mtco2: Option<f64>,
    /// Money spent over the game (AI and energy capex), USD.
    #[serde(default)]
    pub money_spent_usd: Option<f64>,
    /// Chips and datacenters paid over the game, USD.
    #[serde(default)]
    pub ai_capex_usd: Option<f64>,
    /// Power plants paid over the game, USD.
    #[serde(default)]
    pub energy_capex_usd: Option<f64>,
    /// Orders the engine rejected.
    #[serde(default)]
    pub rejected_orders: Option<u32>,
}

/// A finished game.
///
/// docs/data.md and docs/games.schema.json describe the JSON form (a line of `games.jsonl`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GameRecord {
    /// Position in the tournament plan; the key for resume, shards and merge.
    pub game_id: u64,
    /// The unit of analysis this game belongs to: the games that share a world seed and a set of
    /// strategies with the seats rotated (a seat-swapped pair for two nations).
    pub unit: u64,
    pub scenario: String,
    /// The game's seed: a fixed function of (tournament seed, unit), shared by the unit's games.
    /// Any u64: readers that hold JSON numbers as doubles or i64 lose the seeds above 2^53 or 2^63,
    /// hence `seed_high` and `seed_low`.
    pub seed: u64,
    /// The seed's upper 32 bits (`seed = seed_high * 2^32 + seed_low`): exact in every reader.
    /// Absent in results written before they were recorded (taken from `seed` when read).
    #[serde(default)]
    pub seed_high: Option<u32>,
    /// The seed's lower 32 bits.
    #[serde(default)]
    pub seed_low: Option<u32>,
    /// Index of the sampled world it was played in (`worlds.csv`), or null for the scenario's
    /// central values.
    #[serde(default)]
    pub world: Option<u32>,
    pub seats: Vec<SeatRecord>,
    /// Winning nation id, or null on a tie.
    pub winner: Option<Arc<str>>,
    /// `superintelligence` or `horizon`.
    pub decided_by: String,
    pub months_played: u32,
    /// The calendar year of each entry of the seats' `capability_by_year` (empty in results
    /// written before it was recorded).
    #[serde(default)]
    pub capability_years: Vec<i32>,
    /// Earliest month anyone crossed the threshold. Written `first_asi_month` so that flattening
    /// the seats into the game (each seat has its own `asi_month`) gives no duplicate column;
    /// results written before read from `asi_month`.
    #[serde(rename = "first_asi_month", alias = "asi_month")]
    pub asi_month: Option<u32>,
    /// Every fault of the game: always a list, empty when none.
    #[serde(default)]
    pub faults: Vec<Fault>,
}

impl GameRecord {
    /// The record of a game played from a scenario starting in `start_year`.
    pub fn from_outcome(
        game_id: u64,
        unit: u64,
        world: Option<u32>,
        start_year: i32,
        outcome: &Outcome,
    ) -> GameRecord {
        let seats: Vec<SeatRecord> = outcome
            .nations
            .iter()
            .map(|n| SeatRecord {
                nation: Arc::from(n.id.as_str()),
                strategy: Arc::from(n.strategy.as_str()),
                score: n.score,
                capability: n.capability,
                asi_month: n.asi_month,
                capability_by_year: n.capability_by_year.clone(),
                capacity_built_gw: Some(n.capacity_built_gw),
                generation_capacity_gw: Some(n.generation_capacity_gw),
                datacenter_it_gw: Some(n.datacenter_it_gw),
                h100e: Some(n.h100e),
                emissions_mtco2: Some(n.emissions_mtco2),
                money_spent_usd: Some(n.money_spent_usd),
                ai_capex_usd: Some(n.ai_capex_usd),
                energy_capex_usd: Some(n.energy_capex_usd),
                rejected_orders: Some(n.rejected_orders),
            })
            .collect();
        let years = seats
            .iter()
            .map(|s| s.capability_by_year.len())
            .max()
            .unwrap_or(0);
        GameRecord {
            game_id,
            unit,
            scenario: outcome.scenario.clone(),
            seed: outcome.seed,
            seed_high: Some(seed_high(outcome.seed)),
            seed_low: Some(seed_low(outcome.seed)),
            world,
            asi_month: seats.iter().filter_map(|s| s.asi_month).min(),
            seats,
            winner: outcome.winner.as_deref().map(Arc::from),
            decided_by: outcome.decided_by.to_string(),
            months_played: outcome.months_played,
            capability_years: (0..years as i32).map(|i| start_year + i).collect(),
            faults: outcome.faults.clone(),
        }
    }

    /// Drop what only the tidy tables and the users' own analyses read (the seats' outcome
    /// quantities beyond score and capability), keeping a loaded tournament small.
    pub fn drop_seat_outcomes(&mut self) {
        for seat in &mut self.seats {
            *seat = SeatRecord {
                nation: seat.nation.clone(),
                strategy: seat.strategy.clone(),
                score: seat.score,
                capability: seat.capability,
                asi_month: seat.asi_month,
                capability_by_year: std::mem::take(&mut seat.capability_by_year),
                ..SeatRecord::default()
            };
        }
    }
}

/// The upper 32 bits of a seed.
pub fn seed_high(seed: u64) -> u32 {
    (seed >> 32) as u32
}

/// The lower 32 bits of a seed.
pub fn seed_low(seed: u64) -> u32 {
    // Truncation is the point: the lower half.
    (seed & 0xffff_ffff) as u32
}

/// Shares equal strings: a game log names the same few nations and strategies in every line.
#[derive(Default)]
pub struct Interner {
    seen: std::collections::HashSet<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &Arc<str>) -> Arc<str> {
        match self.seen.get(s) {
            Some(shared) => shared.clone(),
            None => {
                self.seen.insert(s.clone());
                s.clone()
            }
        }
    }

    /// Make `record` point at the shared copies of its names.
    pub fn share(&mut self, record: &mut GameRecord) {
        for seat in &mut record.seats {
            seat.nation = self.intern(&seat.nation);
            seat.strategy = self.intern(&seat.strategy);
        }
        if let Some(w) = &record.winner {
            record.winner = Some(self.intern(w));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A line of `games.jsonl` as written before the seed halves, year labels, seat outcomes and
    /// `first_asi_month`: old folders still resume, merge and report.
    pub(crate) const OLD_LINE: &str = r#"{"game_id":0,"unit":0,"scenario":"us-china-2025","seed":12035550249420947055,"world":0,"seats":[{"nation":"usa","strategy":"builder","score":0.97,"capability":32.2,"asi_month":null,"capability_by_year":[29.2,30.1]},{"nation":"chn","strategy":"builder","score":0.03,"capability":30.3,"asi_month":57,"capability_by_year":[28.1,28.7]}],"winner":"usa","decided_by":"horizon","months_played":60,"asi_month":57,"faults":[]}"#;

    #[test]
    fn old_records_still_read() {
        let game: GameRecord = serde_json::from_str(OLD_LINE).unwrap();
        assert_eq!(game.seed, 12035550249420947055);
        assert_eq!(game.asi_month, Some(57));
        assert_eq!((game.seed_high, game.seed_low), (None, None));
        assert!(game.capability_years.is_empty());
        assert_eq!(game.seats[1].asi_month, Some(57));
        assert_eq!(game.seats[0].money_spent_usd, None);
        // Written again, it has the new name for the game's first arrival only.
        let text = serde_json::to_string(&game).unwrap();
        assert!(text.contains("\"first_asi_month\":57"), "{text}");
        assert_eq!(text.matches("\"asi_month\"").count(), 2, "{text}");
    }

    #[test]
    fn seed_halves_make_the_seed() {
        for seed in [
            0,
            1,
            u64::from(u32::MAX),
            1 << 63,
            u64::MAX,
            12035550249420947055,
        ] {
            assert_eq!(
                (u64::from(seed_high(seed)) << 32) | u64::from(seed_low(seed)),
                seed
            );
        }
    }
}

/// `docs/games.schema.json` holds every key a record is written with, with its type: checked here
/// on a record of a real game (so a key added to the record without the schema fails) and on an
/// old-shaped line.
#[cfg(test)]
mod schema_tests {
    use super::*;
    use serde_json::Value;

    const SCHEMA: &str = include_str!("../../../../docs/games.schema.json");

    /// The subset of JSON Schema the document uses: type, enum, required, properties (every key
    /// of the value must be declared), items, $ref, minimum, maximum.
    fn check(schema: &Value, root: &Value, value: &Value, at: &str) -> Result<(), String> {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            return check(&root["$defs"][name], root, value, at);
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array)
            && !options.contains(value)
        {
            return Err(format!("{at}: {value} is not one of {options:?}"));
        }
        if let Some(types) = schema.get("type") {
            let types: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let fits = |t: &str| match t {
                "null" => value.is_null(),
                "integer" => value.is_u64() || value.is_i64(),
                "number" => value.is_number(),
                "string" => value.is_string(),
                "array" => value.is_array(),
                "object" => value.is_object(),
                _ => false,
            };
            if !types.iter().any(|t| fits(t)) {
                return Err(format!("{at}: {value} is not {types:?}"));
            }
        }
        if let (Some(min), Some(x)) = (
            schema.get("minimum").and_then(Value::as_f64),
            value.as_f64(),
        ) && x < min
        {
            return Err(format!("{at}: {x} < {min}"));
        }
        if let (Some(max), Some(x)) = (
            schema.get("maximum").and_then(Value::as_u64),
            value.as_u64(),
        ) && x > max
        {
            return Err(format!("{at}: {x} > {max}"));
        }
        if let Some(object) = value.as_object() {
            for key in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !object.contains_key(key) {
                    return Err(format!("{at}: no `{key}`"));
                }
            }
            if let Some(properties) = schema.get("properties") {
                for (key, v) in object {
                    let Some(property) = properties.get(key) else {
                        return Err(format!("{at}: `{key}` is not in the schema"));
                    };
                    check(property, root, v, &format!("{at}.{key}"))?;
                }
            }
        }
        if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
            for (i, v) in array.iter().enumerate() {
                check(items, root, v, &format!("{at}[{i}]"))?;
            }
        }
        Ok(())
    }

    #[test]
    fn records_follow_docs_games_schema() {
        let root: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
        let scenario = crate::inputs::load_scenario(gigawatt_data::DEFAULT_SCENARIO).unwrap();
        let strategies = scenario
            .nations
            .iter()
            .map(|_| gigawatt_agents::build("builder").expect("builds"))
            .collect();
        let mut game =
            gigawatt_engine::Match::with_months(scenario.clone(), strategies, u64::MAX, 30)
                .expect("starts");
        let outcome = game.run();
        let mut record = GameRecord::from_outcome(3, 1, Some(2), scenario.start_year, &outcome);
        record.faults.push(Fault {
            month: 1,
            nation: "usa".into(),
            strategy: "builder".into(),
            message: "test".into(),
        });
        let value = serde_json::to_value(&record).unwrap();
        assert_eq!(value["capability_years"], serde_json::json!([2025, 2026]));
        assert_eq!(value["seed"].as_u64(), Some(u64::MAX));
        check(&root, &root, &value, "record").unwrap();
        let old: Value = serde_json::from_str(tests::OLD_LINE).unwrap();
        check(&root, &root, &old, "old record").unwrap();
    }
}

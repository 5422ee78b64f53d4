//! One line of `games.jsonl`: everything a game produced that the analysis needs. The field names
//! are a public interface (users load the file in pandas or polars).

use std::sync::Arc;

use gigawatt_engine::{Fault, Outcome};
use serde::{Deserialize, Serialize};

/// One seat of a finished game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatRecord {
    /// Nation id in the scenario, e.g. `usa` (shared, not copied, across the games of a run).
    pub nation: Arc<str>,
    /// The strategy spec that played it (shared likewise).
    pub strategy: Arc<str>,
    /// In [0, 1]: 1 against each rival it beat to superintelligence, else a logistic of the
    /// capability gap (`gigawatt_engine::runner::pairwise_scores`); two seats' scores sum to 1.
    pub score: f64,
    pub capability: f64,
    /// Month its best lab crossed the superintelligence threshold, if it did.
    pub asi_month: Option<u32>,
    /// Best-lab capability at the end of each full year played (for trajectories).
    #[serde(default)]
    pub capability_by_year: Vec<f64>,
}

/// A finished game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameRecord {
    /// Position in the tournament plan; the key for resume, shards and merge.
    pub game_id: u64,
    /// The unit of analysis this game belongs to: the games that share a world seed and a set of
    /// strategies with the seats rotated (a seat-swapped pair for two nations).
    pub unit: u64,
    pub scenario: String,
    /// The game's seed: a fixed function of (tournament seed, unit), shared by the unit's games.
    pub seed: u64,
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
    /// Earliest month anyone crossed the threshold.
    pub asi_month: Option<u32>,
    pub faults: Vec<Fault>,
}

impl GameRecord {
    pub fn from_outcome(
        game_id: u64,
        unit: u64,
        world: Option<u32>,
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
            })
            .collect();
        GameRecord {
            game_id,
            unit,
            scenario: outcome.scenario.clone(),
            seed: outcome.seed,
            world,
            asi_month: seats.iter().filter_map(|s| s.asi_month).min(),
            seats,
            winner: outcome.winner.as_deref().map(Arc::from),
            decided_by: outcome.decided_by.to_string(),
            months_played: outcome.months_played,
            faults: outcome.faults.clone(),
        }
    }
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

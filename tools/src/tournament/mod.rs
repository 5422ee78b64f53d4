//! Tournaments: many games of strategies, run on all cores, written as they finish, resumable,
//! shardable, and analysed (standings, payoff matrix, superintelligence arrival, meta-game).

pub mod cli;
pub mod merge;
pub mod plan;
pub mod record;
pub mod report;
pub mod run;
pub mod store;

use serde::{Deserialize, Serialize};

pub use plan::Format;

/// Everything that defines a tournament's results. Written as `config.ron` beside them, so any run
/// can be repeated; `--resume` and `merge` refuse results made under another configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TournamentConfig {
    /// Embedded scenario names or scenario files.
    pub scenarios: Vec<String>,
    /// Strategy specs, canonicalised by the registry.
    pub strategies: Vec<String>,
    /// Rounds: each pairing (or lineup) plays this many world seeds.
    pub seeds: u64,
    /// The tournament seed every game seed derives from.
    pub seed: u64,
    /// Months per game (None: each scenario's horizon).
    pub months: Option<u32>,
    pub format: Format,
    /// Bootstrap resamples for the confidence intervals.
    pub resamples: usize,
    /// This run's shard `(K, N)`, if sharded. Not part of the results' identity.
    #[serde(default)]
    pub shard: Option<(u64, u64)>,
}

impl TournamentConfig {
    /// The same tournament, whatever shard: what must match to resume or merge.
    pub fn identity(&self) -> TournamentConfig {
        TournamentConfig {
            shard: None,
            ..self.clone()
        }
    }
}

/// Default rounds per pairing for `gigawatt tournament` with no flags.
pub const DEFAULT_SEEDS: u64 = 10;
/// Default bootstrap resamples.
pub const DEFAULT_RESAMPLES: usize = 1000;
pub const CONFIG_FILE: &str = "config.ron";

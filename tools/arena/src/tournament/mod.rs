//! Tournaments: many games of strategies, run on all cores, written as they finish, resumable,
//! shardable, and analysed (standings, payoff matrix, superintelligence arrival, meta-game).

pub mod check;
pub mod drilldown;
pub mod identity;
pub mod merge;
pub mod plan;
pub mod record;
pub mod report;
pub mod run;
pub mod stopping;
pub mod store;
pub mod tables;
pub mod worlds;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gigawatt_engine::Scenario;
use serde::{Deserialize, Serialize};

pub use plan::Format;

use crate::error::{Context, Error, Result, invalid};
use crate::inputs::{load_scenario, load_uncertain_scenario};
use worlds::Worlds;

/// Everything that defines a tournament's results. Written as `config.ron` beside them, so any run
/// can be repeated; a run in a folder holding another configuration, and `merge` of shards of
/// different tournaments, are refused.
///
/// A file may leave fields out: they take the command line's defaults ([`Default`]), so
/// `(strategies: ["builder", "scaler"])` is a whole configuration. `--write-config` writes every
/// field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
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
    /// Sampled worlds per round (`None`: the scenarios' central values). Worlds are drawn by Latin
    /// hypercube from (`seed`, `worlds`) (see `gigawatt_engine::uncertainty`).
    #[serde(default)]
    pub worlds: Option<u32>,
    /// What the games were played from, by content (scenario text after inheritance, model
    /// version): written into a results folder's `config.ron` by the run, never by
    /// `--write-config`, and ignored when a file is read with `--config` (the run computes it
    /// anew from the files). `None` in folders written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<identity::Content>,
    /// Stop before the plan is played when the answer is clear (`--until-ci-width`, `--sprt`);
    /// `None`: play the whole plan. Left out of the file when `None`, so configurations without a
    /// rule read and hash as they always did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<stopping::StopRule>,
}

/// What `gigawatt tournament` plays with no flags: every default strategy on the default scenario.
impl Default for TournamentConfig {
    fn default() -> TournamentConfig {
        TournamentConfig {
            scenarios: vec![gigawatt_data::DEFAULT_SCENARIO.to_string()],
            strategies: gigawatt_agents::default_set()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            seeds: DEFAULT_SEEDS,
            seed: 0,
            months: None,
            format: Format::RoundRobin,
            resamples: DEFAULT_RESAMPLES,
            shard: None,
            worlds: None,
            content: None,
            stop: None,
        }
    }
}

impl TournamentConfig {
    /// This configuration with its [`identity::Content`] computed from the files now.
    pub fn with_content(&self) -> Result<TournamentConfig> {
        Ok(TournamentConfig {
            content: Some(identity::Content::of(self)?),
            ..self.clone()
        })
    }

    /// The same tournament, whatever shard: what must match to merge.
    pub fn identity(&self) -> TournamentConfig {
        TournamentConfig {
            shard: None,
            ..self.clone()
        }
    }

    /// The fields in which `other` differs from this configuration, one `field: this vs other`
    /// each, so a refusal can say what changed rather than print both files.
    pub fn differences(&self, other: &TournamentConfig) -> Vec<String> {
        fn show<T: Serialize>(value: &T) -> String {
            ron::to_string(value).unwrap_or_else(|e| format!("({e})"))
        }
        // Destructured so that a new field cannot be forgotten here.
        let TournamentConfig {
            scenarios,
            strategies,
            seeds,
            seed,
            months,
            format,
            resamples,
            shard,
            worlds,
            content,
            stop,
        } = self;
        let mut out = Vec::new();
        let mut field = |name: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{name}: {a} vs {b}"));
            }
        };
        field("scenarios", show(scenarios), show(&other.scenarios));
        field("strategies", show(strategies), show(&other.strategies));
        field("seeds", show(seeds), show(&other.seeds));
        field("seed", show(seed), show(&other.seed));
        field("months", show(months), show(&other.months));
        field("format", show(format), show(&other.format));
        field("resamples", show(resamples), show(&other.resamples));
        field("shard", show(shard), show(&other.shard));
        field("worlds", show(worlds), show(&other.worlds));
        field("stop", show(stop), show(&other.stop));
        match (content, &other.content) {
            (Some(a), Some(b)) => out.extend(a.differences(b)),
            (None, None) => {}
            (a, _) => out.push(format!(
                "content identity: {} vs {}",
                if a.is_some() {
                    "recorded"
                } else {
                    "none (an older gigawatt)"
                },
                if a.is_some() {
                    "none (an older gigawatt)"
                } else {
                    "recorded"
                },
            )),
        }
        out
    }
}

impl TournamentConfig {
    /// The plan of this configuration on `scenarios` (its scenarios, loaded): every game, unit and
    /// seed, generated as it is walked.
    pub fn plan(&self, scenarios: &[std::sync::Arc<gigawatt_engine::Scenario>]) -> plan::Plan {
        let nations: Vec<usize> = scenarios.iter().map(|s| s.nations.len()).collect();
        plan::Plan::new(
            &nations,
            &self.strategies,
            &self.format,
            self.seeds,
            self.seed,
            self.worlds,
        )
    }
}

/// Default rounds per pairing for `gigawatt tournament` with no flags.
pub const DEFAULT_SEEDS: u64 = 10;
/// Default bootstrap resamples.
pub const DEFAULT_RESAMPLES: usize = 1000;
pub const CONFIG_FILE: &str = "config.ron";
/// Largest `config.ron` read, bytes: its scenarios' text (~30 KB each) and a list of strategies.
pub const MAX_CONFIG_FILE_BYTES: u64 = crate::inputs::MAX_SCENARIO_FILE_BYTES;

impl TournamentConfig {
    /// Read a configuration file (RON, as `config.ron`); errors name the file and the place.
    pub fn read(path: &Path) -> Result<TournamentConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        // A results folder's config.ron may be given: its content identity is what that folder
        // was played from, not what this run will play, which the run computes anew.
        ron::from_str::<TournamentConfig>(&text)
            .map(|config| TournamentConfig {
                content: None,
                ..config
            })
            .map_err(|e| invalid!("{}:{}: {}", path.display(), e.span.start, e.code))
    }

    /// Read a results folder's `config.ron`, keeping its content identity (a file given with
    /// `--config` drops it: see [`TournamentConfig::content`]).
    pub fn read_stored(dir: &Path) -> Result<TournamentConfig> {
        let path = dir.join(CONFIG_FILE);
        let text = crate::inputs::read_text_bounded(&path, MAX_CONFIG_FILE_BYTES)
            .with_context(|| format!("cannot read {}", path.display()))?;
        ron::from_str::<TournamentConfig>(&text).map_err(|e| {
            invalid!(
                "{}:{}: not a tournament configuration: {}",
                path.display(),
                e.span.start,
                e.code
            )
        })
    }
}

/// The run's sampled worlds, when it has any (`config.worlds`).
pub fn sampled_worlds(config: &TournamentConfig) -> Result<Option<Worlds>> {
    let Some(count) = config.worlds else {
        return Ok(None);
    };
    let uncertain = config
        .scenarios
        .iter()
        .map(|s| load_uncertain_scenario(s).map_err(Error::from))
        .collect::<Result<Vec<_>>>()?;
    Worlds::sample(&uncertain, config.seed, count).map(Some)
}

/// The configuration's scenarios, loaded.
pub fn load_scenarios(config: &TournamentConfig) -> Result<Vec<Arc<Scenario>>> {
    config
        .scenarios
        .iter()
        .map(|s| load_scenario(s).map_err(Error::from))
        .collect()
}

/// `results/<first scenario>-<fingerprint>`: the same configuration always lands in the same place,
/// so running it again resumes (or just reports) rather than starting over. The fingerprint hashes
/// the content identity too (scenario text, model version): an edited scenario file or another
/// model lands in another folder.
pub fn default_out(config: &TournamentConfig) -> Result<PathBuf> {
    let config = match config.content {
        Some(_) => config.clone(),
        None => config.with_content()?,
    };
    let text = run::pretty(&config.identity());
    let hash = identity::fnv1a64(text.as_bytes());
    let name = Path::new(&config.scenarios[0])
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let shard = config
        .shard
        .map(|(k, n)| format!("-shard{k}of{n}"))
        .unwrap_or_default();
    Ok(PathBuf::from("results").join(format!("{name}-{:08x}{shard}", hash as u32)))
}

//! `gigawatt merge DIR... --out DIR`: shards of one tournament into one, checking that every game of
//! the plan is there exactly once. The merged results equal an unsharded run's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Context, Result, bail};
use gigawatt_engine::Scenario;

use super::plan::plan_worlds;
use super::record::GameRecord;
use super::run::pretty;
use super::store::{GAMES_FILE, read_games, write_all};
use super::{CONFIG_FILE, TournamentConfig};

pub fn read_config(dir: &Path) -> Result<TournamentConfig> {
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    ron::from_str(&text)
        .with_context(|| format!("{}: not a tournament configuration", path.display()))
}

/// The merged configuration and games of `dirs`, complete and without duplicates.
pub fn merge(
    dirs: &[PathBuf],
    load_scenarios: impl Fn(&TournamentConfig) -> Result<Vec<Arc<Scenario>>>,
) -> Result<(TournamentConfig, BTreeMap<u64, GameRecord>)> {
    let Some(first) = dirs.first() else {
        bail!("merge needs at least one results directory")
    };
    let config = read_config(first)?.identity();
    let mut games: BTreeMap<u64, (GameRecord, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let other = read_config(dir)?;
        if other.identity() != config {
            bail!(
                "{} holds another tournament than {}:\n{}\nvs\n{}",
                dir.display(),
                first.display(),
                pretty(&other.identity()),
                pretty(&config)
            );
        }
        for g in read_games(&dir.join(GAMES_FILE), false)? {
            let id = g.game_id;
            if let Some((_, previous)) = games.insert(id, (g, dir.clone())) {
                bail!(
                    "game {id} appears twice: in {} and in {}",
                    previous.display(),
                    dir.display()
                );
            }
        }
    }
    let scenarios = load_scenarios(&config)?;
    let nations: Vec<usize> = scenarios.iter().map(|s| s.nations.len()).collect();
    let planned = plan_worlds(
        &nations,
        &config.strategies,
        &config.format,
        config.seeds,
        config.seed,
        config.worlds,
    );
    let missing: Vec<u64> = planned
        .iter()
        .map(|g| g.game_id)
        .filter(|id| !games.contains_key(id))
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|id| id.to_string()).collect();
        bail!(
            "{} of {} planned games are missing (first: {}); run the missing shards or --resume them",
            missing.len(),
            planned.len(),
            shown.join(", ")
        );
    }
    if let Some(extra) = games.keys().find(|id| **id >= planned.len() as u64) {
        bail!("game {extra} is not in the plan of {} games", planned.len());
    }
    Ok((
        config,
        games.into_iter().map(|(id, (g, _))| (id, g)).collect(),
    ))
}

/// Write merged results into `out`.
pub fn write_merged(
    out: &Path,
    config: &TournamentConfig,
    games: &BTreeMap<u64, GameRecord>,
) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    std::fs::write(out.join(CONFIG_FILE), pretty(config))
        .with_context(|| format!("cannot write {}", out.display()))?;
    write_all(&out.join(GAMES_FILE), games)?;
    // The shards' worlds are the run's (a pure function of its seed and size): drawn again.
    if let Some(worlds) = super::sampled_worlds(config)? {
        worlds.write(out)?;
    }
    Ok(())
}

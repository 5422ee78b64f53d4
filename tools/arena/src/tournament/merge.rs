//! `gigawatt merge DIR... --out DIR`: shards of one tournament into one, checking that every game of
//! the plan is there exactly once. The merged results equal an unsharded run's.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Context, Result, bail};
use gigawatt_engine::Scenario;

use super::plan::Plan;
use super::run::pretty;
use super::store::{GAMES_FILE, IdSet, for_each_game_by_id, read_game_ids};
use super::{CONFIG_FILE, TournamentConfig};

pub fn read_config(dir: &Path) -> Result<TournamentConfig> {
    let path = dir.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    ron::from_str(&text)
        .with_context(|| format!("{}: not a tournament configuration", path.display()))
}

/// The merged configuration of `dirs` and the number of games they hold, having checked that
/// they are shards of one tournament holding every game of its plan exactly once. Only the games'
/// ids are read (one bit per game and shard), never the records.
pub fn merge(
    dirs: &[PathBuf],
    load_scenarios: impl Fn(&TournamentConfig) -> Result<Vec<Arc<Scenario>>>,
) -> Result<(TournamentConfig, usize)> {
    let Some(first) = dirs.first() else {
        bail!("merge needs at least one results directory")
    };
    let config = read_config(first)?.identity();
    let mut held: Vec<IdSet> = Vec::new();
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
        let ids = read_game_ids(&dir.join(GAMES_FILE), false)?;
        for id in ids.iter() {
            if let Some(previous) = held.iter().position(|h| h.contains(id)) {
                bail!(
                    "game {id} appears twice: in {} and in {}",
                    dirs[previous].display(),
                    dir.display()
                );
            }
        }
        held.push(ids);
    }
    let scenarios = load_scenarios(&config)?;
    let nations: Vec<usize> = scenarios.iter().map(|s| s.nations.len()).collect();
    let planned = Plan::new(
        &nations,
        &config.strategies,
        &config.format,
        config.seeds,
        config.seed,
        config.worlds,
    )
    .len();
    let have = |id: u64| held.iter().any(|h| h.contains(id));
    let mut missing = (0..planned).filter(|&id| !have(id));
    let shown: Vec<String> = missing.by_ref().take(10).map(|id| id.to_string()).collect();
    if !shown.is_empty() {
        let count = shown.len() + missing.count();
        bail!(
            "{count} of {planned} planned games are missing (first: {}); run the missing shards or --resume them",
            shown.join(", ")
        );
    }
    if let Some(extra) = held
        .iter()
        .filter_map(|h| h.iter().find(|&id| id >= planned))
        .min()
    {
        bail!("game {extra} is not in the plan of {planned} games");
    }
    let games = held.iter().map(IdSet::len).sum();
    Ok((config, games))
}

/// Write the merged results of `dirs` (checked by [`merge`]) into `out`: their games sorted by id,
/// read and written one at a time.
pub fn write_merged(out: &Path, config: &TournamentConfig, dirs: &[PathBuf]) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    std::fs::write(out.join(CONFIG_FILE), pretty(config))
        .with_context(|| format!("cannot write {}", out.display()))?;
    let sources: Vec<PathBuf> = dirs.iter().map(|d| d.join(GAMES_FILE)).collect();
    let sources: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
    let path = out.join(GAMES_FILE);
    let file = File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut writer = BufWriter::new(file);
    for_each_game_by_id(&sources, |game| {
        serde_json::to_writer(&mut writer, &game)?;
        writer.write_all(b"\n")?;
        Ok(())
    })?;
    writer
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    // The shards' worlds are the run's (a pure function of its seed and size): drawn again.
    if let Some(worlds) = super::sampled_worlds(config)? {
        worlds.write(out)?;
    }
    Ok(())
}

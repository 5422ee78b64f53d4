//! `gigawatt merge DIR... --out DIR`: shards of one tournament into one, checking that every game of
//! the plan is there exactly once. The merged results equal an unsharded run's.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::data::{AtomicFile, write_atomic};
use crate::error::{Context, Result, bail};
use gigawatt_engine::Scenario;

use super::check::RecordCheck;
use super::identity;
use super::run::pretty;
use super::store::{GAMES_FILE, IdSet, for_each_game_by_id, read_game_ids};
use super::{CONFIG_FILE, TournamentConfig};

/// A results folder's `config.ron`, with its content identity.
pub fn read_config(dir: &Path) -> Result<TournamentConfig> {
    TournamentConfig::read_stored(dir)
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
    // Every shard's games must come from the same content as the files say now: the plan and the
    // sampled worlds are derived from them again here.
    identity::check_current(&config, first, "merge")?;
    let mut held: Vec<IdSet> = Vec::new();
    for dir in dirs {
        let other = read_config(dir)?;
        if other.content.is_none() {
            bail!("{}", identity::legacy_message(dir, "merge"));
        }
        if other.identity() != config {
            bail!(
                "{} holds another tournament than {} ({CONFIG_FILE} of each): {}",
                dir.display(),
                first.display(),
                config.differences(&other.identity()).join("; ")
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
    let planned = config.plan(&scenarios).len();
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

/// Written into a merge's `--out` first and removed last: a folder holding it is a merge cut short,
/// which a merge may write over (and nothing else may be taken for complete results).
pub const MERGING_FILE: &str = ".gigawatt.merging";

/// Mark `out` as being merged into (see [`MERGING_FILE`]).
pub fn mark_merging(out: &Path) -> Result<()> {
    write_atomic(
        &out.join(MERGING_FILE),
        "a gigawatt merge is writing this folder; if none is, it was cut short: merge again\n",
    )
}

/// The merge into `out` is complete: remove its mark.
pub fn unmark_merging(out: &Path) -> Result<()> {
    let path = out.join(MERGING_FILE);
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))
}

/// Refuse to merge into `out` unless it is a new or empty folder (a lock file aside), or one that an
/// interrupted merge left, and none of the inputs: merging must never overwrite another run, nor
/// the shards it reads.
pub fn check_out(out: &Path, dirs: &[PathBuf]) -> Result<()> {
    if out.exists() {
        let canonical_out =
            std::fs::canonicalize(out).with_context(|| format!("cannot read {}", out.display()))?;
        for dir in dirs {
            if std::fs::canonicalize(dir).is_ok_and(|d| d == canonical_out) {
                bail!(
                    "merge --out {} is one of its inputs; merge into a new folder",
                    out.display()
                );
            }
        }
        if !out.is_dir() {
            bail!("merge --out {} exists and is not a folder", out.display());
        }
        let entries: Vec<std::ffi::OsString> = std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name())
            .filter(|name| !crate::lock::is_lock_file(name))
            .collect();
        // A merge cut short (killed, its node lost) left its marker: its files are its own, and
        // a merge again overwrites them (a Kubernetes Job's retry, a resubmitted batch job).
        if entries.iter().any(|name| name == MERGING_FILE) {
            return Ok(());
        }
        if let Some(entry) = entries.first() {
            bail!(
                "merge writes only to a new or empty folder, and {} holds {}; choose another --out \
                 (or delete that folder first)",
                out.display(),
                entry.to_string_lossy()
            );
        }
    }
    Ok(())
}

/// Write the merged results of `dirs` (checked by [`merge`]) into `out`: their games sorted by id,
/// read and written one at a time. `games.jsonl` is put in place whole, then `config.ron`: a merge
/// cut short leaves no folder that looks complete.
pub fn write_merged(out: &Path, config: &TournamentConfig, dirs: &[PathBuf]) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let sources: Vec<PathBuf> = dirs.iter().map(|d| d.join(GAMES_FILE)).collect();
    let sources: Vec<&Path> = sources.iter().map(PathBuf::as_path).collect();
    let path = out.join(GAMES_FILE);
    let mut writer = AtomicFile::create(&path)?;
    // Each game must be the one its id names in the plan (a shard edited by hand, or another
    // tournament's games under its config.ron, would pass the id checks).
    let scenarios = super::load_scenarios(config)?;
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let plan = config.plan(&scenarios);
    let mut check = RecordCheck::new(&plan, None, &names, &path);
    for_each_game_by_id(&sources, |game| {
        check.check(&game)?;
        serde_json::to_writer(&mut writer, &game)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writer
            .write_all(b"\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    })?;
    writer.commit()?;
    // The shards' worlds are the run's (a pure function of its seed and size): drawn again.
    if let Some(worlds) = super::sampled_worlds(config)? {
        worlds.write(out)?;
    }
    write_atomic(&out.join(CONFIG_FILE), &pretty(config))?;
    Ok(())
}

//! Running a tournament: the plan's missing games on a rayon pool, each worker reusing one match per
//! scenario, results streamed to `games.jsonl` by a single writer as they finish.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use gigawatt_engine::{Match, Scenario, Strategy};
use rayon::prelude::*;

use super::plan::{PlannedGame, in_shard, plan};
use super::record::GameRecord;
use super::store::{GAMES_FILE, GameWriter, read_game_ids};
use super::{CONFIG_FILE, TournamentConfig};

/// What a run did.
#[derive(Debug)]
pub struct RunSummary {
    pub planned: usize,
    pub already_done: usize,
    pub played: usize,
    pub seconds: f64,
    pub out: PathBuf,
}

/// A game that could not even start (a strategy spec that no longer builds): reported, not fatal.
#[derive(Debug)]
pub struct GameError {
    pub game_id: u64,
    pub message: String,
}

/// Build the seats of a game.
fn seats(specs: &[Arc<str>]) -> Result<Vec<Box<dyn Strategy>>, String> {
    specs
        .iter()
        .map(|s| gigawatt_agents::build(s).map_err(|e| e.to_string()))
        .collect()
}

/// Play one planned game on `cache`'s match for its scenario (built on first use, reset after).
pub fn play_game(
    game: &PlannedGame,
    scenarios: &[Arc<Scenario>],
    months: Option<u32>,
    cache: &mut BTreeMap<usize, Match>,
) -> Result<GameRecord, GameError> {
    let error = |message: String| GameError {
        game_id: game.game_id,
        message,
    };
    let strategies = seats(&game.seats).map_err(error)?;
    let m = match cache.get_mut(&game.scenario) {
        Some(m) => {
            m.reset(strategies, game.seed)
                .map_err(|e| error(e.to_string()))?;
            m
        }
        None => {
            let sc = scenarios[game.scenario].clone();
            let horizon = months.unwrap_or(sc.horizon_months);
            let m = Match::with_months(sc, strategies, game.seed, horizon)
                .map_err(|e| error(e.to_string()))?
                .with_fallback(gigawatt_agents::fallback());
            cache.entry(game.scenario).or_insert(m)
        }
    };
    let outcome = m.run();
    Ok(GameRecord::from_outcome(game.game_id, game.unit, &outcome))
}

/// Options of one run that do not change its results.
pub struct RunOptions {
    pub threads: Option<usize>,
    pub resume: bool,
    pub progress: bool,
}

/// Run (or resume) the tournament into `out`. Results are identical whatever the thread count.
pub fn run(
    config: &TournamentConfig,
    scenarios: &[Arc<Scenario>],
    out: &Path,
    options: &RunOptions,
) -> Result<RunSummary> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let config_path = out.join(CONFIG_FILE);
    let games_path = out.join(GAMES_FILE);
    if config_path.exists() {
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {}", config_path.display()))?;
        let existing: TournamentConfig = ron::from_str(&text).with_context(|| {
            format!("{}: not a tournament configuration", config_path.display())
        })?;
        if !options.resume {
            bail!(
                "{} already holds a tournament; pass --resume to finish it, or choose another --out",
                out.display()
            );
        }
        if existing != *config {
            bail!(
                "--resume: {} was made with another configuration:\n{}\nthis run:\n{}",
                config_path.display(),
                pretty(&existing),
                pretty(config)
            );
        }
    } else if games_path.exists() && !options.resume {
        bail!(
            "{} already holds {GAMES_FILE}; pass --resume or choose another --out",
            out.display()
        );
    }
    std::fs::write(&config_path, pretty(config))
        .with_context(|| format!("cannot write {}", config_path.display()))?;

    let nations: Vec<usize> = scenarios.iter().map(|s| s.nations.len()).collect();
    let all = plan(
        &nations,
        &config.strategies,
        &config.format,
        config.seeds,
        config.seed,
    );
    let mine: Vec<PlannedGame> = all
        .into_iter()
        .filter(|g| config.shard.is_none_or(|s| in_shard(g, s)))
        .collect();
    let done = read_game_ids(&games_path, true)?;
    let planned_ids: HashSet<u64> = mine.iter().map(|g| g.game_id).collect();
    if let Some(stray) = done.iter().find(|id| !planned_ids.contains(id)) {
        bail!(
            "{} holds game {stray}, which is not in this run's plan",
            games_path.display()
        );
    }
    let todo: Vec<PlannedGame> = mine
        .iter()
        .filter(|g| !done.contains(&g.game_id))
        .cloned()
        .collect();

    let started = Instant::now();
    let pool = {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = options.threads {
            builder = builder.num_threads(n);
        }
        builder
            .build()
            .map_err(|e| anyhow!("cannot start {} threads: {e}", options.threads.unwrap_or(0)))?
    };
    let bar = progress_bar(todo.len() as u64, options.progress);
    let mut writer = GameWriter::append(&games_path)?;
    let (sender, receiver) = mpsc::channel::<Result<GameRecord, GameError>>();
    let mut played = 0usize;
    let mut errors: Vec<GameError> = Vec::new();
    std::thread::scope(|scope| -> Result<()> {
        let todo = &todo;
        scope.spawn(move || {
            pool.install(|| {
                todo.par_iter().for_each_init(
                    || (sender.clone(), BTreeMap::new()),
                    |(sender, cache), game| {
                        let _ = sender.send(play_game(game, scenarios, config.months, cache));
                    },
                )
            });
            drop(sender);
        });
        for result in receiver {
            match result {
                Ok(record) => {
                    writer.write(&record)?;
                    played += 1;
                }
                Err(e) => errors.push(e),
            }
            bar.inc(1);
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    if let Some(first) = errors.first() {
        bail!(
            "{} games could not be played; first, game {}: {}",
            errors.len(),
            first.game_id,
            first.message
        );
    }
    Ok(RunSummary {
        planned: mine.len(),
        already_done: done.len(),
        played,
        seconds: started.elapsed().as_secs_f64(),
        out: out.to_path_buf(),
    })
}

pub fn pretty(config: &TournamentConfig) -> String {
    ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default())
        .unwrap_or_else(|e| format!("{config:?} ({e})"))
}

fn progress_bar(len: u64, visible: bool) -> indicatif::ProgressBar {
    if !visible {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} games  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

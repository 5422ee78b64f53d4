//! Running a tournament: the plan's missing games on a rayon pool, each worker reusing one match per
//! scenario, results streamed to `games.jsonl` by a single writer as they finish.
//!
//! A folder holding this very configuration is resumed (only its missing games are played), so a
//! requeued or resubmitted shard just carries on; a stop request (SIGTERM) lets the games in
//! flight finish and be written, and plays no more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::data::write_atomic;
use crate::error::{Context, Result, bail, invalid};
use gigawatt_engine::{Match, Scenario, Strategy};
use rayon::prelude::*;

use super::plan::{Plan, PlannedGame, in_shard};
use super::record::GameRecord;
use super::stopping::{self, StopDecision, StopTally};
use super::store::{GAMES_FILE, GameWriter, for_each_game, for_each_game_by_id, read_game_ids};
use super::worlds::Worlds;
use super::{CONFIG_FILE, TournamentConfig};
use crate::signals::Stop;

/// What a run did.
#[derive(Debug)]
pub struct RunSummary {
    pub planned: usize,
    pub already_done: usize,
    pub played: usize,
    pub seconds: f64,
    pub out: PathBuf,
    /// The signal that stopped the run before its last game, if one did.
    pub stopped: Option<i32>,
    /// Why the configuration's stopping rule ended the run before its plan (now or in an earlier
    /// run of the folder), if it did.
    pub decision: Option<StopDecision>,
}

impl RunSummary {
    /// Games in the folder now.
    pub fn done(&self) -> usize {
        self.already_done + self.played
    }
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

/// Per worker thread: one match per scenario (reset for every game on it), and the world it was
/// built for.
#[derive(Default)]
pub struct MatchCache {
    matches: BTreeMap<usize, (Option<u32>, Match)>,
}

/// Play one planned game on the scenarios' central values (see [`play_game_in`]).
pub fn play_game(
    game: &PlannedGame,
    scenarios: &[Arc<Scenario>],
    months: Option<u32>,
    cache: &mut MatchCache,
) -> Result<GameRecord, GameError> {
    play_game_in(game, scenarios, None, months, cache)
}

/// Play one planned game on `cache`'s match for its scenario and world (built on first use or when
/// the world changes, reset after). A game with a world needs `worlds`.
pub fn play_game_in(
    game: &PlannedGame,
    scenarios: &[Arc<Scenario>],
    worlds: Option<&Worlds>,
    months: Option<u32>,
    cache: &mut MatchCache,
) -> Result<GameRecord, GameError> {
    let error = |message: String| GameError {
        game_id: game.game_id,
        message,
    };
    let strategies = seats(&game.seats).map_err(error)?;
    let m = match cache.matches.get_mut(&game.scenario) {
        Some((world, m)) if *world == game.world => {
            m.reset(strategies, game.seed)
                .map_err(|e| error(e.to_string()))?;
            m
        }
        _ => {
            let sc = match (game.world, worlds) {
                (None, _) => scenarios[game.scenario].clone(),
                (Some(w), Some(worlds)) => Arc::new(
                    worlds
                        .scenario(game.scenario, w)
                        .map_err(|e| error(e.to_string()))?,
                ),
                (Some(w), None) => {
                    return Err(error(format!(
                        "game in world {w} but the run has no worlds"
                    )));
                }
            };
            let horizon = months.unwrap_or(sc.horizon_months);
            let m = Match::with_months(sc, strategies, game.seed, horizon)
                .map_err(|e| error(e.to_string()))?
                .with_fallback(gigawatt_agents::fallback());
            cache.matches.insert(game.scenario, (game.world, m));
            &mut cache
                .matches
                .get_mut(&game.scenario)
                .expect("just inserted")
                .1
        }
    };
    let outcome = m.run();
    Ok(GameRecord::from_outcome(
        game.game_id,
        game.unit,
        game.world,
        m.scenario().start_year,
        &outcome,
    ))
}

/// Options of one run that do not change its results.
pub struct RunOptions {
    pub threads: Option<usize>,
    /// Also take over a `games.jsonl` that has no `config.ron` beside it. (A folder whose
    /// `config.ron` equals this run's configuration is resumed without asking.)
    pub resume: bool,
    /// Offer the mean score of each strategy so far to every [`Progress::tick`].
    pub interim_standings: bool,
    /// Polled between games: once requested, no new game starts.
    pub stop: Stop,
}

/// Progress of a tournament run, reported on the one thread that writes the games as they finish.
/// Every method has a default that does nothing.
pub trait Progress {
    /// The run resumes `out`, which already holds `done` of the `planned` games (said before
    /// [`Progress::start`]).
    fn resuming(&mut self, _out: &Path, _done: u64, _planned: u64) {}
    /// The run starts: `total` games in its plan (its shard's), `done_before` of them already
    /// played.
    fn start(&mut self, _total: u64, _done_before: u64) {}
    /// `games` more done (played, or failed to start).
    fn games_done(&mut self, _games: u64) {}
    /// How long the run may wait for the next game before calling [`Progress::tick`] anyway
    /// (`None`: as long as the game takes).
    fn until_due(&self) -> Option<Duration> {
        None
    }
    /// Called after every game and whenever [`Progress::until_due`] has passed. `interim` gives the
    /// mean score of every strategy so far, as one line (`None` before any game, or unless
    /// [`RunOptions::interim_standings`]); it costs a sort, so call it only when showing it.
    fn tick(&mut self, _interim: &mut dyn FnMut() -> Option<String>) {}
    /// The run is over (complete, stopped or failed on a game).
    fn finish(&mut self) {}
}

/// No progress shown.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Running mean score of each strategy, for the interim standings.
#[derive(Default)]
struct Tally {
    scores: BTreeMap<Arc<str>, (f64, u64)>,
    games: u64,
}

impl Tally {
    fn add(&mut self, game: &GameRecord) {
        self.games += 1;
        for seat in &game.seats {
            let entry = self.scores.entry(seat.strategy.clone()).or_default();
            entry.0 += seat.score;
            entry.1 += 1;
        }
    }

    /// `standings so far (1234 games): builder 0.612, scaler 0.588, ...`, best first.
    fn render(&self) -> Option<String> {
        if self.games == 0 {
            return None;
        }
        let mut means: Vec<(&str, f64)> = self
            .scores
            .iter()
            .map(|(name, (sum, n))| (name.as_ref(), sum / *n as f64))
            .collect();
        means.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = means
            .iter()
            .map(|(name, mean)| format!("{name} {mean:.3}"))
            .collect();
        Some(format!(
            "mean score so far ({} games): {}",
            self.games,
            list.join(", ")
        ))
    }
}

/// Run (or resume) the tournament into `out`. Results are identical whatever the thread count.
pub fn run(
    config: &TournamentConfig,
    scenarios: &[Arc<Scenario>],
    out: &Path,
    options: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    run_in(config, scenarios, None, out, options, progress)
}

/// [`run`] with the run's sampled worlds (needed when `config.worlds` is set).
pub fn run_in(
    config: &TournamentConfig,
    scenarios: &[Arc<Scenario>],
    worlds: Option<&Worlds>,
    out: &Path,
    options: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunSummary> {
    let nations: Vec<usize> = scenarios.iter().map(|s| s.nations.len()).collect();
    stopping::check(config, &nations)?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let config_path = out.join(CONFIG_FILE);
    let games_path = out.join(GAMES_FILE);
    if config_path.exists() {
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {}", config_path.display()))?;
        let existing: TournamentConfig = ron::from_str(&text).with_context(|| {
            format!(
                "{}: not a tournament configuration; choose another --out",
                config_path.display()
            )
        })?;
        // The whole configuration, shard included, must match: anything else would mix two
        // tournaments' games in one file.
        let differences = existing.differences(config);
        if !differences.is_empty() {
            bail!(
                "{} holds a tournament with another configuration ({} there vs this run): {}; \
                 choose another --out, or delete the folder to start again",
                out.display(),
                CONFIG_FILE,
                differences.join("; ")
            );
        }
    } else if games_path.exists() && !options.resume {
        bail!(
            "{} holds {GAMES_FILE} but no {CONFIG_FILE}, so its games cannot be checked against this \
             configuration; pass --resume to add to them anyway, or choose another --out",
            out.display()
        );
    } else {
        write_atomic(&config_path, &pretty(config))?;
    }

    // The plan is generated game by game as the run goes, never held whole.
    let plan = Plan::new(
        &nations,
        &config.strategies,
        &config.format,
        config.seeds,
        config.seed,
        config.worlds,
    );
    if config.worlds.is_some() && worlds.is_none() {
        bail!("a run with --worlds needs its sampled worlds");
    }
    if let Some(worlds) = worlds {
        worlds.write(out)?;
    }
    let mine = |g: &PlannedGame| config.shard.is_none_or(|s| in_shard(g, s));
    // Which games are done: one bit per game id, not the records.
    let done = read_game_ids(&games_path, true)?;
    // Games of this run, and a check that every game done is one of them (a walk through the plan:
    // not needed for a fresh unsharded run, which plays the whole plan).
    let mut planned = plan.len() as usize;
    let mut done_mine = 0usize;
    let mut stray = None;
    if config.shard.is_some() || !done.is_empty() {
        planned = 0;
        for g in plan.games() {
            if mine(&g) {
                planned += 1;
                done_mine += usize::from(done.contains(g.game_id));
            } else if stray.is_none() && done.contains(g.game_id) {
                stray = Some(g.game_id);
            }
        }
    }
    if done_mine != done.len() {
        let stray = stray
            .into_iter()
            .chain(done.iter().filter(|&id| id >= plan.len()))
            .min()
            .unwrap_or_default();
        bail!(
            "{} holds game {stray}, which is not in this run's plan",
            games_path.display()
        );
    }
    let todo = || {
        plan.games()
            .filter(|g| mine(g) && !done.contains(g.game_id))
    };
    // The stopping rule sees the games in id order: those already in the folder first (a run with
    // a rule writes only a prefix of the plan), then each as it is written; it is checked at batch
    // boundaries only, so where it stops depends on neither threads nor interruptions.
    let mut rule = StopTally::new(config, planned as u64);
    let mut decision: Option<StopDecision> = None;
    if let Some(tally) = &mut rule
        && !done.is_empty()
    {
        for_each_game_by_id(&[games_path.as_path()], |game| {
            if decision.is_none() {
                decision = tally.add(&game);
            }
            Ok(())
        })?;
    }
    let decided = std::sync::atomic::AtomicBool::new(decision.is_some());

    let started = Instant::now();
    let pool = {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = options.threads {
            builder = builder.num_threads(n);
        }
        builder
            .build()
            .map_err(|e| invalid!("cannot start {} threads: {e}", options.threads.unwrap_or(0)))?
    };
    let mut tally = Tally::default();
    if options.interim_standings {
        for_each_game(&games_path, |game| {
            tally.add(&game);
            Ok(())
        })?;
    }
    if !done.is_empty() {
        progress.resuming(out, done.len() as u64, planned as u64);
    }
    progress.start(planned as u64, done.len() as u64);
    let mut writer = GameWriter::append(&games_path)?;
    // Bounded: workers wait rather than pile up records if the writer falls behind.
    let (sender, receiver) = mpsc::sync_channel::<Result<GameRecord, GameError>>(IN_FLIGHT_RECORDS);
    // Games are written in plan order: those that finish before an earlier one wait here (a few,
    // as the workers take the games in plan order), so a run's file is sorted by game id and its
    // analyses can read it in one pass.
    let mut expected = todo().map(|g| g.game_id).peekable();
    let mut pending: BTreeMap<u64, Result<GameRecord, GameError>> = BTreeMap::new();
    let mut played = 0usize;
    let mut errors: Vec<GameError> = Vec::new();
    let stop = &options.stop;
    let interim = options.interim_standings;
    let decided = &decided;
    let emit = |message: Result<GameRecord, GameError>,
                writer: &mut GameWriter,
                tally: &mut Tally,
                errors: &mut Vec<GameError>,
                played: &mut usize,
                rule: &mut Option<StopTally>,
                decision: &mut Option<StopDecision>|
     -> Result<()> {
        // Past the rule's boundary nothing more is written: the games in flight are dropped.
        if decision.is_some() {
            return Ok(());
        }
        match message {
            Ok(record) => {
                writer.write(&record)?;
                if interim {
                    tally.add(&record);
                }
                *played += 1;
                if let Some(rule) = rule
                    && let Some(d) = rule.add(&record)
                {
                    *decision = Some(d);
                    decided.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Err(e) => errors.push(e),
        }
        Ok(())
    };
    let halted =
        || decided.load(std::sync::atomic::Ordering::Relaxed) || stop.requested().is_some();
    std::thread::scope(|scope| -> Result<()> {
        // Once asked to stop, the plan is not walked further.
        let todo = todo().take_while(|_| !halted());
        scope.spawn(move || {
            pool.install(|| {
                todo.par_bridge().for_each_init(
                    || (sender.clone(), MatchCache::default()),
                    |(sender, cache), game| {
                        // Once asked to stop, the games already started finish and are written;
                        // no new one starts (the rest are skipped in microseconds).
                        if halted() {
                            return;
                        }
                        let _ = sender.send(play_game_in(
                            &game,
                            scenarios,
                            worlds,
                            config.months,
                            cache,
                        ));
                    },
                )
            });
            drop(sender);
        });
        loop {
            // Wait for a game, but no longer than the next progress line is due: a batch log
            // gets its lines on time even while games are slow.
            let message = match progress.until_due() {
                Some(wait) => match receiver.recv_timeout(wait) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match receiver.recv() {
                    Ok(m) => Some(m),
                    Err(_) => break,
                },
            };
            if let Some(message) = message {
                let id = match &message {
                    Ok(record) => record.game_id,
                    Err(e) => e.game_id,
                };
                pending.insert(id, message);
                progress.games_done(1);
            }
            while let Some(next) = expected.peek()
                && let Some(message) = pending.remove(next)
            {
                expected.next();
                emit(
                    message,
                    &mut writer,
                    &mut tally,
                    &mut errors,
                    &mut played,
                    &mut rule,
                    &mut decision,
                )?;
            }
            progress.tick(&mut || {
                if options.interim_standings {
                    tally.render()
                } else {
                    None
                }
            });
        }
        // A stopped run: what finished after a game that never started is written too, in order;
        // but not with a stopping rule, whose folder must hold a prefix of the plan (the rule
        // reads the games in order on resume), so those are played again then.
        if config.stop.is_none() {
            for message in std::mem::take(&mut pending).into_values() {
                emit(
                    message,
                    &mut writer,
                    &mut tally,
                    &mut errors,
                    &mut played,
                    &mut rule,
                    &mut decision,
                )?;
            }
        }
        Ok(())
    })?;
    progress.finish();
    if let Some(first) = errors.first() {
        bail!(
            "{} games could not be played; first, game {}: {}",
            errors.len(),
            first.game_id,
            first.message
        );
    }
    let complete = done.len() + played == planned;
    Ok(RunSummary {
        planned,
        already_done: done.len(),
        played,
        seconds: started.elapsed().as_secs_f64(),
        out: out.to_path_buf(),
        stopped: if complete || decision.is_some() {
            None
        } else {
            stop.requested()
        },
        decision,
    })
}

/// Records the writer may hold before the workers wait for it.
const IN_FLIGHT_RECORDS: usize = 1024;

pub fn pretty(config: &TournamentConfig) -> String {
    ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default())
        .unwrap_or_else(|e| format!("{config:?} ({e})"))
}

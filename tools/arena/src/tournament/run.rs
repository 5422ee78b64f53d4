//! Running a tournament: the plan's missing games on a rayon pool, each worker reusing one match per
//! scenario, results streamed to `games.jsonl` in plan order as they finish, each written by a
//! thread that played one (see `Collector`).
//!
//! A folder holding this very configuration is resumed (only its missing games are played), so a
//! requeued or resubmitted shard just carries on; a stop request (SIGTERM) lets the games in
//! flight finish and be written, and plays no more.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use crate::data::write_atomic;
use crate::error::{Context, Result, bail, invalid};
use gigawatt_engine::{Match, Scenario, Strategy};
use rayon::prelude::*;

use super::check::RecordCheck;
use super::plan::{PlannedGame, in_shard};
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

/// Progress of a tournament run, reported on the thread that runs it (the one that calls [`run`]).
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
    /// Called after every local game, and while the workers play at least every 100 ms and whenever
    /// [`Progress::until_due`] has passed. `interim` gives the
    /// mean score of every strategy so far, as one line (`None` before any game, or unless
    /// [`RunOptions::interim_standings`]); it costs a sort, so call it only when showing it.
    fn tick(&mut self, _interim: &mut dyn FnMut() -> Option<String>) {}
    /// A stop was requested by `signal`: the games in flight finish and are written, no new one
    /// starts (said once, so a display can say it is stopping rather than look frozen).
    fn stopping(&mut self, _signal: i32) {}
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
    // The run's identity is its content: the scenarios' text as the files say now, and the model.
    let config = &match config.content {
        Some(_) => config.clone(),
        None => config.with_content()?,
    };
    let adopting = !config_path.exists() && games_path.exists();
    if config_path.exists() {
        let existing = TournamentConfig::read_stored(out)
            .map_err(|e| invalid!("{e}; choose another --out"))?;
        if existing.content.is_none() {
            bail!("{}", super::identity::legacy_message(out, "resume"));
        }
        // The whole configuration, shard and content included, must match: anything else would
        // mix two tournaments' games in one file.
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
    }

    // The plan is generated game by game as the run goes, never held whole.
    let plan = config.plan(scenarios);
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
    if adopting && !done.is_empty() {
        // Games with no config.ron beside them (--resume): each must be the game its id names in
        // this plan, or they are another tournament's (another seed, other strategies).
        let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
        let mut check = RecordCheck::new(&plan, config.shard, &names, &games_path);
        for_each_game_by_id(&[games_path.as_path()], |game| check.check(&game))?;
    }
    // Written once the games there are known to be this run's, before any is added.
    if !config_path.exists() {
        write_atomic(&config_path, &pretty(config))?;
    }
    let todo = || {
        plan.games()
            .filter(|g| mine(g) && !done.contains(g.game_id))
    };
    check_free_space(out, (planned - done_mine) as u64)?;
    // Games with a local seat (a Python object) are played on this thread; the others in parallel.
    let local = LocalGames::of(&config.strategies);
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
    let writer = GameWriter::append(&games_path)?;
    let stop = &options.stop;
    // Set when the writer fails (a full disk): no new game starts, as on a stop request.
    let abort = AtomicBool::new(false);
    let abort = &abort;
    let decided = &decided;
    let halted = move || {
        stop.requested().is_some()
            || abort.load(Ordering::Relaxed)
            || decided.load(Ordering::Relaxed)
    };
    let mut stopping_said = false;
    // Games are written in plan order: those that finish before an earlier one wait in the
    // collector (a few, as the workers take the games in plan order), so a run's file is sorted by
    // game id and its analyses can read it in one pass.
    let collector = Collector::new(Ordered {
        expected: todo().map(|g| g.game_id).peekable(),
        pending: BTreeMap::new(),
        taken: Vec::new(),
        failure: None,
        sink: Sink {
            writer,
            tally,
            interim: options.interim_standings,
            played: 0,
            errors: Vec::new(),
            rule,
            decision,
            decided,
        },
    });
    let frontier = Frontier::new(local.is_empty());
    let mut local_todo = todo()
        .filter(|g| local.plays_in(g))
        .take_while(|_| !halted())
        .peekable();
    let mut local_cache = MatchCache::default();
    let result = std::thread::scope(|scope| -> Result<()> {
        // However this thread leaves the scope, no worker is left waiting for its local games.
        let _release = ReleaseOnDrop(&frontier);
        // Once asked to stop, the plan is not walked further.
        let todo = todo()
            .filter(|g| !local.plays_in(g))
            .take_while(|_| !halted());
        let frontier = &frontier;
        let collector = &collector;
        scope.spawn(move || {
            pool.install(|| {
                todo.par_bridge()
                    .for_each_init(MatchCache::default, |cache, game| {
                        // Not too far ahead of the local games, whose records the writer needs
                        // first (memory stays bounded).
                        frontier.wait_for(game.game_id, stop);
                        // Once asked to stop, the games already started finish and are written;
                        // no new one starts (the rest are skipped in microseconds).
                        if halted() {
                            return;
                        }
                        let result = play_game_in(&game, scenarios, worlds, config.months, cache);
                        if collector.add(result) {
                            abort.store(true, Ordering::Relaxed);
                        }
                    })
            });
            collector.workers_done();
        });
        let mut reported = 0u64;
        loop {
            let mut finished = false;
            if let Some(game) = local_todo.next() {
                let result =
                    play_game_in(&game, scenarios, worlds, config.months, &mut local_cache);
                // A stop requested during a local game may have come from inside it (Python's
                // KeyboardInterrupt reaches the strategy first): the game is not kept, and is
                // played again on resume.
                if stop.requested().is_none() && collector.add(result) {
                    abort.store(true, Ordering::Relaxed);
                }
                match local_todo.peek() {
                    Some(next) => frontier.advance(next.game_id),
                    None => frontier.release(),
                }
            } else {
                frontier.release();
                // Sleep until the workers are done or the writer failed, but no longer than the
                // next progress line is due (a batch log gets its lines on time even while games
                // are slow), nor than a poll: the bar moves and a stop request is said promptly.
                let wait = progress
                    .until_due()
                    .map_or(PROGRESS_POLL, |due| due.min(PROGRESS_POLL));
                finished = collector.wait(wait);
            }
            let arrived = collector.arrived.load(Ordering::Relaxed);
            progress.games_done(arrived - reported);
            reported = arrived;
            if let Some(e) = collector.take_failure() {
                return Err(e);
            }
            if let Some(signal) = stop.requested()
                && !stopping_said
            {
                stopping_said = true;
                progress.stopping(signal);
            }
            progress.tick(&mut || {
                if options.interim_standings {
                    lock(&collector.state).sink.tally.render()
                } else {
                    None
                }
            });
            if finished {
                break;
            }
        }
        let state = &mut *lock(&collector.state);
        // A game whose thread found the writer busy as the last ones finished.
        collector.write_ready(state);
        if let Some(e) = state.failure.take() {
            return Err(e);
        }
        // A stopped run: what finished after a game that never started is written too, in order;
        // but not with a stopping rule, whose folder must hold a prefix of the plan (the rule
        // reads the games in order on resume), so those are played again then.
        if config.stop.is_none() {
            for message in std::mem::take(&mut state.pending).into_values() {
                state.sink.emit(message)?;
            }
        }
        Ok(())
    });
    // The bar is cleared whatever happened, so an error or a stop is not printed over it.
    progress.finish();
    result?;
    let Sink {
        played,
        errors,
        decision,
        ..
    } = collector.into_inner().sink;
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

/// What a game costs on disk, bytes, at most: its line of `games.jsonl` (~1.5 KB for a two-nation
/// game of ten years) and its rows in the tidy tables written after the run (~1.5 KB more), with
/// room to spare. Measured on the default tournament; used only to refuse a run that cannot fit.
pub const DISK_BYTES_PER_GAME: u64 = 4096;

/// Refuse to start `games` games in `out` when its filesystem has clearly not the room for them
/// (where the platform says how much it has): better said now than after hours of play.
fn check_free_space(out: &Path, games: u64) -> Result<()> {
    let needed = games.saturating_mul(DISK_BYTES_PER_GAME);
    if let Some(free) = crate::data::free_bytes(out)
        && free < needed
    {
        bail!(
            "not enough free space in {}: {} games need about {} MB ({} bytes each with the \
             tables), and its filesystem has {} MB free; free some space or choose another --out",
            out.display(),
            games,
            needed / BYTES_PER_MB,
            DISK_BYTES_PER_GAME,
            free / BYTES_PER_MB
        );
    }
    Ok(())
}

const BYTES_PER_MB: u64 = 1 << 20;

/// Where finished games go, in game-id order: the file, the interim standings, the stopping rule.
struct Sink<'a> {
    writer: GameWriter,
    tally: Tally,
    /// Whether `tally` is kept (for the interim standings).
    interim: bool,
    played: usize,
    errors: Vec<GameError>,
    rule: Option<StopTally>,
    decision: Option<StopDecision>,
    /// Set with `decision`, for the workers that poll it.
    decided: &'a AtomicBool,
}

impl Sink<'_> {
    fn emit(&mut self, message: Result<GameRecord, GameError>) -> Result<()> {
        // Past the rule's boundary nothing more is written: the games in flight are dropped.
        if self.decision.is_some() {
            return Ok(());
        }
        match message {
            Ok(record) => {
                self.writer.write(&record)?;
                if self.interim {
                    self.tally.add(&record);
                }
                self.played += 1;
                if let Some(rule) = &mut self.rule
                    && let Some(d) = rule.add(&record)
                {
                    self.decision = Some(d);
                    self.decided.store(true, Ordering::Relaxed);
                }
            }
            Err(e) => self.errors.push(e),
        }
        Ok(())
    }
}

/// The longest the thread that runs the tournament sleeps between looks at the progress (games
/// done, a stop request) while the workers play.
const PROGRESS_POLL: Duration = Duration::from_millis(100);

/// The games finished and not yet written, and where they go.
struct Ordered<'a, I: Iterator<Item = u64>> {
    /// The ids of the games still to be written, in plan order.
    expected: std::iter::Peekable<I>,
    /// Games finished before an earlier one, by id.
    pending: BTreeMap<u64, Message>,
    /// The inbox's games being taken in (kept to reuse its allocation).
    taken: Vec<Message>,
    /// The writer's error, until the thread that runs the tournament takes it.
    failure: Option<crate::error::Error>,
    sink: Sink<'a>,
}

type Message = Result<GameRecord, GameError>;

/// Each game's record is written by a thread that played one, in plan order, so the thread that
/// runs the tournament sleeps instead of waking for every game (a wake-up and a context switch per
/// game). No thread ever waits for another's write: a game finished while another thread holds
/// the writer is left in the inbox, and the holder takes it in before letting go.
struct Collector<'a, I: Iterator<Item = u64>> {
    /// Games finished and not yet taken in by the writer's holder (held only for a push or a swap).
    inbox: Mutex<Vec<Message>>,
    state: Mutex<Ordered<'a, I>>,
    /// Games finished (played, or failed to start) in this run.
    arrived: AtomicU64,
    /// Whether the writer failed: nothing more is written, the run stops.
    failed: AtomicBool,
    /// Whether the workers have stopped taking games; signalled with `changed`, as is a failure
    /// (never a game).
    workers_done: Mutex<bool>,
    changed: Condvar,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<'a, I: Iterator<Item = u64>> Collector<'a, I> {
    fn new(state: Ordered<'a, I>) -> Self {
        Collector {
            inbox: Mutex::new(Vec::new()),
            state: Mutex::new(state),
            arrived: AtomicU64::new(0),
            failed: AtomicBool::new(false),
            workers_done: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Take a finished game, and write every game now ready unless another thread is writing
    /// (it takes this one in). True when the writer has failed: the caller stops the run.
    fn add(&self, message: Message) -> bool {
        self.arrived.fetch_add(1, Ordering::Relaxed);
        lock(&self.inbox).push(message);
        loop {
            let mut state = match self.state.try_lock() {
                Ok(state) => state,
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
                // The holder takes the inbox in before it lets go (below).
                Err(TryLockError::WouldBlock) => return self.failed(),
            };
            self.write_ready(&mut state);
            drop(state);
            // A game pushed while this thread held the writer (its thread found the lock held and
            // left) would otherwise wait for the next game to be written.
            if self.failed() || lock(&self.inbox).is_empty() {
                return self.failed();
            }
        }
    }

    /// Take the inbox in and write the games now ready, in plan order.
    fn write_ready(&self, state: &mut Ordered<'a, I>) {
        if self.failed() {
            return;
        }
        std::mem::swap(&mut *lock(&self.inbox), &mut state.taken);
        let Ordered {
            expected,
            pending,
            taken,
            failure,
            sink,
        } = state;
        for message in taken.drain(..) {
            let id = match &message {
                Ok(record) => record.game_id,
                Err(e) => e.game_id,
            };
            pending.insert(id, message);
        }
        while let Some(next) = expected.peek()
            && let Some(message) = pending.remove(next)
        {
            expected.next();
            if let Err(e) = sink.emit(message) {
                *failure = Some(e);
                self.failed.store(true, Ordering::Relaxed);
                // Under the flag's lock, so that a waiter cannot miss it.
                let _done = lock(&self.workers_done);
                self.changed.notify_all();
                return;
            }
        }
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    fn workers_done(&self) {
        *lock(&self.workers_done) = true;
        self.changed.notify_all();
    }

    /// Wait up to `timeout` for the workers to be done or the writer to fail; true once the
    /// workers are done.
    fn wait(&self, timeout: Duration) -> bool {
        let done = lock(&self.workers_done);
        if *done || self.failed() {
            return *done;
        }
        let (done, _) = self
            .changed
            .wait_timeout(done, timeout)
            .unwrap_or_else(PoisonError::into_inner);
        *done
    }

    /// The writer's error, once.
    fn take_failure(&self) -> Option<crate::error::Error> {
        if !self.failed() {
            return None;
        }
        lock(&self.state).failure.take()
    }

    fn into_inner(self) -> Ordered<'a, I> {
        self.state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// How far (in game ids) the workers may run ahead of the next local game: the records they
/// finish wait in memory until the local games before them are written.
const LOCAL_WINDOW_GAMES: u64 = 4096;

/// The run's local strategies (see `gigawatt_agents::local`): games with one of them in a seat are
/// played on the thread that runs the tournament.
#[derive(Default)]
struct LocalGames {
    specs: Vec<Arc<str>>,
}

impl LocalGames {
    fn of(strategies: &[String]) -> LocalGames {
        LocalGames {
            specs: strategies
                .iter()
                .filter(|s| gigawatt_agents::local::is_local(s))
                .map(|s| Arc::from(s.as_str()))
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    fn plays_in(&self, game: &PlannedGame) -> bool {
        !self.specs.is_empty() && game.seats.iter().any(|s| self.specs.contains(s))
    }
}

/// The id of the next local game to be played, which the workers may not outrun by more than
/// [`LOCAL_WINDOW_GAMES`]; `u64::MAX` once none is left (or none was planned).
struct Frontier {
    next_local: Mutex<u64>,
    moved: Condvar,
}

impl Frontier {
    fn new(no_local_games: bool) -> Frontier {
        Frontier {
            next_local: Mutex::new(if no_local_games { u64::MAX } else { 0 }),
            moved: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, u64> {
        lock(&self.next_local)
    }

    /// Wait until game `game_id` is within the window, or a stop is requested.
    fn wait_for(&self, game_id: u64, stop: &Stop) {
        let mut next = self.lock();
        while game_id > next.saturating_add(LOCAL_WINDOW_GAMES) && stop.requested().is_none() {
            // A timeout, so that a stop requested while waiting is seen.
            next = self
                .moved
                .wait_timeout(next, Duration::from_millis(100))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn advance(&self, next_local: u64) {
        *self.lock() = next_local;
        self.moved.notify_all();
    }

    fn release(&self) {
        self.advance(u64::MAX);
    }
}

/// Releases the workers when the loop that plays the local games ends, however it ends.
struct ReleaseOnDrop<'a>(&'a Frontier);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

pub fn pretty(config: &TournamentConfig) -> String {
    ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default())
        .unwrap_or_else(|e| format!("{config:?} ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_larger_than_the_free_space_is_refused_before_it_starts() {
        let dir = std::env::temp_dir();
        if crate::data::free_bytes(&dir).is_none() {
            return; // The platform does not say.
        }
        check_free_space(&dir, 1).expect("one game fits");
        let error = check_free_space(&dir, u64::MAX / DISK_BYTES_PER_GAME)
            .unwrap_err()
            .to_string();
        assert!(error.contains("not enough free space in"), "{error}");
    }
}

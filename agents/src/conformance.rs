//! The conformance kit: checks that any [`Strategy`] — a built-in or your own — plays by the rules
//! every tournament, tuner and saved game relies on.
//!
//! [`check`] plays games with the strategy on every seat of every scenario (embedded ones by
//! default) against `status-quo` opponents, and checks that:
//!
//! - **(a) no faults**: it never panics, never returns an absurd order, never has every order
//!   rejected for a year (`outcome.faults` stays empty);
//! - **(b) same seed, same orders**: a game replayed with a fresh instance, after other games were
//!   played in between, gives exactly the same orders month by month (no hidden global state, no
//!   time, no unseeded randomness);
//! - **(c) fresh instances and restored games play alike**: two instances from `make`, played in
//!   lockstep, give the same orders; and a game saved mid-way ([`Match::snapshot`], through its RON
//!   text) and restored with a fresh instance ([`Match::restore_with`], which calls
//!   [`Strategy::load_state`]) gives the same orders afterwards as the uninterrupted game;
//! - **(d) orders within the treasury**: every month of every game, the orders cost no more than
//!   the treasury: `orders.cost_usd(&observation) <= treasury_usd * (1 + 1e-9) + 1`.
//!
//! Orders are compared by their `Debug` text, so "the same" means bit for bit.
//!
//! ```no_run
//! use gigawatt_agents::conformance::{self, Options};
//!
//! let report = conformance::check(&|| gigawatt_agents::build("builder").unwrap(), &Options::default())
//!     .unwrap_or_else(|failures| panic!("{}", conformance::describe(&failures)));
//! println!("{report}");
//! ```
//!
//! In a test, [`conformance_test!`](crate::conformance_test) does the same in one line.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use gigawatt_engine::snapshot::{from_ron, to_ron};
use gigawatt_engine::{
    Match, Observation, Orders, Outcome, Scenario, Snapshot, parse_scenario_with,
};
use rand_chacha::ChaCha8Rng;

pub use gigawatt_engine::Strategy;

use crate::status_quo::StatusQuo;

/// A scenario to play, as RON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioSource {
    /// File name for error messages (e.g. `data/scenarios/us-china-2025.ron`).
    pub file: String,
    pub source: String,
}

impl ScenarioSource {
    /// Every scenario embedded in `gigawatt-data`.
    pub fn embedded() -> Vec<ScenarioSource> {
        gigawatt_data::SCENARIOS
            .iter()
            .map(|s| ScenarioSource {
                file: s.file.to_string(),
                source: s.source.to_string(),
            })
            .collect()
    }
}

/// How much to play.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Seeds per (scenario, seat) for checks (a) and (d); at least 1.
    pub seeds: u32,
    /// Months each game lasts at most (it ends earlier on superintelligence).
    pub months: u32,
    /// Base of the seeds played (each game's seed is derived from it).
    pub seed: u64,
    /// The scenarios whose every seat the strategy plays: the embedded ones by default.
    pub scenarios: Vec<ScenarioSource>,
}

impl Default for Options {
    /// Two seeds, 48 months, the embedded scenarios: about half a second per strategy in a debug
    /// build.
    fn default() -> Options {
        Options {
            seeds: 2,
            months: 48,
            seed: 0x6967_6177_6174_7400,
            scenarios: ScenarioSource::embedded(),
        }
    }
}

impl Options {
    /// One seed over two years: for slow strategies (those that simulate ahead).
    pub fn quick() -> Options {
        Options {
            seeds: 1,
            months: 24,
            ..Options::default()
        }
    }

    /// Many seeds over a long horizon: for a release build before a tournament.
    pub fn thorough() -> Options {
        Options {
            seeds: 16,
            months: 120,
            ..Options::default()
        }
    }

    pub fn with_seeds(mut self, seeds: u32) -> Options {
        self.seeds = seeds;
        self
    }

    pub fn with_months(mut self, months: u32) -> Options {
        self.months = months;
        self
    }

    pub fn with_scenarios(mut self, scenarios: Vec<ScenarioSource>) -> Options {
        self.scenarios = scenarios;
        self
    }

    /// The seed of the `i`-th game of each (scenario, seat): spread out (SplitMix64), so that the
    /// kit does not only ever try seeds 0, 1, 2.
    fn game_seed(&self, i: u32) -> u64 {
        let mut z = self
            .seed
            .wrapping_add(u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Which check failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    /// The kit could not set the game up (a scenario that does not parse, a match refused).
    Setup,
    /// (a) The game recorded a fault.
    NoFaults,
    /// (b) A replay of the same game with a fresh instance gave other orders.
    SameSeedSameOrders,
    /// (c) Two fresh instances played in lockstep gave other orders.
    FreshInstancesAgree,
    /// (c) A game saved and restored gave other orders than the uninterrupted one (or could not be
    /// restored).
    SnapshotRestore,
    /// (d) The month's orders cost more than the treasury.
    WithinTreasury,
}

impl Check {
    pub fn label(self) -> &'static str {
        match self {
            Check::Setup => "setup",
            Check::NoFaults => "(a) no faults",
            Check::SameSeedSameOrders => "(b) same seed, same orders",
            Check::FreshInstancesAgree => "(c) fresh instances agree",
            Check::SnapshotRestore => "(c) snapshot and restore",
            Check::WithinTreasury => "(d) orders within the treasury",
        }
    }
}

/// One game the kit played: the scenario, the seat the strategy played and the seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameId {
    /// The scenario's name.
    pub scenario: String,
    /// The id of the nation the strategy played.
    pub nation: String,
    pub seed: u64,
}

impl fmt::Display for GameId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} as {}, seed {}",
            self.scenario, self.nation, self.seed
        )
    }
}

/// A broken rule, where it broke, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub check: Check,
    /// The game it broke in (`None` for setup problems outside any game).
    pub game: Option<GameId>,
    /// The game month (0-based), when one month is to blame.
    pub month: Option<u32>,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.check.label())?;
        match (&self.game, self.month) {
            (Some(game), Some(month)) => write!(f, " [{game}, month {month}]")?,
            (Some(game), None) => write!(f, " [{game}]")?,
            (None, Some(month)) => write!(f, " [month {month}]")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

/// All failures, one per line, under a count.
pub fn describe(failures: &[Failure]) -> String {
    let mut text = format!(
        "{} conformance failure{}:",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" }
    );
    for failure in failures {
        text.push_str("\n  - ");
        text.push_str(&failure.to_string());
    }
    text
}

/// What a passing strategy was put through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The strategy's name (its spec).
    pub strategy: String,
    /// Games played, replays and restores included.
    pub games: u32,
    /// Months in which the strategy decided.
    pub decisions: u64,
    /// Orders it gave.
    pub orders: u64,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` passed every conformance check: {} games, {} months decided, {} orders",
            self.strategy, self.games, self.decisions, self.orders
        )
    }
}

/// One month's decision, as recorded by [`Recorder`].
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub month: u32,
    /// `format!("{:?}", orders)`: equal text means the same orders, bit for bit.
    pub orders: String,
    pub order_count: usize,
    /// What the orders would cost ([`Orders::cost_usd`]) and the treasury they were given with.
    pub cost_usd: f64,
    pub treasury_usd: f64,
}

impl Decision {
    /// Check (d): the orders cost at most the treasury (a cost that is not a number fails).
    pub fn within_treasury(&self) -> bool {
        self.cost_usd <= self.treasury_usd * (1.0 + 1e-9) + 1.0
    }
}

/// The decisions a [`Recorder`] saw, shared with whoever made it.
pub type DecisionLog = Arc<Mutex<Vec<Decision>>>;

/// A strategy that forwards everything to another and records each month's orders.
pub struct Recorder {
    inner: Box<dyn Strategy>,
    log: DecisionLog,
}

impl Recorder {
    /// Wrap `inner`; the log fills as the game is played.
    pub fn new(inner: Box<dyn Strategy>) -> (Recorder, DecisionLog) {
        let log = DecisionLog::default();
        (
            Recorder {
                inner,
                log: log.clone(),
            },
            log,
        )
    }
}

impl Strategy for Recorder {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn decide(&mut self, observation: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let orders = self.inner.decide(observation, rng);
        let decision = Decision {
            month: observation.month,
            orders: format!("{orders:?}"),
            order_count: orders.orders.len(),
            cost_usd: orders.cost_usd(observation),
            treasury_usd: observation.own.treasury_usd,
        };
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(decision);
        orders
    }

    fn wants_snapshot(&self, month: u32) -> bool {
        self.inner.wants_snapshot(month)
    }

    fn save_state(&self) -> String {
        self.inner.save_state()
    }

    fn load_state(&mut self, state: &str) -> Result<(), String> {
        self.inner.load_state(state)
    }

    fn game_over(&mut self, outcome: &Outcome) {
        self.inner.game_over(outcome);
    }
}

fn take(log: &DecisionLog) -> Vec<Decision> {
    std::mem::take(&mut *log.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Run every check on the strategy `make` builds (it is called for a fresh instance for every
/// game). `Ok` says what was played; `Err` lists every failure found.
pub fn check(
    make: &dyn Fn() -> Box<dyn Strategy>,
    options: &Options,
) -> Result<Report, Vec<Failure>> {
    let mut kit = Kit {
        make,
        options,
        failures: Vec::new(),
        games: 0,
        decisions: 0,
        orders: 0,
    };
    let strategy = make().name();
    kit.run();
    if kit.failures.is_empty() {
        Ok(Report {
            strategy,
            games: kit.games,
            decisions: kit.decisions,
            orders: kit.orders,
        })
    } else {
        Err(kit.failures)
    }
}

/// One game to play: scenario, seat of the strategy under test, seed.
#[derive(Clone)]
struct Game {
    scenario: Arc<Scenario>,
    seat: usize,
    seed: u64,
}

impl Game {
    fn id(&self) -> GameId {
        GameId {
            scenario: self.scenario.name.clone(),
            nation: self.scenario.nations[self.seat].id.clone(),
            seed: self.seed,
        }
    }
}

/// A game played to its end.
struct Played {
    decisions: Vec<Decision>,
    outcome: Outcome,
    /// Snapshots taken between turns on the way, with the month they were taken at.
    snapshots: Vec<(u32, Snapshot)>,
}

struct Kit<'a> {
    make: &'a dyn Fn() -> Box<dyn Strategy>,
    options: &'a Options,
    failures: Vec<Failure>,
    games: u32,
    decisions: u64,
    orders: u64,
}

impl Kit<'_> {
    fn fail(&mut self, check: Check, game: Option<&Game>, month: Option<u32>, message: String) {
        self.failures.push(Failure {
            check,
            game: game.map(Game::id),
            month,
            message,
        });
    }

    fn run(&mut self) {
        let mut games = Vec::new();
        for source in &self.options.scenarios {
            // A scenario may inherit from an embedded one (`base: "us-china-2025"`).
            let bases = gigawatt_data::embedded_base;
            let scenario = match parse_scenario_with(&source.file, &source.source, &bases) {
                Ok(s) => Arc::new(s),
                Err(errors) => {
                    let message = format!("scenario `{}` does not parse:\n{errors}", source.file);
                    self.fail(Check::Setup, None, None, message);
                    continue;
                }
            };
            for seat in 0..scenario.nations.len() {
                for i in 0..self.options.seeds.max(1) {
                    games.push(Game {
                        scenario: scenario.clone(),
                        seat,
                        seed: self.options.game_seed(i + seat as u32 * 7919),
                    });
                }
            }
        }
        let Some(first) = games.first().cloned() else {
            return;
        };

        // (a) and (d) on every game; the first one (G1) also keeps snapshots for (c).
        let months = self.options.months;
        let snapshot_months = [months / 3, 2 * months / 3 + 1];
        let mut g1 = None;
        for (i, game) in games.iter().enumerate() {
            let take_snapshots: &[u32] = if i == 0 { &snapshot_months } else { &[] };
            let Some(played) = self.play(game, (self.make)(), take_snapshots) else {
                continue;
            };
            self.check_faults(game, &played.outcome);
            self.check_treasury(game, &played.decisions);
            if i == 0 {
                g1 = Some(played);
            }
        }
        let Some(g1) = g1 else { return };

        // (b) G1 again, with a fresh instance, after all those other games.
        if let Some(replay) = self.play(&first, (self.make)(), &[]) {
            self.compare(
                Check::SameSeedSameOrders,
                &first,
                &g1.decisions,
                &replay.decisions,
                "the first play",
                "a replay with a fresh instance after other games",
            );
        }

        // (c) two fresh instances in lockstep.
        self.lockstep(&first, &g1.decisions);

        // (c) restores mid-game.
        for (month, snapshot) in &g1.snapshots {
            self.restore(&first, *month, snapshot, &g1.decisions);
        }
    }

    /// The strategies of a game: `strategy` on the game's seat, `status-quo` on the others.
    fn seats(game: &Game, strategy: Box<dyn Strategy>) -> Vec<Box<dyn Strategy>> {
        let mut strategy = Some(strategy);
        (0..game.scenario.nations.len())
            .map(|seat| match (seat == game.seat).then(|| strategy.take()) {
                Some(Some(s)) => s,
                _ => Box::new(StatusQuo) as Box<dyn Strategy>,
            })
            .collect()
    }

    fn new_match(&mut self, game: &Game, strategy: Box<dyn Strategy>) -> Option<Match> {
        let strategies = Kit::seats(game, strategy);
        match Match::with_months(
            game.scenario.clone(),
            strategies,
            game.seed,
            self.options.months,
        ) {
            Ok(m) => Some(m.with_fallback(crate::registry::fallback())),
            Err(e) => {
                self.fail(Check::Setup, Some(game), None, e.to_string());
                None
            }
        }
    }

    fn count(&mut self, decisions: &[Decision]) {
        self.games += 1;
        self.decisions += decisions.len() as u64;
        self.orders += decisions.iter().map(|d| d.order_count as u64).sum::<u64>();
    }

    /// Play `game` to its end with `strategy` recorded, snapshotting before the given months.
    fn play(
        &mut self,
        game: &Game,
        strategy: Box<dyn Strategy>,
        snapshot_months: &[u32],
    ) -> Option<Played> {
        let (recorder, log) = Recorder::new(strategy);
        let mut m = self.new_match(game, Box::new(recorder))?;
        let mut snapshots = Vec::new();
        loop {
            if snapshot_months.contains(&m.month()) && !m.is_over() && m.month() > 0 {
                snapshots.push((m.month(), m.snapshot()));
            }
            if !m.step() {
                break;
            }
        }
        let decisions = take(&log);
        self.count(&decisions);
        Some(Played {
            decisions,
            outcome: m.outcome(),
            snapshots,
        })
    }

    fn check_faults(&mut self, game: &Game, outcome: &Outcome) {
        for fault in &outcome.faults {
            let message = format!(
                "nation {} playing `{}`: {}",
                fault.nation, fault.strategy, fault.message
            );
            self.fail(Check::NoFaults, Some(game), Some(fault.month), message);
        }
    }

    fn check_treasury(&mut self, game: &Game, decisions: &[Decision]) {
        let over: Vec<&Decision> = decisions.iter().filter(|d| !d.within_treasury()).collect();
        let Some(first) = over.first() else { return };
        let more = match over.len() {
            1 => String::new(),
            n => format!(" (and in {} more months)", n - 1),
        };
        let message = format!(
            "orders cost {} USD with {} USD in the treasury{more}: {}",
            money(first.cost_usd),
            money(first.treasury_usd),
            clip(&first.orders)
        );
        self.fail(
            Check::WithinTreasury,
            Some(game),
            Some(first.month),
            message,
        );
    }

    /// Compare two records of the same game from `from_month` on; report the first difference.
    fn compare(
        &mut self,
        check: Check,
        game: &Game,
        expected: &[Decision],
        got: &[Decision],
        expected_what: &str,
        got_what: &str,
    ) {
        for (e, g) in expected.iter().zip(got) {
            if e.month != g.month || e.orders != g.orders {
                let message = format!(
                    "{expected_what} ordered {}\n      but {got_what} ordered {}",
                    describe_decision(e),
                    describe_decision(g)
                );
                self.fail(check, Some(game), Some(e.month.min(g.month)), message);
                return;
            }
        }
        if expected.len() != got.len() {
            let message = format!(
                "{expected_what} decided in {} months but {got_what} in {}",
                expected.len(),
                got.len()
            );
            self.fail(check, Some(game), None, message);
        }
    }

    /// Two instances made back to back, playing the same game month by month in two matches.
    fn lockstep(&mut self, game: &Game, g1: &[Decision]) {
        let (a, log_a) = Recorder::new((self.make)());
        let (b, log_b) = Recorder::new((self.make)());
        let (Some(mut ma), Some(mut mb)) = (
            self.new_match(game, Box::new(a)),
            self.new_match(game, Box::new(b)),
        ) else {
            return;
        };
        loop {
            let stepped_a = ma.step();
            let stepped_b = mb.step();
            if !stepped_a && !stepped_b {
                break;
            }
        }
        let (a, b) = (take(&log_a), take(&log_b));
        self.count(&a);
        self.count(&b);
        self.compare(
            Check::FreshInstancesAgree,
            game,
            &a,
            &b,
            "one fresh instance",
            "another, playing in lockstep,",
        );
        self.compare(
            Check::FreshInstancesAgree,
            game,
            g1,
            &a,
            "the first play",
            "a fresh instance playing in lockstep with another",
        );
    }

    /// Save at `month` (through RON text), restore with a fresh instance and play on.
    fn restore(&mut self, game: &Game, month: u32, snapshot: &Snapshot, g1: &[Decision]) {
        let fail = |kit: &mut Kit, message: String| {
            kit.fail(Check::SnapshotRestore, Some(game), Some(month), message)
        };
        let snapshot = match to_ron(snapshot).map(|text| from_ron(&text)) {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return fail(self, format!("the saved game does not read back: {e}")),
            Err(e) => return fail(self, format!("the game cannot be saved: {e}")),
        };
        let (recorder, log) = Recorder::new((self.make)());
        let strategies = Kit::seats(game, Box::new(recorder));
        let mut m = match Match::restore_with(
            game.scenario.clone(),
            strategies,
            &snapshot,
            Some(crate::registry::fallback()),
        ) {
            Ok(m) => m,
            Err(e) => return fail(self, format!("the saved game does not restore: {e}")),
        };
        m.run();
        let resumed = take(&log);
        self.count(&resumed);
        let uninterrupted: Vec<Decision> =
            g1.iter().filter(|d| d.month >= month).cloned().collect();
        self.compare(
            Check::SnapshotRestore,
            game,
            &uninterrupted,
            &resumed,
            "the uninterrupted game",
            &format!("the game saved before month {month} and restored with a fresh instance"),
        );
    }
}

fn describe_decision(d: &Decision) -> String {
    format!("in month {}: {}", d.month, clip(&d.orders))
}

/// Long order lists cut to a readable length.
fn clip(text: &str) -> String {
    const MAX: usize = 400;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

fn money(usd: f64) -> String {
    format!("{usd:.4e}")
}

/// A `#[test]` that runs [`check`] on a strategy with [`Options::default`] (or the options given)
/// and panics listing every failure.
///
/// ```ignore
/// gigawatt_agents::conformance_test!(my_strategy_conforms, || Box::new(MyStrategy::default()));
/// gigawatt_agents::conformance_test!(
///     slow_one_conforms,
///     || Box::new(SlowOne::new()),
///     gigawatt_agents::conformance::Options::quick()
/// );
/// ```
#[macro_export]
macro_rules! conformance_test {
    ($name:ident, $make:expr $(,)?) => {
        $crate::conformance_test!($name, $make, $crate::conformance::Options::default());
    };
    ($name:ident, $make:expr, $options:expr $(,)?) => {
        #[test]
        fn $name() {
            let make = $make;
            let make = move || -> ::std::boxed::Box<dyn $crate::conformance::Strategy> { make() };
            if let ::std::result::Result::Err(failures) =
                $crate::conformance::check(&make, &$options)
            {
                ::std::panic!("{}", $crate::conformance::describe(&failures));
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts the outcomes it hears.
    struct Listener(Arc<Mutex<u32>>);

    impl Strategy for Listener {
        fn name(&self) -> String {
            "listener".into()
        }
        fn decide(&mut self, _: &Observation, _: &mut ChaCha8Rng) -> Orders {
            Orders::none()
        }
        fn game_over(&mut self, _: &Outcome) {
            *self.0.lock().unwrap() += 1;
        }
    }

    #[test]
    fn the_recorder_passes_the_outcome_on() {
        let heard = Arc::new(Mutex::new(0));
        let (recorder, log) = Recorder::new(Box::new(Listener(heard.clone())));
        let embedded = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).unwrap();
        let scenario = Arc::new(
            parse_scenario_with(
                embedded.file,
                embedded.source,
                &gigawatt_data::embedded_base,
            )
            .unwrap(),
        );
        let months = 3;
        let mut game = Match::with_months(
            scenario,
            vec![Box::new(recorder), Box::new(StatusQuo)],
            1,
            months,
        )
        .unwrap();
        game.run();
        assert_eq!(*heard.lock().unwrap(), 1);
        assert_eq!(take(&log).len(), months as usize);
    }

    #[test]
    fn seeds_are_spread_and_stable() {
        let o = Options::default();
        let seeds: Vec<u64> = (0..4).map(|i| o.game_seed(i)).collect();
        assert_eq!(seeds, (0..4).map(|i| o.game_seed(i)).collect::<Vec<_>>());
        assert!(seeds.windows(2).all(|w| w[0] != w[1]));
        assert!(seeds.iter().all(|&s| s > 1_000_000));
    }

    #[test]
    fn failures_read_as_one_line_each() {
        let f = Failure {
            check: Check::WithinTreasury,
            game: Some(GameId {
                scenario: "us-china-2025".into(),
                nation: "usa".into(),
                seed: 7,
            }),
            month: Some(3),
            message: "too much".into(),
        };
        assert_eq!(
            f.to_string(),
            "(d) orders within the treasury [us-china-2025 as usa, seed 7, month 3]: too much"
        );
        let text = describe(&[f.clone(), f]);
        assert!(
            text.starts_with("2 conformance failures:\n  - (d)"),
            "{text}"
        );
    }
}

//! `gigawatt report DIR [--tuning TUNEDIR]`: a tournament folder as one self-contained web page,
//! `DIR/report.html`, which `gigawatt tournament` and `gigawatt merge` also write at the end.
//!
//! The page holds everything inline (CSS in a `<style>` element, figures as `<svg>` elements, no
//! script, no font, no image, no link to anything, no URL at all), so it opens from the file
//! system, offline, as an attachment or in a CI artefact store. It is well-formed XML as well as
//! HTML (void elements closed, only XML's entities), so tools and tests can read it back.
//!
//! Sections, each read from the folder:
//!
//! - **Standings** with 95% bootstrap intervals (as text and as a bar per row): `standings.csv`, or
//!   recomputed from `games.jsonl` with [`gigawatt_arena::standings`] when the file is missing (a shard).
//! - **Payoff matrix** as a heat map (an HTML table with coloured cells): recomputed from the games.
//! - **Meta-game**: the evolutionary stationary distribution as a bar chart, with Nash and α-rank
//!   beside it, from `analysis.json` (absent when the payoff matrix has gaps, e.g. a gauntlet).
//! - **Capability trajectories**: per strategy, the median and inter-quartile band per year of every
//!   seat's `capability_by_year`.
//! - **Superintelligence arrival**: histogram of each game's `asi_month` and its cumulative share.
//! - **What decides the race** (when `gigawatt explore` wrote `sensitivity.csv`): per world
//!   outcome, a tornado of Borgonovo's δ per uncertain parameter with its bootstrap interval and the
//!   noise floor (what an unrelated random input scores); the number of worlds from `worlds.csv`.
//! - **Where the outcome holds (PRIM)** (`discovery.json`): the selected box (pasted) against the
//!   full range, its coverage, density and mass, and the peeling trajectory as a coverage–density
//!   trade-off curve; or, plainly, why there is no box.
//! - **Robust strategies** (`robustness.csv`): per seat, the strategies by max regret with their
//!   score quantiles and satisficing share, and a bar chart of max regret.
//! - **Tuning convergence** (with `--tuning TUNEDIR`): every evaluation's score and the best so far,
//!   from `TUNEDIR/history.csv` (columns `evaluation`, `score` and optionally `generation`; others
//!   are ignored).
//!
//! The explore sections appear only when their file is in the folder, so a tournament's page is
//! unchanged by them. A file that is there but cannot be used (unreadable, truncated, malformed)
//! costs only its own section, which then says in one line which file and why.
//!
//! Nothing in the page depends on the time or the machine: the same folder gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gigawatt_arena::analyze;
use gigawatt_arena::error::{Context, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Deserialize;

use crate::plot::{
    Axes, Chart, FONT, Figure, INK, Ticked, X_TITLED_AREA, color, draw_mesh, escape, extent,
    frame_with, hex, month_x, nice_ticks, plot_error, render_panel, titled_chart, trim_number,
    year_label, year_ticks,
};
use gigawatt_arena::explore::files::{
    DISCOVERY_FILE, NOISE_FLOOR, ROBUSTNESS_FILE, SENSITIVITY_FILE,
};
use gigawatt_arena::format::{abbreviate, count, fixed, month_label};
use gigawatt_arena::standings::{self, MonthCounts, Standing};
use gigawatt_arena::tournament::drilldown::{
    DrilldownTally, GAME_LIST_FILE, GameListRow, MATCHUPS_FILE, ReplayContext, SEAT_STANDINGS_FILE,
    ScoreTally, game_row,
};
use gigawatt_arena::tournament::record::GameRecord;
use gigawatt_arena::tournament::report::{ANALYSIS_FILE, GameConsumer, STANDINGS_FILE};
use gigawatt_arena::tournament::stopping::{STOPPING_FILE, StopDecision};
use gigawatt_arena::tournament::store::{
    GAMES_FILE, TRAJECTORY_GAMES, for_each_game_by_id, for_each_line_by_id, leading_id,
};
use gigawatt_arena::tournament::worlds::WORLDS_FILE;
use gigawatt_arena::tournament::{CONFIG_FILE, DEFAULT_RESAMPLES, Format, TournamentConfig};

/// The report's file name in the tournament folder.
pub use gigawatt_arena::tournament::report::REPORT_FILE;
/// Games listed in the page (all of them are in `games.csv`).
pub const LISTED_GAMES: usize = 100;
/// Faults listed in the page (all of them are in `games.jsonl`).
pub const LISTED_FAULTS: usize = 50;
/// The tuning history read from `--tuning TUNEDIR`.
pub const HISTORY_FILE: &str = "history.csv";

/// At most this many seats per strategy feed the capability trajectories; beyond it the seats are
/// thinned evenly (in game order), which keeps a 100,000-game report fast.
pub const TRAJECTORY_SAMPLE: usize = 20_000;

/// Write `dir/report.html` for the tournament folder `dir` (and the tuning folder `tuning`, if
/// given); returns its path.
pub fn write_report(dir: &Path, tuning: Option<&Path>) -> Result<PathBuf> {
    write_page(dir, render_report(dir, tuning)?)
}

/// [`write_report`] with the first pass over the games already made: `tally` was fed every game
/// of `dir` (by the run's own pass, [`gigawatt_arena::tournament::report::write_run_reports_with`]).
pub fn write_report_of(dir: &Path, tuning: Option<&Path>, tally: PageTally) -> Result<PathBuf> {
    write_page(dir, render(Data::of(dir, tally)?, tuning)?)
}

fn write_page(dir: &Path, html: String) -> Result<PathBuf> {
    let path = dir.join(REPORT_FILE);
    // Whole or not at all: a kill while writing leaves the previous page, not half of one.
    gigawatt_arena::data::write_atomic(&path, &html)?;
    Ok(path)
}

/// The report of the tournament folder `dir` as an HTML page.
pub fn render_report(dir: &Path, tuning: Option<&Path>) -> Result<String> {
    render(Data::load(dir)?, tuning)
}

fn render(data: Data, tuning: Option<&Path>) -> Result<String> {
    let history = match tuning {
        Some(t) => Some(History::load(&t.join(HISTORY_FILE))?),
        None => None,
    };
    let mut page = Page::default();
    page.head(&data, history.is_some());
    page.standings(&data);
    page.seats(&data);
    page.payoff(&data);
    page.meta_game(&data)?;
    page.trajectories(&data)?;
    page.arrival(&data)?;
    page.sensitivity(&data);
    page.discovery(&data);
    page.robustness(&data);
    if let Some(history) = &history {
        page.tuning(history)?;
    }
    page.end(&data);
    Ok(page.html)
}

// ------------------------------------------------------------------------------------------------
// What the folder holds
// ------------------------------------------------------------------------------------------------

struct Data {
    /// The folder's name, for the title.
    name: String,
    config: Option<TournamentConfig>,
    /// Games in the folder.
    games: usize,
    /// Why the stopping rule ended the run early (`stopping.json`), if it did.
    stopping: Option<String>,
    faults: usize,
    /// The first [`LISTED_FAULTS`] faults, in game order: (game id, fault).
    fault_list: Vec<(u64, gigawatt_engine::Fault)>,
    /// Per nation, per nation and strategy, per lineup.
    drilldown: DrilldownTally,
    /// The first [`LISTED_GAMES`] games' rows of `games.csv`.
    game_list: Vec<GameListRow>,
    /// The payoff matrix of `strategies`.
    payoff: Vec<Vec<Option<f64>>>,
    /// Per ordered pair of strategies (row, column): games and the spread of unit means.
    pairs: BTreeMap<(Arc<str>, Arc<str>), PairCell>,
    /// The month of each game's first crossing, for those that crossed.
    months: MonthCounts,
    arrivals: Vec<standings::Arrival>,
    /// Per strategy, the capability series of a sample of its seats (see [`trajectories`]).
    series: BTreeMap<String, SeatSeries>,
    /// Strategies in the configuration's order (a gauntlet's focal first).
    strategies: Vec<String>,
    standings: Vec<Standing>,
    /// Whether the standings were read from `standings.csv` (or recomputed).
    standings_from_file: bool,
    analysis: Option<serde_json::Value>,
    /// The first scenario's start year, when it can be loaded.
    start_year: Option<i32>,
    /// Its superintelligence threshold (capability), likewise.
    asi_threshold: Option<f64>,
    /// What `gigawatt explore` added to the folder, if anything.
    explore: Explore,
    /// Files of the folder the page was made from.
    files: Vec<String>,
}

/// What the page reads of a folder's games in its first pass over them, in game-id order: counts,
/// payoff sums, arrival months, strategies in order of appearance, seats per strategy. Nothing
/// grows with the games but the few tallies. A run's own pass over its games can feed it (it is a
/// [`GameConsumer`]), so that the page does not parse `games.jsonl` once more for it: see
/// [`write_report_of`].
pub struct PageTally {
    config: Option<TournamentConfig>,
    replay: ReplayContext,
    appearance: Vec<String>,
    seats: BTreeMap<String, usize>,
    payoff: standings::PayoffTally,
    arrival: standings::ArrivalTally,
    months: MonthCounts,
    games: usize,
    faults: usize,
    drilldown: DrilldownTally,
    pairs: BTreeMap<(Arc<str>, Arc<str>), PairCell>,
    game_list: Vec<GameListRow>,
    fault_list: Vec<(u64, gigawatt_engine::Fault)>,
}

impl PageTally {
    /// The tally of the tournament folder `dir`, empty (an error if `dir` has no games file or an
    /// unreadable configuration).
    pub fn of_folder(dir: &Path) -> Result<PageTally> {
        let games_path = dir.join(GAMES_FILE);
        if !games_path.is_file() {
            bail!(
                "{} is not a tournament folder: it has no {GAMES_FILE}",
                dir.display()
            );
        }
        let config_path = dir.join(CONFIG_FILE);
        let config = if config_path.is_file() {
            let text = std::fs::read_to_string(&config_path)
                .with_context(|| format!("cannot read {}", config_path.display()))?;
            Some(
                ron::from_str::<TournamentConfig>(&text)
                    .map_err(|e| invalid!("{}: {e}", config_path.display()))?,
            )
        } else {
            None
        };
        let replay = config.as_ref().map(ReplayContext::of).unwrap_or_default();
        Ok(PageTally {
            config,
            replay,
            appearance: Vec::new(),
            seats: BTreeMap::new(),
            payoff: standings::PayoffTally::default(),
            arrival: standings::ArrivalTally::default(),
            months: MonthCounts::default(),
            games: 0,
            faults: 0,
            drilldown: DrilldownTally::default(),
            pairs: BTreeMap::new(),
            game_list: Vec::new(),
            fault_list: Vec::new(),
        })
    }

    /// Add the next game, in game-id order.
    pub fn add_game(&mut self, g: &GameRecord) {
        self.games += 1;
        self.faults += g.faults.len();
        for f in &g.faults {
            if self.fault_list.len() < LISTED_FAULTS {
                self.fault_list.push((g.game_id, f.clone()));
            }
        }
        self.drilldown.add(g);
        add_pairs(&mut self.pairs, g);
        if self.game_list.len() < LISTED_GAMES {
            self.game_list.push(game_row(g, &self.replay));
        }
        self.payoff.add(g);
        self.arrival.add(g);
        if let Some(m) = g.asi_month {
            self.months.add(m);
        }
        for seat in &g.seats {
            match self.seats.get_mut(&*seat.strategy) {
                Some(n) => *n += 1,
                None => {
                    self.seats.insert(seat.strategy.to_string(), 1);
                    self.appearance.push(seat.strategy.to_string());
                }
            }
        }
    }
}

impl GameConsumer for PageTally {
    fn add(&mut self, game: &GameRecord) -> Result<()> {
        self.add_game(game);
        Ok(())
    }
}

impl Data {
    fn load(dir: &Path) -> Result<Data> {
        let mut tally = PageTally::of_folder(dir)?;
        for_each_game_by_id(&[&dir.join(GAMES_FILE)], |g| {
            tally.add_game(&g);
            Ok(())
        })?;
        Data::of(dir, tally)
    }

    /// The page's data from the first pass's `tally` of `dir`'s games and the folder's files.
    fn of(dir: &Path, tally: PageTally) -> Result<Data> {
        let games_path = dir.join(GAMES_FILE);
        let PageTally {
            config,
            replay: _,
            appearance,
            seats,
            payoff,
            arrival,
            months,
            games,
            faults,
            drilldown,
            pairs,
            game_list,
            fault_list,
        } = tally;
        let strategies = strategy_order(config.as_ref(), &appearance);
        let standings_path = dir.join(STANDINGS_FILE);
        let standings_file = if standings_path.is_file() {
            let text = std::fs::read_to_string(&standings_path)
                .with_context(|| format!("cannot read {}", standings_path.display()))?;
            let table = parse_standings(&text)
                .map_err(|e| invalid!("{}: {e}", standings_path.display()))?;
            Some(table)
        } else {
            None
        };
        // Pass 2: the sampled seats' capability series, and the standings if no file has them.
        let mut series: BTreeMap<String, SeatSeries> = seats
            .iter()
            .map(|(name, &n)| (name.clone(), SeatSeries::new(n)))
            .collect();
        let mut recomputed = standings_file
            .is_none()
            .then(|| standings::StandingsTally::new(&strategies));
        let mut offer = |game_id: u64, strategy: &str, curve: Vec<f64>, end: f64| {
            if let Some(s) = series.get_mut(strategy) {
                s.offer(game_id, curve, end);
            }
        };
        if let Some(tally) = &mut recomputed {
            for_each_game_by_id(&[&games_path], |g| {
                tally.add(&g);
                for seat in g.seats {
                    offer(
                        g.game_id,
                        &seat.strategy,
                        seat.capability_by_year,
                        seat.capability,
                    );
                }
                Ok(())
            })?;
        } else {
            // Only the seats' strategies and capabilities are read (their series only where they
            // are kept): the first pass has checked every record in full.
            for_each_line_by_id(&[&games_path], |path, place, line| {
                let not_a_game = || format!("{}:{place}: not a game record", path.display());
                let game_id = leading_id(line).with_context(not_a_game)?;
                if game_id < TRAJECTORY_GAMES {
                    let game: SeatsOf<CurveSeat> =
                        serde_json::from_str(line).with_context(not_a_game)?;
                    for seat in game.seats {
                        offer(
                            game_id,
                            &seat.strategy,
                            seat.capability_by_year,
                            seat.capability,
                        );
                    }
                } else {
                    let game: SeatsOf<EndSeat> =
                        serde_json::from_str(line).with_context(not_a_game)?;
                    for seat in game.seats {
                        offer(game_id, &seat.strategy, Vec::new(), seat.capability);
                    }
                }
                Ok(())
            })?;
        }
        let standings_from_file = standings_file.is_some();
        let standings = match (standings_file, recomputed) {
            (Some(table), _) => table,
            (None, tally) => {
                let (seed, resamples) = config
                    .as_ref()
                    .map_or((0, DEFAULT_RESAMPLES), |c| (c.seed, c.resamples));
                tally
                    .map(|t| t.standings(seed, resamples))
                    .unwrap_or_default()
            }
        };
        let payoff = payoff.matrix(&strategies);
        let arrivals = arrival.arrivals();
        let analysis_path = dir.join(ANALYSIS_FILE);
        let analysis = if analysis_path.is_file() {
            let text = std::fs::read_to_string(&analysis_path)
                .with_context(|| format!("cannot read {}", analysis_path.display()))?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("{}: not JSON", analysis_path.display()))?,
            )
        } else {
            None
        };
        let first_scenario = config
            .as_ref()
            .and_then(|c| c.scenarios.first())
            .and_then(|s| gigawatt_arena::inputs::load_scenario(s).ok());
        let start_year = first_scenario.as_ref().map(|s| s.start_year);
        let asi_threshold = first_scenario
            .as_ref()
            .map(|s| s.global.asi_threshold_capability);
        let explore = Explore::load(dir, config.as_ref());
        let mut files: Vec<String> = [
            CONFIG_FILE,
            GAMES_FILE,
            STANDINGS_FILE,
            gigawatt_arena::tournament::report::PAYOFF_FILE,
            gigawatt_arena::tournament::report::ARRIVAL_FILE,
            ANALYSIS_FILE,
            SEAT_STANDINGS_FILE,
            MATCHUPS_FILE,
            GAME_LIST_FILE,
            STOPPING_FILE,
        ]
        .iter()
        .filter(|f| dir.join(f).is_file())
        .map(|f| f.to_string())
        .collect();
        files.extend(explore.files.iter().map(|f| f.to_string()));
        let name = std::fs::canonicalize(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| dir.display().to_string());
        Ok(Data {
            name,
            config,
            games,
            stopping: std::fs::read_to_string(dir.join(STOPPING_FILE))
                .ok()
                .and_then(|t| serde_json::from_str::<StopDecision>(&t).ok())
                .map(|d| format!("{} ({})", d.reason, d.rule)),
            faults,
            fault_list,
            drilldown,
            game_list,
            payoff,
            pairs: pairs
                .into_iter()
                .map(|(k, mut c)| {
                    c.flush();
                    (k, c)
                })
                .collect(),
            months,
            arrivals,
            series,
            strategies,
            standings,
            standings_from_file,
            analysis,
            start_year,
            asi_threshold,
            explore,
            files,
        })
    }

    /// The colour of a strategy: by its place in the configuration.
    fn color_of(&self, strategy: &str) -> RGBColor {
        color(
            self.strategies
                .iter()
                .position(|s| s == strategy)
                .unwrap_or(0),
        )
    }

    /// A game month as a calendar month (`2030-11`), or `month 70` without a start year.
    fn month(&self, month: f64) -> String {
        match self.start_year {
            Some(y) => month_label(y, month.round().max(0.0) as u32),
            None => format!("month {}", fixed(month, 0)),
        }
    }

    /// Game month `month` on the time axis: calendar years, or years since the start.
    fn x(&self, month: f64) -> f64 {
        month_x(self.start_year.unwrap_or(0), month)
    }
}

/// A payoff cell's games, and the running spread of its per-unit means: a unit's games (seat
/// orders of one seed, consecutive in game-id order) are averaged first, as the standings'
/// bootstrap resamples units, so the seat advantage does not widen the interval.
#[derive(Default)]
struct PairCell {
    games: usize,
    /// The last game counted (a strategy against itself meets itself twice in one game).
    game: Option<u64>,
    unit: Option<u64>,
    sum: f64,
    n: usize,
    units: ScoreTally,
}

impl PairCell {
    fn add(&mut self, game: u64, unit: u64, score: f64) {
        if self.unit != Some(unit) {
            self.flush();
            self.unit = Some(unit);
        }
        self.sum += score;
        self.n += 1;
        if self.game != Some(game) {
            self.game = Some(game);
            self.games += 1;
        }
    }

    /// Close the current unit.
    fn flush(&mut self) {
        if self.n > 0 {
            self.units.add(self.sum / self.n as f64, None);
        }
        self.sum = 0.0;
        self.n = 0;
    }
}

/// Add a game to the payoff cells: every ordered pair of distinct seats, as the payoff matrix.
fn add_pairs(pairs: &mut BTreeMap<(Arc<str>, Arc<str>), PairCell>, game: &GameRecord) {
    for (i, a) in game.seats.iter().enumerate() {
        for (j, b) in game.seats.iter().enumerate() {
            if i != j {
                pairs
                    .entry((a.strategy.clone(), b.strategy.clone()))
                    .or_default()
                    .add(game.game_id, game.unit, a.score);
            }
        }
    }
}

/// The configuration's strategies (a gauntlet's focal first), then any other strategy of the games
/// in order of appearance (`appearance`: the games' strategies in order of first appearance by
/// game id).
fn strategy_order(config: Option<&TournamentConfig>, appearance: &[String]) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    if let Some(c) = config {
        if let Format::Gauntlet { focal } = &c.format {
            order.push(focal.clone());
        }
        for s in &c.strategies {
            if !order.contains(s) {
                order.push(s.clone());
            }
        }
    }
    for s in appearance {
        if !order.contains(s) {
            order.push(s.clone());
        }
    }
    order
}

// ------------------------------------------------------------------------------------------------
// CSV
// ------------------------------------------------------------------------------------------------

/// The records of a CSV text (the result files' one dialect, read by
/// [`gigawatt_arena::data::records`]: quoted fields, doubled quotes, LF, CRLF or CR line ends), blank
/// lines skipped.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(gigawatt_arena::data::records(text)?
        .into_iter()
        .map(|r| r.fields)
        .collect())
}

/// A CSV number; empty is NaN.
fn csv_f64(cell: &str) -> Result<f64, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse()
        .map_err(|_| format!("`{cell}` is not a number"))
}

/// `standings.csv` back into standings (by column name, so added columns do no harm).
fn parse_standings(text: &str) -> Result<Vec<Standing>, String> {
    let records = csv_records(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Ok(Vec::new());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("no `{name}` column"))
    };
    let [
        strategy,
        games,
        wins,
        draws,
        losses,
        mean,
        lo,
        hi,
        rank,
        tied,
    ] = [
        "strategy",
        "games",
        "wins",
        "draws",
        "losses",
        "mean_score",
        "ci_low",
        "ci_high",
        "rank",
        "tied_with",
    ]
    .map(column);
    let [
        strategy,
        games,
        wins,
        draws,
        losses,
        mean,
        lo,
        hi,
        rank,
        tied,
    ] = [
        strategy?, games?, wins?, draws?, losses?, mean?, lo?, hi?, rank?, tied?,
    ];
    let optional = |name: &str| header.iter().position(|h| h.trim() == name);
    let ratings = [
        "elo",
        "glicko2",
        "glicko2_deviation",
        "trueskill_mu",
        "trueskill_sigma",
        "bradley_terry",
    ]
    .map(optional);
    let mut table = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let at = |e: String| format!("line {}: {e}", i + 2);
        let cell = |k: usize| row.get(k).map(String::as_str).unwrap_or("");
        let int = |k: usize| -> Result<usize, String> {
            cell(k)
                .trim()
                .parse()
                .map_err(|_| at(format!("`{}` is not a count", cell(k))))
        };
        let num = |k: Option<usize>| -> Result<f64, String> {
            k.map_or(Ok(f64::NAN), |k| csv_f64(cell(k)).map_err(at))
        };
        table.push(Standing {
            strategy: cell(strategy).to_string(),
            games: int(games)?,
            wins: int(wins)?,
            draws: int(draws)?,
            losses: int(losses)?,
            mean_score: num(Some(mean))?,
            ci_low: num(Some(lo))?,
            ci_high: num(Some(hi))?,
            rank: int(rank)?,
            tied_with: cell(tied)
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            elo: num(ratings[0])?,
            glicko2: num(ratings[1])?,
            glicko2_deviation: num(ratings[2])?,
            trueskill_mu: num(ratings[3])?,
            trueskill_sigma: num(ratings[4])?,
            bradley_terry: num(ratings[5])?,
        });
    }
    Ok(table)
}

/// A tuning run's history: one `(evaluation, generation, score)` per evaluation, in file order.
struct History {
    rows: Vec<(f64, Option<f64>, f64)>,
    /// The tuned parameters' columns (every numeric column but the bookkeeping ones), and each
    /// row's values of them (NaN where a cell is empty or not a number), in `rows` order.
    parameters: Vec<String>,
    values: Vec<Vec<f64>>,
    /// What else the tuning folder holds, when it holds it.
    finalists: Option<Vec<Vec<String>>>,
    held_out: Option<Vec<Vec<String>>>,
    best: Option<String>,
}

impl History {
    fn load(path: &Path) -> Result<History> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read tuning history {}", path.display()))?;
        let mut history = History::parse(&text).map_err(|e| invalid!("{}: {e}", path.display()))?;
        // The other files of `gigawatt tune`, if present: a history alone still draws.
        let dir = path.parent().unwrap_or(Path::new("."));
        let table = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .ok()
                .and_then(|t| csv_records(&t).ok())
                .filter(|r| r.len() > 1)
        };
        history.finalists = table(gigawatt_arena::tune::run::FINALISTS_FILE);
        history.held_out = table(gigawatt_arena::tune::run::HELD_OUT_FILE);
        history.best = std::fs::read_to_string(dir.join(gigawatt_arena::tune::run::BEST_FILE))
            .ok()
            .and_then(|t| {
                t.lines()
                    .map(str::trim)
                    .rfind(|l| !l.is_empty() && !l.starts_with("//"))
                    .map(str::to_string)
            });
        Ok(history)
    }

    fn parse(text: &str) -> Result<History, String> {
        let records = csv_records(text)?;
        let Some((header, rows)) = records.split_first() else {
            return Err("empty file; expected a header with `evaluation` and `score`".into());
        };
        let find = |name: &str| header.iter().position(|h| h.trim() == name);
        let evaluation = find("evaluation").ok_or("no `evaluation` column")?;
        let score = find("score").ok_or("no `score` column")?;
        let generation = find("generation");
        // Parameter columns: the rest, but the bookkeeping of `gigawatt tune` and text columns.
        let bookkeeping = [
            "evaluation",
            "generation",
            "score",
            "seeds",
            "worlds",
            "seconds",
        ];
        let numeric = |k: usize| {
            rows.iter().any(|r| {
                r.get(k)
                    .and_then(|c| c.trim().parse::<f64>().ok())
                    .is_some()
            }) && rows.iter().all(|r| {
                r.get(k)
                    .is_none_or(|c| c.trim().is_empty() || c.trim().parse::<f64>().is_ok())
            })
        };
        let parameter_columns: Vec<usize> = (0..header.len())
            .filter(|&k| !bookkeeping.contains(&header[k].trim()) && numeric(k))
            .collect();
        let mut values = Vec::new();
        let mut out = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let at = |e: String| format!("line {}: {e}", i + 2);
            let cell = |k: usize| row.get(k).map(String::as_str).unwrap_or("");
            let e = csv_f64(cell(evaluation)).map_err(at)?;
            let s = csv_f64(cell(score)).map_err(at)?;
            let g = match generation {
                Some(k) => Some(csv_f64(cell(k)).map_err(at)?).filter(|g| g.is_finite()),
                None => None,
            };
            if e.is_finite() && s.is_finite() {
                out.push((e, g, s));
                values.push(
                    parameter_columns
                        .iter()
                        .map(|&k| cell(k).trim().parse::<f64>().unwrap_or(f64::NAN))
                        .collect(),
                );
            }
        }
        Ok(History {
            rows: out,
            parameters: parameter_columns
                .iter()
                .map(|&k| header[k].trim().to_string())
                .collect(),
            values,
            finalists: None,
            held_out: None,
            best: None,
        })
    }

    /// The best score so far after each evaluation (higher is better).
    fn best_so_far(&self) -> Vec<(f64, f64)> {
        let mut best = f64::NEG_INFINITY;
        self.rows
            .iter()
            .map(|&(e, _, s)| {
                best = best.max(s);
                (e, best)
            })
            .collect()
    }

    /// The best-so-far curve as steps: flat until an evaluation improves on it.
    fn steps(best: &[(f64, f64)]) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(2 * best.len());
        for &(e, b) in best {
            if let Some(&(_, previous)) = points.last()
                && previous != b
            {
                points.push((e, previous));
            }
            points.push((e, b));
        }
        points
    }
}

// ------------------------------------------------------------------------------------------------
// What `gigawatt explore` adds to the folder
// ------------------------------------------------------------------------------------------------

/// A file of the folder that is there but cannot be used; its section says so in one line.
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("{file} could not be read: {error}")]
    Read {
        file: &'static str,
        error: std::io::Error,
    },
    #[error("{file} could not be read: {reason}")]
    Malformed { file: &'static str, reason: String },
}

/// `file` of `dir` parsed by `parse`; `None` when the folder has no such file.
fn load_file<T>(
    dir: &Path,
    file: &'static str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<Result<T, FileError>> {
    let path = dir.join(file);
    if !path.is_file() {
        return None;
    }
    Some(
        std::fs::read_to_string(&path)
            .map_err(|error| FileError::Read { file, error })
            .and_then(|text| parse(&text).map_err(|reason| FileError::Malformed { file, reason })),
    )
}

/// The analyses across sampled worlds, each `None` when its file is not in the folder.
struct Explore {
    /// The number of sampled worlds: `worlds.csv`'s, else `discovery.json`'s, else the
    /// configuration's.
    worlds: Option<usize>,
    sensitivity: Option<Result<Vec<OutcomeSensitivity>, FileError>>,
    discovery: Option<Result<DiscoveryJson, FileError>>,
    robustness: Option<Result<Vec<Robustness>, FileError>>,
    /// The files read, for the footer.
    files: Vec<&'static str>,
}

impl Explore {
    fn load(dir: &Path, config: Option<&TournamentConfig>) -> Explore {
        let sensitivity = load_file(dir, SENSITIVITY_FILE, parse_sensitivity);
        let discovery = load_file(dir, DISCOVERY_FILE, parse_discovery);
        let robustness = load_file(dir, ROBUSTNESS_FILE, parse_robustness);
        let mut files: Vec<&'static str> = [
            (SENSITIVITY_FILE, sensitivity.is_some()),
            (DISCOVERY_FILE, discovery.is_some()),
            (ROBUSTNESS_FILE, robustness.is_some()),
        ]
        .iter()
        .filter(|f| f.1)
        .map(|f| f.0)
        .collect();
        let mut worlds = None;
        if !files.is_empty() {
            // worlds.csv only counts the worlds, so a bad one is passed over for the next source.
            worlds = load_file(dir, WORLDS_FILE, count_worlds)
                .and_then(Result::ok)
                .filter(|&n| n > 0);
            if worlds.is_some() {
                files.insert(0, WORLDS_FILE);
            }
        }
        let counted = match &discovery {
            Some(Ok(d)) => Some(d.worlds),
            _ => None,
        };
        let worlds = worlds
            .or(counted)
            .or_else(|| config.and_then(|c| c.worlds).map(|w| w as usize));
        Explore {
            worlds,
            sensitivity,
            discovery,
            robustness,
            files,
        }
    }

    /// "30 sampled worlds", or "the sampled worlds" when their number is unknown.
    fn worlds_text(&self) -> String {
        match self.worlds {
            Some(1) => "1 sampled world".to_string(),
            Some(n) => format!("{n} sampled worlds"),
            None => "the sampled worlds".to_string(),
        }
    }
}

/// The worlds of `worlds.csv`: its distinct `world` values (one row per world and scenario).
fn count_worlds(text: &str) -> Result<usize, String> {
    let records = csv_records(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Err("empty file".into());
    };
    let world = header
        .iter()
        .position(|h| h.trim() == "world")
        .ok_or("no `world` column")?;
    let mut seen = std::collections::BTreeSet::new();
    for row in rows {
        seen.insert(row.get(world).map_or("", |w| w.trim()));
    }
    Ok(seen.len())
}

/// The column of each of `names` in `header`.
fn columns<const N: usize>(header: &[String], names: [&str; N]) -> Result<[usize; N], String> {
    let mut out = [0; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("no `{name}` column"))?;
    }
    Ok(out)
}

/// A CSV's header and rows, every row as long as the header (a shorter one is a truncated file).
fn table_of(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let mut records = csv_records(text)?;
    if records.is_empty() {
        return Err("empty file: no header".into());
    }
    let header = records.remove(0);
    for (i, row) in records.iter().enumerate() {
        if row.len() < header.len() {
            return Err(format!(
                "line {}: {} fields where the header has {} (a truncated file?)",
                i + 2,
                row.len(),
                header.len()
            ));
        }
    }
    Ok((header, records))
}

/// An index with its bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Estimate {
    value: f64,
    ci_low: f64,
    ci_high: f64,
}

impl Estimate {
    /// The largest finite of the value and its interval (0 when none is).
    fn top(&self) -> f64 {
        [self.value, self.ci_low, self.ci_high]
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max)
    }

    /// The smallest finite of the value and its interval (0 when none is).
    fn bottom(&self) -> f64 {
        [self.value, self.ci_low, self.ci_high]
            .into_iter()
            .filter(|v| v.is_finite())
            .fold(0.0, f64::min)
    }

    /// Whether this index stands clear of the noise floor: its interval lies wholly above the
    /// floor's (the values themselves where an interval is missing).
    fn clears(&self, floor: Option<&Estimate>) -> bool {
        let Some(floor) = floor else {
            return true;
        };
        let low = if self.ci_low.is_finite() {
            self.ci_low
        } else {
            self.value
        };
        let high = if floor.ci_high.is_finite() {
            floor.ci_high
        } else {
            floor.value
        };
        !high.is_finite() || low > high
    }
}

/// One parameter's indices for one outcome.
struct ParameterSensitivity {
    name: String,
    delta: Option<Estimate>,
    s1: Option<Estimate>,
}

/// `sensitivity.csv`'s rows for one world outcome.
struct OutcomeSensitivity {
    outcome: String,
    /// In the file's order.
    parameters: Vec<ParameterSensitivity>,
    floor_delta: Option<Estimate>,
    floor_s1: Option<Estimate>,
}

impl OutcomeSensitivity {
    /// The parameters with a finite δ, largest first (ties by name).
    fn ranked(&self) -> Vec<(&str, Estimate)> {
        let mut bars: Vec<(&str, Estimate)> = self
            .parameters
            .iter()
            .filter_map(|p| Some((p.name.as_str(), p.delta?)))
            .filter(|(_, d)| d.value.is_finite())
            .collect();
        bars.sort_by(|a, b| b.1.value.total_cmp(&a.1.value).then_with(|| a.0.cmp(b.0)));
        bars
    }

    /// Whether every δ (and the floor's) is 0: the outcome did not vary across the worlds.
    fn all_zero(&self) -> bool {
        self.parameters
            .iter()
            .filter_map(|p| p.delta)
            .chain(self.floor_delta)
            .all(|d| d.top() == 0.0 && d.bottom() == 0.0)
    }
}

/// `sensitivity.csv` (`outcome,parameter,index,ci_low,ci_high,method`) by outcome, in the file's
/// order; rows of another method than `delta` or `s1` are passed over.
fn parse_sensitivity(text: &str) -> Result<Vec<OutcomeSensitivity>, String> {
    let (header, rows) = table_of(text)?;
    let [outcome, parameter, index, low, high, method] = columns(
        &header,
        [
            "outcome",
            "parameter",
            "index",
            "ci_low",
            "ci_high",
            "method",
        ],
    )?;
    let mut out: Vec<OutcomeSensitivity> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let at = |e: String| format!("line {}: {e}", i + 2);
        let s1 = match row[method].trim() {
            "delta" => false,
            "s1" => true,
            _ => continue,
        };
        let estimate = Estimate {
            value: csv_f64(&row[index]).map_err(at)?,
            ci_low: csv_f64(&row[low]).map_err(at)?,
            ci_high: csv_f64(&row[high]).map_err(at)?,
        };
        let name = row[outcome].trim();
        let k = match out.iter().position(|o| o.outcome == name) {
            Some(k) => k,
            None => {
                out.push(OutcomeSensitivity {
                    outcome: name.to_string(),
                    parameters: Vec::new(),
                    floor_delta: None,
                    floor_s1: None,
                });
                out.len() - 1
            }
        };
        let o = &mut out[k];
        let parameter = row[parameter].trim();
        if parameter == NOISE_FLOOR {
            *(if s1 {
                &mut o.floor_s1
            } else {
                &mut o.floor_delta
            }) = Some(estimate);
            continue;
        }
        let p = match o.parameters.iter().position(|p| p.name == parameter) {
            Some(p) => p,
            None => {
                o.parameters.push(ParameterSensitivity {
                    name: parameter.to_string(),
                    delta: None,
                    s1: None,
                });
                o.parameters.len() - 1
            }
        };
        let p = &mut o.parameters[p];
        *(if s1 { &mut p.s1 } else { &mut p.delta }) = Some(estimate);
    }
    Ok(out)
}

/// `discovery.json`, as `gigawatt explore` writes it.
#[derive(Debug, Deserialize)]
struct DiscoveryJson {
    /// What makes a world of interest, in words.
    outcome: String,
    worlds: usize,
    worlds_of_interest: usize,
    prim: Option<PrimJson>,
    error: Option<String>,
}

/// The serialized `explore::prim::Discovery`.
#[derive(Debug, Deserialize)]
struct PrimJson {
    parameters: Vec<String>,
    full_range: Vec<LimitsJson>,
    options: Option<PrimOptionsJson>,
    trajectory: Vec<BoxJson>,
    selected: Option<usize>,
    pasted: Option<BoxJson>,
}

#[derive(Debug, Deserialize)]
struct PrimOptionsJson {
    threshold: Option<f64>,
}

/// A box's limits on one parameter (`null` for a number JSON cannot hold).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
struct LimitsJson {
    low: Option<f64>,
    high: Option<f64>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct BoxJson {
    limits: Vec<LimitsJson>,
    restricted: Vec<usize>,
    cases: usize,
    cases_of_interest: usize,
    coverage: Option<f64>,
    density: Option<f64>,
    mass: Option<f64>,
}

impl BoxJson {
    fn coverage(&self) -> f64 {
        self.coverage.unwrap_or(f64::NAN)
    }

    fn density(&self) -> f64 {
        self.density.unwrap_or(f64::NAN)
    }

    fn mass(&self) -> f64 {
        self.mass.unwrap_or(f64::NAN)
    }
}

impl PrimJson {
    /// The density a box must reach to be selected, when the file says.
    fn threshold(&self) -> Option<f64> {
        self.options
            .as_ref()
            .and_then(|o| o.threshold)
            .filter(|t| t.is_finite())
    }
}

/// `discovery.json`, checked whole: every box has a limit per parameter, every index is in range.
fn parse_discovery(text: &str) -> Result<DiscoveryJson, String> {
    let d: DiscoveryJson =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let Some(prim) = &d.prim else {
        return match d.error {
            Some(_) => Ok(d),
            None => Err("neither `prim` nor `error` is given".into()),
        };
    };
    let n = prim.parameters.len();
    if prim.full_range.len() != n {
        return Err(format!(
            "`full_range` has {} limits for {n} parameters",
            prim.full_range.len()
        ));
    }
    let boxes = prim
        .trajectory
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("trajectory box {i}"), b))
        .chain(
            prim.pasted
                .iter()
                .map(|b| ("the pasted box".to_string(), b)),
        );
    for (name, b) in boxes {
        if b.limits.len() != n {
            return Err(format!(
                "{name} has {} limits for {n} parameters",
                b.limits.len()
            ));
        }
        if let Some(j) = b.restricted.iter().find(|&&j| j >= n) {
            return Err(format!("{name} restricts parameter {j}, but there are {n}"));
        }
    }
    if let Some(k) = prim.selected
        && k >= prim.trajectory.len()
    {
        return Err(format!(
            "`selected` is box {k}, but the trajectory has {}",
            prim.trajectory.len()
        ));
    }
    Ok(d)
}

/// One row of `robustness.csv`.
#[derive(Clone, Debug, PartialEq)]
struct Robustness {
    strategy: String,
    seat: String,
    worlds: usize,
    mean: f64,
    p10: f64,
    p50: f64,
    p90: f64,
    max_regret: f64,
    mean_regret: f64,
    satisficing_share: f64,
    threshold: f64,
}

/// `robustness.csv`, by column name (added columns do no harm).
fn parse_robustness(text: &str) -> Result<Vec<Robustness>, String> {
    let (header, rows) = table_of(text)?;
    let [
        strategy,
        seat,
        worlds,
        mean,
        p10,
        p50,
        p90,
        max_regret,
        mean_regret,
        share,
        threshold,
    ] = columns(
        &header,
        [
            "strategy",
            "seat",
            "worlds",
            "mean",
            "p10",
            "p50",
            "p90",
            "max_regret",
            "mean_regret",
            "satisficing_share",
            "threshold",
        ],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let at = |e: String| format!("line {}: {e}", i + 2);
        let num = |k: usize| csv_f64(&row[k]).map_err(at);
        out.push(Robustness {
            strategy: row[strategy].clone(),
            seat: row[seat].clone(),
            worlds: row[worlds]
                .trim()
                .parse()
                .map_err(|_| at(format!("`{}` is not a count", row[worlds])))?,
            mean: num(mean)?,
            p10: num(p10)?,
            p50: num(p50)?,
            p90: num(p90)?,
            max_regret: num(max_regret)?,
            mean_regret: num(mean_regret)?,
            satisficing_share: num(share)?,
            threshold: num(threshold)?,
        });
    }
    Ok(out)
}

/// The rows of each seat (seats in the file's order), fewest max regret first (then mean regret,
/// then the higher mean, then the name; a missing regret last).
fn by_seat(rows: &[Robustness]) -> Vec<(&str, Vec<&Robustness>)> {
    let mut seats: Vec<(&str, Vec<&Robustness>)> = Vec::new();
    for r in rows {
        match seats.iter_mut().find(|s| s.0 == r.seat) {
            Some(s) => s.1.push(r),
            None => seats.push((&r.seat, vec![r])),
        }
    }
    let key = |x: f64| if x.is_nan() { f64::INFINITY } else { x };
    for (_, rows) in &mut seats {
        rows.sort_by(|a, b| {
            key(a.max_regret)
                .total_cmp(&key(b.max_regret))
                .then_with(|| key(a.mean_regret).total_cmp(&key(b.mean_regret)))
                .then_with(|| key(-a.mean).total_cmp(&key(-b.mean)))
                .then_with(|| a.strategy.cmp(&b.strategy))
        });
    }
    seats
}

// ------------------------------------------------------------------------------------------------
// Numbers
// ------------------------------------------------------------------------------------------------

/// Quantile `p` of sorted, non-empty `values` (type 7, as in the standings).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A number for a table cell, `—` when missing.
fn cell(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        fixed(x, decimals)
    } else {
        "—".to_string()
    }
}

/// A number with three significant digits (`0.0312`, `1.25`, `312`, `31200`; `3.12e5` and
/// `3.12e-4` beyond), `—` when missing.
fn sig3(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if !(1e-3..1e5).contains(&a) {
        return format!("{x:.2e}");
    }
    let scale = 10f64.powi(2 - a.log10().floor() as i32);
    let rounded = (x * scale).round() / scale;
    let decimals = (2 - rounded.abs().log10().floor() as i32).max(0) as usize;
    fixed(rounded, decimals)
}

/// `n` and the noun for that many: `1 seat`, `2 seats`.
fn plural(n: usize, one: &str, more: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { more })
}

/// A range `low to high`, each with three significant digits.
fn range_text(low: f64, high: f64) -> String {
    format!("{} to {}", sig3(low), sig3(high))
}

/// `text` cut to at most `max` characters, its middle replaced by `…` (the start and the end of a
/// parameter path say the most).
fn shorten(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max || max < 5 {
        return text.to_string();
    }
    let head = (max - 1) / 3;
    let tail = max - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// The background of a payoff cell: red (0) through white (0.5) to blue (1).
fn heat(v: f64) -> (String, &'static str) {
    let v = v.clamp(0.0, 1.0);
    let (from, to, t) = if v < 0.5 {
        ((0xd7, 0x30, 0x27), (0xf7, 0xf7, 0xf7), v / 0.5)
    } else {
        ((0xf7, 0xf7, 0xf7), (0x21, 0x66, 0xac), (v - 0.5) / 0.5)
    };
    let mix = |a: i32, b: i32| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    let fill = format!(
        "#{:02x}{:02x}{:02x}",
        mix(from.0, to.0),
        mix(from.1, to.1),
        mix(from.2, to.2)
    );
    let text = if !(0.2..=0.8).contains(&v) {
        "#ffffff"
    } else {
        "#222222"
    };
    (fill, text)
}

// ------------------------------------------------------------------------------------------------
// The page
// ------------------------------------------------------------------------------------------------

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;
  color: #222; background: #fff; margin: 0 auto; padding: 1.5em 2em 3em; max-width: 1240px;
  line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 0.2em; }
h2 { font-size: 1.25em; margin: 2em 0 0.4em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.note { color: #555; font-size: 0.92em; margin: 0.3em 0 0.8em; max-width: 60em; }
nav { font-size: 0.92em; margin: 0.6em 0 0; }
nav a { color: #2166ac; margin-right: 1.2em; text-decoration: none; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0; display: block;
  overflow-x: auto; max-width: 100%; }
th, td { padding: 0.22em 0.6em; border-bottom: 1px solid #eee; text-align: right;
  white-space: nowrap; }
th { background: #f4f4f4; font-weight: 600; }
td.name, th.name { text-align: left; }
table.heat td { border: 1px solid #fff; min-width: 3.2em; text-align: center; }
table.heat td.empty { background: #f0f0f0; color: #999; }
svg { max-width: 100%; height: auto; display: block; }
div.scroll { overflow-x: auto; max-width: 100%; }
td.wrap { white-space: normal; min-width: 16em; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
td svg { display: inline-block; vertical-align: middle; }
svg.interval, svg.interval-axis { max-width: none; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; margin: 0.6em 0;
  font-size: 0.92em; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
details { margin: 0.6em 0; }
summary { cursor: pointer; color: #2166ac; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
code { font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace; font-size: 0.95em; }
@media (max-width: 600px) { body { padding: 1em 0.8em 2em; } h1 { font-size: 1.35em; } }
";

#[derive(Default)]
struct Page {
    html: String,
}

impl Page {
    fn push(&mut self, text: &str) {
        self.html.push_str(text);
    }

    fn head(&mut self, data: &Data, tuning: bool) {
        let title = format!("Gigawatt tournament report: {}", data.name);
        let _ = write!(
            self.html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n",
            escape(&title),
            escape(&title)
        );
        let mut facts: Vec<(&str, String)> = Vec::new();
        if let Some(c) = &data.config {
            facts.push(("scenarios", c.scenarios.join(", ")));
            facts.push((
                "format",
                match &c.format {
                    Format::RoundRobin => "round robin".to_string(),
                    Format::Gauntlet { focal } => format!("gauntlet of {focal}"),
                },
            ));
            facts.push(("strategies", c.strategies.len().to_string()));
            facts.push(("seeds per pairing", c.seeds.to_string()));
            facts.push(("tournament seed", c.seed.to_string()));
            facts.push((
                "months per game",
                c.months
                    .map_or_else(|| "the scenario's horizon".to_string(), |m| m.to_string()),
            ));
        }
        facts.push(("games", data.games.to_string()));
        if let Some(reason) = &data.stopping {
            facts.push(("stopped early", reason.clone()));
        }
        facts.push(("strategy faults", data.faults.to_string()));
        self.push("<dl class=\"facts\">\n");
        for (k, v) in facts {
            let _ = writeln!(self.html, "<dt>{k}</dt><dd>{}</dd>", escape(&v));
        }
        self.push("</dl>\n<nav>");
        let explore = &data.explore;
        for (id, label, shown) in [
            ("standings", "Standings", true),
            ("seats", "By seat", true),
            ("payoff", "Payoff matrix", true),
            ("meta-game", "Meta-game", true),
            ("trajectories", "Capability trajectories", true),
            ("arrival", "Superintelligence arrival", true),
            (
                "sensitivity",
                "What decides the race",
                explore.sensitivity.is_some(),
            ),
            (
                "discovery",
                "Where the outcome holds",
                explore.discovery.is_some(),
            ),
            (
                "robustness",
                "Robust strategies",
                explore.robustness.is_some(),
            ),
            ("tuning", "Tuning", tuning),
        ] {
            if shown {
                let _ = write!(self.html, "<a href=\"#{id}\">{label}</a>");
            }
        }
        self.push("</nav>\n</header>\n");
    }

    fn section(&mut self, id: &str, title: &str, note: &str) {
        let _ = write!(
            self.html,
            "<section id=\"{id}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
            escape(title),
            escape(note)
        );
    }

    fn standings(&mut self, data: &Data) {
        let source = if data.standings_from_file {
            "standings.csv"
        } else {
            "recomputed from games.jsonl"
        };
        self.section(
            "standings",
            "Standings",
            &format!(
                "Mean score per seat with its 95% bootstrap interval (resampling units, the \
                 seat-rotated games on one world seed); the bar shows the interval with the mean as a \
                 dot, on the scale drawn in the column's header (chosen to cover the intervals, \
                 0.5 darker when in range). Tied: the ranks not statistically \
                 distinguishable. Source: {source}."
            ),
        );
        if data.standings.is_empty() {
            self.push("<p>No standings: no game has been played.</p>\n</section>\n");
            return;
        }
        let rank_of: std::collections::HashMap<&str, usize> = data
            .standings
            .iter()
            .map(|s| (s.strategy.as_str(), s.rank))
            .collect();
        let ends: Vec<f64> = data
            .standings
            .iter()
            .flat_map(|s| [s.ci_low, s.ci_high, s.mean_score])
            .collect();
        let scale = IntervalScale::covering(&ends);
        let _ = write!(
            self.html,
            "<div class=\"scroll\"><table class=\"standings\">\n<thead><tr><th>rank</th>\
             <th class=\"name\">strategy</th><th>games</th><th>W</th><th>D</th><th>L</th>\
             <th>score</th><th>95% CI</th><th class=\"name\">interval {}</th>\
             <th class=\"name\">tied</th><th>Elo</th><th>Glicko-2</th><th>TrueSkill</th>\
             <th>BT</th></tr></thead>\n<tbody>\n",
            scale.axis()
        );
        for s in &data.standings {
            let ci = s.ci_text();
            let tied = s.tied_ranks(&rank_of);
            let _ = writeln!(
                self.html,
                "<tr><td>{}</td><td class=\"name\" title=\"{}\">{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"name\">{}</td>\
                 <td class=\"name\">{}</td><td>{}</td><td>{} ± {}</td><td>{} ± {}</td><td>{}</td></tr>",
                s.rank,
                escape(&s.strategy),
                escape(&shorten(&s.strategy, SPEC_WIDTH)),
                s.games,
                s.wins,
                s.draws,
                s.losses,
                cell(s.mean_score, 3),
                ci,
                scale.bar(
                    s.mean_score,
                    s.ci_low,
                    s.ci_high,
                    data.color_of(&s.strategy)
                ),
                tied,
                cell(s.elo, 0),
                cell(s.glicko2, 0),
                cell(s.glicko2_deviation, 0),
                cell(s.trueskill_mu, 1),
                cell(s.trueskill_sigma, 1),
                cell(s.bradley_terry, 2),
            );
        }
        self.push("</tbody>\n</table></div>\n</section>\n");
    }

    fn seats(&mut self, data: &Data) {
        self.section(
            "seats",
            "By seat: who wins where",
            "The same games kept apart by seat. First each nation over all its games, whatever \
             the strategy (a seat that wins whoever plays it is the scenario, not the strategy); \
             then each strategy in each seat, each lineup (who sat where) and the games \
             themselves with the command that plays each again. Mean score with a 95% Student's t \
             interval (a strategy plays one game per seed in a seat, so its games there are \
             independent; clamped to [0, 1]). Sources: seat_standings.csv, matchups.csv and \
             games.csv, recomputed from games.jsonl.",
        );
        let drill = &data.drilldown;
        if drill.nations.is_empty() {
            self.push("<p>No game has been played.</p>\n</section>\n");
            return;
        }
        // One scale for every interval of the section, so rows compare at a glance.
        let mut ends: Vec<f64> = Vec::new();
        for t in drill.nation_totals.values().chain(drill.seats.values()) {
            let (lo, hi) = t.interval();
            ends.extend([lo, hi, t.mean()]);
        }
        let scale = IntervalScale::covering(&ends);
        let row = |t: &ScoreTally, fill: RGBColor| -> String {
            let (lo, hi) = t.interval();
            format!(
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"name\">{}</td>",
                t.games,
                t.wins,
                t.draws,
                t.losses,
                cell(t.mean(), 3),
                ci_text(lo, hi),
                scale.bar(t.mean(), lo, hi, fill)
            )
        };
        let header = |first: &str| -> String {
            format!(
                "<div class=\"scroll\"><table class=\"seat\">\n<thead><tr>{first}<th>games</th>\
                 <th>W</th><th>D</th><th>L</th><th>score</th><th>95% CI</th>\
                 <th class=\"name\">interval {}</th></tr></thead>\n<tbody>\n",
                scale.axis()
            )
        };
        self.line(&format!(
            "Whatever the strategy, {}.",
            drill.seat_lines().join("; ")
        ));
        self.push("<h3>Each nation, all strategies</h3>\n");
        self.push(&header("<th class=\"name\">nation</th>"));
        for (i, nation) in drill.nations.iter().enumerate() {
            let t = &drill.nation_totals[nation];
            let _ = writeln!(
                self.html,
                "<tr><td class=\"name\">{}</td>{}</tr>",
                escape(nation),
                row(t, color(i))
            );
        }
        self.push("</tbody>\n</table></div>\n<h3>Each strategy in each seat</h3>\n");
        self.push(&header(
            "<th class=\"name\">nation</th><th>rank</th><th class=\"name\">strategy</th>",
        ));
        for r in drill.seat_standings() {
            let key = (
                Arc::<str>::from(r.nation.as_str()),
                Arc::<str>::from(r.strategy.as_str()),
            );
            let t = &drill.seats[&key];
            let _ = writeln!(
                self.html,
                "<tr><td class=\"name\">{}</td><td>{}</td><td class=\"name\" title=\"{}\">{}</td>{}</tr>",
                escape(&r.nation),
                r.rank_in_seat,
                escape(&r.strategy),
                escape(&shorten(&r.strategy, SPEC_WIDTH)),
                row(t, data.color_of(&r.strategy))
            );
        }
        self.push("</tbody>\n</table></div>\n");
        let lineups: Vec<_> = drill.lineups().collect();
        let _ = write!(
            self.html,
            "<details>\n<summary>Each lineup: {} (wins, draws and losses per seat)</summary>\n\
             <div class=\"scroll\"><table class=\"matchups\">\n<thead><tr><th>lineup</th>\
             <th>games</th><th class=\"name\">seat</th><th class=\"name\">strategy</th><th>W</th>\
             <th>D</th><th>L</th><th>score</th><th>95% CI</th></tr></thead>\n<tbody>\n",
            plural(lineups.len(), "lineup", "lineups")
        );
        for (k, (lineup, tallies)) in lineups.iter().enumerate() {
            for (i, ((nation, strategy), t)) in lineup.iter().zip(*tallies).enumerate() {
                let (lo, hi) = t.interval();
                let first = if i == 0 {
                    format!(
                        "<td rowspan=\"{}\">{}</td><td rowspan=\"{}\">{}</td>",
                        lineup.len(),
                        k + 1,
                        lineup.len(),
                        t.games
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(
                    self.html,
                    "<tr>{first}<td class=\"name\">{}</td><td class=\"name\" title=\"{}\">{}</td>\
                     <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(nation),
                    escape(strategy),
                    escape(&shorten(strategy, SPEC_WIDTH)),
                    t.wins,
                    t.draws,
                    t.losses,
                    cell(t.mean(), 3),
                    ci_text(lo, hi)
                );
            }
        }
        self.push("</tbody>\n</table></div>\n</details>\n");
        let shown = data.game_list.len();
        let which = if shown < data.games {
            format!(
                "the first {shown} of {} games; every game is in games.csv",
                count(data.games as f64)
            )
        } else {
            format!("all {} (also in games.csv)", plural(shown, "game", "games"))
        };
        let _ = write!(
            self.html,
            "<details>\n<summary>Games: {which}, each with the command that replays it</summary>\n\
             <div class=\"scroll\"><table class=\"games\">\n<thead><tr><th>game</th>\
             <th class=\"name\">lineup</th><th class=\"name\">winner</th><th>scores</th>\
             <th>superintelligence</th><th class=\"name\">replay</th></tr></thead>\n<tbody>\n"
        );
        for g in &data.game_list {
            let _ = writeln!(
                self.html,
                "<tr><td>{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td>\
                 <td>{}</td><td class=\"name\"><code>{}</code></td></tr>",
                g.game_id,
                escape(&g.lineup),
                escape(g.winner.as_deref().unwrap_or("none")),
                escape(
                    &g.scores
                        .split(';')
                        .map(|v| v
                            .parse::<f64>()
                            .map_or_else(|_| v.to_string(), |v| fixed(v, 2)))
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
                escape(g.first_asi_date.as_deref().unwrap_or("—")),
                escape(&g.replay)
            );
        }
        self.push("</tbody>\n</table></div>\n</details>\n");
        if !data.fault_list.is_empty() {
            let _ = write!(
                self.html,
                "<details>\n<summary>Strategy faults: {}{}</summary>\n<div class=\"scroll\">\
                 <table class=\"faults\">\n<thead><tr><th>game</th><th>date</th>\
                 <th class=\"name\">nation</th><th class=\"name\">strategy</th>\
                 <th class=\"name\">what happened</th></tr></thead>\n<tbody>\n",
                data.faults,
                if data.fault_list.len() < data.faults {
                    format!(
                        " (the first {} listed; all are in games.jsonl)",
                        data.fault_list.len()
                    )
                } else {
                    String::new()
                }
            );
            for (game, f) in &data.fault_list {
                let _ = writeln!(
                    self.html,
                    "<tr><td>{game}</td><td>{}</td><td class=\"name\">{}</td>\
                     <td class=\"name\">{}</td><td class=\"name wrap\">{}</td></tr>",
                    escape(&data.month(f64::from(f.month))),
                    escape(&f.nation),
                    escape(&shorten(&f.strategy, SPEC_WIDTH)),
                    escape(&f.message)
                );
            }
            self.push("</tbody>\n</table></div>\n</details>\n");
        }
        self.push("</section>\n");
    }

    fn payoff(&mut self, data: &Data) {
        self.section(
            "payoff",
            "Payoff matrix",
            "Mean score of the row strategy against the column strategy: blue above 0.5, red \
             below, grey where the two never met. Under each mean, the half-width of its 95% \
             Student's t interval over units (the seat-rotated games on one seed, averaged first) and \
             the number of games; hover a cell for the interval itself. Both seat orders are pooled \
             here: the By seat section keeps them apart.",
        );
        let matrix = &data.payoff;
        // Columns are narrow: specs over 16 characters get a short label and a legend below.
        let short = abbreviate(&data.strategies, gigawatt_arena::standings::SPEC_COLUMN);
        self.push(
            "<div class=\"scroll\"><table class=\"heat\">\n<thead><tr><th class=\"name\">row against column</th>",
        );
        for (s, label) in data.strategies.iter().zip(&short) {
            let _ = write!(
                self.html,
                "<th title=\"{}\">{}</th>",
                escape(s),
                escape(label)
            );
        }
        self.push("</tr></thead>\n<tbody>\n");
        let mut counts = std::collections::BTreeSet::new();
        for (i, (s, row)) in data.strategies.iter().zip(matrix).enumerate() {
            let _ = write!(
                self.html,
                "<tr><th class=\"name\" title=\"{}\">{}</th>",
                escape(s),
                escape(&short[i])
            );
            for (j, v) in row.iter().enumerate() {
                let col = &data.strategies[j];
                let cell = data
                    .pairs
                    .get(&(Arc::from(s.as_str()), Arc::from(col.as_str())));
                match (v, cell) {
                    (Some(v), Some(c)) => {
                        let (fill, ink) = heat(*v);
                        let (lo, hi) = c.units.interval();
                        counts.insert(c.games);
                        let half = if lo.is_finite() && hi.is_finite() {
                            format!("±{}", fixed((hi - lo) / 2.0, 2))
                        } else {
                            "±—".to_string()
                        };
                        let _ = write!(
                            self.html,
                            "<td style=\"background:{fill};color:{ink}\" title=\"{} against {}: \
                             mean score {}, 95% interval {}, {} over {}\">{}<br/>\
                             <small>{half} · {}</small></td>",
                            escape(s),
                            escape(col),
                            fixed(*v, 3),
                            ci_text(lo, hi),
                            plural(c.games, "game", "games"),
                            plural(c.units.games as usize, "unit", "units"),
                            fixed(*v, 2),
                            c.games
                        );
                    }
                    (Some(v), None) => {
                        let (fill, ink) = heat(*v);
                        let _ = write!(
                            self.html,
                            "<td style=\"background:{fill};color:{ink}\">{}</td>",
                            fixed(*v, 2)
                        );
                    }
                    (None, _) => self.push("<td class=\"empty\">—</td>"),
                }
            }
            self.push("</tr>\n");
        }
        self.push("</tbody>\n</table></div>\n");
        let games = match counts.len() {
            0 => String::new(),
            1 => format!(
                "Every cell holds {}. ",
                plural(*counts.first().unwrap_or(&0), "game", "games")
            ),
            _ => format!(
                "Cells hold {} to {} games. ",
                counts.first().unwrap_or(&0),
                counts.last().unwrap_or(&0)
            ),
        };
        let legend: Vec<String> = data
            .strategies
            .iter()
            .zip(&short)
            .filter(|(s, l)| s != l)
            .map(|(s, l)| format!("{l} = {s}"))
            .collect();
        let legend = if legend.is_empty() {
            String::new()
        } else {
            format!("Abbreviations: {}.", legend.join("; "))
        };
        if !games.is_empty() || !legend.is_empty() {
            let _ = writeln!(
                self.html,
                "<p class=\"note\">{}</p>",
                escape(&format!("{games}{legend}"))
            );
        }
        self.push("</section>\n");
    }

    fn meta_game(&mut self, data: &Data) -> Result<()> {
        let Some(analysis) = &data.analysis else {
            self.section(
                "meta-game",
                "Meta-game: evolutionary stationary distribution",
                "No analysis.json in this folder: the meta-game needs every pair of strategies to \
                 have met (a gauntlet or a shard leaves gaps).",
            );
            self.push("</section>\n");
            return Ok(());
        };
        let evolutionary = &analysis["evolutionary"];
        let population = evolutionary["population"].as_u64().unwrap_or(0);
        let selection = evolutionary["selection"].as_f64().unwrap_or(f64::NAN);
        self.section(
            "meta-game",
            "Meta-game: evolutionary stationary distribution",
            &format!(
                "Share of time a finite population (Z = {population}) imitating by pairwise \
                 comparison (selection β = {}) spends on each strategy, in the limit of rare \
                 mutations; with the symmetric Nash equilibrium and α-rank of the same payoff \
                 matrix. Source: analysis.json.",
                trim(selection)
            ),
        );
        let entries = |v: &serde_json::Value| -> Vec<(String, f64)> {
            v.as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(f64::NAN)))
                        .collect()
                })
                .unwrap_or_default()
        };
        let stationary = entries(&evolutionary["stationary"]);
        let nash: BTreeMap<String, f64> = entries(&analysis["nash"]["probabilities"])
            .into_iter()
            .collect();
        let alpha: BTreeMap<String, f64> = analysis["alpha_rank"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| {
                        Some((r["strategy"].as_str()?.to_string(), r["mass"].as_f64()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut bars = stationary.clone();
        bars.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if !bars.is_empty() {
            self.push(&stationary_chart(data, &bars)?);
        }
        self.push(
            "<table class=\"meta\">\n<thead><tr><th class=\"name\">strategy</th><th>evolutionary</th>\
             <th>Nash</th><th>α-rank</th></tr></thead>\n<tbody>\n",
        );
        for (s, mass) in &bars {
            let _ = writeln!(
                self.html,
                "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(s),
                cell(*mass, 4),
                cell(nash.get(s).copied().unwrap_or(f64::NAN), 4),
                cell(alpha.get(s).copied().unwrap_or(f64::NAN), 4)
            );
        }
        self.push("</tbody>\n</table>\n");
        // Every equilibrium, and α-rank's response graph, from the payoff matrix itself (so older
        // folders, whose analysis.json lists one equilibrium, get them too).
        let complete: Option<Vec<Vec<f64>>> = data
            .payoff
            .iter()
            .map(|row| row.iter().copied().collect::<Option<Vec<f64>>>())
            .collect();
        let payoff = complete.and_then(|m| analyze::Payoff::new(data.strategies.clone(), m).ok());
        if let Some(payoff) = payoff {
            let found = analyze::equilibria(&payoff);
            let text = match found.len() {
                0 => "Support enumeration finds no equilibrium (a degenerate game): the Nash \
                      column is Lemke–Howson's."
                    .to_string(),
                1 => format!(
                    "The symmetric equilibrium is unique among those support enumeration finds: {}.",
                    analyze::equilibria_text(&found).trim_start_matches("1 equilibrium: ")
                ),
                _ => format!(
                    "Not unique: {}. The Nash column shows the first; each is an equilibrium of \
                     the meta-game, so which strategy \"wins\" depends on where play starts.",
                    analyze::equilibria_text(&found)
                ),
            };
            self.line(&text);
            let population = analysis["evolutionary"]["population"]
                .as_u64()
                .map_or(analyze::DEFAULT_POPULATION, |p| p as usize);
            let alpha_value = analysis["alpha"].as_f64().unwrap_or(analyze::DEFAULT_ALPHA);
            if analyze::check_parameters(population, alpha_value).is_ok() {
                let rho = analyze::alpha_rank_fixation(&payoff, alpha_value, population);
                self.figure(response_graph(data, &rho, &alpha, population, alpha_value));
            }
        }
        self.push("</section>\n");
        Ok(())
    }

    fn trajectories(&mut self, data: &Data) -> Result<()> {
        let years = if data.start_year.is_some() {
            "calendar years"
        } else {
            "years since the start (the scenario could not be loaded)"
        };
        self.section(
            "trajectories",
            "Capability trajectories by strategy",
            &format!(
                "Best-lab capability (log10 of compute-optimal 2022-equivalent training FLOP) at \
                 the end of each year, over every seat a strategy played: median (line) and \
                 inter-quartile band; the grey line is the median over all strategies, the dashed \
                 red line the superintelligence threshold. A game stops when a nation reaches \
                 superintelligence: from then on its seats count with the capability they ended \
                 with (carried forward), so a median never falls because the leaders finished, and \
                 the dotted line (right axis) shows the share of the strategy's games still \
                 running. x axis: {years}."
            ),
        );
        self.push(&trajectory_chart(data)?);
        self.push("</section>\n");
        Ok(())
    }

    fn arrival(&mut self, data: &Data) -> Result<()> {
        self.section(
            "arrival",
            "Superintelligence arrival",
            "When the first nation of each game crossed the superintelligence line: games per \
             quarter (bars) and the cumulative share of all games (line, right axis).",
        );
        let months = &data.months;
        let total = data.games;
        if months.is_empty() {
            let _ = writeln!(
                self.html,
                "<p class=\"summary\">No game of {total} reached superintelligence.</p>"
            );
        } else {
            let _ = writeln!(
                self.html,
                "<p class=\"summary\">{} of {total} games ({}%) reached superintelligence: \
                 earliest {}, median {}, 10th to 90th percentile {} to {}, latest {}.</p>",
                months.len(),
                fixed(100.0 * months.len() as f64 / total as f64, 1),
                data.month(months.nth(0)),
                data.month(months.quantile(0.5)),
                data.month(months.quantile(0.1)),
                data.month(months.quantile(0.9)),
                data.month(months.nth(months.len() - 1)),
            );
            self.push(&arrival_chart(data, months)?);
        }
        let arrivals = &data.arrivals;
        if !arrivals.is_empty() {
            let _ = write!(
                self.html,
                "<details>\n<summary>By pairing ({} pairings)</summary>\n<table class=\"arrivals\">\n\
                 <thead><tr><th class=\"name\">pairing</th><th>games</th><th>with ASI</th>\
                 <th>10%</th><th>median</th><th>90%</th></tr></thead>\n<tbody>\n",
                arrivals.len()
            );
            for a in arrivals {
                let month = |m: Option<f64>| m.map_or_else(|| "—".to_string(), |m| data.month(m));
                let _ = writeln!(
                    self.html,
                    "<tr><td class=\"name\">{}</td><td>{}</td><td>{}%</td><td>{}</td><td>{}</td>\
                     <td>{}</td></tr>",
                    escape(&a.pairing.join(" vs ")),
                    a.games,
                    fixed(100.0 * a.share_with_asi, 0),
                    month(a.p10),
                    month(a.p50),
                    month(a.p90)
                );
            }
            self.push("</tbody>\n</table>\n</details>\n");
        }
        self.push("</section>\n");
        Ok(())
    }

    /// One line of text saying what there is (or why there is nothing more).
    fn line(&mut self, text: &str) {
        let _ = writeln!(self.html, "<p class=\"summary\">{}</p>", escape(text));
    }

    /// A figure of an explore section, or one line saying why it could not be drawn.
    fn figure(&mut self, figure: Result<String>) {
        match figure {
            Ok(svg) => self.push(&svg),
            Err(e) => self.line(&format!("The figure could not be drawn: {e:#}")),
        }
    }

    fn sensitivity(&mut self, data: &Data) {
        let Some(result) = &data.explore.sensitivity else {
            return;
        };
        self.section(
            "sensitivity",
            "What decides the race",
            "For each world outcome (win_share:NATION, the share of a world's games the nation \
             won; capability_gap:A-B, the mean gap in best-lab capability at the end, in orders of \
             magnitude; asi_month:NATION, the mean month it crossed the superintelligence line, \
             censored at the horizon), Borgonovo's moment-independent δ of each uncertain \
             parameter: 0 when the outcome's distribution does not depend on the parameter, at most \
             1, and unlike a share of variance it sees effects on the whole distribution. Largest \
             first, with 95% bootstrap intervals (whiskers). The line and grey band are the noise \
             floor, what a random input unrelated to the outcome scores, with its interval: a bar \
             is blue when its interval lies wholly above the floor's, grey when it cannot be told \
             from noise. Source: sensitivity.csv.",
        );
        match result {
            Err(e) => self.line(&e.to_string()),
            Ok(outcomes) => self.sensitivity_body(data, outcomes),
        }
        self.push("</section>\n");
    }

    fn sensitivity_body(&mut self, data: &Data, outcomes: &[OutcomeSensitivity]) {
        let parameters: std::collections::BTreeSet<&str> = outcomes
            .iter()
            .flat_map(|o| o.parameters.iter().map(|p| p.name.as_str()))
            .collect();
        if parameters.is_empty() {
            let few = match data.explore.worlds {
                Some(n) if n < gigawatt_arena::explore::sensitivity::MIN_SAMPLES => format!(
                    ": {n} worlds are too few for the analysis (it needs at least {})",
                    gigawatt_arena::explore::sensitivity::MIN_SAMPLES
                ),
                _ => String::new(),
            };
            self.line(&format!(
                "sensitivity.csv holds no index of any parameter{few}."
            ));
            return;
        }
        self.line(&format!(
            "Across {}, {} (fields that share a factor count as one, named factor:NAME) and {}.",
            data.explore.worlds_text(),
            plural(
                parameters.len(),
                "uncertain parameter",
                "uncertain parameters"
            ),
            plural(outcomes.len(), "world outcome", "world outcomes")
        ));
        let flat: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.all_zero())
            .map(|o| o.outcome.as_str())
            .collect();
        if !flat.is_empty() {
            self.line(&format!(
                "Every δ of {} is 0: the outcome took the same value in every world, so no \
                 parameter moves it (not drawn).",
                flat.join(", ")
            ));
        }
        let drawn: Vec<(&OutcomeSensitivity, Vec<(&str, Estimate)>)> = outcomes
            .iter()
            .filter(|o| !o.all_zero())
            .map(|o| (o, o.ranked()))
            .filter(|(_, bars)| !bars.is_empty())
            .collect();
        if !drawn.is_empty() {
            self.figure(tornado_chart(&drawn));
        }
        let ci = |e: Option<Estimate>| match e {
            Some(e) if e.ci_low.is_finite() || e.ci_high.is_finite() => {
                format!("[{}, {}]", sig3(e.ci_low), sig3(e.ci_high))
            }
            _ => "—".to_string(),
        };
        let value = |e: Option<Estimate>| sig3(e.map_or(f64::NAN, |e| e.value));
        self.push(
            "<details>\n<summary>Every index as a table (δ and the first-order variance index S1, \
             with 95% intervals)</summary>\n<table class=\"sensitivity\">\n<thead><tr>\
             <th class=\"name\">outcome</th><th class=\"name\">parameter</th><th>δ</th>\
             <th>95% CI</th><th>S1</th><th>95% CI</th></tr></thead>\n<tbody>\n",
        );
        for o in outcomes {
            // By δ, largest first; parameters without a δ after them, in the file's order.
            let mut order: Vec<&ParameterSensitivity> = o.parameters.iter().collect();
            let key = |p: &ParameterSensitivity| {
                p.delta
                    .map(|d| d.value)
                    .filter(|v| v.is_finite())
                    .unwrap_or(f64::NEG_INFINITY)
            };
            order.sort_by(|a, b| key(b).total_cmp(&key(a)));
            let rows = order
                .iter()
                .map(|p| (p.name.as_str(), p.delta, p.s1))
                .chain(
                    (o.floor_delta.is_some() || o.floor_s1.is_some()).then_some((
                        "noise floor",
                        o.floor_delta,
                        o.floor_s1,
                    )),
                );
            for (name, delta, s1) in rows {
                let _ = writeln!(
                    self.html,
                    "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td>\
                     <td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&o.outcome),
                    escape(name),
                    value(delta),
                    ci(delta),
                    value(s1),
                    ci(s1)
                );
            }
        }
        self.push("</tbody>\n</table>\n</details>\n");
    }

    fn discovery(&mut self, data: &Data) {
        let Some(result) = &data.explore.discovery else {
            return;
        };
        self.section(
            "discovery",
            "Where the outcome holds (PRIM)",
            "Scenario discovery with PRIM (Friedman & Fisher 1999, as in the EMA Workbench): the \
             box of parameter ranges where the worlds of interest concentrate. Coverage is the \
             share of all worlds of interest inside the box, density the share of the worlds \
             inside it that are of interest, mass the share of all worlds inside it. Peeling trims \
             the box a slice at a time, trading coverage for density (the curve); the selected box \
             is the first to reach the density threshold, then pasted (widened where that helps). \
             Source: discovery.json.",
        );
        match result {
            Err(e) => self.line(&e.to_string()),
            Ok(d) => self.discovery_body(d),
        }
        self.push("</section>\n");
    }

    fn discovery_body(&mut self, d: &DiscoveryJson) {
        let share = if d.worlds > 0 {
            format!(
                " ({}%)",
                sig3(100.0 * d.worlds_of_interest as f64 / d.worlds as f64)
            )
        } else {
            String::new()
        };
        self.line(&format!(
            "Outcome of interest: {}. {} of {} worlds{share} are of interest.",
            d.outcome, d.worlds_of_interest, d.worlds
        ));
        let Some(prim) = &d.prim else {
            if d.worlds_of_interest == 0 {
                self.line(&format!(
                    "No box: none of the {} worlds is of interest, so there is no region where \
                     the outcome holds.",
                    d.worlds
                ));
            } else {
                let error = d.error.as_deref().unwrap_or("PRIM found none");
                self.line(&format!("No box: {}.", error.trim_end_matches('.')));
            }
            return;
        };
        let threshold = prim.threshold();
        let threshold_text = threshold.map_or_else(|| "the threshold".to_string(), trim);
        let Some(k) = prim.selected else {
            let densest = prim
                .trajectory
                .iter()
                .enumerate()
                .filter(|(_, b)| b.density().is_finite())
                .max_by(|a, b| a.1.density().total_cmp(&b.1.density()).then(b.0.cmp(&a.0)));
            match densest {
                Some((i, b)) => self.line(&format!(
                    "No box reaches density {threshold_text}: the densest, box {i}, has density {} \
                     at coverage {}.",
                    sig3(b.density()),
                    sig3(b.coverage())
                )),
                None => self.line("No box: the peeling trajectory is empty."),
            }
            if !prim.trajectory.is_empty() {
                self.figure(tradeoff_chart(prim, None));
            }
            return;
        };
        let selected = &prim.trajectory[k];
        let pasted = prim.pasted.as_ref().filter(|p| *p != selected);
        let chosen = pasted.unwrap_or(selected);
        self.push(
            "<table class=\"prim-measures\">\n<thead><tr><th class=\"name\">box</th>\
             <th>coverage</th><th>density</th><th>mass</th><th>worlds in it</th>\
             <th>of interest</th><th>parameters restricted</th></tr></thead>\n<tbody>\n",
        );
        let mut rows: Vec<(String, &BoxJson)> = Vec::new();
        if k != 0 {
            rows.push(("all worlds (box 0)".to_string(), &prim.trajectory[0]));
        }
        rows.push((format!("box {k} (selected)"), selected));
        if let Some(p) = pasted {
            rows.push((format!("box {k} after pasting"), p));
        }
        for (name, b) in rows {
            let _ = writeln!(
                self.html,
                "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td></tr>",
                escape(&name),
                sig3(b.coverage()),
                sig3(b.density()),
                sig3(b.mass()),
                b.cases,
                b.cases_of_interest,
                b.restricted.len()
            );
        }
        self.push("</tbody>\n</table>\n");
        let which = if pasted.is_some() {
            format!("Box {k} after pasting")
        } else {
            format!("Box {k}")
        };
        if chosen.restricted.is_empty() {
            self.line(&format!(
                "{which} restricts no parameter: the outcome holds as often across the whole \
                 sampled range."
            ));
        } else {
            self.line(&format!(
                "{which}: the worlds of interest concentrate where every restricted parameter \
                 lies in its range below (density {} against {} over all worlds).",
                sig3(chosen.density()),
                prim.trajectory
                    .first()
                    .map_or_else(|| "—".to_string(), |b| sig3(b.density()))
            ));
            self.push(
                "<table class=\"prim-box\">\n<thead><tr><th class=\"name\">parameter</th>\
                 <th>box</th><th>full range</th><th>share of the range</th></tr></thead>\n<tbody>\n",
            );
            for &j in &chosen.restricted {
                let (l, f) = (chosen.limits[j], prim.full_range[j]);
                let number = |v: Option<f64>| v.unwrap_or(f64::NAN);
                let (low, high) = (number(l.low), number(l.high));
                let (full_low, full_high) = (number(f.low), number(f.high));
                let kept = (high.min(full_high) - low.max(full_low)) / (full_high - full_low);
                let kept = if kept.is_finite() {
                    format!("{}%", sig3(100.0 * kept.clamp(0.0, 1.0)))
                } else {
                    "—".to_string()
                };
                let _ = writeln!(
                    self.html,
                    "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{kept}</td></tr>",
                    escape(&prim.parameters[j]),
                    range_text(low, high),
                    range_text(full_low, full_high),
                );
            }
            self.push("</tbody>\n</table>\n");
        }
        self.figure(tradeoff_chart(prim, Some(k)));
    }

    fn robustness(&mut self, data: &Data) {
        let Some(result) = &data.explore.robustness else {
            return;
        };
        self.section(
            "robustness",
            "Robust strategies",
            "Per seat (nation), each strategy's mean score per world (over its games there) \
             summarised across the worlds: the mean and the 10th, 50th and 90th percentiles. Its \
             regret in a world is the best score any strategy got in that seat there minus its \
             own (Savage's minimax regret, as in robust decision making); the satisficing share is \
             the share of worlds where it scored at least the threshold. The most robust first: \
             fewest max regret, then mean regret. Source: robustness.csv.",
        );
        match result {
            Err(e) => self.line(&e.to_string()),
            Ok(rows) => self.robustness_body(data, rows),
        }
        self.push("</section>\n");
    }

    fn robustness_body(&mut self, data: &Data, rows: &[Robustness]) {
        if rows.is_empty() {
            self.line("robustness.csv holds no strategy.");
            return;
        }
        let seats = by_seat(rows);
        let strategies: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.strategy.as_str()).collect();
        self.line(&format!(
            "{} in {} across {}.",
            plural(strategies.len(), "strategy", "strategies"),
            plural(seats.len(), "seat", "seats"),
            data.explore.worlds_text()
        ));
        for (seat, rows) in &seats {
            let first = rows[0].threshold;
            let same = rows
                .iter()
                .all(|r| r.threshold.to_bits() == first.to_bits());
            let share_header = if same && first.is_finite() {
                format!("share of worlds scoring ≥ {}", trim(first))
            } else {
                "satisficing share (threshold)".to_string()
            };
            let _ = write!(
                self.html,
                "<h3>Seat {}</h3>\n<table class=\"robustness\">\n<thead><tr>\
                 <th class=\"name\">strategy</th><th>worlds</th><th>mean</th><th>p10</th>\
                 <th>p50</th><th>p90</th><th>max regret</th><th>mean regret</th><th>{}</th>\
                 </tr></thead>\n<tbody>\n",
                escape(seat),
                escape(&share_header)
            );
            for r in rows {
                let share = if same {
                    sig3(r.satisficing_share)
                } else {
                    format!("{} (≥ {})", sig3(r.satisficing_share), trim(r.threshold))
                };
                let _ = writeln!(
                    self.html,
                    "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                     <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&r.strategy),
                    r.worlds,
                    sig3(r.mean),
                    sig3(r.p10),
                    sig3(r.p50),
                    sig3(r.p90),
                    sig3(r.max_regret),
                    sig3(r.mean_regret),
                    escape(&share)
                );
            }
            self.push("</tbody>\n</table>\n");
        }
        self.figure(regret_chart(data, &seats));
    }

    fn tuning(&mut self, history: &History) -> Result<()> {
        self.section(
            "tuning",
            "Tuning",
            "A tuning run of gigawatt tune, read from its folder: first what it is worth on \
             seeds it never saw (held_out.csv), then the finalists re-checked on fresh seeds \
             (finalists.csv), the search's convergence and a slice per parameter (history.csv). \
             The search score of the best evaluation is biased upwards (it is the maximum of many \
             noisy estimates, the winner's curse): quote the held-out result.",
        );
        if let Some(best) = &history.best {
            let _ = writeln!(
                self.html,
                "<p class=\"summary\">Best parameters: <code>{}</code></p>",
                escape(best)
            );
        }
        if let Some(rows) = &history.held_out {
            self.held_out_table(rows);
        }
        if let Some(rows) = &history.finalists {
            self.finalists_table(rows);
        }
        let best = history.best_so_far();
        match best.last() {
            None => self.push("<p class=\"summary\">The history holds no evaluation.</p>\n"),
            Some(&(_, top)) => {
                let (at, _, _) = history
                    .rows
                    .iter()
                    .find(|r| r.2 == top)
                    .copied()
                    .unwrap_or((f64::NAN, None, top));
                let generations = history
                    .rows
                    .iter()
                    .filter_map(|r| r.1)
                    .fold(f64::NEG_INFINITY, f64::max);
                let generations = if generations.is_finite() {
                    format!(" over {} generations", trim(generations + 1.0))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    self.html,
                    "<h3>Search</h3>\n<p class=\"summary\">{} evaluations{generations}; the \
                     highest search score was {} at evaluation {} (biased upwards: see the \
                     held-out result above).</p>",
                    history.rows.len(),
                    fixed(top, 4),
                    trim(at)
                );
                self.push(&tuning_chart(history, &best)?);
                if !history.parameters.is_empty() {
                    self.figure(slice_chart(history));
                }
            }
        }
        self.push("</section>\n");
        Ok(())
    }

    /// `held_out.csv` as a table, led by a sentence on the held-out opponents' difference.
    fn held_out_table(&mut self, rows: &[Vec<String>]) {
        let Some((header, body)) = rows.split_first() else {
            return;
        };
        let col = |name: &str| header.iter().position(|h| h == name);
        let get = |row: &Vec<String>, name: &str| -> f64 {
            col(name)
                .and_then(|k| row.get(k))
                .and_then(|c| c.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let text = |row: &Vec<String>, name: &str| -> String {
            col(name)
                .and_then(|k| row.get(k))
                .cloned()
                .unwrap_or_default()
        };
        let with_ci = |row: &Vec<String>, name: &str| -> String {
            format!(
                "{} {}",
                fixed(get(row, name), 3),
                ci_text(
                    get(row, &format!("{name}_low")),
                    get(row, &format!("{name}_high"))
                )
            )
        };
        // Lead with the held-out opponents (else the pool): the number to quote.
        let lead = body
            .iter()
            .find(|r| text(r, "opponents") == "held_out")
            .or_else(|| body.first());
        if let Some(r) = lead {
            let (lo, hi) = (get(r, "difference_low"), get(r, "difference_high"));
            let verdict = if lo > 0.0 {
                "better than the default (the interval excludes 0)"
            } else if hi < 0.0 {
                "worse than the default (the interval excludes 0)"
            } else {
                "not distinguishable from the default (the interval contains 0)"
            };
            let against = if text(r, "opponents") == "held_out" {
                "held-out opponents"
            } else {
                "the pool"
            };
            let _ = writeln!(
                self.html,
                "<p class=\"summary\"><strong>Held-out result</strong>: against the {against}, \
                 on {} seeds used nowhere in the search, the tuned strategy scores {} against \
                 the default's {}: a difference of {}, {verdict}.</p>",
                escape(&text(r, "seeds")),
                escape(&with_ci(r, "tuned")),
                escape(&with_ci(r, "default")),
                escape(&with_ci(r, "difference")),
            );
        }
        self.push(
            "<div class=\"scroll\"><table class=\"held-out\">\n<thead><tr>\
             <th class=\"name\">opponents</th><th>seeds</th><th>games</th>\
             <th>tuned [95% CI]</th><th>default [95% CI]</th><th>tuned − default [95% CI]</th>\
             </tr></thead>\n<tbody>\n",
        );
        for r in body {
            let _ = writeln!(
                self.html,
                "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td></tr>",
                escape(&text(r, "opponents").replace('_', "-")),
                escape(&text(r, "seeds")),
                escape(&text(r, "games")),
                escape(&with_ci(r, "tuned")),
                escape(&with_ci(r, "default")),
                escape(&with_ci(r, "difference")),
            );
        }
        self.push("</tbody>\n</table></div>\n");
    }

    /// `finalists.csv` as a table: each finalist's spec, search score and fresh-seed score.
    fn finalists_table(&mut self, rows: &[Vec<String>]) {
        let Some((header, body)) = rows.split_first() else {
            return;
        };
        let col = |row: &Vec<String>, name: &str| -> String {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|k| row.get(k))
                .cloned()
                .unwrap_or_default()
        };
        let number = |text: String| text.parse::<f64>().map_or(text, |v| fixed(v, 4));
        let _ = write!(
            self.html,
            "<h3>Finalists</h3>\n<p class=\"note\">The {} best candidates of the search, \
             re-evaluated on fresh seeds against the pool; the best of them was kept.</p>\n\
             <div class=\"scroll\"><table class=\"finalists\">\n<thead><tr><th>evaluation</th>\
             <th class=\"name\">spec</th><th>search score</th><th>finalist score</th></tr>\
             </thead>\n<tbody>\n",
            body.len()
        );
        for r in body {
            let _ = writeln!(
                self.html,
                "<tr><td>{}</td><td class=\"name\"><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(&col(r, "evaluation")),
                escape(&col(r, "spec")),
                escape(&number(col(r, "search_score"))),
                escape(&number(col(r, "finalist_score"))),
            );
        }
        self.push("</tbody>\n</table></div>\n");
    }

    fn end(&mut self, data: &Data) {
        self.push("<footer>\n<p>Made by <code>gigawatt report</code> from the folder's ");
        let files: Vec<String> = data
            .files
            .iter()
            .map(|f| format!("<code>{}</code>", escape(f)))
            .collect();
        self.push(&files.join(", "));
        self.push(
            ". Self-contained: no script, font, image or style sheet is loaded from anywhere.</p>\n\
             </footer>\n</body>\n</html>\n",
        );
    }
}

/// A number without trailing zeros: `1`, `0.5`.
fn trim(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "—".into()
    }
}

/// Strategy specs longer than this are shortened in tables (the whole spec is the cell's tooltip
/// and is in the legend or the CSV files).
const SPEC_WIDTH: usize = 32;

/// `[0.412, 0.498]`, or `—` when undefined.
fn ci_text(low: f64, high: f64) -> String {
    if low.is_finite() && high.is_finite() {
        format!("[{}, {}]", fixed(low, 3), fixed(high, 3))
    } else {
        "—".to_string()
    }
}

/// The scale of a column of interval bars: a range of scores chosen to cover every interval of the
/// column with round ticks, so a ±0.03 interval is as wide as the data allow instead of a dot on
/// [0, 1]. The column's header draws the axis with its ticks.
struct IntervalScale {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

/// Width and height of an interval bar, and the inset of the scale's ends, in px.
const BAR_WIDTH: f64 = 160.0;
const BAR_HEIGHT: f64 = 14.0;
const BAR_PAD: f64 = 12.0;

impl IntervalScale {
    /// The scale covering the finite values `ends` (in [0, 1]); [0, 1] when there are none.
    fn covering(ends: &[f64]) -> IntervalScale {
        let finite: Vec<f64> = ends.iter().copied().filter(|v| v.is_finite()).collect();
        let (lo, hi) = if finite.is_empty() {
            (0.0, 1.0)
        } else {
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        };
        let (ticks, (a, b)) = nice_ticks(lo.max(0.0), hi.min(1.0), 4);
        let (a, b) = (a.max(0.0), b.min(1.0));
        let ticks = ticks.into_iter().filter(|t| (a..=b).contains(t)).collect();
        IntervalScale {
            lo: a,
            hi: b,
            ticks,
        }
    }

    fn x(&self, v: f64) -> f64 {
        let span = (self.hi - self.lo).max(1e-12);
        BAR_PAD + ((v - self.lo) / span).clamp(0.0, 1.0) * (BAR_WIDTH - 2.0 * BAR_PAD)
    }

    /// The axis for the column header: ticks with their values (score, no unit: in [0, 1]).
    fn axis(&self) -> String {
        let h = 22.0;
        let mut svg = format!(
            "<svg class=\"interval-axis\" width=\"{BAR_WIDTH}\" height=\"{h}\" \
             viewBox=\"0 0 {BAR_WIDTH} {h}\" role=\"img\"><title>score axis of the interval \
             bars, {} to {}</title>\
             <line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#999999\" stroke-width=\"1\"/>",
            trim(self.lo),
            trim(self.hi),
            self.x(self.lo),
            self.x(self.hi),
            y = h - 1.0
        );
        for &t in &self.ticks {
            let _ = write!(
                svg,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#999999\" stroke-width=\"1\"/>\
                 <text x=\"{x}\" y=\"11\" font-size=\"10\" text-anchor=\"middle\" \
                 fill=\"#555555\" font-family=\"sans-serif\">{}</text>",
                h - 5.0,
                h - 1.0,
                trim_tick(t),
                x = self.x(t)
            );
        }
        svg.push_str("</svg>");
        svg
    }

    /// A row's bar: the interval, the mean as a dot, grid lines at the ticks and 0.5 (when in
    /// range) darker; the exact values as the tooltip.
    fn bar(&self, mean: f64, low: f64, high: f64, fill: RGBColor) -> String {
        let (w, h) = (BAR_WIDTH, BAR_HEIGHT);
        let mut svg = format!(
            "<svg class=\"interval\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
             role=\"img\"><title>mean score {}, 95% interval {}</title>",
            fixed(mean, 3),
            ci_text(low, high)
        );
        for &t in &self.ticks {
            let stroke = if (t - 0.5).abs() < 1e-9 {
                "#999999"
            } else {
                "#e4e4e4"
            };
            let _ = write!(
                svg,
                "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{h}\" stroke=\"{stroke}\" stroke-width=\"1\"/>",
                x = self.x(t)
            );
        }
        if low.is_finite() && high.is_finite() {
            let _ = write!(
                svg,
                "<line x1=\"{}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\" stroke=\"{c}\" stroke-width=\"4\" \
                 stroke-linecap=\"round\"/>",
                self.x(low),
                self.x(high),
                m = h / 2.0,
                c = hex(fill)
            );
        }
        if mean.is_finite() {
            let _ = write!(
                svg,
                "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"#222222\"/>",
                self.x(mean),
                h / 2.0
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

/// A tick value without float noise: `0.45`, not `0.45000000000000007`.
fn trim_tick(v: f64) -> String {
    let text = format!("{v:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

// ------------------------------------------------------------------------------------------------
// Charts
// ------------------------------------------------------------------------------------------------

/// α-Rank's response graph, as OpenSpiel's visualiser draws it: a node per strategy on a circle
/// (area by α-Rank mass), an arrow `i → j` for every improving deviation (a single `j` mutant
/// takes over a population of `i` with probability `ρ` above the neutral `1/Z`), its width by `ρ`.
fn response_graph(
    data: &Data,
    rho: &[Vec<f64>],
    mass: &BTreeMap<String, f64>,
    population: usize,
    alpha: f64,
) -> Result<String> {
    let n = data.strategies.len();
    if n < 2 || rho.len() != n {
        bail!("the response graph needs two strategies or more");
    }
    let neutral = 1.0 / population as f64;
    let short = abbreviate(&data.strategies, 16);
    let (w, h) = (760.0f64, 560.0f64);
    let (cx, cy) = (w / 2.0, h / 2.0 + 14.0);
    let ring = 190.0;
    let at = |i: usize| {
        let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * i as f64 / n as f64;
        (cx + ring * angle.cos(), cy + ring * angle.sin())
    };
    let radius = |s: &str| 7.0 + 26.0 * mass.get(s).copied().unwrap_or(0.0).max(0.0).sqrt();
    let label = format!(
        "α-Rank response graph (α = {}, Z = {population})",
        trim(alpha)
    );
    let mut svg = format!(
        "<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"{label}\" id=\"response-graph\">\n<title>{label}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n\
         <text x=\"{cx}\" y=\"24\" font-family=\"{FONT}\" font-size=\"17\" text-anchor=\"middle\" \
         fill=\"#222222\">{label}</text>\n",
        label = escape(&label),
    );
    // Edges first, under the nodes.
    let mut edges = 0usize;
    for (i, row) in rho.iter().enumerate() {
        for (j, &p) in row.iter().enumerate() {
            // NaN is no improvement either.
            let improving = p > neutral * (1.0 + 1e-9);
            if i == j || !improving {
                continue;
            }
            let ((x0, y0), (x1, y1)) = (at(i), at(j));
            let (dx, dy) = (x1 - x0, y1 - y0);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            let (ux, uy) = (dx / len, dy / len);
            // Both directions can improve (a near-tie): offset each to its own side.
            let (ox, oy) = if rho[j][i] > neutral {
                (-uy * 4.0, ux * 4.0)
            } else {
                (0.0, 0.0)
            };
            let r0 = radius(&data.strategies[i]);
            let r1 = radius(&data.strategies[j]);
            let (sx, sy) = (x0 + ux * r0 + ox, y0 + uy * r0 + oy);
            let (tx, ty) = (x1 - ux * (r1 + 2.0) + ox, y1 - uy * (r1 + 2.0) + oy);
            let width = 0.6 + 2.4 * p.min(1.0);
            let opacity = 0.35 + 0.6 * p.min(1.0);
            edges += 1;
            let head = 9.0 + width;
            let (bx, by) = (tx - ux * head, ty - uy * head);
            let (px, py) = (-uy * head * 0.45, ux * head * 0.45);
            let _ = writeln!(
                svg,
                "<g class=\"edge\"><title>{} → {}: fixation probability {} ({}× neutral 1/{population})</title>\
                 <line x1=\"{sx:.1}\" y1=\"{sy:.1}\" x2=\"{bx:.1}\" y2=\"{by:.1}\" stroke=\"#555555\" \
                 stroke-width=\"{width:.2}\" stroke-opacity=\"{opacity:.2}\"/>\
                 <polygon points=\"{tx:.1},{ty:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"#555555\" \
                 fill-opacity=\"{opacity:.2}\"/></g>",
                escape(&data.strategies[i]),
                escape(&data.strategies[j]),
                sig3(p),
                sig3(p / neutral),
                bx + px,
                by + py,
                bx - px,
                by - py,
            );
        }
    }
    for (i, s) in data.strategies.iter().enumerate() {
        let (x, y) = at(i);
        let r = radius(s);
        // Labels outside the ring, anchored away from the centre.
        let (lx, ly) = (
            x + (x - cx) / ring * (r + 8.0),
            y + (y - cy) / ring * (r + 8.0) + 5.0,
        );
        let anchor = if (x - cx).abs() < 1.0 {
            "middle"
        } else if x > cx {
            "start"
        } else {
            "end"
        };
        let _ = writeln!(
            svg,
            "<g class=\"node\"><title>{}: α-Rank mass {}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" \
             r=\"{r:.1}\" fill=\"{}\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>\
             <text x=\"{lx:.1}\" y=\"{ly:.1}\" font-family=\"{FONT}\" font-size=\"13\" \
             text-anchor=\"{anchor}\" fill=\"#222222\">{}</text></g>",
            escape(s),
            sig3(mass.get(s).copied().unwrap_or(f64::NAN)),
            hex(data.color_of(s)),
            escape(&short[i])
        );
    }
    svg.push_str("</svg>\n");
    let legend: Vec<String> = data
        .strategies
        .iter()
        .zip(&short)
        .filter(|(s, l)| s != l)
        .map(|(s, l)| format!("{l} = {s}"))
        .collect();
    let mut note = "Arrow i → j: a single j player in a population of i takes it over with a \
                    probability above neutral (an improving deviation); darker and wider for a \
                    higher probability; hover an arrow for its value. Node area: α-Rank mass. \
                    A node no arrow leaves is a sink of the dynamics."
        .to_string();
    if edges == 0 {
        note.push_str(
            " No arrow at all: no strategy improves on any other (every pair is neutral, as when \
             every game between them ends in the same scores).",
        );
    }
    if !legend.is_empty() {
        note.push_str(&format!(" Abbreviations: {}.", legend.join("; ")));
    }
    svg.push_str(&format!("<p class=\"note\">{}</p>\n", escape(&note)));
    Ok(svg)
}

/// Horizontal bars of the stationary distribution, largest on top.
fn stationary_chart(data: &Data, bars: &[(String, f64)]) -> Result<String> {
    let n = bars.len();
    let longest = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(0);
    let label_width = (longest as u32 * 8 + 16).clamp(80, 460);
    let width = 1000;
    let height = 82 + 28 * n as u32;
    let max = bars.iter().map(|b| b.1).fold(0.0, f64::max).max(1e-9);
    let (x_ticks, x) = nice_ticks(0.0, max * 1.12, 5);
    let names: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    // Bar k (from the top) spans [n - 1 - k, n - k] on the y axis; its label sits at the middle.
    let y_ticks: Vec<f64> = (0..n).map(|k| k as f64 + 0.5).collect();
    let y_label = |v: &f64| {
        let k = n as i64 - 1 - v.floor() as i64;
        usize::try_from(k)
            .ok()
            .and_then(|k| names.get(k).cloned())
            .unwrap_or_default()
    };
    let x_label = |v: &f64| fixed(*v, 2);
    let markup = render_panel((width, height), |area| {
        let axes = Axes {
            x,
            x_ticks,
            x_label: &x_label,
            y: (0.0, n as f64),
            y_ticks,
            y_label: &y_label,
            y_desc: "",
            y_area: label_width,
            y2_area: 0,
        };
        let mut chart = titled_chart(
            area,
            "Stationary distribution",
            &axes,
            "share of time (stationary probability)",
        )?;
        for (k, (name, mass)) in bars.iter().enumerate() {
            let y0 = (n - 1 - k) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0 + 0.18), (*mass, y0 + 0.82)],
                    data.color_of(name).filled(),
                )))
                .map_err(plot_error)?;
            let style = (FONT, 14)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((*mass, y0 + 0.5)) + Text::new(fixed(*mass, 3), (5, 0), style),
                ))
                .map_err(plot_error)?;
        }
        Ok(())
    })?;
    let mut figure = Figure::new(width, height, "Evolutionary stationary distribution");
    figure.panel(
        "stationary",
        "Evolutionary stationary distribution",
        0,
        0,
        &markup,
    );
    Ok(figure.inline())
}

/// Capability quartiles at the end of one year of the games.
#[derive(Clone, Copy, Debug)]
struct YearStats {
    /// 0 for the end of the first year.
    year: usize,
    q1: f64,
    median: f64,
    q3: f64,
    /// Share of the seats whose game was still running at the end of the year.
    running: f64,
}

/// Per strategy: median and inter-quartile band of capability per year.
struct Trajectory {
    strategy: String,
    seats: usize,
    points: Vec<YearStats>,
}

/// A seat's capability each December it played, and its capability when its game ended (carried
/// forward to the later years).
type SeatCurve = (Vec<f64>, f64);

/// The seats of a game, as the page's second pass reads them (the rest of the line is skipped).
#[derive(Deserialize)]
struct SeatsOf<S> {
    seats: Vec<S>,
}

/// A seat with its capability series (of a game whose series are kept).
#[derive(Deserialize)]
struct CurveSeat<'a> {
    #[serde(borrow)]
    strategy: std::borrow::Cow<'a, str>,
    capability: f64,
    #[serde(default)]
    capability_by_year: Vec<f64>,
}

/// A seat with only its final capability.
#[derive(Deserialize)]
struct EndSeat<'a> {
    #[serde(borrow)]
    strategy: std::borrow::Cow<'a, str>,
    capability: f64,
}

/// Per year up to `years`, the quartiles of the seats' capability, a seat whose game had ended
/// counting with its capability at the end (carried forward): a game that stops at
/// superintelligence leaves the trajectory where it ended instead of dropping out of it, so the
/// median cannot fall because the leaders finished. `running` says how many were still playing.
/// Seats without a series (beyond the sampled games) do not count.
fn trajectory_stats(series: &[&SeatCurve], years: usize) -> Vec<YearStats> {
    let seats: Vec<&SeatCurve> = series
        .iter()
        .copied()
        .filter(|(s, _)| !s.is_empty())
        .collect();
    if seats.is_empty() {
        return Vec::new();
    }
    let mut values = Vec::with_capacity(seats.len());
    (0..years)
        .filter_map(|i| {
            values.clear();
            let mut running = 0usize;
            for (s, end) in &seats {
                let v = match s.get(i) {
                    Some(v) => {
                        running += 1;
                        *v
                    }
                    None => *end,
                };
                if v.is_finite() {
                    values.push(v);
                }
            }
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            Some(YearStats {
                year: i,
                q1: quantile(&values, 0.25),
                median: quantile(&values, 0.5),
                q3: quantile(&values, 0.75),
                running: running as f64 / seats.len() as f64,
            })
        })
        .collect()
}

/// A strategy's seats' capability series, sampled as its seats come (in game-id order): all of them
/// up to [`TRAJECTORY_SAMPLE`] seats, else seat `k × seats / TRAJECTORY_SAMPLE` for every k. Only
/// the games with an id below [`TRAJECTORY_GAMES`] give their series (the others count as seats
/// with an empty series), so a large run keeps a bounded sample.
struct SeatSeries {
    /// The strategy's seats in the games.
    seats: usize,
    seen: usize,
    next: usize,
    kept: Vec<SeatCurve>,
}

impl SeatSeries {
    fn new(seats: usize) -> SeatSeries {
        SeatSeries {
            seats,
            seen: 0,
            next: 0,
            kept: Vec::new(),
        }
    }

    /// The next seat of the strategy, in game `game_id`, with its capability at the game's end.
    fn offer(&mut self, game_id: u64, series: Vec<f64>, end: f64) {
        let i = self.seen;
        self.seen += 1;
        let wanted = if self.seats <= TRAJECTORY_SAMPLE {
            true
        } else if self.next < TRAJECTORY_SAMPLE && self.next * self.seats / TRAJECTORY_SAMPLE == i {
            self.next += 1;
            true
        } else {
            false
        };
        if wanted {
            self.kept.push(if game_id < TRAJECTORY_GAMES {
                (series, end)
            } else {
                (Vec::new(), end)
            });
        }
    }
}

/// Each strategy's trajectory (in standings order) and the median over all seats.
fn trajectories(data: &Data) -> (Vec<Trajectory>, Vec<YearStats>) {
    let mut everyone: Vec<&SeatCurve> = Vec::new();
    let mut out = Vec::new();
    // In standings order (falling back to the configuration's order).
    let mut order: Vec<&str> = data.standings.iter().map(|s| s.strategy.as_str()).collect();
    for s in &data.strategies {
        if !order.contains(&s.as_str()) {
            order.push(s);
        }
    }
    // Every trajectory runs to the longest game's last December.
    let years = data
        .series
        .values()
        .flat_map(|s| s.kept.iter().map(|(v, _)| v.len()))
        .max()
        .unwrap_or(0);
    for name in order {
        let Some(all) = data.series.get(name) else {
            continue;
        };
        let seats: Vec<&SeatCurve> = all.kept.iter().collect();
        everyone.extend(&seats);
        out.push(Trajectory {
            strategy: name.to_string(),
            seats: all.seats,
            points: trajectory_stats(&seats, years),
        });
    }
    let overall = trajectory_stats(&everyone, years);
    (out, overall)
}

/// The colour of the median over all strategies.
const ALL_STRATEGIES: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Small multiples: one panel per strategy, shared axes; a legend row above them.
fn trajectory_chart(data: &Data) -> Result<String> {
    let (series, overall) = trajectories(data);
    if series.iter().all(|t| t.points.is_empty()) {
        return Ok("<p class=\"summary\">No game lasted a full year: no trajectory.</p>\n".into());
    }
    let start = data.start_year.unwrap_or(0);
    let year_x = |i: usize| data.x(i as f64 * 12.0 + 11.0);
    let last = series
        .iter()
        .flat_map(|t| t.points.iter().map(|p| p.year))
        .max()
        .unwrap_or(0);
    let x = (f64::from(start), year_x(last) + 1.0 / 12.0);
    let threshold = data.asi_threshold;
    let (lo, hi) = extent(
        series
            .iter()
            .flat_map(|t| t.points.iter().flat_map(|p| [p.q1, p.q3]))
            .chain(overall.iter().map(|p| p.median))
            .chain(threshold),
    );
    let (y_ticks, y) = nice_ticks(lo - 0.2, hi + 0.2, 4);
    let x_ticks = year_ticks(x.0, x.1);
    let relative = |v: &f64| format!("+{}", (v - f64::from(start)).round() as i64);
    let x_label: &dyn Fn(&f64) -> String = if data.start_year.is_some() {
        &year_label
    } else {
        &relative
    };
    let y_label = |v: &f64| trim_tick(*v);
    let (columns, panel_w, panel_h, legend_h) = (3u32, 400u32, 260u32, 30u32);
    let rows = (series.len() as u32).div_ceil(columns);
    let mut figure = Figure::new(
        columns * panel_w,
        legend_h + rows * panel_h,
        "Capability trajectories by strategy",
    );
    // The legend: what each mark is, once for every panel.
    let mut lx = 12.0;
    let ly = 20.0;
    let mut key = |figure: &mut Figure, mark: &str, text: &str, width: f64| {
        figure.raw(&format!(
            "<g transform=\"translate({lx},{})\">{mark}</g>",
            ly - 5.0
        ));
        figure.text(lx + 26.0, ly, 13, "start", false, text);
        lx += width;
    };
    key(
        &mut figure,
        "<line x1=\"0\" y1=\"0\" x2=\"20\" y2=\"0\" stroke=\"#222222\" stroke-width=\"2\"/>",
        "median (band: quartiles)",
        200.0,
    );
    key(
        &mut figure,
        &format!(
            "<line x1=\"0\" y1=\"0\" x2=\"20\" y2=\"0\" stroke=\"{}\" stroke-width=\"1.5\"/>",
            hex(ALL_STRATEGIES)
        ),
        "median, all strategies",
        190.0,
    );
    if threshold.is_some() {
        key(
            &mut figure,
            "<line x1=\"0\" y1=\"0\" x2=\"20\" y2=\"0\" stroke=\"#b2182b\" stroke-width=\"1.5\" \
             stroke-dasharray=\"5 3\"/>",
            "superintelligence",
            160.0,
        );
    }
    key(
        &mut figure,
        "<line x1=\"0\" y1=\"0\" x2=\"20\" y2=\"0\" stroke=\"#222222\" stroke-width=\"1\" \
         stroke-dasharray=\"2 2\"/>",
        "games still running (right axis)",
        250.0,
    );
    for (k, t) in series.iter().enumerate() {
        let fill = data.color_of(&t.strategy);
        let caption = format!("{} ({} seats)", shorten(&t.strategy, 34), t.seats);
        let markup = render_panel((panel_w, panel_h), |area| {
            let axes = Axes {
                x,
                x_ticks: x_ticks.clone(),
                x_label,
                y,
                y_ticks: y_ticks.clone(),
                y_label: &y_label,
                y_desc: "capability (log10 FLOP)",
                y_area: 0,
                y2_area: 44,
            };
            let chart = frame_with(area, &caption, &axes, X_TITLED_AREA)?;
            let mut chart = chart.set_secondary_coord(
                Ticked::new(x.0, x.1, x_ticks.clone()),
                Ticked::new(0.0, 1.0, vec![0.0, 0.5, 1.0]),
            );
            draw_mesh(&mut chart, &axes, Some("year (December)"))?;
            chart
                .configure_secondary_axes()
                .axis_style(INK.mix(0.6))
                .label_style((FONT, 12).into_font().color(&INK))
                .y_label_formatter(&|v| format!("{}%", (v * 100.0).round()))
                .draw()
                .map_err(plot_error)?;
            let band: Vec<(f64, f64)> = t
                .points
                .iter()
                .map(|p| (year_x(p.year), p.q3))
                .chain(t.points.iter().rev().map(|p| (year_x(p.year), p.q1)))
                .collect();
            if band.len() >= 4 {
                chart
                    .draw_series(std::iter::once(Polygon::new(band, fill.mix(0.25).filled())))
                    .map_err(plot_error)?;
            }
            if let Some(v) = threshold {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(x.0, v), (x.1, v)],
                        5,
                        3,
                        RGBColor(0xb2, 0x18, 0x2b).stroke_width(1),
                    ))
                    .map_err(plot_error)?;
            }
            chart
                .draw_series(LineSeries::new(
                    overall.iter().map(|p| (year_x(p.year), p.median)),
                    ALL_STRATEGIES.stroke_width(1),
                ))
                .map_err(plot_error)?;
            chart
                .draw_series(LineSeries::new(
                    t.points.iter().map(|p| (year_x(p.year), p.median)),
                    fill.stroke_width(2),
                ))
                .map_err(plot_error)?;
            chart
                .draw_series(
                    t.points
                        .iter()
                        .map(|p| Circle::new((year_x(p.year), p.median), 2.5, fill.filled())),
                )
                .map_err(plot_error)?;
            chart
                .draw_secondary_series(DashedLineSeries::new(
                    t.points.iter().map(|p| (year_x(p.year), p.running)),
                    2,
                    2,
                    INK.stroke_width(1),
                ))
                .map_err(plot_error)?;
            Ok(())
        })?;
        let k = k as u32;
        figure.panel(
            &format!("trajectory-{}", k + 1),
            &t.strategy,
            (k % columns) * panel_w,
            legend_h + (k / columns) * panel_h,
            &markup,
        );
    }
    Ok(figure.inline())
}

/// Histogram of the arrival month (quarters) with the cumulative share of games on a second axis.
fn arrival_chart(data: &Data, months: &MonthCounts) -> Result<String> {
    let total = data.games as f64;
    let first = months.nth(0) as u32;
    let last = months.nth(months.len() - 1) as u32;
    let width_months = if last - first > 240 { 12 } else { 3 };
    let bin0 = first - first % width_months;
    let bins = (last - bin0) / width_months + 1;
    let mut counts = vec![0usize; bins as usize];
    for (m, count) in months.iter() {
        counts[((m - bin0) / width_months) as usize] += count;
    }
    let x = (
        data.x(f64::from(bin0)),
        data.x(f64::from(bin0 + bins * width_months)),
    );
    let x_ticks = year_ticks(x.0, x.1);
    let max = counts.iter().copied().max().unwrap_or(1) as f64;
    let (y_ticks, y) = nice_ticks(0.0, max * 1.05, 5);
    let start = data.start_year.unwrap_or(0);
    let relative = |v: &f64| format!("+{}", (v - f64::from(start)).round() as i64);
    let x_label: &dyn Fn(&f64) -> String = if data.start_year.is_some() {
        &year_label
    } else {
        &relative
    };
    let y_label = |v: &f64| {
        if v.abs() < 1000.0 {
            trim_number(*v)
        } else {
            count(*v)
        }
    };
    let (width, height) = (1000u32, 362u32);
    let bar = RGBColor(0x4e, 0x79, 0xa7);
    let line = RGBColor(0xe1, 0x57, 0x59);
    let markup = render_panel((width, height), |area| {
        let axes = Axes {
            x,
            x_ticks: x_ticks.clone(),
            x_label,
            y,
            y_ticks,
            y_label: &y_label,
            y_desc: if width_months == 3 {
                "games per quarter"
            } else {
                "games per year"
            },
            y_area: 0,
            y2_area: 72,
        };
        let chart = frame_with(
            area,
            "First crossing of the superintelligence line",
            &axes,
            X_TITLED_AREA,
        )?;
        let mut chart = chart.set_secondary_coord(
            Ticked::new(x.0, x.1, x_ticks.clone()),
            Ticked::new(0.0, 1.0, vec![0.0, 0.25, 0.5, 0.75, 1.0]),
        );
        draw_mesh(&mut chart, &axes, Some("year of the first crossing"))?;
        chart
            .configure_secondary_axes()
            .axis_style(INK.mix(0.6))
            .label_style((FONT, 14).into_font().color(&INK))
            .axis_desc_style((FONT, 14).into_font().color(&INK))
            .y_label_formatter(&|v| format!("{}%", (v * 100.0).round()))
            .y_desc("cumulative share of games")
            .draw()
            .map_err(plot_error)?;
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(k, c)| {
                        let m0 = f64::from(bin0 + k as u32 * width_months);
                        let gap = 0.04 * f64::from(width_months);
                        Rectangle::new(
                            [
                                (data.x(m0 + gap), 0.0),
                                (data.x(m0 + f64::from(width_months) - gap), *c as f64),
                            ],
                            bar.mix(0.75).filled(),
                        )
                    }),
            )
            .map_err(plot_error)?;
        // The share of all games that crossed by the end of each month.
        let mut cumulative = vec![(data.x(f64::from(first)), 0.0)];
        let mut seen = 0usize;
        let mut crossed = months.iter().peekable();
        for m in first..=last {
            if let Some((_, count)) = crossed.next_if(|&(month, _)| month == m) {
                seen += count;
            }
            cumulative.push((data.x(f64::from(m + 1)), seen as f64 / total));
        }
        chart
            .draw_secondary_series(LineSeries::new(cumulative, line.stroke_width(2)))
            .map_err(plot_error)?;
        Ok(())
    })?;
    let mut figure = Figure::new(width, height, "Superintelligence arrival");
    figure.panel(
        "arrival-histogram",
        "Superintelligence arrival",
        0,
        0,
        &markup,
    );
    Ok(figure.inline())
}

/// Every evaluation's score and the best so far.
fn tuning_chart(history: &History, best: &[(f64, f64)]) -> Result<String> {
    let (e0, e1) = extent(history.rows.iter().map(|r| r.0));
    let (s0, s1) = extent(history.rows.iter().map(|r| r.2));
    let pad = ((s1 - s0) * 0.05).max(1e-3);
    let (y_ticks, y) = nice_ticks(s0 - pad, s1 + pad, 5);
    let (x_ticks, x) = nice_ticks(e0.min(0.0), e1.max(e0 + 1.0), 8);
    let x_label = |v: &f64| trim(*v);
    let y_label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let (width, height) = (1000u32, 362u32);
    let dot = RGBColor(0x4e, 0x79, 0xa7);
    let line = RGBColor(0xf2, 0x8e, 0x2b);
    let markup = render_panel((width, height), |area| {
        let axes = Axes {
            x,
            x_ticks,
            x_label: &x_label,
            y,
            y_ticks,
            y_label: &y_label,
            y_desc: "score",
            y_area: 0,
            y2_area: 0,
        };
        let mut chart = titled_chart(
            area,
            "Score by evaluation and best so far",
            &axes,
            "evaluation (in the order evaluated)",
        )?;
        // The best-so-far line first and thin, the dots over it: a dot on the line stays visible.
        chart
            .draw_series(LineSeries::new(
                History::steps(best),
                line.mix(0.8).stroke_width(1),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(
                history
                    .rows
                    .iter()
                    .map(|r| Circle::new((r.0, r.2), 3, dot.mix(0.55).filled().stroke_width(0))),
            )
            .map_err(plot_error)?;
        Ok(())
    })?;
    let mut figure = Figure::new(width, height, "Tuning convergence");
    figure.panel("convergence", "Tuning convergence", 0, 0, &markup);
    Ok(figure.inline())
}

/// One panel per tuned parameter: every evaluation's score against the parameter's value (all
/// evaluations drawn, the best ringed), as Optuna's slice plot.
fn slice_chart(history: &History) -> Result<String> {
    let n = history.parameters.len();
    let (columns, panel_w, panel_h) = (3u32, 400u32, 280u32);
    let columns = columns.min(n as u32).max(1);
    let rows = (n as u32).div_ceil(columns);
    let (s0, s1) = extent(history.rows.iter().map(|r| r.2));
    let pad = ((s1 - s0) * 0.05).max(1e-3);
    let (y_ticks, y) = nice_ticks(s0 - pad, s1 + pad, 4);
    let best = history
        .rows
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.2.total_cmp(&b.1.2).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i);
    let dot = RGBColor(0x4e, 0x79, 0xa7);
    let y_label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let mut figure = Figure::new(
        columns * panel_w,
        rows * panel_h,
        "Score against each parameter (slice plot)",
    );
    for (p, name) in history.parameters.iter().enumerate() {
        let points: Vec<(f64, f64)> = history
            .rows
            .iter()
            .zip(&history.values)
            .map(|(r, v)| (v[p], r.2))
            .filter(|(x, _)| x.is_finite())
            .collect();
        let (v0, v1) = extent(points.iter().map(|q| q.0));
        let (v0, v1) = if v0.is_finite() { (v0, v1) } else { (0.0, 1.0) };
        let (x_ticks, x) = nice_ticks(v0, v1, 4);
        let x_label = |v: &f64| trim_tick(*v);
        let markup = render_panel((panel_w, panel_h), |area| {
            let axes = Axes {
                x,
                x_ticks,
                x_label: &x_label,
                y,
                y_ticks: y_ticks.clone(),
                y_label: &y_label,
                y_desc: "score",
                y_area: 0,
                y2_area: 0,
            };
            let mut chart = titled_chart(area, name, &axes, name)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&q| Circle::new(q, 3, dot.mix(0.5).filled().stroke_width(0))),
                )
                .map_err(plot_error)?;
            if let Some(b) = best
                && let Some(v) = history.values.get(b).and_then(|v| v.get(p))
                && v.is_finite()
            {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (*v, history.rows[b].2),
                        6,
                        RGBColor(0xe1, 0x57, 0x59).stroke_width(2),
                    )))
                    .map_err(plot_error)?;
            }
            Ok(())
        })?;
        let k = p as u32;
        figure.panel(
            &format!("slice-{}", k + 1),
            name,
            (k % columns) * panel_w,
            (k / columns) * panel_h,
            &markup,
        );
    }
    Ok(figure.inline())
}

/// Bars that stand clear of the noise floor, and bars that do not.
const CLEAR: RGBColor = RGBColor(0x4e, 0x79, 0xa7);
const NOISE: RGBColor = RGBColor(0xba, 0xb0, 0xac);
/// Marks of the selected PRIM box.
const SELECTED: RGBColor = RGBColor(0xe1, 0x57, 0x59);
/// plotters writes a label of size 14 with a font size of 14 / 1.24 pixels; hand-placed labels
/// match it.
const LABEL_SIZE: f64 = 14.0 / 1.24;

/// The width in pixels of the label area left of horizontal bars named `names` (at most `max`),
/// and the characters a label may have there.
fn label_area<'a>(names: impl Iterator<Item = &'a str>, max: u32) -> (u32, usize) {
    let longest = names.map(|n| n.chars().count()).max().unwrap_or(0);
    let width = (longest as u32 * 7 + 24).clamp(90, max);
    (width, ((width - 24) / 7) as usize)
}

/// A bar's name left of the plot, drawn by hand because plotters' tick labels cannot carry a
/// tooltip: right-aligned at pixel (`x`, `y`), shortened to `max` characters, whole in its
/// `<title>`.
fn bar_label(x: i32, y: i32, name: &str, max: usize) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" dy=\"0.5ex\" text-anchor=\"end\" font-family=\"{FONT}\" \
         font-size=\"{LABEL_SIZE}\" fill=\"{}\"><title>{}</title>{}</text>\n",
        hex(INK),
        escape(name),
        escape(&shorten(name, max))
    )
}

/// Text at `at` on a chart, moved by `offset` pixels and anchored by `pos`.
fn chart_text(
    chart: &mut Chart<'_, '_>,
    at: (f64, f64),
    offset: (i32, i32),
    pos: Pos,
    text: String,
) -> Result<()> {
    let style = (FONT, 14).into_font().color(&INK).pos(pos);
    chart
        .draw_series(std::iter::once(
            EmptyElement::at(at) + Text::new(text, offset, style),
        ))
        .map_err(plot_error)?;
    Ok(())
}

/// The tornado of each outcome: one panel per outcome, stacked, on a shared δ axis.
fn tornado_chart(outcomes: &[(&OutcomeSensitivity, Vec<(&str, Estimate)>)]) -> Result<String> {
    let width = 1000u32;
    let (label_width, max_chars) =
        label_area(outcomes.iter().flat_map(|o| o.1.iter().map(|b| b.0)), 380);
    let estimates = || {
        outcomes
            .iter()
            .flat_map(|(o, bars)| bars.iter().map(|b| b.1).chain(o.floor_delta))
    };
    let hi = estimates().map(|e| e.top()).fold(0.0, f64::max).max(0.05);
    let lo = estimates().map(|e| e.bottom()).fold(0.0, f64::min);
    let (x_ticks, x) = nice_ticks(lo, hi * 1.15, 6);
    let x_label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let blank = |_: &f64| String::new();
    let heights: Vec<u32> = outcomes
        .iter()
        .map(|(_, bars)| 118 + 24 * bars.len() as u32)
        .collect();
    let mut figure = Figure::new(
        width,
        heights.iter().sum(),
        "What decides the race: δ of each world outcome to each uncertain parameter",
    );
    let mut top = 0;
    for (k, ((o, bars), &height)) in outcomes.iter().zip(&heights).enumerate() {
        let n = bars.len();
        let floor = o.floor_delta.filter(|f| f.value.is_finite());
        let mut labels = String::new();
        let markup = render_panel((width, height), |area| {
            let axes = Axes {
                x,
                x_ticks: x_ticks.clone(),
                x_label: &x_label,
                y: (0.0, n as f64 + 1.0),
                y_ticks: (0..n).map(|i| i as f64 + 0.5).collect(),
                y_label: &blank,
                y_desc: "",
                y_area: label_width,
                y2_area: 0,
            };
            let mut chart = titled_chart(
                area,
                &o.outcome,
                &axes,
                "δ (moment-independent sensitivity)",
            )?;
            let ceiling = n as f64 + 1.0;
            if let Some(f) = floor {
                if f.ci_low.is_finite() && f.ci_high.is_finite() {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(f.ci_low, 0.0), (f.ci_high, ceiling)],
                            NOISE.mix(0.3).filled(),
                        )))
                        .map_err(plot_error)?;
                }
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(f.value, 0.0), (f.value, ceiling)],
                        INK.stroke_width(1),
                    )))
                    .map_err(plot_error)?;
                // Right of the line, or left of it when it stands in the right half.
                let (offset, h) = if f.value > (x.0 + x.1) / 2.0 {
                    (-5, HPos::Right)
                } else {
                    (5, HPos::Left)
                };
                chart_text(
                    &mut chart,
                    (f.value, n as f64 + 0.5),
                    (offset, 0),
                    Pos::new(h, VPos::Center),
                    format!("noise floor δ = {}", sig3(f.value)),
                )?;
            }
            for (i, (name, e)) in bars.iter().enumerate() {
                let y0 = (n - 1 - i) as f64;
                let fill = if e.clears(floor.as_ref()) {
                    CLEAR
                } else {
                    NOISE
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0 + 0.2), (e.value, y0 + 0.8)],
                        fill.filled(),
                    )))
                    .map_err(plot_error)?;
                if e.ci_low.is_finite() && e.ci_high.is_finite() {
                    let (a, b, m) = (e.ci_low, e.ci_high, y0 + 0.5);
                    chart
                        .draw_series(
                            [
                                vec![(a, m), (b, m)],
                                vec![(a, y0 + 0.32), (a, y0 + 0.68)],
                                vec![(b, y0 + 0.32), (b, y0 + 0.68)],
                            ]
                            .into_iter()
                            .map(|points| PathElement::new(points, INK.stroke_width(1))),
                        )
                        .map_err(plot_error)?;
                }
                let end = e.value.max(if e.ci_high.is_finite() {
                    e.ci_high
                } else {
                    e.value
                });
                chart_text(
                    &mut chart,
                    (end, y0 + 0.5),
                    (6, 0),
                    Pos::new(HPos::Left, VPos::Center),
                    sig3(e.value),
                )?;
                let (px, py) = chart.backend_coord(&(x.0, y0 + 0.5));
                labels.push_str(&bar_label(px - 8, py, name, max_chars));
            }
            Ok(())
        })?;
        figure.panel(
            &format!("tornado-{}", k + 1),
            &format!("δ of {}", o.outcome),
            0,
            top,
            &format!("{markup}\n{labels}"),
        );
        top += height;
    }
    Ok(figure.inline())
}

/// The peeling trajectory as coverage (x) against density (y), the selected box and its pasted
/// version marked, and the density threshold.
fn tradeoff_chart(prim: &PrimJson, selected: Option<usize>) -> Result<String> {
    let points: Vec<(f64, f64)> = prim
        .trajectory
        .iter()
        .map(|b| (b.coverage(), b.density()))
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    if points.is_empty() {
        bail!("no box of the trajectory has a coverage and a density");
    }
    let finite = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let chosen = selected
        .and_then(|k| prim.trajectory.get(k).map(|b| (k, b)))
        .map(|(k, b)| (k, (b.coverage(), b.density())))
        .filter(|(_, p)| finite(p));
    let pasted = selected
        .and_then(|k| {
            let b = prim.trajectory.get(k)?;
            prim.pasted.as_ref().filter(|p| *p != b)
        })
        .map(|p| (p.coverage(), p.density()))
        .filter(finite);
    let threshold = prim.threshold();
    let all = || points.iter().chain(pasted.iter());
    let (d0, d1) = extent(all().map(|p| p.1).chain(threshold));
    let (c0, c1) = all().fold((0.0f64, 1.0f64), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (y_ticks, y_span) = nice_ticks((d0 - 0.05).max(0.0).min(d0), d1, 5);
    let (x_ticks, x_span) = nice_ticks(c0, c1, 5);
    // A little room beyond the last tick, so marks at density or coverage 1 are whole.
    let x = (x_span.0 - 0.02 * (x_span.1 - x_span.0), x_span.1 * 1.04);
    let y = (y_span.0, y_span.1 + 0.06 * (y_span.1 - y_span.0));
    let label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let (width, height) = (1000u32, 440u32);
    let markup = render_panel((width, height), |area| {
        let axes = Axes {
            x,
            x_ticks,
            x_label: &label,
            y,
            y_ticks,
            y_label: &label,
            y_desc: "density",
            y_area: 0,
            y2_area: 0,
        };
        let mut chart = titled_chart(
            area,
            "Peeling trajectory: coverage against density",
            &axes,
            "coverage (share of the worlds of interest inside the box)",
        )?;
        if let Some(t) = threshold {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x.0, t), (x.1, t)],
                    NOISE.stroke_width(1),
                )))
                .map_err(plot_error)?;
            chart_text(
                &mut chart,
                (x.0, t),
                (6, -3),
                Pos::new(HPos::Left, VPos::Bottom),
                format!("density threshold {}", trim(t)),
            )?;
        }
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                CLEAR.stroke_width(2),
            ))
            .map_err(plot_error)?;
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, CLEAR.filled())))
            .map_err(plot_error)?;
        chart_text(
            &mut chart,
            points[0],
            (-8, 8),
            Pos::new(HPos::Right, VPos::Top),
            "all worlds".to_string(),
        )?;
        if let Some((k, p)) = chosen {
            chart
                .draw_series(std::iter::once(Circle::new(p, 8, SELECTED.stroke_width(2))))
                .map_err(plot_error)?;
            // Below left of the ring: the trajectory goes on up and left, and came from the
            // right, lower down.
            chart_text(
                &mut chart,
                p,
                (-10, 8),
                Pos::new(HPos::Right, VPos::Top),
                format!("box {k}"),
            )?;
        }
        if let Some(p) = pasted {
            chart
                .draw_series(std::iter::once(Cross::new(p, 6, SELECTED.stroke_width(2))))
                .map_err(plot_error)?;
        }
        // The legend in the lower left corner, which a trajectory leaves empty: it starts at
        // coverage 1 and gains density as it loses coverage.
        let mut legend: Vec<(u8, String)> = vec![(
            0,
            format!(
                "{} boxes of the peeling trajectory, from all worlds (right) inward",
                points.len()
            ),
        )];
        if let Some((k, p)) = chosen {
            legend.push((
                1,
                format!(
                    "box {k} (selected): coverage {}, density {}",
                    sig3(p.0),
                    sig3(p.1)
                ),
            ));
        }
        if let Some(p) = pasted {
            legend.push((
                2,
                format!(
                    "after pasting: coverage {}, density {}",
                    sig3(p.0),
                    sig3(p.1)
                ),
            ));
        }
        let style = (FONT, 14)
            .into_font()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let lines = legend.len() as i32;
        for (i, (mark, text)) in legend.into_iter().enumerate() {
            let dy = -16 - 22 * (lines - 1 - i as i32);
            let at = EmptyElement::at((x.0, y.0));
            let text = Text::new(text, (34, dy), style.clone());
            let drawn = match mark {
                0 => chart.draw_series(std::iter::once(
                    at + Circle::new((18, dy), 3, CLEAR.filled()) + text,
                )),
                1 => chart.draw_series(std::iter::once(
                    at + Circle::new((18, dy), 8, SELECTED.stroke_width(2)) + text,
                )),
                _ => chart.draw_series(std::iter::once(
                    at + Cross::new((18, dy), 6, SELECTED.stroke_width(2)) + text,
                )),
            };
            drawn.map_err(plot_error)?;
        }
        Ok(())
    })?;
    let mut figure = Figure::new(
        width,
        height,
        "PRIM trade-off: coverage and density along the peeling trajectory",
    );
    figure.panel(
        "tradeoff",
        "Coverage against density along the peeling trajectory",
        0,
        0,
        &markup,
    );
    Ok(figure.inline())
}

/// Each seat's max regret per strategy as horizontal bars, in the table's order (most robust on
/// top), panels side by side.
fn regret_chart(data: &Data, seats: &[(&str, Vec<&Robustness>)]) -> Result<String> {
    let columns = seats.len().clamp(1, 2) as u32;
    let panel_w = 1000 / columns;
    let longest = seats.iter().map(|s| s.1.len()).max().unwrap_or(0);
    let panel_h = 112 + 26 * longest as u32;
    let (label_width, max_chars) = label_area(
        seats
            .iter()
            .flat_map(|s| s.1.iter().map(|r| r.strategy.as_str())),
        if columns == 1 { 380 } else { 220 },
    );
    let regrets = || {
        seats
            .iter()
            .flat_map(|s| s.1.iter().map(|r| r.max_regret))
            .filter(|v| v.is_finite())
    };
    let hi = regrets().fold(0.0, f64::max).max(0.01);
    let lo = regrets().fold(0.0, f64::min);
    let (x_ticks, x) = nice_ticks(lo, hi * 1.2, 5);
    let x_label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let blank = |_: &f64| String::new();
    let rows = (seats.len() as u32).div_ceil(columns);
    let mut figure = Figure::new(
        columns * panel_w,
        rows * panel_h,
        "Max regret per strategy, by seat",
    );
    for (k, (seat, table)) in seats.iter().enumerate() {
        let n = table.len();
        let mut labels = String::new();
        let markup = render_panel((panel_w, panel_h), |area| {
            let axes = Axes {
                x,
                x_ticks: x_ticks.clone(),
                x_label: &x_label,
                y: (0.0, n as f64),
                y_ticks: (0..n).map(|i| i as f64 + 0.5).collect(),
                y_label: &blank,
                y_desc: "",
                y_area: label_width,
                y2_area: 0,
            };
            let mut chart =
                titled_chart(area, &format!("Seat {seat}"), &axes, "max regret (score)")?;
            for (i, r) in table.iter().enumerate() {
                let y0 = (n - 1 - i) as f64;
                if r.max_regret.is_finite() {
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(0.0, y0 + 0.2), (r.max_regret, y0 + 0.8)],
                            data.color_of(&r.strategy).filled(),
                        )))
                        .map_err(plot_error)?;
                    chart_text(
                        &mut chart,
                        (r.max_regret.max(0.0), y0 + 0.5),
                        (5, 0),
                        Pos::new(HPos::Left, VPos::Center),
                        sig3(r.max_regret),
                    )?;
                }
                let (px, py) = chart.backend_coord(&(x.0, y0 + 0.5));
                labels.push_str(&bar_label(px - 8, py, &r.strategy, max_chars));
            }
            Ok(())
        })?;
        let k = k as u32;
        figure.panel(
            &format!("regret-{}", k + 1),
            &format!("Max regret in seat {seat}"),
            (k % columns) * panel_w,
            (k / columns) * panel_h,
            &format!("{markup}\n{labels}"),
        );
    }
    Ok(figure.inline())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_arena::tournament::report::write_reports;
    use gigawatt_arena::tournament::run::{NoProgress, RunOptions, run};
    use gigawatt_arena::tournament::store::read_games_for_analysis;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "gigawatt-report-unit-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Three strategies, two seeds, full games, one thread: a few dozen games in well under a
    /// second, with every report file written.
    fn tiny_tournament(dir: &Path, format: Format) {
        let config = TournamentConfig {
            scenarios: vec![gigawatt_data::DEFAULT_SCENARIO.to_string()],
            strategies: vec!["status-quo".into(), "builder".into(), "scaler".into()],
            seeds: 2,
            seed: 5,
            months: None,
            format,
            resamples: 200,
            shard: None,
            worlds: None,
            content: None,
            stop: None,
        };
        let scenarios = gigawatt_arena::tournament::load_scenarios(&config).unwrap();
        let options = RunOptions {
            threads: Some(1),
            resume: false,
            interim_standings: false,
            stop: gigawatt_arena::signals::Stop::never(),
        };
        run(&config, &scenarios, dir, &options, &mut NoProgress).unwrap();
        let (games, faults) = read_games_for_analysis(&dir.join(GAMES_FILE), true).unwrap();
        write_reports(dir, &config, games, faults).unwrap();
    }

    /// The page as XML (it declares `<!DOCTYPE html>`, a DTD to roxmltree).
    fn parse(html: &str) -> roxmltree::Document<'_> {
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        roxmltree::Document::parse_with_options(html, options).expect("well-formed XML")
    }

    fn by_id<'a>(doc: &'a roxmltree::Document<'a>, id: &str) -> roxmltree::Node<'a, 'a> {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no element with id `{id}`"))
    }

    fn rows<'a>(node: roxmltree::Node<'a, 'a>, class: &str) -> Vec<Vec<String>> {
        let table = node
            .descendants()
            .find(|n| n.has_tag_name("table") && n.attribute("class") == Some(class))
            .unwrap_or_else(|| panic!("no table.{class}"));
        table
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .map(|tr| {
                tr.children()
                    .filter(|c| c.is_element())
                    .map(|c| {
                        c.descendants()
                            .filter(|t| t.is_text())
                            .filter_map(|t| t.text())
                            .collect::<String>()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_report_is_one_well_formed_self_contained_page_with_every_section() {
        let dir = temp_dir("round-robin");
        tiny_tournament(&dir, Format::RoundRobin);
        let path = write_report(&dir, None).unwrap();
        assert_eq!(path, dir.join(REPORT_FILE));
        let html = std::fs::read_to_string(&path).unwrap();
        assert_eq!(render_report(&dir, None).unwrap(), html, "deterministic");
        for outside in [
            "http:", "https:", "src=", "<script", "<link", "<img", "url(", "@import",
        ] {
            assert!(!html.contains(outside), "the page holds `{outside}`");
        }
        let doc = parse(&html);
        let sections: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("section"))
            .filter_map(|n| n.attribute("id"))
            .collect();
        assert_eq!(
            sections,
            [
                "standings",
                "seats",
                "payoff",
                "meta-game",
                "trajectories",
                "arrival"
            ]
        );
        // Standings: a row per strategy, with its interval as text and as a bar.
        let standings = rows(by_id(&doc, "standings"), "standings");
        assert_eq!(standings.len(), 4, "{standings:?}");
        assert_eq!(standings[0][1], "strategy");
        for row in &standings[1..] {
            assert!(row[7].starts_with('[') && row[7].ends_with(']'), "{row:?}");
        }
        let csv = std::fs::read_to_string(dir.join(STANDINGS_FILE)).unwrap();
        let first = csv.lines().nth(1).unwrap().split(',').next().unwrap();
        assert_eq!(standings[1][1], first, "in rank order");
        // The heat map: 3 × 3 coloured cells.
        let heat = rows(by_id(&doc, "payoff"), "heat");
        assert_eq!(heat.len(), 4);
        assert!(heat[1..].iter().all(|r| r.len() == 4));
        // One stationary bar per strategy, one trajectory panel per strategy with a band and a
        // median line, an arrival histogram.
        let bars = by_id(&doc, "stationary")
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") != Some("#FFFFFF"))
            .count();
        assert!(bars >= 3, "{bars} bars");
        for k in 1..=3 {
            let panel = by_id(&doc, &format!("trajectory-{k}"));
            let bands: Vec<&str> = panel
                .descendants()
                .filter(|n| n.has_tag_name("polygon"))
                .filter_map(|n| n.attribute("fill"))
                .collect();
            assert_eq!(bands.len(), 1, "one inter-quartile band");
            let strokes: Vec<&str> = panel
                .descendants()
                .filter(|n| n.has_tag_name("polyline"))
                .filter_map(|n| n.attribute("stroke"))
                .collect();
            let count = |c: &str| strokes.iter().filter(|s| s.eq_ignore_ascii_case(c)).count();
            assert_eq!(count(bands[0]), 1, "one median line in the band's colour");
            assert_eq!(count("#999999"), 1, "the overall median");
        }
        // The meta-game lists its equilibria and draws α-rank's response graph: a node per
        // strategy, and arrows only where a deviation improves (each with its probability).
        let meta = by_id(&doc, "meta-game");
        assert!(all_text(meta).contains("equilibri"), "{}", all_text(meta));
        let graph = by_id(&doc, "response-graph");
        let nodes = graph
            .descendants()
            .filter(|n| n.attribute("class") == Some("node"))
            .count();
        assert_eq!(nodes, 3, "a node per strategy");
        for edge in graph
            .descendants()
            .filter(|n| n.attribute("class") == Some("edge"))
        {
            assert!(all_text(edge).contains("fixation probability"));
        }
        let arrival = by_id(&doc, "arrival");
        assert!(
            arrival
                .descendants()
                .any(|n| n.attribute("id") == Some("arrival-histogram"))
                || html.contains("No game of"),
        );
    }

    #[test]
    fn trajectories_carry_a_finished_game_forward_and_count_the_games_still_running() {
        // One seat's game ends after two Decembers at superintelligence (36.5); the other plays
        // four. Without carrying forward, the year-3 median would be the laggard's alone.
        let finished: SeatCurve = (vec![30.0, 31.0], 36.5);
        let running: SeatCurve = (vec![29.0, 30.0, 31.0, 32.0], 32.5);
        let stats = trajectory_stats(&[&finished, &running], 4);
        assert_eq!(stats.len(), 4);
        assert_eq!(stats[1].running, 1.0);
        assert_eq!(stats[2].running, 0.5);
        assert!((stats[3].median - (36.5 + 32.0) / 2.0).abs() < 1e-12);
        assert!(
            stats[3].median >= stats[1].median,
            "the median does not fall"
        );
    }

    #[test]
    fn the_tuning_section_leads_with_the_held_out_result_and_slices_every_parameter() {
        let dir = temp_dir("tuning-files");
        tiny_tournament(&dir, Format::RoundRobin);
        let tune = temp_dir("tuning-files-run");
        let mut history =
            String::from("evaluation,generation,energy_share,compute_share,score,seeds\n");
        for e in 0..12 {
            let x = f64::from(e) / 12.0;
            history.push_str(&format!(
                "{e},{},{x},{},{},4\n",
                e / 6,
                1.0 - x,
                0.5 + 0.01 * x
            ));
        }
        std::fs::write(tune.join(HISTORY_FILE), history).unwrap();
        std::fs::write(
            tune.join("finalists.csv"),
            "evaluation,spec,search_score,finalist_score\n11,\"parametric(energy_share: 0.9)\",0.51,0.505\n",
        )
        .unwrap();
        std::fs::write(
            tune.join("held_out.csv"),
            "opponents,seeds,games,tuned,tuned_low,tuned_high,default,default_low,default_high,\
             difference,difference_low,difference_high\n\
             pool,8,64,0.52,0.51,0.53,0.5,0.49,0.51,0.02,0.01,0.03\n\
             held_out,8,32,0.51,0.49,0.53,0.5,0.48,0.52,0.01,-0.01,0.03\n",
        )
        .unwrap();
        std::fs::write(
            tune.join("best.ron"),
            "// best\nparametric(energy_share: 0.9)\n",
        )
        .unwrap();
        let html = render_report(&dir, Some(&tune)).unwrap();
        let doc = parse(&html);
        let section = by_id(&doc, "tuning");
        let text = all_text(section);
        let held = text.find("Held-out result").expect("the held-out result");
        let search = text.find("highest search score").expect("the search score");
        assert!(held < search, "the held-out result comes first: {text}");
        assert!(text.contains("against the held-out opponents"), "{text}");
        assert!(
            text.contains("not distinguishable from the default"),
            "{text}"
        );
        assert!(text.contains("parametric(energy_share: 0.9)"));
        for (k, name) in ["energy_share", "compute_share"].iter().enumerate() {
            let panel = by_id(&doc, &format!("slice-{}", k + 1));
            assert!(all_text(panel).contains(name));
            let dots = panel
                .descendants()
                .filter(|n| n.has_tag_name("circle"))
                .count();
            assert_eq!(dots, 12 + 1, "every evaluation, and the best ringed");
        }
    }

    #[test]
    fn a_gauntlet_has_gaps_in_the_heat_map_and_no_meta_game_chart() {
        let dir = temp_dir("gauntlet");
        tiny_tournament(
            &dir,
            Format::Gauntlet {
                focal: "builder".into(),
            },
        );
        assert!(!dir.join(ANALYSIS_FILE).exists());
        let html = render_report(&dir, None).unwrap();
        let doc = parse(&html);
        let heat = rows(by_id(&doc, "payoff"), "heat");
        assert_eq!(heat[1][0], "builder", "the focal strategy first");
        assert!(heat.iter().flatten().any(|c| c == "—"), "{heat:?}");
        assert!(html.contains("No analysis.json in this folder"));
        assert!(!html.contains("id=\"stationary\""));
    }

    #[test]
    fn without_standings_csv_the_standings_are_recomputed_the_same() {
        let dir = temp_dir("full");
        tiny_tournament(&dir, Format::RoundRobin);
        let bare = temp_dir("bare");
        for f in [CONFIG_FILE, GAMES_FILE] {
            std::fs::copy(dir.join(f), bare.join(f)).unwrap();
        }
        let full = render_report(&dir, None).unwrap();
        let recomputed = render_report(&bare, None).unwrap();
        assert!(recomputed.contains("Source: recomputed from games.jsonl"));
        let table = |html: &str| {
            let doc = parse(html);
            rows(by_id(&doc, "standings"), "standings")
        };
        assert_eq!(table(&full), table(&recomputed));
    }

    #[test]
    fn a_tuning_history_adds_the_convergence_curve() {
        let dir = temp_dir("tuned");
        tiny_tournament(&dir, Format::RoundRobin);
        let tune = temp_dir("tune");
        std::fs::write(
            tune.join(HISTORY_FILE),
            "evaluation,generation,spec,score\n0,0,a,0.3\n1,0,\"b(x: 1, y: 2)\",0.5\n2,1,c,0.4\n",
        )
        .unwrap();
        let html = render_report(&dir, Some(&tune)).unwrap();
        let doc = parse(&html);
        let section = by_id(&doc, "tuning");
        assert!(
            section
                .descendants()
                .any(|n| n.attribute("id") == Some("convergence"))
        );
        assert!(html.contains(
            "3 evaluations over 2 generations; the highest search score was 0.5000 at evaluation 1"
        ));
        let err = render_report(&dir, Some(&dir)).expect_err("no history there");
        assert!(format!("{err:#}").contains("history.csv"), "{err:#}");
    }

    #[test]
    fn a_folder_without_games_is_an_error_naming_it() {
        let dir = temp_dir("empty");
        let err = write_report(&dir, None).expect_err("not a tournament");
        let text = format!("{err:#}");
        assert!(
            text.contains(&dir.display().to_string()) && text.contains("games.jsonl"),
            "{text}"
        );
    }

    #[test]
    fn csv_records_handle_quotes_and_line_ends() {
        let text = "a,b\r\n\"x, \"\"y\"\"\",2\n\n3,\n";
        assert_eq!(
            csv_records(text).unwrap(),
            vec![
                vec!["a".to_string(), "b".into()],
                vec!["x, \"y\"".into(), "2".into()],
                vec!["3".into(), "".into()]
            ]
        );
        assert!(csv_records("\"open").is_err());
    }

    #[test]
    fn history_tolerates_extra_columns_and_keeps_the_best_so_far() {
        let h = History::parse(
            "generation,evaluation,spec,score,seconds\n0,0,\"a(x: 1, y: 2)\",0.4,1\n\
             0,1,b,0.6,1\n1,2,c,0.5,1\n1,3,d,,1\n1,4,e,0.7,1\n",
        )
        .unwrap();
        assert_eq!(h.rows.len(), 4, "the row without a score is skipped");
        let best: Vec<f64> = h.best_so_far().iter().map(|b| b.1).collect();
        assert_eq!(best, [0.4, 0.6, 0.6, 0.7]);
        assert!(History::parse("evaluation,value\n1,2\n").is_err());
    }

    #[test]
    fn standings_csv_reads_back() {
        let csv = format!(
            "{}\n\"x,y\",4,1,2,1,0.5,0.25,0.75,1,b;c,1000,1500,350,25,8.3,1\n",
            standings::STANDINGS_CSV_HEADER
        );
        let table = parse_standings(&csv).unwrap();
        assert_eq!(table[0].strategy, "x,y");
        assert_eq!((table[0].games, table[0].wins, table[0].rank), (4, 1, 1));
        assert_eq!(table[0].tied_with, ["b", "c"]);
        assert_eq!(table[0].trueskill_sigma, 8.3);
    }

    /// What `gigawatt explore` writes, by hand: two outcomes (δ ranked differently from the file's
    /// order, a long and an unsafe parameter name), a PRIM box that pasting widens, and two seats
    /// whose rows are not in max-regret order.
    fn write_explore_files(dir: &Path) {
        let long = "nations[1].queue.a_parameter_name_long_enough_to_be_shortened_<&>";
        std::fs::write(
            dir.join(SENSITIVITY_FILE),
            format!(
                "outcome,parameter,index,ci_low,ci_high,method\n\
                 win_share:chn,global.software_returns,0.12,0.08,0.16,delta\n\
                 win_share:chn,global.software_returns,0.1,0.05,0.15,s1\n\
                 win_share:chn,\"{long}\",0.31,0.25,0.37,delta\n\
                 win_share:chn,factor:takeoff,0.02,0,0.05,delta\n\
                 win_share:chn,noise_floor,0.05,0.03,0.07,delta\n\
                 win_share:chn,noise_floor,0.01,0,0.02,s1\n\
                 asi_month:chn,factor:takeoff,0.2,0.1,0.3,delta\n\
                 asi_month:chn,global.software_returns,0.4,0.3,0.5,delta\n\
                 asi_month:chn,noise_floor,0.06,0.04,0.08,delta\n"
            ),
        )
        .unwrap();
        let mut worlds = String::from("world,global.software_returns\n");
        for w in 0..40 {
            let _ = writeln!(worlds, "{w},{}", 0.6 + 0.045 * f64::from(w));
        }
        std::fs::write(dir.join(WORLDS_FILE), worlds).unwrap();
        let limits = |l: [(f64, f64); 3]| {
            l.iter()
                .map(|(a, b)| format!("{{\"low\": {a}, \"high\": {b}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let full = [(0.6, 2.4), (0.0, 1.0), (1.0, 5.0)];
        let boxes = [
            (full, "", 40, 10, 1.0, 0.25, 1.0),
            (
                [(0.6, 1.8), full[1], full[2]],
                "0",
                24,
                10,
                1.0,
                0.4167,
                0.6,
            ),
            ([(0.6, 1.2), full[1], full[2]], "0", 12, 9, 0.9, 0.75, 0.3),
            (
                [(0.6, 1.2), (0.2, 1.0), full[2]],
                "0, 1",
                10,
                9,
                0.9,
                0.9,
                0.25,
            ),
            (
                [(0.6, 1.0), (0.2, 1.0), full[2]],
                "0, 1",
                6,
                6,
                0.6,
                1.0,
                0.15,
            ),
            (
                [(0.6, 1.25), (0.15, 1.0), full[2]],
                "0, 1",
                11,
                10,
                1.0,
                0.909,
                0.275,
            ),
        ];
        let json: Vec<String> = boxes
            .iter()
            .map(|(l, r, cases, of_interest, coverage, density, mass)| {
                format!(
                    "{{\"limits\": [{}], \"restricted\": [{r}], \"restricted_dimensions\": 0, \
                     \"cases\": {cases}, \"cases_of_interest\": {of_interest}, \
                     \"coverage\": {coverage}, \"density\": {density}, \"mass\": {mass}}}",
                    limits(*l)
                )
            })
            .collect();
        std::fs::write(
            dir.join(DISCOVERY_FILE),
            format!(
                "{{\"outcome\": \"chn wins more than half the games of the world\", \
                 \"worlds\": 40, \"worlds_of_interest\": 10, \"prim\": {{\
                 \"parameters\": [\"global.software_returns\", \"factor:takeoff\", \"{long}\"], \
                 \"full_range\": [{}], \"cases\": 40, \"cases_of_interest\": 10, \
                 \"options\": {{\"peel_alpha\": 0.05, \"paste_alpha\": 0.05, \"mass_min\": 0.05, \
                 \"threshold\": 0.8, \"selection\": \"first_meeting_threshold\"}}, \
                 \"trajectory\": [{}], \"selected\": 3, \"pasted\": {}}}}}",
                limits(full),
                json[..5].join(", "),
                json[5]
            )
            .replace(
                &format!("\"{long}\""),
                &serde_json::to_string(long).unwrap(),
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join(ROBUSTNESS_FILE),
            "strategy,seat,worlds,mean,p10,p50,p90,max_regret,mean_regret,satisficing_share,threshold\n\
             builder,chn,40,0.3,0.1,0.3,0.5,0.4,0.1,0.2,0.5\n\
             scaler,chn,40,0.35,0.2,0.35,0.5,0.1,0.05,0.3,0.5\n\
             status-quo,chn,40,0.2,0.05,0.2,0.4,0.25,0.15,0.1,0.5\n\
             builder,usa,40,0.8,0.7,0.8,0.9,0.05,0.01,1,0.5\n\
             \"odd, <name>\",usa,40,0.6,0.5,0.6,0.7,0.3,0.2,0.6,0.5\n\
             status-quo,usa,40,0.7,0.6,0.7,0.8,0.05,0.02,0.9,0.5\n",
        )
        .unwrap();
    }

    fn section_ids<'a>(doc: &'a roxmltree::Document<'a>) -> Vec<&'a str> {
        doc.descendants()
            .filter(|n| n.has_tag_name("section"))
            .filter_map(|n| n.attribute("id"))
            .collect()
    }

    /// Every text of `node`, figures' titles included.
    fn all_text(node: roxmltree::Node<'_, '_>) -> String {
        node.descendants()
            .filter(|t| t.is_text())
            .filter_map(|t| t.text())
            .collect()
    }

    /// The bar labels of a figure's panel: (what is shown, the tooltip), top to bottom.
    fn bar_labels(doc: &roxmltree::Document<'_>, panel: &str) -> Vec<(String, String)> {
        by_id(doc, panel)
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|t| {
                let title = t.children().find(|c| c.has_tag_name("title"))?;
                let shown: String = t
                    .children()
                    .filter(|c| c.is_text())
                    .filter_map(|c| c.text())
                    .collect();
                Some((shown, all_text(title)))
            })
            .collect()
    }

    #[test]
    fn explore_files_add_the_three_sections_and_nothing_else_changes() {
        let dir = temp_dir("explore");
        tiny_tournament(&dir, Format::RoundRobin);
        let plain = render_report(&dir, None).unwrap();
        write_explore_files(&dir);
        let html = render_report(&dir, None).unwrap();
        let doc = parse(&html);
        assert_eq!(
            section_ids(&doc),
            [
                "standings",
                "seats",
                "payoff",
                "meta-game",
                "trajectories",
                "arrival",
                "sensitivity",
                "discovery",
                "robustness"
            ]
        );
        for id in ["sensitivity", "discovery", "robustness"] {
            assert!(html.contains(&format!("<a href=\"#{id}\">")), "nav to {id}");
        }
        assert!(
            html.contains("<code>sensitivity.csv</code>"),
            "in the footer"
        );

        // The tornado: parameters by δ, largest first, the long name shortened with the whole
        // name as its tooltip; the noise floor labelled; the axis titled.
        let sensitivity = by_id(&doc, "sensitivity");
        assert!(
            all_text(sensitivity).contains("Across 40 sampled worlds, 3 uncertain parameters"),
            "{}",
            all_text(sensitivity)
        );
        let long = "nations[1].queue.a_parameter_name_long_enough_to_be_shortened_<&>";
        let labels = bar_labels(&doc, "tornado-1");
        let names: Vec<&str> = labels.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(
            names,
            [long, "global.software_returns", "factor:takeoff"],
            "win_share:chn by δ"
        );
        assert!(labels[0].0.contains('…') && labels[0].0.chars().count() < long.len());
        assert_eq!(labels[1].0, labels[1].1, "a short name is whole");
        let names: Vec<String> = bar_labels(&doc, "tornado-2")
            .into_iter()
            .map(|l| l.1)
            .collect();
        assert_eq!(names, ["global.software_returns", "factor:takeoff"]);
        let tornado = all_text(by_id(&doc, "tornado-1"));
        assert!(tornado.contains("noise floor δ = 0.0500"), "{tornado}");
        assert!(tornado.contains("δ (moment-independent sensitivity)"));
        assert!(tornado.contains("win_share:chn"));
        // Two bars clear the floor's interval (0.07): the long one and software_returns.
        let clear = by_id(&doc, "tornado-1")
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(&hex(CLEAR)))
            .count();
        assert_eq!(clear, 2);
        let table = rows(sensitivity, "sensitivity");
        assert_eq!(table[1][1], long);
        assert_eq!(
            &table[2][1..],
            [
                "global.software_returns",
                "0.120",
                "[0.0800, 0.160]",
                "0.100",
                "[0.0500, 0.150]"
            ]
        );
        assert_eq!(table[4][1], "noise floor");

        // PRIM: the pasted box against the full range, the measures, the trade-off curve.
        let discovery = by_id(&doc, "discovery");
        let text = all_text(discovery);
        assert!(
            text.contains(
                "chn wins more than half the games of the world. 10 of 40 worlds (25.0%)"
            ),
            "{text}"
        );
        let limits = rows(discovery, "prim-box");
        assert_eq!(
            limits[1..],
            [
                vec![
                    "global.software_returns",
                    "0.600 to 1.25",
                    "0.600 to 2.40",
                    "36.1%"
                ],
                vec!["factor:takeoff", "0.150 to 1.00", "0 to 1.00", "85.0%"]
            ]
        );
        let measures = rows(discovery, "prim-measures");
        let first: Vec<&str> = measures.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(
            first,
            [
                "box",
                "all worlds (box 0)",
                "box 3 (selected)",
                "box 3 after pasting"
            ]
        );
        assert_eq!(measures[3][1..4], ["1.00", "0.909", "0.275"]);
        let curve = all_text(by_id(&doc, "tradeoff"));
        for label in [
            "box 3 (selected): coverage 0.900, density 0.900",
            "after pasting: coverage 1.00, density 0.909",
            "density threshold 0.8",
            "coverage (share of the worlds of interest inside the box)",
            "density",
        ] {
            assert!(curve.contains(label), "`{label}` in {curve}");
        }
        let circles = |fill: &str, r: &str| {
            by_id(&doc, "tradeoff")
                .descendants()
                .filter(|n| n.has_tag_name("circle"))
                .filter(|n| n.attribute("fill") == Some(fill) && n.attribute("r") == Some(r))
                .count()
        };
        assert_eq!(
            circles(&hex(CLEAR), "3"),
            5 + 1,
            "a dot per box of the trajectory, one in the legend"
        );
        assert_eq!(
            circles("none", "8"),
            2,
            "the selected box ringed, and in the legend"
        );

        // Robustness: per seat, by max regret; the threshold in the header.
        let robustness = by_id(&doc, "robustness");
        let chn = rows(robustness, "robustness");
        assert!(chn[0][8].contains("≥ 0.5"), "{:?}", chn[0]);
        let order: Vec<&str> = chn[1..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(order, ["scaler", "status-quo", "builder"]);
        assert_eq!(
            chn[1][1..],
            [
                "40", "0.350", "0.200", "0.350", "0.500", "0.100", "0.0500", "0.300"
            ]
        );
        let tables: Vec<_> = robustness
            .descendants()
            .filter(|n| n.has_tag_name("table"))
            .collect();
        assert_eq!(tables.len(), 2, "a table per seat");
        let usa: Vec<String> = tables[1]
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .skip(1)
            .map(|tr| all_text(tr.first_element_child().unwrap()))
            .collect();
        assert_eq!(
            usa,
            ["builder", "status-quo", "odd, <name>"],
            "ties by mean regret"
        );
        let names: Vec<String> = bar_labels(&doc, "regret-1")
            .into_iter()
            .map(|l| l.1)
            .collect();
        assert_eq!(names, ["scaler", "status-quo", "builder"]);
        assert!(all_text(by_id(&doc, "regret-2")).contains("max regret (score)"));

        // Every figure has a title.
        for svg in doc.descendants().filter(|n| n.has_tag_name("svg")) {
            if svg.attribute("class") == Some("interval") {
                continue;
            }
            assert!(svg.children().any(|c| c.has_tag_name("title")));
        }

        // Without the files the page is the tournament's, byte for byte.
        for f in [SENSITIVITY_FILE, DISCOVERY_FILE, ROBUSTNESS_FILE] {
            std::fs::remove_file(dir.join(f)).unwrap();
        }
        assert_eq!(render_report(&dir, None).unwrap(), plain);
        for absent in [
            "What decides the race",
            "(PRIM)",
            "Robust strategies",
            "#sensitivity",
        ] {
            assert!(!plain.contains(absent), "{absent}");
        }
    }

    #[test]
    fn bad_explore_files_cost_only_their_section_with_a_note() {
        let dir = temp_dir("bad-explore");
        tiny_tournament(&dir, Format::RoundRobin);
        write_explore_files(&dir);
        let good = std::fs::read_to_string(dir.join(DISCOVERY_FILE)).unwrap();
        std::fs::write(dir.join(DISCOVERY_FILE), &good[..good.len() / 2]).unwrap();
        std::fs::write(
            dir.join(SENSITIVITY_FILE),
            "outcome,parameter,index,ci_low,ci_high,method\nx,y,lots,0,1,delta\n",
        )
        .unwrap();
        let robust = std::fs::read_to_string(dir.join(ROBUSTNESS_FILE)).unwrap();
        std::fs::write(dir.join(ROBUSTNESS_FILE), &robust[..robust.len() - 20]).unwrap();
        let html = render_report(&dir, None).unwrap();
        let doc = parse(&html);
        assert_eq!(section_ids(&doc).len(), 9, "every section is there");
        fn note(doc: &roxmltree::Document<'_>, id: &str) -> String {
            let section = by_id(doc, id);
            let lines: Vec<String> = section
                .children()
                .filter(|n| n.attribute("class") == Some("summary"))
                .map(all_text)
                .collect();
            assert_eq!(lines.len(), 1, "one line in {id}: {lines:?}");
            assert!(!section.descendants().any(|n| n.has_tag_name("svg")));
            lines[0].clone()
        }
        let text = note(&doc, "discovery");
        assert!(
            text.starts_with("discovery.json could not be read: not valid JSON: EOF"),
            "{text}"
        );
        assert_eq!(
            note(&doc, "sensitivity"),
            "sensitivity.csv could not be read: line 2: `lots` is not a number"
        );
        let text = note(&doc, "robustness");
        assert!(
            text.starts_with(
                "robustness.csv could not be read: line 7: 7 fields where the header has 11"
            ),
            "{text}"
        );

        // A box that points outside its parameters, a file that is not UTF-8, no box at all.
        let broken = good.replace("\"selected\": 3", "\"selected\": 9");
        std::fs::write(dir.join(DISCOVERY_FILE), broken).unwrap();
        std::fs::write(dir.join(SENSITIVITY_FILE), b"outcome,\xff\xfe\n").unwrap();
        std::fs::write(dir.join(ROBUSTNESS_FILE), "strategy,seat\n").unwrap();
        let html = render_report(&dir, None).unwrap();
        let doc = parse(&html);
        assert_eq!(
            note(&doc, "discovery"),
            "discovery.json could not be read: `selected` is box 9, but the trajectory has 5"
        );
        assert!(note(&doc, "sensitivity").starts_with("sensitivity.csv could not be read: "));
        assert_eq!(
            note(&doc, "robustness"),
            "robustness.csv could not be read: no `worlds` column"
        );
    }

    #[test]
    fn without_worlds_of_interest_the_discovery_section_says_so_plainly() {
        let dir = temp_dir("no-interest");
        tiny_tournament(&dir, Format::RoundRobin);
        std::fs::write(
            dir.join(DISCOVERY_FILE),
            "{\"outcome\": \"chn wins more than half the games of the world\", \"worlds\": 30, \
             \"worlds_of_interest\": 0, \"error\": \"none of the 30 cases is of interest: there \
             is nothing to discover\"}",
        )
        .unwrap();
        let html = render_report(&dir, None).unwrap();
        let doc = parse(&html);
        assert_eq!(section_ids(&doc)[6..], ["discovery"]);
        let text = all_text(by_id(&doc, "discovery"));
        assert!(
            text.contains("0 of 30 worlds (0%) are of interest.")
                && text.contains("No box: none of the 30 worlds is of interest"),
            "{text}"
        );
        assert!(!html.contains("id=\"tradeoff\""));
    }

    #[test]
    fn numbers_have_three_significant_digits_and_long_names_keep_both_ends() {
        let cases = [
            (0.0, "0"),
            (0.5, "0.500"),
            (0.031234, "0.0312"),
            (1.2549, "1.25"),
            (9.996, "10.0"),
            (-312.4, "-312"),
            (31_234.0, "31200"),
            (312_345.0, "3.12e5"),
            (0.000_312, "3.12e-4"),
            (f64::NAN, "—"),
        ];
        for (x, want) in cases {
            assert_eq!(sig3(x), want, "{x}");
        }
        assert_eq!(shorten("short", 10), "short");
        let s = shorten("nations[0].queue.study_withdrawal_per_year", 24);
        assert_eq!(s.chars().count(), 24);
        assert_eq!(s, "nations…hdrawal_per_year");
    }

    #[test]
    fn heat_runs_from_red_through_white_to_blue() {
        assert_eq!(heat(0.0).0, "#d73027");
        assert_eq!(heat(0.5).0, "#f7f7f7");
        assert_eq!(heat(1.0).0, "#2166ac");
        assert_eq!(heat(0.5).1, "#222222");
    }
}

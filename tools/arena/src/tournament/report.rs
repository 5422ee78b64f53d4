//! The analysis files a tournament leaves beside its games: `standings.csv`, `payoff.csv`,
//! `arrival.csv`, `analysis.json` (the meta-game of the payoff matrix) and `analysis.csv` (the same
//! as a table), the tidy tables of `games.jsonl` ([`super::tables`]), plus the text printed at the
//! end of a run.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gigawatt_engine::Scenario;

use crate::error::Result;

use super::TournamentConfig;
use super::record::GameRecord;
use super::store::{GAMES_FILE, for_each_game_by_id, for_each_game_by_id_split};
use crate::analyze;
use crate::standings::{self, Standing};

pub const STANDINGS_FILE: &str = "standings.csv";
pub const PAYOFF_FILE: &str = "payoff.csv";
pub const ARRIVAL_FILE: &str = "arrival.csv";
pub const ANALYSIS_FILE: &str = "analysis.json";
/// `analysis.json` as a table: one row per strategy.
pub const ANALYSIS_TABLE_FILE: &str = "analysis.csv";
/// The web page `gigawatt-report` writes into a results folder.
pub const REPORT_FILE: &str = "report.html";

/// What the reports hold, for printing.
pub struct Reports {
    pub standings: Vec<Standing>,
    pub analysis: Option<analyze::Report>,
    pub files: Vec<PathBuf>,
    pub games: usize,
    pub faults: usize,
    /// Why the stopping rule ended the run early (also in `stopping.json`), if it did.
    pub stopping: Option<super::stopping::StopDecision>,
    /// Where a stopping rule that did not stop the run stands.
    pub stopping_status: Option<String>,
    /// Each nation's wins over all its games ([`super::drilldown::DrilldownTally::seat_lines`]).
    pub seat_lines: Vec<String>,
}

/// The strategies with a row in a tournament's tables: the configuration's, a gauntlet's focal
/// strategy first.
pub fn listed_strategies(config: &TournamentConfig) -> Vec<String> {
    let mut strategies = config.strategies.clone();
    if let super::Format::Gauntlet { focal } = &config.format
        && !strategies.contains(focal)
    {
        strategies.insert(0, focal.clone());
    }
    strategies
}

/// What the report files need of a run's games, gathered in one pass over them in game-id order
/// (see [`for_each_game_by_id`]): memory does not grow with the games but for the bootstrap's
/// per-unit sums.
pub struct GameTallies {
    pub standings: standings::StandingsTally,
    pub payoff: standings::PayoffTally,
    pub arrival: standings::ArrivalTally,
    /// Per nation and per lineup (`seat_standings.csv`, `matchups.csv`).
    pub drilldown: super::drilldown::DrilldownTally,
    pub games: usize,
    pub faults: usize,
}

impl GameTallies {
    pub fn new(strategies: &[String]) -> GameTallies {
        GameTallies {
            standings: standings::StandingsTally::new(strategies),
            payoff: standings::PayoffTally::default(),
            arrival: standings::ArrivalTally::default(),
            drilldown: super::drilldown::DrilldownTally::default(),
            games: 0,
            faults: 0,
        }
    }

    /// Add the next game, in game-id order.
    pub fn add(&mut self, game: &GameRecord) {
        self.standings.add(game);
        self.payoff.add(game);
        self.arrival.add(game);
        self.drilldown.add(game);
        self.games += 1;
        self.faults += game.faults.len();
    }

    /// The tallies of the games in `path` (read in game-id order; a game twice is refused).
    pub fn read(path: &Path, strategies: &[String]) -> Result<GameTallies> {
        let mut tallies = GameTallies::new(strategies);
        for_each_game_by_id(&[path], |game| {
            tallies.add(&game);
            Ok(())
        })?;
        Ok(tallies)
    }
}

/// Analyse `records` (in any order; `faults` is the number of strategy faults they held) and write
/// the report files into `out`. A run's games need not be loaded for this: see
/// [`write_run_reports`].
pub fn write_reports(
    out: &Path,
    config: &TournamentConfig,
    records: Vec<GameRecord>,
    faults: usize,
) -> Result<Reports> {
    let mut tallies = GameTallies::new(&listed_strategies(config));
    for game in standings::canonical(&records) {
        tallies.add(game);
    }
    tallies.faults = faults;
    write_reports_of(out, config, &tallies)
}

/// A reader of a run's games that [`write_run_reports_with`] feeds in its one pass over them, in
/// game-id order, after the report files' own tallies: explore's analyses and the report page read
/// the games there rather than parsing `games.jsonl` again.
pub trait GameConsumer {
    fn add(&mut self, game: &GameRecord) -> Result<()>;
}

/// Analyse the games of `out` (its `games.jsonl`, in any order) and write the report files there,
/// reading the games one at a time.
pub fn write_run_reports(out: &Path, config: &TournamentConfig) -> Result<Reports> {
    write_run_reports_with(out, config, &mut [])
}

/// [`write_run_reports`], feeding every game to `others` too: one pass over `games.jsonl` (one
/// parse of each line) for every file written from it.
pub fn write_run_reports_with(
    out: &Path,
    config: &TournamentConfig,
    others: &mut [&mut dyn GameConsumer],
) -> Result<Reports> {
    let strategies = listed_strategies(config);
    let mut tallies = GameTallies::new(&strategies);
    let scenarios = super::load_scenarios(config);
    let tables = super::tables::TableWriter::create(out, &start_years(&scenarios))?;
    let mut list =
        super::drilldown::GameListWriter::create(out, super::drilldown::ReplayContext::of(config))?;
    let mut decider = match (&config.stop, &scenarios) {
        (Some(_), Ok(scenarios)) => {
            super::stopping::Decider::new(config, config.plan(scenarios).len())
        }
        _ => None,
    };
    // The tidy tables are written on a thread of their own, fed the games in the same order.
    let tables = for_each_game_by_id_split(&[out.join(GAMES_FILE).as_path()], tables, |game| {
        tallies.add(game);
        list.add(game)?;
        if let Some(decider) = &mut decider {
            decider.add(game);
        }
        for other in others.iter_mut() {
            other.add(game)?;
        }
        Ok(())
    })?;
    let stopping = decider.map(|d| d.finish()).unwrap_or_default();
    let mut reports = write_summaries(out, config, &tallies, stopping)?;
    reports.files.extend(tables?.put_in_place()?);
    reports.files.extend(super::drilldown::write_drilldown_of(
        out,
        &tallies.drilldown,
        list,
    )?);
    Ok(reports)
}

/// [`write_reports`] from the games' tallies, with the tidy tables of `out/games.jsonl`
/// ([`super::tables::write_tables`], which read it one record at a time too).
pub fn write_reports_of(
    out: &Path,
    config: &TournamentConfig,
    tallies: &GameTallies,
) -> Result<Reports> {
    let scenarios = super::load_scenarios(config);
    // The stopping rule's decision, read again from the games (the run wrote none beyond it).
    let stopping = match (&config.stop, &scenarios) {
        (Some(_), Ok(scenarios)) => {
            let planned = config.plan(scenarios).len();
            super::stopping::decision_of(out, config, planned)?
        }
        _ => (None, None),
    };
    let mut reports = write_summaries(out, config, tallies, stopping)?;
    let start_years = start_years(&scenarios);
    reports
        .files
        .extend(super::tables::write_tables(out, &start_years)?);
    reports.files.extend(super::drilldown::write_drilldown(
        out,
        &tallies.drilldown,
        &super::drilldown::ReplayContext::of(config),
    )?);
    Ok(reports)
}

/// Each scenario's name and first year, to date the trajectories of old records written without
/// their years. Scenarios that no longer load (a file moved since) only leave those years empty.
fn start_years(scenarios: &Result<Vec<Arc<Scenario>>>) -> Vec<(String, i32)> {
    scenarios
        .as_ref()
        .map(|scenarios| {
            scenarios
                .iter()
                .map(|s| (s.name.clone(), s.start_year))
                .collect()
        })
        .unwrap_or_default()
}

/// The files summarising the games' tallies (`standings.csv`, `payoff.csv`, `arrival.csv`, the
/// meta-game's `analysis.json` and `analysis.csv`, and `stopping.json` when the rule stopped the
/// run), and what is printed of them.
fn write_summaries(
    out: &Path,
    config: &TournamentConfig,
    tallies: &GameTallies,
    (stopping, status): (Option<super::stopping::StopDecision>, Option<String>),
) -> Result<Reports> {
    let strategies = &listed_strategies(config);
    let table = tallies.standings.standings(config.seed, config.resamples);
    let matrix = tallies.payoff.matrix(strategies);
    let arrivals = tallies.arrival.arrivals();
    let mut files = Vec::new();
    let mut write = |name: &str, text: String| -> Result<()> {
        let path = out.join(name);
        // Whole or not at all: a kill must not leave a truncated table that reads as complete.
        crate::data::write_atomic(&path, &text)?;
        files.push(path);
        Ok(())
    };
    write(STANDINGS_FILE, standings::standings_csv(&table))?;
    let payoff_text = standings::payoff_csv(strategies, &matrix);
    write(PAYOFF_FILE, payoff_text.clone())?;
    let first_start_year = super::load_scenarios(config)
        .ok()
        .and_then(|s| s.first().map(|s| s.start_year));
    write(
        ARRIVAL_FILE,
        standings::arrival_csv(&arrivals, first_start_year),
    )?;
    // The meta-game needs every pair to have met (a gauntlet leaves gaps): analyse when complete.
    let analysis = match analyze::parse_payoff_csv(&payoff_text) {
        Ok(payoff) => {
            let report = analyze::analyze(
                &payoff,
                analyze::DEFAULT_POPULATION,
                analyze::DEFAULT_SELECTION,
            );
            write(ANALYSIS_FILE, serde_json::to_string_pretty(&report)? + "\n")?;
            write(ANALYSIS_TABLE_FILE, analysis_csv(&report)?)?;
            Some(report)
        }
        Err(_) => None,
    };
    if let Some(d) = &stopping {
        let path = out.join(super::stopping::STOPPING_FILE);
        crate::data::write_atomic(&path, &(serde_json::to_string_pretty(d)? + "\n"))?;
        files.push(path);
    }
    Ok(Reports {
        standings: table,
        analysis,
        files,
        games: tallies.games,
        faults: tallies.faults,
        stopping,
        stopping_status: status,
        seat_lines: tallies.drilldown.seat_lines(),
    })
}

/// One row of `analysis.csv`: a strategy in the meta-game, with the analysis' parameters and
/// whole-game results repeated on every row (a flat table).
#[derive(serde::Serialize, Default)]
struct AnalysisRow<'a> {
    strategy: &'a str,
    /// Its probability in the Nash equilibrium found.
    #[serde(serialize_with = "crate::data::number::compact")]
    nash_probability: f64,
    /// In the equilibrium's support.
    nash_support: bool,
    /// Its share of the evolutionary dynamics' stationary distribution.
    #[serde(serialize_with = "crate::data::number::compact")]
    stationary: f64,
    /// Its position by α-Rank mass (1 is first).
    alpha_rank: usize,
    #[serde(serialize_with = "crate::data::number::compact")]
    alpha_rank_mass: f64,
    /// The equilibrium's payoff and regret, and how it was found.
    #[serde(serialize_with = "crate::data::number::compact")]
    nash_payoff: f64,
    #[serde(serialize_with = "crate::data::number::compact")]
    nash_regret: f64,
    nash_method: String,
    population: usize,
    #[serde(serialize_with = "crate::data::number::compact")]
    selection: f64,
    #[serde(serialize_with = "crate::data::number::compact")]
    alpha: f64,
}

/// `analysis.csv`: [`AnalysisRow`]s in payoff order.
fn analysis_csv(report: &analyze::Report) -> Result<String> {
    let method = serde_json::to_value(report.nash.method)?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let rows: Vec<AnalysisRow<'_>> = report
        .strategies
        .iter()
        .map(|name| {
            let rank = report.alpha_rank.iter().position(|r| r.strategy == *name);
            AnalysisRow {
                strategy: name,
                nash_probability: report.nash.probabilities.get(name).unwrap_or(f64::NAN),
                nash_support: report.nash.support.contains(name),
                stationary: report.evolutionary.stationary.get(name).unwrap_or(f64::NAN),
                alpha_rank: rank.map_or(0, |r| r + 1),
                alpha_rank_mass: rank.map_or(f64::NAN, |r| report.alpha_rank[r].mass),
                nash_payoff: report.nash.payoff,
                nash_regret: report.nash.regret,
                nash_method: method.clone(),
                population: report.evolutionary.population,
                selection: report.evolutionary.selection,
                alpha: report.alpha,
            }
        })
        .collect();
    crate::data::to_csv(&rows)
}

/// The text printed at the end of a tournament.
pub fn render(reports: &Reports) -> String {
    let mut text = standings::render_table(&reports.standings);
    if !reports.seat_lines.is_empty() {
        // The seat can decide more than the strategy: say so beside the standings, which pool it.
        text.push_str(
            "\nBy seat, whatever the strategy (each strategy and lineup: seat_standings.csv, \
             matchups.csv):\n",
        );
        for line in &reports.seat_lines {
            text.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(analysis) = &reports.analysis {
        text.push('\n');
        text.push_str(&analyze::render_text(analysis));
    }
    text.push_str(&format!(
        "\n{} games, {} strategy faults\n",
        reports.games, reports.faults
    ));
    if let Some(d) = &reports.stopping {
        text.push_str(&format!("{} ({})\n", d.reason, d.rule));
    }
    if let Some(status) = &reports.stopping_status {
        text.push_str(&format!("{status}\n"));
    }
    if let Some(dir) = reports.files.first().and_then(|f| f.parent()) {
        text.push_str(&format!("results in {}:\n", dir.display()));
        let config = dir.join(super::CONFIG_FILE);
        let games = dir.join(super::store::GAMES_FILE);
        text.push_str(&format!(
            "  {}  (the configuration: rerun with --config)\n",
            config.display()
        ));
        text.push_str(&format!("  {}  (one line per game)\n", games.display()));
    }
    for f in &reports.files {
        if f.file_name().is_some_and(|n| n == REPORT_FILE) {
            text.push_str(&format!(
                "  {}  (the report: open it in a browser)\n",
                f.display()
            ));
        } else {
            text.push_str(&format!("  {}\n", f.display()));
        }
    }
    text
}

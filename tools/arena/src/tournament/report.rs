//! The analysis files a tournament leaves beside its games: `standings.csv`, `payoff.csv`,
//! `arrival.csv` and `analysis.json` (the meta-game of the payoff matrix), plus the text printed at
//! the end of a run.

use std::path::{Path, PathBuf};

use crate::error::{Context, Result};

use super::TournamentConfig;
use super::record::GameRecord;
use super::store::{GAMES_FILE, for_each_game_by_id};
use crate::analyze;
use crate::standings::{self, Standing};

pub const STANDINGS_FILE: &str = "standings.csv";
pub const PAYOFF_FILE: &str = "payoff.csv";
pub const ARRIVAL_FILE: &str = "arrival.csv";
pub const ANALYSIS_FILE: &str = "analysis.json";
/// The web page `gigawatt-report` writes into a results folder.
pub const REPORT_FILE: &str = "report.html";

/// What the reports hold, for printing.
pub struct Reports {
    pub standings: Vec<Standing>,
    pub analysis: Option<analyze::Report>,
    pub files: Vec<PathBuf>,
    pub games: usize,
    pub faults: usize,
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
    pub games: usize,
    pub faults: usize,
}

impl GameTallies {
    pub fn new(strategies: &[String]) -> GameTallies {
        GameTallies {
            standings: standings::StandingsTally::new(strategies),
            payoff: standings::PayoffTally::default(),
            arrival: standings::ArrivalTally::default(),
            games: 0,
            faults: 0,
        }
    }

    /// Add the next game, in game-id order.
    pub fn add(&mut self, game: &GameRecord) {
        self.standings.add(game);
        self.payoff.add(game);
        self.arrival.add(game);
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

/// Analyse the games of `out` (its `games.jsonl`, in any order) and write the report files there,
/// reading the games one at a time.
pub fn write_run_reports(out: &Path, config: &TournamentConfig) -> Result<Reports> {
    let strategies = listed_strategies(config);
    let tallies = GameTallies::read(&out.join(GAMES_FILE), &strategies)?;
    write_reports_of(out, config, &tallies)
}

/// [`write_reports`] from the games' tallies.
pub fn write_reports_of(
    out: &Path,
    config: &TournamentConfig,
    tallies: &GameTallies,
) -> Result<Reports> {
    let strategies = &listed_strategies(config);
    let table = tallies.standings.standings(config.seed, config.resamples);
    let matrix = tallies.payoff.matrix(strategies);
    let arrivals = tallies.arrival.arrivals();
    let mut files = Vec::new();
    let mut write = |name: &str, text: String| -> Result<()> {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        files.push(path);
        Ok(())
    };
    write(STANDINGS_FILE, standings::standings_csv(&table))?;
    let payoff_text = standings::payoff_csv(strategies, &matrix);
    write(PAYOFF_FILE, payoff_text.clone())?;
    write(ARRIVAL_FILE, standings::arrival_csv(&arrivals))?;
    // The meta-game needs every pair to have met (a gauntlet leaves gaps): analyse when complete.
    let analysis = match analyze::parse_payoff_csv(&payoff_text) {
        Ok(payoff) => {
            let report = analyze::analyze(
                &payoff,
                analyze::DEFAULT_POPULATION,
                analyze::DEFAULT_SELECTION,
            );
            write(ANALYSIS_FILE, serde_json::to_string_pretty(&report)? + "\n")?;
            Some(report)
        }
        Err(_) => None,
    };
    Ok(Reports {
        standings: table,
        analysis,
        files,
        games: tallies.games,
        faults: tallies.faults,
    })
}

/// The text printed at the end of a tournament.
pub fn render(reports: &Reports) -> String {
    let mut text = standings::render_table(&reports.standings);
    if let Some(analysis) = &reports.analysis {
        text.push('\n');
        text.push_str(&analyze::render_text(analysis));
    }
    text.push_str(&format!(
        "\n{} games, {} strategy faults\n",
        reports.games, reports.faults
    ));
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

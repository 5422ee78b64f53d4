//! The analysis files a tournament leaves beside its games: `standings.csv`, `payoff.csv`,
//! `arrival.csv` and `analysis.json` (the meta-game of the payoff matrix), plus the text printed at
//! the end of a run.

use std::path::{Path, PathBuf};

use crate::error::{Context, Result};

use super::TournamentConfig;
use super::record::GameRecord;
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

/// Analyse `games` (in any order) and write the report files into `out`.
pub fn write_reports(
    out: &Path,
    config: &TournamentConfig,
    records: Vec<GameRecord>,
    faults: usize,
) -> Result<Reports> {
    // A gauntlet's focal strategy gets its row too, first.
    let mut strategies = config.strategies.clone();
    if let super::Format::Gauntlet { focal } = &config.format
        && !strategies.contains(focal)
    {
        strategies.insert(0, focal.clone());
    }
    let strategies = &strategies;
    let table = standings::standings(&records, strategies, config.seed, config.resamples);
    let matrix = standings::payoff_matrix(&records, strategies);
    let arrivals = standings::asi_arrival(&records);
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
        games: records.len(),
        faults,
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

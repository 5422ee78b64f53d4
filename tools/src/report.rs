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
//!   recomputed from `games.jsonl` with [`crate::standings`] when the file is missing (a shard).
//! - **Payoff matrix** as a heat map (an HTML table with coloured cells): recomputed from the games.
//! - **Meta-game**: the evolutionary stationary distribution as a bar chart, with Nash and α-rank
//!   beside it, from `analysis.json` (absent when the payoff matrix has gaps, e.g. a gauntlet).
//! - **Capability trajectories**: per strategy, the median and inter-quartile band per year of every
//!   seat's `capability_by_year`.
//! - **Superintelligence arrival**: histogram of each game's `asi_month` and its cumulative share.
//! - **Tuning convergence** (with `--tuning TUNEDIR`): every evaluation's score and the best so far,
//!   from `TUNEDIR/history.csv` (columns `evaluation`, `score` and optionally `generation`; others
//!   are ignored).
//!
//! Nothing in the page depends on the time or the machine: the same folder gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::format::{count, fixed, month_label};
use crate::plot::{
    Axes, FONT, Figure, INK, Ticked, chart, color, escape, frame, hex, mesh, month_x, nice_ticks,
    plot_error, render_panel, trim_number, year_label, year_ticks,
};
use crate::standings::{self, Standing};
use crate::tournament::record::GameRecord;
use crate::tournament::report::{ANALYSIS_FILE, STANDINGS_FILE};
use crate::tournament::store::{GAMES_FILE, read_games_for_analysis};
use crate::tournament::{CONFIG_FILE, DEFAULT_RESAMPLES, Format, TournamentConfig};

/// The report's file name in the tournament folder.
pub const REPORT_FILE: &str = "report.html";
/// The tuning history read from `--tuning TUNEDIR`.
pub const HISTORY_FILE: &str = "history.csv";

/// At most this many seats per strategy feed the capability trajectories; beyond it the seats are
/// thinned evenly (in game order), which keeps a 100,000-game report fast.
pub const TRAJECTORY_SAMPLE: usize = 20_000;

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ReportArgs {
    /// A tournament results folder (with games.jsonl).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A tuning folder whose history.csv to draw as a convergence curve.
    #[arg(long, value_name = "TUNEDIR")]
    pub tuning: Option<PathBuf>,
}

/// Run `gigawatt report`.
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let path = write_report(&args.dir, args.tuning.as_deref())?;
    writeln!(out, "{}", path.display())?;
    Ok(ExitCode::SUCCESS)
}

/// Write `dir/report.html` for the tournament folder `dir` (and the tuning folder `tuning`, if
/// given); returns its path.
pub fn write_report(dir: &Path, tuning: Option<&Path>) -> Result<PathBuf> {
    let html = render_report(dir, tuning)?;
    let path = dir.join(REPORT_FILE);
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// The report of the tournament folder `dir` as an HTML page.
pub fn render_report(dir: &Path, tuning: Option<&Path>) -> Result<String> {
    let data = Data::load(dir)?;
    let history = match tuning {
        Some(t) => Some(History::load(&t.join(HISTORY_FILE))?),
        None => None,
    };
    let mut page = Page::default();
    page.head(&data, history.is_some());
    page.standings(&data);
    page.payoff(&data);
    page.meta_game(&data)?;
    page.trajectories(&data)?;
    page.arrival(&data)?;
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
    games: Vec<GameRecord>,
    faults: usize,
    /// Strategies in the configuration's order (a gauntlet's focal first).
    strategies: Vec<String>,
    standings: Vec<Standing>,
    /// Whether the standings were read from `standings.csv` (or recomputed).
    standings_from_file: bool,
    analysis: Option<serde_json::Value>,
    /// The first scenario's start year, when it can be loaded.
    start_year: Option<i32>,
    /// Files of the folder the page was made from.
    files: Vec<String>,
}

impl Data {
    fn load(dir: &Path) -> Result<Data> {
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
                    .map_err(|e| anyhow!("{}: {e}", config_path.display()))?,
            )
        } else {
            None
        };
        let (games, faults) = read_games_for_analysis(&games_path, true)?;
        let strategies = strategy_order(config.as_ref(), &games);
        let standings_path = dir.join(STANDINGS_FILE);
        let (standings, standings_from_file) = if standings_path.is_file() {
            let text = std::fs::read_to_string(&standings_path)
                .with_context(|| format!("cannot read {}", standings_path.display()))?;
            let table =
                parse_standings(&text).map_err(|e| anyhow!("{}: {e}", standings_path.display()))?;
            (table, true)
        } else {
            let (seed, resamples) = config
                .as_ref()
                .map_or((0, DEFAULT_RESAMPLES), |c| (c.seed, c.resamples));
            (
                standings::standings(&games, &strategies, seed, resamples),
                false,
            )
        };
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
        let start_year = config
            .as_ref()
            .and_then(|c| c.scenarios.first())
            .and_then(|s| crate::inputs::load_scenario(s).ok())
            .map(|s| s.start_year);
        let files = [
            CONFIG_FILE,
            GAMES_FILE,
            STANDINGS_FILE,
            crate::tournament::report::PAYOFF_FILE,
            crate::tournament::report::ARRIVAL_FILE,
            ANALYSIS_FILE,
        ]
        .iter()
        .filter(|f| dir.join(f).is_file())
        .map(|f| f.to_string())
        .collect();
        let name = std::fs::canonicalize(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| dir.display().to_string());
        Ok(Data {
            name,
            config,
            games,
            faults,
            strategies,
            standings,
            standings_from_file,
            analysis,
            start_year,
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

/// The configuration's strategies (a gauntlet's focal first), then any other strategy of the games
/// in order of appearance.
fn strategy_order(config: Option<&TournamentConfig>, games: &[GameRecord]) -> Vec<String> {
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
    let mut ids: Vec<&GameRecord> = games.iter().collect();
    ids.sort_by_key(|g| g.game_id);
    for g in ids {
        for seat in &g.seats {
            if !order.iter().any(|o| **o == *seat.strategy) {
                order.push(seat.strategy.to_string());
            }
        }
    }
    order
}

// ------------------------------------------------------------------------------------------------
// CSV
// ------------------------------------------------------------------------------------------------

/// The records of an RFC 4180 CSV text (quoted fields, doubled quotes, LF or CRLF), blank lines
/// skipped.
fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let end_record = |record: &mut Vec<String>, field: &mut String, records: &mut Vec<_>| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].is_empty()) {
            records.push(r);
        }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                end_record(&mut record, &mut field, &mut records);
                was_quoted = false;
                line += 1;
            }
            c if was_quoted && !c.is_whitespace() => {
                return Err(format!("line {line}: text after a closing quote"));
            }
            c => field.push(c),
        }
    }
    if quoted {
        return Err(format!("line {line}: unterminated quoted field"));
    }
    if !field.is_empty() || !record.is_empty() {
        end_record(&mut record, &mut field, &mut records);
    }
    Ok(records)
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
}

impl History {
    fn load(path: &Path) -> Result<History> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read tuning history {}", path.display()))?;
        History::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))
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
            }
        }
        Ok(History { rows: out })
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
table { border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0; }
th, td { padding: 0.22em 0.6em; border-bottom: 1px solid #eee; text-align: right;
  white-space: nowrap; }
th { background: #f4f4f4; font-weight: 600; }
td.name, th.name { text-align: left; }
table.heat td { border: 1px solid #fff; min-width: 3.2em; text-align: center; }
table.heat td.empty { background: #f0f0f0; color: #999; }
svg { max-width: 100%; height: auto; display: block; }
td svg { display: inline-block; vertical-align: middle; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; margin: 0.6em 0;
  font-size: 0.92em; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
details { margin: 0.6em 0; }
summary { cursor: pointer; color: #2166ac; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
code { font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace; font-size: 0.95em; }
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
        facts.push(("games", data.games.len().to_string()));
        facts.push(("strategy faults", data.faults.to_string()));
        self.push("<dl class=\"facts\">\n");
        for (k, v) in facts {
            let _ = writeln!(self.html, "<dt>{k}</dt><dd>{}</dd>", escape(&v));
        }
        self.push("</dl>\n<nav>");
        for (id, label) in [
            ("standings", "Standings"),
            ("payoff", "Payoff matrix"),
            ("meta-game", "Meta-game"),
            ("trajectories", "Capability trajectories"),
            ("arrival", "Superintelligence arrival"),
            ("tuning", "Tuning convergence"),
        ] {
            if id != "tuning" || tuning {
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
                 seat-rotated games on one world seed); the bar shows the interval on [0, 1] with \
                 the mean as a dot and 0.5 marked. Tied: the ranks not statistically \
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
        self.push(
            "<table class=\"standings\">\n<thead><tr><th>rank</th><th class=\"name\">strategy</th>\
             <th>games</th><th>W</th><th>D</th><th>L</th><th>score</th><th>95% CI</th>\
             <th class=\"name\">interval</th><th class=\"name\">tied</th><th>Elo</th>\
             <th>Glicko-2</th><th>TrueSkill</th><th>BT</th></tr></thead>\n<tbody>\n",
        );
        for s in &data.standings {
            let ci = s.ci_text();
            let tied = s.tied_ranks(&rank_of);
            let _ = writeln!(
                self.html,
                "<tr><td>{}</td><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td class=\"name\">{}</td>\
                 <td class=\"name\">{}</td><td>{}</td><td>{} ± {}</td><td>{} ± {}</td><td>{}</td></tr>",
                s.rank,
                escape(&s.strategy),
                s.games,
                s.wins,
                s.draws,
                s.losses,
                cell(s.mean_score, 3),
                ci,
                interval_bar(s, data.color_of(&s.strategy)),
                tied,
                cell(s.elo, 0),
                cell(s.glicko2, 0),
                cell(s.glicko2_deviation, 0),
                cell(s.trueskill_mu, 1),
                cell(s.trueskill_sigma, 1),
                cell(s.bradley_terry, 2),
            );
        }
        self.push("</tbody>\n</table>\n</section>\n");
    }

    fn payoff(&mut self, data: &Data) {
        self.section(
            "payoff",
            "Payoff matrix",
            "Mean score of the row strategy against the column strategy (columns numbered as the \
             rows): blue above 0.5, red below, grey where the two never met.",
        );
        let matrix = standings::payoff_matrix(&data.games, &data.strategies);
        self.push("<table class=\"heat\">\n<thead><tr><th class=\"name\">row against column</th>");
        for (j, s) in data.strategies.iter().enumerate() {
            let _ = write!(self.html, "<th title=\"{}\">{}</th>", escape(s), j + 1);
        }
        self.push("</tr></thead>\n<tbody>\n");
        for (i, (s, row)) in data.strategies.iter().zip(&matrix).enumerate() {
            let _ = write!(
                self.html,
                "<tr><th class=\"name\">{} {}</th>",
                i + 1,
                escape(s)
            );
            for v in row {
                match v {
                    Some(v) => {
                        let (fill, ink) = heat(*v);
                        let _ = write!(
                            self.html,
                            "<td style=\"background:{fill};color:{ink}\">{}</td>",
                            fixed(*v, 2)
                        );
                    }
                    None => self.push("<td class=\"empty\">—</td>"),
                }
            }
            self.push("</tr>\n");
        }
        self.push("</tbody>\n</table>\n</section>\n");
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
        self.push("</tbody>\n</table>\n</section>\n");
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
                "Best-lab capability (log10 of 2022-equivalent FLOP) at the end of each year, over \
                 every seat a strategy played: median (line) and inter-quartile band; the grey line \
                 is the median over all strategies. A game stops when a nation reaches \
                 superintelligence, so later years count only the games still running, and a year reached \
                 by fewer than a tenth of the seats is left out. x axis: {years}."
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
        let mut months: Vec<f64> = data
            .games
            .iter()
            .filter_map(|g| g.asi_month.map(f64::from))
            .collect();
        months.sort_by(f64::total_cmp);
        let total = data.games.len();
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
                data.month(months[0]),
                data.month(quantile(&months, 0.5)),
                data.month(quantile(&months, 0.1)),
                data.month(quantile(&months, 0.9)),
                data.month(months[months.len() - 1]),
            );
            self.push(&arrival_chart(data, &months)?);
        }
        let arrivals = standings::asi_arrival(&data.games);
        if !arrivals.is_empty() {
            let _ = write!(
                self.html,
                "<details>\n<summary>By pairing ({} pairings)</summary>\n<table class=\"arrivals\">\n\
                 <thead><tr><th class=\"name\">pairing</th><th>games</th><th>with ASI</th>\
                 <th>10%</th><th>median</th><th>90%</th></tr></thead>\n<tbody>\n",
                arrivals.len()
            );
            for a in &arrivals {
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

    fn tuning(&mut self, history: &History) -> Result<()> {
        self.section(
            "tuning",
            "Tuning convergence",
            "Score of every evaluation of the tuning run (dots) and the best score so far (line), \
             higher is better. Source: history.csv of the tuning folder.",
        );
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
                    "<p class=\"summary\">{} evaluations{generations}; best score {} at \
                     evaluation {}.</p>",
                    history.rows.len(),
                    fixed(top, 4),
                    trim(at)
                );
                self.push(&tuning_chart(history, &best)?);
            }
        }
        self.push("</section>\n");
        Ok(())
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

/// A strategy's interval on [0, 1] as a small inline figure: the interval, the mean, and 0.5.
fn interval_bar(s: &Standing, fill: RGBColor) -> String {
    let (w, h, pad) = (160.0, 14.0, 6.0);
    let x = |v: f64| pad + v.clamp(0.0, 1.0) * (w - 2.0 * pad);
    let mut svg = format!(
        "<svg class=\"interval\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
         <line x1=\"{a}\" y1=\"{mid}\" x2=\"{b}\" y2=\"{mid}\" stroke=\"#dddddd\" stroke-width=\"1\"/>\
         <line x1=\"{c}\" y1=\"1\" x2=\"{c}\" y2=\"{d}\" stroke=\"#999999\" stroke-width=\"1\"/>",
        a = x(0.0),
        b = x(1.0),
        c = x(0.5),
        mid = h / 2.0,
        d = h - 1.0
    );
    if s.ci_low.is_finite() && s.ci_high.is_finite() {
        let _ = write!(
            svg,
            "<line x1=\"{}\" y1=\"{m}\" x2=\"{}\" y2=\"{m}\" stroke=\"{c}\" stroke-width=\"4\" \
             stroke-linecap=\"round\"/>",
            x(s.ci_low),
            x(s.ci_high),
            m = h / 2.0,
            c = hex(fill)
        );
    }
    if s.mean_score.is_finite() {
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"#222222\"/>",
            x(s.mean_score),
            h / 2.0
        );
    }
    svg.push_str("</svg>");
    svg
}

// ------------------------------------------------------------------------------------------------
// Charts
// ------------------------------------------------------------------------------------------------

/// Horizontal bars of the stationary distribution, largest on top.
fn stationary_chart(data: &Data, bars: &[(String, f64)]) -> Result<String> {
    let n = bars.len();
    let longest = bars.iter().map(|b| b.0.chars().count()).max().unwrap_or(0);
    let label_width = (longest as u32 * 8 + 16).clamp(80, 460);
    let width = 1000;
    let height = 60 + 28 * n as u32;
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
        let mut chart = chart(area, "Stationary distribution", &axes)?;
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
}

/// Per strategy: median and inter-quartile band of capability per year.
struct Trajectory {
    strategy: String,
    seats: usize,
    points: Vec<YearStats>,
}

/// Years reached by fewer than this share of a strategy's seats are left out of its trajectory
/// (games stop at superintelligence: the few still running make a noisy tail).
pub const TRAJECTORY_MIN_SHARE: f64 = 0.1;

fn trajectory_stats(series: &[&[f64]]) -> Vec<YearStats> {
    let years = series.iter().map(|s| s.len()).max().unwrap_or(0);
    let enough = ((series.len() as f64 * TRAJECTORY_MIN_SHARE).ceil() as usize).max(1);
    let mut values = Vec::with_capacity(series.len());
    (0..years)
        .filter_map(|i| {
            values.clear();
            values.extend(
                series
                    .iter()
                    .filter_map(|s| s.get(i).copied())
                    .filter(|v| v.is_finite()),
            );
            if values.len() < enough {
                return None;
            }
            values.sort_by(f64::total_cmp);
            Some(YearStats {
                year: i,
                q1: quantile(&values, 0.25),
                median: quantile(&values, 0.5),
                q3: quantile(&values, 0.75),
            })
        })
        .collect()
}

/// Each strategy's trajectory (in standings order) and the median over all seats.
fn trajectories(data: &Data) -> (Vec<Trajectory>, Vec<YearStats>) {
    let mut by_strategy: BTreeMap<&str, Vec<&[f64]>> = BTreeMap::new();
    for g in &data.games {
        for seat in &g.seats {
            by_strategy
                .entry(&*seat.strategy)
                .or_default()
                .push(&seat.capability_by_year);
        }
    }
    fn sample<'a>(all: &[&'a [f64]]) -> Vec<&'a [f64]> {
        if all.len() <= TRAJECTORY_SAMPLE {
            return all.to_vec();
        }
        (0..TRAJECTORY_SAMPLE)
            .map(|k| all[k * all.len() / TRAJECTORY_SAMPLE])
            .collect()
    }
    let mut everyone: Vec<&[f64]> = Vec::new();
    let mut out = Vec::new();
    // In standings order (falling back to the configuration's order).
    let mut order: Vec<&str> = data.standings.iter().map(|s| s.strategy.as_str()).collect();
    for s in &data.strategies {
        if !order.contains(&s.as_str()) {
            order.push(s);
        }
    }
    for name in order {
        let Some(all) = by_strategy.get(name) else {
            continue;
        };
        let seats = sample(all);
        everyone.extend(&seats);
        out.push(Trajectory {
            strategy: name.to_string(),
            seats: all.len(),
            points: trajectory_stats(&seats),
        });
    }
    let overall = trajectory_stats(&everyone);
    (out, overall)
}

/// Small multiples: one panel per strategy, shared axes.
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
    let (lo, hi) = series
        .iter()
        .flat_map(|t| t.points.iter().flat_map(|p| [p.q1, p.q3]))
        .chain(overall.iter().map(|p| p.median))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let (y_ticks, y) = nice_ticks(lo - 0.2, hi + 0.2, 4);
    let x_ticks = year_ticks(x.0, x.1);
    let relative = |v: &f64| format!("+{}", (v - f64::from(start)).round() as i64);
    let x_label: &dyn Fn(&f64) -> String = if data.start_year.is_some() {
        &year_label
    } else {
        &relative
    };
    let y_label = |v: &f64| fixed(*v, 0);
    let (columns, panel_w, panel_h) = (3u32, 400u32, 250u32);
    let rows = (series.len() as u32).div_ceil(columns);
    let mut figure = Figure::new(
        columns * panel_w,
        rows * panel_h,
        "Capability trajectories by strategy",
    );
    for (k, t) in series.iter().enumerate() {
        let fill = data.color_of(&t.strategy);
        let caption = format!("{} ({} seats)", t.strategy, t.seats);
        let markup = render_panel((panel_w, panel_h), |area| {
            let axes = Axes {
                x,
                x_ticks: x_ticks.clone(),
                x_label,
                y,
                y_ticks: y_ticks.clone(),
                y_label: &y_label,
                y_desc: "capability",
                y_area: 0,
                y2_area: 0,
            };
            let mut chart = chart(area, &caption, &axes)?;
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
            chart
                .draw_series(LineSeries::new(
                    overall.iter().map(|p| (year_x(p.year), p.median)),
                    RGBColor(0xaa, 0xaa, 0xaa).stroke_width(1),
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
            Ok(())
        })?;
        let k = k as u32;
        figure.panel(
            &format!("trajectory-{}", k + 1),
            &t.strategy,
            (k % columns) * panel_w,
            (k / columns) * panel_h,
            &markup,
        );
    }
    Ok(figure.inline())
}

/// Histogram of the arrival month (quarters) with the cumulative share of games on a second axis.
fn arrival_chart(data: &Data, months: &[f64]) -> Result<String> {
    let total = data.games.len() as f64;
    let first = months[0] as u32;
    let last = months[months.len() - 1] as u32;
    let width_months = if last - first > 240 { 12 } else { 3 };
    let bin0 = first - first % width_months;
    let bins = (last - bin0) / width_months + 1;
    let mut counts = vec![0usize; bins as usize];
    for m in months {
        counts[((*m as u32 - bin0) / width_months) as usize] += 1;
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
    let (width, height) = (1000u32, 340u32);
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
        let chart = frame(area, "First crossing of the superintelligence line", &axes)?;
        let mut chart = chart.set_secondary_coord(
            Ticked::new(x.0, x.1, x_ticks.clone()),
            Ticked::new(0.0, 1.0, vec![0.0, 0.25, 0.5, 0.75, 1.0]),
        );
        mesh(&mut chart, &axes)?;
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
        for m in first..=last {
            seen += months[seen..]
                .iter()
                .take_while(|v| **v as u32 == m)
                .count();
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
    let (e0, e1) = history
        .rows
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r.0), hi.max(r.0))
        });
    let (s0, s1) = history
        .rows
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r.2), hi.max(r.2))
        });
    let pad = ((s1 - s0) * 0.05).max(1e-3);
    let (y_ticks, y) = nice_ticks(s0 - pad, s1 + pad, 5);
    let (x_ticks, x) = nice_ticks(e0.min(0.0), e1.max(e0 + 1.0), 8);
    let x_label = |v: &f64| trim(*v);
    let y_label = |v: &f64| trim((v * 1e6).round() / 1e6);
    let (width, height) = (1000u32, 340u32);
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
        let mut chart = chart(area, "Score by evaluation and best so far", &axes)?;
        chart
            .draw_series(
                history
                    .rows
                    .iter()
                    .map(|r| Circle::new((r.0, r.2), 2.5, dot.mix(0.5).filled())),
            )
            .map_err(plot_error)?;
        chart
            .draw_series(LineSeries::new(History::steps(best), line.stroke_width(2)))
            .map_err(plot_error)?;
        Ok(())
    })?;
    let mut figure = Figure::new(width, height, "Tuning convergence");
    figure.panel("convergence", "Tuning convergence", 0, 0, &markup);
    Ok(figure.inline())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::report::write_reports;
    use crate::tournament::run::{RunOptions, run};

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
        };
        let scenarios = crate::tournament::cli::load_scenarios(&config).unwrap();
        let options = RunOptions {
            threads: Some(1),
            resume: false,
            progress: crate::progress::Mode::Hidden,
            interim_standings: false,
            stop: crate::signals::Stop::never(),
        };
        run(&config, &scenarios, dir, &options).unwrap();
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
            assert_eq!(count("#AAAAAA"), 1, "the overall median");
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
        assert_eq!(heat[1][0], "1 builder", "the focal strategy first");
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
        assert!(
            html.contains("3 evaluations over 2 generations; best score 0.5000 at evaluation 1.")
        );
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

    #[test]
    fn heat_runs_from_red_through_white_to_blue() {
        assert_eq!(heat(0.0).0, "#d73027");
        assert_eq!(heat(0.5).0, "#f7f7f7");
        assert_eq!(heat(1.0).0, "#2166ac");
        assert_eq!(heat(0.5).1, "#222222");
    }
}

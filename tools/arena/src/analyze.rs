//! `gigawatt analyze`: the meta-game of a payoff matrix.
//!
//! A payoff matrix `A` over `n` strategies (`A[i][j]` = mean score of strategy `i` against strategy
//! `j`) defines a symmetric two-player game, the *meta-game* of a tournament. This module reads and
//! writes it as CSV and computes three summaries of it:
//!
//! - [`nash`]: a symmetric Nash equilibrium, exactly, by support enumeration (up to
//!   [`SUPPORT_ENUMERATION_MAX`] strategies; Lemke–Howson beyond or in degenerate games);
//! - [`evolutionary`]: the stationary distribution over strategies of a finite population of `Z`
//!   players who imitate each other by pairwise comparison (Fermi rule) at selection intensity `β`, in
//!   the limit of rare mutations (Traulsen, Nowak & Pacheco 2006; Fudenberg & Imhof 2006; Traulsen,
//!   Pacheco & Nowak 2007), excluding self-interaction;
//! - [`alpha_rank`]: α-Rank (Omidshafiei et al. 2019), single-population case.
//!
//! [`analyze`] runs all three into a [`Report`], which serializes to JSON (strategies always in
//! payoff order) and renders as a text table ([`render_text`]).
//!
//! Both Markov-chain methods work in log space (fixation probabilities as logarithms, the stationary
//! distribution by the subtraction-free GTH elimination on logarithms), so any `β·Z` or `α·Z` gives
//! finite probabilities that sum to 1 — states that are `exp(-10⁵)` unlikely simply print as 0.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::format::fixed;
use crate::table::{Align, Table};

/// Default population size `Z` for [`evolutionary`] and for [`alpha_rank`] in [`analyze`]
/// (`--population`): large enough for selection to beat drift, small enough for drift to matter,
/// and of the order used in the evolutionary-game-theory literature.
pub const DEFAULT_POPULATION: usize = 50;

/// Default selection intensity `β` for [`evolutionary`] (`--selection`): payoffs are tournament
/// scores in [0, 1], so at `β = 1` imitation is mostly noisy; raise it to sharpen selection.
pub const DEFAULT_SELECTION: f64 = 1.0;

/// α of [`alpha_rank`] in [`analyze`]. α-Rank is defined in the limit of large α, where the ranking
/// follows only the signs of payoff differences; with payoffs in [0, 1] (tournament scores), α = 100
/// already weighs a head-to-head difference of 0.05 about e⁵ ≈ 150 to 1, close to that limit, while
/// differences of 0.001 still count as near ties (the paper's finite-α approximation of the limit).
pub const DEFAULT_ALPHA: f64 = 100.0;

/// Largest number of strategies for which [`nash`] enumerates supports (`2ⁿ − 1` linear systems of
/// size up to `n + 1`); beyond, it runs Lemke–Howson.
pub const SUPPORT_ENUMERATION_MAX: usize = 15;

/// Largest population [`check_parameters`] accepts: the fixation probabilities cost `O(n² Z)`.
pub const MAX_POPULATION: usize = 100_000;

/// Tolerance of [`nash`], relative to the largest absolute payoff: a candidate is an equilibrium
/// when no strategy earns more than `NASH_TOLERANCE · max|A|` above the candidate's payoff against
/// it (its [`NashResult::regret`]). Probabilities down to `-NASH_TOLERANCE` count as 0.
pub const NASH_TOLERANCE: f64 = 1e-9;

// ------------------------------------------------------------------------------------------------
// Payoff matrix and its CSV form
/// Why a payoff matrix or the analysis's parameters were refused. The messages name the place:
/// `PATH: line N: ...` for a file.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("population must be between 2 and {MAX_POPULATION}, not {0}")]
    Population(usize),
    #[error("selection intensity must be a finite number ≥ 0, not {0}")]
    Selection(f64),
    /// Names, shape or values of the matrix break [`Payoff`]'s invariants.
    #[error("{0}")]
    Matrix(String),
    /// The CSV text is not a payoff matrix; the message starts with `line N:`.
    #[error("{0}")]
    Csv(String),
    /// The file could not be read (its error is part of the message, as `PATH: cannot read: ...`).
    #[error("{}: cannot read: {error}", path.display())]
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    /// The file's text is not a payoff matrix.
    #[error("{}: {error}", path.display())]
    File {
        path: std::path::PathBuf,
        error: Box<AnalyzeError>,
    },
}

// ------------------------------------------------------------------------------------------------

/// A square payoff matrix over named strategies. Invariants (checked by [`Payoff::new`]): at least
/// one strategy, names non-empty and distinct, one row of `n` finite values per strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct Payoff {
    strategies: Vec<String>,
    matrix: Vec<Vec<f64>>,
}

impl Payoff {
    /// `matrix[i][j]` is the mean payoff of `strategies[i]` against `strategies[j]`.
    pub fn new(strategies: Vec<String>, matrix: Vec<Vec<f64>>) -> Result<Payoff, AnalyzeError> {
        if strategies.is_empty() {
            return Err(AnalyzeError::Matrix(
                "a payoff matrix needs at least one strategy".to_string(),
            ));
        }
        for (i, name) in strategies.iter().enumerate() {
            if name.trim().is_empty() {
                return Err(AnalyzeError::Matrix(format!(
                    "strategy {} has an empty name",
                    i + 1
                )));
            }
            if strategies[..i].contains(name) {
                return Err(AnalyzeError::Matrix(format!(
                    "strategy `{name}` appears twice"
                )));
            }
        }
        let n = strategies.len();
        if matrix.len() != n {
            return Err(AnalyzeError::Matrix(format!(
                "{n} strategies but {} rows of payoffs",
                matrix.len()
            )));
        }
        for (i, row) in matrix.iter().enumerate() {
            if row.len() != n {
                return Err(AnalyzeError::Matrix(format!(
                    "row `{}` has {} payoffs, expected {n}",
                    strategies[i],
                    row.len()
                )));
            }
            if let Some(j) = row.iter().position(|x| !x.is_finite()) {
                return Err(AnalyzeError::Matrix(format!(
                    "payoff of `{}` against `{}` is {}, not a finite number",
                    strategies[i], strategies[j], row[j]
                )));
            }
        }
        Ok(Payoff { strategies, matrix })
    }

    /// The strategy names, in matrix order.
    pub fn strategies(&self) -> &[String] {
        &self.strategies
    }

    /// The rows: `matrix()[i][j]` is the payoff of strategy `i` against strategy `j`.
    pub fn matrix(&self) -> &[Vec<f64>] {
        &self.matrix
    }

    /// Number of strategies (at least 1).
    pub fn len(&self) -> usize {
        self.strategies.len()
    }

    /// Always false: a payoff matrix has at least one strategy.
    pub fn is_empty(&self) -> bool {
        self.strategies.is_empty()
    }

    /// Index of a strategy by name.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.strategies.iter().position(|s| s == name)
    }
}

/// Largest payoff magnitude analysed. The dynamics exponentiate payoff differences times the
/// selection intensity and the population, and the Nash solver pivots on them: beyond this, sums
/// and products overflow to infinity and the results come out undefined. Scores are in [0, 1]; any
/// other payoff scale can be divided down to this.
pub const MAX_PAYOFF_MAGNITUDE: f64 = 1e12;
/// Largest payoff file read, bytes (a 1,000-strategy matrix of round-trip doubles is ~25 MB).
pub const MAX_PAYOFF_FILE_BYTES: u64 = 64 << 20;

/// Read and parse a payoff CSV file; errors read `PATH: line N: message`.
pub fn read_payoff_csv(path: &Path) -> Result<Payoff, AnalyzeError> {
    let text = crate::inputs::read_text_bounded(path, MAX_PAYOFF_FILE_BYTES).map_err(|error| {
        AnalyzeError::Read {
            path: path.to_path_buf(),
            error,
        }
    })?;
    parse_payoff_csv(&text).map_err(|error| AnalyzeError::File {
        path: path.to_path_buf(),
        error: Box::new(error),
    })
}

/// Parse a payoff matrix from CSV: a header `strategy,<name1>,<name2>,...` (the first header cell
/// may be anything, e.g. empty as pandas writes it), then one row per strategy, in header order:
/// its name and its mean payoff against each column strategy.
///
/// RFC 4180: fields may be quoted (`"parametric(compute_share: 0.6, dereg_month: 12)"`), a quote
/// inside a quoted field is doubled, quoted fields may span lines; lines end with LF, CRLF or CR; a
/// UTF-8 byte-order mark, blank lines and spaces around fields are ignored. Errors name the line:
/// `line 4: empty cell for row `b`, column `c``.
pub fn parse_payoff_csv(text: &str) -> Result<Payoff, AnalyzeError> {
    payoff_from_csv(text).map_err(AnalyzeError::Csv)
}

/// [`parse_payoff_csv`], its errors as `line N: message`.
fn payoff_from_csv(text: &str) -> Result<Payoff, String> {
    let records = crate::data::records(text)?;
    let Some((header, rows)) = records.split_first() else {
        return Err("line 1: empty file; expected a header `strategy,<name>,...`".to_string());
    };
    if header.fields.len() < 2 {
        return Err(format!(
            "line {}: the header must be `strategy,<name>,...` with at least one strategy",
            header.line
        ));
    }
    let names: Vec<String> = header.fields[1..].to_vec();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(format!(
                "line {}: column {} of the header has no strategy name",
                header.line,
                i + 2
            ));
        }
        if names[..i].contains(name) {
            return Err(format!(
                "line {}: strategy `{name}` appears twice in the header",
                header.line
            ));
        }
    }
    let n = names.len();
    if rows.len() != n {
        let line = rows.get(n).map_or_else(|| last_line(text), |r| r.line);
        return Err(format!(
            "line {line}: expected {n} rows (one per strategy of the header), found {}",
            rows.len()
        ));
    }
    let mut matrix = Vec::with_capacity(n);
    for (r, record) in rows.iter().enumerate() {
        let line = record.line;
        if record.fields.len() != n + 1 {
            return Err(format!(
                "line {line}: expected {} fields (the strategy and {n} payoffs), found {}",
                n + 1,
                record.fields.len()
            ));
        }
        let row_name = &record.fields[0];
        if *row_name != names[r] {
            return Err(format!(
                "line {line}: row {} is `{row_name}` but column {} of the header is `{}` \
                 (rows must list the header's strategies in the same order)",
                r + 1,
                r + 1,
                names[r]
            ));
        }
        let mut values = Vec::with_capacity(n);
        for (c, cell) in record.fields[1..].iter().enumerate() {
            let at = || format!("line {line}: row `{row_name}`, column `{}`", names[c]);
            if cell.is_empty() {
                return Err(format!("{}: empty cell", at()));
            }
            let value: f64 = cell
                .parse()
                .map_err(|_| format!("{}: `{cell}` is not a number", at()))?;
            if !value.is_finite() {
                return Err(format!("{}: `{cell}` is not a finite number", at()));
            }
            if value.abs() > MAX_PAYOFF_MAGNITUDE {
                return Err(format!(
                    "{}: `{cell}` is outside the payoffs this analysis handles (magnitude at most \
                     {MAX_PAYOFF_MAGNITUDE:e}); rescale the matrix",
                    at()
                ));
            }
            values.push(value);
        }
        matrix.push(values);
    }
    Payoff::new(names, matrix).map_err(|e| format!("line {}: {e}", header.line))
}

/// Write a payoff matrix as CSV (LF line ends, header `strategy,...`), quoting names that need it
/// (a comma, a quote or a line break); names are read back trimmed of surrounding spaces, as specs
/// are written anyway. Numbers are written in the shortest form that reads back exactly, so
/// `parse_payoff_csv(&write_payoff_csv(p)) == Ok(p)`.
pub fn write_payoff_csv(payoff: &Payoff) -> String {
    let mut w = crate::data::record_writer(Vec::new());
    let header = std::iter::once("strategy").chain(payoff.strategies.iter().map(String::as_str));
    // Writing into memory cannot fail.
    w.write_record(header).expect("CSV in memory");
    for (name, row) in payoff.strategies.iter().zip(&payoff.matrix) {
        let cells = row.iter().map(|&x| csv_number(x));
        w.write_record(std::iter::once(name.clone()).chain(cells))
            .expect("CSV in memory");
    }
    crate::data::into_text(w).expect("CSV in memory")
}

/// Shortest round-trip form; exponent notation for very small or large magnitudes.
fn csv_number(x: f64) -> String {
    let magnitude = x.abs();
    if magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// The number of the last line of `text` (for errors about something missing at the end).
fn last_line(text: &str) -> usize {
    text.trim_end().lines().count().max(1)
}

// ------------------------------------------------------------------------------------------------
// Results
// ------------------------------------------------------------------------------------------------

/// A value per strategy, in payoff order; serializes as a JSON object `{strategy: value}` whose keys
/// keep that order (when written with `serde_json::to_string*` / `to_writer*`; going through
/// `serde_json::Value` would sort them).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StrategyMap(pub Vec<(String, f64)>);

impl StrategyMap {
    fn new(strategies: &[String], values: &[f64]) -> StrategyMap {
        StrategyMap(
            strategies
                .iter()
                .cloned()
                .zip(values.iter().copied())
                .collect(),
        )
    }

    /// The value of a strategy by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(s, _)| s == name).map(|(_, v)| *v)
    }

    /// The values in payoff order.
    pub fn values(&self) -> Vec<f64> {
        self.0.iter().map(|(_, v)| *v).collect()
    }

    /// `(strategy, value)` pairs in payoff order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(s, v)| (s.as_str(), *v))
    }
}

impl Serialize for StrategyMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// How [`nash`] found its equilibrium.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NashMethod {
    /// Supports by increasing size, each size in lexicographic order of strategy indices.
    SupportEnumeration,
    /// Lemke–Howson on the symmetric game: more than [`SUPPORT_ENUMERATION_MAX`] strategies and no
    /// equilibrium on one or two of them, or a degenerate game where no support qualifies.
    LemkeHowson,
    /// Numerical trouble: the candidate with the smallest regret, which exceeds the tolerance.
    Approximate,
}

/// A symmetric Nash equilibrium `(x, x)` of the meta-game.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NashResult {
    /// Strategies played with positive probability, in payoff order.
    pub support: Vec<String>,
    /// Probability of every strategy (0 outside the support), in payoff order.
    pub probabilities: StrategyMap,
    /// Expected payoff `xᵀAx` of the equilibrium.
    pub payoff: f64,
    /// Largest gain from a pure deviation, `max_i (Ax)_i − xᵀAx` (≥ 0; at most
    /// `NASH_TOLERANCE · max|A|` unless the method is `approximate`).
    pub regret: f64,
    pub method: NashMethod,
}

/// One symmetric Nash equilibrium found by [`equilibria`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Equilibrium {
    /// Strategies played with positive probability, in payoff order.
    pub support: Vec<String>,
    /// Probability of every strategy (0 outside the support), in payoff order.
    pub probabilities: StrategyMap,
    /// Expected payoff `xᵀAx`.
    pub payoff: f64,
    /// Largest gain from a pure deviation (at most `NASH_TOLERANCE · max|A|`).
    pub regret: f64,
}

/// Small-mutation-limit evolutionary dynamics of the meta-game.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evolutionary {
    /// Population size `Z`.
    pub population: usize,
    /// Selection intensity `β`.
    pub selection: f64,
    /// Long-run frequency of each strategy (the stationary distribution over monomorphic
    /// populations), in payoff order; sums to 1.
    pub stationary: StrategyMap,
    /// `fixation[i][j]`: probability that a single mutant playing strategy `j` takes over a
    /// population of `Z − 1` players of strategy `i` (the diagonal is the neutral `1/Z`). Rows and
    /// columns in payoff order.
    pub fixation: Vec<Vec<f64>>,
}

/// One line of the α-Rank ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankedStrategy {
    pub strategy: String,
    /// Stationary mass of the strategy in α-Rank's Markov chain.
    pub mass: f64,
}

/// Everything `gigawatt analyze` reports. JSON:
///
/// ```json
/// {
///   "strategies": ["cooperate", "defect"],
///   "nash": {
///     "support": ["defect"],
///     "probabilities": {"cooperate": 0.0, "defect": 1.0},
///     "payoff": 1.0,
///     "regret": 0.0,
///     "method": "support-enumeration"
///   },
///   "evolutionary": {
///     "population": 50,
///     "selection": 1.0,
///     "stationary": {"cooperate": 3.6e-34, "defect": 1.0},
///     "fixation": [[0.02, 0.872], [3.2e-34, 0.02]]
///   },
///   "alpha": 100.0,
///   "alpha_rank": [{"strategy": "defect", "mass": 1.0}, {"strategy": "cooperate", "mass": 0.0}]
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Strategy names in payoff order.
    pub strategies: Vec<String>,
    pub nash: NashResult,
    /// Every symmetric equilibrium support enumeration finds ([`equilibria`]), `nash` among them
    /// when it was found that way; more than one means the equilibrium is not unique. Empty when
    /// support enumeration finds none (then `nash` came from Lemke–Howson).
    pub equilibria: Vec<Equilibrium>,
    pub evolutionary: Evolutionary,
    /// The α used for `alpha_rank` (its population is `evolutionary.population`).
    pub alpha: f64,
    /// Strategies by decreasing α-Rank mass (ties in payoff order).
    pub alpha_rank: Vec<RankedStrategy>,
}

/// Check `--population` and `--selection`: `2 ≤ Z ≤ MAX_POPULATION`, `β` finite and ≥ 0.
/// [`evolutionary`], [`alpha_rank`] and [`analyze`] panic on values this rejects.
pub fn check_parameters(population: usize, selection: f64) -> Result<(), AnalyzeError> {
    if !(2..=MAX_POPULATION).contains(&population) {
        return Err(AnalyzeError::Population(population));
    }
    if !selection.is_finite() || selection < 0.0 {
        return Err(AnalyzeError::Selection(selection));
    }
    Ok(())
}

/// Panic with [`check_parameters`]'s message; `what` names the intensity (`selection`, `alpha`).
fn assert_parameters(population: usize, intensity: f64, what: &str) {
    if let Err(e) = check_parameters(population, intensity) {
        panic!("{}", e.to_string().replace("selection intensity", what));
    }
}

/// All three analyses: [`nash`], [`evolutionary`] with `population` and `selection`, and
/// [`alpha_rank`] with [`DEFAULT_ALPHA`] and the same population.
///
/// # Panics
/// If [`check_parameters`] rejects `population` or `selection`.
pub fn analyze(payoff: &Payoff, population: usize, selection: f64) -> Report {
    let ranking = alpha_rank(payoff, DEFAULT_ALPHA, population);
    Report {
        strategies: payoff.strategies.clone(),
        nash: nash(payoff),
        equilibria: equilibria(payoff),
        evolutionary: evolutionary(payoff, population, selection),
        alpha: DEFAULT_ALPHA,
        alpha_rank: ranking
            .into_iter()
            .map(|(strategy, mass)| RankedStrategy { strategy, mass })
            .collect(),
    }
}

/// Refuse a report holding an undefined number (JSON `null`): payoffs within
/// [`MAX_PAYOFF_MAGNITUDE`] should never give one, and a result that is not a number must not be
/// written as if it were one.
pub fn check_finite(report: &Report) -> Result<(), AnalyzeError> {
    fn walk(value: &serde_json::Value, path: &str) -> Option<String> {
        match value {
            serde_json::Value::Null => Some(path.to_string()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{path}[{i}]"))),
            serde_json::Value::Object(map) => map
                .iter()
                .find_map(|(k, v)| walk(v, &format!("{path}.{k}"))),
            _ => None,
        }
    }
    let value = serde_json::to_value(report).map_err(|e| AnalyzeError::Matrix(e.to_string()))?;
    match walk(&value, "report") {
        Some(path) => Err(AnalyzeError::Matrix(format!(
            "the analysis gave an undefined number at {path}; the payoffs are too far apart for it"
        ))),
        None => Ok(()),
    }
}

/// The report as text: the parameters, then one line per strategy (payoff order) with its Nash
/// probability, evolutionary frequency, α-Rank mass and α-Rank position.
pub fn render_text(report: &Report) -> String {
    let evo = &report.evolutionary;
    let nash = &report.nash;
    let method = match nash.method {
        NashMethod::SupportEnumeration => "support enumeration",
        NashMethod::LemkeHowson => "Lemke-Howson",
        NashMethod::Approximate => "approximate: numerical trouble",
    };
    let mut out = String::new();
    let _ = writeln!(out, "Meta-game of {} strategies", report.strategies.len());
    let _ = writeln!(
        out,
        "  nash          symmetric Nash equilibrium ({method}): payoff {}, regret {}",
        fixed(nash.payoff, 4),
        if nash.regret == 0.0 {
            "0".to_string()
        } else {
            format!("{:.1e}", nash.regret)
        }
    );
    if report.equilibria.len() > 1 {
        // Wrapped to fit 100 columns: a game with many equilibria lists them all.
        let text = format!("not unique: {}", equilibria_text(&report.equilibria));
        for line in wrap(&text, 100 - 16) {
            let _ = writeln!(out, "                {line}");
        }
    }
    let _ = writeln!(
        out,
        "  evolutionary  stationary distribution (rare mutations, pairwise imitation): Z = {}, β = {}",
        evo.population, evo.selection
    );
    let _ = writeln!(
        out,
        "  α-rank        stationary mass, single population: α = {}, Z = {}",
        report.alpha, evo.population
    );
    out.push('\n');
    let mut table = Table::new(&[
        ("strategy", Align::Left),
        ("nash", Align::Right),
        ("evolutionary", Align::Right),
        ("α-rank", Align::Right),
        ("rank", Align::Right),
    ]);
    let labels = crate::format::abbreviate(&report.strategies, crate::standings::SPEC_COLUMN);
    for (i, (name, label)) in report.strategies.iter().zip(&labels).enumerate() {
        let probability = nash.probabilities.0.get(i).map_or(0.0, |(_, p)| *p);
        let frequency = evo.stationary.0.get(i).map_or(0.0, |(_, p)| *p);
        let (rank, mass) = report
            .alpha_rank
            .iter()
            .enumerate()
            .find(|(_, r)| r.strategy == *name)
            .map_or((String::new(), 0.0), |(k, r)| ((k + 1).to_string(), r.mass));
        table.row(vec![
            label.clone(),
            fixed(probability, 4),
            fixed(frequency, 4),
            fixed(mass, 4),
            rank,
        ]);
    }
    out.push_str(&table.render("  "));
    out.push_str(&crate::format::legend(&report.strategies, &labels));
    out
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `2 equilibria: denier (pure); algorithmist (pure)`: each equilibrium's support, with the
/// probabilities of a mixed one.
pub fn equilibria_text(equilibria: &[Equilibrium]) -> String {
    let each: Vec<String> = equilibria
        .iter()
        .map(|e| {
            if e.support.len() == 1 {
                format!("{} (pure)", e.support[0])
            } else {
                e.support
                    .iter()
                    .map(|s| format!("{} {}", s, fixed(e.probabilities.get(s).unwrap_or(0.0), 3)))
                    .collect::<Vec<_>>()
                    .join(" + ")
            }
        })
        .collect();
    let count = match equilibria.len() {
        1 => "1 equilibrium".to_string(),
        n => format!("{n} equilibria"),
    };
    format!("{count}: {}", each.join("; "))
}

// ------------------------------------------------------------------------------------------------
// Nash equilibrium
// ------------------------------------------------------------------------------------------------

/// A symmetric Nash equilibrium `(x, x)` of the symmetric two-player game whose row player earns
/// `A[i][j]` (every such game has one).
///
/// Up to [`SUPPORT_ENUMERATION_MAX`] strategies: support enumeration, supports by increasing size
/// and, within a size, in lexicographic order of indices; for each, solve the indifference system
/// `(A x)_i = v` for `i` in the support, `Σx = 1` (Gaussian elimination with partial pivoting;
/// singular systems are skipped), and accept the first `x ≥ 0` against which no strategy earns more
/// than `v` (within [`NASH_TOLERANCE`]). So a pure equilibrium is preferred, the first strategy
/// first, and the result is deterministic. With more strategies only supports of 1 and 2 are
/// enumerated. If no support qualifies (degenerate games, or larger supports in larger games):
/// Lemke–Howson with lexicographic pivoting, dropping label 0, then 1, ... until an end verifies.
pub fn nash(payoff: &Payoff) -> NashResult {
    let a = &payoff.matrix;
    let n = a.len();
    let tolerance = NASH_TOLERANCE * max_abs(a);
    // Beyond SUPPORT_ENUMERATION_MAX, still try pure strategies and pairs (cheap) first.
    let max_size = if n <= SUPPORT_ENUMERATION_MAX { n } else { 2 };
    let exact = support_enumeration(a, tolerance, max_size)
        .map(|x| (x, NashMethod::SupportEnumeration))
        .or_else(|| {
            (0..n)
                .filter_map(|label| lemke_howson(a, label))
                .find(|x| regret(a, x) <= tolerance)
                .map(|x| (x, NashMethod::LemkeHowson))
        });
    let (x, method) = exact.unwrap_or_else(|| {
        // Numerical trouble: the candidate (Lemke–Howson end or pure strategy) of least regret.
        let mut best: Option<(Vec<f64>, f64)> = None;
        let pure = (0..n).map(|i| {
            let mut x = vec![0.0; n];
            x[i] = 1.0;
            x
        });
        for x in (0..n)
            .filter_map(|label| lemke_howson(a, label))
            .chain(pure)
        {
            let r = regret(a, &x);
            if best.as_ref().is_none_or(|(_, b)| r < *b) {
                best = Some((x, r));
            }
        }
        let (x, _) = best.expect("at least one pure strategy");
        (x, NashMethod::Approximate)
    });
    let value = quadratic(a, &x);
    NashResult {
        support: payoff
            .strategies
            .iter()
            .zip(&x)
            .filter(|(_, p)| **p > 0.0)
            .map(|(s, _)| s.clone())
            .collect(),
        probabilities: StrategyMap::new(&payoff.strategies, &x),
        payoff: value,
        regret: regret(a, &x),
        method,
    }
}

/// Every symmetric Nash equilibrium `(x, x)` with a support of at most
/// [`SUPPORT_ENUMERATION_MAX`] strategies (of 1 or 2 in larger games), by support enumeration:
/// each support, by size then in lexicographic order, whose indifference system has a solution
/// that is a probability vector positive on the whole support and that no strategy beats by more
/// than [`NASH_TOLERANCE`] (relative). A solution that puts (numerically) zero weight on part of
/// its support is the equilibrium of a smaller support and is reported there, so each equilibrium
/// appears once. In a nondegenerate game that is every equilibrium; a degenerate game (ties,
/// continua of equilibria) may have others this does not list. Deterministic, in the order found.
pub fn equilibria(payoff: &Payoff) -> Vec<Equilibrium> {
    let a = &payoff.matrix;
    let n = a.len();
    let tolerance = NASH_TOLERANCE * max_abs(a);
    let max_size = if n <= SUPPORT_ENUMERATION_MAX { n } else { 2 };
    let mut found: Vec<Equilibrium> = Vec::new();
    for size in 1..=max_size.min(n) {
        let mut support: Vec<usize> = (0..size).collect();
        loop {
            if let Some(x) = support_candidate(a, &support)
                && support.iter().all(|&i| x[i] > NASH_TOLERANCE)
                && regret(a, &x) <= tolerance
            {
                found.push(Equilibrium {
                    support: support
                        .iter()
                        .map(|&i| payoff.strategies[i].clone())
                        .collect(),
                    probabilities: StrategyMap::new(&payoff.strategies, &x),
                    payoff: quadratic(a, &x),
                    regret: regret(a, &x),
                });
            }
            if !next_combination(&mut support, n) {
                break;
            }
        }
    }
    found
}

/// α-Rank's fixation probabilities: `rho[i][j]` is the probability that a single mutant playing
/// `j` takes over a population of `i` (the diagonal is the neutral `1/Z`), the weights of the
/// response graph (an edge `i → j` is an improving deviation when `rho[i][j] > 1/Z`), as
/// OpenSpiel's α-Rank visualiser draws it.
///
/// # Panics
/// As [`alpha_rank`].
pub fn alpha_rank_fixation(payoff: &Payoff, alpha: f64, population: usize) -> Vec<Vec<f64>> {
    assert_parameters(population, alpha, "alpha");
    log_fixation_matrix(payoff, population, |a, i, j, _| {
        alpha_log_fixation(alpha * (a[j][i] - a[i][j]), population)
    })
    .iter()
    .map(|row| row.iter().map(|l| l.exp()).collect())
    .collect()
}

fn max_abs(a: &[Vec<f64>]) -> f64 {
    a.iter().flatten().fold(0.0, |m: f64, x| m.max(x.abs()))
}

/// `xᵀAx`.
fn quadratic(a: &[Vec<f64>], x: &[f64]) -> f64 {
    x.iter().zip(a).map(|(xi, row)| xi * dot(row, x)).sum()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(p, q)| p * q).sum()
}

/// `max_i (Ax)_i − xᵀAx`, clamped at 0.
fn regret(a: &[Vec<f64>], x: &[f64]) -> f64 {
    let best = a
        .iter()
        .map(|row| dot(row, x))
        .fold(f64::NEG_INFINITY, f64::max);
    (best - quadratic(a, x)).max(0.0)
}

/// The first equilibrium over supports of size `1..=max_size`, by size then lexicographic order.
fn support_enumeration(a: &[Vec<f64>], tolerance: f64, max_size: usize) -> Option<Vec<f64>> {
    let n = a.len();
    for size in 1..=max_size.min(n) {
        let mut support: Vec<usize> = (0..size).collect();
        loop {
            if let Some(x) = support_candidate(a, &support)
                && regret(a, &x) <= tolerance
            {
                return Some(x);
            }
            if !next_combination(&mut support, n) {
                break;
            }
        }
    }
    None
}

/// The next `k`-subset of `0..n` in lexicographic order; false after the last.
fn next_combination(c: &mut [usize], n: usize) -> bool {
    let k = c.len();
    let Some(i) = (0..k).rev().find(|&i| c[i] < n - k + i) else {
        return false;
    };
    c[i] += 1;
    for j in i + 1..k {
        c[j] = c[j - 1] + 1;
    }
    true
}

/// The mixed strategy on `support` that makes every support strategy earn the same, if that system
/// is regular and its solution is a probability vector (entries above `-NASH_TOLERANCE`, clamped to
/// 0 and renormalized). The full vector over all strategies.
fn support_candidate(a: &[Vec<f64>], support: &[usize]) -> Option<Vec<f64>> {
    let k = support.len();
    // Unknowns: x_s for s in support, then v. Rows: (A x)_i − v = 0 for i in support; Σx = 1.
    let mut m = vec![vec![0.0; k + 2]; k + 1];
    for (r, &i) in support.iter().enumerate() {
        for (c, &j) in support.iter().enumerate() {
            m[r][c] = a[i][j];
        }
        m[r][k] = -1.0;
    }
    m[k][..k].fill(1.0);
    m[k][k + 1] = 1.0;
    let solution = solve(m)?;
    let mut x = vec![0.0; a.len()];
    for (c, &j) in support.iter().enumerate() {
        let p = solution[c];
        if !p.is_finite() || p < -NASH_TOLERANCE {
            return None;
        }
        x[j] = p.max(0.0);
    }
    let total: f64 = x.iter().sum();
    if total <= 0.0 {
        return None;
    }
    x.iter_mut().for_each(|p| *p /= total);
    Some(x)
}

/// Solve a square system given as an augmented matrix (`n` rows of `n + 1`) by Gaussian elimination
/// with partial pivoting; `None` when a pivot is below `1e-12` times the largest coefficient.
fn solve(mut m: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = m.len();
    let scale = m
        .iter()
        .flat_map(|row| &row[..n])
        .fold(0.0, |s: f64, x| s.max(x.abs()));
    let threshold = 1e-12 * scale.max(f64::MIN_POSITIVE);
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&p, &q| m[p][col].abs().total_cmp(&m[q][col].abs()))
            .expect("non-empty range");
        if m[pivot][col].abs() <= threshold {
            return None;
        }
        m.swap(col, pivot);
        let (done, rest) = m.split_at_mut(col + 1);
        let pivot_row = &done[col];
        for row in rest {
            let factor = row[col] / pivot_row[col];
            if factor != 0.0 {
                for (x, y) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= factor * y;
                }
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let tail: f64 = (r + 1..n).map(|c| m[r][c] * x[c]).sum();
        x[r] = (m[r][n] - tail) / m[r][r];
    }
    Some(x)
}

/// Lemke–Howson for a symmetric equilibrium: with `B = A + shift > 0`, find `z ≥ 0, z ≠ 0` with
/// `w = 1 − Bz ≥ 0` and `z_i w_i = 0`; then `x = z / Σz`. Complementary pivoting from the artificial
/// solution `z = 0` after dropping `label`, with the lexicographic ratio test (so degenerate games
/// terminate). `None` if the path does not end within its iteration budget.
fn lemke_howson(a: &[Vec<f64>], label: usize) -> Option<Vec<f64>> {
    let n = a.len();
    let min = a.iter().flatten().fold(f64::INFINITY, |m, x| m.min(*x));
    let spread = max_abs(a).max(1e-300);
    // Entries of B lie in [spread, 3·spread]: positive and of the same scale as A.
    let shift = spread - min;
    // Columns 0..n: w (slacks, initially the identity), n..2n: z, 2n: right-hand side.
    let mut t: Vec<Vec<f64>> = (0..n)
        .map(|r| {
            let mut row = vec![0.0; 2 * n + 1];
            row[r] = 1.0;
            for c in 0..n {
                row[n + c] = (a[r][c] + shift) / spread;
            }
            row[2 * n] = 1.0;
            row
        })
        .collect();
    let mut basis: Vec<usize> = (0..n).collect();
    let mut entering = n + label;
    for _ in 0..(50 * n * n).max(1000) {
        let mut leaving_row: Option<usize> = None;
        for r in 0..n {
            if t[r][entering] <= 1e-12 {
                continue;
            }
            if leaving_row.is_none_or(|b| lex_smaller(&t, r, b, entering, n)) {
                leaving_row = Some(r);
            }
        }
        let r = leaving_row?;
        pivot(&mut t, r, entering);
        let leaving = std::mem::replace(&mut basis[r], entering);
        if leaving == label || leaving == n + label {
            let mut z = vec![0.0; n];
            for (row, &var) in basis.iter().enumerate() {
                if var >= n {
                    z[var - n] = t[row][2 * n].max(0.0);
                }
            }
            let total: f64 = z.iter().sum();
            if total <= 0.0 || !total.is_finite() {
                return None;
            }
            z.iter_mut().for_each(|p| *p /= total);
            return Some(z);
        }
        entering = if leaving < n {
            leaving + n
        } else {
            leaving - n
        };
    }
    None
}

/// Lexicographic ratio test: is row `r` smaller than row `b` in `(rhs, w-columns) / pivot column`?
fn lex_smaller(t: &[Vec<f64>], r: usize, b: usize, col: usize, n: usize) -> bool {
    let keys = std::iter::once(2 * n).chain(0..n);
    for k in keys {
        let x = t[r][k] / t[r][col];
        let y = t[b][k] / t[b][col];
        let close = (x - y).abs() <= 1e-12 * (1.0 + x.abs().max(y.abs()));
        if !close {
            return x < y;
        }
    }
    false
}

fn pivot(t: &mut [Vec<f64>], r: usize, col: usize) {
    let p = t[r][col];
    t[r].iter_mut().for_each(|x| *x /= p);
    let pivot_row = t[r].clone();
    for (i, row) in t.iter_mut().enumerate() {
        if i == r {
            continue;
        }
        let factor = row[col];
        if factor != 0.0 {
            for (x, y) in row.iter_mut().zip(&pivot_row) {
                *x -= factor * y;
            }
            row[col] = 0.0;
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Evolutionary dynamics and α-Rank
// ------------------------------------------------------------------------------------------------

/// Stationary distribution of the meta-game's evolutionary dynamics in the small-mutation limit
/// (Fudenberg & Imhof 2006): a population of `Z = population` players is almost always
/// monomorphic; a single mutant, uniformly one of the other `n − 1` strategies, either takes over
/// or dies out before the next mutation. The embedded chain on monomorphic states moves from `i` to
/// `j` with probability `ρ_{i→j} / (n − 1)`, where `ρ_{i→j}` is the fixation probability of a single
/// `j` mutant among `Z − 1` players of `i` under the pairwise-comparison (Fermi) process at selection
/// intensity `β = selection` (Traulsen, Pacheco & Nowak 2007):
///
/// `ρ_{i→j} = 1 / (1 + Σ_{k=1}^{Z−1} Π_{m=1}^{k} exp(−β (π_j(m) − π_i(m))))`,
///
/// with payoffs averaged over the other `Z − 1` players (no self-interaction): with `m` mutants,
/// `π_j(m) = ((m−1) A[j][j] + (Z−m) A[j][i]) / (Z−1)` and
/// `π_i(m) = (m A[i][j] + (Z−m−1) A[i][i]) / (Z−1)`.
///
/// Computed in log space (log-sum-exp for `ρ`, GTH elimination on logarithms for the stationary
/// distribution), so it neither overflows nor loses the small masses to cancellation for large
/// `β·Z`. Defaults: [`DEFAULT_POPULATION`], [`DEFAULT_SELECTION`].
///
/// # Panics
/// If [`check_parameters`] rejects `population` or `selection`.
pub fn evolutionary(payoff: &Payoff, population: usize, selection: f64) -> Evolutionary {
    assert_parameters(population, selection, "selection intensity");
    let log_rho = log_fixation_matrix(payoff, population, |a, i, j, terms| {
        fermi_log_fixation(a, i, j, population, selection, terms)
    });
    let stationary = log_stationary(&log_rho);
    Evolutionary {
        population,
        selection,
        stationary: StrategyMap::new(&payoff.strategies, &stationary),
        fixation: log_rho
            .iter()
            .map(|row| row.iter().map(|l| l.exp()).collect())
            .collect(),
    }
}

/// α-Rank (Omidshafiei et al. 2019), single-population case: the same embedded chain as
/// [`evolutionary`], with α-Rank's fixation probability
///
/// `ρ_{i→j} = (1 − exp(−α Δ)) / (1 − exp(−Z α Δ))`, `ρ = 1/Z` when `Δ = 0`,
///
/// where `Δ = f_j − f_i` compares the mutant's payoff against the resident, `A[j][i]`, with the
/// resident's against the mutant, `A[i][j]` (the paper's single-population fitness, OpenSpiel's
/// default "local selection" model). In constant-sum games (two-seat tournament scores) `Δ > 0`
/// whenever `j` beats `i` head-to-head, so a strictly dominant strategy gets (almost) all the mass;
/// in general games α-Rank follows head-to-head comparisons, not dominance.
///
/// Returns `(strategy, mass)` by decreasing mass (ties in payoff order); masses sum to 1. α-Rank is
/// defined for α → ∞; [`DEFAULT_ALPHA`] = 100 approximates it. Log space as in [`evolutionary`].
///
/// # Panics
/// If `alpha` is negative or not finite, or `population` is outside `2..=MAX_POPULATION`.
pub fn alpha_rank(payoff: &Payoff, alpha: f64, population: usize) -> Vec<(String, f64)> {
    assert_parameters(population, alpha, "alpha");
    let log_rho = log_fixation_matrix(payoff, population, |a, i, j, _| {
        alpha_log_fixation(alpha * (a[j][i] - a[i][j]), population)
    });
    let stationary = log_stationary(&log_rho);
    let mut ranking: Vec<(String, f64)> =
        payoff.strategies.iter().cloned().zip(stationary).collect();
    ranking.sort_by(|(_, p), (_, q)| q.total_cmp(p));
    ranking
}

/// `ln ρ_{i→j}` for every ordered pair, with the neutral `ln(1/Z)` on the diagonal. `rho(a, i, j,
/// scratch)` computes one off-diagonal entry.
fn log_fixation_matrix(
    payoff: &Payoff,
    population: usize,
    rho: impl Fn(&[Vec<f64>], usize, usize, &mut Vec<f64>) -> f64,
) -> Vec<Vec<f64>> {
    let n = payoff.len();
    let neutral = -(population as f64).ln();
    let mut scratch = Vec::with_capacity(population);
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        neutral
                    } else {
                        rho(&payoff.matrix, i, j, &mut scratch)
                    }
                })
                .collect()
        })
        .collect()
}

/// `ln ρ` of a single `j` mutant among `Z − 1` `i` residents, Fermi process:
/// `−ln(1 + Σ_k exp(L_k))` with `L_k = −β Σ_{m≤k} (π_j(m) − π_i(m))`.
fn fermi_log_fixation(
    a: &[Vec<f64>],
    i: usize,
    j: usize,
    z: usize,
    beta: f64,
    terms: &mut Vec<f64>,
) -> f64 {
    let zf = z as f64;
    let others = zf - 1.0;
    terms.clear();
    terms.push(0.0);
    let mut exponent = 0.0;
    for m in 1..z {
        let mf = m as f64;
        let mutant = ((mf - 1.0) * a[j][j] + (zf - mf) * a[j][i]) / others;
        let resident = (mf * a[i][j] + (zf - mf - 1.0) * a[i][i]) / others;
        exponent -= beta * (mutant - resident);
        terms.push(exponent);
    }
    -log_sum_exp(terms)
}

/// `ln((1 − e^{−u}) / (1 − e^{−Zu}))`, `u = αΔ`; `ln(1/Z)` at `u = 0`.
fn alpha_log_fixation(u: f64, z: usize) -> f64 {
    let zf = z as f64;
    if u == 0.0 {
        -zf.ln()
    } else if u > 0.0 {
        // (1 − e^{−u}) / (1 − e^{−Zu}), both factors in (0, 1].
        (-(-u).exp_m1()).ln() - (-(-zf * u).exp_m1()).ln()
    } else {
        // With v = −u > 0: (e^{v} − 1) / (e^{Zv} − 1).
        let v = -u;
        log_exp_m1(v) - log_exp_m1(zf * v)
    }
}

/// `ln(e^x − 1)` for `x > 0`, without overflow.
fn log_exp_m1(x: f64) -> f64 {
    if x > 30.0 {
        x + (-(-x).exp()).ln_1p()
    } else {
        x.exp_m1().ln()
    }
}

fn log_sum_exp(xs: &[f64]) -> f64 {
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + xs.iter().map(|x| (x - max).exp()).sum::<f64>().ln()
}

fn log_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if lo == f64::NEG_INFINITY {
        hi
    } else {
        hi + (lo - hi).exp().ln_1p()
    }
}

/// Stationary distribution of the chain whose off-diagonal transition weights are `exp(log_w[i][j])`
/// (any common factor, such as `1/(n−1)`, cancels; the diagonal is ignored), by the GTH algorithm
/// (Grassmann, Taksar & Heyman 1985) carried out on logarithms: state reduction uses only sums,
/// products and quotients of positive numbers, so no cancellation and no underflow.
fn log_stationary(log_w: &[Vec<f64>]) -> Vec<f64> {
    let n = log_w.len();
    let mut p: Vec<Vec<f64>> = log_w.to_vec();
    let mut out = vec![0.0; n];
    // Eliminate states n−1, ..., 1; out[k] holds the log of state k's total rate to lower states.
    for k in (1..n).rev() {
        let (kept, eliminated) = p.split_at_mut(k);
        let row_k = &eliminated[0];
        let s = log_sum_exp(&row_k[..k]);
        out[k] = s;
        for (i, row) in kept.iter_mut().enumerate() {
            let via = row[k] - s;
            for (j, (w, w_kj)) in row[..k].iter_mut().zip(&row_k[..k]).enumerate() {
                if i != j {
                    *w = log_add_exp(*w, via + w_kj);
                }
            }
        }
    }
    // Back substitution: x_0 = 1, x_k = Σ_{i<k} x_i P[i][k] / s_k.
    let mut log_x = vec![0.0; n];
    for k in 1..n {
        let incoming: Vec<f64> = (0..k).map(|i| log_x[i] + p[i][k]).collect();
        log_x[k] = log_sum_exp(&incoming) - out[k];
    }
    let total = log_sum_exp(&log_x);
    log_x.iter().map(|l| (l - total).exp()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equilibria_lists_both_pure_equilibria_of_a_tournament_with_two() {
        // Constant-sum scores: a and b tie each other and both beat c, so a and b are each an
        // equilibrium (the issue's algorithmist and denier); nash() reports only the first.
        let payoff = game(
            &["a", "b", "c"],
            &[&[0.5, 0.5, 0.6], &[0.5, 0.5, 0.7], &[0.4, 0.3, 0.5]],
        );
        let found = equilibria(&payoff);
        let supports: Vec<Vec<String>> = found.iter().map(|e| e.support.clone()).collect();
        assert_eq!(supports, [vec!["a".to_string()], vec!["b".to_string()]]);
        assert_eq!(nash(&payoff).support, ["a"]);
        assert_eq!(equilibria_text(&found), "2 equilibria: a (pure); b (pure)");
        let report = analyze(&payoff, DEFAULT_POPULATION, DEFAULT_SELECTION);
        assert!(render_text(&report).contains("not unique: 2 equilibria: a (pure); b (pure)"));
    }

    #[test]
    fn equilibria_finds_the_mixed_one_of_a_coordination_game() {
        let payoff = game(&["x", "y"], &[&[2.0, 0.0], &[0.0, 1.0]]);
        let found = equilibria(&payoff);
        assert_eq!(found.len(), 3, "two pure and one mixed");
        let mixed = &found[2];
        assert_eq!(mixed.support, ["x", "y"]);
        assert!((mixed.probabilities.get("x").unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert!((mixed.payoff - 2.0 / 3.0).abs() < 1e-12);
        // A game with one equilibrium lists one: rock-paper-scissors, mixed.
        let rps = game(
            &["r", "p", "s"],
            &[&[0.5, 0.0, 1.0], &[1.0, 0.5, 0.0], &[0.0, 1.0, 0.5]],
        );
        let found = equilibria(&rps);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].support.len(), 3);
    }

    #[test]
    fn alpha_rank_fixation_favours_the_improving_deviation() {
        let payoff = game(&["a", "b"], &[&[0.5, 0.3], &[0.7, 0.5]]);
        let rho = alpha_rank_fixation(&payoff, DEFAULT_ALPHA, DEFAULT_POPULATION);
        let neutral = 1.0 / DEFAULT_POPULATION as f64;
        assert!(rho[0][1] > neutral, "b invades a");
        assert!(rho[1][0] < neutral, "a does not invade b");
        assert!((rho[0][0] - neutral).abs() < 1e-15);
    }

    fn game(names: &[&str], rows: &[&[f64]]) -> Payoff {
        Payoff::new(
            names.iter().map(|s| s.to_string()).collect(),
            rows.iter().map(|r| r.to_vec()).collect(),
        )
        .unwrap()
    }

    fn prisoners_dilemma() -> Payoff {
        game(&["cooperate", "defect"], &[&[3.0, 0.0], &[5.0, 1.0]])
    }

    fn hawk_dove(v: f64, c: f64) -> Payoff {
        game(&["hawk", "dove"], &[&[(v - c) / 2.0, v], &[0.0, v / 2.0]])
    }

    fn rock_paper_scissors() -> Payoff {
        game(
            &["rock", "paper", "scissors"],
            &[&[0.0, -1.0, 1.0], &[1.0, 0.0, -1.0], &[-1.0, 1.0, 0.0]],
        )
    }

    /// Deterministic pseudo-random payoffs in [0, 1).
    fn random_game(n: usize, seed: u64) -> Payoff {
        let mut state = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let names = (0..n).map(|i| format!("s{i}")).collect();
        let matrix = (0..n).map(|_| (0..n).map(|_| next()).collect()).collect();
        Payoff::new(names, matrix).unwrap()
    }

    fn assert_distribution(values: &[f64]) {
        assert!(
            values.iter().all(|p| p.is_finite() && *p >= 0.0),
            "{values:?}"
        );
        let total: f64 = values.iter().sum();
        assert!((total - 1.0).abs() < 1e-12, "sum {total}: {values:?}");
    }

    // ----- (a) Prisoner's dilemma -----

    #[test]
    fn prisoners_dilemma_defects() {
        let pd = prisoners_dilemma();
        let eq = nash(&pd);
        assert_eq!(eq.support, vec!["defect".to_string()]);
        assert_eq!(eq.probabilities.values(), vec![0.0, 1.0]);
        assert_eq!(eq.payoff, 1.0);
        assert_eq!(eq.method, NashMethod::SupportEnumeration);
        let evo = evolutionary(&pd, 50, 1.0);
        assert_distribution(&evo.stationary.values());
        assert!(evo.stationary.get("defect").unwrap() > 0.99, "{evo:?}");
        let ranking = alpha_rank(&pd, DEFAULT_ALPHA, 50);
        assert_eq!(ranking[0].0, "defect");
        assert!(ranking[0].1 > 0.99);
    }

    // ----- (b) Hawk–Dove -----

    #[test]
    fn hawk_dove_mixes_at_v_over_c() {
        let eq = nash(&hawk_dove(2.0, 4.0));
        assert_eq!(eq.support.len(), 2);
        let hawk = eq.probabilities.get("hawk").unwrap();
        assert!((hawk - 0.5).abs() < 1e-9, "{hawk}");
        // Expected payoff: the dove's payoff against the mix, (1 − p) V/2 = 0.5.
        assert!((eq.payoff - 0.5).abs() < 1e-9, "{}", eq.payoff);
        let eq = nash(&hawk_dove(3.0, 7.0));
        assert!((eq.probabilities.get("hawk").unwrap() - 3.0 / 7.0).abs() < 1e-9);
    }

    // ----- (c) Rock–paper–scissors -----

    #[test]
    fn rock_paper_scissors_is_uniform() {
        let rps = rock_paper_scissors();
        let eq = nash(&rps);
        assert_eq!(eq.support.len(), 3);
        for p in eq.probabilities.values() {
            assert!((p - 1.0 / 3.0).abs() < 1e-9, "{eq:?}");
        }
        assert!(eq.payoff.abs() < 1e-12);
        for (z, beta) in [(50, 1.0), (7, 0.3), (200, 10.0)] {
            let evo = evolutionary(&rps, z, beta);
            for p in evo.stationary.values() {
                assert!((p - 1.0 / 3.0).abs() < 1e-9, "{evo:?}");
            }
        }
        for (_, mass) in alpha_rank(&rps, DEFAULT_ALPHA, 50) {
            assert!((mass - 1.0 / 3.0).abs() < 1e-9);
        }
    }

    // ----- (d) Strict dominance -----

    #[test]
    fn strictly_dominant_strategy_takes_all_alpha_rank_mass() {
        // `c` strictly dominates; constant-sum (A + Aᵀ = 1) like two-seat tournament scores.
        let g = game(
            &["a", "b", "c"],
            &[&[0.5, 0.4, 0.2], &[0.6, 0.5, 0.3], &[0.8, 0.7, 0.5]],
        );
        let ranking = alpha_rank(&g, DEFAULT_ALPHA, 50);
        assert_eq!(ranking[0].0, "c");
        assert!(ranking[0].1 > 1.0 - 1e-12, "{ranking:?}");
        assert_distribution(&ranking.iter().map(|r| r.1).collect::<Vec<_>>());
        // And a general-sum one.
        let g = game(
            &["x", "y", "z"],
            &[&[1.0, 0.0, 0.0], &[2.0, 1.0, 0.5], &[3.0, 2.0, 1.5]],
        );
        let ranking = alpha_rank(&g, DEFAULT_ALPHA, 50);
        assert_eq!(ranking[0].0, "z");
        assert!(ranking[0].1 > 1.0 - 1e-12, "{ranking:?}");
        assert_eq!(nash(&g).support, vec!["z".to_string()]);
        assert!(evolutionary(&g, 50, 10.0).stationary.get("z").unwrap() > 0.999);
    }

    // ----- (e) Neutral game -----

    #[test]
    fn neutral_game_drifts_uniformly() {
        let g = game(
            &["a", "b", "c", "d"],
            &[&[2.0; 4], &[2.0; 4], &[2.0; 4], &[2.0; 4]],
        );
        for z in [2, 10, 50] {
            let evo = evolutionary(&g, z, 5.0);
            for row in &evo.fixation {
                for rho in row {
                    assert!((rho - 1.0 / z as f64).abs() < 1e-12, "{rho}");
                }
            }
            for p in evo.stationary.values() {
                assert!((p - 0.25).abs() < 1e-12);
            }
            for (_, mass) in alpha_rank(&g, DEFAULT_ALPHA, z) {
                assert!((mass - 0.25).abs() < 1e-12);
            }
        }
        let eq = nash(&g);
        assert_eq!(eq.support, vec!["a".to_string()]);
        assert_eq!(eq.payoff, 2.0);
        // β = 0 is neutral too.
        let evo = evolutionary(&prisoners_dilemma(), 50, 0.0);
        assert!((evo.fixation[0][1] - 0.02).abs() < 1e-12);
        assert!((evo.stationary.values()[0] - 0.5).abs() < 1e-12);
    }

    // ----- (g) No overflow -----

    #[test]
    fn strong_selection_in_large_populations_stays_finite() {
        for g in [
            prisoners_dilemma(),
            rock_paper_scissors(),
            hawk_dove(2.0, 4.0),
        ] {
            let evo = evolutionary(&g, 1000, 100.0);
            assert_distribution(&evo.stationary.values());
            assert!(
                evo.fixation
                    .iter()
                    .flatten()
                    .all(|r| r.is_finite() && *r >= 0.0)
            );
            let ranking = alpha_rank(&g, 1e6, 1000);
            assert_distribution(&ranking.iter().map(|r| r.1).collect::<Vec<_>>());
        }
        let evo = evolutionary(&random_game(6, 3), 1000, 100.0);
        assert_distribution(&evo.stationary.values());
        let evo = evolutionary(&prisoners_dilemma(), 1000, 100.0);
        assert_eq!(evo.stationary.get("defect"), Some(1.0));
    }

    // ----- The fixation formulas against direct evaluation -----

    #[test]
    fn fermi_fixation_matches_the_product_formula() {
        let g = random_game(3, 7);
        let a = g.matrix();
        let (z, beta) = (12usize, 2.5);
        let evo = evolutionary(&g, z, beta);
        for i in 0..3 {
            for j in 0..3 {
                if i == j {
                    continue;
                }
                let zf = z as f64;
                let mut sum = 0.0;
                for k in 1..z {
                    let mut product = 1.0;
                    for m in 1..=k {
                        let mf = m as f64;
                        let pj = ((mf - 1.0) * a[j][j] + (zf - mf) * a[j][i]) / (zf - 1.0);
                        let pi = (mf * a[i][j] + (zf - mf - 1.0) * a[i][i]) / (zf - 1.0);
                        product *= (-beta * (pj - pi)).exp();
                    }
                    sum += product;
                }
                let direct = 1.0 / (1.0 + sum);
                let rho = evo.fixation[i][j];
                assert!(
                    (rho - direct).abs() < 1e-12 * direct.max(1e-300),
                    "{rho} {direct}"
                );
            }
        }
    }

    #[test]
    fn alpha_fixation_matches_the_closed_form() {
        for (u, z) in [
            (0.3f64, 10usize),
            (-0.3, 10),
            (-2.0, 5),
            (40.0, 3),
            (-40.0, 3),
        ] {
            let direct = (1.0 - (-u).exp()) / (1.0 - (-(z as f64) * u).exp());
            let ours = alpha_log_fixation(u, z).exp();
            assert!(
                (ours - direct).abs() < 1e-10 * direct,
                "u={u} z={z}: {ours} {direct}"
            );
        }
        // Near neutrality, ρ ≈ (1/Z)(1 + (Z−1)u/2) (where the naive formula cancels).
        for u in [1e-9, -1e-9, 1e-12] {
            let expected = (1.0 + 49.0 * u / 2.0) / 50.0;
            let ours = alpha_log_fixation(u, 50).exp();
            assert!((ours - expected).abs() < 1e-15, "u={u}: {ours} {expected}");
        }
        assert!((alpha_log_fixation(0.0, 8).exp() - 0.125).abs() < 1e-15);
        assert!(alpha_log_fixation(-1e5, 1000).is_finite());
    }

    #[test]
    fn two_strategy_stationary_is_the_ratio_of_fixations() {
        let g = random_game(2, 11);
        let evo = evolutionary(&g, 30, 3.0);
        let rho = &evo.fixation;
        // π_0 / π_1 = ρ_{1→0} / ρ_{0→1}.
        let expected = rho[1][0] / (rho[1][0] + rho[0][1]);
        assert!((evo.stationary.values()[0] - expected).abs() < 1e-12);
    }

    #[test]
    fn gth_matches_a_linear_solve() {
        let w: [[f64; 4]; 4] = [
            [0.0, 0.2, 0.05, 0.1],
            [0.3, 0.0, 0.01, 0.4],
            [0.02, 0.5, 0.0, 0.1],
            [0.2, 0.1, 0.3, 0.0],
        ];
        let log_w: Vec<Vec<f64>> = w
            .iter()
            .map(|r| r.iter().map(|x| x.ln()).collect())
            .collect();
        let pi = log_stationary(&log_w);
        // Balance: π_j Σ_k w[j][k] = Σ_i π_i w[i][j].
        for j in 0..4 {
            let out: f64 = pi[j] * w[j].iter().sum::<f64>();
            let inflow: f64 = (0..4).map(|i| pi[i] * w[i][j]).sum();
            assert!((out - inflow).abs() < 1e-14, "{pi:?}");
        }
        assert_distribution(&pi);
        assert_eq!(log_stationary(&[vec![0.0]]), vec![1.0]);
    }

    // ----- Nash in general -----

    #[test]
    fn nash_has_no_profitable_deviation_on_random_games() {
        for n in 1..=8 {
            for seed in 0..10 {
                let g = random_game(n, seed * 31 + n as u64);
                let eq = nash(&g);
                assert_eq!(eq.method, NashMethod::SupportEnumeration);
                assert!(eq.regret <= NASH_TOLERANCE, "{eq:?}");
                assert_distribution(&eq.probabilities.values());
            }
        }
    }

    #[test]
    fn lemke_howson_beyond_support_enumeration() {
        for seed in 0..3 {
            let g = random_game(SUPPORT_ENUMERATION_MAX + 5, seed);
            let eq = nash(&g);
            assert_ne!(eq.method, NashMethod::Approximate);
            assert!(eq.regret <= NASH_TOLERANCE, "{eq:?}");
            assert_distribution(&eq.probabilities.values());
        }
        // Cyclic dominance over 21 strategies (each beats the next 10): only the uniform mix.
        let n = 21;
        let names = (0..n).map(|i| format!("s{i}")).collect();
        let matrix = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| match (j + n - i) % n {
                        0 => 0.5,
                        d if d <= n / 2 => 1.0,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect();
        let eq = nash(&Payoff::new(names, matrix).unwrap());
        assert_eq!(eq.method, NashMethod::LemkeHowson);
        assert!(eq.regret <= NASH_TOLERANCE, "{eq:?}");
        for p in eq.probabilities.values() {
            assert!((p - 1.0 / 21.0).abs() < 1e-9, "{eq:?}");
        }
    }

    #[test]
    fn lemke_howson_agrees_on_small_games_and_survives_degeneracy() {
        let games = [
            prisoners_dilemma(),
            hawk_dove(2.0, 4.0),
            rock_paper_scissors(),
            // Degenerate: a duplicated strategy and a constant game.
            game(
                &["r", "r2", "p", "s"],
                &[
                    &[0.0, 0.0, -1.0, 1.0],
                    &[0.0, 0.0, -1.0, 1.0],
                    &[1.0, 1.0, 0.0, -1.0],
                    &[-1.0, -1.0, 1.0, 0.0],
                ],
            ),
            game(&["a", "b"], &[&[1.0, 1.0], &[1.0, 1.0]]),
        ];
        for g in &games {
            for label in 0..g.len() {
                let x = lemke_howson(g.matrix(), label).expect("a path end");
                assert!(regret(g.matrix(), &x) <= 1e-9, "{g:?} label {label}: {x:?}");
                assert_distribution(&x);
            }
        }
        let x = lemke_howson(hawk_dove(2.0, 4.0).matrix(), 0).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-9);
    }

    #[test]
    fn nash_is_deterministic_and_prefers_small_supports_in_order() {
        // Coordination: both pure strategies are equilibria, and the mix; the first pure one wins.
        let g = game(&["left", "right"], &[&[2.0, 0.0], &[0.0, 1.0]]);
        let eq = nash(&g);
        assert_eq!(eq.support, vec!["left".to_string()]);
        assert_eq!(eq.payoff, 2.0);
        assert_eq!(nash(&g), eq);
        let single = game(&["only"], &[&[0.25]]);
        let eq = nash(&single);
        assert_eq!(eq.support, vec!["only".to_string()]);
        assert_eq!(eq.payoff, 0.25);
    }

    #[test]
    fn combinations_in_lexicographic_order() {
        let mut c = vec![0, 1];
        let mut all = vec![c.clone()];
        while next_combination(&mut c, 4) {
            all.push(c.clone());
        }
        assert_eq!(
            all,
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
    }

    // ----- (f) CSV -----

    const QUOTED: &str = "strategy,\"parametric(compute_share: 0.6, dereg_month: 12)\",random\r\n\
                          \"parametric(compute_share: 0.6, dereg_month: 12)\",0.5,0.75\r\n\
                          random,0.25,0.5\r\n";

    #[test]
    fn csv_reads_quoted_specs_with_commas_and_crlf() {
        let p = parse_payoff_csv(QUOTED).unwrap();
        assert_eq!(
            p.strategies(),
            &[
                "parametric(compute_share: 0.6, dereg_month: 12)".to_string(),
                "random".to_string()
            ]
        );
        assert_eq!(p.matrix(), &[vec![0.5, 0.75], vec![0.25, 0.5]]);
        // Without the trailing newline, with LF, with a BOM, spaces and blank lines: the same.
        let lf = QUOTED.replace("\r\n", "\n");
        for text in [
            QUOTED.trim_end().to_string(),
            lf.clone(),
            format!("\u{feff}{lf}\n\n"),
            lf.replace(",0.", ", 0.")
                .replace("\nrandom", "\n\n  random"),
        ] {
            assert_eq!(parse_payoff_csv(&text).unwrap(), p, "{text:?}");
        }
    }

    #[test]
    fn csv_reads_escaped_quotes_line_breaks_and_any_first_header_cell() {
        let text =
            ",\"say \"\"hi\"\"\",\"two\nlines\"\n\"say \"\"hi\"\"\",1,2\n\"two\nlines\",3,-4e-3\n";
        let p = parse_payoff_csv(text).unwrap();
        assert_eq!(
            p.strategies(),
            &["say \"hi\"".to_string(), "two\nlines".to_string()]
        );
        assert_eq!(p.matrix(), &[vec![1.0, 2.0], vec![3.0, -0.004]]);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let cases = [
            ("", "line 1: empty file"),
            ("strategy\n", "line 1: the header must be"),
            (
                "strategy,a,b\na,1,2\nb,3,4\nc,5,6\n",
                "line 4: expected 2 rows",
            ),
            ("strategy,a,b\na,1,2\n", "line 2: expected 2 rows"),
            (
                "strategy,a,b\nb,1,2\na,3,4\n",
                "line 2: row 1 is `b` but column 1 of the header is `a`",
            ),
            (
                "strategy,a,b\na,1,2\nb,3,\n",
                "line 3: row `b`, column `b`: empty cell",
            ),
            (
                "strategy,a,b\na,1,2\nb,,4\n",
                "line 3: row `b`, column `a`: empty cell",
            ),
            (
                "strategy,a,b\na,1,NaN\nb,3,4\n",
                "line 2: row `a`, column `b`: `NaN` is not a finite",
            ),
            (
                "strategy,a,b\na,1,inf\nb,3,4\n",
                "line 2: row `a`, column `b`: `inf` is not a finite",
            ),
            (
                "strategy,a,b\na,1,x\nb,3,4\n",
                "line 2: row `a`, column `b`: `x` is not a number",
            ),
            (
                "strategy,a,b\na,1,2,3\nb,3,4\n",
                "line 2: expected 3 fields",
            ),
            (
                "strategy,a,a\na,1,2\na,3,4\n",
                "line 1: strategy `a` appears twice",
            ),
            (
                "strategy,a,\na,1,2\n,3,4\n",
                "line 1: column 3 of the header has no strategy name",
            ),
            ("strategy,\"a\nb,c\n", "line 1: quoted field is not closed"),
            (
                "strategy,\"a\"x,b\n",
                "line 1: unexpected `x` after a closing quote",
            ),
            (
                "strategy,\"a\nb\",c\n\"a\nb\",1,2\nc,3\n",
                "line 5: expected 3 fields",
            ),
        ];
        for (text, expected) in cases {
            let err = parse_payoff_csv(text).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn csv_round_trips() {
        let names = [
            "parametric(compute_share: 0.6, dereg_month: 12)",
            "say \"hi\"",
            "padded inside",
            "plain",
        ];
        let g = random_game(4, 5);
        let mut matrix = g.matrix().to_vec();
        matrix[0][1] = 1e-300;
        // Large, within MAX_PAYOFF_MAGNITUDE.
        matrix[1][2] = -2.5e11;
        matrix[2][3] = 0.1 + 0.2;
        matrix[3][0] = -0.0;
        let p = Payoff::new(names.iter().map(|s| s.to_string()).collect(), matrix).unwrap();
        let text = write_payoff_csv(&p);
        assert!(text.starts_with(
            "strategy,\"parametric(compute_share: 0.6, dereg_month: 12)\",\"say \"\"hi\"\"\",padded inside,plain\n"
        ));
        assert_eq!(parse_payoff_csv(&text).unwrap(), p);
        let again = parse_payoff_csv(QUOTED).unwrap();
        assert_eq!(write_payoff_csv(&again), QUOTED.replace("\r\n", "\n"));
    }

    #[test]
    fn payoffs_beyond_the_documented_range_are_refused() {
        let error = parse_payoff_csv("strategy,a,b\na,0.5,1e308\nb,-1e308,0.5\n").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("line 2: row `a`, column `b`: `1e308` is outside"),
            "{error}"
        );
        let edge = parse_payoff_csv("strategy,a,b\na,0.5,1e12\nb,-1e12,0.5\n").unwrap();
        let report = analyze(&edge, DEFAULT_POPULATION, DEFAULT_SELECTION);
        check_finite(&report).expect("the edge of the range gives numbers");
    }

    #[test]
    fn fixture_file_parses() {
        let text = include_str!("../tests/fixtures/payoff_example.csv");
        let p = parse_payoff_csv(text).unwrap();
        assert_eq!(p.len(), 4);
        let report = analyze(&p, DEFAULT_POPULATION, DEFAULT_SELECTION);
        assert_distribution(&report.evolutionary.stationary.values());
    }

    #[test]
    fn payoff_new_checks_its_invariants() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(Payoff::new(vec![], vec![]).is_err());
        assert!(Payoff::new(s(&["a", "a"]), vec![vec![0.0; 2]; 2]).is_err());
        assert!(Payoff::new(s(&["a", " "]), vec![vec![0.0; 2]; 2]).is_err());
        assert!(Payoff::new(s(&["a", "b"]), vec![vec![0.0; 2]]).is_err());
        assert!(Payoff::new(s(&["a", "b"]), vec![vec![0.0; 2], vec![0.0]]).is_err());
        let err = Payoff::new(s(&["a", "b"]), vec![vec![0.0; 2], vec![0.0, f64::NAN]])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`b` against `b`"), "{err}");
        let p = Payoff::new(s(&["a", "b"]), vec![vec![0.0; 2]; 2]).unwrap();
        assert_eq!((p.len(), p.is_empty(), p.index("b")), (2, false, Some(1)));
    }

    #[test]
    fn check_parameters_bounds() {
        assert!(check_parameters(2, 0.0).is_ok());
        assert!(check_parameters(MAX_POPULATION, 1e3).is_ok());
        assert!(check_parameters(1, 1.0).is_err());
        assert!(check_parameters(MAX_POPULATION + 1, 1.0).is_err());
        assert!(check_parameters(50, -1.0).is_err());
        assert!(check_parameters(50, f64::NAN).is_err());
        assert!(check_parameters(50, f64::INFINITY).is_err());
    }

    #[test]
    #[should_panic(expected = "population must be between")]
    fn evolutionary_panics_on_a_population_of_one() {
        evolutionary(&prisoners_dilemma(), 1, 1.0);
    }

    // ----- Report -----

    #[test]
    fn json_shape_keeps_payoff_order() {
        // Names whose alphabetical order differs from the payoff order.
        let g = game(&["zeta", "alpha"], &[&[3.0, 0.0], &[5.0, 1.0]]);
        let report = analyze(&g, DEFAULT_POPULATION, DEFAULT_SELECTION);
        let text = serde_json::to_string(&report).unwrap();
        assert!(text.contains("\"stationary\":{\"zeta\":"), "{text}");
        assert!(
            text.contains("\"probabilities\":{\"zeta\":0.0,\"alpha\":1.0}"),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["strategies"], serde_json::json!(["zeta", "alpha"]));
        assert_eq!(v["nash"]["support"], serde_json::json!(["alpha"]));
        assert_eq!(v["nash"]["payoff"], 1.0);
        assert_eq!(v["nash"]["method"], "support-enumeration");
        assert_eq!(v["evolutionary"]["population"], 50);
        assert_eq!(v["evolutionary"]["selection"], 1.0);
        assert!(v["evolutionary"]["stationary"]["alpha"].as_f64().unwrap() > 0.99);
        assert_eq!(v["evolutionary"]["fixation"].as_array().unwrap().len(), 2);
        assert_eq!(v["alpha"], DEFAULT_ALPHA);
        assert_eq!(v["alpha_rank"][0]["strategy"], "alpha");
        assert!(v["alpha_rank"][0]["mass"].as_f64().unwrap() > 0.99);
        assert_eq!(v["alpha_rank"][1]["strategy"], "zeta");
    }

    #[test]
    fn text_report_has_a_line_per_strategy() {
        let report = analyze(&rock_paper_scissors(), 50, 1.0);
        let text = render_text(&report);
        assert!(text.starts_with("Meta-game of 3 strategies"), "{text}");
        assert!(text.contains("Z = 50, β = 1"), "{text}");
        assert!(text.contains("α = 100, Z = 50"), "{text}");
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("0.3333")).collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows[0].trim_start().starts_with("rock"), "{text}");
        assert!(text.lines().all(|l| l == l.trim_end()));
    }
}

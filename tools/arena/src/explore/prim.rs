//! Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), as
//! the EMA Workbench implements it (Kwakkel 2017): find a box of the input space, a range per
//! input, inside which the cases of interest (a strategy loses, a nation wins) concentrate.
//!
//! # Measures of a box B
//!
//! With n rows, y_r = 1 for a case of interest and 0 otherwise:
//!
//! - coverage = Σ_{r∈B} y_r / Σ_r y_r: the share of all cases of interest that lie in B;
//! - density = Σ_{r∈B} y_r / |B|: the share of the cases in B that are of interest;
//! - mass = |B| / n: the share of all rows in B;
//! - restricted dimensions: the inputs whose limits are narrower than the data's full range.
//!
//! # Peeling
//!
//! Starting from the box of the full data range (trajectory entry 0), each step considers, for
//! every input j, two candidate peels: raise the lower limit to the `peel_alpha` quantile of x_j
//! among the rows still in the box (keep x_j ≥ q), or lower the upper limit to the
//! 1 − `peel_alpha` quantile (keep x_j ≤ q). The quantile is the EMA Workbench's (from
//! sdtoolkit): at position (m − 1)·α of the sorted values, moved outward past equal values and
//! taken halfway between two distinct ones, so a limit never splits a tie and always sits between
//! data points. Each candidate is scored by the EMA Workbench's default objective ("lenient 1"):
//!
//! objective = (ȳ_new − ȳ_old) / |n_old − n_new|
//!
//! the gain in density per row removed (0 when the density does not change). The best candidate
//! wins (ties: fewer restricted dimensions, then column order, the upper limit before the lower),
//! and is taken while mass_new ≥ `mass_min`, n_new < n_old and the objective is > 0; every step
//! taken adds a box to the trajectory. Coverage never increases along the trajectory.
//!
//! # Selection
//!
//! [`Selection::FirstMeetingThreshold`] (the default) picks the first box whose density reaches
//! `threshold`: since coverage only falls along the trajectory, that is the box with the most
//! coverage among those dense enough (the usual scenario-discovery trade-off, Bryant & Lempert
//! 2010). [`Selection::LastMeetingThreshold`] picks the last such box (the densest region, but
//! peeling a box that is already homogeneous goes on trimming it at random, so its limits
//! overshoot); [`Selection::Index`] any box.
//!
//! # Pasting
//!
//! The selected box is then pasted (Friedman & Fisher's second phase, as in the EMA Workbench,
//! which pastes the last box): for every restricted input u and each side, consider the rows
//! inside the box on every other restricted input but beyond the box on u (between the full-range
//! bound and the box limit, the limit included); move the limit outward to the `paste_alpha`
//! quantile of their x_u nearest the box (the lower limit to their 1 − `paste_alpha` quantile, the
//! upper one to their `paste_alpha` quantile; to the full-range bound when there are none). The
//! best candidate by the same objective is taken while mass_new ≥ `mass_min`, n_new > n_old, the
//! objective is > 0 and the density rises. Pasting only grows the box: it takes back ground that
//! peeling in steps of `peel_alpha` gave up too eagerly.
//!
//! Inputs are real numbers; integer-valued inputs work the same way (limits then fall halfway
//! between integers). Bryant, B. P. & Lempert, R. J. (2010), Thinking inside the box,
//! *Technological Forecasting & Social Change* 77(1), 34–49.

use serde::Serialize;

use crate::table::{Align, Table};

/// Limits of one input: the box holds the rows with `low ≤ x ≤ high`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Limits {
    pub low: f64,
    pub high: f64,
}

/// One box with its measures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrimBox {
    /// Limits of every input, in column order.
    pub limits: Vec<Limits>,
    /// Column indices of the inputs whose limits are narrower than the full range.
    pub restricted: Vec<usize>,
    /// `restricted.len()`.
    pub restricted_dimensions: usize,
    /// Rows in the box.
    pub cases: usize,
    /// Rows in the box that are of interest.
    pub cases_of_interest: usize,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
}

/// Which box of the peeling trajectory is selected (then pasted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// The first box whose density ≥ threshold: the most coverage among the dense enough.
    #[default]
    FirstMeetingThreshold,
    /// The last box whose density ≥ threshold.
    LastMeetingThreshold,
    /// This entry of the trajectory (0 is the full box).
    Index(usize),
}

/// PRIM's settings (defaults: the EMA Workbench's, and a density threshold of 0.8).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PrimOptions {
    /// Share of the box's rows removed per peel, in (0, 0.5).
    pub peel_alpha: f64,
    /// Share of the candidate rows added per paste, in (0, 0.5).
    pub paste_alpha: f64,
    /// Smallest mass a box may have, in [0, 1].
    pub mass_min: f64,
    /// Density a box must reach to be selected, in [0, 1].
    pub threshold: f64,
    pub selection: Selection,
}

impl Default for PrimOptions {
    fn default() -> PrimOptions {
        PrimOptions {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
            selection: Selection::FirstMeetingThreshold,
        }
    }
}

/// The result of one PRIM run, ready to be written as `discovery.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Discovery {
    /// Input names, in column order.
    pub parameters: Vec<String>,
    /// The data's range of every input (the limits of trajectory entry 0).
    pub full_range: Vec<Limits>,
    /// Rows.
    pub cases: usize,
    /// Rows of interest.
    pub cases_of_interest: usize,
    pub options: PrimOptions,
    /// The peeling trajectory: entry 0 is the full box, each next entry one peel further.
    pub trajectory: Vec<PrimBox>,
    /// Index into `trajectory` of the selected box; None when no box reaches the threshold.
    pub selected: Option<usize>,
    /// The selected box after pasting (equal to it when no paste helps); None without a selection.
    pub pasted: Option<PrimBox>,
}

/// Input or settings PRIM cannot work with.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PrimError {
    #[error("{names} input names for {columns} input columns")]
    NamesMismatch { names: usize, columns: usize },
    #[error("input column {column} has {found} values but there are {expected} outcomes")]
    LengthMismatch {
        column: usize,
        found: usize,
        expected: usize,
    },
    #[error("no cases: PRIM needs at least one row")]
    NoCases,
    #[error("none of the {cases} cases is of interest: there is nothing to discover")]
    NoCasesOfInterest { cases: usize },
    #[error("input column {column}, row {row} is not a finite number ({value})")]
    NonFiniteInput {
        column: usize,
        row: usize,
        value: f64,
    },
    #[error("{name} = {value} is out of range ({range})")]
    BadOption {
        name: &'static str,
        value: f64,
        range: &'static str,
    },
    #[error("box {index} was asked for but the peeling trajectory has {boxes} boxes (0..{boxes})")]
    NoSuchBox { index: usize, boxes: usize },
}

/// Run PRIM on `inputs` (one column per input, named by `names`) for the rows flagged in
/// `of_interest`: the peeling trajectory, the selected box and its pasted version. See the module
/// documentation for the algorithm.
pub fn discover<C: AsRef<[f64]>, S: AsRef<str>>(
    inputs: &[C],
    names: &[S],
    of_interest: &[bool],
    options: &PrimOptions,
) -> Result<Discovery, PrimError> {
    check_options(options)?;
    if names.len() != inputs.len() {
        return Err(PrimError::NamesMismatch {
            names: names.len(),
            columns: inputs.len(),
        });
    }
    let n = of_interest.len();
    let columns: Vec<&[f64]> = inputs.iter().map(AsRef::as_ref).collect();
    if let Some((column, c)) = columns.iter().enumerate().find(|(_, c)| c.len() != n) {
        return Err(PrimError::LengthMismatch {
            column,
            found: c.len(),
            expected: n,
        });
    }
    if n == 0 {
        return Err(PrimError::NoCases);
    }
    for (column, c) in columns.iter().enumerate() {
        if let Some((row, &value)) = c.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(PrimError::NonFiniteInput { column, row, value });
        }
    }
    let total_of_interest = of_interest.iter().filter(|&&y| y).count();
    if total_of_interest == 0 {
        return Err(PrimError::NoCasesOfInterest { cases: n });
    }

    let data = Data {
        columns,
        of_interest,
        total_of_interest,
        full_range: columns_range(inputs),
        options: *options,
    };
    let trajectory = data.peel();
    let selected = match options.selection {
        Selection::FirstMeetingThreshold => trajectory
            .iter()
            .position(|b| b.density >= options.threshold),
        Selection::LastMeetingThreshold => trajectory
            .iter()
            .rposition(|b| b.density >= options.threshold),
        Selection::Index(index) if index < trajectory.len() => Some(index),
        Selection::Index(index) => {
            return Err(PrimError::NoSuchBox {
                index,
                boxes: trajectory.len(),
            });
        }
    };
    let pasted = selected.map(|i| data.paste(&trajectory[i].limits));
    Ok(Discovery {
        parameters: names.iter().map(|s| s.as_ref().to_string()).collect(),
        full_range: data.full_range,
        cases: n,
        cases_of_interest: total_of_interest,
        options: *options,
        trajectory,
        selected,
        pasted,
    })
}

fn check_options(options: &PrimOptions) -> Result<(), PrimError> {
    let checks: [(&'static str, f64, bool, &'static str); 4] = [
        (
            "peel_alpha",
            options.peel_alpha,
            options.peel_alpha > 0.0 && options.peel_alpha < 0.5,
            "0 < peel_alpha < 0.5",
        ),
        (
            "paste_alpha",
            options.paste_alpha,
            options.paste_alpha > 0.0 && options.paste_alpha < 0.5,
            "0 < paste_alpha < 0.5",
        ),
        (
            "mass_min",
            options.mass_min,
            (0.0..=1.0).contains(&options.mass_min),
            "0 ≤ mass_min ≤ 1",
        ),
        (
            "threshold",
            options.threshold,
            (0.0..=1.0).contains(&options.threshold),
            "0 ≤ threshold ≤ 1",
        ),
    ];
    match checks.into_iter().find(|(_, _, ok, _)| !ok) {
        Some((name, value, _, range)) => Err(PrimError::BadOption { name, value, range }),
        None => Ok(()),
    }
}

fn columns_range<C: AsRef<[f64]>>(inputs: &[C]) -> Vec<Limits> {
    inputs
        .iter()
        .map(|c| {
            let c = c.as_ref();
            Limits {
                low: c.iter().copied().fold(f64::INFINITY, f64::min),
                high: c.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect()
}

/// The data and settings of one run.
struct Data<'a> {
    columns: Vec<&'a [f64]>,
    of_interest: &'a [bool],
    total_of_interest: usize,
    full_range: Vec<Limits>,
    options: PrimOptions,
}

/// A candidate box during peeling or pasting.
struct Candidate {
    limits: Vec<Limits>,
    rows: Vec<usize>,
    objective: f64,
    unrestricted: usize,
}

impl Data<'_> {
    fn n(&self) -> usize {
        self.of_interest.len()
    }

    fn interesting(&self, rows: &[usize]) -> usize {
        rows.iter().filter(|&&r| self.of_interest[r]).count()
    }

    fn restricted(&self, limits: &[Limits]) -> Vec<usize> {
        limits
            .iter()
            .zip(&self.full_range)
            .enumerate()
            .filter(|(_, (l, full))| l != full)
            .map(|(j, _)| j)
            .collect()
    }

    fn describe(&self, limits: &[Limits], rows: &[usize]) -> PrimBox {
        let cases = rows.len();
        let cases_of_interest = self.interesting(rows);
        let restricted = self.restricted(limits);
        PrimBox {
            limits: limits.to_vec(),
            restricted_dimensions: restricted.len(),
            restricted,
            cases,
            cases_of_interest,
            coverage: cases_of_interest as f64 / self.total_of_interest as f64,
            density: if cases == 0 {
                0.0
            } else {
                cases_of_interest as f64 / cases as f64
            },
            mass: cases as f64 / self.n() as f64,
        }
    }

    /// Rows of the whole data inside `limits`.
    fn rows_inside(&self, limits: &[Limits]) -> Vec<usize> {
        (0..self.n())
            .filter(|&r| {
                self.columns
                    .iter()
                    .zip(limits)
                    .all(|(c, l)| l.low <= c[r] && c[r] <= l.high)
            })
            .collect()
    }

    /// Score `rows` (a candidate with `limits`) against the current box `current`.
    fn candidate(&self, current: &[usize], limits: Vec<Limits>, rows: Vec<usize>) -> Candidate {
        let objective = lenient_objective(
            current.len(),
            self.interesting(current),
            rows.len(),
            self.interesting(&rows),
        );
        let unrestricted = limits.len() - self.restricted(&limits).len();
        Candidate {
            limits,
            rows,
            objective,
            unrestricted,
        }
    }

    /// The peeling trajectory from the full box.
    fn peel(&self) -> Vec<PrimBox> {
        let mut limits = self.full_range.clone();
        let mut rows: Vec<usize> = (0..self.n()).collect();
        let mut trajectory = vec![self.describe(&limits, &rows)];
        loop {
            let mut best: Option<Candidate> = None;
            for (j, column) in self.columns.iter().enumerate() {
                let mut values: Vec<f64> = rows.iter().map(|&r| column[r]).collect();
                values.sort_by(f64::total_cmp);
                let upper = ema_quantile(&values, 1.0 - self.options.peel_alpha);
                let lower = ema_quantile(&values, self.options.peel_alpha);
                for (keep_below, limit) in [(true, upper), (false, lower)] {
                    let mut new_limits = limits.clone();
                    if keep_below {
                        new_limits[j].high = limit;
                    } else {
                        new_limits[j].low = limit;
                    }
                    let new_rows: Vec<usize> = rows
                        .iter()
                        .copied()
                        .filter(|&r| {
                            if keep_below {
                                column[r] <= limit
                            } else {
                                column[r] >= limit
                            }
                        })
                        .collect();
                    let candidate = self.candidate(&rows, new_limits, new_rows);
                    best = Some(better(best, candidate));
                }
            }
            let Some(best) = best else { break };
            let mass = best.rows.len() as f64 / self.n() as f64;
            if mass >= self.options.mass_min && best.rows.len() < rows.len() && best.objective > 0.0
            {
                limits = best.limits;
                rows = best.rows;
                trajectory.push(self.describe(&limits, &rows));
            } else {
                break;
            }
        }
        trajectory
    }

    /// The box `start` after pasting.
    fn paste(&self, start: &[Limits]) -> PrimBox {
        let mut limits = start.to_vec();
        let mut rows = self.rows_inside(&limits);
        loop {
            let restricted = self.restricted(&limits);
            let mut best: Option<Candidate> = None;
            for &u in &restricted {
                let full = self.full_range[u];
                for extend_lower in [true, false] {
                    // The slab beyond the box on u, inside it on the other restricted inputs.
                    let mut slab_limits = limits.clone();
                    slab_limits[u] = if extend_lower {
                        Limits {
                            low: full.low,
                            high: limits[u].low,
                        }
                    } else {
                        Limits {
                            low: limits[u].high,
                            high: full.high,
                        }
                    };
                    let mut values: Vec<f64> = self
                        .rows_inside(&slab_limits)
                        .into_iter()
                        .map(|r| self.columns[u][r])
                        .collect();
                    values.sort_by(f64::total_cmp);
                    let mut new_limits = limits.clone();
                    if extend_lower {
                        new_limits[u].low = if values.is_empty() {
                            full.low
                        } else {
                            ema_quantile(&values, 1.0 - self.options.paste_alpha)
                        };
                    } else {
                        new_limits[u].high = if values.is_empty() {
                            full.high
                        } else {
                            ema_quantile(&values, self.options.paste_alpha)
                        };
                    }
                    let new_rows = self.rows_inside(&new_limits);
                    let candidate = self.candidate(&rows, new_limits, new_rows);
                    best = Some(better(best, candidate));
                }
            }
            let Some(best) = best else { break };
            let mass = best.rows.len() as f64 / self.n() as f64;
            let density_old = self.interesting(&rows) as f64 / rows.len().max(1) as f64;
            let density_new = self.interesting(&best.rows) as f64 / best.rows.len().max(1) as f64;
            if mass >= self.options.mass_min
                && best.rows.len() > rows.len()
                && best.objective > 0.0
                && density_new > density_old
            {
                limits = best.limits;
                rows = best.rows;
            } else {
                break;
            }
        }
        self.describe(&limits, &rows)
    }
}

/// The better of the best so far and a new candidate: higher objective, then more unrestricted
/// inputs; on a tie the earlier one stays (the EMA Workbench's stable sort).
fn better(best: Option<Candidate>, candidate: Candidate) -> Candidate {
    match best {
        Some(b)
            if (b.objective, b.unrestricted) >= (candidate.objective, candidate.unrestricted) =>
        {
            b
        }
        _ => candidate,
    }
}

/// The EMA Workbench's objective "lenient 1": change of density per row moved.
fn lenient_objective(n_old: usize, interest_old: usize, n_new: usize, interest_new: usize) -> f64 {
    let density_old = interest_old as f64 / n_old.max(1) as f64;
    let density_new = if n_new == 0 {
        0.0
    } else {
        interest_new as f64 / n_new as f64
    };
    if density_new == density_old || n_new == n_old {
        0.0
    } else {
        (density_new - density_old) / n_old.abs_diff(n_new) as f64
    }
}

/// The quantile of the EMA Workbench (`prim_util.get_quantile`, from sdtoolkit) of sorted,
/// non-empty `values`, 0 < q < 1: from position (m − 1)·q, the two neighbouring order statistics
/// are moved apart past equal values (downward for q > ½, upward otherwise) and averaged, so the
/// result lies halfway between two distinct values (or on the only value).
fn ema_quantile(values: &[f64], q: f64) -> f64 {
    let position = (values.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (position.floor() as usize, position.ceil() as usize);
    if q > 0.5 {
        while values[lo] == values[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while values[lo] == values[hi] && hi < values.len() - 1 {
            hi += 1;
        }
    }
    (values[lo] + values[hi]) / 2.0
}

/// A readable summary: the data, the trajectory's length, the selected box's measures before and
/// after pasting, and the limits of each restricted input against its full range.
pub fn summary(discovery: &Discovery) -> String {
    let d = discovery;
    let o = &d.options;
    let mut text = format!(
        "PRIM scenario discovery: {} cases, {} of interest ({:.1}%)\n",
        d.cases,
        d.cases_of_interest,
        100.0 * d.cases_of_interest as f64 / d.cases.max(1) as f64
    );
    text.push_str(&format!(
        "peeling trajectory: {} boxes (peel alpha {}, paste alpha {}, mass >= {})\n",
        d.trajectory.len(),
        o.peel_alpha,
        o.paste_alpha,
        o.mass_min
    ));
    let (Some(index), Some(pasted)) = (d.selected, &d.pasted) else {
        let densest = d
            .trajectory
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.density.total_cmp(&b.1.density).then(b.0.cmp(&a.0)));
        if let Some((i, b)) = densest {
            text.push_str(&format!(
                "no box reaches density {} (the densest is box {i}: {:.3})\n",
                o.threshold, b.density
            ));
        }
        return text;
    };
    let how = match o.selection {
        Selection::FirstMeetingThreshold => {
            format!("the first box with density >= {}", o.threshold)
        }
        Selection::LastMeetingThreshold => {
            format!("the last box with density >= {}", o.threshold)
        }
        Selection::Index(_) => "chosen by index".to_string(),
    };
    let measures = |b: &PrimBox| {
        format!(
            "coverage {:.3}, density {:.3}, mass {:.3} ({} cases, {} of interest), {} of {} inputs restricted",
            b.coverage,
            b.density,
            b.mass,
            b.cases,
            b.cases_of_interest,
            b.restricted_dimensions,
            d.parameters.len()
        )
    };
    let selected = &d.trajectory[index];
    text.push_str(&format!("selected box {index} ({how}):\n"));
    text.push_str(&format!("  {}\n", measures(selected)));
    if pasted == selected {
        text.push_str("after pasting: unchanged\n");
    } else {
        text.push_str(&format!("after pasting:\n  {}\n", measures(pasted)));
    }
    if pasted.restricted.is_empty() {
        text.push_str("no input is restricted: the box is the whole data range\n");
        return text;
    }
    let mut table = Table::new(&[
        ("input", Align::Left),
        ("rule", Align::Left),
        ("box", Align::Left),
        ("full range", Align::Left),
    ]);
    for &j in &pasted.restricted {
        let (l, full) = (pasted.limits[j], d.full_range[j]);
        let name = &d.parameters[j];
        // One number format per input, set by the size of its full range.
        let scale = full
            .low
            .abs()
            .max(full.high.abs())
            .max(full.high - full.low);
        let number = |x: f64| number_at(x, scale);
        let rule = match (l.low > full.low, l.high < full.high) {
            (true, true) => format!("{} <= {name} <= {}", number(l.low), number(l.high)),
            (true, false) => format!("{name} >= {}", number(l.low)),
            _ => format!("{name} <= {}", number(l.high)),
        };
        table.row(vec![
            name.clone(),
            rule,
            format!("[{}, {}]", number(l.low), number(l.high)),
            format!("[{}, {}]", number(full.low), number(full.high)),
        ]);
    }
    text.push_str(&table.render("  "));
    text
}

/// `x` with four significant digits at the size `scale` (so all numbers of one input share their
/// decimals), in scientific notation when `scale` is outside [0.001, 100,000).
fn number_at(x: f64, scale: f64) -> String {
    if scale > 0.0 && (1e-3..1e5).contains(&scale) {
        let decimals = (3 - scale.log10().floor() as i32).max(0) as usize;
        crate::format::fixed(x, decimals)
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_engine::resources::seeded_rng;
    use rand::RngExt;

    /// x = 0, 1, …, 100; of interest: x ≥ 40 except 60, 70, 80 and 90.
    fn staircase() -> (Vec<f64>, Vec<bool>) {
        let x: Vec<f64> = (0..=100).map(f64::from).collect();
        let y = x
            .iter()
            .map(|&v| v >= 40.0 && ![60.0, 70.0, 80.0, 90.0].contains(&v))
            .collect();
        (x, y)
    }

    /// The measures of the rows of `x` in [low, high] for outcome `y`, from the definitions.
    fn measures(x: &[f64], y: &[bool], low: f64, high: f64) -> (usize, usize, f64, f64, f64) {
        let inside: Vec<usize> = (0..x.len())
            .filter(|&r| low <= x[r] && x[r] <= high)
            .collect();
        let interest = inside.iter().filter(|&&r| y[r]).count();
        let total = y.iter().filter(|&&v| v).count();
        (
            inside.len(),
            interest,
            interest as f64 / total as f64,
            interest as f64 / inside.len() as f64,
            inside.len() as f64 / x.len() as f64,
        )
    }

    fn assert_measures(b: &PrimBox, x: &[f64], y: &[bool]) {
        let l = b.limits[0];
        let (cases, interest, coverage, density, mass) = measures(x, y, l.low, l.high);
        assert_eq!((b.cases, b.cases_of_interest), (cases, interest));
        assert_eq!((b.coverage, b.density, b.mass), (coverage, density, mass));
    }

    #[test]
    fn peeling_selection_and_pasting_by_hand() {
        // One input, peel α = 0.3, paste α = 0.1 (big steps, so peeling overshoots).
        // Step 1 (101 rows): the lower peel's quantile sits at position 100·0.3 = 30 (x = 30) and
        // moves up past it to 31: limit 30.5, density 57/70 (the upper peel, to 69.5, lowers it).
        // Step 2 (70 rows): position 69·0.3 = 20.7, between x = 51 and 52: limit 51.5, density
        // 45/49 (the upper peel to 79.5 gives 38/49). Step 3 (49 rows): the lower peel (66.5)
        // and the upper one (85.5) both leave 31/34 < 45/49: peeling stops.
        let (x, y) = staircase();
        let options = PrimOptions {
            peel_alpha: 0.3,
            paste_alpha: 0.1,
            mass_min: 0.05,
            threshold: 0.9,
            selection: Selection::FirstMeetingThreshold,
        };
        let d = discover(&[&x], &["x"], &y, &options).unwrap();
        let lows: Vec<f64> = d.trajectory.iter().map(|b| b.limits[0].low).collect();
        assert_eq!(lows, vec![0.0, 30.5, 51.5]);
        assert!(d.trajectory.iter().all(|b| b.limits[0].high == 100.0));
        for b in &d.trajectory {
            assert_measures(b, &x, &y);
        }
        assert_eq!(d.trajectory[0].restricted_dimensions, 0);
        assert_eq!(d.trajectory[2].restricted, vec![0]);
        // Density 57/101, 57/70, 45/49: the first ≥ 0.9 is box 2.
        assert_eq!(d.selected, Some(2));
        // Pasting down from 51.5: the rows below are x = 0..=51; their 0.9 quantile sits at
        // 51·0.9 = 45.9, between 45 and 46: limit 45.5, density 51/55 > 45/49, taken. Again from
        // 45.5 (x = 0..=45, position 40.5): limit 40.5, density 56/60 > 51/55, taken. From 40.5
        // (x = 0..=40, position 36 on x = 36, moved down past it): 35.5, density 57/65, refused.
        let pasted = d.pasted.as_ref().unwrap();
        assert_eq!(
            pasted.limits[0],
            Limits {
                low: 40.5,
                high: 100.0
            }
        );
        assert_measures(pasted, &x, &y);
        assert_eq!((pasted.cases, pasted.cases_of_interest), (60, 56));
    }

    #[test]
    fn ema_quantile_skips_ties_and_lands_between_values() {
        let v = [1.0, 2.0, 2.0, 2.0, 5.0];
        // Position 4·0.3 = 1.2 → 2 and 2, moved up to 5: (2 + 5)/2.
        assert_eq!(ema_quantile(&v, 0.3), 3.5);
        // Position 4·0.8 = 3.2 → 2 and 5.
        assert_eq!(ema_quantile(&v, 0.8), 3.5);
        // Position 4·0.7 = 2.8 → 2 and 2, the lower one moved down to 1: (1 + 2)/2.
        assert_eq!(ema_quantile(&v, 0.7), 1.5);
        assert_eq!(ema_quantile(&[4.0], 0.05), 4.0);
        assert_eq!(ema_quantile(&[4.0, 4.0], 0.95), 4.0);
    }

    /// 3 uniform inputs; of interest: x0 > 0.7 and x1 < 0.4, each label flipped with
    /// probability 0.05.
    fn noisy_corner(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = seeded_rng(seed, 0);
        let x: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..n).map(|_| rng.random::<f64>()).collect())
            .collect();
        let y = (0..n)
            .map(|r| {
                let inside = x[0][r] > 0.7 && x[1][r] < 0.4;
                inside != (rng.random::<f64>() < 0.05)
            })
            .collect();
        (x, y)
    }

    #[test]
    fn finds_the_corner_of_a_noisy_synthetic_outcome() {
        for seed in 0..4 {
            let (x, y) = noisy_corner(5_000, seed);
            let options = PrimOptions {
                threshold: 0.85,
                ..PrimOptions::default()
            };
            let d = discover(&x, &["x0", "x1", "x2"], &y, &options).unwrap();
            let b = d.pasted.as_ref().expect("a box reaches 0.85");
            assert_eq!(b.restricted, vec![0, 1], "seed {seed}: {b:?}");
            assert!((b.limits[0].low - 0.7).abs() <= 0.05, "seed {seed}: {b:?}");
            assert!((b.limits[1].high - 0.4).abs() <= 0.05, "seed {seed}: {b:?}");
            assert!(b.density > 0.85, "seed {seed}: {b:?}");
            // The true box holds 12% of the rows, 95% of them of interest, against 4.4% outside.
            assert!(b.coverage > 0.6, "seed {seed}: {b:?}");
            // Coverage never rises along the trajectory; the mass stays above mass_min.
            for w in d.trajectory.windows(2) {
                assert!(w[1].coverage <= w[0].coverage && w[1].mass < w[0].mass);
            }
            assert!(d.trajectory.iter().all(|b| b.mass >= options.mass_min));
            let text = summary(&d);
            assert!(text.contains("x0 >= ") && text.contains("x1 <= "), "{text}");
            assert!(!text.contains("x2"), "{text}");
        }
    }

    #[test]
    fn selection_by_last_box_or_index() {
        let (x, y) = noisy_corner(2_000, 9);
        let names = ["a", "b", "c"];
        let last = PrimOptions {
            threshold: 0.85,
            selection: Selection::LastMeetingThreshold,
            ..PrimOptions::default()
        };
        let d = discover(&x, &names, &y, &last).unwrap();
        let i = d.selected.unwrap();
        assert!(d.trajectory[i].density >= 0.85);
        assert!(d.trajectory[i + 1..].iter().all(|b| b.density < 0.85));
        let by_index = PrimOptions {
            selection: Selection::Index(3),
            ..PrimOptions::default()
        };
        let d = discover(&x, &names, &y, &by_index).unwrap();
        assert_eq!(d.selected, Some(3));
        let too_far = PrimOptions {
            selection: Selection::Index(10_000),
            ..PrimOptions::default()
        };
        assert_eq!(
            discover(&x, &names, &y, &too_far),
            Err(PrimError::NoSuchBox {
                index: 10_000,
                boxes: d.trajectory.len()
            })
        );
        // A threshold no box reaches: the trajectory, no selection, a clear summary.
        let unreachable = PrimOptions {
            threshold: 1.0,
            ..PrimOptions::default()
        };
        let d = discover(&x, &names, &y, &unreachable).unwrap();
        assert_eq!((d.selected, d.pasted.is_none()), (None, true));
        assert!(summary(&d).contains("no box reaches density 1"));
    }

    #[test]
    fn edge_cases_give_errors_or_trivial_boxes() {
        let x = vec![0.1, 0.5, 0.9, 0.3];
        let names = ["x"];
        let options = PrimOptions::default();
        assert_eq!(
            discover(&[&x], &names, &[false; 4], &options),
            Err(PrimError::NoCasesOfInterest { cases: 4 })
        );
        // Every case of interest: no peel raises the density, the full box is the answer.
        let d = discover(&[&x], &names, &[true; 4], &options).unwrap();
        assert_eq!(d.trajectory.len(), 1);
        assert_eq!(d.selected, Some(0));
        let b = d.pasted.as_ref().unwrap();
        assert_eq!((b.coverage, b.density, b.mass), (1.0, 1.0, 1.0));
        assert!(summary(&d).contains("no input is restricted"));
        // A constant input and a single row cannot be peeled.
        let d = discover(&[&[2.0, 2.0, 2.0]], &names, &[true, false, true], &options).unwrap();
        assert_eq!(d.trajectory.len(), 1);
        let d = discover(&[&[2.0]], &names, &[true], &options).unwrap();
        assert_eq!(d.trajectory.len(), 1);
        // No inputs at all: the full (empty) box.
        let none: [&[f64]; 0] = [];
        let no_names: [&str; 0] = [];
        let d = discover(&none, &no_names, &[true, false], &options).unwrap();
        assert_eq!(d.trajectory.len(), 1);
        assert_eq!(d.trajectory[0].density, 0.5);

        let empty: [f64; 0] = [];
        assert_eq!(
            discover(&[&empty], &names, &[], &options),
            Err(PrimError::NoCases)
        );
        assert_eq!(
            discover(&[&x], &["x", "y"], &[true; 4], &options),
            Err(PrimError::NamesMismatch {
                names: 2,
                columns: 1
            })
        );
        assert_eq!(
            discover(&[&x], &names, &[true; 3], &options),
            Err(PrimError::LengthMismatch {
                column: 0,
                found: 4,
                expected: 3
            })
        );
        assert!(matches!(
            discover(&[&[0.1, f64::NAN]], &names, &[true, false], &options),
            Err(PrimError::NonFiniteInput {
                column: 0,
                row: 1,
                ..
            })
        ));
        for (field, bad) in [
            (
                "peel_alpha",
                PrimOptions {
                    peel_alpha: 0.5,
                    ..options
                },
            ),
            (
                "peel_alpha",
                PrimOptions {
                    peel_alpha: 0.0,
                    ..options
                },
            ),
            (
                "paste_alpha",
                PrimOptions {
                    paste_alpha: f64::NAN,
                    ..options
                },
            ),
            (
                "mass_min",
                PrimOptions {
                    mass_min: -0.1,
                    ..options
                },
            ),
            (
                "threshold",
                PrimOptions {
                    threshold: 1.5,
                    ..options
                },
            ),
        ] {
            match discover(&[&x], &names, &[true; 4], &bad) {
                Err(PrimError::BadOption { name, .. }) => assert_eq!(name, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn discovery_serializes_for_discovery_json() {
        let (x, y) = staircase();
        let d = discover(&[&x], &["x"], &y, &PrimOptions::default()).unwrap();
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["parameters"][0], "x");
        assert_eq!(json["options"]["selection"], "first_meeting_threshold");
        assert!(json["trajectory"][0]["coverage"].is_number());
        assert_eq!(json["full_range"][0]["high"], 100.0);
    }

    #[test]
    fn numbers_keep_four_significant_digits_of_the_range() {
        assert_eq!(number_at(0.70123, 1.0), "0.701");
        assert_eq!(number_at(2.263e-5, 1.0), "0.000");
        assert_eq!(number_at(12.3456, 80.0), "12.35");
        assert_eq!(number_at(-3.0, 5.0), "-3.000");
        assert_eq!(number_at(2.5e9, 4e9), "2.500e9");
        assert_eq!(number_at(0.0, 0.0), "0.000e0");
    }
}

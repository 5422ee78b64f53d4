//! Global sensitivity from a given sample: the moment-independent δ and the first-order variance
//! index S1 of every input, from one set of runs of any design (a Latin hypercube, plain random
//! sampling, even observational data): no special design (Saltelli, FAST) is needed.
//!
//! # Layout
//!
//! `inputs` holds k columns of n values each (column i is input x_i over the n runs), `output` the
//! n outputs: row r of every column belongs to `output[r]`. Both indices are defined for
//! *independent* inputs, which a Latin hypercube over independent distributions gives.
//!
//! # Classes
//!
//! Each input is cut into M classes of equal frequency by rank (ties broken by row order, so the
//! cut is deterministic), with the sample-size rule of Plischke et al. (2013), as in SALib:
//!
//! M = min(⌈n^(2/(7 + tanh((1500 − n)/500)))⌉, 48)  (n = 1,000 → 8 classes, 10,000 → 22).
//!
//! Class m holds the rows whose rank (0-based) lies in [⌊m·n/M⌋, ⌊(m + 1)·n/M⌋). An input with at
//! most M distinct values gets one class per value instead, so a switch (0/1) or a choice among a
//! few options is conditioned on exactly rather than cut across its ties. A constant input cannot
//! move the output: its indices are 0 with a [0, 0] interval.
//!
//! # δ (Borgonovo 2007)
//!
//! δ_i = ½ · E_{X_i}[ ∫ |f_Y(y) − f_{Y|X_i}(y)| dy ] ∈ [0, 1]
//!
//! the expected total-variation distance between the output's distribution and its distribution
//! once x_i is known: 0 exactly when Y is independent of X_i, whatever the moments. The given-data
//! estimator (Plischke et al. 2013, eq. 26) replaces E_{X_i} by the classes:
//!
//! δ̂_i = Σ_m (n_m / n) · ½ ∫ |f̂_Y(y) − f̂_{Y|m}(y)| dy
//!
//! with f̂ Gaussian kernel densities of bandwidth h = σ̂·(3n/4)^(−1/5) (Silverman's rule as in
//! `scipy.stats.gaussian_kde`, σ̂ the sample standard deviation with n − 1), the integral by the
//! trapezoid rule on [`DENSITY_GRID_POINTS`] points spanning [min y, max y] of the whole sample:
//! all as SALib's `delta`. A class whose outputs are all equal (no spread to set a bandwidth) is
//! smoothed with the whole sample's bandwidth. The kernel is stepped along the grid by a
//! multiplicative recurrence (see `kernel_density`), equal to the direct sum to ~1e−15.
//!
//! **Discrete outputs** (a winner flag 0/1, a rank): a kernel density of a few atoms is meaningless,
//! so with at most [`DISCRETE_MAX_LEVELS`] distinct output values (or when the caller says so) the
//! densities are the observed shares p̂_v of each value v and the integral becomes a sum, which is
//! the same total-variation definition with counting measure:
//!
//! δ̂_i = Σ_m (n_m / n) · ½ Σ_v |p̂_v − p̂_{v|m}|.
//!
//! For a binary output this is Σ_m (n_m/n)·|p̂_1 − p̂_{1|m}|: the mean absolute change in the win
//! probability once the class of x_i is known.
//!
//! **Bias reduction** (Plischke et al. 2013, eq. 30; SALib): the plug-in δ̂ is biased upwards (noise
//! in each class's density or shares never cancels in |·|), by O(√(M/n)). With B bootstrap
//! resamples δ̂*_b (rows drawn with replacement, classes recut on each resample):
//!
//! δ̂ = 2·δ̂(sample) − mean_b δ̂*_b,
//!
//! and the interval is the percentile interval of the bias-corrected replicates 2·δ̂(sample) − δ̂*_b.
//! The corrected value may dip slightly below 0; it is not clipped (clipping would bias it again).
//! With zero resamples δ̂ is the plain plug-in value and the interval bounds are NaN.
//!
//! **What to expect.** The correction removes only part of the upward noise bias near 0 (|·| is
//! not smooth there), while classes (x_i known only to its class) and kernels (densities smoothed)
//! bias real effects downwards. So an unrelated input keeps a noise floor (≈ 0.04 for a continuous
//! output at n = 4,000, ≈ 0.015 for a 0/1 output), and real effects read low: on the Ishigami
//! function at n = 10,000 the estimator gives ≈ (0.21, 0.36, 0.16), SALib's reference values,
//! against exact (0.263, 0.425, 0.210). Rankings are reliable, absolute values conservative. Every
//! report therefore includes [`SensitivityReport::noise_floor`], the indices of a dummy input (a
//! seeded random permutation of the rows, which cannot matter) analysed alongside: an index whose
//! interval overlaps the floor's is indistinguishable from no influence.
//!
//! # S1
//!
//! S1_i = Var(E[Y | X_i]) / Var(Y), from the same classes: the between-class share of the sum of
//! squares, bias-corrected for the noise of the class means (Kelley's ε²):
//!
//! Ŝ1_i = (SS_B − (M − 1)·SS_W/(n − M)) / SS_T,
//!
//! SS_B = Σ_m n_m (ȳ_m − ȳ)², SS_W = Σ_m Σ_{r∈m} (y_r − ȳ_m)², SS_T = SS_B + SS_W. Without the
//! correction an unrelated input would read ≈ (M − 1)/n instead of 0; Ŝ1 may dip slightly below 0.
//! Conditioning on a class instead of a point loses the variation of E[Y|x_i] within each class,
//! ≈ E[(dE[Y|x_i]/dx_i)²]·w²/12 of variance for classes of width w (0.012 of S1 for the Ishigami
//! x2 at n = 10,000). The interval: a resample treats the sample as the population, whose S1 is
//! the uncorrected share η̂² = SS_B/SS_T, so the resampled Ŝ1*_b scatter around η̂²; the interval
//! is the percentile interval of Ŝ1 + (Ŝ1*_b − η̂²), that scatter centred on the estimate. A
//! constant output has S1 = δ = 0 for every input.
//!
//! # Randomness
//!
//! Resample b draws its n rows (uniform, with replacement) from the ChaCha8 stream
//! `seeded_rng(seed, b)`, the dummy input its permutation from `seeded_rng(seed, u64::MAX)`:
//! results are bit-identical for the same seed, whatever the thread count. Percentile bounds
//! interpolate linearly between order statistics (type 7, numpy's default).

use gigawatt_engine::resources::seeded_rng;
use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

use super::quantile_sorted;

/// Fewest rows accepted: below this even three classes hold a handful of points each.
pub const MIN_SAMPLES: usize = 20;
/// Most classes per input (SALib's cap).
pub const MAX_CLASSES: usize = 48;
/// Points of the grid on which densities are evaluated and integrated (SALib's choice).
pub const DENSITY_GRID_POINTS: usize = 100;
/// An output with at most this many distinct values is treated as discrete under
/// [`OutputKind::Auto`].
pub const DISCRETE_MAX_LEVELS: usize = 10;
/// Bootstrap resamples in [`SensitivityOptions::default`] (SALib's default).
pub const DEFAULT_RESAMPLES: usize = 100;
/// A kernel is evaluated out to this many bandwidths: beyond, exp(−u²/2) < 1.3e−14 of its peak,
/// below the rounding of the sums it would join, and skipping it makes the estimator several times
/// faster.
const KERNEL_REACH_BANDWIDTHS: f64 = 8.0;

/// How the output's distribution is estimated for δ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// Discrete if the output takes at most [`DISCRETE_MAX_LEVELS`] distinct values, else
    /// continuous. Reports always state the kind that was used.
    #[default]
    Auto,
    /// Kernel densities.
    Continuous,
    /// Shares of each distinct value.
    Discrete,
}

/// What to compute and how sure to be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SensitivityOptions {
    /// Bootstrap resamples (0: no bias reduction for δ and NaN interval bounds).
    pub resamples: usize,
    /// Confidence level of the intervals, strictly between 0 and 1 (0.95: 2.5%–97.5%).
    pub confidence: f64,
    /// Seed of the bootstrap streams.
    pub seed: u64,
    pub output: OutputKind,
}

impl Default for SensitivityOptions {
    fn default() -> SensitivityOptions {
        SensitivityOptions {
            resamples: DEFAULT_RESAMPLES,
            confidence: 0.95,
            seed: 0,
            output: OutputKind::Auto,
        }
    }
}

/// Which index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Borgonovo's moment-independent δ.
    Delta,
    /// First-order variance (Sobol') index.
    S1,
}

impl Method {
    /// `"delta"` or `"s1"` (as serialized).
    pub fn name(self) -> &'static str {
        match self {
            Method::Delta => "delta",
            Method::S1 => "s1",
        }
    }
}

/// One index of one input with its bootstrap interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SensitivityIndex {
    pub method: Method,
    pub value: f64,
    /// Lower bound of the percentile interval (NaN with zero resamples).
    pub ci_low: f64,
    /// Upper bound of the percentile interval (NaN with zero resamples).
    pub ci_high: f64,
}

/// Both indices of input `parameter` (its column index).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParameterSensitivity {
    pub parameter: usize,
    /// Classes the input was cut into on the full sample (1 for a constant input).
    pub classes: usize,
    pub delta: SensitivityIndex,
    pub s1: SensitivityIndex,
}

/// The indices of every input, in column order, and how they were obtained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SensitivityReport {
    /// Rows (n).
    pub samples: usize,
    /// The kind used for δ: [`OutputKind::Continuous`] or [`OutputKind::Discrete`], never `Auto`.
    pub output: OutputKind,
    pub resamples: usize,
    pub confidence: f64,
    pub seed: u64,
    pub parameters: Vec<ParameterSensitivity>,
    /// The same analysis of a dummy input that cannot matter (a seeded random permutation of the
    /// rows; `parameter` is its column index past the inputs, `inputs.len()`): the level an
    /// index reaches from estimation noise alone at this sample size.
    pub noise_floor: ParameterSensitivity,
}

/// Input that cannot be analysed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("input column {column} has {found} values but the output has {expected}")]
    LengthMismatch {
        column: usize,
        found: usize,
        expected: usize,
    },
    #[error("{found} samples are too few for a sensitivity analysis (at least {min} needed)")]
    TooFewSamples { found: usize, min: usize },
    #[error("input column {column}, row {row} is not a finite number ({value})")]
    NonFiniteInput {
        column: usize,
        row: usize,
        value: f64,
    },
    #[error("output row {row} is not a finite number ({value})")]
    NonFiniteOutput { row: usize, value: f64 },
    #[error("confidence level {0} is not strictly between 0 and 1")]
    BadConfidence(f64),
}

/// δ and S1 of every input column for `output`, with bootstrap intervals. See the module
/// documentation for the estimators.
pub fn analyze<C: AsRef<[f64]>>(
    inputs: &[C],
    output: &[f64],
    options: &SensitivityOptions,
) -> Result<SensitivityReport, SensitivityError> {
    let confidence = options.confidence;
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(SensitivityError::BadConfidence(confidence));
    }
    let n = output.len();
    let columns: Vec<&[f64]> = inputs.iter().map(AsRef::as_ref).collect();
    if let Some((column, c)) = columns.iter().enumerate().find(|(_, c)| c.len() != n) {
        return Err(SensitivityError::LengthMismatch {
            column,
            found: c.len(),
            expected: n,
        });
    }
    if n < MIN_SAMPLES {
        return Err(SensitivityError::TooFewSamples {
            found: n,
            min: MIN_SAMPLES,
        });
    }
    if let Some((row, &value)) = output.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(SensitivityError::NonFiniteOutput { row, value });
    }
    for (column, c) in columns.iter().enumerate() {
        if let Some((row, &value)) = c.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SensitivityError::NonFiniteInput { column, row, value });
        }
    }

    // The noise floor: a dummy input that cannot matter, a seeded random permutation of the rows.
    let dummy = dummy_column(options.seed, n);
    let mut all_columns = columns;
    all_columns.push(&dummy);
    let context = Context::new(all_columns, output, options.output);
    let all_rows: Vec<usize> = (0..n).collect();
    let point = context.estimate(&all_rows);
    // Each resample has its own stream, so the resamples can run in any order on any thread.
    let replicates: Vec<Vec<Estimate>> = (0..options.resamples)
        .into_par_iter()
        .map(|b| context.estimate(&resample_rows(options.seed, b as u64, n)))
        .collect();

    let tail = (1.0 - confidence) / 2.0;
    let mut parameters: Vec<ParameterSensitivity> = point
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let delta_replicates: Vec<f64> = replicates
                .iter()
                .map(|r| 2.0 * p.delta - r[i].delta)
                .collect();
            let delta_value = if delta_replicates.is_empty() {
                p.delta
            } else {
                delta_replicates.iter().sum::<f64>() / delta_replicates.len() as f64
            };
            let (delta_low, delta_high) = percentile_interval(delta_replicates, tail);
            // Resampling treats the sample as the population, whose S1 is the uncorrected share:
            // the resampled Ŝ1* scatter around that, so the scatter is taken relative to it and
            // centred on the estimate.
            let s1_replicates: Vec<f64> = replicates
                .iter()
                .map(|r| p.s1 + (r[i].s1 - p.s1_uncorrected))
                .collect();
            let (s1_low, s1_high) = percentile_interval(s1_replicates, tail);
            ParameterSensitivity {
                parameter: i,
                classes: p.classes,
                delta: SensitivityIndex {
                    method: Method::Delta,
                    value: delta_value,
                    ci_low: delta_low,
                    ci_high: delta_high,
                },
                s1: SensitivityIndex {
                    method: Method::S1,
                    value: p.s1,
                    ci_low: s1_low,
                    ci_high: s1_high,
                },
            }
        })
        .collect();
    let noise_floor = parameters.pop().expect("the dummy column is always there");
    Ok(SensitivityReport {
        samples: n,
        output: context.kind(),
        resamples: options.resamples,
        confidence,
        seed: options.seed,
        parameters,
        noise_floor,
    })
}

/// Stream of the dummy input's permutation (resample b uses stream b).
const DUMMY_STREAM: u64 = u64::MAX;

/// A random permutation of 0..n (Fisher–Yates, u64 draws for the same numbers on every platform).
fn dummy_column(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = seeded_rng(seed, DUMMY_STREAM);
    let mut ranks: Vec<f64> = (0..n).map(|r| r as f64).collect();
    for i in (1..n).rev() {
        ranks.swap(i, rng.random_range(0..=i as u64) as usize);
    }
    ranks
}

/// The classes rule of Plischke et al. (2013) and SALib (see the module documentation).
pub fn class_count(samples: usize) -> usize {
    let n = samples as f64;
    let exponent = 2.0 / (7.0 + ((1500.0 - n) / 500.0).tanh());
    (n.powf(exponent).ceil() as usize).clamp(1, MAX_CLASSES)
}

/// The rows of bootstrap resample `b`. Drawn as u64 so that every platform draws the same rows.
fn resample_rows(seed: u64, b: u64, n: usize) -> Vec<usize> {
    let mut rng = seeded_rng(seed, b);
    (0..n)
        .map(|_| rng.random_range(0..n as u64) as usize)
        .collect()
}

/// The `tail`, `1 − tail` quantiles of `values` (NaN, NaN when empty).
fn percentile_interval(mut values: Vec<f64>, tail: f64) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    (
        quantile_sorted(&values, tail),
        quantile_sorted(&values, 1.0 - tail),
    )
}

/// δ̂ and Ŝ1 of one input on one sample (the full one or a resample).
#[derive(Clone, Copy, Debug)]
struct Estimate {
    delta: f64,
    s1: f64,
    /// SS_B / SS_T without the noise correction.
    s1_uncorrected: f64,
    classes: usize,
}

/// A regular grid `start + g·step`, g = 0..points.
#[derive(Clone, Copy, Debug)]
struct Grid {
    start: f64,
    step: f64,
    points: usize,
}

/// How the output's distribution is represented, fixed from the full sample.
#[derive(Clone, Debug)]
enum Shape {
    /// The output never varies: nothing can matter.
    Constant { kind: OutputKind },
    Continuous {
        grid: Grid,
        /// The full sample's bandwidth, for a (re)sample or class without spread.
        fallback_bandwidth: f64,
    },
    Discrete {
        /// Level (index of the distinct value) of every row.
        level: Vec<usize>,
        levels: usize,
    },
}

struct Context<'a> {
    columns: Vec<&'a [f64]>,
    /// Whether each column is constant on the full sample (then its indices are 0).
    constant: Vec<bool>,
    /// Per column, each row's rank among the column's distinct values (by `total_cmp`): a
    /// (re)sample is then put in (value, position) order by a counting sort, with no comparisons.
    ranks: Vec<DistinctRanks>,
    output: &'a [f64],
    /// M for n rows (resamples have n rows too).
    classes: usize,
    shape: Shape,
}

impl<'a> Context<'a> {
    fn new(columns: Vec<&'a [f64]>, output: &'a [f64], kind: OutputKind) -> Context<'a> {
        let n = output.len();
        let mut distinct = output.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let (low, high) = (distinct[0], distinct[distinct.len() - 1]);
        let resolved = match kind {
            OutputKind::Auto if distinct.len() <= DISCRETE_MAX_LEVELS => OutputKind::Discrete,
            OutputKind::Auto => OutputKind::Continuous,
            other => other,
        };
        let shape = if distinct.len() == 1 {
            Shape::Constant { kind: resolved }
        } else if resolved == OutputKind::Discrete {
            Shape::Discrete {
                level: output
                    .iter()
                    .map(|v| distinct.partition_point(|d| d < v))
                    .collect(),
                levels: distinct.len(),
            }
        } else {
            let step = (high - low) / (DENSITY_GRID_POINTS - 1) as f64;
            Shape::Continuous {
                grid: Grid {
                    start: low,
                    step,
                    points: DENSITY_GRID_POINTS,
                },
                // A non-constant sample has a spread unless its squares overflow; the grid step
                // then stands in rather than failing.
                fallback_bandwidth: silverman_bandwidth(output).unwrap_or(step),
            }
        };
        let constant = columns
            .iter()
            .map(|c| c.iter().all(|&v| v == c[0]))
            .collect();
        let ranks = columns.iter().map(|c| DistinctRanks::of(c)).collect();
        Context {
            columns,
            constant,
            ranks,
            output,
            classes: class_count(n),
            shape,
        }
    }

    fn kind(&self) -> OutputKind {
        match self.shape {
            Shape::Constant { kind } => kind,
            Shape::Continuous { .. } => OutputKind::Continuous,
            Shape::Discrete { .. } => OutputKind::Discrete,
        }
    }

    /// The estimates of every input on the sample made of `rows` (indices into the full sample,
    /// repeats allowed).
    fn estimate(&self, rows: &[usize]) -> Vec<Estimate> {
        let n = rows.len();
        let y: Vec<f64> = rows.iter().map(|&r| self.output[r]).collect();
        let mean = y.iter().sum::<f64>() / n as f64;
        let ss_total: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
        let unconditional = match &self.shape {
            Shape::Constant { .. } => Unconditional::None,
            Shape::Continuous {
                grid,
                fallback_bandwidth,
            } => {
                let h = silverman_bandwidth(&y)
                    .unwrap_or(*fallback_bandwidth)
                    .max(grid.step);
                Unconditional::Density(kernel_density(&y, h, grid))
            }
            Shape::Discrete { level, levels } => {
                let mut counts = vec![0usize; *levels];
                for &r in rows {
                    counts[level[r]] += 1;
                }
                Unconditional::Shares(counts.iter().map(|&c| c as f64 / n as f64).collect())
            }
        };

        let mut order: Vec<usize> = vec![0; n];
        let mut x = vec![0.0; n];
        let mut starts = Vec::new();
        let mut class_y = Vec::with_capacity(n);
        self.columns
            .iter()
            .zip(&self.constant)
            .zip(&self.ranks)
            .map(|((column, &constant), ranks)| {
                if constant || matches!(unconditional, Unconditional::None) {
                    return Estimate {
                        delta: 0.0,
                        s1: 0.0,
                        s1_uncorrected: 0.0,
                        classes: if constant { 1 } else { self.classes },
                    };
                }
                for (xv, &r) in x.iter_mut().zip(rows) {
                    *xv = column[r];
                }
                // Positions in (value, position) order, a total order (so the classes are
                // deterministic): the same as sorting by `x[p].total_cmp(..).then(p.cmp(..))`.
                ranks.order(rows, &mut starts, &mut order);
                let classes = class_ranges(&x, &order, self.classes);

                let (mut delta, mut ss_between, mut ss_within) = (0.0, 0.0, 0.0);
                for range in &classes {
                    let n_m = range.len();
                    class_y.clear();
                    class_y.extend(order[range.clone()].iter().map(|&p| y[p]));
                    let mean_m = class_y.iter().sum::<f64>() / n_m as f64;
                    ss_between += n_m as f64 * (mean_m - mean) * (mean_m - mean);
                    ss_within += class_y
                        .iter()
                        .map(|v| (v - mean_m) * (v - mean_m))
                        .sum::<f64>();
                    let distance = match (&unconditional, &self.shape) {
                        (
                            Unconditional::Density(f_y),
                            Shape::Continuous {
                                grid,
                                fallback_bandwidth,
                            },
                        ) => {
                            // No narrower than the grid step: a class whose outputs nearly
                            // coincide (a censored outcome) would otherwise give a spike the grid
                            // cannot resolve, and the trapezoid sum of |f − f_m| would exceed 2.
                            let h = silverman_bandwidth(&class_y)
                                .unwrap_or(*fallback_bandwidth)
                                .max(grid.step);
                            let f_m = kernel_density(&class_y, h, grid);
                            let gaps: Vec<f64> =
                                f_y.iter().zip(&f_m).map(|(a, b)| (a - b).abs()).collect();
                            0.5 * trapezoid(&gaps, grid.step)
                        }
                        (Unconditional::Shares(p), Shape::Discrete { level, .. }) => {
                            let mut counts = vec![0usize; p.len()];
                            for &pos in &order[range.clone()] {
                                counts[level[rows[pos]]] += 1;
                            }
                            0.5 * p
                                .iter()
                                .zip(&counts)
                                .map(|(p_v, &c)| (p_v - c as f64 / n_m as f64).abs())
                                .sum::<f64>()
                        }
                        _ => unreachable!("the unconditional estimate follows the shape"),
                    };
                    delta += n_m as f64 / n as f64 * distance;
                }
                let m = classes.len();
                let (s1, s1_uncorrected) = if ss_total > 0.0 && n > m {
                    (
                        (ss_between - (m - 1) as f64 * ss_within / (n - m) as f64) / ss_total,
                        ss_between / ss_total,
                    )
                } else {
                    (0.0, 0.0)
                };
                Estimate {
                    delta,
                    s1,
                    s1_uncorrected,
                    classes: m,
                }
            })
            .collect()
    }
}

/// The output's distribution on one (re)sample.
enum Unconditional {
    None,
    Density(Vec<f64>),
    Shares(Vec<f64>),
}

/// Each row's rank among a column's distinct values, by `total_cmp` (equal bits, equal rank).
struct DistinctRanks {
    rank: Vec<u32>,
    distinct: usize,
}

impl DistinctRanks {
    fn of(column: &[f64]) -> DistinctRanks {
        let mut by_value: Vec<usize> = (0..column.len()).collect();
        by_value.sort_unstable_by(|&a, &b| column[a].total_cmp(&column[b]).then(a.cmp(&b)));
        let mut rank = vec![0u32; column.len()];
        let mut distinct = 0usize;
        for (i, &r) in by_value.iter().enumerate() {
            if i > 0 && column[r].total_cmp(&column[by_value[i - 1]]).is_ne() {
                distinct += 1;
            }
            rank[r] = distinct as u32;
        }
        DistinctRanks {
            rank,
            distinct: distinct + usize::from(!column.is_empty()),
        }
    }

    /// Fill `order` with the positions 0..rows.len() sorted by (value of `rows[p]`, p): a stable
    /// counting sort by rank, positions being visited in ascending order. `starts` is scratch.
    fn order(&self, rows: &[usize], starts: &mut Vec<usize>, order: &mut [usize]) {
        starts.clear();
        starts.resize(self.distinct + 1, 0);
        for &r in rows {
            starts[self.rank[r] as usize + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        for (p, &r) in rows.iter().enumerate() {
            let slot = &mut starts[self.rank[r] as usize];
            order[*slot] = p;
            *slot += 1;
        }
    }
}

/// Positions (into `order`) of each class: one per distinct value when there are at most
/// `classes` of them, else `classes` runs of equal frequency by rank.
fn class_ranges(x: &[f64], order: &[usize], classes: usize) -> Vec<std::ops::Range<usize>> {
    let n = order.len();
    let mut starts = vec![0];
    for p in 1..n {
        if x[order[p]] != x[order[p - 1]] {
            starts.push(p);
            if starts.len() > classes {
                break;
            }
        }
    }
    if starts.len() > classes {
        starts = (0..classes).map(|m| m * n / classes).collect();
    }
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&n]))
        .map(|(&a, &b)| a..b)
        .collect()
}

/// Silverman's bandwidth σ̂·(3n/4)^(−1/5) (`scipy.stats.gaussian_kde(bw_method="silverman")` in
/// one dimension), or None without spread.
fn silverman_bandwidth(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    let h = variance.sqrt() * (0.75 * n as f64).powf(-0.2);
    (h > 0.0 && h.is_finite()).then_some(h)
}

/// Gaussian kernel density of `values` with bandwidth `h`, on `grid`.
///
/// The grid is equally spaced, so the kernel along it factors: with u_j = u₀ + j·d (d = step/h,
/// u₀ the first grid point in reach of a value, in bandwidths from it),
///
/// exp(−u_j²/2) = exp(−u₀²/2) · exp(−u₀·d)^j · exp(−(j·d)²/2),
///
/// the last factor shared by every value. A value then costs two `exp`s and one multiplication
/// per grid point, instead of one `exp` per grid point: the kernel sums are the same to within
/// ~j·1e−16 relative (j ≤ the grid's points), far below the estimator's own noise. u₀ ≥ −reach
/// and j·d ≤ 2·reach + d, so no factor over- or underflows.
fn kernel_density(values: &[f64], h: f64, grid: &Grid) -> Vec<f64> {
    let mut density = vec![0.0; grid.points];
    let reach = KERNEL_REACH_BANDWIDTHS * h;
    let last = (grid.points - 1) as f64;
    let d = grid.step / h;
    // exp(−(j·d)²/2) for every offset j a value's reach can span on the grid (one more than
    // 2·reach/step allows: `from` and `to` round separately).
    let span = ((2.0 * reach / grid.step).floor() as usize + 2).min(grid.points);
    let shared: Vec<f64> = (0..span)
        .map(|j| {
            let x = j as f64 * d;
            (-0.5 * x * x).exp()
        })
        .collect();
    // Each value's window on the grid: where it starts, its first term, the ratio of one term to
    // the previous, and how many points it covers (no more than `shared` has).
    let mut windows = values.iter().filter_map(|&v| {
        let from = ((v - reach - grid.start) / grid.step).ceil().max(0.0);
        let to = ((v + reach - grid.start) / grid.step).floor().min(last);
        if to < from {
            return None;
        }
        let u0 = (grid.start + from * grid.step - v) / h;
        Some(KernelWindow {
            at: from as usize,
            len: ((to - from) as usize + 1).min(span),
            term: (-0.5 * u0 * u0).exp(),
            ratio: (-u0 * d).exp(),
        })
    });
    // Two values at a time: each one's terms are a chain of multiplications, each waiting for the
    // last, so the two chains run side by side. The second value's terms wait in `later` until the
    // first's are added, so that every grid point still sums its terms in the values' order, each
    // term the same product as one value at a time gives: the density is bit for bit the same.
    let mut later = vec![0.0; span];
    while let Some(a) = windows.next() {
        let Some(b) = windows.next() else {
            let mut term = a.term;
            for (dst, &w) in density[a.at..a.at + a.len].iter_mut().zip(&shared) {
                *dst += term * w;
                term *= a.ratio;
            }
            break;
        };
        let common = a.len.min(b.len);
        let (mut term_a, mut term_b) = (a.term, b.term);
        let (head_a, tail_a) = density[a.at..a.at + a.len].split_at_mut(common);
        let (head_b, tail_b) = later[..b.len].split_at_mut(common);
        for ((dst, next), &w) in head_a.iter_mut().zip(head_b.iter_mut()).zip(&shared) {
            *dst += term_a * w;
            term_a *= a.ratio;
            *next = term_b * w;
            term_b *= b.ratio;
        }
        for (dst, &w) in tail_a.iter_mut().zip(&shared[common..]) {
            *dst += term_a * w;
            term_a *= a.ratio;
        }
        for (next, &w) in tail_b.iter_mut().zip(&shared[common..]) {
            *next = term_b * w;
            term_b *= b.ratio;
        }
        for (dst, &p) in density[b.at..b.at + b.len].iter_mut().zip(&later[..b.len]) {
            *dst += p;
        }
    }
    let scale = 1.0 / (values.len() as f64 * h * (2.0 * std::f64::consts::PI).sqrt());
    for d in &mut density {
        *d *= scale;
    }
    density
}

/// A value's reach on the grid in [`kernel_density`]: its terms at grid points `at..at + len` are
/// `term · ratio^j · shared[j]`, the powers made by repeated multiplication.
struct KernelWindow {
    at: usize,
    len: usize,
    term: f64,
    ratio: f64,
}

/// ∫ by the trapezoid rule over equally spaced samples.
fn trapezoid(values: &[f64], step: f64) -> f64 {
    match values {
        [] | [_] => 0.0,
        [first, .., last] => step * (values.iter().sum::<f64>() - 0.5 * (first + last)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// A Latin hypercube of `n` rows in `k` columns on [0, 1): each column hits each of the n
    /// strata once (random permutation, uniform jitter within the stratum).
    fn latin(n: usize, k: usize, seed: u64) -> Vec<Vec<f64>> {
        (0..k)
            .map(|j| {
                let mut rng = seeded_rng(seed, 10_000 + j as u64);
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    strata.swap(i, rng.random_range(0..=i as u64) as usize);
                }
                strata
                    .into_iter()
                    .map(|s| (s as f64 + rng.random::<f64>()) / n as f64)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn kernel_density_matches_the_direct_sum() {
        let mut rng = seeded_rng(7, 0);
        let values: Vec<f64> = (0..300)
            .map(|_| rng.random::<f64>().powi(3) * 5.0)
            .collect();
        let grid = Grid {
            start: 0.0,
            step: 5.0 / (DENSITY_GRID_POINTS - 1) as f64,
            points: DENSITY_GRID_POINTS,
        };
        for h in [grid.step, 0.1, 0.7, 20.0] {
            let fast = kernel_density(&values, h, &grid);
            let scale = 1.0 / (values.len() as f64 * h * (2.0 * PI).sqrt());
            for (g, f) in fast.iter().enumerate() {
                let x = grid.start + g as f64 * grid.step;
                let direct: f64 = values
                    .iter()
                    .map(|v| {
                        let u = (x - v) / h;
                        if u.abs() <= KERNEL_REACH_BANDWIDTHS {
                            (-0.5 * u * u).exp()
                        } else {
                            0.0
                        }
                    })
                    .sum::<f64>()
                    * scale;
                assert!(
                    (f - direct).abs() <= 1e-12 * direct.max(1e-300) + 1e-300,
                    "h {h}, grid point {g}: {f} vs {direct}"
                );
            }
        }
    }

    #[test]
    fn the_counting_sort_orders_by_value_then_position() {
        let mut rng = seeded_rng(3, 0);
        // Ties (a few levels), signed zeros and repeats of rows, as a resample has.
        let column: Vec<f64> = (0..500)
            .map(|r| match r % 7 {
                0 => 0.0,
                1 => -0.0,
                _ => (rng.random_range(0..40u64) as f64) / 4.0 - 3.0,
            })
            .collect();
        let ranks = DistinctRanks::of(&column);
        for b in 0..5 {
            let rows = if b == 0 {
                (0..column.len()).collect()
            } else {
                resample_rows(b, b, column.len())
            };
            let x: Vec<f64> = rows.iter().map(|&r| column[r]).collect();
            let mut want: Vec<usize> = (0..rows.len()).collect();
            want.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
            let (mut starts, mut got) = (Vec::new(), vec![0; rows.len()]);
            ranks.order(&rows, &mut starts, &mut got);
            assert_eq!(got, want, "resample {b}");
        }
    }

    fn options(resamples: usize, seed: u64) -> SensitivityOptions {
        SensitivityOptions {
            resamples,
            confidence: 0.95,
            seed,
            output: OutputKind::Auto,
        }
    }

    const ISHIGAMI_A: f64 = 7.0;
    const ISHIGAMI_B: f64 = 0.1;

    fn ishigami(x1: f64, x2: f64, x3: f64) -> f64 {
        x1.sin() + ISHIGAMI_A * x2.sin().powi(2) + ISHIGAMI_B * x3.powi(4) * x1.sin()
    }

    /// An Ishigami sample: inputs uniform on [−π, π].
    fn ishigami_sample(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
        let x: Vec<Vec<f64>> = latin(n, 3, seed)
            .into_iter()
            .map(|c| c.into_iter().map(|u| -PI + 2.0 * PI * u).collect())
            .collect();
        let y = (0..n)
            .map(|r| ishigami(x[0][r], x[1][r], x[2][r]))
            .collect();
        (x, y)
    }

    /// Analytic first-order indices of the Ishigami function (Sobol' & Levitan 1999; Saltelli et
    /// al. 2008 give (0.3139, 0.4424, 0) for a = 7, b = 0.1).
    fn ishigami_s1() -> [f64; 3] {
        let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v = 0.5 + a * a / 8.0 + b * b * PI.powi(8) / 18.0 + b * PI.powi(4) / 5.0;
        [v1 / v, v2 / v, 0.0]
    }

    /// P(a·sin²X ≤ t), X uniform on [−π, π]: |sin X| is the sine of a uniform angle on
    /// [0, π/2], so P = (2/π)·asin(√(t/a)) on [0, a].
    fn cdf_a_sin2(t: f64) -> f64 {
        if t <= 0.0 {
            0.0
        } else if t >= ISHIGAMI_A {
            1.0
        } else {
            2.0 / PI * (t / ISHIGAMI_A).sqrt().asin()
        }
    }

    /// P(sin X ≤ u), X uniform on [−π, π] (the arcsine law on [−1, 1]).
    fn cdf_sin(u: f64) -> f64 {
        if u <= -1.0 {
            0.0
        } else if u >= 1.0 {
            1.0
        } else {
            0.5 + u.asin() / PI
        }
    }

    /// Midpoints of `count` equal cells of [low, high]: the midpoint rule for a uniform input.
    fn midpoints(low: f64, high: f64, count: usize) -> Vec<f64> {
        (0..count)
            .map(|j| low + (j as f64 + 0.5) * (high - low) / count as f64)
            .collect()
    }

    /// The Ishigami δ by numerical integration, no sampling. Y = sin X1·g(X3) + a·sin²X2 with
    /// g = 1 + b·X3⁴; given one input the other two enter through exact CDFs (`cdf_a_sin2`,
    /// `cdf_sin`) averaged over a midpoint rule, so each conditional CDF F_{Y|x_i} is known on a
    /// fine grid of y; F_Y is the average of the conditional ones; and
    /// δ_i = ½ E_{x_i} Σ_bins |ΔF_Y − ΔF_{Y|x_i}| (the total variation between the two
    /// distributions binned on the grid, which approaches the exact one from below as the bins
    /// shrink). `outer` nodes for x_i, `inner` for the integrated input, `bins` cells of y.
    fn ishigami_delta_by_quadrature(outer: usize, inner: usize, bins: usize) -> [f64; 3] {
        let g = |x3: f64| 1.0 + ISHIGAMI_B * x3.powi(4);
        let g_max = g(PI);
        let edges = midpoints(-g_max, ISHIGAMI_A + g_max, bins - 1);
        let edges: Vec<f64> = [-g_max - 1e-9]
            .into_iter()
            .chain(edges)
            .chain([ISHIGAMI_A + g_max + 1e-9])
            .collect();
        // g is even and sin X1 is symmetric, so X3 on [0, π] has the same law as on [−π, π].
        let x3_nodes = midpoints(0.0, PI, inner);
        let x1_nodes = midpoints(-PI, PI, inner);
        let conditional_cdfs =
            |cdf: &dyn Fn(f64) -> f64| -> Vec<f64> { edges.iter().map(|&t| cdf(t)).collect() };
        let delta_from = |cdfs: Vec<Vec<f64>>| -> f64 {
            let k = cdfs.len() as f64;
            let marginal: Vec<f64> = (0..edges.len())
                .map(|e| cdfs.iter().map(|c| c[e]).sum::<f64>() / k)
                .collect();
            cdfs.iter()
                .map(|c| {
                    0.5 * (1..edges.len())
                        .map(|e| ((c[e] - c[e - 1]) - (marginal[e] - marginal[e - 1])).abs())
                        .sum::<f64>()
                })
                .sum::<f64>()
                / k
        };
        let delta1 = delta_from(
            midpoints(-PI, PI, outer)
                .into_iter()
                .map(|x1| {
                    conditional_cdfs(&|t| {
                        x3_nodes
                            .iter()
                            .map(|&x3| cdf_a_sin2(t - x1.sin() * g(x3)))
                            .sum::<f64>()
                            / inner as f64
                    })
                })
                .collect(),
        );
        let delta2 = delta_from(
            midpoints(-PI, PI, outer)
                .into_iter()
                .map(|x2| {
                    let shift = ISHIGAMI_A * x2.sin().powi(2);
                    conditional_cdfs(&|t| {
                        x3_nodes
                            .iter()
                            .map(|&x3| cdf_sin((t - shift) / g(x3)))
                            .sum::<f64>()
                            / inner as f64
                    })
                })
                .collect(),
        );
        let delta3 = delta_from(
            midpoints(0.0, PI, outer)
                .into_iter()
                .map(|x3| {
                    conditional_cdfs(&|t| {
                        x1_nodes
                            .iter()
                            .map(|&x1| cdf_a_sin2(t - x1.sin() * g(x3)))
                            .sum::<f64>()
                            / inner as f64
                    })
                })
                .collect(),
        );
        [delta1, delta2, delta3]
    }

    /// Standard normal CDF (the engine's, which samples truncated normals with it).
    fn phi(x: f64) -> f64 {
        gigawatt_engine::uncertainty::normal_cdf(x)
    }

    /// Total variation between N(0, σ²) and N(μ, s²) with s < σ: the narrower density is above
    /// the wider one exactly between the two roots of the quadratic ln f = ln g, so the distance
    /// is the difference of their masses there.
    fn normal_total_variation(sigma: f64, mu: f64, s: f64) -> f64 {
        let a = 0.5 * (1.0 / (s * s) - 1.0 / (sigma * sigma));
        let b = -mu / (s * s);
        let c = mu * mu / (2.0 * s * s) + (s / sigma).ln();
        let root = (b * b - 4.0 * a * c).sqrt();
        let (r1, r2) = ((-b - root) / (2.0 * a), (-b + root) / (2.0 * a));
        (phi((r2 - mu) / s) - phi((r1 - mu) / s)) - (phi(r2 / sigma) - phi(r1 / sigma))
    }

    /// Exact δ_i of Y = Σ w_j X_j with X ~ N(0, I): Y ~ N(0, σ²) and Y | x_i ~ N(w_i x_i,
    /// σ² − w_i²), so δ_i = ½ E|·| = E_{x_i}[TV], by the midpoint rule on x_i ∈ [−8, 8].
    fn linear_gaussian_delta(w: &[f64], i: usize) -> f64 {
        let sigma = w.iter().map(|v| v * v).sum::<f64>().sqrt();
        let s = (sigma * sigma - w[i] * w[i]).sqrt();
        let nodes = 4_000;
        let dx = 16.0 / nodes as f64;
        (0..nodes)
            .map(|j| {
                let x = -8.0 + (j as f64 + 0.5) * dx;
                let density = (-0.5 * x * x).exp() / (2.0 * PI).sqrt();
                density * dx * normal_total_variation(sigma, w[i] * x, s)
            })
            .sum()
    }

    /// Standard normal draws by Box–Muller.
    fn normals(n: usize, seed: u64, stream: u64) -> Vec<f64> {
        let mut rng = seeded_rng(seed, stream);
        (0..n)
            .map(|_| {
                let u1: f64 = 1.0 - rng.random::<f64>();
                let u2: f64 = rng.random::<f64>();
                (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
            })
            .collect()
    }

    fn assert_near(got: f64, want: f64, tolerance: f64, what: &str) {
        assert!(
            (got - want).abs() <= tolerance,
            "{what}: got {got:.4}, want {want:.4} ± {tolerance}"
        );
    }

    /// SALib's regression values for `delta.analyze` on the Ishigami function (a = 7, b = 0.1,
    /// 10,000 Latin-hypercube points; `tests/test_regression.py::test_regression_delta`, checked
    /// there with atol 0.05 + rtol 0.1). They are values of this same estimator, not the exact δ.
    const SALIB_ISHIGAMI_DELTA: [f64; 3] = [0.210, 0.358, 0.155];

    #[test]
    fn ishigami_indices_match_published_and_exact_values() {
        let (x, y) = ishigami_sample(10_000, 0);
        let report = analyze(&x, &y, &options(20, 1)).unwrap();
        assert_eq!(report.output, OutputKind::Continuous);
        // S1 by class conditioning loses the variation of E[Y|x_i] inside each class, ≈
        // E[(dE[Y|x]/dx)²]·w²/12 / Var(Y) = 0.012 for x2 with w = 2π/22: hence ±0.04.
        for (p, want) in report.parameters.iter().zip(ishigami_s1()) {
            assert_eq!(p.classes, 22);
            assert_near(
                p.s1.value,
                want,
                0.04,
                &format!("S1 of x{}", p.parameter + 1),
            );
        }
        for (p, want) in report.parameters.iter().zip(SALIB_ISHIGAMI_DELTA) {
            assert_near(
                p.delta.value,
                want,
                0.03,
                &format!("δ of x{}", p.parameter + 1),
            );
            assert!(p.delta.ci_low <= p.delta.value && p.delta.value <= p.delta.ci_high);
        }
        // The exact δ (quadrature, converged to ±0.004: see the next test) is higher: classes
        // and kernels both blur the conditional densities, so the given-data estimate at this n
        // is conservative by 0.04–0.08 (over LHS seeds), and the ranking survives.
        let exact = ishigami_delta_by_quadrature(50, 100, 300);
        for (p, want) in report.parameters.iter().zip(exact) {
            let shortfall = want - p.delta.value;
            assert!(
                (0.0..0.09).contains(&shortfall),
                "δ of x{}: {:.4} vs exact {want:.4}",
                p.parameter + 1,
                p.delta.value
            );
        }
        let delta: Vec<f64> = report.parameters.iter().map(|p| p.delta.value).collect();
        assert!(delta[1] > delta[0] && delta[0] > delta[2], "{delta:?}");
    }

    /// A censored outcome (a month capped at the horizon: most of the sample at one value, the
    /// rest spread thinly) keeps δ within [0, 1]: narrow classes are smoothed no finer than the
    /// density grid can resolve.
    #[test]
    fn a_censored_outcome_keeps_delta_between_zero_and_one() {
        let (x, _) = ishigami_sample(2_000, 3);
        let y: Vec<f64> = x[0]
            .iter()
            .map(|&v| (60.0 + 30.0 * v).min(100.0).round())
            .collect();
        let report = analyze(&x, &y, &options(20, 1)).unwrap();
        for p in &report.parameters {
            assert!(
                (-0.05..=1.0).contains(&p.delta.value),
                "δ of x{}: {}",
                p.parameter + 1,
                p.delta.value
            );
        }
        assert!(report.parameters[0].delta.value > report.parameters[1].delta.value + 0.3);
    }

    #[test]
    fn ishigami_exact_delta_by_quadrature_converges() {
        // Doubling every resolution moves the values by < 0.003; the finest run during
        // development (400, 800, 2400) gave (0.2628, 0.4249, 0.2102), and a brute-force Monte
        // Carlo histogram (200,000 draws per node) (0.260, 0.425, 0.209).
        let coarse = ishigami_delta_by_quadrature(50, 100, 300);
        let fine = ishigami_delta_by_quadrature(100, 200, 600);
        for ((c, f), want) in coarse.iter().zip(fine).zip([0.2628, 0.4249, 0.2102]) {
            assert_near(*c, f, 0.003, "coarse vs fine");
            assert_near(f, want, 0.002, "fine vs finest");
        }
    }

    #[test]
    fn linear_gaussian_delta_matches_the_exact_and_published_values() {
        // Wei, Lu & Yuan (2013), example 1: Y = Σ w_i X_i, X ~ N(0, I), w = (1.5, …, 2.0);
        // their δ are (0.119, 0.129, 0.138, 0.148, 0.158, 0.168).
        let w = [1.5, 1.6, 1.7, 1.8, 1.9, 2.0];
        let published = [0.119, 0.129, 0.138, 0.148, 0.158, 0.168];
        let exact: Vec<f64> = (0..w.len()).map(|i| linear_gaussian_delta(&w, i)).collect();
        for (e, p) in exact.iter().zip(published) {
            assert_near(*e, p, 0.001, "exact δ vs Wei et al.");
        }
        let n = 10_000;
        let x: Vec<Vec<f64>> = (0..w.len()).map(|j| normals(n, 3, j as u64)).collect();
        let y: Vec<f64> = (0..n)
            .map(|r| w.iter().zip(&x).map(|(wj, xj)| wj * xj[r]).sum())
            .collect();
        let report = analyze(&x, &y, &options(20, 1)).unwrap();
        let sum_of_squares: f64 = w.iter().map(|v| v * v).sum();
        for p in &report.parameters {
            let i = p.parameter;
            // Plain random sampling (not a hypercube): ±0.025 on δ, ±0.04 on S1 = w_i²/Σw².
            assert_near(p.delta.value, exact[i], 0.025, &format!("δ of x{i}"));
            assert_near(
                p.s1.value,
                w[i] * w[i] / sum_of_squares,
                0.04,
                &format!("S1 of x{i}"),
            );
        }
    }

    #[test]
    fn sobol_g_function_first_order_indices() {
        // G(x) = Π |4x_i − 2| + a_i)/(1 + a_i), x_i ~ U(0, 1): V_i = 1/(3(1 + a_i)²),
        // S1_i = V_i / (Π(1 + V_j) − 1) (Saltelli et al. 2008): (0.716, 0.179, 0.024, 0.0072,
        // 0.0001, 0.0001) for a = (0, 1, 4.5, 9, 99, 99). A seventh, unused column is a dummy.
        let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
        let v: Vec<f64> = a
            .iter()
            .map(|ai| 1.0 / (3.0 * (1.0 + ai) * (1.0 + ai)))
            .collect();
        let total = v.iter().map(|vi| 1.0 + vi).product::<f64>() - 1.0;
        let n = 4_000;
        let x = latin(n, a.len() + 1, 5);
        let y: Vec<f64> = (0..n)
            .map(|r| {
                a.iter()
                    .zip(&x)
                    .map(|(ai, xi)| ((4.0 * xi[r] - 2.0).abs() + ai) / (1.0 + ai))
                    .product()
            })
            .collect();
        let report = analyze(&x, &y, &options(20, 1)).unwrap();
        for p in &report.parameters {
            let want = v.get(p.parameter).map_or(0.0, |vi| vi / total);
            assert_near(p.s1.value, want, 0.02, &format!("S1 of x{}", p.parameter));
        }
        let delta: Vec<f64> = report.parameters.iter().map(|p| p.delta.value).collect();
        assert!(
            delta[0] > delta[1] && delta[1] > delta[2] && delta[2] > delta[4],
            "{delta:?}"
        );
        // The a = 99 inputs and the dummy barely move the output: their δ sits at the noise
        // floor (within its interval, widened by 0.01 for the floor's own noise).
        for p in &report.parameters[4..] {
            assert!(
                p.delta.value <= report.noise_floor.delta.ci_high + 0.01,
                "δ of x{} = {:.4} above the noise floor {:?}",
                p.parameter,
                p.delta.value,
                report.noise_floor.delta
            );
        }
    }

    #[test]
    fn binary_output_uses_total_variation_of_the_shares() {
        // y = 1{x0 > x1}, x ~ U(0, 1)³: P(y = 1) = ½ and P(y = 1 | x0) = x0, so
        // δ0 = E|x0 − ½| = ¼ (total variation of a 0/1 law is |Δp|), likewise δ1; and
        // S1 = Var(x0)/Var(y) = (1/12)/(1/4) = ⅓. x2 is unrelated.
        let n = 4_000;
        let x = latin(n, 3, 10);
        let y: Vec<f64> = (0..n)
            .map(|r| f64::from(u8::from(x[0][r] > x[1][r])))
            .collect();
        let report = analyze(&x, &y, &options(50, 0)).unwrap();
        assert_eq!(report.output, OutputKind::Discrete);
        for p in &report.parameters[..2] {
            assert_near(p.delta.value, 0.25, 0.03, &format!("δ of x{}", p.parameter));
            assert_near(
                p.s1.value,
                1.0 / 3.0,
                0.04,
                &format!("S1 of x{}", p.parameter),
            );
        }
        let unrelated = &report.parameters[2];
        assert!(unrelated.delta.value < 0.03, "{unrelated:?}");
        assert!(unrelated.delta.ci_low < 0.01, "{unrelated:?}");
        assert!(
            unrelated.s1.ci_low <= 0.0 && 0.0 <= unrelated.s1.ci_high,
            "{unrelated:?}"
        );
    }

    #[test]
    fn an_unrelated_input_reads_as_noise() {
        for seed in 0..3 {
            let n = 4_000;
            let (mut x, y) = ishigami_sample(n, seed);
            x.push(latin(n, 4, 99 + seed).pop().unwrap());
            let report = analyze(&x, &y, &options(50, seed)).unwrap();
            let unrelated = &report.parameters[3];
            let floor = &report.noise_floor;
            assert_eq!(floor.parameter, 4);
            // S1 is corrected for noise: the interval holds 0.
            assert!(unrelated.s1.ci_low <= 0.0 && 0.0 <= unrelated.s1.ci_high);
            assert!(floor.s1.ci_low <= 0.0 && 0.0 <= floor.s1.ci_high);
            // δ of a continuous output keeps a noise floor of ≈ 0.04 at n = 4,000 (kernel
            // densities of 250-point classes): the unrelated input is indistinguishable from it.
            assert!(unrelated.delta.value < 0.05, "{unrelated:?}");
            assert!(
                unrelated.delta.ci_low <= floor.delta.ci_high
                    && floor.delta.ci_low <= unrelated.delta.ci_high,
                "{unrelated:?} vs {floor:?}"
            );
        }
    }

    #[test]
    fn a_discrete_input_is_conditioned_on_each_value() {
        // x ∈ {0, 1, 2} equally often, y = x + N(0, 1): S1 = Var(x)/(Var(x) + 1) = 0.4.
        let n = 3_000;
        let x: Vec<f64> = (0..n).map(|r| (r % 3) as f64).collect();
        let noise = normals(n, 7, 0);
        let y: Vec<f64> = x.iter().zip(&noise).map(|(a, e)| a + e).collect();
        let report = analyze(&[x], &y, &options(20, 0)).unwrap();
        assert_eq!(report.parameters[0].classes, 3);
        assert_near(report.parameters[0].s1.value, 0.4, 0.04, "S1");
    }

    #[test]
    fn results_are_bit_identical_for_a_seed_whatever_the_threads() {
        let (x, y) = ishigami_sample(2_000, 4);
        let opts = options(30, 42);
        let first = analyze(&x, &y, &opts).unwrap();
        let single_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| analyze(&x, &y, &opts).unwrap());
        assert_eq!(first, single_thread);
        let other_seed = analyze(&x, &y, &options(30, 43)).unwrap();
        assert_ne!(first, other_seed);
        // The seed only moves the bootstrap: the plain S1 estimate is the same.
        for (a, b) in first.parameters.iter().zip(&other_seed.parameters) {
            assert_eq!(a.s1.value, b.s1.value);
        }
    }

    #[test]
    fn zero_resamples_give_the_plain_estimate_without_interval() {
        let (x, y) = ishigami_sample(1_000, 2);
        let report = analyze(&x, &y, &options(0, 0)).unwrap();
        for p in &report.parameters {
            assert!(p.delta.value > 0.0 && p.delta.ci_low.is_nan() && p.delta.ci_high.is_nan());
            assert!(p.s1.ci_low.is_nan() && p.s1.ci_high.is_nan());
        }
    }

    #[test]
    fn constant_input_or_output_has_no_influence() {
        let (mut x, y) = ishigami_sample(500, 3);
        x[2] = vec![1.5; 500];
        let report = analyze(&x, &y, &options(10, 0)).unwrap();
        let constant = &report.parameters[2];
        assert_eq!(constant.classes, 1);
        for index in [constant.delta, constant.s1] {
            assert_eq!((index.value, index.ci_low, index.ci_high), (0.0, 0.0, 0.0));
        }
        let flat = vec![3.0; 500];
        let report = analyze(&x, &flat, &options(10, 0)).unwrap();
        assert_eq!(report.output, OutputKind::Discrete);
        for p in report.parameters.iter().chain([&report.noise_floor]) {
            assert_eq!((p.delta.value, p.s1.value), (0.0, 0.0));
        }
        let forced = SensitivityOptions {
            output: OutputKind::Continuous,
            ..options(10, 0)
        };
        let report = analyze(&x, &flat, &forced).unwrap();
        assert_eq!(report.output, OutputKind::Continuous);
        assert!(report.parameters.iter().all(|p| p.delta.value == 0.0));
    }

    #[test]
    fn bad_input_gives_typed_errors() {
        let (x, y) = ishigami_sample(100, 0);
        let opts = options(5, 0);
        assert_eq!(
            analyze(&x, &y[..99], &opts),
            Err(SensitivityError::LengthMismatch {
                column: 0,
                found: 100,
                expected: 99
            })
        );
        let short: Vec<Vec<f64>> = x.iter().map(|c| c[..10].to_vec()).collect();
        assert_eq!(
            analyze(&short, &y[..10], &opts),
            Err(SensitivityError::TooFewSamples {
                found: 10,
                min: MIN_SAMPLES
            })
        );
        let mut bad_x = x.clone();
        bad_x[1][7] = f64::NAN;
        assert!(matches!(
            analyze(&bad_x, &y, &opts),
            Err(SensitivityError::NonFiniteInput {
                column: 1,
                row: 7,
                ..
            })
        ));
        let mut bad_y = y.clone();
        bad_y[3] = f64::INFINITY;
        assert!(matches!(
            analyze(&x, &bad_y, &opts),
            Err(SensitivityError::NonFiniteOutput { row: 3, .. })
        ));
        for confidence in [0.0, 1.0, f64::NAN, -0.5] {
            let opts = SensitivityOptions { confidence, ..opts };
            assert!(matches!(
                analyze(&x, &y, &opts),
                Err(SensitivityError::BadConfidence(_))
            ));
        }
        let no_inputs: [Vec<f64>; 0] = [];
        let report = analyze(&no_inputs, &y, &opts).unwrap();
        assert!(report.parameters.is_empty());
    }

    #[test]
    fn report_serializes_with_method_names() {
        let (x, y) = ishigami_sample(200, 1);
        let report = analyze(&x, &y, &options(5, 0)).unwrap();
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(r#""method":"delta""#) && json.contains(r#""method":"s1""#));
        assert!(json.contains(r#""output":"continuous""#));
        assert_eq!(Method::Delta.name(), "delta");
        assert_eq!(Method::S1.name(), "s1");
    }

    #[test]
    fn ishigami_analytic_s1_matches_the_published_values() {
        let s1 = ishigami_s1();
        for (got, want) in s1.iter().zip([0.3139, 0.4424, 0.0]) {
            assert!((got - want).abs() < 1e-4, "{s1:?}");
        }
    }

    #[test]
    fn class_count_follows_the_plischke_rule() {
        // ⌈n^(2/(7 + tanh((1500 − n)/500)))⌉: 2/(7 + tanh(−17)) = 1/3 at n = 10,000 → ⌈21.54⌉.
        assert_eq!(class_count(10_000), 22);
        assert_eq!(class_count(4_000), 16);
        assert_eq!(class_count(100), 4);
        assert_eq!(class_count(10_000_000), MAX_CLASSES);
    }

    #[test]
    fn class_ranges_cut_by_rank_or_by_value() {
        let x: [f64; 7] = [5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0];
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        // ⌊m·7/3⌋ = 0, 2, 4.
        assert_eq!(class_ranges(&x, &order, 3), vec![0..2, 2..4, 4..7]);
        let x: [f64; 5] = [1.0, 0.0, 1.0, 0.0, 0.0];
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
        assert_eq!(class_ranges(&x, &order, 3), vec![0..3, 3..5]);
    }
}

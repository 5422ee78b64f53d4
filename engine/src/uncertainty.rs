//! Uncertain scenarios: any number in a scenario file may be written as a distribution, and a run
//! samples *worlds* from them by Latin hypercube.
//!
//! ```text
//! software_returns: log_uniform(0.6, 2.4),
//! export_control_leakage_share: triangular(0.05, 0.2, 0.5),
//! ```
//!
//! | written | central (the point value, `--world central`) | sampled value for a quantile u ∈ (0, 1) |
//! |---|---|---|
//! | `uniform(a, b)` | (a + b)/2 | a + u·(b − a) |
//! | `log_uniform(a, b)` (0 < a) | √(a·b) | a·(b/a)^u |
//! | `normal(mean, sd)` or `normal(mean, sd, low, high)` | mean | mean + sd·Φ⁻¹(Φ(α) + u·(Φ(β) − Φ(α))), truncated |
//! | `log_normal(median, sigma)` or `log_normal(median, sigma, low, high)` | median | exp of the normal above on ln x, ln x ~ N(ln median, sigma) |
//! | `triangular(low, mode, high)` | mode | the triangular inverse CDF |
//! | `choice([x₀, x₁, …])` | x₀ | x_⌊u·k⌋ |
//!
//! Normal and log-normal draws are truncated to the field's valid range (found by asking
//! [`crate::validate::validate`] where the field stops being valid, from the central value outward)
//! and to `[low, high]` when given. Bounded distributions must lie inside the valid range: a bound
//! outside it is an error at the distribution's FILE:LINE:COL, like every scenario error.
//!
//! **Shared factors.** `factor: "name"` as a last argument (`uniform(0.1, 0.3, factor: "capex")`)
//! makes every field naming the same factor draw from one Latin-hypercube column: their quantiles
//! are equal (perfect rank correlation); `factor: "-name"` takes 1 − u (perfect negative rank
//! correlation). Fields without a factor are independent.
//!
//! **Sampling.** A run of N worlds draws, for each independent field and each factor (a *dimension*,
//! keyed by its path or `factor:name`), a random permutation π of 0..N and a jitter j_w ∈ [0, 1),
//! and world w gets u = (π(w) + j_w)/N: each of the N equal-probability strata of every dimension is
//! hit exactly once (McKay, Beckman & Conover 1979). The stream of a dimension is a fixed function of
//! (run seed, dimension key), so a world is a pure function of (seed, N, w): the same on every
//! thread, shard and resume, and every strategy pairing meets the same worlds.
//!
//! Integer fields (counts, months) take the sampled value rounded to the nearest integer.

use std::sync::Arc;

use rand::RngExt;

use crate::resources::seeded_rng;
use crate::ron_locate::{Call, Locations, Position};
use crate::scenario::Scenario;
use crate::validate::{ScenarioError, ScenarioErrors, parse_point_scenario, validate};

/// Most worlds a run may sample (a 10,000-world run is the documented scale; this bounds memory).
pub const MAX_WORLDS: u32 = 10_000_000;

/// A distribution written in place of a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    Uniform {
        low: f64,
        high: f64,
    },
    LogUniform {
        low: f64,
        high: f64,
    },
    /// Truncated to `[low, high]` (the field's valid range ∩ the bounds written).
    Normal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// `ln x ~ N(ln median, sigma)`, truncated to `[low, high]` (x units).
    LogNormal {
        median: f64,
        sigma: f64,
        low: f64,
        high: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    Choice(Vec<f64>),
}

impl Distribution {
    /// The point value: what `--world central` plays.
    pub fn central(&self) -> f64 {
        match self {
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::LogUniform { low, high } => (low * high).sqrt(),
            Distribution::Normal { mean, .. } => *mean,
            Distribution::LogNormal { median, .. } => *median,
            Distribution::Triangular { mode, .. } => *mode,
            Distribution::Choice(options) => options[0],
        }
    }

    /// Smallest and largest value it can give.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { low, high }
            | Distribution::LogUniform { low, high }
            | Distribution::Normal { low, high, .. }
            | Distribution::LogNormal { low, high, .. }
            | Distribution::Triangular { low, high, .. } => (*low, *high),
            Distribution::Choice(options) => options
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                }),
        }
    }

    /// The value at quantile `u` (clamped to [0, 1)).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0 - f64::EPSILON);
        match self {
            Distribution::Uniform { low, high } => low + u * (high - low),
            Distribution::LogUniform { low, high } => (low.ln() + u * (high / low).ln()).exp(),
            Distribution::Normal {
                mean,
                sd,
                low,
                high,
            } => truncated_normal_quantile(*mean, *sd, *low, *high, u),
            Distribution::LogNormal {
                median,
                sigma,
                low,
                high,
            } => {
                let lo = if *low > 0.0 {
                    low.ln()
                } else {
                    f64::NEG_INFINITY
                };
                truncated_normal_quantile(median.ln(), *sigma, lo, high.ln(), u).exp()
            }
            Distribution::Triangular { low, mode, high } => {
                let (a, c, b) = (*low, *mode, *high);
                if b <= a {
                    return a;
                }
                let split = (c - a) / (b - a);
                if u < split {
                    a + (u * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                }
            }
            Distribution::Choice(options) => {
                let k = options.len();
                options[((u * k as f64) as usize).min(k - 1)]
            }
        }
    }

    /// The cumulative distribution at `x` (for tests and goodness-of-fit checks).
    pub fn cdf(&self, x: f64) -> f64 {
        let clamp01 = |p: f64| p.clamp(0.0, 1.0);
        match self {
            Distribution::Uniform { low, high } => clamp01((x - low) / (high - low)),
            Distribution::LogUniform { low, high } => {
                if x <= 0.0 {
                    0.0
                } else {
                    clamp01((x / low).ln() / (high / low).ln())
                }
            }
            Distribution::Normal {
                mean,
                sd,
                low,
                high,
            } => truncated_normal_cdf(*mean, *sd, *low, *high, x),
            Distribution::LogNormal {
                median,
                sigma,
                low,
                high,
            } => {
                if x <= 0.0 {
                    return 0.0;
                }
                let lo = if *low > 0.0 {
                    low.ln()
                } else {
                    f64::NEG_INFINITY
                };
                truncated_normal_cdf(median.ln(), *sigma, lo, high.ln(), x.ln())
            }
            Distribution::Triangular { low, mode, high } => {
                let (a, c, b) = (*low, *mode, *high);
                if x <= a {
                    0.0
                } else if x >= b {
                    1.0
                } else if x <= c {
                    (x - a).powi(2) / ((b - a) * (c - a))
                } else {
                    1.0 - (b - x).powi(2) / ((b - a) * (b - c))
                }
            }
            Distribution::Choice(options) => {
                options.iter().filter(|&&o| o <= x).count() as f64 / options.len() as f64
            }
        }
    }
}

/// Standard normal CDF Φ, from [`erfc`]: ~1e-7 relative, far finer than the strata of any sample
/// (1/N), so truncated-normal quantiles keep their Latin strata.
pub fn normal_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Complementary error function: Numerical Recipes' Chebyshev fit `erfcc`, relative error < 1.2e-7
/// everywhere (std has no erf).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.024_25;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

fn truncated_normal_quantile(mean: f64, sd: f64, low: f64, high: f64, u: f64) -> f64 {
    let a = normal_cdf((low - mean) / sd);
    let b = normal_cdf((high - mean) / sd);
    let x = mean + sd * normal_quantile(a + u * (b - a));
    x.clamp(low, high)
}

fn truncated_normal_cdf(mean: f64, sd: f64, low: f64, high: f64, x: f64) -> f64 {
    if x <= low {
        return 0.0;
    }
    if x >= high {
        return 1.0;
    }
    let a = normal_cdf((low - mean) / sd);
    let b = normal_cdf((high - mean) / sd);
    ((normal_cdf((x - mean) / sd) - a) / (b - a)).clamp(0.0, 1.0)
}

/// One uncertain field of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertainty {
    /// Path of the field in the scenario file, e.g. `global.software_returns`.
    pub path: String,
    pub distribution: Distribution,
    /// The shared factor it reads, and whether it reads it reversed (`factor: "-name"`).
    pub factor: Option<(String, bool)>,
    /// Whether the field holds an integer (sampled values are rounded).
    pub integer: bool,
    /// Where the distribution is written (in the resolved text, for a scenario that inherits:
    /// see [`crate::inherit`]).
    pub position: Position,
}

impl Uncertainty {
    /// Key of its Latin-hypercube column.
    pub fn dimension(&self) -> String {
        match &self.factor {
            Some((name, _)) => format!("factor:{name}"),
            None => self.path.clone(),
        }
    }

    /// The value for quantile `u` of its dimension.
    pub fn value(&self, u: f64) -> f64 {
        let u = match &self.factor {
            Some((_, true)) => 1.0 - u,
            _ => u,
        };
        let x = self.distribution.quantile(u);
        if self.integer { x.round() } else { x }
    }
}

/// A scenario with distributions: its central point and what is uncertain in it.
#[derive(Clone, Debug)]
pub struct UncertainScenario {
    /// Every field at its central value (what `parse_scenario` returns for the same text).
    pub central: Arc<Scenario>,
    /// In file order.
    pub uncertainties: Vec<Uncertainty>,
    /// The central scenario as a tree, where sampled values are written.
    tree: serde_json::Value,
    file: String,
}

/// [`crate::parse_uncertain_scenario`] for a text that names no base.
pub(crate) fn parse_uncertain_text(
    file: &str,
    source: &str,
) -> Result<UncertainScenario, ScenarioErrors> {
    let locations = Locations::scan(source);
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for call in locations.calls() {
        match parse_call(call) {
            Ok((distribution, factor)) => parsed.push((call, distribution, factor)),
            Err(problem) => errors.push(error_at(file, call, &problem)),
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    let substituted = substitute_centrals(source, &parsed);
    let central = match parse_point_scenario(file, &substituted) {
        Ok(central) => central,
        Err(mut errors) => {
            // The text parses but a central value does not fit its field: say which distribution.
            for e in &mut errors.0 {
                if let Some((call, d, _)) = parsed.iter().find(|(c, ..)| c.path == e.path) {
                    let x = d.central();
                    let why = if x.fract() != 0.0 {
                        format!(
                            "its central value {x} is not a whole number, which this field needs"
                        )
                    } else {
                        format!("its central value {x} does not fit this field")
                    };
                    *e = error_at(file, call, &format!("{why} ({})", e.message));
                }
            }
            return Err(errors);
        }
    };
    let tree = serde_json::to_value(&central).map_err(|e| {
        ScenarioErrors(vec![ScenarioError::new(
            file,
            1,
            1,
            "",
            &format!("cannot represent the scenario: {e}"),
        )])
    })?;
    let mut out = UncertainScenario {
        central: Arc::new(central),
        uncertainties: Vec::new(),
        tree,
        file: file.to_string(),
    };
    for (call, mut distribution, factor) in parsed {
        let integer = match lookup(&out.tree, &call.path) {
            Some(serde_json::Value::Number(n)) => !n.is_f64(),
            Some(_) => {
                errors.push(error_at(
                    file,
                    call,
                    "a distribution stands only for a number",
                ));
                continue;
            }
            None => {
                errors.push(error_at(file, call, "no such field in the scenario"));
                continue;
            }
        };
        // Fields of a shared factor move together: they are checked together below (one at a
        // time, a milestone could not pass its neighbours' central values).
        let bounded = !matches!(
            distribution,
            Distribution::Normal { .. } | Distribution::LogNormal { .. }
        );
        if (factor.is_none() || !bounded)
            && let Err(problem) = out.fit_to_valid_range(&call.path, integer, &mut distribution)
        {
            errors.push(error_at(file, call, &problem));
            continue;
        }
        out.uncertainties.push(Uncertainty {
            path: call.path.clone(),
            distribution,
            factor,
            integer,
            position: call.start,
        });
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    // Every factor at both ends of its range, its fields together, the others central.
    let mut factors: Vec<&str> = out
        .uncertainties
        .iter()
        .filter_map(|u| u.factor.as_ref().map(|f| f.0.as_str()))
        .collect();
    factors.sort_unstable();
    factors.dedup();
    for name in factors {
        for (end, q) in [("low", 0.0), ("high", 1.0)] {
            let values: Vec<f64> = out
                .uncertainties
                .iter()
                .map(|u| match &u.factor {
                    Some((f, _)) if f == name => u.value(q),
                    _ => u.distribution.central(),
                })
                .collect();
            if let Err(problem) = out.with_values(&values) {
                let first = out
                    .uncertainties
                    .iter()
                    .find(|u| u.factor.as_ref().is_some_and(|f| f.0 == name))
                    .expect("a factor has a field");
                errors.push(ScenarioError::new(
                    file,
                    first.position.line,
                    first.position.column,
                    &first.path,
                    &format!(
                        "factor `{name}` at its {end} end gives an invalid scenario ({problem})"
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    Ok(out)
}

fn error_at(file: &str, call: &Call, problem: &str) -> ScenarioError {
    ScenarioError::new(
        file,
        call.start.line,
        call.start.column,
        &call.path,
        &format!("{}(…): {problem}", call.name),
    )
}

/// A shared factor's name and whether the field reads it reversed.
type Factor = Option<(String, bool)>;
/// A distribution call as written, and what it says.
type ParsedCall<'c> = (&'c Call, Distribution, Factor);

/// Replaces every call by its central value, padded with spaces (newlines kept) so that positions
/// after it do not move.
fn substitute_centrals(source: &str, parsed: &[ParsedCall<'_>]) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for (call, distribution, _) in parsed {
        out.extend(&chars[at..call.start_char]);
        let text = number_text(distribution.central());
        let span = &chars[call.start_char..call.end_char];
        let mut written = text.chars();
        for &c in span {
            if c == '\n' {
                out.push('\n');
            } else {
                out.push(written.next().unwrap_or(' '));
            }
        }
        // A central value longer than the call (rare): the rest shifts what follows on its line.
        out.extend(written);
        at = call.end_char;
    }
    out.extend(&chars[at.min(chars.len())..]);
    out
}

/// A number as RON text that both integer and float fields read: whole numbers without a
/// fraction (`24`, not `24.0`, which an integer field refuses), others in round-trip form.
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

/// Reads `name(args)` into a distribution and its optional factor.
fn parse_call(call: &Call) -> Result<(Distribution, Factor), String> {
    let mut args = call.args.trim().to_string();
    let mut factor = None;
    if let Some(at) = args.find("factor") {
        let rest = args[at + "factor".len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            return Err("write the factor as `factor: \"name\"`".into());
        };
        let name = rest.trim().trim_end_matches(',').trim();
        let Some(name) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) else {
            return Err("the factor's name must be a string, e.g. `factor: \"capex\"`".into());
        };
        let (name, reversed) = match name.strip_prefix('-') {
            Some(n) => (n, true),
            None => (name, false),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!(
                "factor name `{name}` must be letters, digits and underscores"
            ));
        }
        factor = Some((name.to_string(), reversed));
        args.truncate(at);
    }
    let args = args.trim().trim_end_matches(',');
    let dist = if call.name == "choice" {
        let inner = args
            .trim()
            .strip_prefix('[')
            .and_then(|a| a.trim_end().strip_suffix(']'))
            .ok_or("write the options as a list: `choice([1.0, 2.0])`")?;
        let options = numbers(inner)?;
        if options.is_empty() {
            return Err("needs at least one option".into());
        }
        Distribution::Choice(options)
    } else {
        let x = numbers(args)?;
        let want = |n: &[usize]| -> Result<(), String> {
            if n.contains(&x.len()) {
                Ok(())
            } else {
                let list: Vec<String> = n.iter().map(|k| k.to_string()).collect();
                Err(format!(
                    "takes {} numbers, got {}",
                    list.join(" or "),
                    x.len()
                ))
            }
        };
        match call.name.as_str() {
            "uniform" => {
                want(&[2])?;
                ordered(x[0], x[1])?;
                Distribution::Uniform {
                    low: x[0],
                    high: x[1],
                }
            }
            "log_uniform" => {
                want(&[2])?;
                ordered(x[0], x[1])?;
                if x[0] <= 0.0 {
                    return Err(format!("bounds must be positive (got {})", x[0]));
                }
                Distribution::LogUniform {
                    low: x[0],
                    high: x[1],
                }
            }
            "normal" | "log_normal" => {
                want(&[2, 4])?;
                if x[1] <= 0.0 {
                    return Err(format!("the spread must be positive (got {})", x[1]));
                }
                let (low, high) = if x.len() == 4 {
                    ordered(x[2], x[3])?;
                    (x[2], x[3])
                } else {
                    (f64::NEG_INFINITY, f64::INFINITY)
                };
                if call.name == "normal" {
                    if !(low..=high).contains(&x[0]) {
                        return Err(format!("the mean {} is outside [{low}, {high}]", x[0]));
                    }
                    Distribution::Normal {
                        mean: x[0],
                        sd: x[1],
                        low,
                        high,
                    }
                } else {
                    if x[0] <= 0.0 {
                        return Err(format!("the median must be positive (got {})", x[0]));
                    }
                    if !(low..=high).contains(&x[0]) {
                        return Err(format!("the median {} is outside [{low}, {high}]", x[0]));
                    }
                    Distribution::LogNormal {
                        median: x[0],
                        sigma: x[1],
                        low: low.max(0.0),
                        high,
                    }
                }
            }
            "triangular" => {
                want(&[3])?;
                if !(x[0] <= x[1] && x[1] <= x[2]) || x[0] == x[2] {
                    return Err(format!(
                        "needs low ≤ mode ≤ high with low < high (got {}, {}, {})",
                        x[0], x[1], x[2]
                    ));
                }
                Distribution::Triangular {
                    low: x[0],
                    mode: x[1],
                    high: x[2],
                }
            }
            other => return Err(format!("unknown distribution `{other}`")),
        }
    };
    Ok((dist, factor))
}

fn ordered(low: f64, high: f64) -> Result<(), String> {
    if low < high {
        Ok(())
    } else {
        Err(format!("needs low < high (got {low}, {high})"))
    }
}

/// Comma-separated finite numbers (RON syntax: `_` separators allowed).
fn numbers(text: &str) -> Result<Vec<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            let x: f64 = t
                .replace('_', "")
                .parse()
                .map_err(|_| format!("`{t}` is not a number"))?;
            if x.is_finite() {
                Ok(x)
            } else {
                Err(format!("`{t}` is not a finite number"))
            }
        })
        .collect()
}

/// The value at `path` (`a.b[2].c`) in a tree.
fn lookup<'v>(tree: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    let mut node = tree;
    for segment in segments(path)? {
        node = match segment {
            Segment::Field(name) => node.get(name)?,
            Segment::Index(i) => node.get(i)?,
        };
    }
    Some(node)
}

fn lookup_mut<'v>(
    tree: &'v mut serde_json::Value,
    path: &str,
) -> Option<&'v mut serde_json::Value> {
    let mut node = tree;
    for segment in segments(path)? {
        node = match segment {
            Segment::Field(name) => node.get_mut(name)?,
            Segment::Index(i) => node.get_mut(i)?,
        };
    }
    Some(node)
}

enum Segment<'p> {
    Field(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Field(name));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            out.push(Segment::Index(r[..close].parse().ok()?));
            rest = &r[close + 1..];
        }
    }
    Some(out)
}

impl UncertainScenario {
    /// Whether nothing in it is uncertain.
    pub fn is_certain(&self) -> bool {
        self.uncertainties.is_empty()
    }

    /// The scenario with the fields at `values` (one per uncertainty, in order), validated.
    pub fn with_values(&self, values: &[f64]) -> Result<Scenario, String> {
        let mut tree = self.tree.clone();
        for (u, &x) in self.uncertainties.iter().zip(values) {
            set(&mut tree, &u.path, x, u.integer)?;
        }
        let scenario: Scenario =
            serde_json::from_value(tree).map_err(|e| format!("cannot build the world: {e}"))?;
        let problems = validate(&scenario);
        if let Some((path, problem)) = problems.first() {
            return Err(format!("{path}: {problem}"));
        }
        Ok(scenario)
    }

    /// World `world` of a run of `worlds` sampled with `seed`: the scenario and the values drawn
    /// (one per uncertainty, in order).
    pub fn world(
        &self,
        seed: u64,
        worlds: u32,
        world: u32,
    ) -> Result<(Scenario, Vec<f64>), String> {
        let values = self.sample(seed, worlds, world)?;
        let scenario = self.with_values(&values).map_err(|e| {
            format!(
                "{}: world {world} of {worlds} (seed {seed}) is not a valid scenario: {e}",
                self.file
            )
        })?;
        Ok((scenario, values))
    }

    /// The values world `world` of a run of `worlds` draws, one per uncertainty.
    pub fn sample(&self, seed: u64, worlds: u32, world: u32) -> Result<Vec<f64>, String> {
        if worlds == 0 || worlds > MAX_WORLDS {
            return Err(format!("worlds must be 1..={MAX_WORLDS} (got {worlds})"));
        }
        if world >= worlds {
            return Err(format!(
                "world {world} is not one of the run's {worlds} (0..{worlds})"
            ));
        }
        Ok(self
            .uncertainties
            .iter()
            .map(|u| u.value(latin_quantile(seed, worlds, world, &u.dimension())))
            .collect())
    }

    /// Every world's values at once (row per world), for a run's `worlds.csv`.
    pub fn sample_all(&self, seed: u64, worlds: u32) -> Result<Vec<Vec<f64>>, String> {
        if worlds == 0 || worlds > MAX_WORLDS {
            return Err(format!("worlds must be 1..={MAX_WORLDS} (got {worlds})"));
        }
        let columns: Vec<Vec<f64>> = self
            .uncertainties
            .iter()
            .map(|u| {
                latin_column(seed, worlds, &u.dimension())
                    .into_iter()
                    .map(|q| u.value(q))
                    .collect()
            })
            .collect();
        Ok((0..worlds as usize)
            .map(|w| columns.iter().map(|c| c[w]).collect())
            .collect())
    }

    /// Narrows normal and log-normal bounds to where the field is valid; checks that bounded
    /// distributions lie inside it.
    fn fit_to_valid_range(
        &self,
        path: &str,
        integer: bool,
        distribution: &mut Distribution,
    ) -> Result<(), String> {
        let central = distribution.central();
        let valid = |x: f64| -> Result<(), String> {
            let mut tree = self.tree.clone();
            set(&mut tree, path, x, integer)?;
            let scenario: Scenario = serde_json::from_value(tree).map_err(|e| e.to_string())?;
            match validate(&scenario).into_iter().next() {
                None => Ok(()),
                Some((p, problem)) => Err(format!("{p}: {problem}")),
            }
        };
        match distribution {
            Distribution::Normal { low, high, .. } | Distribution::LogNormal { low, high, .. } => {
                *low = valid_edge(central, *low, &valid);
                *high = valid_edge(central, *high, &valid);
                Ok(())
            }
            _ => {
                let (low, high) = distribution.support();
                for (end, x) in [("low", low), ("high", high)] {
                    if let Err(problem) = valid(x) {
                        return Err(format!(
                            "its {end} end {x} is outside the field's valid range ({problem})"
                        ));
                    }
                }
                if let Distribution::Choice(options) = distribution {
                    for &x in options.iter() {
                        if let Err(problem) = valid(x) {
                            return Err(format!("option {x} is not valid ({problem})"));
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// The farthest value from `central` toward `limit` (which may be infinite) at which the field is
/// still valid, to a relative precision of ~1e-9: bisection, after doubling outward to bracket it.
fn valid_edge(central: f64, limit: f64, valid: &impl Fn(f64) -> Result<(), String>) -> f64 {
    if valid(limit).is_ok() {
        return limit;
    }
    let direction = if limit > central { 1.0 } else { -1.0 };
    // Bracket: `good` is valid, `bad` is not.
    let mut good = central;
    let mut step = central.abs().max(1.0);
    let mut bad = limit;
    for _ in 0..64 {
        let probe = central + direction * step;
        if (probe - limit) * direction >= 0.0 {
            break;
        }
        if valid(probe).is_ok() {
            good = probe;
            step *= 2.0;
        } else {
            bad = probe;
            break;
        }
    }
    if !bad.is_finite() {
        return good;
    }
    for _ in 0..80 {
        let mid = 0.5 * (good + bad);
        if (bad - good).abs() <= 1e-9 * good.abs().max(1e-12) {
            break;
        }
        if valid(mid).is_ok() {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

fn set(tree: &mut serde_json::Value, path: &str, x: f64, integer: bool) -> Result<(), String> {
    let node = lookup_mut(tree, path).ok_or_else(|| format!("{path}: no such field"))?;
    *node = if integer {
        let r = x.round();
        if r >= 0.0 {
            serde_json::Value::from(r as u64)
        } else {
            serde_json::Value::from(r as i64)
        }
    } else {
        serde_json::Number::from_f64(x)
            .map(serde_json::Value::Number)
            .ok_or_else(|| format!("{path}: {x} is not a finite number"))?
    };
    Ok(())
}

/// FNV-1a of a dimension key: its random stream, stable across builds and platforms.
fn stream_of(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One Latin-hypercube column: quantiles of the `worlds` worlds for dimension `key`.
pub fn latin_column(seed: u64, worlds: u32, key: &str) -> Vec<f64> {
    let mut rng = seeded_rng(seed, stream_of(key));
    let n = worlds as usize;
    let mut strata: Vec<u32> = (0..worlds).collect();
    // Fisher–Yates, drawing the same numbers on every platform.
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i);
        strata.swap(i, j);
    }
    strata
        .into_iter()
        .map(|s| (s as f64 + rng.random::<f64>()) / n as f64)
        .collect()
}

/// World `world`'s quantile in column `key` (the whole column is drawn: callers that need many
/// worlds use [`UncertainScenario::sample_all`]).
fn latin_quantile(seed: u64, worlds: u32, world: u32, key: &str) -> f64 {
    latin_column(seed, worlds, key)[world as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inherit::{parse_scenario, parse_uncertain_scenario};

    fn embedded() -> &'static str {
        gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO)
            .expect("embedded")
            .source
    }

    /// The default scenario with every distribution replaced by its central value.
    fn source() -> String {
        let text = embedded();
        let locations = Locations::scan(text);
        let parsed: Vec<_> = locations
            .calls()
            .iter()
            .map(|c| {
                let (d, f) = parse_call(c).expect("shipped distributions are valid");
                (c, d, f)
            })
            .collect();
        substitute_centrals(text, &parsed)
    }

    /// The point scenario with `field: old` replaced by `field: new` (first occurrence).
    fn with(field_line: &str, replacement: &str) -> String {
        let s = source();
        assert!(s.contains(field_line), "{field_line}");
        s.replacen(field_line, replacement, 1)
    }

    #[test]
    fn a_scenario_without_distributions_parses_as_before() {
        let u = parse_uncertain_scenario("x.ron", &source()).expect("valid");
        assert!(u.is_certain());
        assert_eq!(*u.central, parse_scenario("x.ron", &source()).unwrap());
        // The shipped scenario's central values are its point values.
        let shipped = parse_uncertain_scenario("x.ron", embedded()).expect("valid");
        assert!(!shipped.is_certain());
        assert_eq!(*shipped.central, *u.central);
    }

    #[test]
    fn a_fractional_central_value_on_an_integer_field_is_explained() {
        let text = with("horizon_months: 120,", "horizon_months: uniform(100, 125),");
        let err = parse_uncertain_scenario("x.ron", &text).unwrap_err();
        let e = &err.0[0];
        assert_eq!(e.path, "horizon_months");
        assert!(e.message.contains("112.5 is not a whole number"), "{e}");
    }

    #[test]
    fn integer_fields_take_whole_numbers() {
        let text = with(
            "horizon_months: 120,",
            "horizon_months: choice([120, 96, 144]),",
        );
        let u = parse_uncertain_scenario("x.ron", &text).expect("valid");
        assert!(u.uncertainties[0].integer);
        assert_eq!(u.central.horizon_months, 120);
        let months: Vec<u32> = (0..30)
            .map(|w| u.world(1, 30, w).unwrap().0.horizon_months)
            .collect();
        assert!(
            months.iter().all(|m| [96, 120, 144].contains(m)),
            "{months:?}"
        );
        assert!(months.contains(&96) && months.contains(&144));
    }

    #[test]
    fn the_central_value_is_played_and_positions_do_not_move() {
        let text = with("utilisation: 0.4,", "utilisation: uniform(0.3, 0.5),");
        let u = parse_uncertain_scenario("x.ron", &text).expect("valid");
        assert_eq!(u.uncertainties.len(), 1);
        assert_eq!(u.uncertainties[0].path, "global.utilisation");
        assert!((u.central.global.utilisation - 0.4).abs() < 1e-15);
        // An error after the distribution still points at the right column.
        let bad = text.replacen("horizon_months: 120", "horizon_months: 0", 1);
        let err = parse_uncertain_scenario("x.ron", &bad)
            .unwrap_err()
            .to_string();
        let plain = source().replacen("horizon_months: 120", "horizon_months: 0", 1);
        let plain_err = parse_scenario("x.ron", &plain).unwrap_err().to_string();
        assert_eq!(err, plain_err);
    }

    #[test]
    fn bad_distributions_are_errors_at_their_position() {
        for (written, expect) in [
            ("uniform(0.5, 0.3)", "needs low < high"),
            ("uniform(0.3)", "takes 2 numbers"),
            ("log_uniform(0.0, 0.5)", "must be positive"),
            ("normal(0.4, -1)", "spread must be positive"),
            ("triangular(0.5, 0.2, 0.6)", "low ≤ mode ≤ high"),
            ("choice(0.3, 0.4)", "as a list"),
            ("uniform(0.3, NaN)", "not a finite number"),
            ("uniform(0.5, 1.5)", "outside the field's valid range"),
            ("uniform(0.3, 0.5, factor: capex)", "must be a string"),
        ] {
            let text = with("utilisation: 0.4,", &format!("utilisation: {written},"));
            let err = parse_uncertain_scenario("x.ron", &text).unwrap_err();
            let e = &err.0[0];
            let line = text[..text.find(written).unwrap()].lines().count();
            assert_eq!(e.line, line, "{written}: {e}");
            assert_eq!(e.path, "global.utilisation", "{written}: {e}");
            assert!(e.message.contains(expect), "{written}: {e}");
        }
    }

    #[test]
    fn normals_are_truncated_to_the_valid_range() {
        // Utilisation is a share: a wide normal around 0.4 must stay inside (0, 1].
        let text = with("utilisation: 0.4,", "utilisation: normal(0.4, 0.5),");
        let u = parse_uncertain_scenario("x.ron", &text).expect("valid");
        let (low, high) = u.uncertainties[0].distribution.support();
        assert!(
            (0.0..0.01).contains(&low) && (0.99..=1.0).contains(&high),
            "{low} {high}"
        );
        for row in u.sample_all(3, 500).unwrap() {
            assert!(u.with_values(&row).is_ok(), "{row:?}");
        }
    }

    #[test]
    fn strata_are_latin_and_runs_are_reproducible() {
        let n = 257;
        let column = latin_column(9, n, "global.utilisation");
        let mut hit = vec![0; n as usize];
        for q in &column {
            assert!((0.0..1.0).contains(q));
            hit[(q * n as f64) as usize] += 1;
        }
        assert!(hit.iter().all(|&h| h == 1), "each stratum once");
        assert_eq!(column, latin_column(9, n, "global.utilisation"));
        assert_ne!(column, latin_column(10, n, "global.utilisation"));
        assert_ne!(column, latin_column(9, n, "global.software_returns"));
    }

    /// Kolmogorov–Smirnov distance of 4,000 Latin-hypercube draws from each distribution's CDF:
    /// with stratified draws it is at most ~1/N plus the quantile functions' error.
    #[test]
    fn draws_follow_their_distributions() {
        let n = 4_000;
        let column = latin_column(1, n, "k");
        for d in [
            Distribution::Uniform {
                low: 2.0,
                high: 5.0,
            },
            Distribution::LogUniform {
                low: 0.01,
                high: 100.0,
            },
            Distribution::Normal {
                mean: 1.0,
                sd: 2.0,
                low: -1.0,
                high: f64::INFINITY,
            },
            Distribution::LogNormal {
                median: 3.0,
                sigma: 0.7,
                low: 0.0,
                high: 20.0,
            },
            Distribution::Triangular {
                low: 0.0,
                mode: 0.2,
                high: 1.0,
            },
            Distribution::Choice(vec![1.0, 2.0, 4.0]),
        ] {
            let mut xs: Vec<f64> = column.iter().map(|&q| d.quantile(q)).collect();
            xs.sort_by(f64::total_cmp);
            let (lo, hi) = d.support();
            assert!(xs[0] >= lo && xs[xs.len() - 1] <= hi, "{d:?}");
            if matches!(d, Distribution::Choice(_)) {
                let ones = xs.iter().filter(|&&x| x == 1.0).count() as f64 / n as f64;
                assert!((ones - 1.0 / 3.0).abs() < 1e-3, "{d:?} {ones}");
                continue;
            }
            let ks = xs
                .iter()
                .enumerate()
                .map(|(i, &x)| {
                    let f = d.cdf(x);
                    (f - i as f64 / n as f64)
                        .abs()
                        .max((f - (i + 1) as f64 / n as f64).abs())
                })
                .fold(0.0, f64::max);
            assert!(ks < 2e-3, "{d:?}: KS distance {ks}");
        }
    }

    #[test]
    fn normal_functions_match_tables() {
        // Φ(1.96) = 0.975002, Φ(-1) = 0.158655, Φ⁻¹(0.975) = 1.959964 (standard tables).
        assert!((normal_cdf(1.96) - 0.975_002).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158_655).abs() < 1e-6);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-6);
        for p in [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999_999] {
            assert!(
                (normal_cdf(normal_quantile(p)) - p).abs() < 1e-6 * p.max(1e-3),
                "{p}"
            );
        }
    }

    #[test]
    fn factors_tie_fields_together() {
        let text = with(
            "utilisation: 0.4,",
            "utilisation: uniform(0.3, 0.5, factor: \"f\"),",
        )
        .replacen(
            "datacenter_pue: 1.2,",
            "datacenter_pue: uniform(1.1, 1.4, factor: \"-f\"),",
            1,
        );
        let u = parse_uncertain_scenario("x.ron", &text).expect("valid");
        assert_eq!(u.uncertainties.len(), 2, "{:?}", u.uncertainties);
        for row in u.sample_all(5, 100).unwrap() {
            let a = (row[0] - 0.3) / 0.2;
            let b = (row[1] - 1.1) / 0.3;
            assert!((a + b - 1.0).abs() < 1e-9, "{row:?}");
        }
    }

    #[test]
    fn one_world_equals_its_row_of_the_whole_run() {
        let text = with(
            "utilisation: 0.4,",
            "utilisation: triangular(0.3, 0.4, 0.6),",
        );
        let u = parse_uncertain_scenario("x.ron", &text).expect("valid");
        let all = u.sample_all(7, 50).unwrap();
        for w in [0u32, 13, 49] {
            assert_eq!(u.sample(7, 50, w).unwrap(), all[w as usize]);
            let (s, values) = u.world(7, 50, w).unwrap();
            assert_eq!(s.global.utilisation, values[0]);
        }
        assert!(u.sample(7, 50, 50).is_err());
        assert!(u.sample(7, 0, 0).is_err());
    }
}

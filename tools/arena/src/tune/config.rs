//! The tuning configuration (`config.ron`) and its validation against the registry: which strategy,
//! which parameters within which bounds, against whom, on which scenarios and seats, with which
//! optimiser and budget, and how many fresh seeds guard against the winner's curse.

use std::path::Path;
use std::sync::Arc;

use crate::error::{Result, invalid};
use gigawatt_agents::params::ParamInfo;
use gigawatt_agents::spec::{self, format_number};
use gigawatt_engine::uncertainty::MAX_WORLDS;
use gigawatt_engine::{Scenario, UncertainScenario};
use serde::{Deserialize, Serialize};

use crate::inputs::{load_uncertain_scenario, spec_text};

/// Everything that defines a tuning run's results. Written as `config.ron` beside them; `--resume`
/// refuses a directory made under another configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TuneConfig {
    /// The strategy to tune: a registry name (normally `parametric`), optionally with parameters
    /// held fixed (`balanced(dereg_month: 24)`). Its own values are the baseline ("default").
    pub strategy: String,
    /// The parameters searched, each within bounds inside its declared range.
    pub space: Vec<Dimension>,
    /// The opponents every candidate plays against (specs or spec files).
    pub pool: Vec<String>,
    /// Opponents never seen during the search, played only in the final report.
    #[serde(default)]
    pub held_out: Vec<String>,
    /// Embedded scenario names or scenario files.
    pub scenarios: Vec<String>,
    /// Nation ids the tuned strategy plays (each against every opponent); empty: every seat.
    #[serde(default)]
    pub seats: Vec<String>,
    /// World seeds per evaluation (the same seeds for every candidate of a generation).
    pub seeds: u64,
    pub optimiser: OptimiserConfig,
    /// Best candidates of the search re-evaluated on fresh seeds.
    pub finalists: usize,
    /// Fresh seeds (never used in the search) for the finalists.
    pub finalist_seeds: u64,
    /// Seeds for the final report, used nowhere else.
    pub held_out_seeds: u64,
    /// Months per game (None: each scenario's horizon).
    #[serde(default)]
    pub months: Option<u32>,
    /// The master seed every world seed and the optimiser's random stream derive from.
    #[serde(default)]
    pub seed: u64,
    /// Tune over N worlds sampled from the scenarios' distributions (Latin hypercube on `seed` and
    /// N; the held-out report plays worlds drawn afresh); `None` (the default, and the value of
    /// every configuration written before the field existed): the scenarios' central values.
    #[serde(default)]
    pub worlds: Option<u32>,
}

/// One searched parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    /// Lower bound (inclusive).
    pub low: f64,
    /// Upper bound (inclusive).
    pub high: f64,
    #[serde(default)]
    pub scale: Scale,
    /// Whole numbers only (always so for parameters declared whole, such as months).
    #[serde(default)]
    pub integer: bool,
}

/// How the unit interval maps onto a parameter's bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[default]
    Linear,
    /// Geometric: equal steps multiply the value (bounds must be positive).
    Log,
}

/// The search algorithm and its budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum OptimiserConfig {
    /// CMA-ES: `evaluations` candidates in generations of `population`, starting at the centre of
    /// the box with step size `sigma` (in the unit box).
    Cmaes {
        evaluations: u64,
        population: usize,
        sigma: f64,
    },
    /// Uniform random search in the (scaled) box, `batch` candidates per generation.
    Random { evaluations: u64, batch: usize },
}

impl OptimiserConfig {
    pub fn name(&self) -> &'static str {
        match self {
            OptimiserConfig::Cmaes { .. } => "cmaes",
            OptimiserConfig::Random { .. } => "random",
        }
    }

    /// Candidates per generation.
    pub fn generation_size(&self) -> usize {
        match self {
            OptimiserConfig::Cmaes { population, .. } => *population,
            OptimiserConfig::Random { batch, .. } => *batch,
        }
    }

    /// The evaluations the search makes: CMA-ES plays whole generations (the budget rounded down
    /// to a multiple of the population); random search's last batch may be short.
    pub fn budget(&self) -> u64 {
        match self {
            OptimiserConfig::Cmaes {
                evaluations,
                population,
                ..
            } => evaluations / (*population).max(1) as u64 * *population as u64,
            OptimiserConfig::Random { evaluations, .. } => *evaluations,
        }
    }

    /// Generations the search makes.
    pub fn generations(&self) -> u64 {
        let size = self.generation_size().max(1) as u64;
        self.budget().div_ceil(size)
    }
}

/// A searched parameter, checked against its declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Dim {
    pub name: String,
    pub low: f64,
    pub high: f64,
    pub scale: Scale,
    pub integer: bool,
    pub info: ParamInfo,
}

/// Significant digits kept of real parameter values (specs stay readable; differences below this
/// are far inside the noise of a score).
pub const SIGNIFICANT_DIGITS: i32 = 4;

impl Dim {
    /// The parameter value at `u` in the unit interval: clamped to [0, 1], mapped through the bounds
    /// (geometrically for `log`), then rounded (to a whole number, or to
    /// [`SIGNIFICANT_DIGITS`]) and clamped to the bounds.
    pub fn value(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        let raw = match self.scale {
            Scale::Linear => self.low + u * (self.high - self.low),
            Scale::Log => (self.low.ln() + u * (self.high.ln() - self.low.ln())).exp(),
        };
        if self.integer {
            raw.round().clamp(self.low.ceil(), self.high.floor())
        } else {
            round_significant(raw, SIGNIFICANT_DIGITS).clamp(self.low, self.high)
        }
    }
}

/// `x` rounded to `digits` significant digits.
pub fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let d = digits - 1 - x.abs().log10().floor() as i32;
    if d >= 0 {
        let f = 10f64.powi(d);
        (x * f).round() / f
    } else {
        let f = 10f64.powi(-d);
        (x / f).round() * f
    }
}

/// A configuration checked against the registry and the scenarios: everything a run needs.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The strategy's registry name.
    pub base: String,
    /// Parameters held fixed by the `strategy` spec, in the order given.
    pub fixed: Vec<(String, f64)>,
    pub dims: Vec<Dim>,
    /// The baseline: the `strategy` spec as given, canonical.
    pub default_spec: String,
    /// Canonical opponent specs.
    pub pool: Vec<String>,
    pub held_out: Vec<String>,
    /// The scenarios at their central values.
    pub scenarios: Vec<Arc<Scenario>>,
    /// The same scenarios with their distributions (sampled when `worlds` is set).
    pub uncertain: Vec<Arc<UncertainScenario>>,
    /// Seat indices the tuned strategy plays, per scenario.
    pub seats: Vec<Vec<usize>>,
}

impl Resolved {
    /// The parameter values at `point` (one coordinate per dimension, in the unit box).
    pub fn values(&self, point: &[f64]) -> Vec<f64> {
        self.dims
            .iter()
            .zip(point)
            .map(|(d, &u)| d.value(u))
            .collect()
    }

    /// The canonical spec of the strategy with `values` for the searched parameters.
    pub fn spec(&self, values: &[f64]) -> Result<String> {
        let args: Vec<String> = self
            .fixed
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .chain(
                self.dims
                    .iter()
                    .map(|d| d.name.as_str())
                    .zip(values.iter().copied()),
            )
            .map(|(k, v)| format!("{k}: {}", format_number(v)))
            .collect();
        let text = format!("{}({})", self.base, args.join(", "));
        gigawatt_agents::check(&text).map_err(|e| invalid!("candidate `{text}`: {e}"))
    }
}

/// Most evaluations a tuning run may make: far beyond any useful search (a CMA-ES run converges in
/// hundreds to thousands), and small enough that a typo such as `u64::MAX` is refused rather than
/// run without end.
pub const MAX_EVALUATIONS: u64 = 1_000_000;
/// Most seeds per evaluation, for the finalists, or held out.
pub const MAX_SEEDS: u64 = 1_000_000;

/// Read a configuration file; syntax errors and unknown fields name the file, line and column.
pub fn read(path: &Path) -> Result<TuneConfig> {
    let text = crate::inputs::read_text_bounded(path, crate::inputs::MAX_SCENARIO_FILE_BYTES)
        .map_err(|e| invalid!("cannot read tuning configuration {}: {e}", path.display()))?;
    parse(&text).map_err(|e| invalid!("{}:{e}", path.display()))
}

/// Parse configuration text; an error reads `LINE:COL: message`.
pub fn parse(text: &str) -> Result<TuneConfig> {
    ron::from_str::<TuneConfig>(text).map_err(|e| invalid!("{}: {}", e.span.start, e.code))
}

/// The configuration as RON, as written to `config.ron`.
pub fn pretty(config: &TuneConfig) -> String {
    ron::ser::to_string_pretty(config, ron::ser::PrettyConfig::default())
        .unwrap_or_else(|e| format!("{config:?} ({e})"))
}

/// Canonical spec of a strategy argument (a spec or a spec file).
fn canonical(what: &str, arg: &str) -> Result<String, String> {
    let text = spec_text(arg)
        .map_err(|e| format!("{what} `{arg}`: cannot read strategy spec file: {e}"))?;
    gigawatt_agents::check(&text).map_err(|e| format!("{what} `{arg}`: {e}"))
}

fn describe_params(infos: &[ParamInfo]) -> String {
    infos
        .iter()
        .map(|p| format!("{} ({})", p.name, p.range()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Check a configuration against the registry and the scenarios. Every problem found is listed,
/// one per line.
pub fn resolve(config: &TuneConfig) -> Result<Resolved> {
    let mut problems: Vec<String> = Vec::new();

    // The strategy and its parameters.
    let mut base = String::new();
    let mut fixed: Vec<(String, f64)> = Vec::new();
    let mut infos: Vec<ParamInfo> = Vec::new();
    let mut default_spec = String::new();
    match gigawatt_agents::check(&config.strategy) {
        Err(e) => problems.push(format!("strategy `{}`: {e}", config.strategy)),
        Ok(canonical) => {
            default_spec = canonical;
            let parsed = spec::parse(&config.strategy)?;
            base = parsed.name.clone();
            if let Some(args) = parsed.args.as_deref() {
                fixed = spec::numeric_args(&config.strategy, args)?;
            }
            let info = gigawatt_agents::info(&base).expect("a strategy that builds is listed");
            infos = info.params();
            if infos.is_empty() {
                problems.push(format!(
                    "strategy `{base}` has no numeric parameters to tune (tunable: {})",
                    gigawatt_agents::strategies()
                        .iter()
                        .filter(|s| !s.params().is_empty())
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }

    // The search space.
    let mut dims: Vec<Dim> = Vec::new();
    if config.space.is_empty() {
        problems.push(if infos.is_empty() {
            "space is empty: name at least one parameter to tune".to_string()
        } else {
            format!(
                "space is empty: name at least one parameter of `{base}` to tune; its parameters: {}",
                describe_params(&infos)
            )
        });
    }
    for (i, d) in config.space.iter().enumerate() {
        let at = format!("space[{i}] `{}`", d.name);
        if config.space[..i].iter().any(|e| e.name == d.name) {
            problems.push(format!("{at}: the parameter is searched twice"));
            continue;
        }
        let Some(info) = infos.iter().find(|p| p.name == d.name) else {
            if !infos.is_empty() {
                problems.push(format!(
                    "{at}: `{base}` has no parameter `{}`; its parameters: {}",
                    d.name,
                    describe_params(&infos)
                ));
            }
            continue;
        };
        if fixed.iter().any(|(k, _)| *k == d.name) {
            problems.push(format!(
                "{at}: the parameter is fixed by the strategy spec `{}`; search it or fix it, not both",
                config.strategy
            ));
        }
        if !d.low.is_finite() || !d.high.is_finite() {
            problems.push(format!("{at}: bounds must be finite numbers"));
            continue;
        }
        if d.low >= d.high {
            problems.push(format!(
                "{at}: inverted bounds: low {} is not below high {}",
                format_number(d.low),
                format_number(d.high)
            ));
            continue;
        }
        if d.low < info.min || d.high > info.max {
            problems.push(format!(
                "{at}: bounds {}..={} are outside the parameter's range {}",
                format_number(d.low),
                format_number(d.high),
                info.range()
            ));
            continue;
        }
        if d.scale == Scale::Log && d.low <= 0.0 {
            problems.push(format!(
                "{at}: log scale needs a positive low bound, not {}",
                format_number(d.low)
            ));
            continue;
        }
        let integer = d.integer || info.integer;
        if integer && d.low.ceil() > d.high.floor() {
            problems.push(format!(
                "{at}: no whole number lies within {}..={}",
                format_number(d.low),
                format_number(d.high)
            ));
            continue;
        }
        dims.push(Dim {
            name: d.name.clone(),
            low: d.low,
            high: d.high,
            scale: d.scale,
            integer,
            info: *info,
        });
    }

    // Opponents.
    if config.pool.is_empty() {
        problems.push("pool is empty: name at least one opponent".to_string());
    }
    let mut specs = |what: &str, list: &[String]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for arg in list {
            match canonical(what, arg) {
                Ok(s) if out.contains(&s) => {
                    problems.push(format!("{what} `{arg}` is listed twice (as `{s}`)"))
                }
                Ok(s) => out.push(s),
                Err(e) => problems.push(e),
            }
        }
        out
    };
    let pool = specs("pool", &config.pool);
    let held_out = specs("held_out", &config.held_out);
    for s in &held_out {
        if pool.contains(s) {
            problems.push(format!(
                "held_out `{s}` is also in the pool: held-out opponents must be unseen"
            ));
        }
    }

    // Scenarios and seats.
    if config.scenarios.is_empty() {
        problems.push("scenarios is empty: name at least one scenario".to_string());
    }
    let mut scenarios: Vec<Arc<Scenario>> = Vec::new();
    let mut uncertain: Vec<Arc<UncertainScenario>> = Vec::new();
    for s in &config.scenarios {
        match load_uncertain_scenario(s) {
            Ok(u) => {
                scenarios.push(u.central.clone());
                uncertain.push(u);
            }
            Err(e) => problems.push(format!("scenarios: {e}")),
        }
    }
    let mut seats: Vec<Vec<usize>> = Vec::new();
    for sc in &scenarios {
        let ids: Vec<&str> = sc.nations.iter().map(|n| n.id.as_str()).collect();
        if config.seats.is_empty() {
            seats.push((0..ids.len()).collect());
            continue;
        }
        let mut mine = Vec::new();
        for id in &config.seats {
            match ids.iter().position(|n| n == id) {
                Some(k) if mine.contains(&k) => {
                    problems.push(format!("seats: `{id}` is listed twice"))
                }
                Some(k) => mine.push(k),
                None => problems.push(format!(
                    "seats: scenario `{}` has no nation `{id}`; its nations: {}",
                    sc.name,
                    ids.join(", ")
                )),
            }
        }
        seats.push(mine);
    }

    // Budgets.
    if config.seeds == 0 {
        problems.push("seeds must be at least 1".to_string());
    }
    if config.finalists == 0 {
        problems.push("finalists must be at least 1".to_string());
    }
    if config.finalist_seeds == 0 {
        problems.push("finalist_seeds must be at least 1".to_string());
    }
    if config.held_out_seeds < 2 {
        problems.push("held_out_seeds must be at least 2 (for a confidence interval)".to_string());
    }
    if let Some(n) = config.worlds {
        if n == 0 || n > MAX_WORLDS {
            problems.push(format!(
                "worlds must be 1..={MAX_WORLDS} (or None for the scenarios' central values), not {n}"
            ));
        }
        if config.held_out_seeds > u64::from(MAX_WORLDS) {
            problems.push(format!(
                "held_out_seeds must be at most {MAX_WORLDS} with worlds (each plays its own world)"
            ));
        }
        for u in &uncertain {
            if u.is_certain() {
                problems.push(format!(
                    "worlds: scenario `{}` declares no distributions, so its sampled worlds would \
                     all be the same; write some of its numbers as distributions (see \
                     docs/uncertainty.md) or set `worlds: None`",
                    u.central.name
                ));
            }
        }
    }
    if config.months == Some(0) {
        problems.push("months must be at least 1 (or None for the scenario's horizon)".to_string());
    }
    let evaluations = match &config.optimiser {
        OptimiserConfig::Cmaes { evaluations, .. }
        | OptimiserConfig::Random { evaluations, .. } => *evaluations,
    };
    if evaluations > MAX_EVALUATIONS {
        problems.push(format!(
            "optimiser: {evaluations} evaluations is more than the {MAX_EVALUATIONS} a tuning run may make (each plays seeds × opponents games)"
        ));
    }
    for (name, seeds) in [
        ("seeds", config.seeds),
        ("finalist_seeds", config.finalist_seeds),
        ("held_out_seeds", config.held_out_seeds),
    ] {
        if seeds > MAX_SEEDS {
            problems.push(format!(
                "{name}: {seeds} is more than the {MAX_SEEDS} seeds a tuning run may use"
            ));
        }
    }
    match &config.optimiser {
        OptimiserConfig::Cmaes {
            evaluations,
            population,
            sigma,
        } => {
            if *population < 2 {
                problems.push("optimiser: cmaes population must be at least 2".to_string());
            } else if *evaluations < *population as u64 {
                problems.push(format!(
                    "optimiser: cmaes needs at least one generation: evaluations {evaluations} < population {population}"
                ));
            }
            if !(sigma.is_finite() && *sigma > 0.0) {
                problems.push(format!(
                    "optimiser: cmaes sigma must be positive (a step in the unit box, e.g. 0.3), not {sigma}"
                ));
            }
        }
        OptimiserConfig::Random { evaluations, batch } => {
            if *evaluations == 0 {
                problems.push("optimiser: random evaluations must be at least 1".to_string());
            }
            if *batch == 0 {
                problems.push("optimiser: random batch must be at least 1".to_string());
            }
        }
    }

    if !problems.is_empty() {
        let n = problems.len();
        return Err(invalid!(
            "invalid tuning configuration ({n} problem{}):\n  - {}",
            if n == 1 { "" } else { "s" },
            problems.join("\n  - ")
        ));
    }
    Ok(Resolved {
        base,
        fixed,
        dims,
        default_spec,
        pool,
        held_out,
        scenarios,
        uncertain,
        seats,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const EXAMPLE: &str = r#"(
        strategy: "parametric",
        space: [
            (name: "compute_share", low: 0.3, high: 0.95),
            (name: "dereg_month", low: 1, high: 120, scale: log),
        ],
        pool: ["status-quo", "builder"],
        held_out: ["driller"],
        scenarios: ["us-china-2025"],
        seeds: 2,
        optimiser: cmaes(evaluations: 16, population: 8, sigma: 0.3),
        finalists: 2,
        finalist_seeds: 2,
        held_out_seeds: 4,
        months: Some(24),
        seed: 7,
    )"#;

    fn with(edit: impl Fn(&mut TuneConfig)) -> String {
        let mut config = parse(EXAMPLE).expect("example parses");
        edit(&mut config);
        resolve(&config).expect_err("invalid").to_string()
    }

    #[test]
    fn the_example_resolves_and_round_trips() {
        let config = parse(EXAMPLE).expect("parses");
        let resolved = resolve(&config).expect("valid");
        assert_eq!(resolved.dims.len(), 2);
        assert!(resolved.dims[1].integer, "months are whole");
        assert_eq!(resolved.seats, vec![vec![0, 1]]);
        assert_eq!(resolved.default_spec, "parametric");
        assert_eq!(parse(&pretty(&config)).expect("reparses"), config);
        assert_eq!(config.optimiser.generations(), 2);
    }

    #[test]
    fn bad_configurations_name_the_problem() {
        let e = with(|c| c.space.clear());
        assert!(
            e.contains("space is empty") && e.contains("compute_share"),
            "{e}"
        );
        let e = with(|c| c.space[0].low = 0.99);
        assert!(
            e.contains("inverted bounds") && e.contains("compute_share"),
            "{e}"
        );
        let e = with(|c| c.space[0].name = "gas".into());
        assert!(
            e.contains("no parameter `gas`") && e.contains("gas_share (0..=1)"),
            "{e}"
        );
        let e = with(|c| c.strategy = "bogus".into());
        assert!(e.contains("unknown strategy `bogus`"), "{e}");
        let e = with(|c| c.space[0].high = 1.5);
        assert!(e.contains("outside the parameter's range 0..=1"), "{e}");
        let e = with(|c| c.space[1].low = 0.0);
        assert!(e.contains("positive low bound"), "{e}");
        let e = with(|c| c.seats = vec!["eu".into()]);
        assert!(
            e.contains("no nation `eu`") && e.contains("usa, chn"),
            "{e}"
        );
        let e = with(|c| c.held_out = vec!["builder".into()]);
        assert!(e.contains("also in the pool"), "{e}");
        // Budgets that would never end are refused, not run.
        let e = with(|c| {
            c.optimiser = OptimiserConfig::Cmaes {
                evaluations: u64::MAX,
                population: 8,
                sigma: 0.3,
            }
        });
        assert!(e.contains("more than the 1000000"), "{e}");
        let e = with(|c| c.seeds = MAX_SEEDS + 1);
        assert!(e.contains("seeds: 1000001 is more than"), "{e}");
        assert!(
            resolve(&{
                let mut c = parse(EXAMPLE).unwrap();
                c.optimiser = OptimiserConfig::Random {
                    evaluations: MAX_EVALUATIONS,
                    batch: 8,
                };
                c
            })
            .is_ok(),
            "the limit itself is allowed"
        );
        // Several problems at once are all listed.
        let e = with(|c| {
            c.space[0].low = 0.99;
            c.pool.clear();
        });
        assert!(
            e.contains("2 problems") && e.contains("pool is empty"),
            "{e}"
        );
    }

    #[test]
    fn worlds_default_to_none_and_are_checked() {
        // Configurations written before the field existed read as no worlds.
        let config = parse(EXAMPLE).expect("parses");
        assert_eq!(config.worlds, None);
        let with_worlds = parse(&EXAMPLE.replace("seed: 7,", "seed: 7, worlds: Some(6),"))
            .expect("parses with worlds");
        assert_eq!(with_worlds.worlds, Some(6));
        assert_eq!(parse(&pretty(&with_worlds)).expect("reparses"), with_worlds);
        let resolved = resolve(&with_worlds).expect("valid");
        assert_eq!(resolved.uncertain.len(), 1);
        assert!(!resolved.uncertain[0].is_certain());
        assert_eq!(resolved.scenarios[0], resolved.uncertain[0].central);
        let e = with(|c| c.worlds = Some(0));
        assert!(e.contains("worlds must be 1..="), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused_with_their_position() {
        let text = EXAMPLE.replace("seeds: 2,", "seeds: 2, sedes: 3,");
        let e = parse(&text).expect_err("unknown field").to_string();
        assert!(e.contains("sedes") && e.starts_with("10:"), "{e}");
    }

    #[test]
    fn values_map_through_the_bounds_and_round() {
        let info = gigawatt_agents::doctrine::PARAMS[7]; // dereg_month
        let d = Dim {
            name: "dereg_month".into(),
            low: 1.0,
            high: 100.0,
            scale: Scale::Log,
            integer: true,
            info,
        };
        assert_eq!(d.value(0.0), 1.0);
        assert_eq!(d.value(0.5), 10.0);
        assert_eq!(d.value(1.0), 100.0);
        assert_eq!(d.value(-3.0), 1.0);
        assert_eq!(d.value(7.0), 100.0);
        let share = Dim {
            name: "compute_share".into(),
            low: 0.2,
            high: 0.9,
            scale: Scale::Linear,
            integer: false,
            info: gigawatt_agents::doctrine::PARAMS[1],
        };
        assert_eq!(share.value(0.123456789), 0.2864);
        assert_eq!(round_significant(12345.0, 4), 12350.0);
        assert_eq!(round_significant(-0.000123456, 4), -0.0001235);
    }
}

//! Parsing and validation of scenario files.
//!
//! [`parse_scenario`] reads RON into a [`Scenario`] and then checks it. Every error names the file,
//! the line and column, and the field path, e.g.
//!
//! ```text
//! data/x.ron:12:25: nations[1].plants.coal.capex_usd_per_kw: must be positive (got -5)
//! ```
//!
//! - A syntax or type error (unknown or missing field, unknown plant kind, a string where a number
//!   belongs, trailing characters) stops parsing: one error, at ron's position (a type error at the
//!   start of the offending value), the path tracked by `serde_path_to_error`.
//! - Once the text parses, [`validate`] checks the values (ranges, finiteness) and the structure
//!   (ids, references, shares that must add up) and reports *all* problems; their positions come
//!   from scanning the text with [`crate::ron_locate`].
//!
//! [`validate`] needs no text, so scenarios built in Rust can be checked the same way.

use crate::ron_locate::{self, Locations, Position, field_path, index_path};
use crate::scenario::{
    Global, MAX_HORIZON_MONTHS, NationPlantKind, NationSpec, PerKind, PlantKindGlobal,
    PolicyEffects, PolicyState, ScalingLaw, Scenario,
};

/// One problem in a scenario file.
///
/// `message` starts with the field path (when there is one), so that it reads on its own:
/// `nations[1].plants.coal.capex_usd_per_kw: must be positive (got -5)`. `path` holds the path
/// alone (empty for errors about the file as a whole, such as a syntax error before the first
/// field). Displayed as `FILE:LINE:COL: message`; lines and columns are 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub message: String,
}

impl ScenarioError {
    /// Builds an error whose message is `path: problem` (or `problem` when the path is empty).
    pub fn new(file: &str, line: usize, column: usize, path: &str, problem: &str) -> ScenarioError {
        let message = if path.is_empty() {
            problem.to_string()
        } else {
            format!("{path}: {problem}")
        };
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            path: path.to_string(),
            message,
        }
    }
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScenarioError {}

/// Every problem found in one scenario file, in the order they appear in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// [`crate::parse_scenario`] for a text without distributions.
pub(crate) fn parse_point_scenario(file: &str, source: &str) -> Result<Scenario, ScenarioErrors> {
    let scenario = deserialize(file, source).map_err(|e| ScenarioErrors(vec![e]))?;
    let problems = validate(&scenario);
    if problems.is_empty() {
        return Ok(scenario);
    }
    let locations = Locations::scan(source);
    let mut errors: Vec<ScenarioError> = problems
        .iter()
        .map(|(path, problem)| {
            let pos = locations.locate(path);
            ScenarioError::new(file, pos.line, pos.column, path, problem)
        })
        .collect();
    errors.sort_by_key(|e| (e.line, e.column));
    Err(ScenarioErrors(errors))
}

/// Deserializes with path tracking; rejects trailing characters.
fn deserialize(file: &str, source: &str) -> Result<Scenario, ScenarioError> {
    let mut de = ron::Deserializer::from_str(source).map_err(|e| {
        ScenarioError::new(
            file,
            e.span.start.line,
            e.span.start.col,
            "",
            &e.code.to_string(),
        )
    })?;
    let scenario = match serde_path_to_error::deserialize::<_, Scenario>(&mut de) {
        Ok(scenario) => scenario,
        Err(err) => {
            let path = path_string(err.path());
            let code = err.into_inner();
            let span = de.span_error(code.clone()).span;
            let ron_pos = Position {
                line: span.start.line,
                column: span.start.col,
            };
            let (path, pos, problem) = explain(source, path, ron_pos, &code);
            return Err(ScenarioError::new(
                file, pos.line, pos.column, &path, &problem,
            ));
        }
    };
    if let Err(code) = de.end() {
        // Point at the first trailing character (ron's span starts after the scenario).
        let consumed = source.len().saturating_sub(de.remainder().len());
        let pos = position_at(source, consumed);
        return Err(ScenarioError::new(
            file,
            pos.line,
            pos.column,
            "",
            &format!("{code} after the scenario"),
        ));
    }
    Ok(scenario)
}

/// 1-based position of the byte offset `offset` in `source`.
fn position_at(source: &str, offset: usize) -> Position {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    Position {
        line: before.matches('\n').count() + 1,
        column: before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
    }
}

/// `serde_path_to_error`'s path in our syntax: `nations[0].plants.coal`.
fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out = index_path(&out, *index),
            Segment::Map { key } => out = field_path(&out, key),
            Segment::Enum { variant } => out = field_path(&out, variant),
            Segment::Unknown => out = field_path(&out, UNKNOWN_SEGMENT),
        }
    }
    out
}

/// What `serde_path_to_error` records for a key it could not read.
const UNKNOWN_SEGMENT: &str = "?";

/// The path, position and message for a deserialization error.
///
/// - Unknown, missing and duplicate fields extend the path to the field and get a readable message
///   (with a suggestion for a misspelt field).
/// - An error about the type of a value points at the start of that value.
/// - A syntax error while reading the next field name (e.g. a missing comma) has no field path of
///   its own; it is attributed to the field written just before the error.
/// - Otherwise ron's position, moved past whitespace and comments.
fn explain(
    source: &str,
    mut path: String,
    ron_pos: Position,
    code: &ron::Error,
) -> (String, Position, String) {
    use ron::Error as E;
    fn list(names: &[&str]) -> String {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn last_segment(path: &str) -> &str {
        path.rsplit(['.', '[']).next().unwrap_or(path)
    }
    fn extend(path: &mut String, field: &str) {
        if last_segment(path) != field {
            *path = field_path(path, field);
        }
    }
    let locations = Locations::scan(source);
    let mut pos = ron_locate::skip_trivia(source, ron_pos);
    let problem = match code {
        E::NoSuchStructField {
            expected, found, ..
        } => {
            extend(&mut path, found);
            match closest(found, expected) {
                Some(near) if expected.len() > MAX_LISTED_FIELDS => {
                    format!("unknown field `{found}`; did you mean `{near}`?")
                }
                Some(near) => format!(
                    "unknown field `{found}`; did you mean `{near}`? Expected one of {}",
                    list(expected)
                ),
                None => format!(
                    "unknown field `{found}`; expected one of {}",
                    list(expected)
                ),
            }
        }
        E::MissingStructField { field, .. } => {
            extend(&mut path, field);
            format!("missing field `{field}`")
        }
        E::DuplicateStructField { field, .. } => {
            extend(&mut path, field);
            format!("duplicate field `{field}`")
        }
        E::NoSuchEnumVariant {
            expected, found, ..
        } => format!(
            "unknown variant `{found}`; expected one of {}",
            list(expected)
        ),
        E::ExpectedInteger
        | E::ExpectedFloat
        | E::ExpectedBoolean
        | E::ExpectedString
        | E::ExpectedChar
        | E::ExpectedArray
        | E::ExpectedMap
        | E::ExpectedOption
        | E::ExpectedUnit
        | E::ExpectedStructLike
        | E::ExpectedNamedStructLike(_)
        | E::ExpectedDifferentStructName { .. }
        | E::IntegerOutOfBounds
        | E::InvalidValueForType { .. }
        | E::ExpectedDifferentLength { .. }
        | E::Message(_) => {
            // About the value at `path`: point at its start when the scanner finds it on or
            // before the line ron stopped at.
            if let Some(at) = locations.value(&path).filter(|at| at.line <= pos.line) {
                pos = at;
            }
            code.to_string()
        }
        other => {
            if last_segment(&path) == UNKNOWN_SEGMENT {
                path = ron_locate::parent_path(&path).unwrap_or("").to_string();
                // The field written just before the error.
                let previous = locations
                    .iter()
                    .filter(|(p, at)| {
                        ron_locate::parent_path(p) == Some(path.as_str()) && *at < pos
                    })
                    .max_by_key(|&(_, at)| at);
                if let Some((p, _)) = previous {
                    path = p.to_string();
                }
            }
            other.to_string()
        }
    };
    (path, pos, problem)
}

/// Unknown-field messages list the expected fields only up to this many.
const MAX_LISTED_FIELDS: usize = 12;

/// The expected name closest to `found` by edit distance, if it is close enough to be a typo.
fn closest<'a>(found: &str, expected: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut diagonal = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let next = (diagonal + usize::from(ca != cb))
                    .min(row[j] + 1)
                    .min(row[j + 1] + 1);
                diagonal = row[j + 1];
                row[j + 1] = next;
            }
        }
        row[b.len()]
    }
    let limit = (found.chars().count() / 3).max(1);
    expected
        .iter()
        .map(|&e| (distance(found, e), e))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, e)| e)
}

/// What a number must satisfy. Every rule also requires a finite number.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    /// Any finite number.
    Finite,
    /// ≥ 0: quantities, stocks, costs, flows.
    NonNegative,
    /// > 0: where zero makes no sense (a divisor, a scale, a price).
    Positive,
    /// In [0, 1]: shares, fractions, probabilities.
    Share,
    /// In [0, 1): yearly fractional declines (1 would be everything gone in a year).
    Decline,
    /// > 0: multiplicative yearly growth factors (1 = no growth).
    GrowthFactor,
    /// > -1: yearly growth rates (0 = no growth, -1 = everything gone).
    GrowthRate,
    /// ≥ the bound.
    AtLeast(f64),
    /// In [lo, hi].
    Between(f64, f64),
}

impl Rule {
    /// `None` if `v` satisfies the rule, else the problem.
    fn check(self, v: f64) -> Option<String> {
        if !v.is_finite() {
            return Some(format!("must be a finite number (got {v})"));
        }
        let (ok, want) = match self {
            Rule::Finite => (true, String::new()),
            Rule::NonNegative => (v >= 0.0, "must not be negative".to_string()),
            Rule::Positive => (v > 0.0, "must be positive".to_string()),
            Rule::Share => (
                (0.0..=1.0).contains(&v),
                "must be a share between 0 and 1".to_string(),
            ),
            Rule::Decline => (
                (0.0..1.0).contains(&v),
                "must be a yearly decline of at least 0 and below 1".to_string(),
            ),
            Rule::GrowthFactor => (
                v > 0.0,
                "must be a growth factor above 0 (1 = no growth)".to_string(),
            ),
            Rule::GrowthRate => (
                v > -1.0,
                "must be a growth rate above -1 (0 = no growth)".to_string(),
            ),
            Rule::AtLeast(lo) => (v >= lo, format!("must be at least {lo}")),
            Rule::Between(lo, hi) => (
                (lo..=hi).contains(&v),
                format!("must be between {lo} and {hi}"),
            ),
        };
        (!ok).then(|| format!("{want} (got {v})"))
    }
}

/// Slack for sums of shares.
const SUM_TOLERANCE: f64 = 1e-9;

/// Checks a scenario's values and structure. Returns `(field path, problem)` for every failed
/// check, in field order (`nations[1].plants.coal.capex_usd_per_kw`, `must be positive (got -5)`);
/// empty if the scenario is valid.
pub fn validate(scenario: &Scenario) -> Vec<(String, String)> {
    let mut c = Checker::default();
    c.scenario(scenario);
    c.problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<(String, String)>,
    /// Every numeric field path checked (for the test that no field is forgotten).
    #[cfg(test)]
    visited: Vec<String>,
}

impl Checker {
    fn problem(&mut self, path: impl Into<String>, problem: impl Into<String>) {
        self.problems.push((path.into(), problem.into()));
    }

    /// Applies a table of `(field, value, rule)` under `parent`.
    fn table(&mut self, parent: &str, rows: &[(&str, f64, Rule)]) {
        for &(field, value, rule) in rows {
            let path = field_path(parent, field);
            if let Some(problem) = rule.check(value) {
                self.problem(path.clone(), problem);
            }
            #[cfg(test)]
            self.visited.push(path);
        }
    }

    fn scenario(&mut self, s: &Scenario) {
        use Rule::*;
        if s.name.trim().is_empty() {
            self.problem("name", "must not be empty");
        }
        self.table(
            "",
            &[
                ("start_year", f64::from(s.start_year), Finite),
                (
                    "horizon_months",
                    f64::from(s.horizon_months),
                    Between(1.0, f64::from(MAX_HORIZON_MONTHS)),
                ),
            ],
        );
        self.global("global", &s.global);
        self.chip_origins(s);
        self.per_kind("plant_kinds", &s.plant_kinds, Self::plant_kind_global);
        self.policies("policies", &s.policies);
        self.nations(s);
        self.labs(s);
    }

    fn global(&mut self, p: &str, g: &Global) {
        use Rule::*;
        self.table(
            p,
            &[
                // chips
                ("h100e_peak_flop_per_s", g.h100e_peak_flop_per_s, Positive),
                ("utilisation", g.utilisation, Share),
                ("chip_it_kw_per_h100e", g.chip_it_kw_per_h100e, Positive),
                (
                    "chip_kw_decline_per_year",
                    g.chip_kw_decline_per_year,
                    Decline,
                ),
                (
                    "chip_cost_usd_per_h100e",
                    g.chip_cost_usd_per_h100e,
                    Positive,
                ),
                (
                    "chip_cost_decline_per_year",
                    g.chip_cost_decline_per_year,
                    Decline,
                ),
                (
                    "chip_delivery_months",
                    f64::from(g.chip_delivery_months),
                    AtLeast(1.0),
                ),
                // At least a month: chips retire by whole months of age.
                (
                    "chip_lifetime_years",
                    g.chip_lifetime_years,
                    AtLeast(1.0 / 12.0),
                ),
                ("rest_of_world_h100e", g.rest_of_world_h100e, NonNegative),
                // datacenters
                (
                    "datacenter_capex_usd_per_mw",
                    g.datacenter_capex_usd_per_mw,
                    NonNegative,
                ),
                (
                    "datacenter_build_months",
                    f64::from(g.datacenter_build_months),
                    AtLeast(1.0),
                ),
                ("datacenter_pue", g.datacenter_pue, AtLeast(1.0)),
                // A premium, as a fraction of capex: may exceed 1.
                (
                    "behind_the_meter_capex_premium",
                    g.behind_the_meter_capex_premium,
                    NonNegative,
                ),
                (
                    "grid_adder_usd_per_mwh",
                    g.grid_adder_usd_per_mwh,
                    NonNegative,
                ),
                // training
                ("training_run_months", g.training_run_months, AtLeast(1.0)),
                (
                    "training_run_months_growth_per_year",
                    g.training_run_months_growth_per_year,
                    GrowthFactor,
                ),
                (
                    "max_training_run_months",
                    f64::from(g.max_training_run_months),
                    Between(1.0, 24.0),
                ),
                ("largest_run_share", g.largest_run_share, Share),
                (
                    "largest_run_share_growth_per_year",
                    g.largest_run_share_growth_per_year,
                    GrowthFactor,
                ),
                ("max_largest_run_share", g.max_largest_run_share, Share),
                // research
                (
                    "algorithmic_halving_months",
                    g.algorithmic_halving_months,
                    Positive,
                ),
                (
                    "initial_algorithmic_efficiency",
                    g.initial_algorithmic_efficiency,
                    Positive,
                ),
                (
                    "research_reference_usd_per_year",
                    g.research_reference_usd_per_year,
                    Positive,
                ),
                (
                    "research_reference_flop_per_month",
                    g.research_reference_flop_per_month,
                    Positive,
                ),
                ("research_labour_weight", g.research_labour_weight, Share),
                // The CES is undefined at 0; 50 is indistinguishable from perfect substitutes.
                (
                    "research_substitution_elasticity",
                    g.research_substitution_elasticity,
                    Between(0.01, 50.0),
                ),
                (
                    "research_parallelisation",
                    g.research_parallelisation,
                    Between(0.01, 1.0),
                ),
                ("software_returns", g.software_returns, Positive),
                // log10 of a multiplier over 2022 algorithms; 100 OOM is far past any estimate.
                (
                    "max_algorithmic_efficiency_oom",
                    g.max_algorithmic_efficiency_oom,
                    Between(0.0, 100.0),
                ),
                (
                    "lab_research_spend_per_month",
                    g.lab_research_spend_per_month,
                    Share,
                ),
                // data
                ("data_efficiency_share", g.data_efficiency_share, Share),
                (
                    "data_stock_growth_per_year",
                    g.data_stock_growth_per_year,
                    GrowthRate,
                ),
                (
                    "synthetic_data_compute_share",
                    g.synthetic_data_compute_share,
                    Share,
                ),
                (
                    "synthetic_flop_overhead",
                    g.synthetic_flop_overhead,
                    Positive,
                ),
                // test-time compute
                ("queries_per_month", g.queries_per_month, NonNegative),
                (
                    "queries_growth_per_year",
                    g.queries_growth_per_year,
                    GrowthFactor,
                ),
                ("tokens_per_query", g.tokens_per_query, Positive),
                (
                    "test_time_exchange_oom_per_train_oom",
                    g.test_time_exchange_oom_per_train_oom,
                    Positive,
                ),
                ("test_time_max_oom", g.test_time_max_oom, NonNegative),
                (
                    "test_time_training_oom_per_oom",
                    g.test_time_training_oom_per_oom,
                    NonNegative,
                ),
                (
                    "test_time_training_max_oom",
                    g.test_time_training_max_oom,
                    NonNegative,
                ),
                // capability and victory (log10 FLOP: any finite value)
                (
                    "asi_threshold_capability",
                    g.asi_threshold_capability,
                    Finite,
                ),
                ("automation_gap_oom", g.automation_gap_oom, Positive),
                // economy
                (
                    "revenue_usd_per_inference_flop",
                    g.revenue_usd_per_inference_flop,
                    NonNegative,
                ),
                (
                    "revenue_reference_capability",
                    g.revenue_reference_capability,
                    Finite,
                ),
                (
                    "revenue_capability_elasticity",
                    g.revenue_capability_elasticity,
                    Finite,
                ),
                ("revenue_lab_share", g.revenue_lab_share, Share),
            ],
        );
        if f64::from(g.max_training_run_months) < g.training_run_months {
            self.problem(
                field_path(p, "max_training_run_months"),
                format!(
                    "must be at least training_run_months ({}) (got {})",
                    g.training_run_months, g.max_training_run_months
                ),
            );
        }
        if g.largest_run_share > g.max_largest_run_share {
            self.problem(
                field_path(p, "largest_run_share"),
                format!(
                    "must be at most max_largest_run_share ({}) (got {})",
                    g.max_largest_run_share, g.largest_run_share
                ),
            );
        }
        if g.initial_algorithmic_efficiency.is_finite()
            && g.initial_algorithmic_efficiency > 0.0
            && g.initial_algorithmic_efficiency.log10() >= g.max_algorithmic_efficiency_oom
        {
            self.problem(
                field_path(p, "max_algorithmic_efficiency_oom"),
                format!(
                    "must be above log10(initial_algorithmic_efficiency) = {:.3} (got {})",
                    g.initial_algorithmic_efficiency.log10(),
                    g.max_algorithmic_efficiency_oom
                ),
            );
        }
        self.research_milestones(p, g);
        self.scaling_law(&field_path(p, "scaling_law"), &g.scaling_law);
    }

    /// Milestones from the lowest capability up: OOM below the threshold falling, multipliers at
    /// least 1 and never falling.
    fn research_milestones(&mut self, p: &str, g: &Global) {
        use Rule::*;
        let lp = field_path(p, "ai_research_multipliers");
        for (i, m) in g.ai_research_multipliers.iter().enumerate() {
            let ip = index_path(&lp, i);
            self.table(
                &ip,
                &[
                    ("below_threshold_oom", m.below_threshold_oom, NonNegative),
                    ("multiplier", m.multiplier, AtLeast(1.0)),
                ],
            );
            if i > 0 {
                let prev = &g.ai_research_multipliers[i - 1];
                if m.below_threshold_oom >= prev.below_threshold_oom {
                    self.problem(
                        field_path(&ip, "below_threshold_oom"),
                        format!(
                            "milestones go from the lowest capability up: must be below the previous one ({}) (got {})",
                            prev.below_threshold_oom, m.below_threshold_oom
                        ),
                    );
                }
                if m.multiplier < prev.multiplier {
                    self.problem(
                        field_path(&ip, "multiplier"),
                        format!(
                            "must be at least the previous milestone's ({}) (got {})",
                            prev.multiplier, m.multiplier
                        ),
                    );
                }
            }
        }
    }

    fn chip_origins(&mut self, s: &Scenario) {
        use Rule::*;
        let lp = "global.chip_origins";
        let ids = id_list(s.nations.iter().map(|n| n.id.as_str()));
        for (i, o) in s.global.chip_origins.iter().enumerate() {
            let p = index_path(lp, i);
            if o.id.trim().is_empty() {
                self.problem(field_path(&p, "id"), "must not be empty");
            } else if let Some(first) = s.global.chip_origins[..i].iter().position(|m| m.id == o.id)
            {
                self.problem(
                    field_path(&p, "id"),
                    format!("duplicate origin id `{}` (also {lp}[{first}])", o.id),
                );
            }
            self.table(
                &p,
                &[
                    (
                        "supply_h100e_per_year",
                        o.supply_h100e_per_year,
                        NonNegative,
                    ),
                    (
                        "supply_growth_per_year",
                        o.supply_growth_per_year,
                        GrowthFactor,
                    ),
                    (
                        "max_supply_h100e_per_year",
                        o.max_supply_h100e_per_year,
                        NonNegative,
                    ),
                    (
                        "max_supply_growth_per_year",
                        o.max_supply_growth_per_year,
                        GrowthFactor,
                    ),
                ],
            );
            let cp = field_path(&p, "controlled_by");
            for (j, id) in o.controlled_by.iter().enumerate() {
                if s.nation_index(id).is_none() {
                    self.problem(
                        index_path(&cp, j),
                        format!("unknown nation `{id}`; nations are {ids}"),
                    );
                }
            }
            let bp = field_path(&p, "buyers");
            let mut total = 0.0;
            for (j, b) in o.buyers.iter().enumerate() {
                let jp = index_path(&bp, j);
                if s.nation_index(&b.nation).is_none() {
                    self.problem(
                        field_path(&jp, "nation"),
                        format!("unknown nation `{}`; nations are {ids}", b.nation),
                    );
                } else if o.buyers[..j].iter().any(|c| c.nation == b.nation) {
                    self.problem(
                        field_path(&jp, "nation"),
                        format!("`{}` is listed twice", b.nation),
                    );
                }
                self.table(&jp, &[("share", b.share, Share)]);
                total += b.share;
            }
            if total > 1.0 + SUM_TOLERANCE {
                self.problem(
                    bp,
                    format!(
                        "the buyers' shares must sum to at most 1 (the rest goes to the rest of the world) (got {total})"
                    ),
                );
            }
        }
    }

    fn scaling_law(&mut self, p: &str, s: &ScalingLaw) {
        use Rule::*;
        self.table(
            p,
            &[
                ("e", s.e, Positive),
                ("a", s.a, Positive),
                ("b", s.b, Positive),
                ("alpha", s.alpha, Positive),
                ("beta", s.beta, Positive),
            ],
        );
    }

    fn per_kind<T>(
        &mut self,
        p: &str,
        per_kind: &PerKind<T>,
        mut f: impl FnMut(&mut Self, &str, &T),
    ) {
        for (kind, value) in per_kind.iter() {
            f(self, &field_path(p, kind.name()), value);
        }
    }

    fn plant_kind_global(&mut self, p: &str, k: &PlantKindGlobal) {
        use Rule::*;
        self.table(
            p,
            &[
                (
                    "fuel_cost_usd_per_mwh",
                    k.fuel_cost_usd_per_mwh,
                    NonNegative,
                ),
                (
                    "emissions_tco2_per_mwh",
                    k.emissions_tco2_per_mwh,
                    NonNegative,
                ),
                ("overrun_probability", k.overrun_probability, Share),
                // Mean overrun as a fraction of construction time: overruns of more than 100%
                // happen (nuclear), so only the sign is checked.
                (
                    "overrun_mean_fraction",
                    k.overrun_mean_fraction,
                    NonNegative,
                ),
                (
                    "mineral_control_capex_increase",
                    k.mineral_control_capex_increase,
                    NonNegative,
                ),
            ],
        );
    }

    fn policies(&mut self, p: &str, e: &PolicyEffects) {
        use Rule::*;
        self.table(
            p,
            &[
                (
                    "deregulated_permitting_fraction",
                    e.deregulated_permitting_fraction,
                    Share,
                ),
                (
                    "deregulated_construction_fraction",
                    e.deregulated_construction_fraction,
                    Share,
                ),
                (
                    "deregulated_overrun_multiplier",
                    e.deregulated_overrun_multiplier,
                    NonNegative,
                ),
                (
                    "accord_carbon_price_usd_per_tco2",
                    e.accord_carbon_price_usd_per_tco2,
                    NonNegative,
                ),
                ("drilling_gas_cost_cut", e.drilling_gas_cost_cut, Share),
                (
                    "drilling_lead_months",
                    f64::from(e.drilling_lead_months),
                    NonNegative,
                ),
                (
                    "export_control_leakage_share",
                    e.export_control_leakage_share,
                    Share,
                ),
                (
                    "mineral_control_chip_cost_increase",
                    e.mineral_control_chip_cost_increase,
                    NonNegative,
                ),
                (
                    "mineral_control_substitution_months",
                    f64::from(e.mineral_control_substitution_months),
                    NonNegative,
                ),
                (
                    "queue_reform_study_speedup",
                    e.queue_reform_study_speedup,
                    AtLeast(1.0),
                ),
                (
                    "queue_reform_lead_months",
                    f64::from(e.queue_reform_lead_months),
                    NonNegative,
                ),
                (
                    "export_control_lost_sales_usd_per_year",
                    e.export_control_lost_sales_usd_per_year,
                    NonNegative,
                ),
                (
                    "grid_expansion_capex_usd_per_mw_month",
                    e.grid_expansion_capex_usd_per_mw_month,
                    NonNegative,
                ),
                (
                    "grid_expansion_lead_months",
                    f64::from(e.grid_expansion_lead_months),
                    NonNegative,
                ),
                ("max_subsidy_share", e.max_subsidy_share, Share),
            ],
        );
    }

    fn nations(&mut self, s: &Scenario) {
        if s.nations.is_empty() {
            self.problem("nations", "a scenario needs at least one nation");
        }
        let ids = id_list(s.nations.iter().map(|n| n.id.as_str()));
        for (i, n) in s.nations.iter().enumerate() {
            let p = index_path("nations", i);
            if n.id.trim().is_empty() {
                self.problem(field_path(&p, "id"), "must not be empty");
            } else if let Some(first) = s.nations[..i].iter().position(|m| m.id == n.id) {
                self.problem(
                    field_path(&p, "id"),
                    format!("duplicate nation id `{}` (also nations[{first}])", n.id),
                );
            }
            self.nation(&p, n, s);
            if !n.id.is_empty() && !s.labs.iter().any(|l| l.nation == n.id) {
                self.problem(
                    p.clone(),
                    format!(
                        "nation `{}` has no lab; every nation needs at least one",
                        n.id
                    ),
                );
            }
            // Export controls must target other, existing nations.
            for (field, targets) in [
                ("export_controls_on", &n.initial_policy.export_controls_on),
                ("mineral_controls_on", &n.initial_policy.mineral_controls_on),
            ] {
                let tp = field_path(&field_path(&p, "initial_policy"), field);
                for (j, target) in targets.iter().enumerate() {
                    let path = index_path(&tp, j);
                    if *target == n.id {
                        self.problem(
                            path,
                            format!("nation `{}` cannot control exports to itself", n.id),
                        );
                    } else if s.nation_index(target).is_none() {
                        self.problem(
                            path,
                            format!("unknown nation `{target}`; nations are {ids}"),
                        );
                    } else if targets[..j].contains(target) {
                        self.problem(path, format!("`{target}` is listed twice"));
                    }
                }
            }
        }
    }

    fn nation(&mut self, p: &str, n: &NationSpec, s: &Scenario) {
        use Rule::*;
        self.table(
            p,
            &[
                ("treasury_usd", n.treasury_usd, NonNegative),
                ("gdp_usd", n.gdp_usd, Positive),
                ("gdp_growth_per_year", n.gdp_growth_per_year, GrowthRate),
                (
                    "ai_capex_usd_per_year",
                    n.ai_capex_usd_per_year,
                    NonNegative,
                ),
                (
                    "ai_capex_growth_per_year",
                    n.ai_capex_growth_per_year,
                    GrowthFactor,
                ),
                ("max_ai_capex_gdp_share", n.max_ai_capex_gdp_share, Share),
                (
                    "energy_capex_usd_per_year",
                    n.energy_capex_usd_per_year,
                    NonNegative,
                ),
                (
                    "energy_capex_growth_per_year",
                    n.energy_capex_growth_per_year,
                    GrowthFactor,
                ),
                ("baseline_demand_mw", n.baseline_demand_mw, NonNegative),
                (
                    "baseline_demand_growth_per_year",
                    n.baseline_demand_growth_per_year,
                    GrowthRate,
                ),
                (
                    "interconnection_mw_per_month",
                    n.interconnection_mw_per_month,
                    NonNegative,
                ),
                (
                    "planning_reserve_margin",
                    n.planning_reserve_margin,
                    Between(0.0, 1.0),
                ),
                // Scales construction times, which must stay at least a month.
                ("build_speed_multiplier", n.build_speed_multiplier, Positive),
                // Scales permitting times, which may be zero.
                (
                    "permitting_multiplier",
                    n.permitting_multiplier,
                    NonNegative,
                ),
                ("baseline_load_factor", n.baseline_load_factor, Share),
                ("chip_price_multiplier", n.chip_price_multiplier, Positive),
                (
                    "critical_mineral_supply_share",
                    n.critical_mineral_supply_share,
                    Share,
                ),
            ],
        );
        let q = &n.queue;
        self.table(
            &field_path(p, "queue"),
            &[
                ("initial_in_study_mw", q.initial_in_study_mw, NonNegative),
                (
                    "initial_in_construction_mw",
                    q.initial_in_construction_mw,
                    NonNegative,
                ),
                ("initial_age_months", q.initial_age_months, NonNegative),
                ("inflow_mw_per_year", q.inflow_mw_per_year, NonNegative),
                (
                    "study_withdrawal_per_year",
                    q.study_withdrawal_per_year,
                    Share,
                ),
                (
                    "withdrawal_after_study_share",
                    q.withdrawal_after_study_share,
                    Share,
                ),
                (
                    "construction_withdrawal_per_year",
                    q.construction_withdrawal_per_year,
                    Share,
                ),
                (
                    "construction_months",
                    f64::from(q.construction_months),
                    AtLeast(1.0),
                ),
            ],
        );
        self.per_kind(&field_path(p, "plants"), &n.plants, Self::nation_plant_kind);
        self.policy_state(&field_path(p, "initial_policy"), &n.initial_policy, s);
    }

    fn nation_plant_kind(&mut self, p: &str, k: &NationPlantKind) {
        use Rule::*;
        self.table(
            p,
            &[
                ("fleet_mw", k.fleet_mw, NonNegative),
                ("capacity_factor", k.capacity_factor, Share),
                ("accreditation", k.accreditation, Share),
                ("capex_usd_per_kw", k.capex_usd_per_kw, Positive),
                (
                    "permitting_months",
                    f64::from(k.permitting_months),
                    NonNegative,
                ),
                (
                    "construction_months",
                    f64::from(k.construction_months),
                    AtLeast(1.0),
                ),
                (
                    "trend_additions_mw_per_year",
                    k.trend_additions_mw_per_year,
                    NonNegative,
                ),
                (
                    "retirements_mw_per_year",
                    k.retirements_mw_per_year,
                    NonNegative,
                ),
                (
                    "max_starts_mw_per_year",
                    k.max_starts_mw_per_year,
                    NonNegative,
                ),
            ],
        );
    }

    fn policy_state(&mut self, p: &str, ps: &PolicyState, s: &Scenario) {
        use Rule::*;
        self.table(
            p,
            &[
                ("regulation_level", ps.regulation_level, Share),
                ("lab_subsidy_share", ps.lab_subsidy_share, Share),
            ],
        );
        let max = s.policies.max_subsidy_share;
        if ps.lab_subsidy_share.is_finite() && max.is_finite() && ps.lab_subsidy_share > max {
            self.problem(
                field_path(p, "lab_subsidy_share"),
                format!(
                    "must be at most policies.max_subsidy_share ({max}) (got {})",
                    ps.lab_subsidy_share
                ),
            );
        }
    }

    fn labs(&mut self, s: &Scenario) {
        use Rule::*;
        let nation_ids = id_list(s.nations.iter().map(|n| n.id.as_str()));
        for (i, l) in s.labs.iter().enumerate() {
            let p = index_path("labs", i);
            if l.id.trim().is_empty() {
                self.problem(field_path(&p, "id"), "must not be empty");
            } else if let Some(first) = s.labs[..i].iter().position(|m| m.id == l.id) {
                self.problem(
                    field_path(&p, "id"),
                    format!("duplicate lab id `{}` (also labs[{first}])", l.id),
                );
            }
            if s.nation_index(&l.nation).is_none() {
                self.problem(
                    field_path(&p, "nation"),
                    format!("unknown nation `{}`; nations are {nation_ids}", l.nation),
                );
            }
            self.table(
                &p,
                &[
                    ("capital_usd", l.capital_usd, NonNegative),
                    ("h100e", l.h100e, NonNegative),
                    ("datacenter_it_mw", l.datacenter_it_mw, NonNegative),
                    ("h100e_on_order", l.h100e_on_order, NonNegative),
                    (
                        "datacenter_it_mw_under_construction",
                        l.datacenter_it_mw_under_construction,
                        NonNegative,
                    ),
                    ("training_share", l.training_share, Share),
                    ("largest_run_flop", l.largest_run_flop, NonNegative),
                    ("data_stock_tokens", l.data_stock_tokens, NonNegative),
                    ("national_share", l.national_share, Share),
                ],
            );
        }
        // The national shares of each nation's labs split that nation's new compute.
        for n in &s.nations {
            let labs: Vec<usize> = (0..s.labs.len())
                .filter(|&i| s.labs[i].nation == n.id)
                .collect();
            let total: f64 = labs.iter().map(|&i| s.labs[i].national_share).sum();
            if let Some(&last) = labs.last()
                && total > 1.0 + SUM_TOLERANCE
            {
                let terms = labs
                    .iter()
                    .map(|&i| format!("{} {}", s.labs[i].id, s.labs[i].national_share))
                    .collect::<Vec<_>>()
                    .join(" + ");
                self.problem(
                    field_path(&index_path("labs", last), "national_share"),
                    format!(
                        "national_share of the labs of `{}` must sum to at most 1 (got {total}: {terms})",
                        n.id
                    ),
                );
            }
        }
    }
}

/// `` `usa`, `chn` `` or `(none)`.
fn id_list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<String> = ids.map(|id| format!("`{id}`")).collect();
    if list.is_empty() {
        "(none)".to_string()
    } else {
        list.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inherit::parse_scenario;

    /// The default embedded scenario: its file name, its text and its parsed value.
    fn embedded() -> (&'static str, &'static str, Scenario) {
        let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).expect("default scenario");
        let s = parse_scenario(e.file, e.source).expect("the default scenario is valid");
        assert!(s.nations.len() >= 2, "tests need two nations");
        (e.file, e.source, s)
    }

    /// The default scenario after `change`, as canonical pretty RON (no comments).
    fn text_with(change: impl FnOnce(&mut Scenario)) -> String {
        let (_, _, mut s) = embedded();
        change(&mut s);
        ron::ser::to_string_pretty(&s, ron::ser::PrettyConfig::default()).expect("serializes")
    }

    /// 1-based (line, column), in characters, of the `nth` (0-based) occurrence of `needle`,
    /// computed without the scanner.
    fn position_of(text: &str, needle: &str, nth: usize) -> (usize, usize) {
        let (offset, _) = text.match_indices(needle).nth(nth).expect("needle present");
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        (line, column)
    }

    /// Position of the value in the `nth` occurrence of `key: value`.
    fn value_position(text: &str, key_and_value: &str, nth: usize) -> (usize, usize) {
        let (line, column) = position_of(text, key_and_value, nth);
        let key_len = key_and_value.find(": ").expect("`key: value`") + 2;
        (line, column + key_len)
    }

    /// Replaces the `nth` occurrence of `from` by `to`.
    fn replace_nth(text: &str, from: &str, to: &str, nth: usize) -> String {
        let (offset, _) = text.match_indices(from).nth(nth).expect("pattern present");
        format!("{}{}{}", &text[..offset], to, &text[offset + from.len()..])
    }

    fn errors(text: &str) -> Vec<ScenarioError> {
        match parse_scenario("data/test.ron", text) {
            Ok(_) => panic!("expected errors"),
            Err(ScenarioErrors(errors)) => errors,
        }
    }

    fn only_error(text: &str) -> ScenarioError {
        let errors = errors(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().expect("one error")
    }

    #[test]
    fn embedded_scenarios_are_valid_and_round_trip() {
        for e in gigawatt_data::SCENARIOS {
            let s = crate::inherit::parse_scenario_with(
                e.file,
                e.source,
                &gigawatt_data::embedded_base,
            )
            .unwrap_or_else(|err| panic!("{err}"));
            assert_eq!(validate(&s), Vec::<(String, String)>::new(), "{}", e.name);
            let text = ron::ser::to_string_pretty(&s, ron::ser::PrettyConfig::default()).unwrap();
            assert_eq!(parse_scenario("copy.ron", &text), Ok(s), "{}", e.name);
        }
    }

    #[test]
    fn every_numeric_field_has_a_rule() {
        fn leaves(value: &serde_json::Value, path: String, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Number(_) => out.push(path),
                serde_json::Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        leaves(item, index_path(&path, i), out);
                    }
                }
                serde_json::Value::Object(fields) => {
                    for (k, v) in fields {
                        leaves(v, field_path(&path, k), out);
                    }
                }
                _ => {}
            }
        }
        let (_, _, s) = embedded();
        let mut numeric = Vec::new();
        leaves(
            &serde_json::to_value(&s).unwrap(),
            String::new(),
            &mut numeric,
        );
        let mut checker = Checker::default();
        checker.scenario(&s);
        let missing: Vec<&String> = numeric
            .iter()
            .filter(|p| !checker.visited.contains(p))
            .collect();
        assert!(
            missing.is_empty(),
            "numeric fields without a rule: {missing:?}"
        );
        assert!(numeric.contains(&"nations[1].plants.hydro.construction_months".to_string()));
        assert!(numeric.contains(&"global.scaling_law.beta".to_string()));
    }

    #[test]
    fn error_display_is_file_line_column_message() {
        let e = ScenarioError::new(
            "data/x.ron",
            12,
            25,
            "nations[1].plants.coal.capex_usd_per_kw",
            "must be positive (got -5)",
        );
        assert_eq!(e.path, "nations[1].plants.coal.capex_usd_per_kw");
        assert_eq!(
            e.message,
            "nations[1].plants.coal.capex_usd_per_kw: must be positive (got -5)"
        );
        assert_eq!(
            e.to_string(),
            "data/x.ron:12:25: nations[1].plants.coal.capex_usd_per_kw: must be positive (got -5)"
        );
        let both = ScenarioErrors(vec![
            e.clone(),
            ScenarioError::new("f.ron", 1, 2, "", "oops"),
        ]);
        assert_eq!(both.to_string(), format!("{e}\nf.ron:1:2: oops"));
    }

    #[test]
    fn unknown_field_names_the_field_at_its_line() {
        let text = text_with(|_| {});
        let text = replace_nth(&text, "utilisation:", "utilization:", 0);
        let (line, column) = position_of(&text, "utilization:", 0);
        let e = only_error(&text);
        assert_eq!(e.path, "global.utilization");
        assert_eq!((e.line, e.column), (line, column), "{e}");
        assert_eq!(
            e.message,
            "global.utilization: unknown field `utilization`; did you mean `utilisation`?"
        );
    }

    #[test]
    fn unknown_plant_kind_is_an_unknown_field() {
        let text = text_with(|_| {});
        // `hydro:` occurs in plant_kinds, nations[0].plants and nations[1].plants.
        let text = replace_nth(&text, "hydro:", "fusion:", 2);
        let (line, column) = position_of(&text, "fusion:", 0);
        let e = only_error(&text);
        assert_eq!(e.path, "nations[1].plants.fusion");
        assert_eq!((e.line, e.column), (line, column), "{e}");
        assert_eq!(
            e.message,
            "nations[1].plants.fusion: unknown field `fusion`; expected one of `gas_combined_cycle`, \
             `gas_turbine`, `coal`, `nuclear`, `solar`, `wind`, `battery`, `hydro`"
        );
    }

    #[test]
    fn unknown_field_in_the_embedded_file_with_comments() {
        let (file, source, _) = embedded();
        let text = replace_nth(source, "datacenter_pue:", "datacentre_pue:", 0);
        let (line, column) = position_of(&text, "datacentre_pue:", 0);
        let e = match parse_scenario(file, &text) {
            Err(ScenarioErrors(errors)) => errors.into_iter().next().unwrap(),
            Ok(_) => panic!("expected an error"),
        };
        assert_eq!(
            (e.line, e.column, e.path.as_str()),
            (line, column, "global.datacentre_pue")
        );
        assert!(
            e.to_string().starts_with(&format!(
                "{file}:{line}:{column}: global.datacentre_pue: unknown field"
            )),
            "{e}"
        );
    }

    /// `text` without its (1-based) line `line`.
    fn without_line(text: &str, line: usize) -> String {
        let kept: Vec<&str> = text
            .lines()
            .enumerate()
            .filter(|&(i, _)| i + 1 != line)
            .map(|(_, l)| l)
            .collect();
        kept.join("\n")
    }

    #[test]
    fn missing_field_is_named() {
        let text = text_with(|_| {});
        let (line, _) = position_of(&text, "planning_reserve_margin:", 0);
        let text = without_line(&text, line);
        let e = only_error(&text);
        assert_eq!(e.path, "nations[0].planning_reserve_margin");
        assert_eq!(
            e.message,
            "nations[0].planning_reserve_margin: missing field `planning_reserve_margin`"
        );
        // ron reports it where nations[0]'s struct ends: the line after its last field.
        let (last_field, _) = position_of(&text, "critical_mineral_supply_share:", 0);
        assert_eq!(e.line, last_field + 1, "{e}");
    }

    #[test]
    fn missing_field_in_a_nested_struct_is_named() {
        let text = text_with(|_| {});
        let (line, _) = position_of(&text, "withdrawal_after_study_share:", 1);
        let e = only_error(&without_line(&text, line));
        assert_eq!(e.path, "nations[1].queue.withdrawal_after_study_share");
        assert!(
            e.message
                .ends_with("missing field `withdrawal_after_study_share`"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_and_trailing_characters() {
        let text = text_with(|s| s.horizon_months = 120);
        let typo = replace_nth(
            &text,
            "horizon_months: 120",
            "horizon_months: \"ten years\"",
            0,
        );
        let e = only_error(&typo);
        assert_eq!(
            (e.line, e.column),
            value_position(&typo, "horizon_months: \"ten", 0),
            "{e}"
        );
        assert_eq!(e.message, "horizon_months: Expected integer");

        let float = replace_nth(&text, "utilisation: ", "utilisation: \"high\", // ", 0);
        let e = only_error(&float);
        assert_eq!(
            (e.line, e.column),
            value_position(&float, "utilisation: \"high", 0),
            "{e}"
        );
        assert_eq!(e.message, "global.utilisation: Expected float");

        // A missing comma is blamed on the field before it, at the next field name.
        let comma = replace_nth(&text, "horizon_months: 120,", "horizon_months: 120", 0);
        let e = only_error(&comma);
        assert_eq!(e.message, "horizon_months: Expected comma");
        assert_eq!((e.line, e.column), position_of(&comma, "global:", 0), "{e}");

        let trailing = format!("{text}\n)\n");
        let e = only_error(&trailing);
        assert_eq!(e.path, "");
        assert_eq!((e.line, e.column), (trailing.lines().count(), 1), "{e}");
        assert_eq!(
            e.message,
            "Non-whitespace trailing characters after the scenario"
        );
    }

    #[test]
    fn syntax_error_gives_one_positioned_error() {
        let text = text_with(|_| {});
        let broken = replace_nth(&text, "gdp_usd: ", "gdp_usd: : ", 0);
        let e = only_error(&broken);
        assert_eq!(e.path, "nations[0].gdp_usd");
        assert_eq!(e.line, position_of(&broken, "gdp_usd: :", 0).0, "{e}");
    }

    #[test]
    fn negative_capex_at_exact_line_and_column() {
        let text = text_with(|s| s.nations[1].plants.coal.capex_usd_per_kw = -5.0);
        let (line, column) = value_position(&text, "capex_usd_per_kw: -5.0", 0);
        let e = only_error(&text);
        assert_eq!(
            e.to_string(),
            format!(
                "data/test.ron:{line}:{column}: nations[1].plants.coal.capex_usd_per_kw: must be positive (got -5)"
            )
        );
        assert_eq!(e.path, "nations[1].plants.coal.capex_usd_per_kw");
    }

    #[test]
    fn value_error_in_the_embedded_file_with_comments() {
        // The real file: a named `Scenario(` struct, comments after every value.
        let (file, source, _) = embedded();
        let (start, _) = source
            .match_indices("datacenter_pue:")
            .next()
            .expect("field");
        let value_start = start + "datacenter_pue:".len();
        let value_start =
            value_start + (source[value_start..].len() - source[value_start..].trim_start().len());
        let value_end = value_start + source[value_start..].find(',').expect("comma");
        let text = format!("{}0.5{}", &source[..value_start], &source[value_end..]);
        let before = &text[..value_start];
        let (line, column) = (
            before.matches('\n').count() + 1,
            before.rsplit('\n').next().unwrap().chars().count() + 1,
        );
        let e = match parse_scenario(file, &text) {
            Err(ScenarioErrors(errors)) if errors.len() == 1 => errors.into_iter().next().unwrap(),
            other => panic!("expected one error, got {other:?}"),
        };
        assert_eq!(
            e.to_string(),
            format!("{file}:{line}:{column}: global.datacenter_pue: must be at least 1 (got 0.5)")
        );
    }

    #[test]
    fn dangling_lab_nation_lists_valid_ids() {
        let (_, _, s) = embedded();
        let ids = s
            .nations
            .iter()
            .map(|n| format!("`{}`", n.id))
            .collect::<Vec<_>>()
            .join(", ");
        let text = text_with(|s| s.labs[0].nation = "atlantis".to_string());
        let (line, column) = value_position(&text, "nation: \"atlantis\"", 0);
        let e = only_error(&text);
        assert_eq!(e.path, "labs[0].nation");
        assert_eq!((e.line, e.column), (line, column), "{e}");
        assert_eq!(
            e.message,
            format!("labs[0].nation: unknown nation `atlantis`; nations are {ids}")
        );
    }

    #[test]
    fn nation_without_labs() {
        let (_, _, s) = embedded();
        let last = s.nations.last().unwrap().id.clone();
        let text = text_with(|s| s.labs.retain(|l| l.nation != last));
        let errors = errors(&text);
        let i = s.nations.len() - 1;
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert_eq!(errors[0].path, format!("nations[{i}]"));
        assert!(
            errors[0]
                .message
                .contains(&format!("nation `{last}` has no lab")),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn out_of_range_share() {
        let text = text_with(|s| s.labs[1].training_share = 1.5);
        let (line, column) = value_position(&text, "training_share: 1.5", 0);
        let e = only_error(&text);
        assert_eq!((e.line, e.column), (line, column), "{e}");
        assert_eq!(
            e.message,
            "labs[1].training_share: must be a share between 0 and 1 (got 1.5)"
        );
    }

    #[test]
    fn all_errors_are_reported_together_in_file_order() {
        let (_, _, s) = embedded();
        let usa = s.nations[0].id.clone();
        let usa_labs: Vec<usize> = (0..s.labs.len())
            .filter(|&i| s.labs[i].nation == usa)
            .collect();
        assert!(usa_labs.len() >= 2, "tests need two labs in nations[0]");
        let (first_lab, last_usa_lab) = (usa_labs[0], *usa_labs.last().unwrap());
        let last_lab = s.labs.len() - 1;
        assert!(last_usa_lab < last_lab);
        let max_subsidy = s.policies.max_subsidy_share;
        let text = text_with(|s| {
            s.horizon_months = 0;
            s.global.datacenter_pue = 0.9;
            s.nations[0].initial_policy.export_controls_on = vec![usa.clone(), "atlantis".into()];
            s.nations[1].gdp_growth_per_year = -1.5;
            s.nations[1].initial_policy.lab_subsidy_share = (max_subsidy + 1.0) / 2.0;
            s.global.chip_origins[0].buyers[1].share = 0.5;
            s.labs[first_lab].national_share = 1.0;
            s.labs[last_lab].datacenter_it_mw = f64::INFINITY;
        });
        let errors = errors(&text);
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "horizon_months".to_string(),
                "global.chip_origins[0].buyers".to_string(),
                "global.datacenter_pue".to_string(),
                "nations[0].initial_policy.export_controls_on[0]".to_string(),
                "nations[0].initial_policy.export_controls_on[1]".to_string(),
                "nations[1].gdp_growth_per_year".to_string(),
                "nations[1].initial_policy.lab_subsidy_share".to_string(),
                format!("labs[{last_usa_lab}].national_share"),
                format!("labs[{last_lab}].datacenter_it_mw"),
            ],
            "{errors:#?}"
        );
        let message = |i: usize| errors[i].message.as_str();
        assert_eq!(
            message(0),
            "horizon_months: must be between 1 and 360 (got 0)"
        );
        assert_eq!(
            message(1),
            "global.chip_origins[0].buyers: the buyers' shares must sum to at most 1 (the rest goes \
             to the rest of the world) (got 1.25)"
        );
        assert_eq!(
            message(2),
            "global.datacenter_pue: must be at least 1 (got 0.9)"
        );
        assert_eq!(
            message(3),
            format!(
                "nations[0].initial_policy.export_controls_on[0]: nation `{usa}` cannot control exports to itself"
            )
        );
        assert!(
            message(4).contains("unknown nation `atlantis`; nations are `"),
            "{}",
            message(4)
        );
        assert_eq!(
            message(5),
            "nations[1].gdp_growth_per_year: must be a growth rate above -1 (0 = no growth) (got -1.5)"
        );
        assert!(
            message(6).contains(&format!(
                "must be at most policies.max_subsidy_share ({max_subsidy})"
            )),
            "{}",
            message(6)
        );
        assert!(
            message(7).contains(&format!(
                "national_share of the labs of `{usa}` must sum to at most 1"
            )),
            "{}",
            message(7)
        );
        assert_eq!(
            message(8),
            format!("labs[{last_lab}].datacenter_it_mw: must be a finite number (got inf)")
        );
        // Positions: each at its value.
        let at = |i: usize| (errors[i].line, errors[i].column);
        assert_eq!(at(0), value_position(&text, "horizon_months: 0", 0));
        assert_eq!(at(1), value_position(&text, "buyers: [", 0));
        assert_eq!(at(2), value_position(&text, "datacenter_pue: 0.9", 0));
        let list = text.find("export_controls_on: [").unwrap();
        let (line, column) = position_of(&text[list..], &format!("\"{usa}\""), 0);
        let list_line = text[..list].matches('\n').count();
        assert_eq!(at(3), (list_line + line, column));
        assert_eq!(at(4), position_of(&text, "\"atlantis\"", 0));
        assert_eq!(at(5), value_position(&text, "gdp_growth_per_year: -1.5", 0));
        assert_eq!(at(8), value_position(&text, "datacenter_it_mw: inf", 0));
    }

    #[test]
    fn checks_on_values_built_in_rust() {
        let (_, _, mut s) = embedded();
        let first = s.nations[0].id.clone();
        s.nations[1].id = first.clone();
        s.labs[1].id = s.labs[0].id.clone();
        s.global.max_training_run_months = 2;
        s.global.training_run_months = 3.0;
        s.global.utilisation = f64::NAN;
        s.global.largest_run_share = 0.9;
        s.global.max_largest_run_share = 0.5;
        s.plant_kinds.nuclear.overrun_probability = 1.2;
        s.nations[0].ai_capex_growth_per_year = 0.0;
        let problems = validate(&s);
        let has =
            |path: &str, text: &str| problems.iter().any(|(p, m)| p == path && m.contains(text));
        assert!(
            has(
                "nations[1].id",
                &format!("duplicate nation id `{first}` (also nations[0])")
            ),
            "{problems:#?}"
        );
        assert!(has("labs[1].id", "duplicate lab id"), "{problems:#?}");
        assert!(
            has(
                "global.max_training_run_months",
                "at least training_run_months (3) (got 2)"
            ),
            "{problems:#?}"
        );
        assert!(
            has("global.utilisation", "must be a finite number (got NaN)"),
            "{problems:#?}"
        );
        assert!(
            has(
                "global.largest_run_share",
                "at most max_largest_run_share (0.5) (got 0.9)"
            ),
            "{problems:#?}"
        );
        assert!(
            has(
                "plant_kinds.nuclear.overrun_probability",
                "between 0 and 1 (got 1.2)"
            ),
            "{problems:#?}"
        );
        assert!(
            has(
                "nations[0].ai_capex_growth_per_year",
                "growth factor above 0 (1 = no growth) (got 0)"
            ),
            "{problems:#?}"
        );

        let (_, _, mut empty) = embedded();
        empty.nations.clear();
        empty.labs.clear();
        empty.global.chip_origins.clear();
        assert_eq!(
            validate(&empty),
            vec![(
                "nations".to_string(),
                "a scenario needs at least one nation".to_string()
            )]
        );
    }
}

//! The registry: every built-in strategy by name, with its doctrine and parameters, built from a
//! spec (`builder`, `parametric(compute_share: 0.6, dereg_month: 12)`, ...; see [`crate::spec`]).

use std::sync::Arc;

use gigawatt_engine::{Fallback, Strategy};

use crate::doctrine::{self, Doctrine};
use crate::params::{ParamInfo, Params};
use crate::random::RandomStrategy;
use crate::spec;
use crate::status_quo::StatusQuo;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum AgentError {
    #[error("unknown strategy `{name}`; built-in strategies: {known}")]
    Unknown { name: String, known: String },
    #[error("cannot read strategy spec `{spec}`: {message}")]
    Syntax { spec: String, message: String },
    #[error("strategy `{strategy}` has no parameter `{param}`; its parameters: {known}")]
    UnknownParam {
        strategy: String,
        param: String,
        known: String,
    },
    #[error("strategy `{strategy}`: parameter `{param}` = {value} is out of range {range}")]
    OutOfRange {
        strategy: String,
        param: String,
        value: f64,
        range: String,
    },
    #[error("strategy spec `{spec}`: parameter `{param}` must be a number, not `{value}`")]
    WrongType {
        spec: String,
        param: String,
        value: String,
    },
    #[error("strategy `{strategy}`: {message}")]
    Invalid { strategy: String, message: String },
}

/// Builds a strategy from its name and the text inside its parentheses.
type TextBuild = fn(&str, Option<&str>) -> Result<Box<dyn Strategy>, AgentError>;

/// How an entry builds its strategy.
#[derive(Clone, Copy)]
enum Builder {
    /// Numeric parameters from a table; the function builds from resolved values.
    Numeric {
        params: fn() -> Vec<ParamInfo>,
        build: fn(&str, &Params) -> Box<dyn Strategy>,
    },
    /// Free-form arguments (RON), parsed by the strategy itself.
    Text {
        build: TextBuild,
        args: &'static str,
    },
}

/// A built-in strategy: its name, doctrine and parameters.
#[derive(Clone, Copy)]
pub struct StrategyInfo {
    pub name: &'static str,
    /// One line: what it believes and does.
    pub description: &'static str,
    /// Left out of the default tournament set (slow).
    pub slow: bool,
    builder: Builder,
}

impl std::fmt::Debug for StrategyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StrategyInfo")
            .field("name", &self.name)
            .finish()
    }
}

impl StrategyInfo {
    /// Its numeric parameters with defaults and ranges (empty for free-form ones).
    pub fn params(&self) -> Vec<ParamInfo> {
        match self.builder {
            Builder::Numeric { params, .. } => params(),
            Builder::Text { .. } => Vec::new(),
        }
    }

    /// What its free-form arguments are, for those that take RON rather than numbers.
    pub fn text_args(&self) -> Option<&'static str> {
        match self.builder {
            Builder::Text { args, .. } => Some(args),
            Builder::Numeric { .. } => None,
        }
    }
}

fn no_params() -> Vec<ParamInfo> {
    Vec::new()
}

macro_rules! preset {
    ($name:literal, $description:literal, [$(($param:literal, $value:expr)),* $(,)?]) => {
        StrategyInfo {
            name: $name,
            description: $description,
            slow: false,
            builder: Builder::Numeric {
                params: || doctrine::preset(&[$(($param, $value)),*]),
                build: |name, params| Box::new(Doctrine::new(name, params)),
            },
        }
    };
}

const BUILT_INS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "status-quo",
        description: "continues the start year's trends: build rates, capex growth, policies as they are",
        slow: false,
        builder: Builder::Numeric {
            params: no_params,
            build: |_, _| Box::new(StatusQuo),
        },
    },
    preset!(
        "builder",
        "energy first: generation of every kind and more grid as fast as the treasury allows, then compute",
        [
            ("energy_share", 0.6),
            ("compute_share", 0.4),
            ("research_share", 0.0),
            ("gas_share", 0.3),
            ("grid_share", 0.15),
            ("queue_reform_month", 0.0),
        ]
    ),
    preset!(
        "scaler",
        "the bitter lesson: chips and datacenters first, whatever power it can get (its own gas behind the meter), the largest runs",
        [
            ("energy_share", 0.25),
            ("compute_share", 0.75),
            ("research_share", 0.0),
            ("gas_share", 1.0),
            ("behind_the_meter_share", 0.6),
            ("training_share", 0.8),
            ("dereg_month", 12.0),
            ("dereg_level", 0.5),
        ]
    ),
    preset!(
        "driller",
        "deregulate, leave the accord, drill, and power datacenters with gas and coal behind the meter to skip the grid queue",
        [
            ("energy_share", 0.4),
            ("compute_share", 0.6),
            ("research_share", 0.0),
            ("gas_share", 0.7),
            ("coal_share", 0.3),
            ("behind_the_meter_share", 0.7),
            ("dereg_month", 0.0),
            ("dereg_level", 0.0),
            ("leave_accord_month", 0.0),
            ("drill_month", 0.0),
        ]
    ),
    preset!(
        "algorithmist",
        "research over compute: better algorithms instead of bigger clusters (what the bitter lesson says loses)",
        [
            ("energy_share", 0.15),
            ("compute_share", 0.35),
            ("research_share", 0.5),
            ("subsidy_share", 0.2),
        ]
    ),
    preset!(
        "denier",
        "deny rivals what it controls: export controls from the start on the chips it designs or makes and, where it holds them, critical minerals",
        [
            ("energy_share", 0.25),
            ("compute_share", 0.7),
            ("export_control_month", 0.0),
        ]
    ),
    preset!(
        "inference-heavy",
        "test-time compute and deployment revenue over the largest run",
        [
            ("energy_share", 0.25),
            ("compute_share", 0.7),
            ("training_share", 0.2),
        ]
    ),
    preset!(
        "balanced",
        "a hand-tuned mix: compute first, gas and grid for power, some behind the meter, deregulation after two years",
        [
            ("energy_share", 0.3),
            ("compute_share", 0.6),
            ("research_share", 0.05),
            ("gas_share", 0.4),
            ("grid_share", 0.05),
            ("behind_the_meter_share", 0.25),
            ("dereg_month", 24.0),
            ("dereg_level", 0.6),
        ]
    ),
    StrategyInfo {
        name: "parametric",
        description: "every choice a named number: money shares, generation mix, policy months (what the tuner optimises)",
        slow: false,
        builder: Builder::Numeric {
            params: || doctrine::PARAMS.to_vec(),
            build: |name, params| Box::new(Doctrine::new(name, params)),
        },
    },
    StrategyInfo {
        name: "random",
        description: "seeded random legal orders within the treasury (the floor every strategy must beat)",
        slow: false,
        builder: Builder::Numeric {
            params: || crate::random::PARAMS.to_vec(),
            build: |name, params| Box::new(RandomStrategy::new(name, params)),
        },
    },
    StrategyInfo {
        name: "lookahead",
        description: "plans by simulation: each year plays builder, scaler, driller, balanced and status-quo a year ahead on a copy of the world (rivals as status-quo) and follows the best",
        slow: true,
        builder: Builder::Numeric {
            params: || crate::lookahead::PARAMS.to_vec(),
            build: |name, params| Box::new(crate::lookahead::Lookahead::new(name, params)),
        },
    },
    StrategyInfo {
        name: "scripted",
        description: "plays a fixed schedule of orders by month (a historical or hypothetical plan), then another strategy",
        slow: false,
        builder: Builder::Text {
            build: crate::scripted::build,
            args: "plan: [(month: N, orders: [Order, ...]), ...], then: \"SPEC\" (optional)",
        },
    },
    StrategyInfo {
        name: "exec",
        description: "an agent in any language: a program that reads observations and writes orders as JSON lines (docs/protocol.md); `exec:COMMAND` for short",
        slow: false,
        builder: Builder::Text {
            build: crate::exec::build,
            args: "command: \"COMMAND\", turn_ms: N (default 10000), game_ms: N (default 600000)",
        },
    },
];

/// Every built-in strategy, in the order `gigawatt strategies` lists them.
pub fn strategies() -> &'static [StrategyInfo] {
    BUILT_INS
}

/// The names of the built-ins a default tournament plays: all but the slow ones and those that need
/// arguments to play at all (`scripted` needs a plan).
pub fn default_set() -> Vec<&'static str> {
    BUILT_INS
        .iter()
        .filter(|s| !s.slow && s.text_args().is_none())
        .map(|s| s.name)
        .collect()
}

pub fn info(name: &str) -> Option<&'static StrategyInfo> {
    BUILT_INS.iter().find(|s| s.name == name)
}

/// Build a strategy from its spec.
pub fn build(text: &str) -> Result<Box<dyn Strategy>, AgentError> {
    if let Some(local) = crate::local::build(text) {
        return local;
    }
    if text.trim_start().starts_with(crate::exec::EXEC_PREFIX) {
        return crate::exec::build_prefixed(text);
    }
    let parsed = spec::parse(text)?;
    let Some(entry) = info(&parsed.name) else {
        return Err(AgentError::Unknown {
            name: parsed.name,
            known: BUILT_INS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
        });
    };
    match entry.builder {
        Builder::Numeric { params, build } => {
            let given = match parsed.args.as_deref() {
                Some(args) => spec::numeric_args(text.trim(), args)?,
                None => Vec::new(),
            };
            let resolved = Params::resolve(entry.name, &params(), &given)?;
            Ok(build(entry.name, &resolved))
        }
        Builder::Text { build, .. } => build(entry.name, parsed.args.as_deref()),
    }
}

/// Check a spec without keeping the strategy.
pub fn check(text: &str) -> Result<String, AgentError> {
    build(text).map(|s| s.name())
}

/// What plays a faulted seat: `status-quo`.
pub fn fallback() -> Fallback {
    Arc::new(|| Box::new(StatusQuo) as Box<dyn Strategy>)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_listed_strategy_under_its_own_name() {
        for info in strategies() {
            if info.text_args().is_some() {
                continue;
            }
            assert_eq!(build(info.name).expect("built-in builds").name(), info.name);
        }
        assert!(strategies().len() >= 10);
    }

    #[test]
    fn specs_with_parameters_build_and_name_themselves_canonically() {
        let s = build("parametric(dereg_month: 12, compute_share: 0.6)").unwrap();
        assert_eq!(s.name(), "parametric(compute_share: 0.6, dereg_month: 12)");
        // A preset's own default is not repeated in its name.
        assert_eq!(build("driller(dereg_month: 0)").unwrap().name(), "driller");
    }

    #[test]
    fn errors_list_what_is_valid() {
        let text = build("bogus").err().unwrap().to_string();
        assert!(
            text.contains("bogus") && text.contains("status-quo") && text.contains("parametric"),
            "{text}"
        );
        let text = build("builder(gas: 1)").err().unwrap().to_string();
        assert!(
            text.contains("`gas`") && text.contains("gas_share (0..=1)"),
            "{text}"
        );
        let text = build("scaler(training_share: 0.99)")
            .err()
            .unwrap()
            .to_string();
        assert!(
            text.contains("0.99") && text.contains("0.05..=0.95"),
            "{text}"
        );
        let text = build("status-quo(x: 1)").err().unwrap().to_string();
        assert!(text.contains("takes no parameters"), "{text}");
        let text = build("balanced(gas_share: lots)")
            .err()
            .unwrap()
            .to_string();
        assert!(text.contains("must be a number"), "{text}");
    }
}

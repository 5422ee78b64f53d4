//! The registry: every built-in strategy by name, with a one-line doctrine.

use gigawatt_engine::Strategy;

use crate::random::RandomStrategy;
use crate::status_quo::StatusQuo;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AgentError {
    #[error("unknown strategy `{name}`; built-in strategies: {known}")]
    Unknown { name: String, known: String },
}

/// A built-in strategy's name and doctrine.
#[derive(Clone, Copy, Debug)]
pub struct StrategyInfo {
    pub name: &'static str,
    pub description: &'static str,
    construct: fn() -> Box<dyn Strategy>,
}

const BUILT_INS: &[StrategyInfo] = &[
    StrategyInfo {
        name: "status-quo",
        description: "continues the start year's trends: build rates, capex growth, policies as they are",
        construct: || Box::new(StatusQuo),
    },
    StrategyInfo {
        name: "random",
        description: "seeded random orders, legal or not (the floor every strategy must beat)",
        construct: || Box::new(RandomStrategy),
    },
];

/// Every built-in strategy, in the order `gigawatt strategies` lists them.
pub fn strategies() -> &'static [StrategyInfo] {
    BUILT_INS
}

/// Build a strategy from its spec (for now, a built-in name).
pub fn build(spec: &str) -> Result<Box<dyn Strategy>, AgentError> {
    let name = spec.trim();
    BUILT_INS
        .iter()
        .find(|s| s.name == name)
        .map(|s| (s.construct)())
        .ok_or_else(|| AgentError::Unknown {
            name: name.to_string(),
            known: BUILT_INS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_listed_strategy_under_its_own_name() {
        for info in strategies() {
            assert_eq!(build(info.name).expect("built-in builds").name(), info.name);
        }
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let err = build("bogus").err().expect("unknown name fails");
        let text = err.to_string();
        assert!(
            text.contains("bogus") && text.contains("status-quo") && text.contains("random"),
            "{text}"
        );
    }
}

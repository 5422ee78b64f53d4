//! Inputs shared by the subcommands that play games: the `--scenario NAME|FILE` argument and the
//! `--agent NATION=STRATEGY` seats.

use std::path::Path;
use std::sync::Arc;

use gigawatt_agents::AgentError;
use gigawatt_engine::{Scenario, ScenarioErrors, Strategy, parse_scenario};

/// The strategy of every nation not named by an `--agent` flag.
pub const DEFAULT_STRATEGY: &str = "status-quo";

/// Something wrong with what the user asked for.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(
        "unknown scenario `{name}`; embedded scenarios: {known} (or give the path of a .ron file)"
    )]
    UnknownScenario { name: String, known: String },
    #[error("cannot read scenario file `{path}`: {error}")]
    ScenarioRead { path: String, error: std::io::Error },
    #[error("scenario `{origin}` is invalid ({count} error{s}):\n{errors}", count = errors.0.len(), s = if errors.0.len() == 1 { "" } else { "s" })]
    InvalidScenario {
        origin: String,
        errors: ScenarioErrors,
    },
    #[error(
        "unknown nation `{nation}` in --agent {nation}={strategy}; nations in scenario `{scenario}`: {known}"
    )]
    UnknownNation {
        nation: String,
        strategy: String,
        scenario: String,
        known: String,
    },
    #[error("--agent {nation}={spec}: {error}")]
    UnknownStrategy {
        nation: String,
        spec: String,
        error: AgentError,
    },
    #[error("nation `{nation}` is given more than one --agent")]
    DuplicateAgent { nation: String },
}

/// One `--agent NATION=STRATEGY` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentArg {
    pub nation: String,
    pub strategy: String,
}

impl AgentArg {
    /// Parse `NATION=STRATEGY` (split at the first `=`, both sides non-empty, trimmed). Used as the
    /// clap value parser, so a malformed flag is a usage error naming the value.
    pub fn parse(text: &str) -> Result<AgentArg, String> {
        let expected = "expected NATION=STRATEGY, e.g. usa=random";
        let (nation, strategy) = text.split_once('=').ok_or_else(|| expected.to_string())?;
        let (nation, strategy) = (nation.trim(), strategy.trim());
        if nation.is_empty() || strategy.is_empty() {
            return Err(expected.to_string());
        }
        Ok(AgentArg {
            nation: nation.to_string(),
            strategy: strategy.to_string(),
        })
    }
}

/// Resolve `--scenario`: an embedded scenario's name first, otherwise a path to a RON file (parsed
/// with the path, as given, as the file name in error messages).
pub fn load_scenario(spec: &str) -> Result<Arc<Scenario>, InputError> {
    if let Some(embedded) = gigawatt_data::scenario(spec) {
        return parse_scenario(embedded.file, embedded.source)
            .map(Arc::new)
            .map_err(|errors| InputError::InvalidScenario {
                origin: embedded.name.to_string(),
                errors,
            });
    }
    let path = Path::new(spec);
    let looks_like_path = spec.contains(['/', '\\']) || spec.ends_with(".ron");
    if !looks_like_path && !path.exists() {
        return Err(InputError::UnknownScenario {
            name: spec.to_string(),
            known: embedded_names(),
        });
    }
    let source = std::fs::read_to_string(path).map_err(|error| InputError::ScenarioRead {
        path: spec.to_string(),
        error,
    })?;
    parse_scenario(spec, &source)
        .map(Arc::new)
        .map_err(|errors| InputError::InvalidScenario {
            origin: spec.to_string(),
            errors,
        })
}

/// The embedded scenarios' names, comma-separated.
pub fn embedded_names() -> String {
    gigawatt_data::SCENARIOS
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The strategy spec of each nation, in scenario order: [`DEFAULT_STRATEGY`] unless an `--agent`
/// names the nation.
pub fn assign(
    scenario_name: &str,
    nation_ids: &[&str],
    agents: &[AgentArg],
) -> Result<Vec<String>, InputError> {
    let mut specs: Vec<Option<String>> = vec![None; nation_ids.len()];
    for agent in agents {
        let seat = nation_ids
            .iter()
            .position(|id| *id == agent.nation)
            .ok_or_else(|| InputError::UnknownNation {
                nation: agent.nation.clone(),
                strategy: agent.strategy.clone(),
                scenario: scenario_name.to_string(),
                known: nation_ids.join(", "),
            })?;
        if specs[seat].is_some() {
            return Err(InputError::DuplicateAgent {
                nation: agent.nation.clone(),
            });
        }
        specs[seat] = Some(agent.strategy.clone());
    }
    Ok(specs
        .into_iter()
        .map(|s| s.unwrap_or_else(|| DEFAULT_STRATEGY.to_string()))
        .collect())
}

/// Build one strategy per nation of `scenario` (scenario order) from the `--agent` flags.
pub fn seat_strategies(
    scenario: &Scenario,
    agents: &[AgentArg],
) -> Result<Vec<Box<dyn Strategy>>, InputError> {
    let ids: Vec<&str> = scenario.nations.iter().map(|n| n.id.as_str()).collect();
    let specs = assign(&scenario.name, &ids, agents)?;
    ids.iter()
        .zip(&specs)
        .map(|(nation, spec)| {
            gigawatt_agents::build(spec).map_err(|error| InputError::UnknownStrategy {
                nation: nation.to_string(),
                spec: spec.clone(),
                error,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(nation: &str, strategy: &str) -> AgentArg {
        AgentArg {
            nation: nation.into(),
            strategy: strategy.into(),
        }
    }

    #[test]
    fn parses_nation_equals_strategy() {
        assert_eq!(AgentArg::parse("usa=random"), Ok(agent("usa", "random")));
        assert_eq!(
            AgentArg::parse(" chn = status-quo "),
            Ok(agent("chn", "status-quo"))
        );
        // Only the first `=` splits: the rest belongs to the strategy spec.
        assert_eq!(AgentArg::parse("usa=x=y"), Ok(agent("usa", "x=y")));
    }

    #[test]
    fn rejects_malformed_agent_flags() {
        for bad in ["usa", "=random", "usa=", "=", "", "  =  "] {
            let err = AgentArg::parse(bad).expect_err(bad);
            assert!(err.contains("NATION=STRATEGY"), "{bad}: {err}");
        }
    }

    #[test]
    fn unnamed_nations_default_to_status_quo() {
        let specs = assign("s", &["usa", "chn"], &[agent("chn", "random")]).expect("valid");
        assert_eq!(specs, ["status-quo", "random"]);
        assert_eq!(
            assign("s", &["usa", "chn"], &[]).expect("valid"),
            ["status-quo", "status-quo"]
        );
    }

    #[test]
    fn unknown_nation_lists_the_valid_ids() {
        let err = assign("us-china-2025", &["usa", "chn"], &[agent("eu", "random")])
            .expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.contains("`eu`") && text.contains("usa, chn") && text.contains("us-china-2025"),
            "{text}"
        );
    }

    #[test]
    fn a_nation_named_twice_is_an_error() {
        let err = assign(
            "s",
            &["usa", "chn"],
            &[agent("usa", "random"), agent("usa", "status-quo")],
        )
        .expect_err("dup");
        assert!(err.to_string().contains("`usa`"), "{err}");
    }

    #[test]
    fn unknown_strategy_carries_the_registry_list() {
        let scenario =
            load_scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded scenario parses");
        let nation = scenario.nations[0].id.clone();
        let err = seat_strategies(&scenario, &[agent(&nation, "bogus")])
            .err()
            .expect("unknown strategy");
        let text = err.to_string();
        assert!(
            text.contains("bogus") && text.contains("status-quo") && text.contains(&nation),
            "{text}"
        );
    }

    #[test]
    fn unknown_scenario_names_it_and_the_embedded_ones() {
        let err = load_scenario("no-such-scenario").expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.contains("`no-such-scenario`") && text.contains(gigawatt_data::DEFAULT_SCENARIO),
            "{text}"
        );
    }

    #[test]
    fn missing_scenario_file_names_the_path() {
        let err = load_scenario("/nonexistent/dir/x.ron").expect_err("missing");
        assert!(matches!(err, InputError::ScenarioRead { .. }), "{err}");
        assert!(err.to_string().contains("/nonexistent/dir/x.ron"), "{err}");
    }
}

//! Inputs shared by the subcommands that play games: the `--scenario NAME|FILE` argument, the
//! `--agent NATION=SPEC` seats, and strategy specs given inline or as files.

use std::path::Path;
use std::sync::Arc;

use gigawatt_agents::AgentError;
use gigawatt_engine::{
    Scenario, ScenarioErrors, Strategy, UncertainScenario, parse_uncertain_scenario_with,
};

/// The strategy of every nation not named by an `--agent` flag.
pub const DEFAULT_STRATEGY: &str = "status-quo";

/// Something wrong with what the user asked for.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("expected NATION=SPEC, e.g. usa=random or usa=parametric(compute_share: 0.6)")]
    MalformedAgent,
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
    /// The registry refused the spec; its message (valid names, parameters, ranges) is kept whole.
    #[error("--agent {nation}={spec}: {error}")]
    UnknownStrategy {
        nation: String,
        spec: String,
        error: Box<AgentError>,
    },
    #[error("--agent {nation}={path}: cannot read strategy spec file `{path}`: {error}")]
    SpecRead {
        nation: String,
        path: String,
        error: std::io::Error,
    },
    #[error("nation `{nation}` is given more than one --agent")]
    DuplicateAgent { nation: String },
}

/// One `--agent NATION=SPEC` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentArg {
    pub nation: String,
    /// A strategy spec (`builder`, `parametric(compute_share: 0.6)`) or the path of a file holding
    /// one (see [`spec_text`]).
    pub strategy: String,
}

impl AgentArg {
    /// Parse `NATION=SPEC` (split at the first `=`, both sides non-empty, trimmed). Used as the
    /// clap value parser, so a malformed flag is a usage error naming the value.
    pub fn parse(text: &str) -> Result<AgentArg, InputError> {
        let (nation, strategy) = text.split_once('=').ok_or(InputError::MalformedAgent)?;
        let (nation, strategy) = (nation.trim(), strategy.trim());
        if nation.is_empty() || strategy.is_empty() {
            return Err(InputError::MalformedAgent);
        }
        Ok(AgentArg {
            nation: nation.to_string(),
            strategy: strategy.to_string(),
        })
    }
}

/// Resolve `--scenario`: an embedded scenario's name first, otherwise a path to a RON file (parsed
/// with the path, as given, as the file name in error messages). Distributions in it take their
/// central values.
pub fn load_scenario(spec: &str) -> Result<Arc<Scenario>, InputError> {
    load_uncertain_scenario(spec).map(|u| u.central.clone())
}

/// [`load_scenario`], keeping the distributions written in the file (for sampled worlds).
pub fn load_uncertain_scenario(spec: &str) -> Result<Arc<UncertainScenario>, InputError> {
    if let Some(embedded) = gigawatt_data::scenario(spec) {
        return parse_uncertain_scenario_with(embedded.file, embedded.source, &read_base)
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
    let source = read_text_bounded(path, MAX_SCENARIO_FILE_BYTES).map_err(|error| {
        InputError::ScenarioRead {
            path: spec.to_string(),
            error,
        }
    })?;
    parse_uncertain_scenario_with(spec, &source, &read_base)
        .map(Arc::new)
        .map_err(|errors| InputError::InvalidScenario {
            origin: spec.to_string(),
            errors,
        })
}

/// Finds the base a scenario names (`base: "NAME|PATH"`): an embedded scenario's name first,
/// otherwise a path relative to the directory of the file that names it. The file name it returns
/// (for errors, and to tell a cycle) is that path with `.` and `..` folded away.
pub fn read_base(base: &str, from_file: &str) -> Result<(String, String), String> {
    if let Ok(embedded) = gigawatt_data::embedded_base(base, from_file) {
        return Ok(embedded);
    }
    let joined = Path::new(from_file)
        .parent()
        .unwrap_or(Path::new(""))
        .join(base);
    let mut path = std::path::PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    path.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                path.pop();
            }
            other => path.push(other),
        }
    }
    let file = path.display().to_string();
    let source = read_text_bounded(&path, MAX_SCENARIO_FILE_BYTES).map_err(|e| {
        format!(
            "not an embedded scenario ({}), and cannot read `{file}`: {e}",
            embedded_names()
        )
    })?;
    Ok((file, source))
}

/// Largest strategy spec file read, bytes: a spec is a line or a few dozen; anything near this is
/// not a spec (or is `/dev/zero`), and is refused before it fills memory or an error message.
pub const MAX_SPEC_FILE_BYTES: u64 = 1 << 20;
/// Largest scenario or configuration file read, bytes (the shipped scenarios are ~30 KB).
pub const MAX_SCENARIO_FILE_BYTES: u64 = 16 << 20;

/// The text of the file at `path`, refused (`InvalidData`, saying so) when it is longer than
/// `limit_bytes` or is not UTF-8. Reads at most one byte past the limit, so a device that never ends
/// is refused too.
pub fn read_text_bounded(path: &Path, limit_bytes: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(limit_bytes + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit_bytes {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "longer than {} bytes, the limit for this kind of file",
                limit_bytes
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()))
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

/// Whether a strategy argument is a file rather than a spec: it names an existing path, or ends in
/// `.ron` (so that a missing spec file is reported as such, not as an unknown strategy).
pub fn is_spec_file(text: &str) -> bool {
    text.ends_with(".ron") || Path::new(text).exists()
}

/// The spec text a strategy argument stands for: the file's content when [`is_spec_file`], the
/// argument itself otherwise. Specs in files may span lines and carry `//` comments.
pub fn spec_text(text: &str) -> Result<String, std::io::Error> {
    if is_spec_file(text) {
        read_text_bounded(Path::new(text), MAX_SPEC_FILE_BYTES)
    } else {
        Ok(text.to_string())
    }
}

/// Build the strategy a seat's argument names (a spec or a spec file); errors name the `--agent`.
pub fn build_strategy(nation: &str, text: &str) -> Result<Box<dyn Strategy>, InputError> {
    let spec = spec_text(text).map_err(|error| InputError::SpecRead {
        nation: nation.to_string(),
        path: text.to_string(),
        error,
    })?;
    gigawatt_agents::build(&spec).map_err(|error| InputError::UnknownStrategy {
        nation: nation.to_string(),
        spec: text.to_string(),
        error: Box::new(error),
    })
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
        .map(|(nation, spec)| build_strategy(nation, spec))
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
        assert_eq!(
            AgentArg::parse("usa=random").ok(),
            Some(agent("usa", "random"))
        );
        assert_eq!(
            AgentArg::parse(" chn = status-quo ").ok(),
            Some(agent("chn", "status-quo"))
        );
        // Only the first `=` splits: the rest belongs to the strategy spec.
        assert_eq!(AgentArg::parse("usa=x=y").ok(), Some(agent("usa", "x=y")));
    }

    #[test]
    fn rejects_malformed_agent_flags() {
        for bad in ["usa", "=random", "usa=", "=", "", "  =  "] {
            let err = AgentArg::parse(bad).expect_err(bad).to_string();
            assert!(err.contains("NATION=SPEC"), "{bad}: {err}");
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

    /// A file under the temp dir, removed when dropped.
    struct TempFile(std::path::PathBuf);

    impl TempFile {
        fn new(name: &str, content: &str) -> TempFile {
            let path =
                std::env::temp_dir().join(format!("gigawatt-inputs-{}-{name}", std::process::id()));
            std::fs::write(&path, content).expect("temp file");
            TempFile(path)
        }
        fn arg(&self) -> String {
            self.0.display().to_string()
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn specs_with_parameters_build_inline() {
        let s = build_strategy("usa", "parametric(compute_share: 0.6)").expect("valid");
        assert_eq!(s.name(), "parametric(compute_share: 0.6)");
    }

    #[test]
    fn a_spec_may_come_from_a_file() {
        let file = TempFile::new(
            "spec.ron",
            "// my doctrine\nbalanced(\n    gas_share: 0.5, // more gas\n)\n",
        );
        let s = build_strategy("usa", &file.arg()).expect("valid");
        assert_eq!(s.name(), "balanced(gas_share: 0.5)");
        // Any existing file counts, whatever its extension.
        let file = TempFile::new("spec.txt", "builder");
        assert_eq!(
            build_strategy("chn", &file.arg()).expect("valid").name(),
            "builder"
        );
    }

    #[test]
    fn an_endless_or_huge_spec_file_is_refused_without_reading_it_all() {
        // `/dev/zero` never ends: reading it whole would run out of memory.
        let err = spec_text("/dev/zero").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert!(
            err.to_string().contains("longer than 1048576 bytes"),
            "{err}"
        );
        let big = TempFile::new(
            "big-spec.ron",
            &"x".repeat(MAX_SPEC_FILE_BYTES as usize + 1),
        );
        assert_eq!(
            spec_text(&big.arg()).unwrap_err().kind(),
            std::io::ErrorKind::InvalidData
        );
        let fits = TempFile::new("fits-spec.ron", "status-quo");
        assert_eq!(spec_text(&fits.arg()).unwrap(), "status-quo");
    }

    #[test]
    fn an_unreadable_spec_file_is_named() {
        let err = build_strategy("usa", "/nonexistent/dir/plan.ron")
            .err()
            .expect("missing");
        assert!(matches!(err, InputError::SpecRead { .. }), "{err}");
        assert!(
            err.to_string().contains("`/nonexistent/dir/plan.ron`"),
            "{err}"
        );
    }

    #[test]
    fn registry_errors_keep_the_valid_names_and_ranges() {
        let err = build_strategy("usa", "builder(gas: 1)")
            .err()
            .expect("unknown");
        let text = err.to_string();
        assert!(
            text.starts_with("--agent usa=builder(gas: 1): ")
                && text.contains("`gas`")
                && text.contains("gas_share (0..=1)"),
            "{text}"
        );
        let file = TempFile::new("bad.ron", "scaler(training_share: 0.99)");
        let text = build_strategy("usa", &file.arg())
            .err()
            .expect("range")
            .to_string();
        assert!(
            text.contains("0.99") && text.contains("0.05..=0.95"),
            "{text}"
        );
    }
}

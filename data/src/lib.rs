//! Gigawatt's embedded data: the default scenarios (RON) and their sources (`data/SOURCES.md`).
//!
//! Every number in a scenario file has its public source named in `SOURCES.md`. A scenario may
//! inherit from another (`world-2025` names `us-china-2025` as its base); parse them with a
//! resolver such as [`embedded_base`].

/// A scenario shipped inside the binary.
#[derive(Clone, Copy, Debug)]
pub struct EmbeddedScenario {
    /// The name used on the command line, e.g. `us-china-2025`.
    pub name: &'static str,
    /// Path of the file within the repository, for error messages.
    pub file: &'static str,
    pub source: &'static str,
}

/// The scenario a tournament or a game uses when none is named.
pub const DEFAULT_SCENARIO: &str = "us-china-2025";

pub const SCENARIOS: &[EmbeddedScenario] = &[
    EmbeddedScenario {
        name: "us-china-2025",
        file: "data/scenarios/us-china-2025.ron",
        source: include_str!("../scenarios/us-china-2025.ron"),
    },
    EmbeddedScenario {
        name: "world-2025",
        file: "data/scenarios/world-2025.ron",
        source: include_str!("../scenarios/world-2025.ron"),
    },
];

/// Look up an embedded scenario by name.
pub fn scenario(name: &str) -> Option<&'static EmbeddedScenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}

/// Finds an embedded scenario named as a base (`base: "us-china-2025"`): its file name and text,
/// or why not. The form of the engine's resolver (`gigawatt_engine::inherit`); `_from_file`, the
/// file that names the base, does not matter to embedded names.
pub fn embedded_base(name: &str, _from_file: &str) -> Result<(String, String), String> {
    scenario(name)
        .map(|s| (s.file.to_string(), s.source.to_string()))
        .ok_or_else(|| {
            let known: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
            format!(
                "no embedded scenario has this name; embedded scenarios: {}",
                known.join(", ")
            )
        })
}

/// The sources of every number, as shipped.
pub const SOURCES_MD: &str = include_str!("../SOURCES.md");

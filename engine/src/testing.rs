//! Fixtures for the tests of every crate (feature `test-support`, enabled by the crates' dev
//! dependencies only): one place for what each test file used to copy.

use std::sync::{Arc, OnceLock};

use crate::scenario::Scenario;

/// An embedded scenario by name, parsed and validated (panics with the reason otherwise: a fixture
/// that does not load is a broken build, not bad user input).
pub fn embedded(name: &str) -> Scenario {
    let e =
        gigawatt_data::scenario(name).unwrap_or_else(|| panic!("no embedded scenario `{name}`"));
    crate::inherit::parse_scenario_with(e.file, e.source, &gigawatt_data::embedded_base)
        .unwrap_or_else(|errors| panic!("embedded scenario `{name}` is invalid:\n{errors}"))
}

/// The default scenario (`us-china-2025`), parsed once per process.
pub fn default_scenario() -> Arc<Scenario> {
    static SCENARIO: OnceLock<Arc<Scenario>> = OnceLock::new();
    SCENARIO
        .get_or_init(|| Arc::new(embedded(gigawatt_data::DEFAULT_SCENARIO)))
        .clone()
}

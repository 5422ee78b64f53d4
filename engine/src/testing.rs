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

/// The text of an embedded scenario (one that names no base) with every distribution written as its
/// central value: a valid scenario with nothing uncertain, for tests of what needs uncertainty.
pub fn point_scenario_text(name: &str) -> String {
    let e =
        gigawatt_data::scenario(name).unwrap_or_else(|| panic!("no embedded scenario `{name}`"));
    let u = crate::parse_uncertain_scenario(e.file, e.source)
        .unwrap_or_else(|errors| panic!("embedded scenario `{name}` is invalid:\n{errors}"));
    let scan = crate::ron_locate::Locations::scan(e.source);
    let mut text: Vec<char> = e.source.chars().collect();
    for call in scan.calls().iter().rev() {
        let central = u
            .uncertainties
            .iter()
            .find(|x| x.path == call.path)
            .expect("a distribution per call")
            .distribution
            .central();
        // Whole numbers without a fraction: integer fields refuse `24.0`.
        let value = if central.fract() == 0.0 {
            format!("{}", central as i64)
        } else {
            format!("{central:?}")
        };
        text.splice(call.start_char..call.end_char, value.chars());
    }
    text.into_iter().collect()
}

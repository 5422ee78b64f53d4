//! `world-2025` inherits from `us-china-2025`: it must parse to exactly the scenario, and the
//! uncertain scenario, that the full file written out gave before it inherited
//! (`fixtures/world-2025.expected.json`, written from that file).

use gigawatt_engine::{parse_scenario_with, parse_uncertain_scenario_with};
use serde_json::{Value, json};

fn expected() -> Value {
    serde_json::from_str(include_str!("fixtures/world-2025.expected.json")).expect("fixture")
}

#[test]
fn world_2025_inherits_and_parses_as_the_full_file_did() {
    let e = gigawatt_data::scenario("world-2025").expect("embedded");
    assert!(
        gigawatt_engine::inherit::inherits(e.source),
        "world-2025 names a base"
    );
    let expected = expected();
    let scenario =
        parse_scenario_with(e.file, e.source, &gigawatt_data::embedded_base).expect("valid");
    assert_eq!(
        serde_json::to_value(&scenario).expect("serialises"),
        expected["scenario"]
    );
    let u = parse_uncertain_scenario_with(e.file, e.source, &gigawatt_data::embedded_base)
        .expect("valid");
    assert_eq!(*u.central, scenario);
    let uncertainties: Vec<Value> = u
        .uncertainties
        .iter()
        .map(|x| {
            json!({
                "path": x.path,
                "distribution": format!("{:?}", x.distribution),
                "factor": x.factor.as_ref().map(|(n, r)| format!("{}{n}", if *r { "-" } else { "" })),
                "integer": x.integer,
            })
        })
        .collect();
    // Same fields, same distributions and factors, in the same order (the columns of worlds.csv).
    assert_eq!(Value::Array(uncertainties), expected["uncertainties"]);
}

#[test]
fn without_a_resolver_the_base_field_is_an_error() {
    let e = gigawatt_data::scenario("world-2025").expect("embedded");
    let errors = gigawatt_engine::parse_scenario(e.file, e.source).expect_err("needs its base");
    assert_eq!(errors.0.len(), 1);
    assert_eq!(errors.0[0].file, e.file);
    assert_eq!(errors.0[0].path, "base");
}

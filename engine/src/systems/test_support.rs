//! Fixtures shared by the systems' unit tests: the embedded default scenario and a world built from it.

use std::sync::{Arc, OnceLock};

use bevy_ecs::prelude::*;

use crate::resources::Roster;
use crate::scenario::Scenario;

/// The embedded `us-china-2025` scenario, parsed once.
pub fn scenario() -> Scenario {
    static SCENARIO: OnceLock<Scenario> = OnceLock::new();
    SCENARIO
        .get_or_init(|| {
            let e = gigawatt_data::scenario("us-china-2025").expect("embedded scenario");
            crate::inherit::parse_scenario(e.file, e.source).expect("valid scenario")
        })
        .clone()
}

/// The month-0 world of the scenario after `change`.
pub fn world_with(change: impl FnOnce(&mut Scenario)) -> World {
    let mut s = scenario();
    change(&mut s);
    let months = s.horizon_months;
    let mut world = World::new();
    crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
    crate::world::spawn_initial(&mut world);
    world
}

pub fn world() -> World {
    let s = scenario();
    let months = s.horizon_months;
    let mut world = World::new();
    crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
    crate::world::spawn_initial(&mut world);
    world
}

pub fn nation(world: &World, n: usize) -> Entity {
    world.resource::<Roster>().nations[n]
}

pub fn lab(world: &World, l: usize) -> Entity {
    world.resource::<Roster>().labs[l]
}

#[track_caller]
pub fn assert_close(actual: f64, expected: f64) {
    let tolerance = 1e-12 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} != {expected}"
    );
}

/// A policy with nothing in force: regulation as today, out of the accord, no drilling, no controls,
/// no subsidy, no queue reform.
pub fn plain_policy() -> crate::components::Policy {
    crate::components::Policy::nothing_in_force()
}

//! Gigawatt's world model: the AI race between nations as an industrial race for compute, chips and
//! gigawatts. One turn is a month; systems run in a fixed, chained order (see [`schedule`]); strategies
//! play through [`Strategy`]; [`Match`] runs a game and reports an [`Outcome`].
//!
//! The engine does no I/O beyond parsing: callers hand it scenario text and get results back.

pub use bevy_ecs;
pub mod components;
pub mod curves;
pub mod inherit;
pub mod invariants;
pub mod observation;
pub mod orders;
pub mod outcome;
pub mod prelude;
pub mod resources;
pub(crate) mod ron_locate;
pub mod rules;
pub mod runner;
pub mod scaling;
pub mod scenario;
pub(crate) mod schedule;
pub mod snapshot;
pub mod strategy;
pub mod systems;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod uncertainty;
pub mod validate;
pub(crate) mod world;

pub use inherit::{parse_scenario, parse_uncertain_scenario};
pub use inherit::{parse_scenario_with, parse_uncertain_scenario_with};
pub use observation::Observation;
pub use orders::{Order, Orders, PolicyChange, PowerSupply, RejectReason, Rejection};
pub use outcome::{DecidedBy, Fault, NationOutcome, Outcome, SeatState};
pub use runner::{Fallback, Match, MatchError, TraceRow};
pub use scenario::{PlantKind, Scenario};
pub use snapshot::Snapshot;
pub use strategy::Strategy;
pub use uncertainty::UncertainScenario;
pub use validate::{ScenarioError, ScenarioErrors};

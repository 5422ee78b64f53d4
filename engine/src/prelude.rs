//! What a strategy or a harness needs, in one import: `use gigawatt_engine::prelude::*;`.
//!
//! The strategy API (observation in, orders out, the rules that judge them) and the match runner.
//! Internals (components, systems, resources) stay behind their modules.

pub use crate::inherit::{parse_scenario, parse_uncertain_scenario};
pub use crate::observation::{
    DatacenterView, LabView, NationView, Observation, ObservationData, PlantView, RivalView,
};
pub use crate::orders::{
    Lever, Order, Orders, PolicyChange, PowerSupply, Quantity, RejectReason, Rejection, Spending,
};
pub use crate::outcome::{DecidedBy, Fault, NationOutcome, Outcome, SeatState};
pub use crate::rules::{self, Standing};
pub use crate::runner::{Fallback, Match, MatchError, TraceRow};
pub use crate::scenario::{PlantKind, Scenario};
pub use crate::snapshot::Snapshot;
pub use crate::strategy::Strategy;
pub use crate::uncertainty::UncertainScenario;
pub use crate::validate::{ScenarioError, ScenarioErrors};

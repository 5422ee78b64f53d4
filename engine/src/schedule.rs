//! The turn schedule: one system per phase of the month, chained, single-threaded, with ambiguity
//! detection set to error so that two systems touching the same data can never run in an unstated
//! order.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

use crate::systems::*;

#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Turn;

/// Build the schedule of one turn. Every phase is chained after the previous one, so no two systems
/// run in an unstated order; `initialize` fails if that ever stops being true.
pub fn build_schedule() -> Schedule {
    let mut schedule = Schedule::new(Turn);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    // The systems are chained directly, in the order of the month's phases. (One `SystemSet` per
    // phase doubled the graph that building the schedule analyses, for no use.) Permitting has no
    // system of its own: construction counts it down in its walk over the plants
    // (`permitting::permit`), just before paying them.
    schedule.add_systems(
        (
            orders::apply_orders,
            budget::budget,
            construction::construction,
            interconnection::interconnection,
            dispatch::dispatch,
            chips::chips,
            compute::compute,
            research::research,
            capability::capability,
            economy::economy,
            emissions::emissions,
            victory::victory,
        )
            .chain(),
    );
    schedule
}

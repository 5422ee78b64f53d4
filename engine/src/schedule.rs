//! The turn schedule: one `SystemSet` per phase, chained, single-threaded, with ambiguity detection
//! set to error so that two systems touching the same data can never run in an unstated order.

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

use crate::systems::*;

#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Turn;

/// The phases of a month, in order.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    ApplyOrders,
    Budget,
    Permitting,
    Construction,
    Interconnection,
    Dispatch,
    Chips,
    Compute,
    Research,
    Capability,
    Economy,
    Emissions,
    Victory,
}

impl Phase {
    pub const ALL: [Phase; 13] = [
        Phase::ApplyOrders,
        Phase::Budget,
        Phase::Permitting,
        Phase::Construction,
        Phase::Interconnection,
        Phase::Dispatch,
        Phase::Chips,
        Phase::Compute,
        Phase::Research,
        Phase::Capability,
        Phase::Economy,
        Phase::Emissions,
        Phase::Victory,
    ];
}

/// Build the schedule of one turn. Every phase is chained after the previous one, so no two systems
/// run in an unstated order; `initialize` fails if that ever stops being true.
pub fn build_schedule() -> Schedule {
    let mut schedule = Schedule::new(Turn);
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    schedule.configure_sets(
        (
            Phase::ApplyOrders,
            Phase::Budget,
            Phase::Permitting,
            Phase::Construction,
            Phase::Interconnection,
            Phase::Dispatch,
            Phase::Chips,
            Phase::Compute,
            Phase::Research,
            Phase::Capability,
            Phase::Economy,
            Phase::Emissions,
            Phase::Victory,
        )
            .chain(),
    );
    schedule.add_systems((
        orders::apply_orders.in_set(Phase::ApplyOrders),
        budget::budget.in_set(Phase::Budget),
        permitting::permitting.in_set(Phase::Permitting),
        construction::construction.in_set(Phase::Construction),
        interconnection::interconnection.in_set(Phase::Interconnection),
        dispatch::dispatch.in_set(Phase::Dispatch),
        chips::chips.in_set(Phase::Chips),
        compute::compute.in_set(Phase::Compute),
        research::research.in_set(Phase::Research),
        capability::capability.in_set(Phase::Capability),
        economy::economy.in_set(Phase::Economy),
        emissions::emissions.in_set(Phase::Emissions),
        victory::victory.in_set(Phase::Victory),
    ));
    schedule
}

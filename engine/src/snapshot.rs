//! Snapshots: the whole state of a game between two turns as a versioned serde value. Restoring one
//! rebuilds the world from it, so a resumed game is bit-identical to one that never stopped.
//!
//! The snapshot is an explicit struct rather than a dump of the ECS: its layout is a compatibility
//! promise (`SNAPSHOT_VERSION`), entity ids are not part of it, and restoring rebuilds the roster
//! (plants and datacenters in id order) that every system walks.

use serde::{Deserialize, Serialize};

use crate::components::*;
use crate::orders::Rejection;
use crate::outcome::{Fault, SeatState};
use crate::resources::*;

use crate::scenario::Scenario;

/// Snapshot format version; bump when the layout changes (3: rejection reasons are typed).
pub const SNAPSHOT_VERSION: u32 = 3;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NationState {
    pub nation: Nation,
    pub treasury: Treasury,
    pub fleet: Fleet,
    pub grid: Grid,
    pub power: Power,
    pub policy: Policy,
    pub market: ChipMarket,
    pub emissions: Emissions,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabState {
    pub lab: Lab,
    pub compute: LabCompute,
    pub model: LabModel,
    pub finance: LabFinance,
}

/// Everything needed to resume a game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    pub scenario: String,
    /// Fingerprint of the scenario's content; a snapshot only restores onto the same scenario.
    pub scenario_fingerprint: u64,
    pub seed: u64,
    pub months: u32,
    pub clock: Clock,
    pub world_rng: RngState,
    /// The spec each seat started with.
    pub strategies: Vec<String>,
    pub strategy_rngs: Vec<RngState>,
    pub strategy_states: Vec<String>,
    pub seats: Vec<SeatState>,
    pub invalid_streaks: Vec<u32>,
    pub capability_by_year: Vec<Vec<f64>>,
    pub faults: Vec<Fault>,
    pub ids: IdCounter,
    pub victory: Victory,
    pub rest_of_world: RestOfWorld,
    pub rejections: Vec<Vec<Rejection>>,
    pub rejections_total: Vec<u32>,
    pub nations: Vec<NationState>,
    pub labs: Vec<LabState>,
    pub plants: Vec<PowerPlant>,
    pub datacenters: Vec<Datacenter>,
}

/// FNV-1a over the scenario's canonical RON text: stable across runs and machines.
pub fn scenario_fingerprint(scenario: &Scenario) -> u64 {
    // A scenario is plain data (numbers, strings, lists, structs): it always serialises.
    let text = ron::to_string(scenario).expect("a scenario serialises to RON");
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Serialise a snapshot as RON text.
pub fn to_ron(snapshot: &Snapshot) -> Result<String, ron::Error> {
    ron::to_string(snapshot)
}

/// Read a snapshot from RON text.
pub fn from_ron(text: &str) -> Result<Snapshot, ron::error::SpannedError> {
    ron::from_str(text)
}

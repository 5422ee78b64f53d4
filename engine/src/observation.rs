//! What a strategy sees each month: its own nation in full, what is public about rivals, and the
//! orders it had rejected last month with the reasons.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::components::{DatacenterStage, KINDS, PlantStage, Policy};
use crate::curves::Curves;
use crate::orders::Rejection;
use crate::scenario::{PlantKind, Scenario};
use crate::snapshot::Snapshot;

#[derive(Clone, Debug)]
pub struct Observation {
    pub month: u32,
    /// Calendar year and month (1–12) of this turn.
    pub year: i32,
    pub month_of_year: u32,
    /// Months in this game (the horizon).
    pub months_total: u32,
    /// Index of the observing nation in the scenario.
    pub nation: usize,
    pub scenario: Arc<Scenario>,
    /// The scenario's trends tabulated by month ([`Curves::global`]: chips' power draw and price,
    /// …): the same numbers as the scenario's formulas, looked up instead of computed again.
    pub curves: Arc<Curves>,
    pub own: NationView,
    pub labs: Vec<LabView>,
    /// Plants not yet folded into the fleet, and all behind-the-meter plants.
    pub plants: Vec<PlantView>,
    /// Datacenters under construction, waiting for power, or behind the meter.
    pub datacenters: Vec<DatacenterView>,
    pub rivals: Vec<RivalView>,
    pub rejected: Vec<Rejection>,
    /// The whole world before this month's orders, when the strategy asked for it
    /// ([`crate::Strategy::wants_snapshot`]): restore it with [`crate::Match::restore`] to simulate
    /// ahead.
    pub snapshot: Option<Arc<Snapshot>>,
}

/// An [`Observation`] as plain data for another language (JSON by serde): everything but the
/// scenario, which such a strategy is sent once, and the snapshot. Field names are a public
/// interface (`docs/protocol.md`).
#[derive(Clone, Debug, Serialize)]
pub struct ObservationData<'a> {
    pub month: u32,
    pub year: i32,
    pub month_of_year: u32,
    pub months_total: u32,
    pub nation: usize,
    pub nation_id: &'a str,
    pub own: &'a NationView,
    pub labs: &'a [LabView],
    pub plants: &'a [PlantView],
    pub datacenters: &'a [DatacenterView],
    pub rivals: &'a [RivalView],
    pub rejected: &'a [Rejection],
}

impl Observation {
    /// This observation as plain data ([`ObservationData`]).
    pub fn data(&self) -> ObservationData<'_> {
        ObservationData {
            month: self.month,
            year: self.year,
            month_of_year: self.month_of_year,
            months_total: self.months_total,
            nation: self.nation,
            nation_id: self.nation_id(),
            own: &self.own,
            labs: &self.labs,
            plants: &self.plants,
            datacenters: &self.datacenters,
            rivals: &self.rivals,
            rejected: &self.rejected,
        }
    }

    pub fn nation_id(&self) -> &str {
        &self.scenario.nations[self.nation].id
    }
    /// Months left in the game after this one.
    pub fn months_left(&self) -> u32 {
        self.months_total.saturating_sub(self.month + 1)
    }
}

/// The observing nation, in full.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NationView {
    pub treasury_usd: f64,
    /// Budget inflow last month, USD.
    pub inflow_month_usd: f64,
    pub debt_usd: f64,
    pub fleet_mw: [f64; KINDS],
    /// MW of each kind that may still start construction this calendar year.
    pub starts_left_mw: [f64; KINDS],
    pub firm_supply_mw: f64,
    pub baseline_demand_mw: f64,
    pub datacenter_demand_mw: f64,
    pub datacenter_powered_fraction: f64,
    /// Firm supply not needed by baseline or datacenters, MW (negative in a shortfall).
    pub spare_supply_mw: f64,
    pub interconnection_queue_mw: f64,
    pub interconnection_mw_per_month: f64,
    /// Months a plant requesting interconnection now would wait for the queue ahead of it.
    pub queue_wait_months: f64,
    pub policy: Policy,
    /// H100e the nation may still buy this month and their price.
    pub chips_available_h100e: f64,
    pub chip_price_usd_per_h100e: f64,
    pub chip_import_share: f64,
    pub emissions_total_mtco2: f64,
    pub capacity_built_mw: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LabView {
    /// Index of the lab in the scenario (the `lab` of orders).
    pub index: usize,
    pub id: String,
    pub capital_usd: f64,
    pub h100e: f64,
    pub hosted_h100e: f64,
    pub powered_h100e: f64,
    /// H100e ordered and not yet delivered.
    pub h100e_on_order: f64,
    pub it_kw_per_h100e: f64,
    pub grid_it_mw: f64,
    pub dedicated_it_mw: f64,
    pub training_share: f64,
    pub training_flop_month: f64,
    pub inference_flop_month: f64,
    pub algorithmic_efficiency: f64,
    pub largest_run_flop: f64,
    pub data_stock_tokens: f64,
    pub capability: f64,
    pub revenue_month_usd: f64,
    pub national_share: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct PlantView {
    pub id: u32,
    pub kind: PlantKind,
    pub capacity_mw: f64,
    pub stage: PlantStage,
    pub months_left: u32,
    pub dedicated_to: Option<u32>,
    pub interconnected: bool,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct DatacenterView {
    pub id: u32,
    pub lab: usize,
    pub it_mw: f64,
    pub stage: DatacenterStage,
    pub months_left: u32,
    pub dedicated: bool,
    /// MW of dedicated plants tied to it (any stage).
    pub dedicated_plant_mw: f64,
    pub powered_fraction: f64,
}

/// What everyone can see about another nation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RivalView {
    pub nation: usize,
    pub id: String,
    pub generation_mw: f64,
    pub datacenter_it_mw: f64,
    pub h100e: f64,
    pub best_capability: f64,
    pub largest_run_flop: f64,
    pub policy: Policy,
    /// Whether it imposes export controls on the observer.
    pub controls_on_us: bool,
}

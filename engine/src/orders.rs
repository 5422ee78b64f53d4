//! Orders: what a strategy asks its nation to do this month.
//!
//! Every order is checked whole before anything is applied: one that breaks a rule or does not fit the
//! treasury is rejected with a [`Rejection`] that the strategy sees next month. Nothing is ever
//! applied halfway.

use serde::{Deserialize, Serialize};

use crate::observation::Observation;
use crate::scenario::PlantKind;
use crate::systems::orders::{MAX_CHIP_ORDER_H100E, MAX_PROJECT_MW};

/// Where a datacenter gets its power.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PowerSupply {
    /// From the grid: no wait for a connection, but throttled when the nation's firm supply runs short.
    Grid,
    /// From plants built behind the meter for this datacenter (see [`Order::BuildPlant`]).
    Dedicated,
}

/// One typed order. Labs are named by their index in the scenario's lab list; datacenters by the id
/// the engine gave them (see [`crate::observation::DatacenterView::id`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Order {
    /// Build a power plant. With `dedicated_to: Some(datacenter id)` the plant is behind the meter:
    /// it skips the interconnection queue, must be fossil or storage, costs a premium, and serves only
    /// that datacenter.
    BuildPlant {
        kind: PlantKind,
        capacity_mw: f64,
        dedicated_to: Option<u32>,
    },
    /// Build a datacenter of `it_mw` IT capacity for a lab of this nation.
    BuildDatacenter {
        lab: usize,
        it_mw: f64,
        supply: PowerSupply,
    },
    /// Buy chips (H100-equivalents) for a lab; they arrive after the delivery lead time.
    OrderChips { lab: usize, h100e: f64 },
    /// Pay a lab's research budget this month, USD.
    FundResearch { lab: usize, usd: f64 },
    /// Change a policy.
    SetPolicy(PolicyChange),
    /// Share of a lab's compute used for training (the rest serves inference and synthetic data).
    SetComputeSplit { lab: usize, training_share: f64 },
    /// Raise interconnection throughput by `mw_per_month` after the expansion lead time.
    ExpandGrid { mw_per_month: f64 },
}

/// A policy lever and its new setting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PolicyChange {
    /// 1 = today's regulation, 0 = fully deregulated.
    RegulationLevel(f64),
    /// `false` leaves the climate accord.
    ClimateAccord(bool),
    Drilling(bool),
    /// Impose (`true`) or lift export controls on a nation, by id. They cut only the chip origins
    /// this nation controls (see the scenario's `chip_origins`).
    ExportControls {
        target: String,
        imposed: bool,
    },
    /// Impose (`true`) or lift export controls on critical minerals (gallium, germanium, graphite,
    /// rare earths) to a nation: its chips and some plant kinds cost more until substitutes arrive.
    /// Weighted by this nation's share of world supply.
    MineralExportControls {
        target: String,
        imposed: bool,
    },
    /// Interconnection queue reform (cluster studies, as in FERC Order 2023): faster studies after
    /// the lead time.
    QueueReform(bool),
    /// Share of the monthly budget inflow passed to the nation's labs.
    LabSubsidy(f64),
}

/// All of a nation's orders for one month, applied in the order given.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Orders {
    pub orders: Vec<Order>,
}

impl Orders {
    pub fn none() -> Orders {
        Orders::default()
    }
    pub fn push(&mut self, order: Order) -> &mut Self {
        self.orders.push(order);
        self
    }
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }
}

impl From<Vec<Order>> for Orders {
    fn from(orders: Vec<Order>) -> Orders {
        Orders { orders }
    }
}

/// An order the engine refused, with the reason, shown to the strategy the next month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub month: u32,
    /// Position of the order in that month's list.
    pub index: usize,
    pub order: Order,
    pub reason: String,
}

/// Largest research grant, USD (a sanity bound: about the world's GDP).
pub const MAX_RESEARCH_USD: f64 = 1.0e14;

impl Order {
    /// Why this order is not a real order at all (a number that is not finite, or beyond any real
    /// project), as opposed to one the rules refuse. A strategy returning one has faulted.
    pub fn absurdity(&self) -> Option<String> {
        let check = |what: &str, value: f64, max: f64| -> Option<String> {
            if !value.is_finite() {
                Some(format!("{what} is {value}"))
            } else if value.abs() > max {
                Some(format!(
                    "{what} of {value:e} is beyond any real project (at most {max:e})"
                ))
            } else {
                None
            }
        };
        match self {
            Order::BuildPlant { capacity_mw, .. } => {
                check("plant capacity (MW)", *capacity_mw, MAX_PROJECT_MW)
            }
            Order::BuildDatacenter { it_mw, .. } => {
                check("datacenter IT capacity (MW)", *it_mw, MAX_PROJECT_MW)
            }
            Order::OrderChips { h100e, .. } => {
                check("chip order (H100e)", *h100e, MAX_CHIP_ORDER_H100E)
            }
            Order::FundResearch { usd, .. } => {
                check("research funding (USD)", *usd, MAX_RESEARCH_USD)
            }
            Order::SetComputeSplit { training_share, .. } => {
                check("training share", *training_share, 1.0e3)
            }
            Order::ExpandGrid { mw_per_month } => {
                check("grid expansion (MW/month)", *mw_per_month, MAX_PROJECT_MW)
            }
            Order::SetPolicy(PolicyChange::RegulationLevel(level)) => {
                check("regulation level", *level, 1.0e3)
            }
            Order::SetPolicy(PolicyChange::LabSubsidy(share)) => {
                check("lab subsidy share", *share, 1.0e3)
            }
            Order::SetPolicy(_) => None,
        }
    }

    /// What this order would take out of the treasury if accepted now, USD.
    pub fn cost_usd(&self, observation: &Observation) -> f64 {
        let scenario = &observation.scenario;
        let spec = &scenario.nations[observation.nation];
        match self {
            Order::BuildPlant {
                kind,
                capacity_mw,
                dedicated_to,
            } => {
                let premium = if dedicated_to.is_some() {
                    1.0 + scenario.global.behind_the_meter_capex_premium
                } else {
                    1.0
                };
                capacity_mw * 1_000.0 * spec.plants.get(*kind).capex_usd_per_kw * premium
            }
            Order::BuildDatacenter { it_mw, .. } => {
                it_mw * scenario.global.datacenter_capex_usd_per_mw
            }
            Order::OrderChips { h100e, .. } => h100e * observation.own.chip_price_usd_per_h100e,
            Order::FundResearch { usd, .. } => *usd,
            Order::ExpandGrid { mw_per_month } => {
                mw_per_month * scenario.policies.grid_expansion_capex_usd_per_mw_month
            }
            Order::SetPolicy(_) | Order::SetComputeSplit { .. } => 0.0,
        }
    }
}

impl Orders {
    /// What all these orders would take out of the treasury if accepted now, USD.
    pub fn cost_usd(&self, observation: &Observation) -> f64 {
        self.orders.iter().map(|o| o.cost_usd(observation)).sum()
    }
}

//! Orders: what a strategy asks its nation to do this month.
//!
//! Every order is checked whole before anything is applied: one that breaks a rule or does not fit the
//! treasury is rejected with a [`Rejection`] that the strategy sees next month. Nothing is ever
//! applied halfway. The rules themselves (costs, legality) are in [`crate::rules`].

use serde::{Deserialize, Serialize};

use crate::scenario::PlantKind;

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
    pub reason: RejectReason,
}

/// Why the rules refused an order ([`crate::rules::check`]). `Display` gives the sentence a person
/// reads; code matches the variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RejectReason {
    /// A quantity that is not a finite number.
    NotFinite {
        quantity: Quantity,
        value: f64,
    },
    /// A quantity that must be positive and is not.
    NotPositive {
        quantity: Quantity,
        value: f64,
    },
    /// A share or level outside [0, max].
    OutOfRange {
        quantity: Quantity,
        max: f64,
        value: f64,
    },
    /// A project or order beyond any real one (see the bounds in [`crate::rules`]).
    BeyondAnyProject {
        quantity: Quantity,
        value: f64,
    },
    /// New coal while the nation is in the climate accord.
    CoalInClimateAccord,
    /// A kind that cannot be built behind the meter (only fossil and storage can).
    NotBehindTheMeter {
        kind: PlantKind,
    },
    NoDatacenter {
        id: u32,
    },
    DatacenterOfAnotherNation {
        id: u32,
    },
    /// A behind-the-meter plant for a grid-connected datacenter.
    DatacenterOnTheGrid {
        id: u32,
    },
    /// The year's equipment supply of this kind has less left than the order.
    EquipmentSupply {
        kind: PlantKind,
        left_mw: f64,
    },
    /// The treasury holds less than the order costs.
    Unaffordable {
        what: Spending,
        cost_usd: f64,
        treasury_usd: f64,
    },
    NoLab {
        lab: usize,
        labs: usize,
    },
    LabOfAnotherNation {
        lab: usize,
        lab_id: String,
        owner: String,
    },
    /// More chips than the nation may buy this month.
    ChipsUnavailable {
        available_h100e: f64,
    },
    NoNation {
        target: String,
        nations: Vec<String>,
    },
    /// Export controls of a nation on itself.
    OnItself {
        lever: Lever,
    },
}

/// The quantity of an order that a check refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Quantity {
    PlantCapacity,
    DatacenterItCapacity,
    ChipOrder,
    ResearchFunding,
    GridExpansion,
    TrainingShare,
    RegulationLevel,
    LabSubsidyShare,
}

/// What an unaffordable order would have bought.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Spending {
    Plant { kind: PlantKind, capacity_mw: f64 },
    Datacenter { it_mw: f64 },
    Chips { h100e: f64 },
    Research,
    GridExpansion,
}

/// A policy lever aimed at another nation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lever {
    ExportControls,
    MineralExportControls,
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Quantity::PlantCapacity => "plant capacity",
            Quantity::DatacenterItCapacity => "datacenter IT capacity",
            Quantity::ChipOrder => "chip order",
            Quantity::ResearchFunding => "research funding",
            Quantity::GridExpansion => "grid expansion",
            Quantity::TrainingShare => "training share",
            Quantity::RegulationLevel => "regulation level",
            Quantity::LabSubsidyShare => "lab subsidy share",
        })
    }
}

impl std::fmt::Display for Spending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Spending::Plant { kind, capacity_mw } => {
                write!(f, "a {capacity_mw:.0} MW {} plant", kind.name())
            }
            Spending::Datacenter { it_mw } => write!(f, "a {it_mw:.0} MW datacenter"),
            Spending::Chips { h100e } => write!(f, "{h100e:.0} H100e"),
            Spending::Research => f.write_str("research funding"),
            Spending::GridExpansion => f.write_str("grid expansion"),
        }
    }
}

impl std::fmt::Display for Lever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Lever::ExportControls => "export controls",
            Lever::MineralExportControls => "mineral export controls",
        })
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RejectReason::NotFinite { quantity, value } => {
                write!(f, "{quantity} is not a finite number ({value})")
            }
            RejectReason::NotPositive { quantity, value } => {
                write!(f, "{quantity} must be positive (got {value})")
            }
            RejectReason::OutOfRange {
                quantity,
                max,
                value,
            } => write!(f, "{quantity} must be between 0 and {max} (got {value})"),
            RejectReason::BeyondAnyProject { quantity, value } => match quantity {
                Quantity::PlantCapacity => write!(f, "a {value} MW plant is beyond any project"),
                Quantity::DatacenterItCapacity => {
                    write!(f, "a {value} MW datacenter is beyond any project")
                }
                Quantity::ChipOrder => write!(f, "an order of {value} H100e is beyond any supply"),
                Quantity::GridExpansion => {
                    write!(f, "grid expansion of {value} MW/month is beyond any grid")
                }
                other => write!(f, "{other} of {value} is beyond any project"),
            },
            RejectReason::CoalInClimateAccord => {
                f.write_str("new coal is barred while the nation is in the climate accord")
            }
            RejectReason::NotBehindTheMeter { kind } => write!(
                f,
                "{} cannot be built behind the meter (fossil or storage only)",
                kind.name()
            ),
            RejectReason::NoDatacenter { id } => write!(f, "no datacenter {id}"),
            RejectReason::DatacenterOfAnotherNation { id } => {
                write!(f, "datacenter {id} belongs to another nation")
            }
            RejectReason::DatacenterOnTheGrid { id } => write!(
                f,
                "datacenter {id} is grid-connected; behind-the-meter plants need a dedicated one"
            ),
            RejectReason::EquipmentSupply { kind, left_mw } => write!(
                f,
                "equipment supply allows only {left_mw:.0} MW more of {} to start this year",
                kind.name()
            ),
            RejectReason::Unaffordable {
                what,
                cost_usd,
                treasury_usd,
            } => write!(
                f,
                "{what} costs ${:.3}B but the treasury holds ${:.3}B",
                cost_usd / 1e9,
                treasury_usd / 1e9
            ),
            RejectReason::NoLab { lab, labs } => {
                write!(f, "no lab {lab} (the scenario has {labs} labs)")
            }
            RejectReason::LabOfAnotherNation { lab, lab_id, owner } => {
                write!(
                    f,
                    "lab {lab} ({lab_id}) belongs to {owner}, not to this nation"
                )
            }
            RejectReason::ChipsUnavailable { available_h100e } => write!(
                f,
                "only {available_h100e:.0} H100e are available to this nation this month"
            ),
            RejectReason::NoNation { target, nations } => {
                write!(f, "no nation `{target}` (nations: {})", nations.join(", "))
            }
            RejectReason::OnItself { lever } => {
                write!(f, "a nation cannot impose {lever} on itself")
            }
        }
    }
}

//! The rules of orders: what an order costs and whether it is legal, written once.
//!
//! [`check`] is the whole legality test of one order against a nation's [`Standing`] (its treasury,
//! equipment supply, chip quota, policy and projects): the `apply_orders` system calls it before
//! applying an order, and a strategy can call it on its [`Observation`] to know what would be
//! refused and why. The cost functions are the engine's own formulas, so a strategy that sizes an
//! order from a budget uses the same arithmetic as the treasury that pays for it.
//!
//! Checks run in a fixed order and the first that fails is the [`RejectReason`]: the order of the
//! checks is part of the rules (a refused order names one reason).
//!
//! Costs, USD:
//! - plant: `capacity_mw × 1000 × capex_usd_per_kw × (1 + behind_the_meter_capex_premium if
//!   dedicated)`, with the ordering nation's `capex_usd_per_kw` for the kind;
//! - datacenter: `it_mw × datacenter_capex_usd_per_mw`;
//! - chips: `h100e × the nation's chip price this month`;
//! - research: the grant itself;
//! - grid expansion: `mw_per_month × grid_expansion_capex_usd_per_mw_month`;
//! - policy and compute split: free.

use crate::observation::Observation;
use crate::orders::{Lever, Order, PolicyChange, Quantity, RejectReason, Spending};
use crate::scenario::{PlantKind, Scenario};

/// Largest single project the engine accepts, MW (a sanity bound on absurd orders, ~the US fleet).
pub const MAX_PROJECT_MW: f64 = 1.0e6;
/// Largest single chip order, H100e.
pub const MAX_CHIP_ORDER_H100E: f64 = 1.0e10;
/// Largest research grant, USD (a sanity bound: about the world's GDP).
pub const MAX_RESEARCH_USD: f64 = 1.0e14;

/// A datacenter as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DatacenterFacts {
    pub nation: usize,
    /// Built for behind-the-meter plants (`PowerSupply::Dedicated`).
    pub dedicated: bool,
}

/// What the rules need to know about the ordering nation, as things stand before the order.
pub trait Standing {
    fn scenario(&self) -> &Scenario;
    /// Index of the ordering nation in the scenario.
    fn nation(&self) -> usize;
    fn treasury_usd(&self) -> f64;
    /// MW of `kind` that may still start construction this calendar year.
    fn starts_left_mw(&self, kind: PlantKind) -> f64;
    fn in_climate_accord(&self) -> bool;
    /// H100e the nation may still buy this month, and their price.
    fn chips_available_h100e(&self) -> f64;
    fn chip_price_usd_per_h100e(&self) -> f64;
    /// The nation of lab `lab`, or `None` if there is no such lab.
    fn lab_nation(&self, lab: usize) -> Option<usize> {
        let scenario = self.scenario();
        scenario
            .labs
            .get(lab)
            .and_then(|l| scenario.nation_index(&l.nation))
    }
    /// The datacenter with this id, or `None` if the nation cannot see one.
    fn datacenter(&self, id: u32) -> Option<DatacenterFacts>;
}

/// A strategy's view: its own nation as the observation shows it. Only the nation's own datacenters
/// are in an observation, so an order naming another nation's datacenter is refused here as
/// [`RejectReason::NoDatacenter`] where the engine says [`RejectReason::DatacenterOfAnotherNation`].
impl Standing for Observation {
    fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    fn nation(&self) -> usize {
        self.nation
    }
    fn treasury_usd(&self) -> f64 {
        self.own.treasury_usd
    }
    fn starts_left_mw(&self, kind: PlantKind) -> f64 {
        self.own.starts_left_mw[kind.index()]
    }
    fn in_climate_accord(&self) -> bool {
        self.own.policy.in_climate_accord
    }
    fn chips_available_h100e(&self) -> f64 {
        self.own.chips_available_h100e
    }
    fn chip_price_usd_per_h100e(&self) -> f64 {
        self.own.chip_price_usd_per_h100e
    }
    fn datacenter(&self, id: u32) -> Option<DatacenterFacts> {
        self.datacenters
            .iter()
            .find(|d| d.id == id)
            .map(|d| DatacenterFacts {
                nation: self.nation,
                dedicated: d.dedicated,
            })
    }
}

/// Time multiplier of deregulation: 1 at regulation level 1, `floor` at level 0.
pub fn regulation_factor(level: f64, floor: f64) -> f64 {
    floor + (1.0 - floor) * level
}

/// Capex of one MW of `kind` for `nation`, USD/MW, with the behind-the-meter premium if `dedicated`.
pub fn plant_capex_usd_per_mw(
    scenario: &Scenario,
    nation: usize,
    kind: PlantKind,
    dedicated: bool,
) -> f64 {
    scenario.nations[nation].plants.get(kind).capex_usd_per_kw
        * 1_000.0
        * premium(scenario, dedicated)
}

/// Capex of a plant order, USD. (Multiplied in this order, as the engine always has: results are
/// pinned bit for bit.)
pub fn plant_capex_usd(
    scenario: &Scenario,
    nation: usize,
    kind: PlantKind,
    capacity_mw: f64,
    dedicated: bool,
) -> f64 {
    capacity_mw
        * 1_000.0
        * scenario.nations[nation].plants.get(kind).capex_usd_per_kw
        * premium(scenario, dedicated)
}

fn premium(scenario: &Scenario, dedicated: bool) -> f64 {
    if dedicated {
        1.0 + scenario.global.behind_the_meter_capex_premium
    } else {
        1.0
    }
}

/// Capex of one MW of datacenter IT capacity, USD/MW.
pub fn datacenter_capex_usd_per_mw(scenario: &Scenario) -> f64 {
    scenario.global.datacenter_capex_usd_per_mw
}

/// Capex of one MW/month of interconnection throughput, USD.
pub fn grid_expansion_capex_usd_per_mw_month(scenario: &Scenario) -> f64 {
    scenario.policies.grid_expansion_capex_usd_per_mw_month
}

/// What `order` would take out of the treasury if accepted now, USD (0 for a free order), whether
/// or not it is legal.
pub fn cost_usd(standing: &impl Standing, order: &Order) -> f64 {
    let scenario = standing.scenario();
    match order {
        Order::BuildPlant {
            kind,
            capacity_mw,
            dedicated_to,
        } => plant_capex_usd(
            scenario,
            standing.nation(),
            *kind,
            *capacity_mw,
            dedicated_to.is_some(),
        ),
        Order::BuildDatacenter { it_mw, .. } => it_mw * datacenter_capex_usd_per_mw(scenario),
        Order::OrderChips { h100e, .. } => h100e * standing.chip_price_usd_per_h100e(),
        Order::FundResearch { usd, .. } => *usd,
        Order::ExpandGrid { mw_per_month } => {
            mw_per_month * grid_expansion_capex_usd_per_mw_month(scenario)
        }
        Order::SetPolicy(_) | Order::SetComputeSplit { .. } => 0.0,
    }
}

/// Whether `order` is legal for the nation as it stands; `Ok` carries its cost, USD (see
/// [`cost_usd`]). The engine applies an order only after this returns `Ok`.
pub fn check(standing: &impl Standing, order: &Order) -> Result<f64, RejectReason> {
    let scenario = standing.scenario();
    let cost = || cost_usd(standing, order);
    match order {
        Order::BuildPlant {
            kind,
            capacity_mw,
            dedicated_to,
        } => {
            let capacity_mw = *capacity_mw;
            finite_positive(capacity_mw, Quantity::PlantCapacity)?;
            beyond(capacity_mw, MAX_PROJECT_MW, Quantity::PlantCapacity)?;
            if *kind == PlantKind::Coal && standing.in_climate_accord() {
                return Err(RejectReason::CoalInClimateAccord);
            }
            if let Some(id) = *dedicated_to {
                if !kind.allowed_behind_the_meter() {
                    return Err(RejectReason::NotBehindTheMeter { kind: *kind });
                }
                match standing.datacenter(id) {
                    None => return Err(RejectReason::NoDatacenter { id }),
                    Some(d) if d.nation != standing.nation() => {
                        return Err(RejectReason::DatacenterOfAnotherNation { id });
                    }
                    Some(d) if !d.dedicated => {
                        return Err(RejectReason::DatacenterOnTheGrid { id });
                    }
                    Some(_) => {}
                }
            }
            let left_mw = standing.starts_left_mw(*kind);
            if capacity_mw > left_mw {
                return Err(RejectReason::EquipmentSupply {
                    kind: *kind,
                    left_mw: left_mw.max(0.0),
                });
            }
            afford(
                standing,
                cost(),
                Spending::Plant {
                    kind: *kind,
                    capacity_mw,
                },
            )
        }
        Order::BuildDatacenter { lab, it_mw, .. } => {
            own_lab(standing, *lab)?;
            finite_positive(*it_mw, Quantity::DatacenterItCapacity)?;
            beyond(*it_mw, MAX_PROJECT_MW, Quantity::DatacenterItCapacity)?;
            afford(standing, cost(), Spending::Datacenter { it_mw: *it_mw })
        }
        Order::OrderChips { lab, h100e } => {
            own_lab(standing, *lab)?;
            finite_positive(*h100e, Quantity::ChipOrder)?;
            beyond(*h100e, MAX_CHIP_ORDER_H100E, Quantity::ChipOrder)?;
            let available_h100e = standing.chips_available_h100e();
            if *h100e > available_h100e {
                return Err(RejectReason::ChipsUnavailable { available_h100e });
            }
            afford(standing, cost(), Spending::Chips { h100e: *h100e })
        }
        Order::FundResearch { lab, usd } => {
            own_lab(standing, *lab)?;
            finite_positive(*usd, Quantity::ResearchFunding)?;
            afford(standing, cost(), Spending::Research)
        }
        Order::SetComputeSplit {
            lab,
            training_share,
        } => {
            own_lab(standing, *lab)?;
            fraction(*training_share, Quantity::TrainingShare, 1.0)?;
            Ok(0.0)
        }
        Order::ExpandGrid { mw_per_month } => {
            finite_positive(*mw_per_month, Quantity::GridExpansion)?;
            beyond(*mw_per_month, MAX_PROJECT_MW, Quantity::GridExpansion)?;
            afford(standing, cost(), Spending::GridExpansion)
        }
        Order::SetPolicy(change) => {
            match change {
                PolicyChange::RegulationLevel(level) => {
                    fraction(*level, Quantity::RegulationLevel, 1.0)?;
                }
                PolicyChange::ExportControls { target, .. } => {
                    other_nation(standing, target, Lever::ExportControls)?;
                }
                PolicyChange::MineralExportControls { target, .. } => {
                    other_nation(standing, target, Lever::MineralExportControls)?;
                }
                PolicyChange::LabSubsidy(share) => {
                    fraction(
                        *share,
                        Quantity::LabSubsidyShare,
                        scenario.policies.max_subsidy_share,
                    )?;
                }
                PolicyChange::ClimateAccord(_)
                | PolicyChange::Drilling(_)
                | PolicyChange::QueueReform(_) => {}
            }
            Ok(0.0)
        }
    }
}

fn finite_positive(value: f64, quantity: Quantity) -> Result<(), RejectReason> {
    if !value.is_finite() {
        return Err(RejectReason::NotFinite { quantity, value });
    }
    if value <= 0.0 {
        return Err(RejectReason::NotPositive { quantity, value });
    }
    Ok(())
}

fn beyond(value: f64, max: f64, quantity: Quantity) -> Result<(), RejectReason> {
    if value > max {
        return Err(RejectReason::BeyondAnyProject { quantity, value });
    }
    Ok(())
}

fn fraction(value: f64, quantity: Quantity, max: f64) -> Result<(), RejectReason> {
    if !value.is_finite() || !(0.0..=max).contains(&value) {
        return Err(RejectReason::OutOfRange {
            quantity,
            max,
            value,
        });
    }
    Ok(())
}

fn afford(standing: &impl Standing, cost_usd: f64, what: Spending) -> Result<f64, RejectReason> {
    let treasury_usd = standing.treasury_usd();
    if cost_usd > treasury_usd {
        return Err(RejectReason::Unaffordable {
            what,
            cost_usd,
            treasury_usd,
        });
    }
    Ok(cost_usd)
}

fn own_lab(standing: &impl Standing, lab: usize) -> Result<(), RejectReason> {
    let scenario = standing.scenario();
    match standing.lab_nation(lab) {
        None => Err(RejectReason::NoLab {
            lab,
            labs: scenario.labs.len(),
        }),
        Some(n) if n != standing.nation() => Err(RejectReason::LabOfAnotherNation {
            lab,
            lab_id: scenario.labs[lab].id.clone(),
            owner: scenario.labs[lab].nation.clone(),
        }),
        Some(_) => Ok(()),
    }
}

/// The index of another nation named by id.
pub fn other_nation(
    standing: &impl Standing,
    target: &str,
    lever: Lever,
) -> Result<usize, RejectReason> {
    let scenario = standing.scenario();
    let Some(t) = scenario.nation_index(target) else {
        return Err(RejectReason::NoNation {
            target: target.to_string(),
            nations: scenario.nations.iter().map(|n| n.id.clone()).collect(),
        });
    };
    if t == standing.nation() {
        return Err(RejectReason::OnItself { lever });
    }
    Ok(t)
}

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

    /// What this order would take out of the treasury if accepted now, USD ([`cost_usd`]).
    pub fn cost_usd(&self, observation: &Observation) -> f64 {
        cost_usd(observation, self)
    }

    /// Whether the engine would accept this order now, on its own ([`check`]).
    pub fn check(&self, observation: &Observation) -> Result<f64, RejectReason> {
        check(observation, self)
    }
}

impl crate::orders::Orders {
    /// What all these orders would take out of the treasury if accepted now, USD.
    pub fn cost_usd(&self, observation: &Observation) -> f64 {
        self.orders.iter().map(|o| o.cost_usd(observation)).sum()
    }
}

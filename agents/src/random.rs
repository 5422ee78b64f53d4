//! `random`: a few seeded random orders a month, each one legal when given and paid for within a
//! share of the treasury. It has no plan, which makes it the floor every strategy must beat; with
//! every order type in its repertoire it also exercises the whole engine in property tests.

use gigawatt_engine::Strategy;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders, PolicyChange, PowerSupply};
use gigawatt_engine::rules;
use gigawatt_engine::scenario::PlantKind;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::params::{ParamInfo, Params};

pub const PARAMS: [ParamInfo; 2] = [
    ParamInfo {
        name: "orders_per_month",
        default: 3.0,
        min: 0.0,
        max: 10.0,
        integer: true,
        doc: "most orders drawn each month",
    },
    ParamInfo::share(
        "spend_share",
        0.5,
        "most of the treasury the month's orders may spend",
    ),
];

#[derive(Clone, Debug)]
pub struct RandomStrategy {
    name: String,
    orders_per_month: u32,
    spend_share: f64,
}

impl RandomStrategy {
    pub fn new(strategy: &str, params: &Params) -> RandomStrategy {
        RandomStrategy {
            name: params.spec(strategy),
            orders_per_month: params.get("orders_per_month") as u32,
            spend_share: params.get("spend_share"),
        }
    }
}

/// A random order the rules accept now, or `None` when the draw finds nothing legal.
pub fn random_legal_order(
    obs: &Observation,
    budget_usd: f64,
    rng: &mut ChaCha8Rng,
) -> Option<Order> {
    if obs.labs.is_empty() {
        return None;
    }
    let lab = obs.labs[rng.random_range(0..obs.labs.len())].index;
    let fraction: f64 = rng.random_range(0.01..1.0);
    let scenario = &obs.scenario;
    let order = match rng.random_range(0..9) {
        0 | 1 => {
            let kind = PlantKind::ALL[rng.random_range(0..PlantKind::COUNT)];
            if kind == PlantKind::Coal && obs.own.policy.in_climate_accord {
                return None;
            }
            let dedicated: Vec<u32> = obs
                .datacenters
                .iter()
                .filter(|d| d.dedicated)
                .map(|d| d.id)
                .collect();
            let dedicated_to =
                if kind.allowed_behind_the_meter() && !dedicated.is_empty() && rng.random_bool(0.5)
                {
                    Some(dedicated[rng.random_range(0..dedicated.len())])
                } else {
                    None
                };
            let per_mw =
                rules::plant_capex_usd_per_mw(scenario, obs.nation, kind, dedicated_to.is_some());
            let capacity_mw =
                (budget_usd * fraction / per_mw).min(obs.own.starts_left_mw[kind.index()]);
            Order::BuildPlant {
                kind,
                capacity_mw,
                dedicated_to,
            }
        }
        2 => Order::BuildDatacenter {
            lab,
            it_mw: budget_usd * fraction / rules::datacenter_capex_usd_per_mw(scenario),
            supply: if rng.random_bool(0.7) {
                PowerSupply::Grid
            } else {
                PowerSupply::Dedicated
            },
        },
        3 | 4 => {
            let h100e = (budget_usd * fraction / obs.own.chip_price_usd_per_h100e)
                .min(obs.own.chips_available_h100e);
            Order::OrderChips { lab, h100e }
        }
        5 => Order::FundResearch {
            lab,
            usd: budget_usd * fraction * 0.1,
        },
        6 => Order::SetComputeSplit {
            lab,
            training_share: rng.random_range(0.05..0.95),
        },
        7 => Order::ExpandGrid {
            mw_per_month: budget_usd * fraction * 0.1
                / rules::grid_expansion_capex_usd_per_mw_month(scenario),
        },
        _ => Order::SetPolicy(match rng.random_range(0..7) {
            0 => PolicyChange::RegulationLevel(rng.random_range(0.0..1.0)),
            1 => PolicyChange::ClimateAccord(rng.random_bool(0.5)),
            2 => PolicyChange::Drilling(rng.random_bool(0.5)),
            kind @ (3 | 4) => {
                if obs.rivals.is_empty() {
                    return None;
                }
                let target = obs.rivals[rng.random_range(0..obs.rivals.len())].id.clone();
                let imposed = rng.random_bool(0.5);
                if kind == 3 {
                    PolicyChange::ExportControls { target, imposed }
                } else {
                    PolicyChange::MineralExportControls { target, imposed }
                }
            }
            5 => PolicyChange::QueueReform(rng.random_bool(0.5)),
            _ => {
                PolicyChange::LabSubsidy(rng.random_range(0.0..scenario.policies.max_subsidy_share))
            }
        }),
    };
    let positive = match &order {
        Order::BuildPlant { capacity_mw: x, .. }
        | Order::BuildDatacenter { it_mw: x, .. }
        | Order::OrderChips { h100e: x, .. }
        | Order::FundResearch { usd: x, .. }
        | Order::ExpandGrid { mw_per_month: x } => *x >= 1.0,
        _ => true,
    };
    (positive && order.cost_usd(obs) <= budget_usd).then_some(order)
}

impl Strategy for RandomStrategy {
    fn name(&self) -> String {
        self.name.clone()
    }

    /// Its orders draw on datacenters, labs and rivals, never on plants.
    fn reads_grid_plants(&self) -> bool {
        false
    }

    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let mut budget = obs.own.treasury_usd.max(0.0) * self.spend_share;
        let mut orders = Orders::none();
        let n = rng.random_range(0..=self.orders_per_month);
        for _ in 0..n {
            if let Some(order) = random_legal_order(obs, budget, rng) {
                budget -= order.cost_usd(obs);
                orders.push(order);
            }
        }
        orders
    }
}

//! `random`: up to three seeded random orders a month, drawn across every order type with wide
//! ranges, so that some are rejected. It is the floor every strategy must beat, and the engine's
//! property tests use it to throw arbitrary orders at the world.

use gigawatt_engine::Strategy;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders, PolicyChange, PowerSupply};
use gigawatt_engine::scenario::PlantKind;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Copy, Debug, Default)]
pub struct RandomStrategy;

/// One random order for the observing nation.
pub fn random_order(obs: &Observation, rng: &mut ChaCha8Rng) -> Order {
    let labs = obs.scenario.labs.len();
    let lab = if obs.labs.is_empty() || rng.random_bool(0.05) {
        rng.random_range(0..labs.max(1))
    } else {
        obs.labs[rng.random_range(0..obs.labs.len())].index
    };
    let scale = 10f64.powf(rng.random_range(0.0..4.5));
    match rng.random_range(0..9) {
        0 | 1 => {
            let kind = PlantKind::ALL[rng.random_range(0..PlantKind::COUNT)];
            let dedicated_to = match obs.datacenters.iter().filter(|d| d.dedicated).count() {
                0 => None,
                n if rng.random_bool(0.5) => Some(
                    obs.datacenters
                        .iter()
                        .filter(|d| d.dedicated)
                        .nth(rng.random_range(0..n))
                        .expect("n > 0")
                        .id,
                ),
                _ => None,
            };
            Order::BuildPlant {
                kind,
                capacity_mw: scale,
                dedicated_to,
            }
        }
        2 => Order::BuildDatacenter {
            lab,
            it_mw: scale / 10.0,
            supply: if rng.random_bool(0.5) {
                PowerSupply::Grid
            } else {
                PowerSupply::Dedicated
            },
        },
        3 | 4 => Order::OrderChips {
            lab,
            h100e: scale * 100.0,
        },
        5 => Order::FundResearch {
            lab,
            usd: scale * 1e6,
        },
        6 => Order::SetComputeSplit {
            lab,
            training_share: rng.random_range(0.0..1.0),
        },
        7 => Order::ExpandGrid {
            mw_per_month: scale / 10.0,
        },
        _ => Order::SetPolicy(match rng.random_range(0..5) {
            0 => PolicyChange::RegulationLevel(rng.random_range(0.0..1.0)),
            1 => PolicyChange::ClimateAccord(rng.random_bool(0.5)),
            2 => PolicyChange::Drilling(rng.random_bool(0.5)),
            3 => {
                let nations = &obs.scenario.nations;
                let target = nations[rng.random_range(0..nations.len())].id.clone();
                PolicyChange::ExportControls {
                    target,
                    imposed: rng.random_bool(0.5),
                }
            }
            _ => PolicyChange::LabSubsidy(rng.random_range(0.0..0.3)),
        }),
    }
}

impl Strategy for RandomStrategy {
    fn name(&self) -> String {
        "random".into()
    }

    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let n = rng.random_range(0..=3);
        (0..n)
            .map(|_| random_order(obs, rng))
            .collect::<Vec<_>>()
            .into()
    }
}

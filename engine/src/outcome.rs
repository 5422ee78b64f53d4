//! How a game ended, seat by seat: the [`Outcome`] a [`crate::Match`] reports, the faults it
//! recorded, and how each seat was being played. Plain data, shared by the runner and snapshots.

use serde::{Deserialize, Serialize};

/// What decided the game.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// A lab crossed the superintelligence threshold (the first nation to do so wins; a tie if
    /// several did in the same month).
    Superintelligence,
    /// The horizon was reached: the capability gap decides the score.
    Horizon,
}

impl DecidedBy {
    /// The name used in records and tables (`superintelligence`, `horizon`).
    pub fn as_str(self) -> &'static str {
        match self {
            DecidedBy::Superintelligence => "superintelligence",
            DecidedBy::Horizon => "horizon",
        }
    }
}

impl std::fmt::Display for DecidedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a strategy did wrong; the game went on without it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    pub month: u32,
    pub nation: String,
    pub strategy: String,
    pub message: String,
}

/// How a nation ended the game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NationOutcome {
    pub id: String,
    pub strategy: String,
    /// Month its best lab crossed the superintelligence threshold, if it did.
    pub asi_month: Option<u32>,
    /// Capability of its best lab.
    pub capability: f64,
    /// In [0, 1]: the mean over rivals of 1 for beating it to superintelligence, else a logistic of
    /// the capability gap ([`crate::runner::pairwise_scores`]). Two nations' scores sum to 1.
    pub score: f64,
    pub capacity_built_gw: f64,
    pub generation_capacity_gw: f64,
    pub datacenter_it_gw: f64,
    pub h100e: f64,
    pub largest_run_flop: f64,
    pub emissions_mtco2: f64,
    pub money_spent_usd: f64,
    pub ai_capex_usd: f64,
    pub energy_capex_usd: f64,
    pub shortfall_months: u32,
    pub rejected_orders: u32,
    pub mean_interconnection_wait_months: Option<f64>,
    /// Mean months from ordering a plant to its power flowing, grid and behind the meter.
    pub mean_time_to_power_months: Option<f64>,
    /// Best-lab capability at the end of each full year played (December).
    pub capability_by_year: Vec<f64>,
    /// Median months from request to operation of other developers' projects that came online
    /// (requests made in the game): LBNL's headline wait, as the queue produces it.
    #[serde(default)]
    pub queue_median_wait_months: Option<f64>,
    /// Share of the MW requested in the first three years that reached operation.
    #[serde(default)]
    pub queue_completion_rate: Option<f64>,
}

/// The result of a game.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub scenario: String,
    pub seed: u64,
    pub months_played: u32,
    /// Id of the winning nation, or `None` on a tie.
    pub winner: Option<String>,
    pub decided_by: DecidedBy,
    pub nations: Vec<NationOutcome>,
    pub faults: Vec<Fault>,
}

/// How a seat is being played.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeatState {
    /// By its own strategy.
    Playing,
    /// Its strategy faulted; the fallback plays it.
    Fallback,
    /// Its strategy faulted and there is no fallback: it gives no orders.
    Stopped,
}

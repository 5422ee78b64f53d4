//! ECS components. Nations and labs carry their index in the scenario as a stable id; plants and
//! datacenters carry an id from the world's counter. Systems sort by these ids, never by `Entity` or
//! query order, before anything whose result depends on order.

use std::collections::VecDeque;

use bevy_ecs::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::PlantKind;

pub const KINDS: usize = PlantKind::COUNT;

/// Identity of a nation entity: its index in `Scenario::nations`.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Nation {
    pub index: u16,
}

/// Money. Invariant: start + income = spent + treasury + escrow + labs' capital (see `ledger`).
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Treasury {
    pub usd: f64,
    /// Money that entered the nation since month 0 (budget inflow, reinvested revenue).
    pub income_usd: f64,
    /// Money that left the nation's books (capex paid out, chips, electricity, research, carbon, lost
    /// sales).
    pub spent_usd: f64,
    /// Of `spent_usd`, what went to chips and datacenters.
    pub ai_capex_usd: f64,
    /// Of `spent_usd`, what went to power plants and the grid.
    pub energy_capex_usd: f64,
    /// Budget inflow this month, USD (for observations).
    pub inflow_month_usd: f64,
    /// Running costs that found no money when due; repaid first from the next inflows.
    pub debt_usd: f64,
    /// Of `spent_usd`, what went to AI capex this month (chips and datacenters).
    pub ai_capex_month_usd: f64,
}

/// The nation's grid-connected generation fleet, nameplate MW by kind.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Fleet {
    pub mw: [f64; KINDS],
    /// MW that started construction this calendar year, by kind (equipment supply caps).
    pub starts_this_year_mw: [f64; KINDS],
    /// MW that came online since month 0 (grid and behind the meter).
    pub built_mw: f64,
    /// Months from order to online, summed over the plants that came online (grid and behind the
    /// meter), and their count: the time it takes this nation to turn money into power.
    pub time_to_power_months_sum: f64,
    pub time_to_power_count: u32,
}

impl Fleet {
    /// A plant ordered in `ordered_month` came online at the end of `month`.
    pub fn record_online(&mut self, capacity_mw: f64, ordered_month: u32, month: u32) {
        self.built_mw += capacity_mw;
        self.time_to_power_months_sum += (month + 1 - ordered_month) as f64;
        self.time_to_power_count += 1;
    }
}

/// One interconnection request waiting for its study, first come first served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The plant, or `None` for a month's requests from other developers (a cohort).
    pub plant: Option<u32>,
    pub mw_remaining: f64,
    /// Month of the request (negative for the queue at month 0).
    pub requested_month: i32,
}

/// Other developers' studied requests under construction (a cohort): they withdraw or come online.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BuildCohort {
    pub mw: f64,
    pub months_left: u32,
    pub requested_month: i32,
}

/// Longest request-to-operation wait the wait histogram tells apart, months; longer waits count here.
pub const MAX_WAIT_BIN_MONTHS: usize = 240;

/// Interconnection: requests wait for their study in a FIFO served at a study throughput (MW a
/// month), withdraw along the way, and are built. LBNL's wait and completion rate come out of it.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// MW of requests studied a month, before queue reform.
    pub throughput_mw_per_month: f64,
    pub queue: VecDeque<QueueEntry>,
    /// Other developers' projects past their study, being built.
    pub building: Vec<BuildCohort>,
    /// Grid expansions under way: (month they take effect, MW per month added).
    pub expansions: Vec<(u32, f64)>,
    /// MW waiting for a study plus MW of other developers' projects being built.
    pub queued_mw: f64,
    /// Months from request to connection of the plants ordered in the game (for calibration).
    pub waits_months_sum: f64,
    pub waits_count: u32,
    /// Other developers' requests made in the game, and what became of them, MW.
    pub requested_mw: f64,
    pub withdrawn_mw: f64,
    pub completed_mw: f64,
    /// Of the requests made in the first `EARLY_COHORT_MONTHS`: MW requested and MW completed.
    pub early_requested_mw: f64,
    pub early_completed_mw: f64,
    /// MW of other developers' projects that came online, by months from request to operation
    /// (requests made in the game only; the last bin holds every longer wait).
    pub completed_by_wait_mw: Vec<f64>,
}

/// Requests made in the first three years are the cohort whose completion rate is measured (most
/// are resolved, built or withdrawn, within a ten-year game), as LBNL measures older cohorts.
pub const EARLY_COHORT_MONTHS: i32 = 36;

impl Grid {
    /// Median months from request to operation of other developers' projects completed so far
    /// (MW-weighted), or `None` before any.
    pub fn median_wait_months(&self) -> Option<f64> {
        let total: f64 = self.completed_by_wait_mw.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut acc = 0.0;
        for (months, mw) in self.completed_by_wait_mw.iter().enumerate() {
            acc += mw;
            if acc >= total / 2.0 {
                return Some(months as f64);
            }
        }
        None
    }

    /// Share of the early cohort's requested MW that reached operation.
    pub fn early_completion_rate(&self) -> Option<f64> {
        (self.early_requested_mw > 0.0).then(|| self.early_completed_mw / self.early_requested_mw)
    }
}

/// The result of this month's dispatch for a nation's grid.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Power {
    /// Firm supply of the grid fleet, MW.
    pub supply_mw: f64,
    /// Peak baseline demand this month, MW.
    pub baseline_demand_mw: f64,
    /// Grid datacenter demand (IT × PUE), MW.
    pub datacenter_demand_mw: f64,
    /// Grid datacenter demand served, MW (≤ supply − baseline).
    pub datacenter_served_mw: f64,
    /// Share of grid datacenter demand served (1 = none throttled).
    pub datacenter_powered_fraction: f64,
    /// Energy generated this month on the grid, MWh.
    pub served_energy_mwh: f64,
    /// Price grid datacenters pay, USD/MWh.
    pub datacenter_price_usd_per_mwh: f64,
    /// Months so far in which grid datacenters were throttled.
    pub shortfall_months: u32,
    /// Generation dispatched on the grid this month by kind, average MW.
    pub dispatch_mw: [f64; KINDS],
    /// Generation of behind-the-meter plants this month by kind, average MW.
    pub behind_the_meter_mw: [f64; KINDS],
    /// Grid datacenter energy this month, MWh (billed at `datacenter_price_usd_per_mwh`).
    pub datacenter_energy_mwh: f64,
}

/// Policy state now.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    pub regulation_level: f64,
    pub in_climate_accord: bool,
    pub drilling: bool,
    /// Month drilling was switched on (its effect ramps in after the lead time).
    pub drilling_since_month: u32,
    /// Nation indices this nation bars from the chips it controls, sorted.
    pub export_controls_on: Vec<u16>,
    pub lab_subsidy_share: f64,
    /// Mineral export controls this nation imposes, sorted by target.
    pub mineral_controls_on: Vec<MineralControl>,
    pub queue_reform: bool,
    /// Month queue reform was switched on (its effect comes after the lead time).
    pub queue_reform_since_month: u32,
}

impl Policy {
    /// Nothing in force: regulation as today, out of the climate accord, no drilling, no controls,
    /// no subsidy, no queue reform. It holds no allocation.
    pub fn nothing_in_force() -> Policy {
        Policy {
            regulation_level: 1.0,
            in_climate_accord: false,
            drilling: false,
            drilling_since_month: 0,
            export_controls_on: Vec::new(),
            lab_subsidy_share: 0.0,
            mineral_controls_on: Vec::new(),
            queue_reform: false,
            queue_reform_since_month: 0,
        }
    }
}

/// A mineral export control on one target, since a month (its effect fades as substitutes arrive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MineralControl {
    pub target: u16,
    pub since_month: u32,
}

/// The nation's chip market this month.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChipMarket {
    /// H100e the nation may still buy this month (imports + domestic).
    pub available_h100e: f64,
    /// Share of world supply it may import now, after export controls.
    pub import_share: f64,
    /// Price per H100e this month, USD.
    pub price_usd_per_h100e: f64,
    /// Output of the origins this nation controls this month, H100e.
    pub domestic_h100e_month: f64,
    /// H100e bought since month 0.
    pub bought_h100e: f64,
    /// H100e bought this month.
    pub bought_month_h100e: f64,
    /// Effect of the mineral controls on this nation now: 0 none, 1 cut off from all of the world's
    /// controlled minerals with no substitutes yet.
    pub mineral_exposure: f64,
}

#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Emissions {
    pub month_mtco2: f64,
    pub total_mtco2: f64,
}

/// Identity of a lab entity: its index in `Scenario::labs` and its owner's index.
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Lab {
    pub index: u16,
    pub nation: u16,
}

/// A batch of chips on its way to a lab.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChipDelivery {
    pub arrival_month: u32,
    pub h100e: f64,
    pub it_kw_per_h100e: f64,
}

/// Chips of one year of delivery: they retire together when they reach the chip lifetime.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vintage {
    /// Month the first chips of this vintage arrived (negative for the stock at month 0).
    pub arrival_month: i32,
    pub h100e: f64,
    pub it_kw_per_h100e: f64,
}

/// A stock of chips by vintage, retired by age.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChipStock {
    /// Oldest first.
    pub vintages: Vec<Vintage>,
}

impl ChipStock {
    /// Adds chips arriving in `month`, merged into the vintage of the same delivery year.
    pub fn add(&mut self, month: i32, h100e: f64, it_kw_per_h100e: f64) {
        if h100e <= 0.0 {
            return;
        }
        match self.vintages.last_mut() {
            Some(v) if month.div_euclid(12) == v.arrival_month.div_euclid(12) => {
                let total = v.h100e + h100e;
                v.it_kw_per_h100e = (v.it_kw_per_h100e * v.h100e + it_kw_per_h100e * h100e) / total;
                v.h100e = total;
            }
            _ => self.vintages.push(Vintage {
                arrival_month: month,
                h100e,
                it_kw_per_h100e,
            }),
        }
    }

    /// Retires every vintage at least `lifetime_months` old in `month`.
    pub fn retire(&mut self, month: i32, lifetime_months: i32) {
        self.vintages
            .retain(|v| month - v.arrival_month < lifetime_months);
    }

    /// (H100e, mean IT kW per H100e).
    pub fn totals(&self) -> (f64, f64) {
        let h100e: f64 = self.vintages.iter().map(|v| v.h100e).sum();
        let kw = if h100e > 0.0 {
            self.vintages
                .iter()
                .map(|v| v.h100e * v.it_kw_per_h100e)
                .sum::<f64>()
                / h100e
        } else {
            0.0
        };
        (h100e, kw)
    }
}

/// A lab's chips, datacenters and the compute they produce.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LabCompute {
    /// H100e owned (installed or waiting for datacenter space): the sum of `stock`.
    pub h100e: f64,
    /// Fleet-average IT power per H100e, kW.
    pub it_kw_per_h100e: f64,
    /// The chips by vintage.
    pub stock: ChipStock,
    pub deliveries: VecDeque<ChipDelivery>,
    /// Grid-connected datacenter IT capacity online, MW.
    pub grid_it_mw: f64,
    /// Behind-the-meter datacenter IT capacity online, MW.
    pub dedicated_it_mw: f64,
    /// H100e that fit in online datacenters.
    pub hosted_h100e: f64,
    /// H100e hosted and powered this month (fractional when throttled).
    pub powered_h100e: f64,
    pub training_share: f64,
    pub training_flop_month: f64,
    pub inference_flop_month: f64,
    /// Of the inference FLOP, what made synthetic data this month (it earns no revenue).
    pub synthetic_flop_month: f64,
    /// Training FLOP of the last months, newest last (the run window).
    pub recent_training_flop: VecDeque<f64>,
}

/// A lab's research and models.
#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LabModel {
    /// Compute multiplier of today's algorithms over 2022's.
    pub algorithmic_efficiency: f64,
    pub research_usd_month: f64,
    pub largest_run_flop: f64,
    /// Largest run × algorithmic efficiency at the time it was trained.
    pub effective_run_flop: f64,
    /// Natural plus synthetic tokens.
    pub data_stock_tokens: f64,
    /// Parameters of the current frontier model (compute-optimal or data-limited).
    pub parameters: f64,
    /// Capability from training alone (log10 2022-equivalent compute-optimal FLOP).
    pub training_capability: f64,
    pub test_time_oom: f64,
    pub test_time_training_oom: f64,
    /// AI R&D progress multiplier at the current capability.
    pub research_multiplier: f64,
    /// Algorithmic efficiency growth this month, OOM.
    pub efficiency_growth_oom_month: f64,
    /// Inference FLOP served since the current model was trained.
    pub inference_since_model_flop: f64,
    pub capability: f64,
    pub asi_month: Option<u32>,
}

#[derive(Component, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LabFinance {
    pub capital_usd: f64,
    pub revenue_month_usd: f64,
    pub revenue_total_usd: f64,
}

/// Stage of a power plant project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlantStage {
    Permitting,
    Construction,
    AwaitingInterconnection,
    Online,
}

/// A power plant project. Grid plants are folded into the nation's [`Fleet`] and despawned when they
/// come online; behind-the-meter plants stay, tied to their datacenter.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PowerPlant {
    pub id: u32,
    pub nation: u16,
    pub kind: PlantKind,
    pub capacity_mw: f64,
    pub capacity_factor: f64,
    pub stage: PlantStage,
    pub permitting_months_left: u32,
    pub construction_months_left: u32,
    /// Capex not yet paid out, USD (held in escrow from the order).
    pub capex_remaining_usd: f64,
    pub capex_per_month_usd: f64,
    /// Behind the meter for this datacenter id, or grid-connected.
    pub dedicated_to: Option<u32>,
    /// The grid has connected it (always true behind the meter).
    pub interconnected: bool,
    pub ordered_month: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DatacenterStage {
    Construction,
    WaitingForPower,
    Online,
}

/// A datacenter project. Grid datacenters fold into the lab's `grid_it_mw` when online.
#[derive(Component, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Datacenter {
    pub id: u32,
    pub nation: u16,
    pub lab: u16,
    pub it_mw: f64,
    pub pue: f64,
    pub stage: DatacenterStage,
    pub months_left: u32,
    pub capex_remaining_usd: f64,
    pub capex_per_month_usd: f64,
    pub dedicated: bool,
    /// Share of its demand its own plants served this month.
    pub powered_fraction: f64,
}

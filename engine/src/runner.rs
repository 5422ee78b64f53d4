//! The match runner: one world, one strategy per nation, one seed. It steps month by month, contains
//! strategy faults, records an optional trace, saves and restores snapshots, and reports the outcome.

use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use bevy_ecs::prelude::*;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::components::*;
use crate::curves::Curves;
use crate::observation::*;
use crate::orders::Orders;
pub use crate::outcome::{DecidedBy, Fault, NationOutcome, Outcome, SeatState};
use crate::resources::*;
use crate::scenario::{PlantKind, Scenario};
use crate::schedule::build_schedule;
use crate::strategy::Strategy;
use crate::world::{insert_resources, spawn_initial, spawn_initial_reusing};

mod snapshots;

#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("the scenario has {nations} nations but {strategies} strategies were given")]
    SeatCount { nations: usize, strategies: usize },
    #[error("the scenario is not valid ({count} problems; first: {first})")]
    InvalidScenario { count: usize, first: String },
    #[error("the schedule failed to build: {0}")]
    Schedule(String),
    #[error(
        "seat {seat}'s strategy had faulted and was being played by the fallback; restore it with `Match::restore_with` and a fallback"
    )]
    NeedsFallback { seat: usize },
    #[error("snapshot version {found} is not supported (this engine reads version {expected})")]
    SnapshotVersion { found: u32, expected: u32 },
    #[error(
        "the snapshot was taken on scenario `{snapshot}` ({snapshot_fingerprint:016x}), not `{scenario}` ({scenario_fingerprint:016x})"
    )]
    SnapshotScenario {
        snapshot: String,
        snapshot_fingerprint: u64,
        scenario: String,
        scenario_fingerprint: u64,
    },
    #[error("strategy for seat {seat} refused its saved state: {message}")]
    StrategyState { seat: usize, message: String },
    #[error("the snapshot does not fit the scenario: {0}")]
    SnapshotShape(String),
    #[error(
        "a game of {months} months is longer than the model supports (at most {max} months, 30 years: its trends are extrapolations of the 2020s)"
    )]
    Horizon { months: u32, max: u32 },
}

/// One row of the monthly trace, per nation. Field names, in this order, are the columns of
/// `play --trace` (a public interface): the CSV header is derived from them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceRow {
    pub month: u32,
    pub year: i32,
    pub nation: String,
    pub generation_capacity_gw: f64,
    pub capacity_under_construction_gw: f64,
    pub interconnection_queue_gw: f64,
    pub datacenter_it_gw: f64,
    pub datacenter_powered_fraction: f64,
    pub h100e: f64,
    /// Training FLOP done this month by the nation's labs.
    pub training_flop: f64,
    /// The same, times each lab's algorithmic efficiency (2022-algorithm-equivalent FLOP).
    pub effective_training_flop: f64,
    /// Capability of the nation's best lab.
    pub capability: f64,
    /// Chips and datacenter capex paid this month, USD.
    pub ai_capex_usd: f64,
    /// Power-sector emissions this month, MtCO2.
    pub emissions_mtco2: f64,
    // Columns beyond the required set.
    pub firm_supply_gw: f64,
    pub baseline_demand_gw: f64,
    pub largest_run_flop: f64,
    pub algorithmic_efficiency: f64,
    pub treasury_usd: f64,
    pub capacity_built_gw: f64,
    /// H100e owned that do no work: no datacenter space, or no power for it.
    pub idle_h100e: f64,
    /// H100e hosted in datacenters and served with power this month.
    pub powered_h100e: f64,
}

type NationQuery = (
    &'static Nation,
    &'static Treasury,
    &'static Fleet,
    &'static Grid,
    &'static Power,
    &'static Policy,
    &'static ChipMarket,
    &'static Emissions,
);
type LabQuery = (
    &'static Lab,
    &'static LabCompute,
    &'static LabModel,
    &'static LabFinance,
);

pub(crate) struct Parts<'a> {
    pub scenario: &'a Scenario,
    pub seed: u64,
    pub months: u32,
    pub strategies: &'a mut Vec<Box<dyn Strategy>>,
    pub strategy_rngs: &'a mut Vec<ChaCha8Rng>,
    pub seat_names: &'a [String],
    pub seats: &'a mut Vec<SeatState>,
    pub invalid_streaks: &'a mut Vec<u32>,
    pub capability_by_year: &'a mut Vec<Vec<f64>>,
    pub faults: &'a mut Vec<Fault>,
}

/// Builds the strategy a faulted seat plays for the rest of the game (`status-quo` in the registry).
/// It must be stateless: it starts fresh after a restore.
pub type Fallback = Arc<dyn Fn() -> Box<dyn Strategy> + Send + Sync>;

/// Months in a row of all-rejected orders after which a strategy counts as faulted.
pub const INVALID_ORDER_MONTHS: u32 = 12;

/// A game in progress.
pub struct Match {
    /// Handed back to this thread's [`shells`] when the match is dropped.
    world: ManuallyDrop<World>,
    schedule: ManuallyDrop<Schedule>,
    /// False while the schedule runs: a match dropped mid-turn (a system panicked) may hold queued
    /// commands, so its world is not reused.
    clean: bool,
    scenario: Arc<Scenario>,
    seed: u64,
    months: u32,
    strategies: Vec<Box<dyn Strategy>>,
    /// The spec each seat started with (outcomes name it even after a fallback took over).
    seat_names: Vec<String>,
    strategy_rngs: Vec<ChaCha8Rng>,
    seats: Vec<SeatState>,
    /// Consecutive months in which every order of a seat was rejected.
    invalid_streaks: Vec<u32>,
    /// Best-lab capability of each nation at the end of every year played.
    capability_by_year: Vec<Vec<f64>>,
    fallback: Option<Fallback>,
    faults: Vec<Fault>,
    trace: Option<Vec<TraceRow>>,
    nations_q: QueryState<NationQuery>,
    labs_q: QueryState<LabQuery>,
    plants_q: QueryState<(Entity, &'static PowerPlant)>,
    dcs_q: QueryState<(Entity, &'static Datacenter)>,
    /// Each nation's holdings when this match was built (or reset, or restored), net of the income
    /// and spending recorded then: the start of the money identity checked every turn in debug
    /// builds (`crate::invariants`). Taken before the first turn.
    start_money: Option<Vec<f64>>,
    /// Last month's observations, kept so that this month's reuse their lists' allocations
    /// (building observations was a fifth of a game's time, most of it growing fresh vectors).
    spare_observations: Vec<Observation>,
    /// Per-nation sums and counts the observations are built with, kept for their allocations.
    observation_scratch: ObservationScratch,
    /// Plant and datacenter views by roster slot, kept between months for their allocations.
    /// At least a roster's length; only the slots `plant_view_nations` marks were written this
    /// month.
    plant_views: Vec<PlantView>,
    plant_view_nations: Vec<u16>,
    datacenter_views: Vec<DatacenterView>,
    datacenter_view_nations: Vec<u16>,
}

impl Match {
    /// A new game on `scenario` with one strategy per nation (scenario order) and a seed, over the
    /// scenario's horizon.
    pub fn new(
        scenario: Arc<Scenario>,
        strategies: Vec<Box<dyn Strategy>>,
        seed: u64,
    ) -> Result<Match, MatchError> {
        let months = scenario.horizon_months;
        Match::with_months(scenario, strategies, seed, months)
    }

    pub fn with_months(
        scenario: Arc<Scenario>,
        strategies: Vec<Box<dyn Strategy>>,
        seed: u64,
        months: u32,
    ) -> Result<Match, MatchError> {
        let mut m = Match::bare(scenario, strategies, seed, months)?;
        spawn_initial(&mut m.world);
        Ok(m)
    }

    /// A match with resources and schedule but no entities (for `new` and `restore`).
    pub(crate) fn bare(
        scenario: Arc<Scenario>,
        strategies: Vec<Box<dyn Strategy>>,
        seed: u64,
        months: u32,
    ) -> Result<Match, MatchError> {
        if strategies.len() != scenario.nations.len() {
            return Err(MatchError::SeatCount {
                nations: scenario.nations.len(),
                strategies: strategies.len(),
            });
        }
        // Only a valid scenario plays: the systems rely on what validation checks (every lab's
        // nation exists, shares add up, ranges hold), so nothing downstream falls back silently.
        let problems = crate::validate::validate(&scenario);
        if !problems.is_empty() {
            let shown: Vec<String> = problems
                .iter()
                .take(3)
                .map(|(path, problem)| format!("{path}: {problem}"))
                .collect();
            return Err(MatchError::InvalidScenario {
                count: problems.len(),
                first: shown.join("; "),
            });
        }
        if months > crate::scenario::MAX_HORIZON_MONTHS {
            return Err(MatchError::Horizon {
                months,
                max: crate::scenario::MAX_HORIZON_MONTHS,
            });
        }
        let Shell {
            mut world,
            schedule,
        } = match shells::take() {
            Some(shell) => shell,
            None => Shell::build()?,
        };
        insert_resources(&mut world, scenario.clone(), seed, months);
        let n = strategies.len();
        let strategy_rngs = (0..n)
            .map(|i| seeded_rng(seed, strategy_stream(i)))
            .collect();
        let seat_names = strategies.iter().map(|s| s.name()).collect();
        let nations_q = world.query::<NationQuery>();
        let labs_q = world.query::<LabQuery>();
        let plants_q = world.query::<(Entity, &PowerPlant)>();
        let dcs_q = world.query::<(Entity, &Datacenter)>();
        Ok(Match {
            world: ManuallyDrop::new(world),
            schedule: ManuallyDrop::new(schedule),
            clean: true,
            scenario,
            seed,
            months,
            strategies,
            seat_names,
            strategy_rngs,
            seats: vec![SeatState::Playing; n],
            invalid_streaks: vec![0; n],
            capability_by_year: vec![Vec::new(); n],
            fallback: None,
            faults: Vec::new(),
            trace: None,
            nations_q,
            labs_q,
            plants_q,
            dcs_q,
            spare_observations: Vec::new(),
            observation_scratch: ObservationScratch::default(),
            plant_views: Vec::new(),
            plant_view_nations: Vec::new(),
            datacenter_views: Vec::new(),
            datacenter_view_nations: Vec::new(),
            start_money: None,
        })
    }

    /// Start a new game on the same scenario and horizon, reusing this match's world and schedule
    /// (building a schedule is most of the cost of a new game). The result is bit-identical to
    /// `Match::with_months` with the same arguments; the trace, if recorded, starts over.
    pub fn reset(
        &mut self,
        strategies: Vec<Box<dyn Strategy>>,
        seed: u64,
    ) -> Result<(), MatchError> {
        let nations = self.scenario.nations.len();
        if strategies.len() != nations {
            return Err(MatchError::SeatCount {
                nations,
                strategies: strategies.len(),
            });
        }
        // The finished game's datacenters, in table order, become the new game's month-0 ones.
        let datacenters: Vec<Entity> = self.dcs_q.iter(&self.world).map(|(e, _)| e).collect();
        despawn_game(&mut self.world, Keep::Datacenters);
        insert_resources(&mut self.world, self.scenario.clone(), seed, self.months);
        spawn_initial_reusing(&mut self.world, &datacenters);
        self.seed = seed;
        self.strategy_rngs = (0..nations)
            .map(|i| seeded_rng(seed, strategy_stream(i)))
            .collect();
        self.seat_names = strategies.iter().map(|s| s.name()).collect();
        self.strategies = strategies;
        self.seats = vec![SeatState::Playing; nations];
        self.invalid_streaks = vec![0; nations];
        self.capability_by_year = vec![Vec::new(); nations];
        self.faults.clear();
        self.start_money = None;
        if let Some(trace) = self.trace.as_mut() {
            trace.clear();
        }
        Ok(())
    }

    /// The world and the runner's own state, borrowed apart (for snapshots).
    pub(crate) fn parts_mut(&mut self) -> (&mut World, Parts<'_>) {
        (
            &mut self.world,
            Parts {
                scenario: &self.scenario,
                seed: self.seed,
                months: self.months,
                strategies: &mut self.strategies,
                strategy_rngs: &mut self.strategy_rngs,
                seat_names: &self.seat_names,
                seats: &mut self.seats,
                invalid_streaks: &mut self.invalid_streaks,
                capability_by_year: &mut self.capability_by_year,
                faults: &mut self.faults,
            },
        )
    }

    /// Record a [`TraceRow`] per nation after every month from now on.
    pub fn record_trace(&mut self) {
        if self.trace.is_none() {
            self.trace = Some(Vec::new());
        }
    }

    pub fn trace(&self) -> &[TraceRow] {
        self.trace.as_deref().unwrap_or(&[])
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn months(&self) -> u32 {
        self.months
    }

    /// Months played so far.
    pub fn month(&self) -> u32 {
        self.world.resource::<Clock>().month
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Whether the game has ended: superintelligence reached or the horizon passed.
    pub fn is_over(&self) -> bool {
        self.month() >= self.months || self.world.resource::<Victory>().decided_month.is_some()
    }

    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    /// Who plays a faulted seat from then on. Without one, a faulted seat gives no more orders.
    pub fn set_fallback(&mut self, fallback: Fallback) {
        self.fallback = Some(fallback);
    }

    pub fn with_fallback(mut self, fallback: Fallback) -> Match {
        self.set_fallback(fallback);
        self
    }

    /// How each seat is being played.
    pub fn seats(&self) -> &[SeatState] {
        &self.seats
    }

    /// Record a fault and hand the seat to the fallback (or stop it).
    fn fault(&mut self, seat: usize, month: u32, message: String) {
        let consequence = match &self.fallback {
            Some(fallback) => {
                let replacement = fallback();
                let note = format!("the nation plays `{}` from now on", replacement.name());
                self.strategies[seat] = replacement;
                self.seats[seat] = SeatState::Fallback;
                note
            }
            None => {
                self.seats[seat] = SeatState::Stopped;
                "the nation gives no more orders".to_string()
            }
        };
        self.faults.push(Fault {
            month,
            nation: self.scenario.nations[seat].id.clone(),
            strategy: self.seat_names[seat].clone(),
            message: format!("{message}; {consequence}"),
        });
    }

    /// Play one month: every strategy decides on its observation, then the turn's systems run.
    /// Returns `false` (and does nothing) once the game is over.
    ///
    /// A strategy faults when it panics, returns an absurd order (a number that is not finite or is
    /// beyond any real project), or has every order rejected for [`INVALID_ORDER_MONTHS`] months in a
    /// row. The fault is recorded and the game goes on (see [`Match::set_fallback`]).
    pub fn step(&mut self) -> bool {
        if self.is_over() {
            return false;
        }
        let month = self.month();
        if cfg!(debug_assertions) && self.start_money.is_none() {
            self.start_money = Some(crate::invariants::start_money(&self.world));
        }
        let n = self.strategies.len();
        let playing = |m: &Match, seat: usize| m.seats[seat] != SeatState::Stopped;
        let wants_world =
            (0..n).any(|seat| playing(self, seat) && self.strategies[seat].wants_snapshot(month));
        let snapshot = wants_world.then(|| Arc::new(self.snapshot()));
        let mut grid_plants = std::mem::take(&mut self.observation_scratch.grid_plants);
        grid_plants.clear();
        // A stopped seat's observation is read by no one.
        grid_plants.extend(
            (0..n).map(|seat| playing(self, seat) && self.strategies[seat].reads_grid_plants()),
        );
        self.observation_scratch.grid_plants = grid_plants;
        let mut observations = self.build_observations();
        let mut all_orders = Vec::with_capacity(n);
        for (seat, observation) in observations.iter_mut().enumerate() {
            if !playing(self, seat) {
                all_orders.push(Orders::none());
                continue;
            }
            if self.strategies[seat].wants_snapshot(month) {
                observation.snapshot = snapshot.clone();
            }
            let strategy = &mut self.strategies[seat];
            let rng = &mut self.strategy_rngs[seat];
            let problem = match catch_unwind(AssertUnwindSafe(|| strategy.decide(observation, rng)))
            {
                Ok(orders) => match orders.orders.iter().find_map(|o| o.absurdity()) {
                    None => {
                        all_orders.push(orders);
                        continue;
                    }
                    Some(reason) => format!("returned an absurd order: {reason}"),
                },
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panicked".to_string());
                    format!("panicked: {message}")
                }
            };
            self.fault(seat, month, problem);
            all_orders.push(Orders::none());
        }
        for observation in &mut observations {
            // The snapshot is this month's alone; the rest is overwritten next month.
            observation.snapshot = None;
        }
        self.spare_observations = observations;
        let given: Vec<usize> = all_orders.iter().map(|o| o.orders.len()).collect();
        self.world.resource_mut::<PendingOrders>().by_nation = all_orders;
        self.clean = false;
        self.schedule.run(&mut self.world);
        self.clean = true;
        // Debug builds (every test) check the world's invariants after every turn: a broken one is
        // an engine bug, stopped where it happened. Release builds skip the cost.
        if cfg!(debug_assertions)
            && let Some(start) = &self.start_money
        {
            let broken = crate::invariants::check(&self.world, start);
            assert!(
                broken.is_empty(),
                "month {month}: the world broke its invariants: {}",
                broken.join("; ")
            );
        }
        // End of frame for the ECS: drop change ticks and removed-component records, which would
        // otherwise pile up over a long game and across reused matches.
        self.world.clear_trackers();

        // A strategy whose every order keeps being refused is broken, not unlucky.
        for (seat, &given) in given.iter().enumerate() {
            if given == 0 || self.seats[seat] == SeatState::Stopped {
                continue;
            }
            let rejected = &self.world.resource::<Rejections>().by_nation[seat];
            if rejected.len() < given {
                self.invalid_streaks[seat] = 0;
                continue;
            }
            self.invalid_streaks[seat] += 1;
            if self.invalid_streaks[seat] >= INVALID_ORDER_MONTHS
                && self.seats[seat] == SeatState::Playing
            {
                let last = rejected
                    .last()
                    .map(|r| r.reason.to_string())
                    .unwrap_or_default();
                self.invalid_streaks[seat] = 0;
                self.fault(
                    seat,
                    month,
                    format!("every order was rejected for {INVALID_ORDER_MONTHS} months in a row (last: {last})"),
                );
            }
        }
        if month % 12 == 11 {
            self.record_year();
        }
        if self.trace.is_some() {
            let rows = self.trace_rows(month);
            self.trace.as_mut().expect("checked").extend(rows);
        }
        true
    }

    /// Append each nation's best-lab capability to its yearly series.
    fn record_year(&mut self) {
        let world = &self.world;
        let roster = world.resource::<Roster>();
        let mut best = vec![f64::NEG_INFINITY; self.capability_by_year.len()];
        for (lab, _, model, _) in self.labs_q.iter_many(world, &roster.labs).map(in_roster) {
            let b = &mut best[lab.nation as usize];
            *b = b.max(model.capability);
        }
        for (series, b) in self.capability_by_year.iter_mut().zip(best) {
            series.push(if b.is_finite() { b } else { 0.0 });
        }
    }

    /// Play to the end and report.
    pub fn run(&mut self) -> Outcome {
        while self.step() {}
        let outcome = self.outcome();
        for (seat, strategy) in self.strategies.iter_mut().enumerate() {
            if self.seats[seat] != SeatState::Stopped {
                // The result is already decided; a strategy that fails to hear it changes nothing.
                let _ = catch_unwind(AssertUnwindSafe(|| strategy.game_over(&outcome)));
            }
        }
        outcome
    }

    /// What nation `seat` sees now.
    pub fn observation(&mut self, seat: usize) -> Observation {
        self.observations().swap_remove(seat)
    }

    /// What every seat sees now, built in one pass over the world (seat order): every plant, whether
    /// or not the seat's strategy reads grid plants ([`Strategy::reads_grid_plants`]).
    pub fn observations(&mut self) -> Vec<Observation> {
        let n = self.scenario.nations.len();
        let grid_plants = &mut self.observation_scratch.grid_plants;
        grid_plants.clear();
        grid_plants.resize(n, true);
        self.build_observations()
    }

    /// What every seat sees now, the plants of the grid only for the seats marked in
    /// `observation_scratch.grid_plants` (the others get their behind-the-meter plants).
    fn build_observations(&mut self) -> Vec<Observation> {
        let n = self.scenario.nations.len();
        let month = self.month();
        let world = &self.world;
        let roster = world.resource::<Roster>();
        let params = world.resource::<Params>();
        let scenario = &self.scenario;

        // Last month's observations are written over in place: their lists keep their allocations
        // and their strings (lab and nation ids) and policies' lists are kept, so a month allocates
        // nothing here (fresh ones cost about 25 allocations a month). Every field is written
        // again, so nothing of last month's shows through (tested against fresh observations).
        let mut observations = std::mem::take(&mut self.spare_observations);
        observations.truncate(n);
        while observations.len() < n {
            observations.push(empty_observation(
                scenario.clone(),
                params.curves.clone(),
                observations.len(),
            ));
        }
        let start_year = scenario.start_year;
        for (seat, o) in observations.iter_mut().enumerate() {
            o.month = month;
            o.year = start_year + (month / 12) as i32;
            o.month_of_year = month % 12 + 1;
            o.months_total = self.months;
            o.nation = seat;
            if !Arc::ptr_eq(&o.scenario, scenario) {
                o.scenario = scenario.clone();
            }
            if !Arc::ptr_eq(&o.curves, &params.curves) {
                o.curves = params.curves.clone();
            }
            o.plants.clear();
            o.datacenters.clear();
            o.rejected.clear();
            o.snapshot = None;
        }

        let ObservationScratch {
            rival_stats,
            lab_counts,
            grid_plants,
        } = &mut self.observation_scratch;
        debug_assert_eq!(grid_plants.len(), n, "one mark per seat");
        // Grid plants are walked only when some seat reads them, and dealt only to those seats.
        let any_grid_plants = grid_plants.iter().any(|&read| read);
        let all_grid_plants = grid_plants.iter().all(|&read| read);
        rival_stats.clear();
        rival_stats.resize(n, (0.0, 0.0, 0.0, 0.0));
        lab_counts.clear();
        lab_counts.resize(n, 0);
        for (lab, compute, model, finance) in
            self.labs_q.iter_many(world, &roster.labs).map(in_roster)
        {
            let i = lab.nation as usize;
            let r = &mut rival_stats[i];
            r.0 += compute.grid_it_mw + compute.dedicated_it_mw;
            r.1 += compute.h100e;
            r.2 = r.2.max(model.capability);
            r.3 = r.3.max(model.largest_run_flop);
            let spec = &scenario.labs[lab.index as usize];
            let labs = &mut observations[i].labs;
            let k = lab_counts[i];
            lab_counts[i] += 1;
            let mut id = labs
                .get_mut(k)
                .map(|v| std::mem::take(&mut v.id))
                .unwrap_or_default();
            reuse_string(&mut id, &spec.id);
            let view = LabView {
                index: lab.index as usize,
                id,
                capital_usd: finance.capital_usd,
                h100e: compute.h100e,
                hosted_h100e: compute.hosted_h100e,
                powered_h100e: compute.powered_h100e,
                h100e_on_order: compute.deliveries.iter().map(|d| d.h100e).sum(),
                it_kw_per_h100e: compute.it_kw_per_h100e,
                grid_it_mw: compute.grid_it_mw,
                dedicated_it_mw: compute.dedicated_it_mw,
                training_share: compute.training_share,
                training_flop_month: compute.training_flop_month,
                inference_flop_month: compute.inference_flop_month,
                algorithmic_efficiency: model.algorithmic_efficiency,
                largest_run_flop: model.largest_run_flop,
                data_stock_tokens: model.data_stock_tokens,
                capability: model.capability,
                revenue_month_usd: finance.revenue_month_usd,
                national_share: spec.national_share,
            };
            put_at(labs, k, view);
        }
        for (o, &count) in observations.iter_mut().zip(lab_counts.iter()) {
            o.labs.truncate(count);
        }

        // The tables are walked densely (looking each roster entity up cost more than the rest of
        // the work), each view put in its project's roster slot, then dealt to its nation's list in
        // roster order: lists come out in id order whatever the storage order.
        // Each view is written field by field into its slot, and the slots only grow: building a
        // view whole and moving it in, or refilling the slots every month, stalled on store
        // forwarding for a third of this function's time. `*_view_nations` marks the slots written
        // this month ([`NO_NATION`] for any other).
        let (plant_views, plant_nations) = (&mut self.plant_views, &mut self.plant_view_nations);
        grow_views(
            plant_views,
            plant_nations,
            roster.plants.len(),
            PLANT_VIEW_UNSET,
        );
        for (entity, p) in self.plants_q.iter(world) {
            if !any_grid_plants && p.dedicated_to.is_none() {
                continue;
            }
            let Some(slot) = roster.plant_slot(entity) else {
                continue;
            };
            plant_nations[slot] = p.nation;
            let v = &mut plant_views[slot];
            v.id = p.id;
            v.kind = p.kind;
            v.capacity_mw = p.capacity_mw;
            v.stage = p.stage;
            v.months_left = p.permitting_months_left + p.construction_months_left;
            v.dedicated_to = p.dedicated_to;
            v.interconnected = p.interconnected;
        }
        if all_grid_plants || !any_grid_plants {
            for (&nation, view) in plant_nations.iter().zip(plant_views.iter()) {
                if nation != NO_NATION {
                    observations[nation as usize].plants.push(*view);
                }
            }
        } else {
            for (&nation, view) in plant_nations.iter().zip(plant_views.iter()) {
                if nation != NO_NATION
                    && (view.dedicated_to.is_some() || grid_plants[nation as usize])
                {
                    observations[nation as usize].plants.push(*view);
                }
            }
        }
        let (datacenter_views, datacenter_nations) = (
            &mut self.datacenter_views,
            &mut self.datacenter_view_nations,
        );
        grow_views(
            datacenter_views,
            datacenter_nations,
            roster.datacenters.len(),
            DATACENTER_VIEW_UNSET,
        );
        for (entity, d) in self.dcs_q.iter(world) {
            let Some(slot) = roster.datacenter_slot(entity) else {
                continue;
            };
            datacenter_nations[slot] = d.nation;
            let v = &mut datacenter_views[slot];
            v.id = d.id;
            v.lab = d.lab as usize;
            v.it_mw = d.it_mw;
            v.stage = d.stage;
            v.months_left = d.months_left;
            v.dedicated = d.dedicated;
            v.dedicated_plant_mw = 0.0;
            v.powered_fraction = d.powered_fraction;
        }
        for (&nation, view) in datacenter_nations.iter().zip(datacenter_views.iter()) {
            if nation != NO_NATION {
                observations[nation as usize].datacenters.push(*view);
            }
        }
        // Lists are already in index and id order (the roster's).
        for o in observations.iter_mut() {
            // Only behind-the-meter datacenters have plants of their own. Plants are mostly ordered
            // with their datacenter, so the search starts from the last match.
            let dcs = &mut o.datacenters;
            let mut last = 0;
            for p in o.plants.iter() {
                let Some(dc) = p.dedicated_to else { continue };
                let Some(at) = find_view_from(dcs, last, dc) else {
                    continue;
                };
                dcs[at].dedicated_plant_mw += p.capacity_mw;
                last = at;
            }
        }

        let rows = self
            .nations_q
            .iter_many(world, &roster.nations)
            .map(in_roster);
        for (nation, treasury, fleet, grid, power, policy, market, emissions) in rows {
            let i = nation.index as usize;
            let spec = &scenario.nations[i];
            let mut starts_left = [0.0; KINDS];
            for kind in PlantKind::ALL {
                let k = kind.index();
                starts_left[k] = (spec.plants.get(kind).max_starts_mw_per_year
                    - fleet.starts_this_year_mw[k])
                    .max(0.0);
            }
            let own = &mut observations[i].own;
            // The policy's lists are kept (copied into); the rest is written whole.
            let mut own_policy = std::mem::replace(&mut own.policy, Policy::nothing_in_force());
            copy_policy(&mut own_policy, policy);
            *own = NationView {
                treasury_usd: treasury.usd,
                inflow_month_usd: treasury.inflow_month_usd,
                debt_usd: treasury.debt_usd,
                fleet_mw: fleet.mw,
                starts_left_mw: starts_left,
                firm_supply_mw: power.supply_mw,
                baseline_demand_mw: power.baseline_demand_mw,
                datacenter_demand_mw: power.datacenter_demand_mw,
                datacenter_powered_fraction: power.datacenter_powered_fraction,
                spare_supply_mw: power.supply_mw
                    - power.baseline_demand_mw * (1.0 + spec.planning_reserve_margin)
                    - power.datacenter_demand_mw,
                interconnection_queue_mw: grid.queued_mw,
                interconnection_mw_per_month: grid.throughput_mw_per_month,
                queue_wait_months: crate::systems::interconnection::study_wait_months_at(
                    scenario,
                    grid,
                    policy,
                    month,
                    params.curves.hazards(i),
                ),
                policy: own_policy,
                chips_available_h100e: market.available_h100e,
                chip_price_usd_per_h100e: market.price_usd_per_h100e,
                chip_import_share: market.import_share,
                emissions_total_mtco2: emissions.total_mtco2,
                capacity_built_mw: fleet.built_mw,
            };
            // What every other seat sees of this nation, at its place in their rival lists (nation
            // order, themselves left out).
            let r = rival_stats[i];
            for (seat, o) in observations.iter_mut().enumerate() {
                if seat == i {
                    continue;
                }
                let at = if i < seat { i } else { i - 1 };
                let generation = fleet.mw.iter().sum();
                let controls = policy.export_controls_on.contains(&(seat as u16));
                match o.rivals.get_mut(at) {
                    Some(view) => {
                        // Every field named, so that a new one cannot be left stale.
                        let RivalView {
                            nation: view_nation,
                            id,
                            generation_mw,
                            datacenter_it_mw,
                            h100e,
                            best_capability,
                            largest_run_flop,
                            policy: view_policy,
                            controls_on_us,
                        } = view;
                        *view_nation = i;
                        reuse_string(id, &spec.id);
                        *generation_mw = generation;
                        *datacenter_it_mw = r.0;
                        *h100e = r.1;
                        *best_capability = r.2;
                        *largest_run_flop = r.3;
                        copy_policy(view_policy, policy);
                        *controls_on_us = controls;
                    }
                    None => {
                        debug_assert_eq!(at, o.rivals.len(), "rivals are filled in order");
                        o.rivals.push(RivalView {
                            nation: i,
                            id: spec.id.clone(),
                            generation_mw: generation,
                            datacenter_it_mw: r.0,
                            h100e: r.1,
                            best_capability: r.2,
                            largest_run_flop: r.3,
                            policy: policy.clone(),
                            controls_on_us: controls,
                        });
                    }
                }
            }
        }
        for o in observations.iter_mut() {
            o.rivals.truncate(n.saturating_sub(1));
        }

        let rejected = &world.resource::<Rejections>().by_nation;
        for (o, rejected) in observations.iter_mut().zip(rejected) {
            o.rejected.extend_from_slice(rejected);
        }
        observations
    }

    fn trace_rows(&mut self, month: u32) -> Vec<TraceRow> {
        let scenario = self.scenario.clone();
        let n = scenario.nations.len();
        let world = &self.world;
        let roster = world.resource::<Roster>();
        let mut under_construction = vec![0.0; n];
        for (_, p) in self
            .plants_q
            .iter_many(world, roster.plant_entities())
            .map(in_roster)
        {
            if matches!(p.stage, PlantStage::Permitting | PlantStage::Construction) {
                under_construction[p.nation as usize] += p.capacity_mw;
            }
        }
        // (it_mw, h100e, training, effective training, capability, largest run, best efficiency)
        let mut lab_sums = vec![(0.0, 0.0, 0.0, 0.0, f64::NEG_INFINITY, 0.0, 0.0f64); n];
        let mut powered = vec![0.0; n];
        let lab_rows = self.labs_q.iter_many(world, &roster.labs).map(in_roster);
        for (lab, compute, model, _) in lab_rows {
            let s = &mut lab_sums[lab.nation as usize];
            s.0 += compute.grid_it_mw + compute.dedicated_it_mw;
            s.1 += compute.h100e;
            s.2 += compute.training_flop_month;
            s.3 += compute.training_flop_month * model.algorithmic_efficiency;
            s.4 = s.4.max(model.capability);
            s.5 = f64::max(s.5, model.largest_run_flop);
            s.6 = s.6.max(model.algorithmic_efficiency);
            powered[lab.nation as usize] += compute.powered_h100e;
        }
        let rows = self
            .nations_q
            .iter_many(world, &roster.nations)
            .map(in_roster);
        rows.into_iter()
            .map(|(nation, treasury, fleet, grid, power, _, _, emissions)| {
                let i = nation.index as usize;
                let s = lab_sums[i];
                TraceRow {
                    month,
                    year: scenario.start_year + (month / 12) as i32,
                    nation: scenario.nations[i].id.clone(),
                    generation_capacity_gw: fleet.mw.iter().sum::<f64>() / 1e3,
                    capacity_under_construction_gw: under_construction[i] / 1e3,
                    interconnection_queue_gw: grid.queued_mw / 1e3,
                    datacenter_it_gw: s.0 / 1e3,
                    datacenter_powered_fraction: power.datacenter_powered_fraction,
                    h100e: s.1,
                    training_flop: s.2,
                    effective_training_flop: s.3,
                    capability: if s.4.is_finite() { s.4 } else { 0.0 },
                    ai_capex_usd: treasury.ai_capex_month_usd,
                    emissions_mtco2: emissions.month_mtco2,
                    firm_supply_gw: power.supply_mw / 1e3,
                    baseline_demand_gw: power.baseline_demand_mw / 1e3,
                    largest_run_flop: s.5,
                    algorithmic_efficiency: s.6,
                    treasury_usd: treasury.usd,
                    capacity_built_gw: fleet.built_mw / 1e3,
                    powered_h100e: powered[i],
                    idle_h100e: (s.1 - powered[i]).max(0.0),
                }
            })
            .collect()
    }

    /// H100e installed outside the scenario's nations (the rest of the world's share of supply).
    pub fn rest_of_world_h100e(&self) -> f64 {
        self.world.resource::<RestOfWorld>().stock.totals().0
    }

    /// The outcome now (final once [`Match::is_over`]).
    pub fn outcome(&mut self) -> Outcome {
        let scenario = self.scenario.clone();
        let n = scenario.nations.len();
        let world = &self.world;
        let roster = world.resource::<Roster>();
        let victory = world.resource::<Victory>().clone();
        let rejections = world.resource::<Rejections>().total_by_nation.clone();
        let mut best = vec![(f64::NEG_INFINITY, None::<u32>, 0.0, 0.0, 0.0f64); n];
        for (lab, compute, model, _) in self.labs_q.iter_many(world, &roster.labs).map(in_roster) {
            let b = &mut best[lab.nation as usize];
            b.0 = b.0.max(model.capability);
            b.1 = match (b.1, model.asi_month) {
                (Some(a), Some(c)) => Some(a.min(c)),
                (a, c) => a.or(c),
            };
            b.2 += compute.h100e;
            b.3 += compute.grid_it_mw + compute.dedicated_it_mw;
            b.4 = b.4.max(model.largest_run_flop);
        }
        let capabilities: Vec<f64> = best
            .iter()
            .map(|b| if b.0.is_finite() { b.0 } else { 0.0 })
            .collect();
        let (winner, decided_by) = match victory.decided_month {
            Some(_) => (
                victory.asi_winner.map(|w| w as usize),
                DecidedBy::Superintelligence,
            ),
            None => {
                let top = capabilities
                    .iter()
                    .cloned()
                    .fold(f64::NEG_INFINITY, f64::max);
                let leaders: Vec<usize> = (0..n).filter(|&i| capabilities[i] == top).collect();
                (
                    if leaders.len() == 1 {
                        Some(leaders[0])
                    } else {
                        None
                    },
                    DecidedBy::Horizon,
                )
            }
        };
        // Only superintelligence takes all; a game decided at the horizon scores the capability gap.
        let asi_winner = if decided_by == DecidedBy::Superintelligence {
            winner
        } else {
            None
        };
        let scores = pairwise_scores(&capabilities, asi_winner);
        let rows = self
            .nations_q
            .iter_many(world, &roster.nations)
            .map(in_roster);
        let nations = rows
            .into_iter()
            .map(|(nation, treasury, fleet, grid, power, _, _, emissions)| {
                let i = nation.index as usize;
                NationOutcome {
                    id: scenario.nations[i].id.clone(),
                    strategy: self.seat_names[i].clone(),
                    asi_month: best[i].1,
                    capability: capabilities[i],
                    score: scores[i],
                    capacity_built_gw: fleet.built_mw / 1e3,
                    generation_capacity_gw: fleet.mw.iter().sum::<f64>() / 1e3,
                    datacenter_it_gw: best[i].3 / 1e3,
                    h100e: best[i].2,
                    largest_run_flop: best[i].4,
                    emissions_mtco2: emissions.total_mtco2,
                    money_spent_usd: treasury.spent_usd,
                    ai_capex_usd: treasury.ai_capex_usd,
                    energy_capex_usd: treasury.energy_capex_usd,
                    shortfall_months: power.shortfall_months,
                    rejected_orders: rejections[i],
                    mean_interconnection_wait_months: (grid.waits_count > 0)
                        .then(|| grid.waits_months_sum / grid.waits_count as f64),
                    capability_by_year: self.capability_by_year[i].clone(),
                    mean_time_to_power_months: (fleet.time_to_power_count > 0)
                        .then(|| fleet.time_to_power_months_sum / fleet.time_to_power_count as f64),
                    queue_median_wait_months: grid.median_wait_months(),
                    queue_completion_rate: grid.early_completion_rate(),
                }
            })
            .collect();
        Outcome {
            scenario: scenario.name.clone(),
            seed: self.seed,
            months_played: self.month(),
            winner: winner.map(|w| scenario.nations[w].id.clone()),
            decided_by,
            nations,
            faults: self.faults.clone(),
        }
    }
}

/// Which of the game's entities [`despawn_game`] leaves in the world.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Nothing,
    /// For [`spawn_initial_reusing`] to overwrite.
    Datacenters,
}

/// Despawn the game's entities (nations, labs, plants, datacenters: the roster's), leaving bevy's
/// own (resources are entities too) and those `keep` names.
fn despawn_game(world: &mut World, keep: Keep) {
    let Some(mut roster) = world.get_resource_mut::<Roster>() else {
        return;
    };
    let roster = std::mem::take(&mut *roster);
    // Last spawned first: entities were spawned in roster order, so each despawn mostly takes the
    // last row of its table and no other entity has to be moved into the hole it leaves.
    let datacenters = match keep {
        Keep::Nothing => &roster.datacenters[..],
        Keep::Datacenters => &[],
    };
    let entities = datacenters
        .iter()
        .rev()
        .map(|d| d.1)
        .chain(roster.plants.iter().rev().map(|p| p.1))
        .chain(roster.labs.iter().rev().copied())
        .chain(roster.nations.iter().rev().copied());
    for entity in entities {
        world.despawn(entity);
    }
}

/// Whether any nation, lab, plant or datacenter is left in `world`.
fn holds_game_entities(world: &mut World) -> bool {
    world
        .query_filtered::<(), Or<(With<Nation>, With<Lab>, With<PowerPlant>, With<Datacenter>)>>()
        .iter(world)
        .next()
        .is_some()
}

/// A world with the turn's schedule initialised on it, and the runner's queries over it: what a
/// match is built on. Initialising a schedule (bevy analyses the system graph and sets up every
/// system's parameters) is most of the cost of a new match, so a dropped match hands its shell
/// back to its thread for the next one (see [`shells`]).
struct Shell {
    world: World,
    schedule: Schedule,
}

impl Shell {
    fn build() -> Result<Shell, MatchError> {
        let mut world = World::new();
        let mut schedule = build_schedule();
        if let Err(e) = schedule.initialize(&mut world) {
            return Err(MatchError::Schedule(e.to_string(schedule.graph(), &world)));
        }
        Ok(Shell { world, schedule })
    }
}

/// Shells of dropped matches, per thread, for the next matches built on that thread.
///
/// A reused shell gives bit-identical games: every resource is inserted anew and every entity is
/// spawned anew (the same guarantee, and the same code path, as [`Match::reset`]); what carries over
/// is bevy's bookkeeping (component ids, archetypes, the schedule) and the systems' scratch buffers,
/// which they clear before use.
mod shells {
    use std::cell::RefCell;

    use super::Shell;

    /// Most shells a thread keeps (a thread rarely holds more matches than this at once; lookahead
    /// strategies restore a few).
    const MAX_PER_THREAD: usize = 4;

    thread_local! {
        static SPARE: RefCell<Vec<Shell>> = const { RefCell::new(Vec::new()) };
    }

    pub(super) fn take() -> Option<Shell> {
        SPARE.with(|spare| spare.borrow_mut().pop())
    }

    pub(super) fn give_back(mut shell: Shell) {
        // During thread teardown the slot may be gone: then the shell is simply dropped.
        let _ = SPARE.try_with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < MAX_PER_THREAD {
                super::despawn_game(&mut shell.world, super::Keep::Nothing);
                shell.world.clear_trackers();
                // Only an empty world is reused: an entity outside the roster (a restore that
                // failed half-way) would otherwise join the next game.
                if super::holds_game_entities(&mut shell.world) {
                    return;
                }
                spare.push(shell);
            }
        });
    }
}

#[expect(
    unsafe_code,
    reason = "takes the world and schedule out of their ManuallyDrop fields to hand them to the \
              per-thread pool (`shells`), so the next match skips bevy's schedule build"
)]
impl Drop for Match {
    fn drop(&mut self) {
        // SAFETY: `world` and `schedule` are taken once, here, and never touched again: the match
        // is being dropped.
        let (world, schedule) = unsafe {
            (
                ManuallyDrop::take(&mut self.world),
                ManuallyDrop::take(&mut self.schedule),
            )
        };
        if self.clean {
            shells::give_back(Shell { world, schedule });
        }
    }
}

/// Fields of the observations reused from month to month.
#[derive(Default)]
struct ObservationScratch {
    /// Per nation: (datacenter IT MW, H100e, best capability, largest run FLOP) of its labs.
    rival_stats: Vec<(f64, f64, f64, f64)>,
    /// Per nation: lab views written this month.
    lab_counts: Vec<usize>,
    /// Per seat: whether its observation shows the grid's plants (the behind-the-meter ones are
    /// always shown).
    grid_plants: Vec<bool>,
}

/// An observation for `seat` before its first month is written into it.
fn empty_observation(scenario: Arc<Scenario>, curves: Arc<Curves>, seat: usize) -> Observation {
    Observation {
        month: 0,
        year: scenario.start_year,
        month_of_year: 1,
        months_total: 0,
        nation: seat,
        own: NationView {
            treasury_usd: 0.0,
            inflow_month_usd: 0.0,
            debt_usd: 0.0,
            fleet_mw: [0.0; KINDS],
            starts_left_mw: [0.0; KINDS],
            firm_supply_mw: 0.0,
            baseline_demand_mw: 0.0,
            datacenter_demand_mw: 0.0,
            datacenter_powered_fraction: 0.0,
            spare_supply_mw: 0.0,
            interconnection_queue_mw: 0.0,
            interconnection_mw_per_month: 0.0,
            queue_wait_months: 0.0,
            policy: Policy::nothing_in_force(),
            chips_available_h100e: 0.0,
            chip_price_usd_per_h100e: 0.0,
            chip_import_share: 0.0,
            emissions_total_mtco2: 0.0,
            capacity_built_mw: 0.0,
        },
        labs: Vec::new(),
        plants: Vec::new(),
        datacenters: Vec::new(),
        rivals: Vec::new(),
        rejected: Vec::new(),
        snapshot: None,
        scenario,
        curves,
    }
}

/// `dst` made equal to `src`, keeping `dst`'s lists' allocations. Every field is named, so that a
/// new one cannot be forgotten.
fn copy_policy(dst: &mut Policy, src: &Policy) {
    let Policy {
        regulation_level,
        in_climate_accord,
        drilling,
        drilling_since_month,
        export_controls_on,
        lab_subsidy_share,
        mineral_controls_on,
        queue_reform,
        queue_reform_since_month,
    } = src;
    dst.regulation_level = *regulation_level;
    dst.in_climate_accord = *in_climate_accord;
    dst.drilling = *drilling;
    dst.drilling_since_month = *drilling_since_month;
    dst.export_controls_on.clone_from(export_controls_on);
    dst.lab_subsidy_share = *lab_subsidy_share;
    dst.mineral_controls_on.clone_from(mineral_controls_on);
    dst.queue_reform = *queue_reform;
    dst.queue_reform_since_month = *queue_reform_since_month;
}

/// `kept` made equal to `id`, reusing its allocation (none when it already is).
fn reuse_string(kept: &mut String, id: &str) {
    if kept != id {
        kept.clear();
        kept.push_str(id);
    }
}

/// Puts `view` at `at`, the next place to fill in `list` (written over, or pushed at the end).
fn put_at<T>(list: &mut Vec<T>, at: usize, view: T) {
    match list.get_mut(at) {
        Some(slot) => *slot = view,
        None => {
            debug_assert_eq!(at, list.len(), "lists are filled in order");
            list.push(view);
        }
    }
}

/// Position of datacenter `id` in `dcs` (sorted by id), looked for first in the few views from
/// `from` on (where the next dedicated plant's datacenter almost always is: a binary search per
/// plant was a tenth of building the observations), then by bisection.
fn find_view_from(dcs: &[DatacenterView], from: usize, id: u32) -> Option<usize> {
    /// Views tried one by one before bisecting.
    const NEAR_VIEWS: usize = 8;
    let near = dcs.get(from..).unwrap_or_default();
    for (offset, d) in near.iter().take(NEAR_VIEWS).enumerate() {
        if d.id == id {
            return Some(from + offset);
        }
        if d.id > id {
            break;
        }
    }
    dcs.binary_search_by_key(&id, |d| d.id).ok()
}

/// Makes room for `len` slots (views keep what they held; every nation mark is cleared).
fn grow_views<T: Copy>(views: &mut Vec<T>, nations: &mut Vec<u16>, len: usize, unset: T) {
    if views.len() < len {
        views.resize(len, unset);
    }
    nations.clear();
    nations.resize(len, NO_NATION);
}

/// Marks a roster slot no view was written to this month.
const NO_NATION: u16 = u16::MAX;

/// What fills a view slot before the table walk writes it (never seen: such slots are skipped).
const PLANT_VIEW_UNSET: PlantView = PlantView {
    id: 0,
    kind: PlantKind::Solar,
    capacity_mw: 0.0,
    stage: PlantStage::Permitting,
    months_left: 0,
    dedicated_to: None,
    interconnected: false,
};
const DATACENTER_VIEW_UNSET: DatacenterView = DatacenterView {
    id: 0,
    lab: 0,
    it_mw: 0.0,
    stage: DatacenterStage::Construction,
    months_left: 0,
    dedicated: false,
    dedicated_plant_mw: 0.0,
    powered_fraction: 0.0,
};

/// Roster entities always match their query; a miss is an engine bug worth stopping for.
fn in_roster<T>(item: Result<T, bevy_ecs::query::QueryEntityError>) -> T {
    item.expect("roster entity matches its query")
}

/// Capability lead, in orders of magnitude, that scores 1/(1+e^-1) ≈ 0.73 against a rival: the
/// scale of the logistic that turns a capability gap into a score.
pub const SCORE_SCALE_OOM: f64 = 0.5;

/// Scores in [0, 1], the mean over rivals of a pairwise score: 1 against every rival for the
/// superintelligence winner (0 for the rival against it); otherwise a logistic of the capability gap,
/// 1 / (1 + exp(−(cᵢ − cⱼ) / SCORE_SCALE_OOM)). So a wider lead scores more, a near miss scores
/// nearly half, and two nations' scores sum to 1. Wins, draws and losses are counted from the winner
/// separately.
pub fn pairwise_scores(capabilities: &[f64], winner: Option<usize>) -> Vec<f64> {
    let n = capabilities.len();
    if n <= 1 {
        return vec![1.0; n];
    }
    let pair = |i: usize, j: usize| -> f64 {
        match winner {
            Some(w) if w == i => 1.0,
            Some(w) if w == j => 0.0,
            _ => 1.0 / (1.0 + (-(capabilities[i] - capabilities[j]) / SCORE_SCALE_OOM).exp()),
        }
    };
    (0..n)
        .map(|i| (0..n).filter(|&j| j != i).map(|j| pair(i, j)).sum::<f64>() / (n - 1) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_scores_are_logistic_in_the_gap_and_the_winner_takes_all() {
        let s = pairwise_scores(&[30.5, 30.0], None);
        let lead = 1.0 / (1.0 + (-1.0f64).exp());
        assert!(
            (s[0] - lead).abs() < 1e-12 && (s[0] + s[1] - 1.0).abs() < 1e-12,
            "{s:?}"
        );
        assert_eq!(pairwise_scores(&[30.0, 30.0], None), vec![0.5, 0.5]);
        // Superintelligence beats any capability gap.
        assert_eq!(pairwise_scores(&[36.0, 37.0], Some(0)), vec![1.0, 0.0]);
        // Three nations: the mean over rivals; the winner scores 1, a trailing pair splits the rest.
        let s = pairwise_scores(&[36.0, 30.0, 30.0], Some(0));
        assert_eq!(s, vec![1.0, 0.25, 0.25]);
        assert_eq!(pairwise_scores(&[12.0], None), vec![1.0]);
    }
}

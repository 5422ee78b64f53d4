//! ECS resources: the clock, the scenario, the world's random stream, orders in and rejections out.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::components::{Datacenter, DatacenterStage, PlantStage, PowerPlant};
use crate::curves::Curves;
use crate::orders::{Orders, Rejection};
use crate::scaling::ScalingConstants;
use crate::scenario::{PlantKind, Scenario};

/// Hours in an average month (8,766 h / 12), the unit of energy per turn.
pub const HOURS_PER_MONTH: f64 = 8_766.0 / 12.0;
/// Seconds in an average month (365.25 days / 12).
pub const SECONDS_PER_MONTH: f64 = 365.25 * 86_400.0 / 12.0;
pub use crate::scenario::MONTHS_PER_YEAR;

/// The current turn. Month 0 is January of the scenario's start year.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    pub month: u32,
}

impl Clock {
    /// Years since month 0, for trend growth.
    pub fn years(&self) -> f64 {
        self.month as f64 / MONTHS_PER_YEAR
    }
}

/// The scenario the game runs, shared read-only, with constants derived from it once.
#[derive(Resource, Clone)]
pub struct Params {
    pub scenario: Arc<Scenario>,
    pub scaling: ScalingConstants,
    pub months: u32,
    /// The scenario's trends month by month over the horizon, shared by every game on it.
    pub curves: Arc<Curves>,
    /// Owner nation of each lab, by lab index.
    pub lab_nation: Vec<u16>,
    /// Each lab's share of its nation's subsidies: its national share over its nation's total.
    pub subsidy_weight: Vec<f64>,
    /// Per chip origin: the nations whose export controls bind it.
    pub origin_controllers: Vec<Vec<u16>>,
    /// Per chip origin, per nation: the share of the origin's output the nation may buy.
    pub origin_shares: Vec<Vec<f64>>,
}

impl Params {
    /// Whether `imposer` controls some origin that sells to `target`: only then do its export
    /// controls cut anything, and only then does it lose sales by imposing them.
    pub fn controls_supply_of(&self, imposer: u16, target: u16) -> bool {
        self.origin_controllers
            .iter()
            .zip(&self.origin_shares)
            .any(|(controllers, shares)| {
                controllers.contains(&imposer) && shares[target as usize] > 0.0
            })
    }
}

impl Params {
    pub fn new(scenario: Arc<Scenario>, months: u32) -> Params {
        let lab_nation: Vec<u16> = scenario
            .labs
            .iter()
            .map(|l| {
                scenario
                    .nation_index(&l.nation)
                    .expect("validated: every lab's nation exists") as u16
            })
            .collect();
        let mut totals = vec![0.0; scenario.nations.len()];
        let mut counts = vec![0usize; scenario.nations.len()];
        for (lab, &n) in scenario.labs.iter().zip(&lab_nation) {
            totals[n as usize] += lab.national_share;
            counts[n as usize] += 1;
        }
        let subsidy_weight = scenario
            .labs
            .iter()
            .zip(&lab_nation)
            .map(|(lab, &n)| {
                if totals[n as usize] > 0.0 {
                    lab.national_share / totals[n as usize]
                } else {
                    // No shares given: subsidies are split evenly rather than lost.
                    1.0 / counts[n as usize] as f64
                }
            })
            .collect();
        let origin_controllers = scenario
            .global
            .chip_origins
            .iter()
            .map(|o| scenario.nation_indices(&o.controlled_by))
            .collect();
        let origin_shares = scenario
            .global
            .chip_origins
            .iter()
            .map(|o| {
                let mut shares = vec![0.0; scenario.nations.len()];
                for b in &o.buyers {
                    if let Some(n) = scenario.nation_index(&b.nation) {
                        shares[n] += b.share;
                    }
                }
                shares
            })
            .collect();
        Params {
            curves: Arc::new(Curves::new(scenario.clone(), months)),
            origin_controllers,
            origin_shares,
            scaling: ScalingConstants::new(&scenario.global.scaling_law),
            scenario,
            months,
            lab_nation,
            subsidy_weight,
        }
    }
}

/// Every entity in a fixed order: nations and labs by scenario index, plants and datacenters by id.
/// Systems walk these lists wherever order changes a result (float sums, ties), so they never sort
/// and never depend on the ECS's storage order, which changes with despawns and restores.
#[derive(Resource, Clone, Debug, Default)]
pub struct Roster {
    pub nations: Vec<Entity>,
    pub labs: Vec<Entity>,
    /// Live plants, sorted by id (ids only grow, so spawning appends).
    pub plants: Vec<(u32, Entity)>,
    /// Live datacenters, sorted by id.
    pub datacenters: Vec<(u32, Entity)>,
    /// Position in `plants` of each live plant, by entity index ([`NO_SLOT`] for any other entity):
    /// a system can walk a table densely and still put what it finds in roster order.
    plant_slots: Vec<u32>,
    /// Position in `datacenters` of each live datacenter, by entity index.
    datacenter_slots: Vec<u32>,
}

/// Marks an entity index that holds no project of the roster's list.
const NO_SLOT: u32 = u32::MAX;

impl Roster {
    pub fn add_plant(&mut self, id: u32, entity: Entity) {
        let at = insert_sorted(&mut self.plants, id, entity);
        renumber(&self.plants[at..], at, &mut self.plant_slots);
    }
    pub fn add_datacenter(&mut self, id: u32, entity: Entity) {
        let at = insert_sorted(&mut self.datacenters, id, entity);
        renumber(&self.datacenters[at..], at, &mut self.datacenter_slots);
    }
    /// Removes the live plants with these ids (any order; ids not listed are ignored), renumbering
    /// the slots once: a month folds dozens of projects, and renumbering after each one was a
    /// tenth of the interconnection system's work.
    pub fn remove_plants(&mut self, ids: &[u32]) {
        remove_all(&mut self.plants, ids, &mut self.plant_slots);
    }
    /// Removes the live datacenters with these ids, as [`Roster::remove_plants`].
    pub fn remove_datacenters(&mut self, ids: &[u32]) {
        remove_all(&mut self.datacenters, ids, &mut self.datacenter_slots);
    }
    /// Plant entities in id order.
    pub fn plant_entities(&self) -> impl Iterator<Item = Entity> + '_ {
        self.plants.iter().map(|p| p.1)
    }
    /// Datacenter entities in id order.
    pub fn datacenter_entities(&self) -> impl Iterator<Item = Entity> + '_ {
        self.datacenters.iter().map(|d| d.1)
    }
    /// The position of `entity` in [`Roster::plants`], if it is a live plant there. A plant whose
    /// despawn is still deferred has left the roster already and has none.
    pub fn plant_slot(&self, entity: Entity) -> Option<usize> {
        slot(&self.plant_slots, entity)
    }
    /// The position of `entity` in [`Roster::datacenters`], if it is a live datacenter there.
    pub fn datacenter_slot(&self, entity: Entity) -> Option<usize> {
        slot(&self.datacenter_slots, entity)
    }
}

fn slot(slots: &[u32], entity: Entity) -> Option<usize> {
    match slots.get(entity.index_u32() as usize) {
        Some(&at) if at != NO_SLOT => Some(at as usize),
        _ => None,
    }
}

/// Records the positions of `moved`, which now start at `from`.
fn renumber(moved: &[(u32, Entity)], from: usize, slots: &mut Vec<u32>) {
    for (offset, &(_, entity)) in moved.iter().enumerate() {
        let index = entity.index_u32() as usize;
        if slots.len() <= index {
            slots.resize(index + 1, NO_SLOT);
        }
        slots[index] = u32::try_from(from + offset).expect("fewer than 2^32 projects");
    }
}

/// Drops the entries with these ids from `list` and renumbers the slots of those after the first
/// one dropped. Both lists are in id order (the interconnection system folds in id order; any other
/// caller's ids are sorted first), so [`remove_sorted`] finds and compacts them in one pass: looking
/// every entry's slot up and renumbering after a `retain` cost several times more.
fn remove_all(list: &mut Vec<(u32, Entity)>, ids: &[u32], slots: &mut [u32]) {
    if ids.is_sorted() {
        remove_sorted(list, ids, slots);
    } else {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        remove_sorted(list, &sorted, slots);
    }
}

/// [`remove_all`] for ids in ascending order (repeats allowed): each id is found by bisecting what
/// is left after the previous one, the runs kept between them are moved down whole, and the slots
/// from the first one removed are renumbered in one tight pass (a merge walking every entry, with
/// its renumbering interleaved, cost 1.7 times as much).
fn remove_sorted(list: &mut Vec<(u32, Entity)>, ids: &[u32], slots: &mut [u32]) {
    // Entries before `read` are settled: those kept are at `..write`.
    let mut read = 0;
    let mut write = 0;
    // Where the first entry removed was: the slots from there on change.
    let mut first = None;
    for &id in ids {
        let at = read + list[read..].partition_point(|e| e.0 < id);
        match list.get(at) {
            None => break,
            // Not listed, or a repeat of one already removed.
            Some(&(found, _)) if found != id => continue,
            Some(&(_, entity)) => slots[entity.index_u32() as usize] = NO_SLOT,
        }
        first.get_or_insert(at);
        if write != read {
            list.copy_within(read..at, write);
        }
        write += at - read;
        read = at + 1;
    }
    let Some(first) = first else {
        return;
    };
    let len = list.len();
    list.copy_within(read..len, write);
    list.truncate(write + len - read);
    for (at, &(_, entity)) in list.iter().enumerate().skip(first) {
        slots[entity.index_u32() as usize] = u32::try_from(at).expect("fewer than 2^32 projects");
    }
}

/// Inserts (id, entity) into a list in id order (ids only grow, so this is mostly a push) and
/// returns the position.
pub(crate) fn insert_sorted(list: &mut Vec<(u32, Entity)>, id: u32, entity: Entity) -> usize {
    match list.last() {
        Some(&(last, _)) if last > id => {
            let at = list.partition_point(|e| e.0 < id);
            list.insert(at, (id, entity));
            at
        }
        _ => {
            list.push((id, entity));
            list.len() - 1
        }
    }
}

/// An online behind-the-meter plant, as dispatch needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DedicatedPlant {
    /// Id of the datacenter it powers.
    pub datacenter: u32,
    pub plant: u32,
    pub kind: PlantKind,
    /// Nameplate × capacity factor, MW.
    pub firm_mw: f64,
}

/// The projects of the stages that the interconnection and dispatch systems act on, kept as the
/// projects move between stages, so that no system scans every project and sorts what it finds
/// every month (those scans and sorts were a sixth of a month's work). Each list is in id order
/// (the plants by datacenter id, then plant id), the order sums over them keep.
///
/// The systems that change a stage keep it: construction (a project built), interconnection (a
/// plant served, a datacenter powered, projects folded). It is state derived from the projects, so
/// a world built any other way (a reset, a restore, a test) rebuilds it with [`Stages::of`]; debug
/// builds check it against that rebuild every month (`crate::invariants`).
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct Stages {
    /// Online behind-the-meter plants, by (datacenter id, plant id). They never leave.
    pub dedicated_plants: Vec<DedicatedPlant>,
    /// Online behind-the-meter datacenters (id, entity). They never leave.
    pub dedicated_datacenters: Vec<(u32, Entity)>,
    /// Behind-the-meter datacenters built and waiting for a plant of their own to come online.
    pub waiting_datacenters: Vec<(u32, Entity)>,
    /// Grid plants online and not yet folded into their fleet (interconnection folds them the month
    /// they come online, so this is empty between turns).
    pub grid_plants_online: Vec<(u32, Entity)>,
    /// Grid datacenters online and not yet folded into their lab (empty between turns too).
    pub grid_datacenters_online: Vec<(u32, Entity)>,
}

impl Stages {
    /// The stages of the roster's projects, from scratch.
    pub fn of(world: &World) -> Stages {
        let roster = world.resource::<Roster>();
        let mut stages = Stages::default();
        for &(id, entity) in &roster.plants {
            let Some(plant) = world.get::<PowerPlant>(entity) else {
                continue;
            };
            if plant.stage != PlantStage::Online {
                continue;
            }
            match plant.dedicated_to {
                Some(_) => stages.dedicated_plants.push(DedicatedPlant::of(plant)),
                None => stages.grid_plants_online.push((id, entity)),
            }
        }
        stages
            .dedicated_plants
            .sort_unstable_by_key(|d| (d.datacenter, d.plant));
        for &(id, entity) in &roster.datacenters {
            let Some(dc) = world.get::<Datacenter>(entity) else {
                continue;
            };
            let list = match (dc.stage, dc.dedicated) {
                (DatacenterStage::Construction, _) => continue,
                (DatacenterStage::WaitingForPower, _) => &mut stages.waiting_datacenters,
                (DatacenterStage::Online, true) => &mut stages.dedicated_datacenters,
                (DatacenterStage::Online, false) => &mut stages.grid_datacenters_online,
            };
            list.push((id, entity));
        }
        stages
    }

    /// Records a behind-the-meter plant that came online.
    pub fn add_dedicated_plant(&mut self, plant: &PowerPlant) {
        let new = DedicatedPlant::of(plant);
        let key = (new.datacenter, new.plant);
        let at = self
            .dedicated_plants
            .partition_point(|d| (d.datacenter, d.plant) < key);
        self.dedicated_plants.insert(at, new);
    }
}

impl DedicatedPlant {
    /// # Panics
    /// If the plant is on the grid.
    fn of(plant: &PowerPlant) -> DedicatedPlant {
        DedicatedPlant {
            datacenter: plant.dedicated_to.expect("a behind-the-meter plant"),
            plant: plant.id,
            kind: plant.kind,
            firm_mw: plant.capacity_mw * plant.capacity_factor,
        }
    }
}

/// Stream ids for [`seeded_rng`]: one for the world, one per nation's strategy.
pub const WORLD_STREAM: u64 = 0;
pub fn strategy_stream(nation: usize) -> u64 {
    1_000 + nation as u64
}

/// A ChaCha8 stream derived from (seed, stream id); the only source of randomness in a game.
pub fn seeded_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Position of a random stream, enough to restore it exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RngState {
    pub seed: u64,
    pub stream: u64,
    pub word_pos_hi: u64,
    pub word_pos_lo: u64,
}

impl RngState {
    pub fn capture(seed: u64, rng: &ChaCha8Rng) -> RngState {
        let pos = rng.get_word_pos();
        RngState {
            seed,
            stream: rng.get_stream(),
            word_pos_hi: (pos >> 64) as u64,
            word_pos_lo: pos as u64,
        }
    }
    pub fn restore(&self) -> ChaCha8Rng {
        let mut rng = seeded_rng(self.seed, self.stream);
        rng.set_word_pos(((self.word_pos_hi as u128) << 64) | self.word_pos_lo as u128);
        rng
    }
}

/// The world's own random stream (construction overruns).
#[derive(Resource, Clone, Debug)]
pub struct WorldRng {
    pub seed: u64,
    pub rng: ChaCha8Rng,
}

/// Orders for this turn, one entry per nation (scenario order).
#[derive(Resource, Clone, Debug, Default)]
pub struct PendingOrders {
    pub by_nation: Vec<Orders>,
}

/// Orders rejected this turn, per nation, shown to strategies next turn.
#[derive(Resource, Clone, Debug, Default)]
pub struct Rejections {
    pub by_nation: Vec<Vec<Rejection>>,
    /// Rejections since month 0, per nation.
    pub total_by_nation: Vec<u32>,
}

/// Ids for new plants and datacenters.
#[derive(Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdCounter {
    pub next_plant: u32,
    pub next_datacenter: u32,
}

/// Chips outside the modelled nations: every H100e of world supply that no nation bought (an
/// unallocated share, allocations cut by export controls, quotas left unused) goes here, so that
/// the world stock adds up to the supply.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RestOfWorld {
    pub stock: crate::components::ChipStock,
    /// H100e of this month's world supply, for the books at the end of the month.
    pub supply_month_h100e: f64,
}

/// Whether the game is decided.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Victory {
    /// Set when some lab crossed the superintelligence threshold: the winning nation's index.
    pub asi_winner: Option<u16>,
    /// Month the game was decided by superintelligence.
    pub decided_month: Option<u32>,
}

#[cfg(test)]
mod roster_tests {
    use bevy_ecs::entity::Entity;
    use proptest::prelude::*;

    use super::{Roster, Stages};
    use crate::components::{PlantStage, PowerPlant};
    use crate::scenario::PlantKind;

    fn entity(index: u32) -> Entity {
        Entity::from_raw_u32(index).expect("index below u32::MAX")
    }

    proptest! {
        /// Whatever the sequence of spawns (ids in any order, entity indices reused after a
        /// removal) and removals, every live project's slot is its position in id order, and a
        /// removed one has none.
        #[test]
        fn slots_follow_positions(ops in proptest::collection::vec((any::<bool>(), 0u32..40), 0..200)) {
            let mut roster = Roster::default();
            let mut free: Vec<u32> = (0..60).rev().collect();
            let mut removed = Vec::new();
            for (add, id) in ops {
                let listed = roster.plants.iter().any(|p| p.0 == id);
                if add && !listed {
                    let index = free.pop().expect("more indices than ids");
                    roster.add_plant(id, entity(index));
                    roster.add_datacenter(id, entity(index));
                } else if !add && listed {
                    let (_, e) = roster.plants.iter().copied().find(|p| p.0 == id).unwrap();
                    roster.remove_plants(&[id]);
                    roster.remove_datacenters(&[id]);
                    free.insert(0, e.index_u32());
                    removed.push(e);
                }
                prop_assert!(roster.plants.windows(2).all(|w| w[0].0 < w[1].0));
                for (at, &(_, e)) in roster.plants.iter().enumerate() {
                    prop_assert_eq!(roster.plant_slot(e), Some(at));
                    prop_assert_eq!(roster.datacenter_slot(e), Some(at));
                }
                for &e in &removed {
                    if !roster.plants.iter().any(|p| p.1 == e) {
                        prop_assert_eq!(roster.plant_slot(e), None);
                    }
                }
            }
        }

        /// Behind-the-meter plants recorded in any order are kept by (datacenter id, plant id).
        #[test]
        fn dedicated_plants_stay_in_datacenter_then_plant_order(
            (expected, shuffled) in proptest::collection::btree_set((0u32..8, 0u32..40), 0..30)
                .prop_flat_map(|plants| {
                    let plants: Vec<(u32, u32)> = plants.into_iter().collect();
                    (Just(plants.clone()), Just(plants).prop_shuffle())
                }),
        ) {
            let mut stages = Stages::default();
            for (datacenter, id) in shuffled {
                stages.add_dedicated_plant(&PowerPlant {
                    id,
                    nation: 0,
                    kind: PlantKind::Solar,
                    capacity_mw: 10.0,
                    capacity_factor: 0.5,
                    stage: PlantStage::Online,
                    permitting_months_left: 0,
                    construction_months_left: 0,
                    capex_remaining_usd: 0.0,
                    capex_per_month_usd: 0.0,
                    dedicated_to: Some(datacenter),
                    interconnected: true,
                    ordered_month: 0,
                });
            }
            let kept: Vec<(u32, u32)> =
                stages.dedicated_plants.iter().map(|d| (d.datacenter, d.plant)).collect();
            prop_assert_eq!(kept, expected);
        }

        /// Removing a batch (ids in any order, some not listed, some twice) leaves the roster
        /// removing them one at a time leaves.
        #[test]
        fn a_batch_removal_is_the_removals_one_by_one(
            ids in proptest::collection::btree_set(0u32..60, 0..40),
            gone in proptest::collection::vec(0u32..70, 0..30),
        ) {
            let mut batch = Roster::default();
            for (index, &id) in ids.iter().enumerate() {
                batch.add_plant(id, entity(index as u32 * 3 % 61));
            }
            let mut single = batch.clone();
            batch.remove_plants(&gone);
            for &id in &gone {
                single.remove_plants(&[id]);
            }
            prop_assert_eq!(&batch.plants, &single.plants);
            for index in 0..61 {
                prop_assert_eq!(batch.plant_slot(entity(index)), single.plant_slot(entity(index)));
            }
            for (at, &(_, e)) in batch.plants.iter().enumerate() {
                prop_assert_eq!(batch.plant_slot(e), Some(at));
            }
        }
    }
}

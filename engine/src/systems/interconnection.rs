//! Grid interconnection, as LBNL's *Queued Up* measures it. Requests (other developers' monthly
//! cohorts and the game's own grid plants) wait for their interconnection study, first come first
//! served, at a study throughput (MW a month). Other developers withdraw while they wait, more
//! withdraw when the study prices their network upgrades, and some withdraw during construction; the
//! rest come online in the nation's trend mix. The median wait and the completion rate are results,
//! not inputs. A game plant comes online when it is built and its study is done; behind-the-meter
//! plants never queue. Plants that come online are folded into the nation's fleet and despawned, grid datacenters
//! into their lab, so entity counts stay small. Retirements leave the fleet here too.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::curves::QueueHazards;
use crate::resources::*;
use crate::scenario::{NationSpec, PlantKind, Scenario};

/// Below this many MW a queue entry counts as served (float dust).
const SERVED_EPS_MW: f64 = 1e-9;

/// The month-0 grid of a nation: the queue waiting for studies (one entry, first in line) and the
/// studied projects under construction, finishing evenly over their construction time.
pub fn initial_grid(spec: &NationSpec) -> Grid {
    let q = &spec.queue;
    let requested = -(q.initial_age_months.round() as i32);
    let mut grid = Grid {
        throughput_mw_per_month: spec.interconnection_mw_per_month,
        completed_by_wait_mw: vec![0.0; MAX_WAIT_BIN_MONTHS + 1],
        ..Default::default()
    };
    if q.initial_in_study_mw > 0.0 {
        grid.queue.push_back(QueueEntry {
            plant: None,
            mw_remaining: q.initial_in_study_mw,
            requested_month: requested,
        });
    }
    let months = q.construction_months.max(1);
    if q.initial_in_construction_mw > 0.0 {
        for m in 0..months {
            grid.building.push(BuildCohort {
                mw: q.initial_in_construction_mw / months as f64,
                months_left: m + 1,
                requested_month: requested,
            });
        }
    }
    grid.queued_mw = q.initial_in_study_mw + q.initial_in_construction_mw;
    grid
}

/// MW of requests studied this month: the throughput, faster once queue reform has taken effect.
pub fn study_mw_per_month(scenario: &Scenario, grid: &Grid, policy: &Policy, month: u32) -> f64 {
    let reformed = policy.queue_reform
        && month >= policy.queue_reform_since_month + scenario.policies.queue_reform_lead_months;
    if reformed {
        grid.throughput_mw_per_month * scenario.policies.queue_reform_study_speedup
    } else {
        grid.throughput_mw_per_month
    }
}

/// Months a request made now would wait for its study: the MW ahead of it drain at the study
/// throughput plus the other developers' withdrawals.
pub fn study_wait_months(
    scenario: &Scenario,
    nation: usize,
    grid: &Grid,
    policy: &Policy,
    month: u32,
) -> f64 {
    let hazards = QueueHazards::of(&scenario.nations[nation].queue);
    study_wait_months_at(scenario, grid, policy, month, hazards)
}

/// [`study_wait_months`] given the nation's queue hazards.
pub(crate) fn study_wait_months_at(
    scenario: &Scenario,
    grid: &Grid,
    policy: &Policy,
    month: u32,
    hazards: QueueHazards,
) -> f64 {
    let hazard = hazards.study_month;
    let ahead: f64 = grid.queue.iter().map(|e| e.mw_remaining).sum();
    let studied = study_mw_per_month(scenario, grid, policy, month);
    if ahead <= 0.0 {
        return 0.0;
    }
    if studied <= 0.0 && hazard <= 0.0 {
        return f64::INFINITY;
    }
    if hazard <= 0.0 {
        return ahead / studied;
    }
    if studied <= 0.0 {
        // Only withdrawals drain the queue: wait until less than a megawatt is ahead.
        return ahead.ln().max(0.0) / hazard;
    }
    (1.0 + hazard * ahead / studied).ln() / hazards.study_rate_month
}

/// Buffers reused from turn to turn.
#[derive(Default)]
pub struct Scratch {
    served_plants: Vec<u32>,
    online_dcs: Vec<u32>,
    /// Plants (id, entity) and then datacenters that change this turn.
    changing: Vec<(u32, Entity)>,
    /// Ids of the plants and datacenters folded into fleets and labs this turn.
    folded: Vec<u32>,
    folded_dcs: Vec<u32>,
}

/// Connects `mw` of other developers' projects into the fleet, in the nation's trend mix
/// (`trend_total` = Σ trend additions over kinds).
fn connect_in_trend_mix(spec: &NationSpec, trend_total: f64, fleet: &mut Fleet, mw: f64) {
    if trend_total <= 0.0 {
        return;
    }
    for (kind, p) in spec.plants.iter() {
        fleet.mw[kind.index()] += mw * p.trend_additions_mw_per_year / trend_total;
    }
    fleet.built_mw += mw;
}

#[expect(
    clippy::too_many_arguments,
    reason = "a system's parameters are the data it touches; a SystemParam would only rename them"
)]
pub fn interconnection(
    mut commands: Commands,
    params: Res<Params>,
    clock: Res<Clock>,
    mut roster: ResMut<Roster>,
    mut stages: ResMut<Stages>,
    mut scratch: Local<Scratch>,
    mut nations: Query<(&Nation, &mut Grid, &mut Fleet, &Policy)>,
    mut plants: Query<(Entity, &mut PowerPlant)>,
    mut datacenters: Query<(Entity, &mut Datacenter)>,
    mut labs: Query<&mut LabCompute>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    let now = month as i32;
    let Scratch {
        served_plants,
        online_dcs,
        changing,
        folded,
        folded_dcs,
    } = &mut *scratch;
    served_plants.clear();
    online_dcs.clear();
    folded.clear();
    folded_dcs.clear();
    for (nation, mut grid, mut fleet, policy) in &mut nations {
        let spec = &scenario.nations[nation.index as usize];
        let q = &spec.queue;
        let grid = &mut *grid;
        for kind in PlantKind::ALL {
            let k = kind.index();
            fleet.mw[k] = (fleet.mw[k]
                - spec.plants.get(kind).retirements_mw_per_year / MONTHS_PER_YEAR)
                .max(0.0);
        }
        let mut added = 0.0;
        grid.expansions.retain(|&(ready, mw)| {
            if ready <= month {
                added += mw;
                false
            } else {
                true
            }
        });
        grid.throughput_mw_per_month += added;
        let early = |requested: i32| (0..EARLY_COHORT_MONTHS).contains(&requested);
        let trend_total: f64 = spec
            .plants
            .iter()
            .map(|(_, p)| p.trend_additions_mw_per_year)
            .sum();

        // Other developers' projects under construction: withdraw, or come online.
        let hazards = params.curves.hazards(nation.index as usize);
        let build_hazard = hazards.construction_month;
        let mut i = 0;
        while i < grid.building.len() {
            let cohort = &mut grid.building[i];
            let withdrawn = cohort.mw * build_hazard;
            cohort.mw -= withdrawn;
            cohort.months_left = cohort.months_left.saturating_sub(1);
            let requested = cohort.requested_month;
            if requested >= 0 {
                grid.withdrawn_mw += withdrawn;
            }
            if cohort.months_left > 0 {
                i += 1;
                continue;
            }
            let mw = grid.building.remove(i).mw;
            connect_in_trend_mix(spec, trend_total, &mut fleet, mw);
            if requested >= 0 {
                grid.completed_mw += mw;
                let wait = ((now + 1 - requested) as usize).min(MAX_WAIT_BIN_MONTHS);
                grid.completed_by_wait_mw[wait] += mw;
                if early(requested) {
                    grid.early_completed_mw += mw;
                }
            }
        }

        // New requests from other developers join the back of the queue.
        let inflow = q.inflow_mw_per_year / MONTHS_PER_YEAR;
        if inflow > 0.0 {
            grid.queue.push_back(QueueEntry {
                plant: None,
                mw_remaining: inflow,
                requested_month: now,
            });
            grid.requested_mw += inflow;
            if early(now) {
                grid.early_requested_mw += inflow;
            }
        }
        // Other developers withdraw while they wait; the game's own plants do not.
        let study_hazard = hazards.study_month;
        if study_hazard > 0.0 {
            for entry in grid.queue.iter_mut().filter(|e| e.plant.is_none()) {
                let withdrawn = entry.mw_remaining * study_hazard;
                entry.mw_remaining -= withdrawn;
                if entry.requested_month >= 0 {
                    grid.withdrawn_mw += withdrawn;
                }
            }
        }

        // Studies, first come first served. A studied project of another developer withdraws at
        // the price of its network upgrades or goes on to be built; a game plant is connected when
        // it is built.
        let mut budget = study_mw_per_month(scenario, grid, policy, month);
        let keep = 1.0 - q.withdrawal_after_study_share;
        let build_months = q.construction_months.max(1);
        while budget > 0.0 {
            let Some(head) = grid.queue.front_mut() else {
                break;
            };
            let take = budget.min(head.mw_remaining);
            head.mw_remaining -= take;
            budget -= take;
            let plant = head.plant;
            let requested = head.requested_month;
            let done = head.mw_remaining <= SERVED_EPS_MW;
            if done {
                grid.queue.pop_front();
            }
            match plant {
                None => {
                    if requested >= 0 {
                        grid.withdrawn_mw += take * (1.0 - keep);
                    }
                    if take * keep > 0.0 {
                        grid.building.push(BuildCohort {
                            mw: take * keep,
                            months_left: build_months,
                            requested_month: requested,
                        });
                    }
                }
                Some(id) if done => served_plants.push(id),
                Some(_) => {}
            }
        }
        grid.queued_mw = grid.queue.iter().map(|e| e.mw_remaining).sum::<f64>()
            + grid.building.iter().map(|c| c.mw).sum::<f64>();
    }
    served_plants.sort_unstable();
    // Folded plants and datacenters leave the world in one command for the month rather than one
    // command each.
    let mut folded_entities = Vec::new();

    // The plants that change this month are the served ones (found by id in the roster; an id the
    // roster lacks is another world's, in tests) and the grid plants construction brought online
    // (`Stages`). Only those are fetched for writing, in id order, since what they add to fleets is
    // summed in that order.
    changing.clear();
    for &id in served_plants.iter() {
        if let Ok(at) = roster.plants.binary_search_by_key(&id, |p| p.0) {
            changing.push(roster.plants[at]);
        }
    }
    changing.extend_from_slice(&stages.grid_plants_online);
    changing.sort_unstable_by_key(|c| c.0);
    changing.dedup_by_key(|c| c.0);
    let mut in_order = plants.iter_many_mut(changing.iter().map(|c| c.1));
    while let Some(plant) = in_order.fetch_next() {
        let (entity, mut plant) = plant.expect("listed in the roster");
        if !plant.interconnected && served_plants.binary_search(&plant.id).is_ok() {
            plant.interconnected = true;
            if plant.stage == PlantStage::AwaitingInterconnection {
                plant.stage = PlantStage::Online;
                if plant.dedicated_to.is_some() {
                    stages.add_dedicated_plant(&plant);
                }
            }
        }
        if plant.stage != PlantStage::Online || plant.dedicated_to.is_some() {
            continue;
        }
        let (_, mut grid, mut fleet, _) = nations
            .get_mut(roster.nations[plant.nation as usize])
            .expect("roster");
        fleet.mw[plant.kind.index()] += plant.capacity_mw;
        fleet.record_online(plant.capacity_mw, plant.ordered_month, month);
        grid.waits_months_sum += (month + 1 - plant.ordered_month) as f64;
        grid.waits_count += 1;
        folded_entities.push(entity);
        folded.push(plant.id);
    }
    // Every grid plant online is folded now.
    stages.grid_plants_online.clear();

    // Datacenters with a plant of their own online: the distinct datacenters of the online
    // behind-the-meter plants, which are in datacenter order.
    for d in &stages.dedicated_plants {
        if online_dcs.last() != Some(&d.datacenter) {
            online_dcs.push(d.datacenter);
        }
    }

    // The datacenters that change: the grid ones construction brought online (folded into their
    // lab) and the behind-the-meter ones waiting whose power came online; in id order, since the
    // IT they add to labs is summed in that order.
    changing.clear();
    changing.extend_from_slice(&stages.grid_datacenters_online);
    let powered = changing.len();
    changing.extend(
        stages
            .waiting_datacenters
            .iter()
            .filter(|(id, _)| online_dcs.binary_search(id).is_ok()),
    );
    if powered < changing.len() {
        let Stages {
            waiting_datacenters,
            dedicated_datacenters,
            ..
        } = &mut *stages;
        for &(id, entity) in &changing[powered..] {
            insert_sorted(dedicated_datacenters, id, entity);
        }
        waiting_datacenters.retain(|(id, _)| online_dcs.binary_search(id).is_err());
    }
    changing.sort_unstable_by_key(|c| c.0);
    let mut in_order = datacenters.iter_many_mut(changing.iter().map(|c| c.1));
    while let Some(dc) = in_order.fetch_next() {
        let (entity, mut dc) = dc.expect("listed in the roster");
        let mut compute = labs.get_mut(roster.labs[dc.lab as usize]).expect("roster");
        if dc.dedicated {
            dc.stage = DatacenterStage::Online;
            compute.dedicated_it_mw += dc.it_mw;
        } else {
            compute.grid_it_mw += dc.it_mw;
            folded_entities.push(entity);
            folded_dcs.push(dc.id);
        }
    }
    stages.grid_datacenters_online.clear();
    roster.remove_plants(folded);
    roster.remove_datacenters(folded_dcs);
    if !folded_entities.is_empty() {
        commands.queue(move |world: &mut World| {
            for entity in folded_entities {
                world.despawn(entity);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::scenario::QueueSpec;
    use crate::systems::test_support::*;

    /// The month-0 world without the pre-paid datacenter pipeline, so that the only projects are the
    /// ones a test spawns, after `change`.
    fn world_with(change: impl FnOnce(&mut Scenario)) -> World {
        let mut s = scenario();
        for lab in &mut s.labs {
            lab.datacenter_it_mw_under_construction = 0.0;
        }
        change(&mut s);
        let months = s.horizon_months;
        let mut world = World::new();
        crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
        crate::world::spawn_initial(&mut world);
        world
    }

    /// A queue with no other developers: nothing in it at month 0, no inflow, no withdrawals.
    fn quiet(q: &mut QueueSpec) {
        *q = QueueSpec {
            initial_in_study_mw: 0.0,
            initial_in_construction_mw: 0.0,
            initial_age_months: 0.0,
            inflow_mw_per_year: 0.0,
            study_withdrawal_per_year: 0.0,
            withdrawal_after_study_share: 0.0,
            construction_withdrawal_per_year: 0.0,
            construction_months: q.construction_months,
        };
    }

    /// The world with quiet queues everywhere: only the game's own requests.
    fn world() -> World {
        world_with(|s| s.nations.iter_mut().for_each(|n| quiet(&mut n.queue)))
    }

    /// usa with no retirements (so fleet changes are exact), a study throughput of `throughput` MW
    /// a month, and the queue `q`.
    fn usa_with(throughput: f64, q: QueueSpec) -> World {
        world_with(|s| {
            let usa = &mut s.nations[0];
            usa.interconnection_mw_per_month = throughput;
            usa.queue = q;
            usa.plants.gas_turbine.retirements_mw_per_year = 0.0;
            usa.plants.coal.retirements_mw_per_year = 0.0;
            assert!(
                usa.plants
                    .iter()
                    .all(|(_, p)| p.retirements_mw_per_year == 0.0)
            );
        })
    }

    fn no_flows(construction_months: u32) -> QueueSpec {
        let mut q = scenario().nations[0].queue.clone();
        q.construction_months = construction_months;
        quiet(&mut q);
        q
    }

    fn step(world: &mut World, month: u32) {
        world.resource_mut::<Clock>().month = month;
        world.run_system_once(interconnection).unwrap();
    }

    /// Replace nation `n`'s queue by `entries` (plant id or backlog, MW).
    fn set_queue(world: &mut World, n: usize, entries: &[(Option<u32>, f64)]) {
        let e = nation(world, n);
        let mut grid = world.get_mut::<Grid>(e).unwrap();
        grid.queue = entries
            .iter()
            .map(|&(plant, mw)| QueueEntry {
                plant,
                mw_remaining: mw,
                requested_month: 0,
            })
            .collect();
        grid.queued_mw = entries.iter().map(|e| e.1).sum();
    }

    fn grid(world: &World, n: usize) -> Grid {
        world.get::<Grid>(nation(world, n)).unwrap().clone()
    }

    fn fleet(world: &World, n: usize) -> Fleet {
        world.get::<Fleet>(nation(world, n)).unwrap().clone()
    }

    /// A usa grid plant of a kind that never retires, so fleet changes are exact.
    fn plant(id: u32, mw: f64, stage: PlantStage) -> PowerPlant {
        PowerPlant {
            id,
            nation: 0,
            kind: PlantKind::Solar,
            capacity_mw: mw,
            capacity_factor: 0.24,
            stage,
            permitting_months_left: 0,
            construction_months_left: if stage == PlantStage::Construction {
                5
            } else {
                0
            },
            capex_remaining_usd: 0.0,
            capex_per_month_usd: 0.0,
            dedicated_to: None,
            interconnected: false,
            ordered_month: 2,
        }
    }

    fn spawn_plant(world: &mut World, p: PowerPlant) -> Entity {
        let id = p.id;
        let e = world.spawn(p).id();
        world.resource_mut::<Roster>().add_plant(id, e);
        crate::world::index_stages(world);
        e
    }

    fn datacenter(
        id: u32,
        lab: u16,
        it_mw: f64,
        stage: DatacenterStage,
        dedicated: bool,
    ) -> Datacenter {
        Datacenter {
            id,
            nation: 0,
            lab,
            it_mw,
            pue: 1.2,
            stage,
            months_left: 0,
            capex_remaining_usd: 0.0,
            capex_per_month_usd: 0.0,
            dedicated,
            powered_fraction: 0.0,
        }
    }

    fn spawn_datacenter(world: &mut World, dc: Datacenter) -> Entity {
        let id = dc.id;
        let e = world.spawn(dc).id();
        world.resource_mut::<Roster>().add_datacenter(id, e);
        crate::world::index_stages(world);
        e
    }

    #[test]
    fn the_queue_serves_its_head_first_and_carries_partial_service_over() {
        let mut world = world();
        let t = scenario().nations[0].interconnection_mw_per_month;
        assert_eq!(grid(&world, 0).throughput_mw_per_month, t);
        let plants: Vec<Entity> = (0..3)
            .map(|id| spawn_plant(&mut world, plant(id, 1.0, PlantStage::Construction)))
            .collect();
        set_queue(
            &mut world,
            0,
            &[(Some(0), 0.6 * t), (Some(1), 0.8 * t), (Some(2), 0.2 * t)],
        );
        let connected = |world: &World| -> Vec<bool> {
            plants
                .iter()
                .map(|&e| world.get::<PowerPlant>(e).unwrap().interconnected)
                .collect()
        };

        world.run_system_once(interconnection).unwrap();
        let g = grid(&world, 0);
        // Plant 0 is served whole; plant 1 gets what is left; plant 2 waits its turn.
        let remaining: Vec<(Option<u32>, f64)> =
            g.queue.iter().map(|q| (q.plant, q.mw_remaining)).collect();
        assert_eq!(remaining.len(), 2);
        assert_eq!(remaining[0].0, Some(1));
        assert_close(remaining[0].1, 0.4 * t);
        assert_eq!(remaining[1], (Some(2), 0.2 * t));
        assert_close(g.queued_mw, 0.6 * t);
        assert_eq!(connected(&world), [true, false, false]);

        world.run_system_once(interconnection).unwrap();
        let g = grid(&world, 0);
        assert!(g.queue.is_empty());
        assert_close(g.queued_mw, 0.0);
        assert_eq!(connected(&world), [true, true, true]);
        // Served under construction: connected, but not online, not folded.
        for &e in &plants {
            assert_eq!(
                world.get::<PowerPlant>(e).unwrap().stage,
                PlantStage::Construction
            );
        }
        assert_eq!(world.resource::<Roster>().plants.len(), 3);
    }

    #[test]
    fn unused_throughput_is_lost() {
        let mut world = world();
        let t = scenario().nations[0].interconnection_mw_per_month;
        set_queue(&mut world, 0, &[(Some(0), 0.5 * t)]);
        world.run_system_once(interconnection).unwrap();
        assert!(grid(&world, 0).queue.is_empty());
        set_queue(&mut world, 0, &[(Some(1), 1.5 * t)]);
        world.run_system_once(interconnection).unwrap();
        assert_close(grid(&world, 0).queue[0].mw_remaining, 0.5 * t);
    }

    #[test]
    fn a_built_plant_connects_only_once_fully_served_and_folds_into_the_fleet() {
        let mut world = world();
        let s = scenario();
        let kind = PlantKind::Solar;
        assert_eq!(s.nations[0].plants.solar.retirements_mw_per_year, 0.0);
        let t = s.nations[0].interconnection_mw_per_month;
        let mw = 1.5 * t;
        let e = spawn_plant(
            &mut world,
            plant(0, mw, PlantStage::AwaitingInterconnection),
        );
        set_queue(&mut world, 0, &[(Some(0), mw)]);
        let before = fleet(&world, 0);
        world.resource_mut::<Clock>().month = 9;

        // Month 9: two thirds served, still waiting.
        world.run_system_once(interconnection).unwrap();
        let p = world.get::<PowerPlant>(e).unwrap();
        assert!(!p.interconnected);
        assert_eq!(p.stage, PlantStage::AwaitingInterconnection);
        assert_eq!(fleet(&world, 0).mw[kind.index()], before.mw[kind.index()]);

        // Month 10: the rest is served; the plant is online, folded and despawned.
        world.resource_mut::<Clock>().month = 10;
        world.run_system_once(interconnection).unwrap();
        let after = fleet(&world, 0);
        assert_eq!(after.mw[kind.index()], before.mw[kind.index()] + mw);
        assert_eq!(after.built_mw, before.built_mw + mw);
        assert!(world.get_entity(e).is_err(), "folded plants are despawned");
        assert!(world.resource::<Roster>().plants.is_empty());
        // Wait = month + 1 − ordered month = 10 + 1 − 2.
        let g = grid(&world, 0);
        assert_eq!((g.waits_months_sum, g.waits_count), (9.0, 1));
        assert_eq!(
            (after.time_to_power_months_sum, after.time_to_power_count),
            (9.0, 1)
        );
    }

    #[test]
    fn a_game_plant_waits_behind_earlier_cohorts_and_connects_once_studied_and_built() {
        // Other developers withdraw after their study; the game's plant does not.
        let q = QueueSpec {
            withdrawal_after_study_share: 0.5,
            study_withdrawal_per_year: 0.5,
            ..no_flows(6)
        };
        let mut world = usa_with(1_000.0, q);
        let kind = PlantKind::Solar;
        let building = spawn_plant(&mut world, plant(0, 900.0, PlantStage::Construction));
        set_queue(&mut world, 0, &[(None, 1_500.0), (Some(0), 500.0)]);
        let before = fleet(&world, 0).mw[kind.index()];
        step(&mut world, 3);
        // Month 3: the cohort ahead takes the whole study throughput.
        let g = grid(&world, 0);
        assert_eq!(g.queue.len(), 2);
        assert_eq!(
            (g.queue[1].plant, g.queue[1].mw_remaining),
            (Some(0), 500.0)
        );
        assert!(!world.get::<PowerPlant>(building).unwrap().interconnected);
        // Month 4: the rest of the cohort, then the plant's study.
        step(&mut world, 4);
        assert!(grid(&world, 0).queue.is_empty());
        let p = world.get::<PowerPlant>(building).unwrap();
        assert!(p.interconnected);
        // Studied, but still being built: not online, not in the fleet.
        assert_eq!(p.stage, PlantStage::Construction);
        assert_eq!(fleet(&world, 0).mw[kind.index()], before);
        // Once built (construction finishes it), it goes online and into the fleet.
        world.get_mut::<PowerPlant>(building).unwrap().stage = PlantStage::Online;
        crate::world::index_stages(&mut world);
        step(&mut world, 5);
        assert!(world.get_entity(building).is_err());
        assert_eq!(fleet(&world, 0).mw[kind.index()], before + 900.0);
        // Its wait: month 5 + 1 − ordered month 2.
        assert_eq!(grid(&world, 0).waits_months_sum, 4.0);
    }

    #[test]
    fn the_month_0_grid_is_the_scenario_s_queue() {
        let s = scenario();
        let spec = &s.nations[0];
        let q = &spec.queue;
        let g = initial_grid(spec);
        assert_eq!(g.throughput_mw_per_month, spec.interconnection_mw_per_month);
        assert_eq!(
            g.queue.iter().cloned().collect::<Vec<_>>(),
            [QueueEntry {
                plant: None,
                mw_remaining: q.initial_in_study_mw,
                requested_month: -(q.initial_age_months.round() as i32),
            }]
        );
        // Under construction: evenly spread over the construction time, one cohort a month.
        assert_eq!(g.building.len(), q.construction_months as usize);
        for (m, c) in g.building.iter().enumerate() {
            assert_eq!(c.months_left, m as u32 + 1);
            assert_close(
                c.mw,
                q.initial_in_construction_mw / q.construction_months as f64,
            );
        }
        assert_close(
            g.queued_mw,
            q.initial_in_study_mw + q.initial_in_construction_mw,
        );
        assert_eq!(g.completed_by_wait_mw.len(), MAX_WAIT_BIN_MONTHS + 1);
        assert_eq!(
            (g.requested_mw, g.withdrawn_mw, g.completed_mw),
            (0.0, 0.0, 0.0)
        );
        // The spawned world starts from it.
        assert_eq!(grid(&world_with(|_| {}), 0), g);
    }

    #[test]
    fn inflow_cohorts_are_studied_first_come_first_served_and_built_in_the_trend_mix() {
        // 1,200 MW a month of requests, 600 MW a month of studies, built in 3 months.
        let (inflow, throughput, build) = (1_200.0, 600.0, 3);
        let q = QueueSpec {
            inflow_mw_per_year: inflow * 12.0,
            ..no_flows(build)
        };
        let mut world = usa_with(throughput, q);
        let s = world.resource::<Params>().scenario.clone();
        let spec = &s.nations[0];
        let trend_total: f64 = spec
            .plants
            .iter()
            .map(|(_, p)| p.trend_additions_mw_per_year)
            .sum();
        let start = fleet(&world, 0);
        for month in 0..8u32 {
            step(&mut world, month);
            let g = grid(&world, 0);
            // Every month's cohort joins the back; studies serve the oldest first, half a cohort a
            // month, so the head is the cohort of month (month + 1) / 2.
            let requested: Vec<i32> = g.queue.iter().map(|e| e.requested_month).collect();
            let head = (month as i32 + 1) / 2;
            assert_eq!(
                requested,
                (head..=month as i32).collect::<Vec<_>>(),
                "month {month}"
            );
            let waiting: f64 = g.queue.iter().map(|e| e.mw_remaining).sum();
            assert_close(waiting, (month + 1) as f64 * (inflow - throughput));
            assert_close(g.requested_mw, (month + 1) as f64 * inflow);
            // Studied in month m, online in month m + build: the first completions come in month 3.
            let online_months = (month + 1).saturating_sub(build);
            assert_close(g.completed_mw, online_months as f64 * throughput);
            let building: f64 = g.building.iter().map(|c| c.mw).sum();
            assert_close(building, ((month + 1).min(build)) as f64 * throughput);
            assert_close(g.queued_mw, waiting + building);
            assert_eq!(g.withdrawn_mw, 0.0);
            // What came online is in the fleet, in the trend mix.
            let f = fleet(&world, 0);
            for (kind, p) in spec.plants.iter() {
                let k = kind.index();
                assert_close(
                    f.mw[k],
                    start.mw[k] + g.completed_mw * p.trend_additions_mw_per_year / trend_total,
                );
            }
            assert_close(f.built_mw, start.built_mw + g.completed_mw);
        }
        // Studied cohorts come online in request order: cohort 0 (studied months 0 and 1) waited
        // 4 and 5 months from request to operation, cohort 1 (studied months 2 and 3) 5 and 6.
        let g = grid(&world, 0);
        let bins: Vec<(usize, f64)> = g
            .completed_by_wait_mw
            .iter()
            .enumerate()
            .filter(|&(_, &mw)| mw > 0.0)
            .map(|(w, &mw)| (w, mw))
            .collect();
        assert_eq!(
            bins,
            [
                (4, throughput),
                (5, 2.0 * throughput),
                (6, 2.0 * throughput)
            ]
        );
        assert_eq!(g.median_wait_months(), Some(5.0));
        assert_close(g.early_requested_mw, g.requested_mw);
        assert_close(
            g.early_completion_rate().unwrap(),
            5.0 * throughput / (8.0 * inflow),
        );
        // Other developers' projects are not the game's: no game wait is recorded.
        assert_eq!(g.waits_count, 0);
    }

    #[test]
    fn withdrawals_remove_mw_while_waiting_after_the_study_and_while_building() {
        let h = 0.3;
        // No study throughput: a cohort only withdraws, at h a year.
        let q = QueueSpec {
            study_withdrawal_per_year: h,
            ..no_flows(6)
        };
        let mut world = usa_with(0.0, q);
        set_queue(&mut world, 0, &[(None, 1_000.0), (Some(7), 500.0)]);
        let mut last = 0.0;
        for month in 0..12 {
            step(&mut world, month);
            let g = grid(&world, 0);
            assert!(g.withdrawn_mw > last, "withdrawals grow every month");
            last = g.withdrawn_mw;
        }
        let g = grid(&world, 0);
        // After a year, the yearly share has withdrawn; the game's own plant never withdraws.
        assert_close(g.queue[0].mw_remaining, 1_000.0 * (1.0 - h));
        assert_close(g.withdrawn_mw, 1_000.0 * h);
        assert_eq!(
            (g.queue[1].plant, g.queue[1].mw_remaining),
            (Some(7), 500.0)
        );

        // After the study and during construction.
        let (after_study, building) = (0.6, 0.2);
        let q = QueueSpec {
            withdrawal_after_study_share: after_study,
            construction_withdrawal_per_year: building,
            ..no_flows(12)
        };
        let mut world = usa_with(1e9, q);
        set_queue(&mut world, 0, &[(None, 1_000.0)]);
        step(&mut world, 0);
        let g = grid(&world, 0);
        assert!(g.queue.is_empty());
        assert_close(g.withdrawn_mw, 1_000.0 * after_study);
        assert_eq!(g.building.len(), 1);
        assert_close(g.building[0].mw, 1_000.0 * (1.0 - after_study));
        for month in 1..13 {
            step(&mut world, month);
        }
        // Twelve months of building at 20% a year: 20% of the rest withdrew, the rest is online.
        let g = grid(&world, 0);
        let kept = 1_000.0 * (1.0 - after_study);
        assert!(g.building.is_empty());
        assert_close(g.completed_mw, kept * (1.0 - building));
        assert_close(g.withdrawn_mw, 1_000.0 * after_study + kept * building);
        assert_close(g.completed_mw + g.withdrawn_mw, 1_000.0);
    }

    #[test]
    fn the_books_of_the_game_s_requests_balance_under_the_scenario_s_flows() {
        // The scenario's own usa queue, with its withdrawals: every MW requested in the game is
        // waiting, being built, withdrawn or online.
        let mut world = world_with(|_| {});
        for (month, n) in (0..30).flat_map(|m| [(m, 0), (m, 1)]) {
            if n == 0 {
                step(&mut world, month);
            }
            let g = grid(&world, n);
            let waiting: f64 = g
                .queue
                .iter()
                .filter(|e| e.requested_month >= 0)
                .map(|e| e.mw_remaining)
                .sum();
            let building: f64 = g
                .building
                .iter()
                .filter(|c| c.requested_month >= 0)
                .map(|c| c.mw)
                .sum();
            let accounted = waiting + building + g.withdrawn_mw + g.completed_mw;
            assert!(
                (accounted - g.requested_mw).abs() <= 1e-9 * g.requested_mw,
                "month {month}: {accounted} vs {}",
                g.requested_mw
            );
        }
        let g = grid(&world, 0);
        assert!(g.withdrawn_mw > 0.0);
    }

    #[test]
    fn queue_reform_speeds_studies_after_its_lead_time() {
        let s = scenario();
        let e = &s.policies;
        assert!(e.queue_reform_study_speedup > 1.0 && e.queue_reform_lead_months > 0);
        let t = 1_000.0;
        let g = Grid {
            throughput_mw_per_month: t,
            ..Default::default()
        };
        let since = 5;
        let reformed = Policy {
            queue_reform: true,
            queue_reform_since_month: since,
            ..plain_policy()
        };
        let ready = since + e.queue_reform_lead_months;
        assert_eq!(study_mw_per_month(&s, &g, &reformed, ready - 1), t);
        assert_close(
            study_mw_per_month(&s, &g, &reformed, ready),
            t * e.queue_reform_study_speedup,
        );
        assert_close(
            study_mw_per_month(&s, &g, &reformed, ready + 100),
            t * e.queue_reform_study_speedup,
        );
        assert_eq!(study_mw_per_month(&s, &g, &plain_policy(), ready), t);

        // In the system: the head of a long queue gets the faster studies.
        let mut world = usa_with(t, no_flows(6));
        set_queue(&mut world, 0, &[(Some(0), 1e9)]);
        let usa = nation(&world, 0);
        *world.get_mut::<Policy>(usa).unwrap() = reformed;
        step(&mut world, ready - 1);
        assert_close(1e9 - grid(&world, 0).queue[0].mw_remaining, t);
        step(&mut world, ready);
        assert_close(
            1e9 - grid(&world, 0).queue[0].mw_remaining,
            t + t * e.queue_reform_study_speedup,
        );
    }

    #[test]
    fn the_study_wait_drains_the_queue_ahead_at_the_throughput_plus_withdrawals() {
        let mut s = scenario();
        let policy = plain_policy();
        let t = 1_000.0;
        let mut grid = Grid {
            throughput_mw_per_month: t,
            ..Default::default()
        };
        s.nations[0].queue.study_withdrawal_per_year = 0.0;
        assert_eq!(study_wait_months(&s, 0, &grid, &policy, 0), 0.0);
        grid.queue.push_back(QueueEntry {
            plant: None,
            mw_remaining: 6_000.0,
            requested_month: -3,
        });
        assert_close(study_wait_months(&s, 0, &grid, &policy, 0), 6.0);
        // Withdrawals ahead shorten the wait: the MW ahead decay at hazard h while t are studied.
        let h_year = 0.3;
        s.nations[0].queue.study_withdrawal_per_year = h_year;
        let h = 1.0 - (1.0 - h_year).powf(1.0 / 12.0);
        let wait = study_wait_months(&s, 0, &grid, &policy, 0);
        assert!(wait < 6.0 && wait > 5.0, "{wait}");
        // With the rate tabulated once, the wait is the expression written out, bit for bit.
        let written_out = (1.0 + h * 6_000.0 / t).ln() / -(1.0 - h).ln();
        assert_eq!(wait.to_bits(), written_out.to_bits());
        // The closed form: after `wait` months, what is ahead has drained.
        let left = |n: f64| 6_000.0 * (1.0 - h).powf(n) - t * (1.0 - (1.0 - h).powf(n)) / h;
        assert!(left(wait).abs() < 1e-6, "{}", left(wait));
        // Nothing studied and nobody withdrawing: forever.
        grid.throughput_mw_per_month = 0.0;
        s.nations[0].queue.study_withdrawal_per_year = 0.0;
        assert_eq!(study_wait_months(&s, 0, &grid, &policy, 0), f64::INFINITY);
    }

    #[test]
    fn the_median_wait_and_the_early_completion_rate_are_what_they_say() {
        let mut g = Grid::default();
        assert_eq!(g.median_wait_months(), None);
        assert_eq!(g.early_completion_rate(), None);
        g.completed_by_wait_mw = vec![0.0; MAX_WAIT_BIN_MONTHS + 1];
        assert_eq!(g.median_wait_months(), None);
        // 10 MW after 5 months, 30 after 7, 20 after 9: half of the 60 MW came online by month 7.
        g.completed_by_wait_mw[5] = 10.0;
        g.completed_by_wait_mw[7] = 30.0;
        g.completed_by_wait_mw[9] = 20.0;
        assert_eq!(g.median_wait_months(), Some(7.0));
        // Exactly half by month 5: the median is 5.
        g.completed_by_wait_mw[5] = 50.0;
        g.completed_by_wait_mw[7] = 0.0;
        g.completed_by_wait_mw[9] = 50.0;
        assert_eq!(g.median_wait_months(), Some(5.0));
        // Mostly long waits: the last bin.
        g.completed_by_wait_mw[MAX_WAIT_BIN_MONTHS] = 1_000.0;
        assert_eq!(g.median_wait_months(), Some(MAX_WAIT_BIN_MONTHS as f64));

        g.early_requested_mw = 400.0;
        g.early_completed_mw = 80.0;
        assert_close(g.early_completion_rate().unwrap(), 0.2);
    }

    #[test]
    fn only_requests_of_the_first_years_count_toward_the_early_completion_rate() {
        let q = QueueSpec {
            inflow_mw_per_year: 12.0 * 100.0,
            ..no_flows(1)
        };
        let mut world = usa_with(1e9, q);
        for month in 0..(EARLY_COHORT_MONTHS as u32 + 3) {
            step(&mut world, month);
        }
        let g = grid(&world, 0);
        assert_close(g.early_requested_mw, 100.0 * EARLY_COHORT_MONTHS as f64);
        assert_close(g.requested_mw, 100.0 * (EARLY_COHORT_MONTHS + 3) as f64);
        // Every early cohort was studied at once and built in a month.
        assert_close(g.early_completion_rate().unwrap(), 1.0);
        assert_eq!(g.median_wait_months(), Some(2.0));
    }

    #[test]
    fn retirements_leave_the_fleet_and_stop_at_zero() {
        let mut world = world();
        let s = scenario();
        let spec = &s.nations[0];
        set_queue(&mut world, 0, &[]);
        let usa = nation(&world, 0);
        world.get_mut::<Fleet>(usa).unwrap().mw[PlantKind::Coal.index()] = 100.0;
        assert!(spec.plants.coal.retirements_mw_per_year / 12.0 > 100.0);
        let before = fleet(&world, 0);
        world.run_system_once(interconnection).unwrap();
        let after = fleet(&world, 0);
        assert_eq!(after.mw[PlantKind::Coal.index()], 0.0);
        let gt = PlantKind::GasTurbine.index();
        assert_close(
            after.mw[gt],
            before.mw[gt] - spec.plants.gas_turbine.retirements_mw_per_year / 12.0,
        );
        let cc = PlantKind::GasCombinedCycle.index();
        assert_eq!(spec.plants.gas_combined_cycle.retirements_mw_per_year, 0.0);
        assert_eq!(after.mw[cc], before.mw[cc]);
        assert_eq!(after.built_mw, before.built_mw);
    }

    #[test]
    fn grid_expansions_raise_throughput_from_their_month_for_good() {
        let mut world = world();
        let t = scenario().nations[0].interconnection_mw_per_month;
        set_queue(&mut world, 0, &[(Some(99), 1.0e9)]);
        let usa = nation(&world, 0);
        world.get_mut::<Grid>(usa).unwrap().expansions = vec![(5, 1_000.0), (6, 500.0)];
        for (month, throughput, pending) in [
            (4, t, 2),
            (5, t + 1_000.0, 1),
            (6, t + 1_500.0, 0),
            (7, t + 1_500.0, 0),
        ] {
            world.resource_mut::<Clock>().month = month;
            let queued = grid(&world, 0).queued_mw;
            world.run_system_once(interconnection).unwrap();
            let g = grid(&world, 0);
            assert_eq!(g.throughput_mw_per_month, throughput, "month {month}");
            assert_eq!(g.expansions.len(), pending, "month {month}");
            // The raised throughput serves the queue the month it takes effect.
            assert_close(queued - g.queued_mw, throughput);
        }
    }

    #[test]
    fn datacenters_online_join_their_lab() {
        let mut world = world();
        let s = scenario();
        let lab0 = lab(&world, 0);
        let lab1 = lab(&world, 1);
        let grid_online = spawn_datacenter(
            &mut world,
            datacenter(0, 0, 50.0, DatacenterStage::Online, false),
        );
        let building = spawn_datacenter(
            &mut world,
            datacenter(1, 0, 70.0, DatacenterStage::Construction, false),
        );
        let powered = spawn_datacenter(
            &mut world,
            datacenter(2, 1, 30.0, DatacenterStage::WaitingForPower, true),
        );
        let unpowered = spawn_datacenter(
            &mut world,
            datacenter(3, 1, 40.0, DatacenterStage::WaitingForPower, true),
        );
        // Datacenter 2's plant is online; datacenter 3's is still being built.
        let mut online = plant(0, 100.0, PlantStage::Online);
        online.kind = PlantKind::GasTurbine;
        online.dedicated_to = Some(2);
        online.interconnected = true;
        let online = spawn_plant(&mut world, online);
        let mut building_plant = plant(1, 100.0, PlantStage::Construction);
        building_plant.kind = PlantKind::GasTurbine;
        building_plant.dedicated_to = Some(3);
        building_plant.interconnected = true;
        spawn_plant(&mut world, building_plant);

        world.run_system_once(interconnection).unwrap();
        let c0 = world.get::<LabCompute>(lab0).unwrap();
        assert_eq!(c0.grid_it_mw, s.labs[0].datacenter_it_mw + 50.0);
        assert_eq!(c0.dedicated_it_mw, 0.0);
        let c1 = world.get::<LabCompute>(lab1).unwrap();
        assert_eq!(c1.grid_it_mw, s.labs[1].datacenter_it_mw);
        assert_eq!(c1.dedicated_it_mw, 30.0);

        assert!(world.get_entity(grid_online).is_err());
        assert_eq!(
            world.get::<Datacenter>(building).unwrap().stage,
            DatacenterStage::Construction
        );
        assert_eq!(
            world.get::<Datacenter>(powered).unwrap().stage,
            DatacenterStage::Online
        );
        assert_eq!(
            world.get::<Datacenter>(unpowered).unwrap().stage,
            DatacenterStage::WaitingForPower
        );
        // Behind-the-meter plants and datacenters stay; only the grid datacenter left the roster.
        assert!(world.get_entity(online).is_ok());
        let roster = world.resource::<Roster>();
        let dc_ids: Vec<u32> = roster.datacenters.iter().map(|d| d.0).collect();
        assert_eq!(dc_ids, [1, 2, 3]);
        assert_eq!(roster.plants.len(), 2);

        // Next month the dedicated datacenter is not added again.
        world.run_system_once(interconnection).unwrap();
        assert_eq!(world.get::<LabCompute>(lab1).unwrap().dedicated_it_mw, 30.0);
    }

    /// Projects move through `Stages` as construction and interconnection move them, in id order
    /// whatever order they were spawned in, and the kept stages are always what a rebuild finds.
    #[test]
    fn stages_follow_projects_built_powered_and_folded() {
        let mut world = world_with(|_| {});
        let kept = |world: &World| world.resource::<Stages>().clone();
        let rebuilt = |world: &World| Stages::of(world);
        let finishing = |mut dc: Datacenter| {
            dc.stage = DatacenterStage::Construction;
            dc.months_left = 1;
            dc
        };
        // Spawned out of id order: datacenters 7 (dedicated), 3 (grid), 5 (dedicated, no plant).
        spawn_datacenter(
            &mut world,
            finishing(datacenter(7, 0, 30.0, DatacenterStage::Construction, true)),
        );
        spawn_datacenter(
            &mut world,
            finishing(datacenter(3, 0, 20.0, DatacenterStage::Construction, false)),
        );
        spawn_datacenter(
            &mut world,
            finishing(datacenter(5, 0, 10.0, DatacenterStage::Construction, true)),
        );
        // Plants finishing this month: 4 and 2 behind datacenter 7's meter, 6 on the (served) grid.
        for (id, dedicated_to) in [(4, Some(7)), (2, Some(7)), (6, None)] {
            let mut p = plant(id, 100.0, PlantStage::Construction);
            p.construction_months_left = 1;
            p.ordered_month = 0;
            p.dedicated_to = dedicated_to;
            p.interconnected = true;
            spawn_plant(&mut world, p);
        }
        assert_eq!(kept(&world), Stages::default());

        world
            .run_system_once(crate::systems::construction::construction)
            .unwrap();
        let stages = kept(&world);
        assert_eq!(stages, rebuilt(&world));
        let plants: Vec<(u32, u32)> = stages
            .dedicated_plants
            .iter()
            .map(|d| (d.datacenter, d.plant))
            .collect();
        assert_eq!(plants, [(7, 2), (7, 4)]);
        assert_eq!(stages.dedicated_plants[0].firm_mw, 100.0 * 0.24);
        let ids = |list: &[(u32, Entity)]| list.iter().map(|e| e.0).collect::<Vec<_>>();
        assert_eq!(ids(&stages.waiting_datacenters), [5, 7]);
        assert_eq!(ids(&stages.grid_datacenters_online), [3]);
        assert_eq!(ids(&stages.grid_plants_online), [6]);

        step(&mut world, 0);
        world.flush();
        let stages = kept(&world);
        assert_eq!(stages, rebuilt(&world));
        // The grid projects are folded; datacenter 7 has power, datacenter 5 still waits.
        assert_eq!(ids(&stages.grid_plants_online), Vec::<u32>::new());
        assert_eq!(ids(&stages.grid_datacenters_online), Vec::<u32>::new());
        assert_eq!(ids(&stages.dedicated_datacenters), [7]);
        assert_eq!(ids(&stages.waiting_datacenters), [5]);
        assert_eq!(stages.dedicated_plants.len(), 2);
    }
}

//! Grid interconnection: each nation's FIFO queue is served at its throughput (MW a month). A grid
//! plant comes online when it is built and its request has been served; behind-the-meter plants never
//! queue. Plants that come online are folded into the nation's fleet and despawned, grid datacenters
//! into their lab, so entity counts stay small. Retirements leave the fleet here too.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::PlantKind;

/// Below this many MW a queue entry counts as served (float dust).
const SERVED_EPS_MW: f64 = 1e-9;

/// Buffers reused from turn to turn.
#[derive(Default)]
pub struct Scratch {
    served_plants: Vec<u32>,
    online_dcs: Vec<u32>,
    /// Ids of the plants and datacenters folded into fleets and labs this turn.
    folded: Vec<u32>,
    folded_dcs: Vec<u32>,
}

#[allow(clippy::too_many_arguments)]
pub fn interconnection(
    mut commands: Commands,
    params: Res<Params>,
    clock: Res<Clock>,
    mut roster: ResMut<Roster>,
    mut scratch: Local<Scratch>,
    mut nations: Query<(&Nation, &mut Grid, &mut Fleet)>,
    mut plants: Query<(Entity, &mut PowerPlant)>,
    mut datacenters: Query<(Entity, &mut Datacenter)>,
    mut labs: Query<&mut LabCompute>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    let Scratch {
        served_plants,
        online_dcs,
        folded,
        folded_dcs,
    } = &mut *scratch;
    served_plants.clear();
    online_dcs.clear();
    folded.clear();
    folded_dcs.clear();
    for (nation, mut grid, mut fleet) in &mut nations {
        let spec = &scenario.nations[nation.index as usize];
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

        let mut budget = grid.throughput_mw_per_month;
        let trend_total: f64 = spec
            .plants
            .iter()
            .map(|(_, p)| p.trend_additions_mw_per_year)
            .sum();
        while budget > 0.0 {
            let Some(head) = grid.queue.front_mut() else {
                break;
            };
            let take = budget.min(head.mw_remaining);
            head.mw_remaining -= take;
            budget -= take;
            let plant = head.plant;
            let done = head.mw_remaining <= SERVED_EPS_MW;
            grid.queued_mw = (grid.queued_mw - take).max(0.0);
            if plant.is_none() && trend_total > 0.0 {
                // The backlog of other developers' projects connects bit by bit, in the trend mix.
                for (kind, p) in spec.plants.iter() {
                    fleet.mw[kind.index()] += take * p.trend_additions_mw_per_year / trend_total;
                }
                fleet.built_mw += take;
            }
            if done {
                grid.queue.pop_front();
                if let Some(id) = plant {
                    served_plants.push(id);
                }
            }
        }
    }
    served_plants.sort_unstable();

    // Plants in id order (the roster's): what they add to fleets is summed in that order.
    let mut in_order = plants.iter_many_mut(roster.plant_entities());
    while let Some(plant) = in_order.fetch_next() {
        let (entity, mut plant) = plant.expect("roster");
        if !plant.interconnected && served_plants.binary_search(&plant.id).is_ok() {
            plant.interconnected = true;
            if plant.stage == PlantStage::AwaitingInterconnection {
                plant.stage = PlantStage::Online;
            }
        }
        if plant.stage != PlantStage::Online {
            continue;
        }
        match plant.dedicated_to {
            None => {
                let (_, mut grid, mut fleet) = nations
                    .get_mut(roster.nations[plant.nation as usize])
                    .expect("roster");
                fleet.mw[plant.kind.index()] += plant.capacity_mw;
                fleet.record_online(plant.capacity_mw, plant.ordered_month, month);
                grid.waits_months_sum += (month + 1 - plant.ordered_month) as f64;
                grid.waits_count += 1;
                commands.entity(entity).despawn();
                folded.push(plant.id);
            }
            Some(dc) => online_dcs.push(dc),
        }
    }
    drop(in_order);
    online_dcs.sort_unstable();
    online_dcs.dedup();

    let mut in_order = datacenters.iter_many_mut(roster.datacenter_entities());
    while let Some(dc) = in_order.fetch_next() {
        let (entity, mut dc) = dc.expect("roster");
        let dedicated = match dc.stage {
            DatacenterStage::Online if !dc.dedicated => false,
            DatacenterStage::WaitingForPower if online_dcs.binary_search(&dc.id).is_ok() => {
                dc.stage = DatacenterStage::Online;
                true
            }
            _ => continue,
        };
        let mut compute = labs.get_mut(roster.labs[dc.lab as usize]).expect("roster");
        if dedicated {
            compute.dedicated_it_mw += dc.it_mw;
        } else {
            compute.grid_it_mw += dc.it_mw;
            commands.entity(entity).despawn();
            folded_dcs.push(dc.id);
        }
    }
    drop(in_order);
    for &id in folded.iter() {
        roster.remove_plant(id);
    }
    for &id in folded_dcs.iter() {
        roster.remove_datacenter(id);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    /// The month-0 world without the pre-paid datacenter pipeline, so that the only projects are the
    /// ones a test spawns.
    fn world() -> World {
        let mut s = scenario();
        for lab in &mut s.labs {
            lab.datacenter_it_mw_under_construction = 0.0;
        }
        let months = s.horizon_months;
        let mut world = World::new();
        crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
        crate::world::spawn_initial(&mut world);
        world
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
    fn the_backlog_connects_straight_into_the_fleet_in_the_trend_mix() {
        let mut world = world();
        let s = scenario();
        let spec = &s.nations[0];
        let t = spec.interconnection_mw_per_month;
        let g0 = grid(&world, 0);
        assert_eq!(g0.queue[0].plant, None);
        assert_eq!(g0.queue[0].mw_remaining, spec.interconnection_backlog_mw);
        let before = fleet(&world, 0);
        world.run_system_once(interconnection).unwrap();
        let after = fleet(&world, 0);

        let trend_total: f64 = spec
            .plants
            .iter()
            .map(|(_, p)| p.trend_additions_mw_per_year)
            .sum();
        for (kind, p) in spec.plants.iter() {
            let k = kind.index();
            let retired = (before.mw[k] - p.retirements_mw_per_year / 12.0).max(0.0);
            assert_close(
                after.mw[k],
                retired + t * p.trend_additions_mw_per_year / trend_total,
            );
        }
        assert_close(after.built_mw, before.built_mw + t);
        let g = grid(&world, 0);
        assert_close(g.queue[0].mw_remaining, spec.interconnection_backlog_mw - t);
        assert_close(g.queued_mw, g0.queued_mw - t);
        // The backlog is not an in-game plant: no wait is recorded.
        assert_eq!(g.waits_count, 0);
        assert_eq!(after.time_to_power_count, 0);
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
}

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
                fleet.built_mw += plant.capacity_mw;
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

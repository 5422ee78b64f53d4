//! Building a world from a scenario: one entity per nation and lab, the month-0 interconnection
//! backlog, and the chips and datacenters already on order.

use std::sync::Arc;

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::{PlantKind, Scenario};
use crate::systems::chips::open_market;

/// Months over which the month-0 pipeline of datacenters is spread.
fn pipeline_months(months: u32) -> u32 {
    months.max(1)
}

/// Insert the resources every world needs.
pub fn insert_resources(world: &mut World, scenario: Arc<Scenario>, seed: u64, months: u32) {
    let n = scenario.nations.len();
    // A match reset on the same scenario and horizon keeps its parameters (and their tables).
    let same = world
        .get_resource::<Params>()
        .is_some_and(|p| Arc::ptr_eq(&p.scenario, &scenario) && p.months == months);
    if !same {
        world.insert_resource(Params::new(scenario, months));
    }
    world.insert_resource(Roster::default());
    world.insert_resource(Stages::default());
    world.insert_resource(Clock::default());
    world.insert_resource(WorldRng {
        seed,
        rng: seeded_rng(seed, WORLD_STREAM),
    });
    world.insert_resource(PendingOrders {
        by_nation: vec![Default::default(); n],
    });
    world.insert_resource(Rejections {
        by_nation: vec![Vec::new(); n],
        total_by_nation: vec![0; n],
    });
    world.insert_resource(IdCounter::default());
    world.insert_resource(Victory::default());
    world.insert_resource(RestOfWorld::default());
}

/// Ages of the month-0 chip stock: four yearly vintages (0.5 to 3.5 years old), each half the size
/// of the next younger one, as installed stock roughly doubled every year before 2025 (Epoch).
const INITIAL_VINTAGE_AGES_MONTHS: [i32; 4] = [42, 30, 18, 6];
const INITIAL_VINTAGE_WEIGHTS: [f64; 4] = [1.0, 2.0, 4.0, 8.0];

/// The month-0 stock of `h100e` chips by vintage.
pub fn initial_stock(h100e: f64, it_kw_per_h100e: f64) -> ChipStock {
    let total: f64 = INITIAL_VINTAGE_WEIGHTS.iter().sum();
    let mut stock = ChipStock::default();
    for (age, weight) in INITIAL_VINTAGE_AGES_MONTHS
        .iter()
        .zip(INITIAL_VINTAGE_WEIGHTS)
    {
        stock.vintages.push(Vintage {
            arrival_month: -age,
            h100e: h100e * weight / total,
            it_kw_per_h100e,
        });
    }
    stock
}

/// Policy component from the scenario's policy state (ids resolved to indices; validation has
/// already checked they exist).
pub fn policy_from_spec(scenario: &Scenario, spec: &crate::scenario::PolicyState) -> Policy {
    let controls = scenario.nation_indices(&spec.export_controls_on);
    let minerals = scenario
        .nation_indices(&spec.mineral_controls_on)
        .into_iter()
        .map(|target| MineralControl {
            target,
            since_month: 0,
        })
        .collect();
    Policy {
        regulation_level: spec.regulation_level,
        in_climate_accord: spec.in_climate_accord,
        drilling: spec.drilling,
        drilling_since_month: 0,
        export_controls_on: controls,
        lab_subsidy_share: spec.lab_subsidy_share,
        mineral_controls_on: minerals,
        queue_reform: spec.queue_reform,
        queue_reform_since_month: 0,
    }
}

/// Spawn a fresh month-0 world.
pub fn spawn_initial(world: &mut World) {
    spawn_initial_reusing(world, &[]);
}

/// Spawn a fresh month-0 world, overwriting the datacenters of a finished game rather than
/// despawning them and spawning new ones (a reset's largest share of entity work).
///
/// `reusable` must list the datacenter entities left in `world` in table order: the first ones take
/// the month-0 datacenters in id order and the rest are despawned from the end of the table, so
/// the table ends up row for row as a fresh spawn leaves it.
pub fn spawn_initial_reusing(world: &mut World, reusable: &[Entity]) {
    let scenario = world.resource::<Params>().scenario.clone();
    let g = &scenario.global;
    let policies: Vec<Policy> = scenario
        .nations
        .iter()
        .map(|n| policy_from_spec(&scenario, &n.initial_policy))
        .collect();
    let controls: Vec<&Policy> = policies.iter().collect();
    let mut next_dc = 0u32;
    let mut dcs = Vec::new();
    for (i, spec) in scenario.nations.iter().enumerate() {
        let mut fleet = Fleet::default();
        for kind in PlantKind::ALL {
            fleet.mw[kind.index()] = spec.plants.get(kind).fleet_mw;
        }
        let grid = crate::systems::interconnection::initial_grid(spec);
        let mut market = ChipMarket::default();
        open_market(
            world.resource::<Params>(),
            0,
            &controls,
            i as u16,
            &mut market,
        );
        let entity = world
            .spawn((
                Nation { index: i as u16 },
                Treasury {
                    usd: spec.treasury_usd,
                    ..Default::default()
                },
                fleet,
                grid,
                Power {
                    datacenter_powered_fraction: 1.0,
                    ..Default::default()
                },
                policies[i].clone(),
                market,
                Emissions::default(),
            ))
            .id();
        world.resource_mut::<Roster>().nations.push(entity);
    }
    for (i, spec) in scenario.labs.iter().enumerate() {
        let nation = scenario
            .nation_index(&spec.nation)
            .expect("validated: every lab's nation exists") as u16;
        let mut compute = LabCompute {
            h100e: spec.h100e,
            it_kw_per_h100e: g.chip_it_kw_per_h100e,
            stock: initial_stock(spec.h100e, g.chip_it_kw_per_h100e),
            grid_it_mw: spec.datacenter_it_mw,
            training_share: spec.training_share,
            ..Default::default()
        };
        let delivery = g.chip_delivery_months.max(1);
        for m in 0..delivery {
            compute.deliveries.push_back(ChipDelivery {
                arrival_month: m + 1,
                h100e: spec.h100e_on_order / delivery as f64,
                it_kw_per_h100e: g.chip_it_kw_per_h100e,
            });
        }
        let build = pipeline_months(g.datacenter_build_months);
        if spec.datacenter_it_mw_under_construction > 0.0 {
            for m in 0..build {
                dcs.push(Datacenter {
                    id: next_dc,
                    nation,
                    lab: i as u16,
                    it_mw: spec.datacenter_it_mw_under_construction / build as f64,
                    pue: g.datacenter_pue,
                    stage: DatacenterStage::Construction,
                    months_left: m + 1,
                    capex_remaining_usd: 0.0,
                    capex_per_month_usd: 0.0,
                    dedicated: false,
                    powered_fraction: 0.0,
                });
                next_dc += 1;
            }
        }
        let entity = world
            .spawn((
                Lab {
                    index: i as u16,
                    nation,
                },
                compute,
                LabModel {
                    algorithmic_efficiency: g.initial_algorithmic_efficiency,
                    largest_run_flop: spec.largest_run_flop,
                    effective_run_flop: spec.largest_run_flop * g.initial_algorithmic_efficiency,
                    data_stock_tokens: spec.data_stock_tokens,
                    research_multiplier: 1.0,
                    ..Default::default()
                },
                LabFinance {
                    capital_usd: spec.capital_usd,
                    ..Default::default()
                },
            ))
            .id();
        world.resource_mut::<Roster>().labs.push(entity);
    }
    place_datacenters(world, dcs, reusable);
    world.resource_mut::<IdCounter>().next_datacenter = next_dc;
    index_stages(world);
    world.resource_mut::<RestOfWorld>().stock =
        initial_stock(g.rest_of_world_h100e, g.chip_it_kw_per_h100e);
}

/// Rebuilds [`Stages`] from the roster's projects: after a world is built or restored, or (in tests)
/// after projects are spawned or changed by hand.
pub fn index_stages(world: &mut World) {
    let stages = Stages::of(world);
    world.insert_resource(stages);
}

/// Put the month-0 datacenters (in id order) into `world`: over the `reusable` ones first (see
/// [`spawn_initial_reusing`]), then as one spawned batch.
fn place_datacenters(world: &mut World, mut dcs: Vec<Datacenter>, reusable: &[Entity]) {
    let kept = reusable.len().min(dcs.len());
    for (row, &entity) in reusable.iter().enumerate() {
        debug_assert_eq!(
            world.entity(entity).location().table_row.index(),
            row,
            "reusable datacenters come in table order"
        );
    }
    // The extras are the table's last rows: despawned last first, no other row moves.
    for &entity in reusable[kept..].iter().rev() {
        world.despawn(entity);
    }
    let fresh = dcs.split_off(kept);
    let mut placed: Vec<(u32, Entity)> = Vec::with_capacity(kept + fresh.len());
    for (&entity, dc) in reusable.iter().zip(dcs) {
        placed.push((dc.id, entity));
        *world
            .get_mut::<Datacenter>(entity)
            .expect("a reusable entity is a datacenter") = dc;
    }
    // One batch: a spawn per datacenter looks the bundle's archetype up each time.
    let ids: Vec<u32> = fresh.iter().map(|dc| dc.id).collect();
    placed.extend(ids.into_iter().zip(world.spawn_batch(fresh)));
    let mut roster = world.resource_mut::<Roster>();
    for (id, entity) in placed {
        roster.add_datacenter(id, entity);
    }
}

//! Apply orders: check each order whole against the rules and the treasury, then apply it or reject
//! it with a reason. Nations are served in scenario order and each nation's orders in the order given;
//! no order of one nation can change whether another nation's order is accepted this month (chip
//! quotas are per nation), so the serving order changes nothing.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::components::*;
use crate::curves::Curves;
use crate::orders::{Lever, Order, PolicyChange, PowerSupply, RejectReason, Rejection};
use crate::resources::*;
use crate::rules::{self, DatacenterFacts, Standing, regulation_factor};
use crate::scenario::{PlantKind, Scenario};

/// A datacenter seen by the order checks: spawned earlier, or ordered earlier this turn.
#[derive(Clone, Copy)]
pub struct DcRef {
    nation: u16,
    dedicated: bool,
}

#[expect(
    clippy::too_many_arguments,
    reason = "a system's parameters are the data it touches; a SystemParam would only rename them"
)]
pub fn apply_orders(
    mut commands: Commands,
    params: Res<Params>,
    clock: Res<Clock>,
    mut pending: ResMut<PendingOrders>,
    mut rejections: ResMut<Rejections>,
    mut rng: ResMut<WorldRng>,
    mut ids: ResMut<IdCounter>,
    roster: Res<Roster>,
    mut nations: Query<(
        &Nation,
        &mut Treasury,
        &mut Fleet,
        &mut Grid,
        &mut Policy,
        &mut ChipMarket,
    )>,
    mut labs: Query<(&Lab, &mut LabCompute, &mut LabModel)>,
    datacenters: Query<&Datacenter>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;

    let mut nation_rows: Vec<_> = nations.iter_mut().collect();
    nation_rows.sort_by_key(|row| row.0.index);
    // A new month's AI capex starts here: orders are its first payments. A new year's equipment
    // supply too: January's orders count against it.
    for row in nation_rows.iter_mut() {
        row.1.ai_capex_month_usd = 0.0;
        if month.is_multiple_of(12) {
            row.2.starts_this_year_mw = [0.0; KINDS];
        }
    }
    let mut lab_rows: Vec<_> = labs.iter_mut().collect();
    lab_rows.sort_by_key(|row| row.0.index);

    let mut lab_refs: Vec<LabRefs> = lab_rows
        .iter_mut()
        .map(|(lab, compute, model)| LabRefs {
            lab: **lab,
            compute,
            model,
        })
        .collect();

    let mut spawns = SpawnProjects::default();
    let orders_by_nation = std::mem::take(&mut pending.by_nation);
    for r in rejections.by_nation.iter_mut() {
        r.clear();
    }
    for (n, orders) in orders_by_nation.into_iter().enumerate() {
        let Some((nation, treasury, fleet, grid, policy, market)) = nation_rows.get_mut(n) else {
            continue;
        };
        let mut ctx = Ctx {
            scenario,
            curves: &params.curves,
            month,
            nation: nation.index,
            treasury,
            fleet,
            grid,
            policy,
            market,
            labs: &mut lab_refs,
            datacenters: &datacenters,
            ids: &mut ids,
            roster: &roster,
            rng: &mut rng,
            spawns: &mut spawns,
        };
        for (index, order) in orders.orders.into_iter().enumerate() {
            if let Err(reason) = ctx.apply(&order) {
                rejections.by_nation[n].push(Rejection {
                    month,
                    index,
                    order,
                    reason,
                });
                rejections.total_by_nation[n] += 1;
            }
        }
    }
    if !spawns.plants.is_empty() || !spawns.datacenters.is_empty() {
        commands.queue(spawns);
    }
}

/// The projects ordered this turn, spawned together when the turn's commands apply: one command,
/// and one batch per kind of entity (the bundle's archetype looked up once), rather than a command
/// and a lookup per project.
#[derive(Default)]
struct SpawnProjects {
    plants: Vec<PowerPlant>,
    datacenters: Vec<Datacenter>,
}

impl Command for SpawnProjects {
    type Out = ();

    fn apply(self, world: &mut World) {
        // Each table's rows come in the order the projects were ordered, as with a spawn per
        // project; only the entity ids, which no result depends on, may differ.
        let plant_ids: Vec<u32> = self.plants.iter().map(|p| p.id).collect();
        let datacenter_ids: Vec<u32> = self.datacenters.iter().map(|d| d.id).collect();
        let plants: Vec<Entity> = world.spawn_batch(self.plants).collect();
        let datacenters: Vec<Entity> = world.spawn_batch(self.datacenters).collect();
        let mut roster = world.resource_mut::<Roster>();
        for (id, entity) in plant_ids.into_iter().zip(plants) {
            roster.add_plant(id, entity);
        }
        for (id, entity) in datacenter_ids.into_iter().zip(datacenters) {
            roster.add_datacenter(id, entity);
        }
    }
}

struct LabRefs<'a> {
    lab: Lab,
    compute: &'a mut LabCompute,
    model: &'a mut LabModel,
}

struct Ctx<'a, 'l, 'd, 'ds, 'dc> {
    scenario: &'a Scenario,
    curves: &'a Curves,
    month: u32,
    nation: u16,
    treasury: &'a mut Treasury,
    fleet: &'a mut Fleet,
    grid: &'a mut Grid,
    policy: &'a mut Policy,
    market: &'a mut ChipMarket,
    labs: &'a mut [LabRefs<'l>],
    datacenters: &'a Query<'d, 'ds, &'dc Datacenter>,
    ids: &'a mut IdCounter,
    roster: &'a Roster,
    rng: &'a mut WorldRng,
    spawns: &'a mut SpawnProjects,
}

/// The rules read the nation's standing from the system's rows (this turn's earlier orders
/// included).
impl Standing for Ctx<'_, '_, '_, '_, '_> {
    fn scenario(&self) -> &Scenario {
        self.scenario
    }
    fn nation(&self) -> usize {
        self.nation as usize
    }
    fn treasury_usd(&self) -> f64 {
        self.treasury.usd
    }
    fn starts_left_mw(&self, kind: PlantKind) -> f64 {
        let spec = self.scenario.nations[self.nation as usize].plants.get(kind);
        spec.max_starts_mw_per_year - self.fleet.starts_this_year_mw[kind.index()]
    }
    fn in_climate_accord(&self) -> bool {
        self.policy.in_climate_accord
    }
    fn chips_available_h100e(&self) -> f64 {
        self.market.available_h100e
    }
    fn chip_price_usd_per_h100e(&self) -> f64 {
        self.market.price_usd_per_h100e
    }
    fn lab_nation(&self, lab: usize) -> Option<usize> {
        self.labs.get(lab).map(|row| row.lab.nation as usize)
    }
    fn datacenter(&self, id: u32) -> Option<DatacenterFacts> {
        self.find_datacenter(id).map(|d| DatacenterFacts {
            nation: d.nation as usize,
            dedicated: d.dedicated,
        })
    }
}

impl Ctx<'_, '_, '_, '_, '_> {
    /// The datacenter with id `id`: ordered this turn, or spawned earlier.
    fn find_datacenter(&self, id: u32) -> Option<DcRef> {
        // Datacenters ordered this turn are not spawned until the turn's commands apply; earlier
        // ones are looked up through the roster.
        if let Some(d) = self.spawns.datacenters.iter().find(|d| d.id == id) {
            return Some(DcRef {
                nation: d.nation,
                dedicated: d.dedicated,
            });
        }
        let at = self
            .roster
            .datacenters
            .binary_search_by_key(&id, |d| d.0)
            .ok()?;
        let d = self.datacenters.get(self.roster.datacenters[at].1).ok()?;
        Some(DcRef {
            nation: d.nation,
            dedicated: d.dedicated,
        })
    }

    /// Checks the order whole ([`rules::check`]), then applies it; a refused order changes nothing.
    fn apply(&mut self, order: &Order) -> Result<(), RejectReason> {
        let cost = rules::check(&*self, order)?;
        match order {
            Order::BuildPlant {
                kind,
                capacity_mw,
                dedicated_to,
            } => self.build_plant(*kind, *capacity_mw, *dedicated_to, cost),
            Order::BuildDatacenter { lab, it_mw, supply } => {
                self.build_datacenter(*lab, *it_mw, *supply, cost)
            }
            Order::OrderChips { lab, h100e } => self.order_chips(*lab, *h100e, cost),
            Order::FundResearch { lab, usd } => {
                self.treasury.usd -= usd;
                self.treasury.spent_usd += usd;
                self.labs[*lab].model.research_usd_month += usd;
            }
            Order::SetPolicy(change) => self.set_policy(change),
            Order::SetComputeSplit {
                lab,
                training_share,
            } => {
                self.labs[*lab].compute.training_share = *training_share;
            }
            Order::ExpandGrid { mw_per_month } => {
                self.treasury.usd -= cost;
                self.treasury.spent_usd += cost;
                self.treasury.energy_capex_usd += cost;
                let ready = self.month + self.scenario.policies.grid_expansion_lead_months;
                self.grid.expansions.push((ready, *mw_per_month));
            }
        }
        Ok(())
    }

    fn build_plant(
        &mut self,
        kind: PlantKind,
        capacity_mw: f64,
        dedicated_to: Option<u32>,
        cost: f64,
    ) {
        let spec = self.scenario.nations[self.nation as usize].plants.get(kind);
        let k = kind.index();
        let nation_spec = &self.scenario.nations[self.nation as usize];
        let effects = &self.scenario.policies;
        let level = self.policy.regulation_level;
        let permitting = (spec.permitting_months as f64
            * nation_spec.permitting_multiplier
            * regulation_factor(level, effects.deregulated_permitting_fraction))
        .round() as u32;
        let mut construction = (spec.construction_months as f64
            * nation_spec.build_speed_multiplier
            * regulation_factor(level, effects.deregulated_construction_fraction))
        .round()
        .max(1.0) as u32;
        let tech = self.scenario.plant_kinds.get(kind);
        let p_overrun = (tech.overrun_probability
            * (1.0 + (effects.deregulated_overrun_multiplier - 1.0) * (1.0 - level)))
            .min(1.0);
        // Both draws are taken for every plant so the stream's position does not depend on outcomes.
        let u_hit: f64 = self.rng.rng.random();
        let u_size: f64 = self.rng.rng.random();
        if u_hit < p_overrun {
            let fraction = -tech.overrun_mean_fraction * (1.0 - u_size).ln();
            construction += (construction as f64 * fraction).round() as u32;
        }

        let id = self.ids.next_plant;
        self.ids.next_plant += 1;
        self.treasury.usd -= cost;
        self.fleet.starts_this_year_mw[k] += capacity_mw;
        if dedicated_to.is_none() {
            self.grid.queue.push_back(QueueEntry {
                plant: Some(id),
                mw_remaining: capacity_mw,
                requested_month: self.month as i32,
            });
            self.grid.queued_mw += capacity_mw;
        }
        self.spawns.plants.push(PowerPlant {
            id,
            nation: self.nation,
            kind,
            capacity_mw,
            capacity_factor: spec.capacity_factor,
            stage: if permitting > 0 {
                PlantStage::Permitting
            } else {
                PlantStage::Construction
            },
            permitting_months_left: permitting,
            construction_months_left: construction,
            capex_remaining_usd: cost,
            capex_per_month_usd: cost / construction as f64,
            dedicated_to,
            interconnected: dedicated_to.is_some(),
            ordered_month: self.month,
        });
    }

    fn build_datacenter(&mut self, lab: usize, it_mw: f64, supply: PowerSupply, cost: f64) {
        let g = &self.scenario.global;
        let nation_spec = &self.scenario.nations[self.nation as usize];
        let months = (g.datacenter_build_months as f64
            * nation_spec.build_speed_multiplier
            * regulation_factor(
                self.policy.regulation_level,
                self.scenario.policies.deregulated_construction_fraction,
            ))
        .round()
        .max(1.0) as u32;
        let id = self.ids.next_datacenter;
        self.ids.next_datacenter += 1;
        self.treasury.usd -= cost;
        let dedicated = supply == PowerSupply::Dedicated;
        self.spawns.datacenters.push(Datacenter {
            id,
            nation: self.nation,
            lab: lab as u16,
            it_mw,
            pue: g.datacenter_pue,
            stage: DatacenterStage::Construction,
            months_left: months,
            capex_remaining_usd: cost,
            capex_per_month_usd: cost / months as f64,
            dedicated,
            powered_fraction: 0.0,
        });
    }

    fn order_chips(&mut self, lab: usize, h100e: f64, cost: f64) {
        self.treasury.usd -= cost;
        self.treasury.spent_usd += cost;
        self.treasury.ai_capex_usd += cost;
        self.treasury.ai_capex_month_usd += cost;
        self.market.available_h100e -= h100e;
        self.market.bought_h100e += h100e;
        self.market.bought_month_h100e += h100e;
        let g = &self.scenario.global;
        let kw = self.curves.global(self.month).chip_it_kw_per_h100e;
        self.labs[lab].compute.deliveries.push_back(ChipDelivery {
            arrival_month: self.month + g.chip_delivery_months,
            h100e,
            it_kw_per_h100e: kw,
        });
    }

    /// Another nation named by id; [`rules::check`] has already refused an unknown one or itself.
    fn target(&self, target: &str, lever: Lever) -> u16 {
        rules::other_nation(self, target, lever).expect("checked by the rules") as u16
    }

    fn set_policy(&mut self, change: &PolicyChange) {
        match change {
            PolicyChange::RegulationLevel(level) => {
                self.policy.regulation_level = *level;
            }
            PolicyChange::ClimateAccord(stay) => self.policy.in_climate_accord = *stay,
            PolicyChange::Drilling(on) => {
                if *on && !self.policy.drilling {
                    self.policy.drilling_since_month = self.month;
                }
                self.policy.drilling = *on;
            }
            PolicyChange::ExportControls { target, imposed } => {
                let t = self.target(target, Lever::ExportControls);
                let list = &mut self.policy.export_controls_on;
                match (list.binary_search(&t), imposed) {
                    (Err(at), true) => list.insert(at, t),
                    (Ok(at), false) => {
                        list.remove(at);
                    }
                    _ => {}
                }
            }
            PolicyChange::MineralExportControls { target, imposed } => {
                let t = self.target(target, Lever::MineralExportControls);
                let list = &mut self.policy.mineral_controls_on;
                match (list.binary_search_by_key(&t, |c| c.target), imposed) {
                    (Err(at), true) => list.insert(
                        at,
                        MineralControl {
                            target: t,
                            since_month: self.month,
                        },
                    ),
                    (Ok(at), false) => {
                        list.remove(at);
                    }
                    _ => {}
                }
            }
            PolicyChange::QueueReform(on) => {
                if *on && !self.policy.queue_reform {
                    self.policy.queue_reform_since_month = self.month;
                }
                self.policy.queue_reform = *on;
            }
            PolicyChange::LabSubsidy(share) => {
                self.policy.lab_subsidy_share = *share;
            }
        }
    }
}

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::orders::{Orders, Quantity, Spending};
    use crate::systems::test_support::*;

    fn world() -> World {
        world_with(|_| {})
    }

    fn treasury(world: &World) -> Treasury {
        world.get::<Treasury>(nation(world, 0)).unwrap().clone()
    }

    /// Apply `orders` for usa (chn gives none); returns usa's rejections.
    fn apply(world: &mut World, orders: Vec<Order>) -> Vec<Rejection> {
        world.resource_mut::<PendingOrders>().by_nation =
            vec![Orders::from(orders), Orders::none()];
        world.run_system_once(apply_orders).unwrap();
        world.resource::<Rejections>().by_nation[0].clone()
    }

    fn plant_with_id(world: &mut World, id: u32) -> PowerPlant {
        let mut q = world.query::<&PowerPlant>();
        q.iter(world)
            .find(|p| p.id == id)
            .expect("plant spawned")
            .clone()
    }

    fn datacenter_with_id(world: &mut World, id: u32) -> Datacenter {
        let mut q = world.query::<&Datacenter>();
        q.iter(world)
            .find(|d| d.id == id)
            .expect("datacenter spawned")
            .clone()
    }

    fn plant(kind: PlantKind, capacity_mw: f64, dedicated_to: Option<u32>) -> Order {
        Order::BuildPlant {
            kind,
            capacity_mw,
            dedicated_to,
        }
    }

    #[track_caller]
    fn assert_rejected(rejections: &[Rejection], indices: &[usize], reasons: &[RejectReason]) {
        let got: Vec<usize> = rejections.iter().map(|r| r.index).collect();
        assert_eq!(got, indices, "{rejections:#?}");
        let got: Vec<&RejectReason> = rejections.iter().map(|r| &r.reason).collect();
        assert_eq!(got, reasons.iter().collect::<Vec<_>>());
    }

    #[test]
    fn regulation_factor_runs_from_the_floor_to_one() {
        assert_eq!(regulation_factor(1.0, 0.3), 1.0);
        assert_eq!(regulation_factor(0.0, 0.3), 0.3);
        assert_close(regulation_factor(0.5, 0.3), 0.65);
        assert_close(regulation_factor(0.25, 0.6), 0.7);
    }

    #[test]
    fn the_equipment_cap_limits_the_mw_started_per_kind_each_year() {
        let s = scenario();
        let cap = s.nations[0].plants.gas_turbine.max_starts_mw_per_year;
        let mut world = world();
        // Mid-year: January would open a new year's supply.
        world.resource_mut::<Clock>().month = 4;
        let rejected = apply(
            &mut world,
            vec![
                plant(PlantKind::GasTurbine, 0.625 * cap, None),
                plant(PlantKind::GasTurbine, 0.5 * cap, None),
                plant(PlantKind::GasTurbine, 0.375 * cap, None),
                // Another kind has its own cap.
                plant(PlantKind::GasCombinedCycle, 0.5 * cap, None),
            ],
        );
        let left = |left_mw: f64| RejectReason::EquipmentSupply {
            kind: PlantKind::GasTurbine,
            left_mw,
        };
        assert_rejected(&rejected, &[1], &[left(cap - 0.625 * cap)]);
        let fleet = world.get::<Fleet>(nation(&world, 0)).unwrap();
        assert_eq!(
            fleet.starts_this_year_mw[PlantKind::GasTurbine.index()],
            cap
        );
        assert_eq!(
            fleet.starts_this_year_mw[PlantKind::GasCombinedCycle.index()],
            0.5 * cap
        );
        // The cap is used up for the rest of the year.
        let rejected = apply(&mut world, vec![plant(PlantKind::GasTurbine, 1.0, None)]);
        assert_eq!(rejected.len(), 1);
        assert!(
            matches!(rejected[0].reason, RejectReason::EquipmentSupply { kind: PlantKind::GasTurbine, left_mw } if left_mw < 1.0),
            "{rejected:?}"
        );
    }

    #[test]
    fn january_orders_count_against_the_new_year_s_equipment_supply() {
        let s = scenario();
        let cap = s.nations[0].plants.gas_turbine.max_starts_mw_per_year;
        let mut world = world();
        world.resource_mut::<Clock>().month = 11;
        assert!(apply(&mut world, vec![plant(PlantKind::GasTurbine, cap, None)]).is_empty());
        // December used the whole year's supply; January's orders draw on the new year's.
        world.resource_mut::<Clock>().month = 12;
        let rejected = apply(
            &mut world,
            vec![
                plant(PlantKind::GasTurbine, 0.75 * cap, None),
                plant(PlantKind::GasTurbine, 0.5 * cap, None),
            ],
        );
        assert_eq!(rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [1]);
        assert!(matches!(
            rejected[0].reason,
            RejectReason::EquipmentSupply {
                kind: PlantKind::GasTurbine,
                ..
            }
        ));
    }

    #[test]
    fn a_plant_order_moves_its_cost_into_escrow_and_queues_a_grid_plant_at_once() {
        let s = scenario();
        let spec = &s.nations[0].plants.gas_turbine;
        let mut world = world();
        world.resource_mut::<Clock>().month = 4;
        let id = world.resource::<IdCounter>().next_plant;
        let before = treasury(&world);
        let queued = world.get::<Grid>(nation(&world, 0)).unwrap().queued_mw;
        assert!(apply(&mut world, vec![plant(PlantKind::GasTurbine, 300.0, None)]).is_empty());

        let cost = 300.0 * 1_000.0 * spec.capex_usd_per_kw;
        let after = treasury(&world);
        assert_close(before.usd - after.usd, cost);
        assert_eq!(after.spent_usd, before.spent_usd, "escrow is not spending");
        let grid = world.get::<Grid>(nation(&world, 0)).unwrap().clone();
        assert_eq!(
            grid.queue.back(),
            Some(&QueueEntry {
                plant: Some(id),
                mw_remaining: 300.0,
                requested_month: 4,
            })
        );
        assert_eq!(grid.queued_mw, queued + 300.0);
        let p = plant_with_id(&mut world, id);
        assert_eq!(p.capex_remaining_usd, cost);
        assert_eq!(
            (p.stage, p.permitting_months_left, p.ordered_month),
            (PlantStage::Permitting, spec.permitting_months, 4)
        );
        assert!(!p.interconnected && p.dedicated_to.is_none());
        assert!(world.resource::<Roster>().plants.iter().any(|e| e.0 == id));
    }

    #[test]
    fn behind_the_meter_needs_an_own_dedicated_datacenter() {
        let s = scenario();
        let mut world = world();
        // The month-0 pipeline: grid datacenters of usa and chn labs.
        let (grid_dc, chn_dc) = {
            let mut q = world.query::<&Datacenter>();
            let grid = q.iter(&world).find(|d| d.nation == 0).unwrap().id;
            let chn = q.iter(&world).find(|d| d.nation == 1).unwrap().id;
            (grid, chn)
        };
        let new_dc = world.resource::<IdCounter>().next_datacenter;
        let plant_id = world.resource::<IdCounter>().next_plant;
        let before = treasury(&world);
        let queued = world.get::<Grid>(nation(&world, 0)).unwrap().queued_mw;
        let gt = PlantKind::GasTurbine;
        let rejected = apply(
            &mut world,
            vec![
                Order::BuildDatacenter {
                    lab: 0,
                    it_mw: 10.0,
                    supply: PowerSupply::Dedicated,
                },
                plant(gt, 50.0, Some(grid_dc)),
                plant(gt, 50.0, Some(chn_dc)),
                plant(gt, 50.0, Some(9_999)),
                // Ordered earlier this same month: accepted.
                plant(gt, 50.0, Some(new_dc)),
            ],
        );
        assert_rejected(
            &rejected,
            &[1, 2, 3],
            &[
                RejectReason::DatacenterOnTheGrid { id: grid_dc },
                RejectReason::DatacenterOfAnotherNation { id: chn_dc },
                RejectReason::NoDatacenter { id: 9999 },
            ],
        );
        let dc_cost = 10.0 * s.global.datacenter_capex_usd_per_mw;
        let plant_cost = 50.0
            * 1_000.0
            * s.nations[0].plants.gas_turbine.capex_usd_per_kw
            * (1.0 + s.global.behind_the_meter_capex_premium);
        assert_close(before.usd - treasury(&world).usd, dc_cost + plant_cost);
        let p = plant_with_id(&mut world, plant_id);
        assert_eq!(p.dedicated_to, Some(new_dc));
        assert!(p.interconnected, "behind the meter never queues");
        assert_close(p.capex_remaining_usd, plant_cost);
        assert_eq!(
            world.get::<Grid>(nation(&world, 0)).unwrap().queued_mw,
            queued
        );
        assert!(datacenter_with_id(&mut world, new_dc).dedicated);
    }

    #[test]
    fn export_controls_name_another_existing_nation() {
        let mut world = world();
        let usa = nation(&world, 0);
        let controls = |on: &str, imposed: bool| {
            Order::SetPolicy(PolicyChange::ExportControls {
                target: on.into(),
                imposed,
            })
        };
        let rejected = apply(
            &mut world,
            vec![
                controls("usa", true),
                controls("atlantis", true),
                controls("chn", false),
            ],
        );
        assert_rejected(
            &rejected,
            &[0, 1],
            &[
                RejectReason::OnItself {
                    lever: Lever::ExportControls,
                },
                RejectReason::NoNation {
                    target: "atlantis".into(),
                    nations: vec!["usa".into(), "chn".into()],
                },
            ],
        );
        assert!(
            world
                .get::<Policy>(usa)
                .unwrap()
                .export_controls_on
                .is_empty()
        );
        // Imposing twice lists the target once.
        assert!(
            apply(
                &mut world,
                vec![controls("chn", true), controls("chn", true)]
            )
            .is_empty()
        );
        assert_eq!(world.get::<Policy>(usa).unwrap().export_controls_on, [1]);
    }

    #[test]
    fn grid_expansion_is_paid_now_and_ready_after_the_lead_time() {
        let s = scenario();
        let p = &s.policies;
        let mut world = world();
        world.resource_mut::<Clock>().month = 7;
        let before = treasury(&world);
        let too_much = 2.0 * before.usd / p.grid_expansion_capex_usd_per_mw_month;
        let rejected = apply(
            &mut world,
            vec![
                Order::ExpandGrid {
                    mw_per_month: 100.0,
                },
                Order::ExpandGrid {
                    mw_per_month: too_much,
                },
            ],
        );
        assert_eq!(rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [1]);
        assert!(matches!(
            rejected[0].reason,
            RejectReason::Unaffordable {
                what: Spending::GridExpansion,
                ..
            }
        ));
        let cost = 100.0 * p.grid_expansion_capex_usd_per_mw_month;
        let after = treasury(&world);
        assert_close(before.usd - after.usd, cost);
        assert_close(after.spent_usd - before.spent_usd, cost);
        assert_close(after.energy_capex_usd - before.energy_capex_usd, cost);
        assert_eq!(
            world.get::<Grid>(nation(&world, 0)).unwrap().expansions,
            [(7 + p.grid_expansion_lead_months, 100.0)]
        );
    }

    #[test]
    fn deregulation_shortens_the_lead_times_of_later_orders_by_the_factor() {
        let s = scenario();
        let usa = &s.nations[0];
        let e = &s.policies;
        // No overrun, so that construction time is the deregulated lead time exactly.
        let mut world = world_with(|s| s.plant_kinds.gas_combined_cycle.overrun_probability = 0.0);
        let plant_id = world.resource::<IdCounter>().next_plant;
        let dc_id = world.resource::<IdCounter>().next_datacenter;
        let rejected = apply(
            &mut world,
            vec![
                Order::SetPolicy(PolicyChange::RegulationLevel(1.5)),
                Order::SetPolicy(PolicyChange::RegulationLevel(0.0)),
                plant(PlantKind::GasCombinedCycle, 500.0, None),
                Order::BuildDatacenter {
                    lab: 0,
                    it_mw: 10.0,
                    supply: PowerSupply::Grid,
                },
            ],
        );
        assert_eq!(rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [0]);
        assert!(matches!(
            rejected[0].reason,
            RejectReason::OutOfRange {
                quantity: Quantity::RegulationLevel,
                max: 1.0,
                ..
            }
        ));
        let cc = &usa.plants.gas_combined_cycle;
        let p = plant_with_id(&mut world, plant_id);
        let permitting = (cc.permitting_months as f64
            * usa.permitting_multiplier
            * e.deregulated_permitting_fraction)
            .round() as u32;
        assert_eq!(p.permitting_months_left, permitting);
        let construction = (cc.construction_months as f64
            * usa.build_speed_multiplier
            * e.deregulated_construction_fraction)
            .round() as u32;
        assert_eq!(p.construction_months_left, construction);
        assert_close(
            p.capex_per_month_usd * p.construction_months_left as f64,
            p.capex_remaining_usd,
        );
        let dc = datacenter_with_id(&mut world, dc_id);
        let months = (s.global.datacenter_build_months as f64
            * usa.build_speed_multiplier
            * e.deregulated_construction_fraction)
            .round() as u32;
        assert_eq!(dc.months_left, months);
        assert_close(
            dc.capex_per_month_usd,
            10.0 * s.global.datacenter_capex_usd_per_mw / months as f64,
        );
    }

    #[test]
    fn chips_take_the_quota_are_paid_at_once_and_arrive_after_the_lead_time() {
        let s = scenario();
        let g = &s.global;
        let mut world = world();
        world.resource_mut::<Clock>().month = 12;
        let usa = nation(&world, 0);
        world.get_mut::<Treasury>(usa).unwrap().ai_capex_month_usd = 123.0;
        let market = world.get::<ChipMarket>(usa).unwrap().clone();
        let before = treasury(&world);
        assert!(
            apply(
                &mut world,
                vec![Order::OrderChips {
                    lab: 0,
                    h100e: 1_000.0
                }]
            )
            .is_empty()
        );

        let cost = 1_000.0 * market.price_usd_per_h100e;
        let after = treasury(&world);
        assert_close(before.usd - after.usd, cost);
        assert_close(after.spent_usd - before.spent_usd, cost);
        assert_close(after.ai_capex_usd - before.ai_capex_usd, cost);
        assert_eq!(
            after.ai_capex_month_usd, cost,
            "the month's AI capex restarts"
        );
        let now = world.get::<ChipMarket>(usa).unwrap();
        assert_eq!(now.available_h100e, market.available_h100e - 1_000.0);
        assert_eq!(now.bought_h100e, market.bought_h100e + 1_000.0);
        let lab0 = world.resource::<Roster>().labs[0];
        let delivery = world
            .get::<LabCompute>(lab0)
            .unwrap()
            .deliveries
            .back()
            .unwrap()
            .clone();
        assert_eq!(delivery.arrival_month, 12 + g.chip_delivery_months);
        assert_eq!(delivery.h100e, 1_000.0);
        assert_close(
            delivery.it_kw_per_h100e,
            g.chip_it_kw_per_h100e * (1.0 - g.chip_kw_decline_per_year),
        );
    }

    #[test]
    fn subsidy_is_capped_and_drilling_restarts_its_clock_only_when_switched_on() {
        let s = scenario();
        let max = s.policies.max_subsidy_share;
        let mut world = world();
        let usa = nation(&world, 0);
        let rejected = apply(
            &mut world,
            vec![
                Order::SetPolicy(PolicyChange::LabSubsidy(max + 0.01)),
                Order::SetPolicy(PolicyChange::LabSubsidy(max)),
            ],
        );
        assert_eq!(rejected.iter().map(|r| r.index).collect::<Vec<_>>(), [0]);
        assert!(matches!(
            rejected[0].reason,
            RejectReason::OutOfRange {
                quantity: Quantity::LabSubsidyShare,
                ..
            }
        ));
        assert_eq!(world.get::<Policy>(usa).unwrap().lab_subsidy_share, max);

        let drilling = |on: bool| Order::SetPolicy(PolicyChange::Drilling(on));
        let since = |world: &World| {
            let p = world.get::<Policy>(usa).unwrap();
            (p.drilling, p.drilling_since_month)
        };
        for (month, orders, expected) in [
            (5, vec![drilling(true)], (true, 5)),
            (8, vec![drilling(true)], (true, 5)),
            (9, vec![drilling(false), drilling(true)], (true, 9)),
        ] {
            world.resource_mut::<Clock>().month = month;
            assert!(apply(&mut world, orders).is_empty());
            assert_eq!(since(&world), expected, "month {month}");
        }
    }
}

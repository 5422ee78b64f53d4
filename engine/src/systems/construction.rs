//! Construction: plants and datacenters pay their capex month by month from escrow and finish after
//! their construction time (lead time by kind × nation build speed × regulation, plus the seeded
//! overrun drawn when the order was accepted). A nation under critical-mineral export controls pays a
//! surcharge on the plants it builds (magnets, graphite, gallium), by kind, while the controls bite.
//! The same walk over the plants counts their permitting down first (`permitting::permit`).

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::{Clock, Params, Roster, Stages, insert_sorted};
use crate::scenario::PlantKind;
use crate::systems::budget::charge;
use crate::systems::permitting::permit;

/// One project's payment this month, booked to its nation after the walk.
#[derive(Clone, Copy, Debug)]
pub struct Payment {
    /// [`NO_PAYMENT`] for a slot whose project paid nothing this month.
    nation: u16,
    pay_usd: f64,
    /// The plant's kind (its mineral surcharge); `None` for a datacenter.
    plant_kind: Option<PlantKind>,
    /// A dedicated plant that came online this month: (capacity, month ordered).
    online: Option<(f64, u32)>,
}

/// Marks a slot that holds no payment this month.
const NO_PAYMENT: u16 = u16::MAX;

const UNPAID: Payment = Payment {
    nation: NO_PAYMENT,
    pay_usd: 0.0,
    plant_kind: None,
    online: None,
};

/// This month's payments by roster slot: plants, then datacenters (kept for their allocations).
type Payments = (Vec<Payment>, Vec<Payment>);

/// Marks every slot of `payments` unpaid for a roster of `len` projects. Only the nation is
/// written: refilling whole payments every month stalled on store forwarding.
fn unpaid(payments: &mut Vec<Payment>, len: usize) {
    payments.truncate(len);
    for p in payments.iter_mut() {
        p.nation = NO_PAYMENT;
    }
    payments.resize(len, UNPAID);
}

/// Each project's own state changes whatever the order, so the tables are walked densely (looking
/// each entity up in id order cost several times the work). What depends on order is the sum into
/// each treasury: each payment goes to its project's slot in the roster, and the slots are booked in
/// roster order (plants, then datacenters, by id), so the books are the same whatever the storage
/// order. A project built moves to its next stage in [`Stages`] (kept in id order whatever the
/// storage order).
#[expect(
    clippy::too_many_arguments,
    reason = "a system's parameters are the data it touches; a SystemParam would only rename them"
)]
pub fn construction(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut stages: ResMut<Stages>,
    mut payments: Local<Payments>,
    mut nations: Query<(&Nation, &mut Treasury, &mut Fleet, &ChipMarket)>,
    mut plants: Query<(Entity, &mut PowerPlant)>,
    mut datacenters: Query<(Entity, &mut Datacenter)>,
) {
    let (plant_payments, dc_payments) = &mut *payments;
    unpaid(plant_payments, roster.plants.len());
    unpaid(dc_payments, roster.datacenters.len());
    for (entity, mut plant) in &mut plants {
        // No system reads change ticks: writing through `Mut` would only spend time marking them.
        let plant = plant.bypass_change_detection();
        match plant.stage {
            PlantStage::Construction => {}
            // Permitting is this walk's too (a walk of its own cost as much as this one): a plant
            // whose permitting is over pays its first construction month this same turn.
            PlantStage::Permitting => {
                if !permit(plant) {
                    continue;
                }
            }
            PlantStage::AwaitingInterconnection | PlantStage::Online => continue,
        }
        let Some(slot) = roster.plant_slot(entity) else {
            continue;
        };
        let pay = if plant.construction_months_left <= 1 {
            plant.capex_remaining_usd
        } else {
            plant.capex_per_month_usd.min(plant.capex_remaining_usd)
        };
        plant.capex_remaining_usd -= pay;
        plant.construction_months_left = plant.construction_months_left.saturating_sub(1);
        let mut online = None;
        if plant.construction_months_left == 0 {
            if plant.interconnected {
                plant.stage = PlantStage::Online;
                if plant.dedicated_to.is_some() {
                    online = Some((plant.capacity_mw, plant.ordered_month));
                    stages.add_dedicated_plant(plant);
                } else {
                    insert_sorted(&mut stages.grid_plants_online, plant.id, entity);
                }
            } else {
                plant.stage = PlantStage::AwaitingInterconnection;
            }
        }
        let p = &mut plant_payments[slot];
        p.nation = plant.nation;
        p.pay_usd = pay;
        p.plant_kind = Some(plant.kind);
        p.online = online;
    }
    for (entity, mut dc) in &mut datacenters {
        if dc.stage != DatacenterStage::Construction {
            continue;
        }
        let Some(slot) = roster.datacenter_slot(entity) else {
            continue;
        };
        let dc = dc.bypass_change_detection();
        let pay = if dc.months_left <= 1 {
            dc.capex_remaining_usd
        } else {
            dc.capex_per_month_usd.min(dc.capex_remaining_usd)
        };
        dc.capex_remaining_usd -= pay;
        dc.months_left = dc.months_left.saturating_sub(1);
        if dc.months_left == 0 {
            let next = if dc.dedicated {
                dc.stage = DatacenterStage::WaitingForPower;
                &mut stages.waiting_datacenters
            } else {
                dc.stage = DatacenterStage::Online;
                &mut stages.grid_datacenters_online
            };
            insert_sorted(next, dc.id, entity);
        }
        let p = &mut dc_payments[slot];
        p.nation = dc.nation;
        p.pay_usd = pay;
        p.plant_kind = None;
        p.online = None;
    }
    // Each nation's books fetched once, by index (a lookup per project cost more than its work),
    // and booked one nation at a time: its payments in roster order (plants, then datacenters),
    // summed in locals. The sums are the ones booking project by project made, in the same order
    // (no two nations share a book), without a trip through memory per project.
    let mut books: Vec<_> = nations.iter_mut().collect();
    books.sort_unstable_by_key(|b| b.0.index);
    for (n, (_, treasury, fleet, market)) in books.iter_mut().enumerate() {
        let mine = |p: &&Payment| p.nation as usize == n;
        let exposure = market.mineral_exposure;
        let mut spent = treasury.spent_usd;
        let mut energy = treasury.energy_capex_usd;
        for p in plant_payments.iter().filter(mine) {
            spent += p.pay_usd;
            energy += p.pay_usd;
            if exposure > 0.0
                && let Some(kind) = p.plant_kind
            {
                let surcharge = p.pay_usd
                    * params
                        .scenario
                        .plant_kinds
                        .get(kind)
                        .mineral_control_capex_increase
                    * exposure;
                // `charge` books what it pays to the treasury itself.
                treasury.spent_usd = spent;
                energy += charge(treasury, surcharge);
                spent = treasury.spent_usd;
            }
            if let Some((capacity_mw, ordered_month)) = p.online {
                fleet.record_online(capacity_mw, ordered_month, clock.month);
            }
        }
        let mut ai = treasury.ai_capex_usd;
        let mut ai_month = treasury.ai_capex_month_usd;
        for p in dc_payments.iter().filter(mine) {
            spent += p.pay_usd;
            ai += p.pay_usd;
            ai_month += p.pay_usd;
        }
        treasury.spent_usd = spent;
        treasury.energy_capex_usd = energy;
        treasury.ai_capex_usd = ai;
        treasury.ai_capex_month_usd = ai_month;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::scenario::PlantKind;
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
        assert!(world.resource::<Roster>().datacenters.is_empty());
        world
    }

    fn treasury(world: &World, n: usize) -> Treasury {
        world.get::<Treasury>(nation(world, n)).unwrap().clone()
    }

    /// A plant under construction with `cost` in escrow, paid over `months`.
    fn plant(id: u32, nation: u16, cost: f64, months: u32) -> PowerPlant {
        PowerPlant {
            id,
            nation,
            kind: PlantKind::GasTurbine,
            capacity_mw: 300.0,
            capacity_factor: 0.9,
            stage: PlantStage::Construction,
            permitting_months_left: 0,
            construction_months_left: months,
            capex_remaining_usd: cost,
            capex_per_month_usd: cost / months as f64,
            dedicated_to: None,
            interconnected: false,
            ordered_month: 0,
        }
    }

    fn datacenter(id: u32, cost: f64, months: u32, dedicated: bool) -> Datacenter {
        Datacenter {
            id,
            nation: 0,
            lab: 0,
            it_mw: cost / 1.2e7,
            pue: 1.2,
            stage: DatacenterStage::Construction,
            months_left: months,
            capex_remaining_usd: cost,
            capex_per_month_usd: cost / months as f64,
            dedicated,
            powered_fraction: 0.0,
        }
    }

    fn spawn_plant(world: &mut World, p: PowerPlant) -> Entity {
        let id = p.id;
        let e = world.spawn(p).id();
        world.resource_mut::<Roster>().add_plant(id, e);
        e
    }

    fn spawn_datacenter(world: &mut World, dc: Datacenter) -> Entity {
        let id = dc.id;
        let e = world.spawn(dc).id();
        world.resource_mut::<Roster>().add_datacenter(id, e);
        e
    }

    #[test]
    fn plant_capex_leaves_escrow_month_by_month_into_the_energy_ledgers() {
        let mut world = world();
        let cost = 1.0e9;
        let e = spawn_plant(&mut world, plant(0, 0, cost, 3));
        let per_month = cost / 3.0;
        let start = treasury(&world, 0);
        let chn_start = treasury(&world, 1);
        let mut paid = 0.0;
        for (month, pay) in [per_month, per_month, cost - 2.0 * per_month]
            .into_iter()
            .enumerate()
        {
            let before = treasury(&world, 0);
            world.run_system_once(construction).unwrap();
            let after = treasury(&world, 0);
            paid += pay;
            assert_close(after.spent_usd - before.spent_usd, pay);
            assert_close(after.energy_capex_usd - before.energy_capex_usd, pay);
            assert_eq!(after.ai_capex_usd, before.ai_capex_usd);
            // The money was already out of the treasury, in escrow.
            assert_eq!(after.usd, before.usd);
            let p = world.get::<PowerPlant>(e).unwrap();
            assert_close(p.capex_remaining_usd, cost - paid);
            assert_eq!(p.construction_months_left, 2 - month as u32);
        }
        assert_eq!(world.get::<PowerPlant>(e).unwrap().capex_remaining_usd, 0.0);
        assert_close(treasury(&world, 0).spent_usd - start.spent_usd, cost);
        // chn paid nothing for a usa plant.
        assert_eq!(treasury(&world, 1), chn_start);
    }

    #[test]
    fn mineral_controls_add_a_surcharge_by_kind_while_they_bite() {
        let s = scenario();
        let cost = 1.0e9;
        let pay = cost / 4.0;
        let run = |kind: PlantKind, exposure: f64| {
            let mut world = world();
            let usa = nation(&world, 0);
            world.get_mut::<ChipMarket>(usa).unwrap().mineral_exposure = exposure;
            let mut p = plant(0, 0, cost, 4);
            p.kind = kind;
            spawn_plant(&mut world, p);
            let before = treasury(&world, 0);
            world.run_system_once(construction).unwrap();
            let after = treasury(&world, 0);
            (before, after)
        };
        for kind in [PlantKind::Battery, PlantKind::Wind, PlantKind::Coal] {
            let increase = s.plant_kinds.get(kind).mineral_control_capex_increase;
            let (before, after) = run(kind, 0.5);
            let surcharge = pay * increase * 0.5;
            // The escrow pays the plant; the surcharge comes out of the treasury, as energy capex.
            assert_close(before.usd - after.usd, surcharge);
            assert_close(after.spent_usd - before.spent_usd, pay + surcharge);
            assert_close(
                after.energy_capex_usd - before.energy_capex_usd,
                pay + surcharge,
            );
            // Without exposure, no surcharge.
            let (before, after) = run(kind, 0.0);
            assert_eq!(after.usd, before.usd);
            assert_close(after.spent_usd - before.spent_usd, pay);
        }
        assert!(s.plant_kinds.battery.mineral_control_capex_increase > 0.0);
        assert_eq!(s.plant_kinds.coal.mineral_control_capex_increase, 0.0);
    }

    #[test]
    fn the_last_month_pays_whatever_remains() {
        let mut world = world();
        // Monthly instalment too small: the last month pays the rest.
        let mut short = plant(0, 1, 1.0e9, 2);
        short.capex_per_month_usd = 1.0e8;
        let short = spawn_plant(&mut world, short);
        // Instalment larger than what remains: never pays more than the escrow.
        let mut long = plant(1, 1, 3.0e8, 3);
        long.capex_per_month_usd = 5.0e8;
        let long = spawn_plant(&mut world, long);

        let before = treasury(&world, 1);
        world.run_system_once(construction).unwrap();
        let mid = treasury(&world, 1);
        assert_close(mid.spent_usd - before.spent_usd, 1.0e8 + 3.0e8);
        world.run_system_once(construction).unwrap();
        let end = treasury(&world, 1);
        assert_close(end.spent_usd - mid.spent_usd, 9.0e8);
        assert_close(
            end.energy_capex_usd - before.energy_capex_usd,
            1.0e9 + 3.0e8,
        );
        for e in [short, long] {
            assert_eq!(world.get::<PowerPlant>(e).unwrap().capex_remaining_usd, 0.0);
        }
    }

    #[test]
    fn a_finished_grid_plant_waits_for_the_grid_unless_already_connected() {
        let mut world = world();
        let waiting = spawn_plant(&mut world, plant(0, 0, 1.0e8, 1));
        let mut connected = plant(1, 0, 1.0e8, 1);
        connected.interconnected = true;
        let connected = spawn_plant(&mut world, connected);
        let fleet_before = world.get::<Fleet>(nation(&world, 0)).unwrap().clone();
        world.run_system_once(construction).unwrap();
        assert_eq!(
            world.get::<PowerPlant>(waiting).unwrap().stage,
            PlantStage::AwaitingInterconnection
        );
        assert_eq!(
            world.get::<PowerPlant>(connected).unwrap().stage,
            PlantStage::Online
        );
        // Grid plants join the fleet in Interconnection, not here.
        assert_eq!(
            world.get::<Fleet>(nation(&world, 0)).unwrap(),
            &fleet_before
        );
    }

    #[test]
    fn a_finished_behind_the_meter_plant_goes_online_and_counts_as_built() {
        let mut world = world();
        let mut p = plant(0, 0, 1.0e8, 2);
        p.dedicated_to = Some(7);
        p.interconnected = true;
        let e = spawn_plant(&mut world, p);
        let usa = nation(&world, 0);
        let built = world.get::<Fleet>(usa).unwrap().built_mw;
        world.run_system_once(construction).unwrap();
        assert_eq!(
            world.get::<PowerPlant>(e).unwrap().stage,
            PlantStage::Construction
        );
        assert_eq!(world.get::<Fleet>(usa).unwrap().built_mw, built);
        // Ordered in month 0, online at the end of month 5: six months to power.
        world.resource_mut::<Clock>().month = 5;
        world.run_system_once(construction).unwrap();
        assert_eq!(
            world.get::<PowerPlant>(e).unwrap().stage,
            PlantStage::Online
        );
        let fleet = world.get::<Fleet>(usa).unwrap();
        assert_eq!(fleet.built_mw, built + 300.0);
        assert_eq!(
            (fleet.time_to_power_months_sum, fleet.time_to_power_count),
            (6.0, 1)
        );
        // Online plants pay nothing more and are not counted again.
        world.run_system_once(construction).unwrap();
        let fleet = world.get::<Fleet>(usa).unwrap();
        assert_eq!(fleet.built_mw, built + 300.0);
        assert_eq!(fleet.time_to_power_count, 1);
    }

    #[test]
    fn plants_still_in_permitting_pay_nothing() {
        let mut world = world();
        let mut p = plant(0, 0, 1.0e9, 3);
        p.stage = PlantStage::Permitting;
        p.permitting_months_left = 2;
        let e = spawn_plant(&mut world, p);
        let before = treasury(&world, 0);
        world.run_system_once(construction).unwrap();
        assert_eq!(treasury(&world, 0), before);
        let p = world.get::<PowerPlant>(e).unwrap();
        assert_eq!(
            (p.capex_remaining_usd, p.construction_months_left),
            (1.0e9, 3)
        );
        // The phase counts permitting down: one more month, then the plant is permitted and pays
        // its first construction month in that same turn.
        assert_eq!(
            (p.stage, p.permitting_months_left),
            (PlantStage::Permitting, 1)
        );
        world.run_system_once(construction).unwrap();
        assert_eq!(treasury(&world, 0), before);
        world.run_system_once(construction).unwrap();
        let p = world.get::<PowerPlant>(e).unwrap();
        assert_eq!(
            (
                p.stage,
                p.permitting_months_left,
                p.construction_months_left
            ),
            (PlantStage::Construction, 0, 2)
        );
        assert_close(
            treasury(&world, 0).spent_usd - before.spent_usd,
            1.0e9 / 3.0,
        );
    }

    #[test]
    fn plants_past_construction_are_left_alone() {
        let mut world = world();
        let stages = [PlantStage::AwaitingInterconnection, PlantStage::Online];
        let ids: Vec<Entity> = stages
            .iter()
            .enumerate()
            .map(|(i, &stage)| {
                let mut p = plant(i as u32, 0, 1.0e9, 3);
                p.stage = stage;
                p.permitting_months_left = 5;
                spawn_plant(&mut world, p)
            })
            .collect();
        crate::world::index_stages(&mut world);
        let before = treasury(&world, 0);
        world.run_system_once(construction).unwrap();
        assert_eq!(treasury(&world, 0), before);
        for (e, stage) in ids.into_iter().zip(stages) {
            let p = world.get::<PowerPlant>(e).unwrap();
            assert_eq!(
                (
                    p.stage,
                    p.permitting_months_left,
                    p.construction_months_left
                ),
                (stage, 5, 3)
            );
        }
    }

    #[test]
    fn datacenter_capex_is_ai_capex_and_the_datacenter_finishes_by_supply() {
        let mut world = world();
        let cost = 2.4e8;
        let grid = spawn_datacenter(&mut world, datacenter(0, cost, 2, false));
        let dedicated = spawn_datacenter(&mut world, datacenter(1, cost, 2, true));
        for _ in 0..2 {
            let before = treasury(&world, 0);
            world.run_system_once(construction).unwrap();
            let after = treasury(&world, 0);
            // Both datacenters pay half their cost each month.
            let pay = 2.0 * (cost / 2.0);
            assert_close(after.spent_usd - before.spent_usd, pay);
            assert_close(after.ai_capex_usd - before.ai_capex_usd, pay);
            assert_close(after.ai_capex_month_usd - before.ai_capex_month_usd, pay);
            assert_eq!(after.energy_capex_usd, before.energy_capex_usd);
            assert_eq!(after.usd, before.usd);
        }
        let grid = world.get::<Datacenter>(grid).unwrap();
        assert_eq!(
            (grid.stage, grid.months_left, grid.capex_remaining_usd),
            (DatacenterStage::Online, 0, 0.0)
        );
        let dedicated = world.get::<Datacenter>(dedicated).unwrap();
        assert_eq!(dedicated.stage, DatacenterStage::WaitingForPower);
    }
}

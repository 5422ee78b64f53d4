//! Power in sight: how many more chips a nation can expect to power, and the behind-the-meter plants
//! that close a gap. Built-in strategies use it so that none keeps buying chips it cannot power for
//! years on end, and so that they answer a shortfall as firms did in 2024–2025: datacenters with
//! their own gas turbines (xAI's Colossus, Stargate Abilene's on-site gas), within the equipment caps.

use gigawatt_engine::observation::{DatacenterView, Observation};
use gigawatt_engine::orders::{Order, Orders};
use gigawatt_engine::rules;
use gigawatt_engine::scenario::PlantKind;

/// Behind-the-meter kinds in the order firms reach for them: turbines come fastest, combined cycle
/// runs cheapest.
pub const BEHIND_THE_METER_KINDS: [PlantKind; 2] =
    [PlantKind::GasTurbine, PlantKind::GasCombinedCycle];

/// Smallest plant worth ordering, MW.
pub const MIN_PROJECT_MW: f64 = 1.0;

/// Power that comes within this many months counts as in sight: chips bought now arrive after the
/// delivery lead time and should not wait much longer than that for power.
pub const IN_SIGHT_MONTHS: u32 = 12;

/// The power a nation can count on for its datacenters, and what its chips will draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PowerOutlook {
    /// Grid capacity left for datacenters after peak baseline demand and the planning reserve, MW.
    pub grid_room_mw: f64,
    /// Firm MW of behind-the-meter plants online or within `IN_SIGHT_MONTHS` of it.
    pub dedicated_firm_mw: f64,
    /// What every chip owned or on order will draw at the wall, MW.
    pub chip_demand_mw: f64,
    /// What one new H100e will draw at the wall, kW.
    pub new_chip_kw: f64,
}

impl PowerOutlook {
    pub fn of(obs: &Observation) -> PowerOutlook {
        let g = &obs.scenario.global;
        let spec = &obs.scenario.nations[obs.nation];
        let new_chip_kw = obs.curves.global(obs.month).chip_it_kw_per_h100e * g.datacenter_pue;
        let grid_room_mw = obs.own.firm_supply_mw
            - obs.own.baseline_demand_mw * (1.0 + spec.planning_reserve_margin);
        let dedicated_firm_mw: f64 = obs
            .plants
            .iter()
            .filter(|p| p.dedicated_to.is_some() && p.months_left <= IN_SIGHT_MONTHS)
            .map(|p| p.capacity_mw * spec.plants.get(p.kind).capacity_factor)
            .sum();
        let chip_demand_mw: f64 = obs
            .labs
            .iter()
            .map(|l| (l.h100e + l.h100e_on_order) * l.it_kw_per_h100e * g.datacenter_pue / 1_000.0)
            .sum();
        PowerOutlook {
            grid_room_mw,
            dedicated_firm_mw,
            chip_demand_mw,
            new_chip_kw,
        }
    }

    /// MW of power in sight not yet spoken for by chips (negative in a shortfall).
    pub fn spare_mw(&self) -> f64 {
        self.grid_room_mw.max(0.0) + self.dedicated_firm_mw - self.chip_demand_mw
    }

    /// H100e that could still be bought and powered.
    pub fn powerable_h100e(&self) -> f64 {
        if self.new_chip_kw <= 0.0 {
            return 0.0;
        }
        (self.spare_mw() * 1_000.0 / self.new_chip_kw).max(0.0)
    }
}

/// Orders behind-the-meter plants of `firm_mw` for datacenter `dc`, of `kinds` in that order,
/// within the year's equipment caps (`starts_left`, updated) and what is left of `money` after
/// `spent` (updated with what the plants cost).
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per strategy; a struct would only rename them"
)]
pub fn order_behind_the_meter(
    obs: &Observation,
    dc: u32,
    mut firm_mw: f64,
    kinds: &[PlantKind],
    money: f64,
    spent: &mut f64,
    starts_left: &mut [f64; PlantKind::COUNT],
    orders: &mut Orders,
) {
    let plants = &obs.scenario.nations[obs.nation].plants;
    for &kind in kinds {
        if firm_mw <= MIN_PROJECT_MW {
            break;
        }
        let p = plants.get(kind);
        if p.capacity_factor <= 0.0 {
            continue;
        }
        let per_mw = rules::plant_capex_usd_per_mw(&obs.scenario, obs.nation, kind, true);
        let k = kind.index();
        let mw = (firm_mw / p.capacity_factor)
            .min(starts_left[k])
            .min((money - *spent).max(0.0) / per_mw);
        if mw > MIN_PROJECT_MW {
            orders.push(Order::BuildPlant {
                kind,
                capacity_mw: mw,
                dedicated_to: Some(dc),
            });
            starts_left[k] -= mw;
            *spent += mw * per_mw;
            firm_mw -= mw * p.capacity_factor;
        }
    }
}

/// Firm MW a dedicated datacenter still needs: its demand at the wall less the plants already tied
/// to it, counted at the turbine's firm share (a conservative estimate).
pub fn dedicated_firm_needed_mw(obs: &Observation, dc: &DatacenterView) -> f64 {
    let turbine_cf = obs.scenario.nations[obs.nation]
        .plants
        .get(PlantKind::GasTurbine)
        .capacity_factor;
    dc.it_mw * obs.scenario.global.datacenter_pue - dc.dedicated_plant_mw * turbine_cf
}

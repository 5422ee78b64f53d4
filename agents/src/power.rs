//! Power in sight: how many more chips a nation can expect to power, and the behind-the-meter plants
//! that close a gap. Built-in strategies use it so that none keeps buying chips it cannot power for
//! years on end, and so that they answer a shortfall as firms did in 2024–2025: datacenters with
//! their own gas turbines (xAI's Colossus, Stargate Abilene's on-site gas), within the equipment caps.

use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders};
use gigawatt_engine::scenario::PlantKind;

/// Behind-the-meter kinds in the order firms reach for them: turbines come fastest, combined cycle
/// runs cheapest.
pub const BEHIND_THE_METER_KINDS: [PlantKind; 2] =
    [PlantKind::GasTurbine, PlantKind::GasCombinedCycle];

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
        let years = obs.month as f64 / 12.0;
        let new_chip_kw = g.chip_it_kw_per_h100e_at(years) * g.datacenter_pue;
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

/// Orders behind-the-meter plants of `firm_mw` for datacenter `dc`, turbines first, within the
/// year's equipment caps (`starts_left`, updated) and `money`. Returns the money committed.
pub fn order_behind_the_meter(
    obs: &Observation,
    dc: u32,
    mut firm_mw: f64,
    money: f64,
    starts_left: &mut [f64; PlantKind::COUNT],
    orders: &mut Orders,
) -> f64 {
    let g = &obs.scenario.global;
    let plants = &obs.scenario.nations[obs.nation].plants;
    let mut spent = 0.0;
    for kind in BEHIND_THE_METER_KINDS {
        if firm_mw <= 1.0 {
            break;
        }
        let p = plants.get(kind);
        if p.capacity_factor <= 0.0 {
            continue;
        }
        let per_mw = p.capex_usd_per_kw * 1_000.0 * (1.0 + g.behind_the_meter_capex_premium);
        let k = kind.index();
        let mw = (firm_mw / p.capacity_factor)
            .min(starts_left[k])
            .min((money - spent).max(0.0) / per_mw);
        if mw > 1.0 {
            orders.push(Order::BuildPlant {
                kind,
                capacity_mw: mw,
                dedicated_to: Some(dc),
            });
            starts_left[k] -= mw;
            spent += mw * per_mw;
            firm_mw -= mw * p.capacity_factor;
        }
    }
    spent
}

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
    /// The outlook from `obs`. Of the plants it reads only those behind the meter, so a strategy
    /// that builds on it alone may answer `false` to `Strategy::reads_grid_plants`.
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

/// Behind-the-meter plants for one decision: each kind's firm share and price looked up once, not
/// again for every datacenter that may want plants (a strategy asks for each of its dedicated
/// datacenters, dozens in a long game, every time it orders).
#[derive(Clone, Copy, Debug)]
pub struct BehindTheMeter {
    /// The kinds reached for, in order, with their capacity factor and capex (USD/MW, behind the
    /// meter): `len` of them, kinds that run no firm hours left out (they could power nothing).
    kinds: [(PlantKind, f64, f64); PlantKind::COUNT],
    len: usize,
    /// Firm share of a gas turbine, at which plants already tied to a datacenter are counted.
    turbine_cf: f64,
    datacenter_pue: f64,
}

impl BehindTheMeter {
    /// The plants of `kinds` (in that order) that the observing nation could build behind the meter.
    pub fn new(obs: &Observation, kinds: &[PlantKind]) -> BehindTheMeter {
        let plants = &obs.scenario.nations[obs.nation].plants;
        let mut btm = BehindTheMeter {
            kinds: [(PlantKind::GasTurbine, 0.0, 0.0); PlantKind::COUNT],
            len: 0,
            turbine_cf: plants.get(PlantKind::GasTurbine).capacity_factor,
            datacenter_pue: obs.scenario.global.datacenter_pue,
        };
        for &kind in kinds {
            let capacity_factor = plants.get(kind).capacity_factor;
            if capacity_factor <= 0.0 {
                continue;
            }
            let per_mw = rules::plant_capex_usd_per_mw(&obs.scenario, obs.nation, kind, true);
            btm.kinds[btm.len] = (kind, capacity_factor, per_mw);
            btm.len += 1;
        }
        btm
    }

    /// Firm MW a dedicated datacenter still needs: its demand at the wall less the plants already
    /// tied to it, counted at the turbine's firm share (a conservative estimate).
    pub fn firm_needed_mw(&self, dc: &DatacenterView) -> f64 {
        dc.it_mw * self.datacenter_pue - dc.dedicated_plant_mw * self.turbine_cf
    }

    /// Orders plants of `firm_mw` for datacenter `dc`, kind by kind, within the year's equipment
    /// caps (`starts_left`, updated) and what is left of `money` after `spent` (updated with what
    /// the plants cost).
    pub fn order(
        &self,
        dc: u32,
        mut firm_mw: f64,
        money: f64,
        spent: &mut f64,
        starts_left: &mut [f64; PlantKind::COUNT],
        orders: &mut Orders,
    ) {
        for &(kind, capacity_factor, per_mw) in &self.kinds[..self.len] {
            if firm_mw <= MIN_PROJECT_MW {
                break;
            }
            let k = kind.index();
            let mw = (firm_mw / capacity_factor)
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
                firm_mw -= mw * capacity_factor;
            }
        }
    }

    /// Orders plants for each of the nation's dedicated datacenters that still needs firm power, in
    /// their order, within the equipment caps (`starts_left`, updated) and what is left of `money`
    /// after `spent` (updated). Once nothing more can be ordered the datacenters left are not
    /// asked (they could change nothing).
    pub fn order_for_dedicated(
        &self,
        obs: &Observation,
        money: f64,
        spent: &mut f64,
        starts_left: &mut [f64; PlantKind::COUNT],
        orders: &mut Orders,
    ) {
        let mut open = self.can_order(money, *spent, starts_left);
        for dc in obs.datacenters.iter().filter(|d| d.dedicated) {
            if !open {
                break;
            }
            let need = self.firm_needed_mw(dc);
            if need > MIN_PROJECT_MW {
                let given = orders.orders.len();
                self.order(dc.id, need, money, spent, starts_left, orders);
                if orders.orders.len() != given {
                    open = self.can_order(money, *spent, starts_left);
                }
            }
        }
    }

    /// Whether [`BehindTheMeter::order`] could still order anything: `false` once every kind is
    /// past its equipment cap or out of money, when every later datacenter would be asked in vain
    /// (what a plant may be is the least of three bounds; two already rule it out).
    pub fn can_order(&self, money: f64, spent: f64, starts_left: &[f64; PlantKind::COUNT]) -> bool {
        self.kinds[..self.len].iter().any(|&(kind, _, per_mw)| {
            let most_mw = starts_left[kind.index()].min((money - spent).max(0.0) / per_mw);
            // A NaN bound keeps the kind open: only a number rules it out.
            most_mw > MIN_PROJECT_MW || most_mw.is_nan()
        })
    }
}

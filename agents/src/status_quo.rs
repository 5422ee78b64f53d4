//! `status-quo`: the start year's trends, as firms and governments behaved in 2024–2025. The grid
//! grows by other developers' projects through the interconnection queue (the engine's background
//! flow), so status-quo orders no grid plants of its own. Each month it buys the chips its market
//! allows and its money pays for (shared among labs by their national shares), but only as many as
//! it can power: grid room left after baseline demand and the reserve margin, plus behind-the-meter
//! plants within a year of running. Each quarter it builds datacenters ahead of its chips; when the
//! grid has no room left it builds them behind the meter and orders gas turbines for them (then
//! combined cycle), within the equipment caps, as xAI and Stargate did. Policies and compute splits
//! stay as the scenario sets them.

use gigawatt_engine::Strategy;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders, PowerSupply};
use gigawatt_engine::rules;
use rand_chacha::ChaCha8Rng;

use crate::power::{BEHIND_THE_METER_KINDS, BehindTheMeter, MIN_PROJECT_MW, PowerOutlook};

/// Datacenters are ordered in quarterly lots, which keeps the number of projects in flight (and so
/// the cost of every turn) small.
const ORDER_EVERY_MONTHS: u32 = 3;
/// Share of the month's available chips ordered, so that float rounding never asks for more.
pub const CHIP_MARGIN: f64 = 1.0 - 1e-9;

#[derive(Clone, Copy, Debug, Default)]
pub struct StatusQuo;

impl Strategy for StatusQuo {
    fn name(&self) -> String {
        "status-quo".into()
    }

    /// Of the plants it reads only those behind the meter ([`PowerOutlook`]).
    fn reads_grid_plants(&self) -> bool {
        false
    }

    fn decide(&mut self, obs: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = Orders::none();
        let mut money = obs.own.treasury_usd.max(0.0);
        let g = &obs.scenario.global;
        let ordering_month = obs.month.is_multiple_of(ORDER_EVERY_MONTHS);
        let outlook = PowerOutlook::of(obs);

        // Power first for datacenters built behind the meter that still lack their plants.
        let mut starts_left = obs.own.starts_left_mw;
        let mut spent = 0.0;
        BehindTheMeter::new(obs, &BEHIND_THE_METER_KINDS).order_for_dedicated(
            obs,
            money,
            &mut spent,
            &mut starts_left,
            &mut orders,
        );
        money -= spent;

        let share_sum: f64 = obs.labs.iter().map(|l| l.national_share).sum();
        if share_sum <= 0.0 {
            return orders;
        }
        let kw = obs.curves.global(obs.month).chip_it_kw_per_h100e;
        let per_h100e_usd = obs.own.chip_price_usd_per_h100e
            + kw / 1_000.0 * rules::datacenter_capex_usd_per_mw(&obs.scenario);
        let market = obs.own.chips_available_h100e * CHIP_MARGIN;
        let affordable = market.min(money / per_h100e_usd).max(0.0);
        // A hair under what is available: the per-lab shares must not add up to a rounding more.
        let h100e = affordable.min(outlook.powerable_h100e());
        let power_bound = h100e < affordable;

        // Datacenters, each quarter: keep IT capacity (online and under way) ahead of chips owned,
        // on order and expected over one build time and the next quarter at this month's rate.
        let look_ahead_months = g.datacenter_build_months as f64 + ORDER_EVERY_MONTHS as f64;
        let mut grid_room_mw = outlook.grid_room_mw.max(0.0);
        let grid_it_now: f64 = obs
            .labs
            .iter()
            .map(|l| l.grid_it_mw * g.datacenter_pue)
            .sum::<f64>()
            + obs
                .datacenters
                .iter()
                .filter(|d| !d.dedicated)
                .map(|d| d.it_mw * g.datacenter_pue)
                .sum::<f64>();
        grid_room_mw = (grid_room_mw - grid_it_now).max(0.0);
        for lab in &obs.labs {
            let share = lab.national_share / share_sum;
            let buy = (h100e * share).min(money.max(0.0) / obs.own.chip_price_usd_per_h100e);
            if buy >= 1.0 {
                orders.push(Order::OrderChips {
                    lab: lab.index,
                    h100e: buy,
                });
                money -= buy * obs.own.chip_price_usd_per_h100e;
            }
            if !ordering_month {
                continue;
            }
            let building: f64 = obs
                .datacenters
                .iter()
                .filter(|d| d.lab == lab.index)
                .map(|d| d.it_mw)
                .sum();
            let it_mw = lab.grid_it_mw + lab.dedicated_it_mw + building;
            // Chips the lab would buy over the look-ahead if power allowed: when power binds, the
            // datacenters (behind the meter) are what brings it.
            let rate = if power_bound { affordable * share } else { buy };
            let needed = (lab.h100e + lab.h100e_on_order + rate * (1.0 + look_ahead_months))
                * lab.it_kw_per_h100e.max(kw)
                / 1_000.0;
            // Within what is left: the datacenter backlog waits for next quarter's money.
            let gap = (needed - it_mw)
                .min(money.max(0.0) / rules::datacenter_capex_usd_per_mw(&obs.scenario));
            if gap <= MIN_PROJECT_MW {
                continue;
            }
            // On the grid while it has room, behind the meter beyond.
            let on_grid = gap.min(grid_room_mw / g.datacenter_pue);
            grid_room_mw -= on_grid * g.datacenter_pue;
            for (mw, supply) in [
                (on_grid, PowerSupply::Grid),
                (gap - on_grid, PowerSupply::Dedicated),
            ] {
                if mw > MIN_PROJECT_MW {
                    money -= mw * rules::datacenter_capex_usd_per_mw(&obs.scenario);
                    orders.push(Order::BuildDatacenter {
                        lab: lab.index,
                        it_mw: mw,
                        supply,
                    });
                }
            }
        }
        orders
    }
}

//! `status-quo`: continue the start year's trends. Each quarter it orders the nation's trend additions
//! of every plant kind for the grid; each month it buys the chips its market allows (shared among labs
//! by their national shares) while keeping the energy budget aside, and builds grid datacenters ahead
//! of the chips it will have to host. Policies and compute splits stay as the scenario sets them.

use gigawatt_engine::Strategy;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders, PowerSupply};
use gigawatt_engine::scenario::PlantKind;
use rand_chacha::ChaCha8Rng;

/// Plants and datacenters are ordered in quarterly lots, which keeps the number of projects in
/// flight (and so the cost of every turn) small.
const ORDER_EVERY_MONTHS: u32 = 3;
/// Share of the month's available chips ordered, so that float rounding never asks for more.
pub const CHIP_MARGIN: f64 = 1.0 - 1e-9;

#[derive(Clone, Copy, Debug, Default)]
pub struct StatusQuo;

impl Strategy for StatusQuo {
    fn name(&self) -> String {
        "status-quo".into()
    }

    fn decide(&mut self, obs: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = Orders::none();
        let spec = &obs.scenario.nations[obs.nation];
        let mut money = obs.own.treasury_usd;

        // Grid plants at the trend rate, paid from the energy side of the budget.
        let years = obs.month as f64 / 12.0;
        let energy_budget_month = spec.energy_capex_usd_per_year_at(years) / 12.0;
        let ordering_month = obs.month.is_multiple_of(ORDER_EVERY_MONTHS);
        if ordering_month {
            for kind in PlantKind::ALL {
                let p = spec.plants.get(kind);
                let mw = p.trend_additions_mw_per_year * ORDER_EVERY_MONTHS as f64 / 12.0;
                let cost = mw * 1_000.0 * p.capex_usd_per_kw;
                if mw > 0.0 && mw <= obs.own.starts_left_mw[kind.index()] && cost <= money {
                    orders.push(Order::BuildPlant {
                        kind,
                        capacity_mw: mw,
                        dedicated_to: None,
                    });
                    money -= cost;
                }
            }
        }
        // Keep the energy budget accrued since the last plant order for the next one: each month's
        // inflow arrives after orders, so by now `month % quarter` inflows have accrued.
        let accrued_months = (obs.month % ORDER_EVERY_MONTHS) as f64;
        money = (money - energy_budget_month * accrued_months).max(0.0);

        let share_sum: f64 = obs.labs.iter().map(|l| l.national_share).sum();
        if share_sum <= 0.0 {
            return orders;
        }
        let g = &obs.scenario.global;
        let kw = g.chip_it_kw_per_h100e_at(years);
        let per_h100e_usd =
            obs.own.chip_price_usd_per_h100e + kw / 1_000.0 * g.datacenter_capex_usd_per_mw;
        // A hair under what is available: the per-lab shares must not add up to a rounding more.
        let h100e = (obs.own.chips_available_h100e * CHIP_MARGIN)
            .min(money / per_h100e_usd)
            .max(0.0);
        // Datacenters, each quarter: keep IT capacity (online and under way) ahead of chips owned,
        // on order and expected over one build time and the next quarter at this month's rate.
        let look_ahead_months = g.datacenter_build_months as f64 + ORDER_EVERY_MONTHS as f64;
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
            let needed = (lab.h100e + lab.h100e_on_order + buy * (1.0 + look_ahead_months))
                * lab.it_kw_per_h100e.max(kw)
                / 1_000.0;
            // Within what is left: the datacenter backlog waits for next quarter's money.
            let gap = (needed - it_mw).min(money.max(0.0) / g.datacenter_capex_usd_per_mw);
            if gap > 1.0 {
                money -= gap * g.datacenter_capex_usd_per_mw;
                orders.push(Order::BuildDatacenter {
                    lab: lab.index,
                    it_mw: gap,
                    supply: PowerSupply::Grid,
                });
            }
        }
        orders
    }
}

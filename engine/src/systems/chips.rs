//! Chips: deliveries arrive after the delivery lead time, old chips retire, and each nation's market
//! for next month is set: it may import its share of world supply (cut by every export control imposed
//! on it) plus its domestic output, at the world price times its own price multiplier.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::Scenario;

/// Set every nation's chip market for `month`: what it may buy, at what price.
pub fn open_market(
    scenario: &Scenario,
    month: u32,
    controls: &[(u16, Vec<u16>)],
    nation: u16,
    market: &mut ChipMarket,
) {
    let g = &scenario.global;
    let spec = &scenario.nations[nation as usize];
    let years = month as f64 / MONTHS_PER_YEAR;
    let world_supply =
        g.chip_supply_h100e_per_year * g.chip_supply_growth_per_year.powf(years) / MONTHS_PER_YEAR;
    let imposers = controls
        .iter()
        .filter(|(imposer, targets)| *imposer != nation && targets.contains(&nation))
        .count();
    let import_share = spec.chip_import_share
        * (1.0 - scenario.policies.export_control_access_cut).powi(imposers as i32);
    let domestic = spec.domestic_chip_h100e_per_year
        * spec.domestic_chip_growth_per_year.powf(years)
        / MONTHS_PER_YEAR;
    market.import_share = import_share;
    market.domestic_h100e_month = domestic;
    market.available_h100e = import_share * world_supply + domestic;
    market.price_usd_per_h100e = g.chip_cost_usd_per_h100e_at(years) * spec.chip_price_multiplier;
}

pub fn chips(
    params: Res<Params>,
    clock: Res<Clock>,
    mut nations: Query<(&Nation, &Policy, &mut ChipMarket)>,
    mut labs: Query<&mut LabCompute>,
) {
    let scenario = &*params.scenario;
    let g = &scenario.global;
    let month = clock.month;
    let retire = 1.0 / (g.chip_lifetime_years * MONTHS_PER_YEAR);
    for mut compute in &mut labs {
        compute.h100e *= 1.0 - retire;
        // Retired chips leave the racks this month too.
        compute.hosted_h100e = compute.hosted_h100e.min(compute.h100e);
        compute.powered_h100e = compute.powered_h100e.min(compute.hosted_h100e);
        while compute
            .deliveries
            .front()
            .is_some_and(|d| d.arrival_month <= month + 1)
        {
            let d = compute.deliveries.pop_front().expect("front exists");
            let total = compute.h100e + d.h100e;
            if total > 0.0 {
                compute.it_kw_per_h100e =
                    (compute.it_kw_per_h100e * compute.h100e + d.it_kw_per_h100e * d.h100e) / total;
            }
            compute.h100e = total;
        }
    }
    let mut controls: Vec<(u16, Vec<u16>)> = nations
        .iter()
        .map(|(n, p, _)| (n.index, p.export_controls_on.clone()))
        .collect();
    controls.sort_by_key(|c| c.0);
    for (nation, _, mut market) in &mut nations {
        open_market(scenario, month + 1, &controls, nation.index, &mut market);
    }
}

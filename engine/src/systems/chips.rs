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

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    const USA: u16 = 0;
    const CHN: u16 = 1;

    #[test]
    fn imports_are_cut_once_per_other_nation_imposing_controls() {
        let s = scenario();
        let base = s.nations[CHN as usize].chip_import_share;
        let keep = 1.0 - s.policies.export_control_access_cut;
        let share = |controls: &[(u16, Vec<u16>)]| {
            let mut market = ChipMarket::default();
            open_market(&s, 0, controls, CHN, &mut market);
            market.import_share
        };
        assert_eq!(share(&[]), base);
        assert_eq!(share(&[(USA, vec![CHN])]), base * keep);
        // Two imposers (the second need not be a scenario nation for the count).
        assert_close(
            share(&[(USA, vec![CHN]), (2, vec![CHN])]),
            base * keep * keep,
        );
        // Controls on others, or on oneself, do not count.
        assert_eq!(share(&[(USA, vec![2]), (CHN, vec![CHN])]), base);
    }

    #[test]
    fn the_market_offers_imports_plus_domestic_output_at_the_nation_s_price() {
        let s = scenario();
        let g = &s.global;
        let spec = &s.nations[CHN as usize];
        let month = 18;
        let years = 1.5;
        let controls = [(USA, vec![CHN])];
        let mut market = ChipMarket {
            bought_h100e: 42.0,
            ..Default::default()
        };
        open_market(&s, month, &controls, CHN, &mut market);

        let world_supply =
            g.chip_supply_h100e_per_year * g.chip_supply_growth_per_year.powf(years) / 12.0;
        let import_share = spec.chip_import_share * (1.0 - s.policies.export_control_access_cut);
        let domestic = spec.domestic_chip_h100e_per_year
            * spec.domestic_chip_growth_per_year.powf(years)
            / 12.0;
        assert!(domestic > 0.0);
        assert_close(market.domestic_h100e_month, domestic);
        assert_close(
            market.available_h100e,
            import_share * world_supply + domestic,
        );
        assert_close(
            market.price_usd_per_h100e,
            g.chip_cost_usd_per_h100e
                * (1.0 - g.chip_cost_decline_per_year).powf(years)
                * spec.chip_price_multiplier,
        );
        assert_eq!(market.bought_h100e, 42.0, "purchases so far are kept");
    }

    #[test]
    fn chips_retire_at_one_over_the_lifetime_a_month() {
        let s = scenario();
        let mut world = world();
        let keep = 1.0 - 1.0 / (s.global.chip_lifetime_years * 12.0);
        let (a, b) = (lab(&world, 0), lab(&world, 1));
        for (e, hosted) in [(a, 1_000.0), (b, 500.0)] {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.deliveries.clear();
            c.h100e = 1_000.0;
            c.hosted_h100e = hosted;
            c.powered_h100e = hosted;
        }
        world.run_system_once(chips).unwrap();
        let a = world.get::<LabCompute>(a).unwrap();
        assert_close(a.h100e, 1_000.0 * keep);
        // Racks that held the retired chips are emptied too.
        assert_eq!((a.hosted_h100e, a.powered_h100e), (a.h100e, a.h100e));
        let b = world.get::<LabCompute>(b).unwrap();
        assert_eq!((b.hosted_h100e, b.powered_h100e), (500.0, 500.0));
    }

    #[test]
    fn deliveries_land_the_month_before_arrival_and_average_the_kw() {
        let s = scenario();
        let keep = 1.0 - 1.0 / (s.global.chip_lifetime_years * 12.0);
        let mut world = world();
        let e = lab(&world, 0);
        {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.h100e = 1_000.0;
            c.it_kw_per_h100e = 1.0;
            c.deliveries = [(3, 500.0, 0.5), (5, 100.0, 0.8)]
                .into_iter()
                .map(|(arrival_month, h100e, it_kw_per_h100e)| ChipDelivery {
                    arrival_month,
                    h100e,
                    it_kw_per_h100e,
                })
                .collect();
        }
        // Month 1: nothing is due by month 2.
        world.resource_mut::<Clock>().month = 1;
        world.run_system_once(chips).unwrap();
        let c = world.get::<LabCompute>(e).unwrap();
        assert_eq!(c.deliveries.len(), 2);
        assert_eq!(c.it_kw_per_h100e, 1.0);
        let installed = c.h100e;
        assert_close(installed, 1_000.0 * keep);

        // Month 2: the batch due in month 3 lands, so it computes from month 3.
        world.resource_mut::<Clock>().month = 2;
        world.run_system_once(chips).unwrap();
        let c = world.get::<LabCompute>(e).unwrap();
        let old = installed * keep;
        assert_eq!(c.deliveries.len(), 1);
        assert_close(c.h100e, old + 500.0);
        assert_close(c.it_kw_per_h100e, (old * 1.0 + 500.0 * 0.5) / (old + 500.0));
    }

    #[test]
    fn chips_opens_next_month_s_market_with_today_s_controls() {
        let s = scenario();
        let mut world = world();
        world.resource_mut::<Clock>().month = 11;
        world.run_system_once(chips).unwrap();
        let chn = nation(&world, CHN as usize);
        let market = world.get::<ChipMarket>(chn).unwrap().clone();
        let mut expected = ChipMarket::default();
        open_market(&s, 12, &[(USA, vec![CHN])], CHN, &mut expected);
        assert_eq!(market, expected);
        assert_close(
            market.price_usd_per_h100e,
            s.global.chip_cost_usd_per_h100e
                * (1.0 - s.global.chip_cost_decline_per_year)
                * s.nations[CHN as usize].chip_price_multiplier,
        );

        // Lifting the controls shows in the next market opened.
        let usa = nation(&world, USA as usize);
        world
            .get_mut::<Policy>(usa)
            .unwrap()
            .export_controls_on
            .clear();
        world.run_system_once(chips).unwrap();
        assert_eq!(
            world.get::<ChipMarket>(chn).unwrap().import_share,
            s.nations[CHN as usize].chip_import_share
        );
    }
}

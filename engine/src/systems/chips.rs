//! Chips. Supply has origins (US-designed chips made by allied fabs, a nation's domestic chips,
//! others), each growing on its trend up to a fab ceiling and shared among buyers by the scenario.
//! A nation's export controls cut only the origins it controls (as designer, maker, or because the
//! origin follows its rules): a target keeps `export_control_leakage_share` of its allocation from
//! them (smuggling, remote access, licensed downgraded chips). What no nation buys goes to the rest of
//! the world, so the world stock adds up to the supply. Deliveries arrive after the lead time; chips
//! retire by age. Critical-mineral controls raise the target's chip price while they last.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;

/// Effect of the mineral controls on `nation` in `month`: the sum over imposers of their mineral
/// supply share times what is left of the effect (it fades linearly as substitutes arrive), at most 1.
pub fn mineral_exposure(params: &Params, month: u32, policies: &[&Policy], nation: u16) -> f64 {
    let scenario = &*params.scenario;
    let fade_months = scenario.policies.mineral_control_substitution_months as f64;
    let mut exposure = 0.0;
    for (imposer, policy) in policies.iter().enumerate() {
        if imposer as u16 == nation {
            continue;
        }
        if let Some(c) = policy
            .mineral_controls_on
            .iter()
            .find(|c| c.target == nation)
        {
            let age = month.saturating_sub(c.since_month) as f64;
            let left = if fade_months > 0.0 {
                (1.0 - age / fade_months).max(0.0)
            } else {
                0.0
            };
            exposure += scenario.nations[imposer].critical_mineral_supply_share * left;
        }
    }
    exposure.min(1.0)
}

/// Set `nation`'s chip market for `month`: what it may buy, at what price. `policies` are every
/// nation's policies, by nation index.
pub fn open_market(
    params: &Params,
    month: u32,
    policies: &[&Policy],
    nation: u16,
    market: &mut ChipMarket,
) {
    let scenario = &*params.scenario;
    let g = &scenario.global;
    let spec = &scenario.nations[nation as usize];
    let leakage = scenario.policies.export_control_leakage_share;
    let mut available = 0.0;
    let mut own = 0.0;
    let mut world = 0.0;
    for o in 0..g.chip_origins.len() {
        let supply = params.curves.origin_supply_h100e_per_year(o, month) / MONTHS_PER_YEAR;
        world += supply;
        let controllers = &params.origin_controllers[o];
        if controllers.contains(&nation) {
            own += supply;
        }
        let share = params.origin_shares[o][nation as usize];
        if share <= 0.0 {
            continue;
        }
        let controlled = controllers
            .iter()
            .any(|&c| c != nation && policies[c as usize].export_controls_on.contains(&nation));
        let access = if controlled { leakage } else { 1.0 };
        available += supply * share * access;
    }
    let exposure = mineral_exposure(params, month, policies, nation);
    market.import_share = if world > 0.0 { available / world } else { 0.0 };
    market.domestic_h100e_month = own;
    market.available_h100e = available;
    market.bought_month_h100e = 0.0;
    market.mineral_exposure = exposure;
    market.price_usd_per_h100e = params.curves.global(month).chip_cost_usd_per_h100e
        * spec.chip_price_multiplier
        * (1.0 + scenario.policies.mineral_control_chip_cost_increase * exposure);
}

pub fn chips(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut rest: ResMut<RestOfWorld>,
    policies: Query<&Policy>,
    mut markets: Query<&mut ChipMarket>,
    mut labs: Query<&mut LabCompute>,
) {
    let scenario = &*params.scenario;
    let g = &scenario.global;
    let month = clock.month;
    let lifetime_months = (g.chip_lifetime_years * MONTHS_PER_YEAR).round() as i32;
    for mut compute in &mut labs {
        let compute = &mut *compute;
        compute.stock.retire(month as i32, lifetime_months);
        while compute
            .deliveries
            .front()
            .is_some_and(|d| d.arrival_month <= month + 1)
        {
            let d = compute.deliveries.pop_front().expect("front exists");
            compute
                .stock
                .add(d.arrival_month as i32, d.h100e, d.it_kw_per_h100e);
        }
        let (h100e, kw) = compute.stock.totals();
        compute.h100e = h100e;
        if h100e > 0.0 {
            compute.it_kw_per_h100e = kw;
        }
        // Retired chips leave the racks this month too.
        compute.hosted_h100e = compute.hosted_h100e.min(compute.h100e);
        compute.powered_h100e = compute.powered_h100e.min(compute.hosted_h100e);
    }

    // This month's supply that no nation bought goes to the rest of the world.
    let trends = params.curves.global(month);
    let supply = trends.chip_supply_h100e_per_year / MONTHS_PER_YEAR;
    let mut bought = 0.0;
    for &entity in &roster.nations {
        bought += markets.get(entity).expect("roster").bought_month_h100e;
    }
    rest.supply_month_h100e = supply;
    rest.stock.retire(month as i32, lifetime_months);
    rest.stock.add(
        month as i32,
        (supply - bought).max(0.0),
        trends.chip_it_kw_per_h100e,
    );

    // Every nation's policy, in nation order: controls and mineral exposure read all of them.
    let refs: Vec<&Policy> = roster
        .nations
        .iter()
        .map(|&e| policies.get(e).expect("roster"))
        .collect();
    for (n, &entity) in roster.nations.iter().enumerate() {
        let mut market = markets.get_mut(entity).expect("roster");
        open_market(&params, month + 1, &refs, n as u16, &mut market);
    }
}

#[cfg(test)]
mod tests {

    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    const USA: u16 = 0;
    const CHN: u16 = 1;

    fn params() -> Params {
        let s = scenario();
        let months = s.horizon_months;
        Params::new(Arc::new(s), months)
    }

    /// Policies with no controls at all, for both nations.
    fn free() -> Vec<Policy> {
        vec![plain_policy(), plain_policy()]
    }

    fn market(params: &Params, month: u32, policies: &[Policy], nation: u16) -> ChipMarket {
        let refs: Vec<&Policy> = policies.iter().collect();
        let mut market = ChipMarket::default();
        open_market(params, month, &refs, nation, &mut market);
        market
    }

    /// Monthly output of origin `id` at `month`, and `nation`'s share of it.
    fn origin(s: &crate::scenario::Scenario, id: &str, month: u32, nation: &str) -> (f64, f64) {
        let o = s.global.chip_origins.iter().find(|o| o.id == id).unwrap();
        let share = o
            .buyers
            .iter()
            .filter(|b| b.nation == nation)
            .map(|b| b.share)
            .sum();
        (
            o.supply_h100e_per_year_at(month as f64 / 12.0) / 12.0,
            share,
        )
    }

    #[test]
    fn controls_cut_only_the_controlled_origin_s_allocation_to_the_leakage_share() {
        let params = params();
        let s = &*params.scenario;
        let leakage = s.policies.export_control_leakage_share;
        assert!(leakage > 0.0 && leakage < 1.0);
        let month = 7;
        let (allied, chn_allied) = origin(s, "us-allied", month, "chn");
        let (domestic, chn_domestic) = origin(s, "chn-domestic", month, "chn");
        assert!(allied > 0.0 && chn_allied > 0.0 && domestic > 0.0 && chn_domestic > 0.0);

        let open = market(&params, month, &free(), CHN);
        assert_close(
            open.available_h100e,
            allied * chn_allied + domestic * chn_domestic,
        );
        let mut controls = free();
        controls[USA as usize].export_controls_on = vec![CHN];
        let cut = market(&params, month, &controls, CHN);
        // The US-controlled origin is cut to the leakage; China's own chips are untouched.
        assert_close(
            cut.available_h100e,
            allied * chn_allied * leakage + domestic * chn_domestic,
        );
        assert_close(
            open.available_h100e - cut.available_h100e,
            allied * chn_allied * (1.0 - leakage),
        );
        assert_close(cut.domestic_h100e_month, domestic);
        let world = s.global.chip_supply_h100e_per_year_at(month as f64 / 12.0) / 12.0;
        assert_close(cut.import_share, cut.available_h100e / world);
        // The imposer's own market does not change.
        assert_eq!(
            market(&params, month, &controls, USA),
            market(&params, month, &free(), USA)
        );
        // Controls on oneself, or on a nation that is not the buyer, cut nothing.
        let mut own = free();
        own[CHN as usize].export_controls_on = vec![CHN];
        assert_eq!(market(&params, month, &own, CHN), open);
    }

    #[test]
    fn controls_by_a_nation_controlling_no_origin_the_target_buys_from_change_nothing() {
        let params = params();
        assert!(params.controls_supply_of(USA, CHN));
        assert!(!params.controls_supply_of(CHN, USA));
        let mut controls = free();
        controls[CHN as usize].export_controls_on = vec![USA];
        assert_eq!(
            market(&params, 30, &controls, USA),
            market(&params, 30, &free(), USA)
        );
        // But a co-controller of an origin the target buys from does cut it.
        let mut s = scenario();
        s.global.chip_origins[0].controlled_by.push("chn".into());
        let months = s.horizon_months;
        let shared = Params::new(Arc::new(s), months);
        assert!(shared.controls_supply_of(CHN, USA));
        assert!(
            market(&shared, 30, &controls, USA).available_h100e
                < market(&shared, 30, &free(), USA).available_h100e
        );
    }

    #[test]
    fn unbought_supply_goes_to_the_rest_of_the_world_so_the_world_stock_adds_up() {
        let s = scenario();
        let g = &s.global;
        let leakage = s.policies.export_control_leakage_share;
        let mut world = world();
        let start = world.resource::<RestOfWorld>().stock.totals().0;
        assert_close(start, g.rest_of_world_h100e);
        let mut expected = start;
        for month in 0..6 {
            world.resource_mut::<Clock>().month = month;
            // Each nation buys everything it may this month.
            let mut bought = 0.0;
            for n in 0..2 {
                let e = nation(&world, n);
                let mut m = world.get_mut::<ChipMarket>(e).unwrap();
                m.bought_month_h100e = m.available_h100e;
                bought += m.available_h100e;
            }
            world.run_system_once(chips).unwrap();
            let supply = g.chip_supply_h100e_per_year_at(month as f64 / 12.0) / 12.0;
            let rest = world.resource::<RestOfWorld>();
            assert_close(rest.supply_month_h100e, supply);
            // What no nation may buy: the unallocated share of US-allied chips and what export
            // controls keep from China.
            let (allied, usa) = origin(&s, "us-allied", month, "usa");
            let (_, chn) = origin(&s, "us-allied", month, "chn");
            let unbought = allied * (1.0 - usa - chn) + allied * chn * (1.0 - leakage);
            assert!(unbought > 0.0);
            assert_close(supply - bought, unbought);
            expected += unbought;
            let (stock, _) = rest.stock.totals();
            assert!(
                (stock - expected).abs() <= 1e-9 * expected,
                "month {month}: {stock} vs {expected}"
            );
        }
        // Purchases beyond the supply (the order book is checked against availability, so this
        // cannot happen in play) add nothing rather than a negative stock.
        let before = world.resource::<RestOfWorld>().stock.totals().0;
        world.resource_mut::<Clock>().month = 6;
        let e = nation(&world, 0);
        world.get_mut::<ChipMarket>(e).unwrap().bought_month_h100e = 1e15;
        world.run_system_once(chips).unwrap();
        assert_eq!(world.resource::<RestOfWorld>().stock.totals().0, before);
    }

    #[test]
    fn a_chip_stock_merges_deliveries_by_year_and_retires_whole_vintages_by_age() {
        let mut stock = ChipStock::default();
        stock.add(-13, 100.0, 1.0);
        stock.add(-12, 50.0, 1.0); // year -1: a new vintage
        stock.add(-1, 50.0, 0.5); // same year: merged, kW averaged
        stock.add(0, 0.0, 9.0); // nothing: ignored
        stock.add(5, 200.0, 0.4);
        stock.add(11, 200.0, 0.6);
        stock.add(12, 10.0, 0.3);
        let summary: Vec<(i32, f64, f64)> = stock
            .vintages
            .iter()
            .map(|v| (v.arrival_month, v.h100e, v.it_kw_per_h100e))
            .collect();
        assert_eq!(
            summary,
            [
                (-13, 100.0, 1.0),
                (-12, 100.0, 0.75),
                (5, 400.0, 0.5),
                (12, 10.0, 0.3)
            ]
        );
        let (h100e, kw) = stock.totals();
        assert_eq!(h100e, 610.0);
        assert_close(kw, (100.0 + 75.0 + 200.0 + 3.0) / 610.0);

        // Lifetime 24 months: at month 10 the vintage of month −13 is 23 months old and stays.
        stock.retire(10, 24);
        assert_eq!(stock.vintages.len(), 4);
        // At month 11 it is 24 months old and leaves whole; the next one is 23 months old.
        stock.retire(11, 24);
        assert_eq!(stock.vintages[0].arrival_month, -12);
        assert_eq!(stock.totals().0, 510.0);
        // Years later everything has retired.
        stock.retire(36, 24);
        assert!(stock.vintages.is_empty());
        assert_eq!(stock.totals(), (0.0, 0.0));
    }

    #[test]
    fn a_lab_s_chips_retire_by_age_and_leave_their_racks() {
        let s = scenario();
        let lifetime = (s.global.chip_lifetime_years * 12.0).round() as i32;
        let mut world = world();
        let (a, b) = (lab(&world, 0), lab(&world, 1));
        let vintages = |old: f64, young: f64| ChipStock {
            vintages: vec![
                Vintage {
                    arrival_month: 3 - lifetime,
                    h100e: old,
                    it_kw_per_h100e: 2.0,
                },
                Vintage {
                    arrival_month: 4 - lifetime,
                    h100e: young,
                    it_kw_per_h100e: 1.0,
                },
            ],
        };
        for (e, hosted) in [(a, 1_000.0), (b, 500.0)] {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.deliveries.clear();
            c.stock = vintages(400.0, 600.0);
            c.h100e = 1_000.0;
            c.hosted_h100e = hosted;
            c.powered_h100e = hosted;
        }
        // Month 2: nothing is old enough.
        world.resource_mut::<Clock>().month = 2;
        world.run_system_once(chips).unwrap();
        assert_eq!(world.get::<LabCompute>(a).unwrap().h100e, 1_000.0);
        assert_close(world.get::<LabCompute>(a).unwrap().it_kw_per_h100e, 1.4);
        // Month 3: the older vintage reaches the lifetime and goes whole; the younger stays.
        world.resource_mut::<Clock>().month = 3;
        world.run_system_once(chips).unwrap();
        let ca = world.get::<LabCompute>(a).unwrap();
        assert_eq!(ca.h100e, 600.0);
        assert_eq!(ca.stock.vintages.len(), 1);
        assert_eq!(ca.it_kw_per_h100e, 1.0);
        // Racks that held the retired chips are emptied too.
        assert_eq!((ca.hosted_h100e, ca.powered_h100e), (600.0, 600.0));
        let cb = world.get::<LabCompute>(b).unwrap();
        assert_eq!(cb.h100e, 600.0);
        assert_eq!((cb.hosted_h100e, cb.powered_h100e), (500.0, 500.0));
        // Month 4: the rest.
        world.resource_mut::<Clock>().month = 4;
        world.run_system_once(chips).unwrap();
        let ca = world.get::<LabCompute>(a).unwrap();
        assert_eq!(
            (ca.h100e, ca.hosted_h100e, ca.powered_h100e),
            (0.0, 0.0, 0.0)
        );
        // With no chips left the last fleet-average kW is kept.
        assert_eq!(ca.it_kw_per_h100e, 1.0);
    }

    #[test]
    fn deliveries_land_the_month_before_arrival_and_average_the_kw() {
        let mut world = world();
        let e = lab(&world, 0);
        {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.stock = ChipStock {
                vintages: vec![Vintage {
                    arrival_month: -6,
                    h100e: 1_000.0,
                    it_kw_per_h100e: 1.0,
                }],
            };
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
        assert_eq!((c.h100e, c.it_kw_per_h100e), (1_000.0, 1.0));

        // Month 2: the batch due in month 3 lands, so it computes from month 3.
        world.resource_mut::<Clock>().month = 2;
        world.run_system_once(chips).unwrap();
        let c = world.get::<LabCompute>(e).unwrap();
        assert_eq!(c.deliveries.len(), 1);
        assert_eq!(c.h100e, 1_500.0);
        assert_close(c.it_kw_per_h100e, (1_000.0 + 500.0 * 0.5) / 1_500.0);
        // A new vintage, of the year it arrives in.
        assert_eq!(c.stock.vintages.last().unwrap().arrival_month, 3);

        // Month 4: the batch due in month 5 joins the same year's vintage.
        world.resource_mut::<Clock>().month = 4;
        world.run_system_once(chips).unwrap();
        let c = world.get::<LabCompute>(e).unwrap();
        assert!(c.deliveries.is_empty());
        assert_eq!(c.stock.vintages.len(), 2);
        assert_eq!(c.h100e, 1_600.0);
    }

    #[test]
    fn mineral_exposure_fades_over_the_substitution_months_and_raises_the_chip_price() {
        let params = params();
        let s = &*params.scenario;
        let fade = s.policies.mineral_control_substitution_months;
        let share = s.nations[CHN as usize].critical_mineral_supply_share;
        let increase = s.policies.mineral_control_chip_cost_increase;
        assert!(fade > 0 && share > 0.0 && increase > 0.0);
        let since = 10;
        let mut policies = free();
        policies[CHN as usize].mineral_controls_on = vec![MineralControl {
            target: USA,
            since_month: since,
        }];
        let refs: Vec<&Policy> = policies.iter().collect();
        let exposure = |month: u32| mineral_exposure(&params, month, &refs, USA);
        assert_close(exposure(since), share);
        assert_close(
            exposure(since + fade / 2),
            share * (1.0 - (fade / 2) as f64 / fade as f64),
        );
        assert_close(exposure(since + fade / 4), share * 0.75);
        assert_eq!(exposure(since + fade), 0.0);
        assert_eq!(exposure(since + 10 * fade), 0.0);
        // Linear: equal steps in time take equal steps off the exposure.
        let steps: Vec<f64> = (0..4).map(|k| exposure(since + k * 3)).collect();
        for w in steps.windows(3) {
            assert!(((w[0] - w[1]) - (w[1] - w[2])).abs() < 1e-12, "{steps:?}");
        }
        // Only the target is exposed; the imposer is not.
        assert_eq!(mineral_exposure(&params, since, &refs, CHN), 0.0);

        // The price rises by the cost increase times the exposure.
        let month = since + fade / 4;
        let controlled = market(&params, month, &policies, USA);
        let open = market(&params, month, &free(), USA);
        assert_close(controlled.mineral_exposure, share * 0.75);
        assert_close(
            controlled.price_usd_per_h100e,
            open.price_usd_per_h100e * (1.0 + increase * share * 0.75),
        );
        assert_eq!(controlled.available_h100e, open.available_h100e);
        // Faded out: the world price again.
        assert_eq!(
            market(&params, since + fade, &policies, USA).price_usd_per_h100e,
            market(&params, since + fade, &free(), USA).price_usd_per_h100e
        );
        // An imposer with no share of the minerals has no effect.
        let mut usa_imposes = free();
        usa_imposes[USA as usize].mineral_controls_on = vec![MineralControl {
            target: CHN,
            since_month: since,
        }];
        assert_eq!(s.nations[USA as usize].critical_mineral_supply_share, 0.0);
        assert_eq!(
            market(&params, since, &usa_imposes, CHN),
            market(&params, since, &free(), CHN)
        );
    }

    #[test]
    fn chips_opens_next_month_s_market_with_today_s_controls() {
        let s = scenario();
        let mut world = world();
        world.resource_mut::<Clock>().month = 11;
        world.run_system_once(chips).unwrap();
        let chn = nation(&world, CHN as usize);
        let market_now = world.get::<ChipMarket>(chn).unwrap().clone();
        let params = world.resource::<Params>().clone();
        let mut controls = free();
        controls[USA as usize].export_controls_on = vec![CHN];
        assert_eq!(market_now, market(&params, 12, &controls, CHN));
        assert_close(
            market_now.price_usd_per_h100e,
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
        let lifted = world.get::<ChipMarket>(chn).unwrap();
        assert_eq!(
            lifted.available_h100e,
            market(&params, 12, &free(), CHN).available_h100e
        );
        assert!(lifted.available_h100e > market_now.available_h100e);
    }
}

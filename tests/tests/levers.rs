//! Directions the sources support, checked on the default scenario: never a hard-coded winner, only
//! that a lever moves the outcome the way the mechanism says it must.

use std::sync::Arc;

use gigawatt_engine::observation::Observation;
use gigawatt_engine::{Match, Order, Orders, PlantKind, PolicyChange, Scenario, Strategy};
use rand_chacha::ChaCha8Rng;

const SEED: u64 = 1;

fn scenario() -> Scenario {
    gigawatt_engine::testing::embedded("us-china-2025")
}

/// `status-quo` that also gives some orders in month 0.
struct StatusQuoWith(Box<dyn Strategy>, Vec<Order>);

impl Strategy for StatusQuoWith {
    fn name(&self) -> String {
        "status-quo+lever".into()
    }
    fn decide(&mut self, obs: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = self.0.decide(obs, rng);
        if obs.month == 0 {
            for o in &self.1 {
                orders.push(o.clone());
            }
        }
        orders
    }
}

fn sq() -> Box<dyn Strategy> {
    gigawatt_agents::build("status-quo").unwrap()
}

fn with(orders: Vec<Order>) -> Box<dyn Strategy> {
    Box::new(StatusQuoWith(sq(), orders))
}

fn play(s: Scenario, seats: Vec<Box<dyn Strategy>>, months: u32) -> Match {
    let mut m = Match::with_months(Arc::new(s), seats, SEED, months).unwrap();
    m.record_trace();
    while m.step() {}
    m
}

fn last(m: &Match, nation: &str) -> gigawatt_engine::TraceRow {
    m.trace()
        .iter()
        .rev()
        .find(|r| r.nation == nation)
        .unwrap()
        .clone()
}

#[test]
fn more_firm_power_when_power_binds_means_faster_progress() {
    // By 2029 the US grid has no room left for datacenters under status quo. 100 GW more gas
    // combined cycle at month 0 must power more chips and reach a higher capability.
    let months = 60;
    let base = play(scenario(), vec![sq(), sq()], months);
    let before = last(&base, "usa");
    let s = scenario();
    let room_gw = before.firm_supply_gw
        - before.baseline_demand_gw * (1.0 + s.nations[0].planning_reserve_margin);
    assert!(
        room_gw < before.datacenter_it_gw * s.global.datacenter_pue,
        "power does not bind in the base case: {room_gw} GW of room for {} GW of IT",
        before.datacenter_it_gw
    );
    let mut more = scenario();
    more.nations[0].plants.gas_combined_cycle.fleet_mw += 100_000.0;
    let powered = play(more, vec![sq(), sq()], months);
    let after = last(&powered, "usa");
    assert!(
        after.powered_h100e > before.powered_h100e * 1.05,
        "{} vs {}",
        after.powered_h100e,
        before.powered_h100e
    );
    assert!(
        after.capability > before.capability,
        "{} vs {}",
        after.capability,
        before.capability
    );
    // The other nation does not care.
    assert_eq!(last(&powered, "chn").h100e, last(&base, "chn").h100e);
}

#[test]
fn lifting_us_export_controls_gives_china_more_chips_and_capability() {
    let months = 48;
    let base = play(scenario(), vec![sq(), sq()], months);
    let lifted = play(
        scenario(),
        vec![
            with(vec![Order::SetPolicy(PolicyChange::ExportControls {
                target: "chn".into(),
                imposed: false,
            })]),
            sq(),
        ],
        months,
    );
    let (b, l) = (last(&base, "chn"), last(&lifted, "chn"));
    assert!(l.h100e > b.h100e * 1.5, "{} vs {}", l.h100e, b.h100e);
    assert!(l.capability > b.capability);
}

#[test]
fn china_s_chip_controls_do_not_touch_the_us_but_its_minerals_raise_us_costs() {
    let months = 24;
    let base = play(scenario(), vec![sq(), sq()], months);
    let chips = play(
        scenario(),
        vec![
            sq(),
            with(vec![Order::SetPolicy(PolicyChange::ExportControls {
                target: "usa".into(),
                imposed: true,
            })]),
        ],
        months,
    );
    assert_eq!(last(&chips, "usa").h100e, last(&base, "usa").h100e);
    let mut minerals = Match::with_months(
        Arc::new(scenario()),
        vec![
            sq(),
            with(vec![Order::SetPolicy(
                PolicyChange::MineralExportControls {
                    target: "usa".into(),
                    imposed: true,
                },
            )]),
        ],
        SEED,
        3,
    )
    .unwrap();
    while minerals.step() {}
    let mut free = Match::with_months(Arc::new(scenario()), vec![sq(), sq()], SEED, 3).unwrap();
    while free.step() {}
    let (p_controlled, p_free) = (
        minerals.observation(0).own.chip_price_usd_per_h100e,
        free.observation(0).own.chip_price_usd_per_h100e,
    );
    let s = scenario();
    // Observed in month 3, the controls imposed in month 0 have faded by 3 months.
    let expected = 1.0
        + s.policies.mineral_control_chip_cost_increase
            * s.nations[1].critical_mineral_supply_share
            * (1.0 - 3.0 / s.policies.mineral_control_substitution_months as f64);
    assert!(
        (p_controlled / p_free - expected).abs() < 1e-9,
        "{p_controlled} / {p_free} vs {expected}"
    );
}

#[test]
fn queue_reform_shortens_the_wait_and_deregulation_speeds_behind_the_meter_power() {
    let months = 96;
    let base = play(scenario(), vec![sq(), sq()], months);
    let reformed = play(
        scenario(),
        vec![
            with(vec![Order::SetPolicy(PolicyChange::QueueReform(true))]),
            sq(),
        ],
        months,
    );
    let wait = |mut m: Match| m.outcome().nations[0].queue_median_wait_months.unwrap();
    let (w_base, w_reform) = (wait(base), wait(reformed));
    assert!(w_reform < w_base, "{w_reform} vs {w_base}");

    // A gas turbine behind the meter is ready sooner after deregulation.
    let s = scenario();
    let p = s.nations[0].plants.get(PlantKind::GasTurbine);
    let dereg = (p.permitting_months as f64 * s.policies.deregulated_permitting_fraction).round()
        + (p.construction_months as f64 * s.policies.deregulated_construction_fraction).round();
    assert!(dereg < (p.permitting_months + p.construction_months) as f64);
}

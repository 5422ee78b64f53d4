//! Mechanics, one at a time, through the public interface: a scripted strategy gives orders, the
//! world's response is checked. The default scenario is the fixture.

use std::sync::Arc;

use gigawatt_engine::orders::{
    Order, Orders, PolicyChange, PowerSupply, Quantity, RejectReason, Spending,
};
use gigawatt_engine::{DecidedBy, Match, Observation, PlantKind, Scenario, Strategy};
use rand_chacha::ChaCha8Rng;

fn scenario() -> Scenario {
    let e = gigawatt_data::scenario("us-china-2025").expect("embedded");
    gigawatt_engine::parse_scenario(e.file, e.source).expect("valid")
}

/// Plays a fixed list of orders in given months, records what it saw.
struct Script {
    plan: Vec<(u32, Vec<Order>)>,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Observation>>>,
}

impl Strategy for Script {
    fn name(&self) -> String {
        "script".into()
    }
    fn decide(&mut self, obs: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        self.seen.lock().unwrap().push(obs.clone());
        self.plan
            .iter()
            .filter(|(m, _)| *m == obs.month)
            .flat_map(|(_, o)| o.clone())
            .collect::<Vec<_>>()
            .into()
    }
}

struct Idle;
impl Strategy for Idle {
    fn name(&self) -> String {
        "idle".into()
    }
    fn decide(&mut self, _: &Observation, _: &mut ChaCha8Rng) -> Orders {
        Orders::none()
    }
}

type Seen = std::sync::Arc<std::sync::Mutex<Vec<Observation>>>;

fn play(sc: Scenario, plan: Vec<(u32, Vec<Order>)>, months: u32) -> (Match, Seen) {
    let seen: Seen = Default::default();
    let usa = Box::new(Script {
        plan,
        seen: seen.clone(),
    });
    let mut m = Match::with_months(Arc::new(sc), vec![usa, Box::new(Idle)], 1, months).unwrap();
    while m.step() {}
    (m, seen)
}

#[test]
fn orders_that_break_a_rule_are_rejected_whole_with_a_reason() {
    let plan = vec![(
        0,
        vec![
            Order::BuildPlant {
                kind: PlantKind::Coal,
                capacity_mw: 500.0,
                dedicated_to: None,
            },
            Order::OrderChips { lab: 0, h100e: 1e9 },
            Order::OrderChips {
                lab: 4,
                h100e: 10.0,
            },
            Order::SetComputeSplit {
                lab: 0,
                training_share: 1.5,
            },
            Order::FundResearch { lab: 0, usd: 1e13 },
        ],
    )];
    let (_, seen) = play(scenario(), plan, 2);
    let seen = seen.lock().unwrap();
    let rejected = &seen[1].rejected;
    assert_eq!(rejected.len(), 5, "{rejected:#?}");
    assert_eq!(rejected[0].reason, RejectReason::CoalInClimateAccord);
    assert!(matches!(
        rejected[1].reason,
        RejectReason::ChipsUnavailable { .. }
    ));
    assert!(
        matches!(&rejected[2].reason, RejectReason::LabOfAnotherNation { lab: 4, owner, .. } if owner == "chn")
    );
    assert!(matches!(
        rejected[3].reason,
        RejectReason::OutOfRange {
            quantity: Quantity::TrainingShare,
            ..
        }
    ));
    assert!(matches!(
        rejected[4].reason,
        RejectReason::Unaffordable {
            what: Spending::Research,
            ..
        }
    ));
    // People read the reason as a sentence.
    assert!(rejected[0].reason.to_string().contains("climate accord"));
    // Nothing was applied: the treasury only moved by the month's inflow and running costs.
    assert!(seen[1].own.treasury_usd > seen[0].own.treasury_usd);
    assert_eq!(
        seen[1].labs[0].training_share,
        seen[0].labs[0].training_share
    );
}

#[test]
fn leaving_the_accord_unlocks_coal() {
    let plan = vec![(
        0,
        vec![
            Order::SetPolicy(PolicyChange::ClimateAccord(false)),
            Order::BuildPlant {
                kind: PlantKind::Coal,
                capacity_mw: 500.0,
                dedicated_to: None,
            },
        ],
    )];
    let (_, seen) = play(scenario(), plan, 2);
    let seen = seen.lock().unwrap();
    assert!(seen[1].rejected.is_empty(), "{:?}", seen[1].rejected);
    assert!(
        seen[1]
            .plants
            .iter()
            .any(|p| p.kind == PlantKind::Coal && p.capacity_mw == 500.0)
    );
}

#[test]
fn behind_the_meter_skips_the_queue_and_powers_its_datacenter() {
    // With no month-0 datacenter pipeline, the first datacenter ordered gets id 0.
    let mut sc = scenario();
    sc.labs
        .iter_mut()
        .for_each(|l| l.datacenter_it_mw_under_construction = 0.0);
    let plan = vec![
        (
            0,
            vec![Order::BuildDatacenter {
                lab: 0,
                it_mw: 100.0,
                supply: PowerSupply::Dedicated,
            }],
        ),
        (
            1,
            vec![Order::BuildPlant {
                kind: PlantKind::GasTurbine,
                capacity_mw: 200.0,
                dedicated_to: Some(0),
            }],
        ),
        (
            2,
            vec![Order::BuildPlant {
                kind: PlantKind::Solar,
                capacity_mw: 50.0,
                dedicated_to: Some(0),
            }],
        ),
    ];
    let (_, seen) = play(sc, plan, 60);
    let seen = seen.lock().unwrap();
    let solar_rejected = &seen[3].rejected;
    assert_eq!(solar_rejected.len(), 1);
    assert_eq!(
        solar_rejected[0].reason,
        RejectReason::NotBehindTheMeter {
            kind: PlantKind::Solar
        }
    );
    let last = seen.last().unwrap();
    let dc = last
        .datacenters
        .iter()
        .find(|d| d.id == 0)
        .expect("dedicated datacenters stay visible");
    assert!(dc.dedicated && dc.powered_fraction > 0.99, "{dc:?}");
    let plant = last
        .plants
        .iter()
        .find(|p| p.dedicated_to == Some(0))
        .expect("plant tied to it");
    assert!(
        plant.interconnected,
        "behind the meter never waits for the grid queue"
    );
    // The US grid queue is ~55 months long; this plant came online well before that.
    assert!(last.month < 60 && last.labs[0].dedicated_it_mw == 100.0);
}

#[test]
fn a_grid_shortfall_throttles_datacenters_and_says_so() {
    let mut sc = scenario();
    // Baseline demand eats all but 1 GW of US firm supply.
    let supply: f64 = sc.nations[0]
        .plants
        .iter()
        .map(|(_, p)| p.fleet_mw * p.capacity_factor)
        .sum();
    sc.nations[0].baseline_demand_mw = supply - 1_000.0;
    sc.nations[0].baseline_demand_growth_per_year = 0.0;
    let (m, seen) = play(sc, vec![], 3);
    let seen = seen.lock().unwrap();
    let own = &seen.last().unwrap().own;
    assert!(
        own.datacenter_powered_fraction < 0.5,
        "{}",
        own.datacenter_powered_fraction
    );
    assert!(
        seen.last().unwrap().labs[0].powered_h100e
            < seen.last().unwrap().labs[0].hosted_h100e * 0.5
    );
    let mut m = m;
    assert!(m.outcome().nations[0].shortfall_months >= 2);
}

#[test]
fn export_controls_cut_the_target_s_chip_access() {
    let plan = vec![(
        0,
        vec![Order::SetPolicy(PolicyChange::ExportControls {
            target: "chn".into(),
            imposed: false,
        })],
    )];
    let free = Match::with_months(
        Arc::new(scenario()),
        vec![
            Box::new(Script {
                plan,
                seen: Default::default(),
            }),
            Box::new(Idle),
        ],
        1,
        2,
    )
    .map(|mut m| {
        while m.step() {}
        m.observation(1).own.chip_import_share
    })
    .unwrap();
    let (mut m, _) = play(scenario(), vec![], 2);
    let controlled = m.observation(1).own.chip_import_share;
    // Controls cut only the US-controlled origin's share of China's supply, down to the leakage.
    let s = scenario();
    let years = 2.0 / 12.0;
    let world = s.global.chip_supply_h100e_per_year_at(years);
    let cut_h100e: f64 = s
        .global
        .chip_origins
        .iter()
        .filter(|o| o.controlled_by.iter().any(|c| c == "usa"))
        .map(|o| {
            let share: f64 = o
                .buyers
                .iter()
                .filter(|b| b.nation == "chn")
                .map(|b| b.share)
                .sum();
            o.supply_h100e_per_year_at(years)
                * share
                * (1.0 - s.policies.export_control_leakage_share)
        })
        .sum();
    assert!(cut_h100e > 0.0);
    assert!(
        ((free - controlled) * world - cut_h100e).abs() < 1e-6 * cut_h100e,
        "{controlled} vs {free}"
    );
}

#[test]
fn controls_on_supply_the_imposer_does_not_control_cut_nothing() {
    // China imposes export controls on the US: the US buys nothing China controls.
    let plan = vec![(
        0,
        vec![Order::SetPolicy(PolicyChange::ExportControls {
            target: "usa".into(),
            imposed: true,
        })],
    )];
    let mut controlled = Match::with_months(
        Arc::new(scenario()),
        vec![
            Box::new(Idle),
            Box::new(Script {
                plan,
                seen: Default::default(),
            }),
        ],
        1,
        2,
    )
    .unwrap();
    while controlled.step() {}
    let (mut free, _) = play(scenario(), vec![], 2);
    assert_eq!(
        controlled.observation(0).own.chips_available_h100e,
        free.observation(0).own.chips_available_h100e
    );
}

#[test]
fn deregulation_shortens_lead_times() {
    let order = Order::BuildPlant {
        kind: PlantKind::GasCombinedCycle,
        capacity_mw: 500.0,
        dedicated_to: None,
    };
    let (_, regulated) = play(scenario(), vec![(0, vec![order.clone()])], 2);
    let (_, dereg) = play(
        scenario(),
        vec![(
            0,
            vec![Order::SetPolicy(PolicyChange::RegulationLevel(0.0)), order],
        )],
        2,
    );
    let months = |s: &Seen| {
        s.lock().unwrap()[1]
            .plants
            .iter()
            .map(|p| p.months_left)
            .max()
            .unwrap()
    };
    assert!(
        months(&dereg) < months(&regulated),
        "{} vs {}",
        months(&dereg),
        months(&regulated)
    );
}

#[test]
fn research_funding_speeds_algorithmic_progress() {
    let (_, base) = play(scenario(), vec![], 4);
    let funded_plan = (0..3)
        .map(|m| (m, vec![Order::FundResearch { lab: 0, usd: 2e10 }]))
        .collect();
    let (_, funded) = play(scenario(), funded_plan, 4);
    let eff = |s: &Seen| s.lock().unwrap().last().unwrap().labs[0].algorithmic_efficiency;
    let (b, f) = (eff(&base), eff(&funded));
    assert!(f > b * 1.05, "funded {f} vs base {b}");
    // Other labs are untouched by lab 0's money.
    let other = |s: &Seen| s.lock().unwrap().last().unwrap().labs[1].algorithmic_efficiency;
    assert_eq!(other(&base), other(&funded));
}

#[test]
fn crossing_the_threshold_ends_the_game_with_the_most_capable_winner() {
    let mut sc = scenario();
    sc.global.asi_threshold_capability = 27.0; // both nations are above it from the first month
    let (mut m, _) = play(sc, vec![], 120);
    let outcome = m.outcome();
    assert_eq!(outcome.decided_by, DecidedBy::Superintelligence);
    assert_eq!(outcome.months_played, 1);
    let best = outcome
        .nations
        .iter()
        .max_by(|a, b| a.capability.total_cmp(&b.capability))
        .unwrap();
    assert_eq!(outcome.winner.as_deref(), Some(best.id.as_str()));
    assert!(outcome.nations.iter().all(|n| n.asi_month == Some(0)));
    assert_eq!(best.score, 1.0);
}

/// Plays `status-quo`-like nothing: stands for the fallback in engine tests (the registry's fallback is
/// `status-quo`, which lives in the agents crate).
struct Marker;
impl Strategy for Marker {
    fn name(&self) -> String {
        "marker".into()
    }
    fn decide(&mut self, _: &Observation, _: &mut ChaCha8Rng) -> Orders {
        vec![Order::SetComputeSplit {
            lab: 0,
            training_share: 0.25,
        }]
        .into()
    }
}

fn fallback() -> gigawatt_engine::Fallback {
    Arc::new(|| Box::new(Marker) as Box<dyn Strategy>)
}

#[test]
fn an_absurd_order_is_a_fault_and_the_fallback_takes_the_seat() {
    let plan = vec![(
        3,
        vec![Order::BuildPlant {
            kind: PlantKind::Solar,
            capacity_mw: f64::NAN,
            dedicated_to: None,
        }],
    )];
    let seen: Seen = Default::default();
    let seat = Box::new(Script {
        plan,
        seen: seen.clone(),
    });
    let mut m = Match::with_months(Arc::new(scenario()), vec![seat, Box::new(Idle)], 1, 8)
        .unwrap()
        .with_fallback(fallback());
    let outcome = m.run();
    assert_eq!(outcome.faults.len(), 1, "{:?}", outcome.faults);
    let fault = &outcome.faults[0];
    assert_eq!(
        (fault.month, fault.nation.as_str(), fault.strategy.as_str()),
        (3, "usa", "script")
    );
    assert!(
        fault.message.contains("absurd")
            && fault.message.contains("NaN")
            && fault.message.contains("`marker`"),
        "{}",
        fault.message
    );
    assert_eq!(m.seats()[0], gigawatt_engine::SeatState::Fallback);
    // The outcome still names the strategy the seat started with; the fallback really plays.
    assert_eq!(outcome.nations[0].strategy, "script");
    assert_eq!(m.observation(0).labs[0].training_share, 0.25);
    assert_eq!(
        seen.lock().unwrap().len(),
        4,
        "the faulted strategy is not asked again"
    );
}

#[test]
fn a_strategy_whose_orders_are_always_refused_faults_after_a_year() {
    // Coal while in the accord, every month: refused each time.
    let plan = (0..30)
        .map(|m| {
            (
                m,
                vec![Order::BuildPlant {
                    kind: PlantKind::Coal,
                    capacity_mw: 100.0,
                    dedicated_to: None,
                }],
            )
        })
        .collect();
    let (mut m, _) = play(scenario(), plan, 30);
    let outcome = m.outcome();
    assert_eq!(outcome.faults.len(), 1, "{:?}", outcome.faults);
    assert_eq!(
        outcome.faults[0].month,
        gigawatt_engine::runner::INVALID_ORDER_MONTHS - 1
    );
    assert!(
        outcome.faults[0].message.contains("rejected")
            && outcome.faults[0].message.contains("climate accord")
    );
    // No fallback given: the seat stands still.
    assert_eq!(m.seats()[0], gigawatt_engine::SeatState::Stopped);
}

#[test]
fn a_fallback_seat_survives_snapshot_and_restore() {
    let plan = vec![(
        2,
        vec![Order::FundResearch {
            lab: 0,
            usd: f64::INFINITY,
        }],
    )];
    let make = |plan: Vec<(u32, Vec<Order>)>| -> Vec<Box<dyn Strategy>> {
        vec![
            Box::new(Script {
                plan,
                seen: Default::default(),
            }),
            Box::new(Idle),
        ]
    };
    let mut straight = Match::with_months(Arc::new(scenario()), make(plan.clone()), 4, 20)
        .unwrap()
        .with_fallback(fallback());
    let expected = straight.run();
    let mut first = Match::with_months(Arc::new(scenario()), make(plan.clone()), 4, 20)
        .unwrap()
        .with_fallback(fallback());
    for _ in 0..6 {
        first.step();
    }
    let snap = first.snapshot();
    let refused = Match::restore(Arc::new(scenario()), make(plan.clone()), &snap)
        .err()
        .expect("needs the fallback");
    assert!(refused.to_string().contains("fallback"), "{refused}");
    let mut resumed =
        Match::restore_with(Arc::new(scenario()), make(plan), &snap, Some(fallback())).unwrap();
    assert_eq!(format!("{:?}", resumed.run()), format!("{expected:?}"));
}

#[test]
fn games_longer_than_the_model_supports_are_refused() {
    use gigawatt_engine::MatchError;
    use gigawatt_engine::scenario::MAX_HORIZON_MONTHS;
    let idle = || -> Vec<Box<dyn Strategy>> { vec![Box::new(Idle), Box::new(Idle)] };
    let s = Arc::new(scenario());
    match Match::with_months(s.clone(), idle(), 1, MAX_HORIZON_MONTHS + 1) {
        Err(MatchError::Horizon { months, max }) => {
            assert_eq!((months, max), (MAX_HORIZON_MONTHS + 1, MAX_HORIZON_MONTHS));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a {}-month game was accepted", MAX_HORIZON_MONTHS + 1),
    }
    assert!(matches!(
        Match::with_months(s.clone(), idle(), 1, u32::MAX),
        Err(MatchError::Horizon { .. })
    ));
    assert!(Match::with_months(s, idle(), 1, MAX_HORIZON_MONTHS).is_ok());
}

/// Every number of a trace row, from its serde form (the nation id is the only text; a number that
/// serialises as null is not finite and comes back as NaN).
fn trace_numbers(row: &gigawatt_engine::TraceRow) -> Vec<f64> {
    let value = serde_json::to_value(row).expect("a trace row serialises");
    let object = value.as_object().expect("a trace row is a record");
    object
        .iter()
        .filter(|(k, _)| *k != "nation")
        .map(|(k, v)| {
            if v.is_null() {
                f64::NAN
            } else {
                v.as_f64()
                    .unwrap_or_else(|| panic!("column {k} of {row:?} is not a number"))
            }
        })
        .collect()
}

/// Plays `sc` with two idle seats over the longest horizon, checks that every number of the trace
/// and the outcome is finite, and returns the game.
fn idle_over_the_longest_horizon(sc: Scenario) -> Match {
    use gigawatt_engine::scenario::MAX_HORIZON_MONTHS;
    let mut m = Match::with_months(
        Arc::new(sc),
        vec![Box::new(Idle), Box::new(Idle)],
        1,
        MAX_HORIZON_MONTHS,
    )
    .unwrap();
    m.record_trace();
    let outcome = m.run();
    assert_eq!(outcome.months_played, MAX_HORIZON_MONTHS);
    assert_eq!(m.trace().len(), 2 * MAX_HORIZON_MONTHS as usize);
    for row in m.trace() {
        for (i, v) in trace_numbers(row).into_iter().enumerate() {
            assert!(
                v.is_finite(),
                "month {} {}: column {i} is {v}",
                row.month,
                row.nation
            );
        }
        assert!(row.h100e >= 0.0 && row.idle_h100e >= 0.0 && row.powered_h100e >= 0.0);
        assert!(row.algorithmic_efficiency > 0.0);
    }
    for n in &outcome.nations {
        let mut numbers = vec![
            n.capability,
            n.score,
            n.capacity_built_gw,
            n.generation_capacity_gw,
            n.datacenter_it_gw,
            n.h100e,
            n.largest_run_flop,
            n.emissions_mtco2,
            n.money_spent_usd,
            n.ai_capex_usd,
            n.energy_capex_usd,
        ];
        numbers.extend(&n.capability_by_year);
        numbers.extend(n.mean_interconnection_wait_months);
        numbers.extend(n.mean_time_to_power_months);
        numbers.extend(n.queue_median_wait_months);
        numbers.extend(n.queue_completion_rate);
        assert_eq!(n.capability_by_year.len(), 30);
        for v in numbers {
            assert!(v.is_finite(), "{}: {v} in {n:?}", n.id);
        }
        assert!(n.queue_median_wait_months.is_some(), "{n:?}");
        assert!(
            (0.0..=1.0).contains(&n.queue_completion_rate.unwrap()),
            "{n:?}"
        );
    }
    let w = m.rest_of_world_h100e();
    assert!(w.is_finite() && w > 0.0, "{w}");
    m
}

#[test]
fn an_idle_game_over_the_longest_horizon_stays_finite() {
    // Superintelligence out of reach, so that the game runs the whole horizon.
    let mut sc = scenario();
    sc.global.asi_threshold_capability = 60.0;
    idle_over_the_longest_horizon(sc);
}

#[test]
fn research_at_high_multipliers_for_decades_stays_finite_and_below_the_ceiling() {
    // The AI R&D multipliers from capability 20 up, superintelligence out of reach: research runs
    // at up to 2,000× for thirty years (while idle labs still have chips) and must stay below the
    // efficiency ceiling, not overflow.
    let mut sc = scenario();
    sc.global.asi_threshold_capability = 60.0;
    for (i, m) in sc.global.ai_research_multipliers.iter_mut().enumerate() {
        m.below_threshold_oom = 40.0 - 2.0 * i as f64;
    }
    let ceiling = 10f64.powf(sc.global.max_algorithmic_efficiency_oom);
    let m = idle_over_the_longest_horizon(sc);
    let (first, last) = (&m.trace()[0], m.trace().last().unwrap());
    assert!(
        m.trace()
            .iter()
            .all(|r| r.algorithmic_efficiency <= ceiling)
    );
    assert!(
        last.algorithmic_efficiency > 1e3 * first.algorithmic_efficiency,
        "{} from {}",
        last.algorithmic_efficiency,
        first.algorithmic_efficiency
    );
}

//! `scripted`: plays a fixed schedule of orders by month, to reproduce a historical or hypothetical
//! plan.
//!
//! ```text
//! scripted(
//!     plan: [
//!         (month: 0, orders: [SetPolicy(Drilling(true)),
//!                             BuildPlant(kind: gas_turbine, capacity_mw: 500.0, dedicated_to: None)]),
//!         (month: 12, orders: [SetPolicy(RegulationLevel(0.5))]),
//!     ],
//!     then: "status-quo",
//! )
//! ```
//!
//! Orders are written in the engine's serde representation of [`Order`] in RON. Several entries for
//! the same month are played in the order written. In a month with an entry (even an empty one) the
//! script plays; in the other months `then` (any strategy spec) plays, or nobody gives orders when it
//! is absent. `Some` may be left implicit (`then: "status-quo"`, `dedicated_to: 3`).
//!
//! The script itself keeps no state; `then`'s state is saved and loaded through it.

use std::collections::BTreeMap;

use gigawatt_engine::Strategy;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::registry::AgentError;

pub const NAME: &str = "scripted";

/// What the registry lists as its arguments.
pub const ARGS: &str = "plan: [(month: N, orders: [Order, ...]), ...], then: \"SPEC\" (optional)";

/// One entry of the plan: the orders given in one month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub month: u32,
    pub orders: Vec<Order>,
}

/// The arguments of `scripted(...)`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptArgs {
    pub plan: Vec<Step>,
    /// Spec of the strategy that plays the months without an entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn invalid(message: String) -> AgentError {
    AgentError::Invalid {
        strategy: NAME.to_string(),
        message,
    }
}

/// Read the text inside `scripted(...)`. Error positions are `line:column` in the spec, counted from
/// the `s` of `scripted` (line 1 is the line of the name).
pub fn parse_args(args: &str) -> Result<ScriptArgs, AgentError> {
    if args.trim().is_empty() {
        return Err(missing_plan());
    }
    let wrapped = format!("({args})");
    ron_options().from_str::<ScriptArgs>(&wrapped).map_err(|e| {
        let at = e.span.start;
        // The `(` added here stands where the spec's own `(` is, after the name.
        let col = if at.line == 1 {
            at.col + NAME.len()
        } else {
            at.col
        };
        invalid(format!("{}:{}: {}", at.line, col, e.code))
    })
}

fn ron_text<T: Serialize + ?Sized>(value: &T) -> Result<String, AgentError> {
    ron::to_string(value).map_err(|e| invalid(format!("the plan does not serialise: {e}")))
}

fn missing_plan() -> AgentError {
    invalid(format!(
        "`scripted` needs a plan: scripted({ARGS}), e.g. scripted(plan: [(month: 0, orders: [SetPolicy(Drilling(true))])], then: \"status-quo\")"
    ))
}

/// The strategy: the plan by month, and what plays the other months.
pub struct Scripted {
    name: String,
    by_month: BTreeMap<u32, Vec<Order>>,
    then: Option<Box<dyn Strategy>>,
}

impl std::fmt::Debug for Scripted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripted")
            .field("name", &self.name)
            .finish()
    }
}

impl Scripted {
    pub fn new(args: ScriptArgs) -> Result<Scripted, AgentError> {
        let then = match args.then.as_deref() {
            None => None,
            Some(spec) => {
                Some(crate::registry::build(spec).map_err(|e| invalid(format!("`then`: {e}")))?)
            }
        };
        let mut by_month: BTreeMap<u32, Vec<Order>> = BTreeMap::new();
        for step in args.plan {
            by_month.entry(step.month).or_default().extend(step.orders);
        }
        // The canonical spec: one entry per month in month order, orders in the engine's own
        // representation (explicit `Some`), `then` by its canonical name.
        let plan: Vec<Step> = by_month
            .iter()
            .map(|(&month, orders)| Step {
                month,
                orders: orders.clone(),
            })
            .collect();
        let mut name = format!("{NAME}(plan:{}", ron_text(&plan)?);
        if let Some(then) = &then {
            name.push_str(&format!(",then:{}", ron_text(&then.name())?));
        }
        name.push(')');
        Ok(Scripted {
            name,
            by_month,
            then,
        })
    }

    /// The orders scripted for `month`, if it has an entry.
    pub fn scripted(&self, month: u32) -> Option<&[Order]> {
        self.by_month.get(&month).map(Vec::as_slice)
    }
}

/// The registry's builder: `args` is the text inside the parentheses.
pub fn build(_name: &str, args: Option<&str>) -> Result<Box<dyn Strategy>, AgentError> {
    let args = parse_args(args.ok_or_else(missing_plan)?)?;
    Ok(Box::new(Scripted::new(args)?))
}

impl Strategy for Scripted {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn decide(&mut self, observation: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        match (self.by_month.get(&observation.month), self.then.as_mut()) {
            (Some(orders), _) => Orders::from(orders.clone()),
            (None, Some(then)) => then.decide(observation, rng),
            (None, None) => Orders::none(),
        }
    }

    fn wants_snapshot(&self, month: u32) -> bool {
        !self.by_month.contains_key(&month)
            && self.then.as_ref().is_some_and(|t| t.wants_snapshot(month))
    }

    fn save_state(&self) -> String {
        self.then
            .as_ref()
            .map(|t| t.save_state())
            .unwrap_or_default()
    }

    fn load_state(&mut self, state: &str) -> Result<(), String> {
        match self.then.as_mut() {
            Some(then) => then.load_state(state),
            None if state.trim().is_empty() => Ok(()),
            None => Err(format!(
                "scripted without `then` keeps no state, but was given `{state}`"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use gigawatt_engine::orders::{PolicyChange, PowerSupply};
    use gigawatt_engine::scenario::PlantKind;
    use gigawatt_engine::{Match, Scenario};
    use rand::SeedableRng;

    fn scenario() -> Arc<Scenario> {
        gigawatt_engine::testing::default_scenario()
    }

    fn seats(specs: &[&str]) -> Vec<Box<dyn Strategy>> {
        specs
            .iter()
            .map(|s| crate::registry::build(s).expect("builds"))
            .collect()
    }

    fn error(spec: &str) -> String {
        crate::registry::build(spec)
            .err()
            .expect("refused")
            .to_string()
    }

    #[test]
    fn orders_round_trip_through_ron() {
        let orders = vec![
            Order::SetPolicy(PolicyChange::Drilling(true)),
            Order::BuildPlant {
                kind: PlantKind::GasTurbine,
                capacity_mw: 500.0,
                dedicated_to: None,
            },
            Order::BuildPlant {
                kind: PlantKind::Battery,
                capacity_mw: 12.5,
                dedicated_to: Some(7),
            },
            Order::BuildDatacenter {
                lab: 1,
                it_mw: 100.0,
                supply: PowerSupply::Dedicated,
            },
            Order::SetPolicy(PolicyChange::ExportControls {
                target: "china".into(),
                imposed: true,
            }),
            Order::OrderChips {
                lab: 0,
                h100e: 1.0e5,
            },
        ];
        let text = ron::to_string(&orders).unwrap();
        assert_eq!(
            text,
            "[SetPolicy(Drilling(true)),BuildPlant(kind:gas_turbine,capacity_mw:500.0,dedicated_to:None),\
             BuildPlant(kind:battery,capacity_mw:12.5,dedicated_to:Some(7)),BuildDatacenter(lab:1,it_mw:100.0,supply:Dedicated),\
             SetPolicy(ExportControls(target:\"china\",imposed:true)),OrderChips(lab:0,h100e:100000.0)]"
        );
        assert_eq!(ron::from_str::<Vec<Order>>(&text).unwrap(), orders);
        // The spec reader takes explicit and implicit `Some` alike.
        let implicit = text.replace("Some(7)", "7");
        assert_eq!(ron_options().from_str::<Vec<Order>>(&text).unwrap(), orders);
        assert_eq!(
            ron_options().from_str::<Vec<Order>>(&implicit).unwrap(),
            orders
        );
    }

    #[test]
    fn parses_the_documented_form() {
        let spec = "scripted(plan: [(month: 0, orders: [SetPolicy(Drilling(true)), \
                    BuildPlant(kind: gas_turbine, capacity_mw: 500.0, dedicated_to: None)]), \
                    (month: 12, orders: [])], then: \"status-quo\")";
        let args = parse_args(&crate::spec::parse(spec).unwrap().args.unwrap()).unwrap();
        assert_eq!(args.plan.len(), 2);
        assert_eq!(args.plan[0].orders.len(), 2);
        assert_eq!(args.then.as_deref(), Some("status-quo"));
        // Explicit `Some` works too; `then` may be left out.
        let args = parse_args("plan: [], then: Some(\"builder\")").unwrap();
        assert_eq!(args.then.as_deref(), Some("builder"));
        assert_eq!(parse_args("plan: []").unwrap().then, None);
        // Multi-line specs with comments, as from a file.
        let s = crate::registry::build(
            "// the 2025 plan\nscripted(\n  plan: [\n    (month: 3, orders: [SetPolicy(Drilling(true))]), // drill\n  ],\n)\n",
        )
        .unwrap();
        assert!(
            s.name().starts_with("scripted(plan:[(month:3"),
            "{}",
            s.name()
        );
    }

    #[test]
    fn plays_the_schedule_on_its_months_then_hands_over() {
        let spec = "scripted(plan: [(month: 2, orders: [SetPolicy(Drilling(true))]), \
                    (month: 4, orders: [OrderChips(lab: 0, h100e: 1.0)]), \
                    (month: 2, orders: [SetPolicy(RegulationLevel(0.5))]), \
                    (month: 5, orders: [])], then: \"status-quo\")";
        let mut m =
            Match::with_months(scenario(), seats(&[spec, "status-quo"]), 5, 8).expect("match");
        let mut script = crate::registry::build(spec).unwrap();
        let mut status_quo = crate::registry::build("status-quo").unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut sq_rng = ChaCha8Rng::seed_from_u64(1);
        for month in 0..8u32 {
            let obs = m.observation(0);
            assert_eq!(obs.month, month);
            let orders = script.decide(&obs, &mut rng);
            let expected = match month {
                2 => Orders::from(vec![
                    Order::SetPolicy(PolicyChange::Drilling(true)),
                    Order::SetPolicy(PolicyChange::RegulationLevel(0.5)),
                ]),
                4 => Orders::from(vec![Order::OrderChips { lab: 0, h100e: 1.0 }]),
                5 => Orders::none(),
                _ => status_quo.decide(&obs, &mut sq_rng),
            };
            assert_eq!(orders, expected, "month {month}");
            if month == 3 {
                // `then` gives orders of its own in the months without an entry.
                assert!(!orders.is_empty());
            }
            m.step();
            let rejected = m.observation(0).rejected;
            if matches!(month, 2 | 4 | 5) {
                // Nothing of the script was refused.
                assert!(rejected.is_empty(), "month {month}: {rejected:?}");
            }
            // The effects show in the world: the policy changes after month 2.
            let policy = m.observation(0).own.policy;
            assert_eq!(policy.drilling, month >= 2, "month {month}");
            assert_eq!(policy.regulation_level == 0.5, month >= 2, "month {month}");
        }
        assert!(m.outcome().faults.is_empty());
    }

    #[test]
    fn without_then_the_other_months_are_silent() {
        let mut s = crate::registry::build(
            "scripted(plan: [(month: 1, orders: [SetPolicy(Drilling(true))])])",
        )
        .unwrap();
        let mut m =
            Match::with_months(scenario(), seats(&["status-quo", "status-quo"]), 1, 3).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let obs = m.observation(0);
        assert!(s.decide(&obs, &mut rng).is_empty());
        m.step();
        assert_eq!(s.decide(&m.observation(0), &mut rng).orders.len(), 1);
        assert_eq!(s.save_state(), "");
        assert!(s.load_state("").is_ok());
        assert!(s.load_state("(x: 1)").is_err());
        assert!(!s.wants_snapshot(0));
    }

    #[test]
    fn then_carries_state_and_snapshot_requests() {
        let s = crate::registry::build(
            "scripted(plan: [(month: 0, orders: [])], then: \"lookahead(horizon_months: 3)\")",
        )
        .unwrap();
        // Month 0 is scripted, so the lookahead plans in the first month it plays.
        assert!(!s.wants_snapshot(0));
        assert!(s.wants_snapshot(1));
        assert_eq!(s.save_state(), "(chosen:4,planned_month:None)");
    }

    #[test]
    fn a_game_with_then_resumes_bit_identically() {
        let spec = "scripted(plan: [(month: 0, orders: [SetPolicy(Drilling(true))]), (month: 7, orders: [])], \
                    then: \"lookahead(horizon_months: 3, replan_months: 5, budget_months: 9)\")";
        let new = || Match::with_months(scenario(), seats(&[spec, "status-quo"]), 4, 20).unwrap();
        let whole = new().run();
        let mut first = new();
        for _ in 0..8 {
            first.step();
        }
        let saved = first.snapshot();
        assert!(
            saved.strategy_states[0].contains("planned_month:6"),
            "{:?}",
            saved.strategy_states
        );
        let mut resumed = Match::restore(scenario(), seats(&[spec, "status-quo"]), &saved).unwrap();
        assert_eq!(format!("{:?}", resumed.run()), format!("{whole:?}"));
    }

    #[test]
    fn bad_ron_says_where() {
        let e = error("scripted(plan: [(month: 0, orders: [Bogus])])");
        assert!(e.contains("scripted") && e.contains("1:"), "{e}");
        // The column points into the spec as written (at or just after `Bogus`, column 37).
        let col: usize = e
            .split("1:")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no line:column in {e}"));
        assert!((37..=42).contains(&col), "{e}");
        let e = error("scripted(plan: [\n  (month: 0, orders: [SetPolicy(Drilling(maybe))]),\n])");
        assert!(e.contains("2:"), "{e}");
        let e = error("scripted(plan: [(month: -1, orders: [])])");
        assert!(e.contains("1:"), "{e}");
    }

    #[test]
    fn unknown_fields_and_missing_plans_are_refused() {
        let e = error("scripted(plan: [], than: \"builder\")");
        assert!(e.contains("than"), "{e}");
        let e = error("scripted(plan: [(month: 0, orders: [], note: \"x\")])");
        assert!(e.contains("note"), "{e}");
        for spec in ["scripted", "scripted()", "scripted(  )"] {
            let e = error(spec);
            assert!(e.contains("`scripted` needs a plan"), "{spec}: {e}");
        }
        let e = error("scripted(then: \"builder\")");
        assert!(e.contains("plan"), "{e}");
        let e = error("scripted(plan: [], then: \"bogus\")");
        assert!(e.contains("`then`") && e.contains("bogus"), "{e}");
    }

    #[test]
    fn the_canonical_name_rebuilds_an_equal_strategy() {
        let spec = "scripted(plan: [(month: 12, orders: [BuildPlant(kind: gas_turbine, capacity_mw: 500.0, dedicated_to: Some(3))]), \
                    (month: 0, orders: [SetPolicy(Drilling(true))]), \
                    (month: 12, orders: [SetPolicy(LabSubsidy(0.1))])], \
                    then: \"driller(dereg_month: 0)\")";
        let s = crate::registry::build(spec).unwrap();
        let name = s.name();
        assert_eq!(
            name,
            "scripted(plan:[(month:0,orders:[SetPolicy(Drilling(true))]),\
             (month:12,orders:[BuildPlant(kind:gas_turbine,capacity_mw:500.0,dedicated_to:Some(3)),\
             SetPolicy(LabSubsidy(0.1))])],then:\"driller\")"
        );
        let again = crate::registry::build(&name).unwrap();
        assert_eq!(again.name(), name);
        assert_eq!(crate::registry::check(&name).unwrap(), name);

        // Equal in play too.
        let play = |spec: &str| {
            let mut m =
                Match::with_months(scenario(), seats(&[spec, "status-quo"]), 2, 14).unwrap();
            m.record_trace();
            let outcome = m.run();
            format!(
                "{:?}\n{:?}",
                outcome.nations[0].capacity_built_gw,
                m.trace()
            )
        };
        assert_eq!(play(spec), play(&name));

        // Nested quotes survive: a script handing over to a script.
        let nested = format!("scripted(plan: [], then: {:?})", name);
        let n = crate::registry::build(&nested).unwrap();
        assert_eq!(crate::registry::build(&n.name()).unwrap().name(), n.name());
    }

    #[test]
    fn registered_with_text_arguments() {
        let info = crate::registry::info("scripted").expect("registered");
        assert_eq!(info.text_args(), Some(ARGS));
        assert!(!crate::registry::default_set().contains(&"scripted"));
    }
}

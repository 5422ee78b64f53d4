//! `lookahead`: plans by simulation. In each planning month (the first month it plays, then every
//! `replan_months`) it takes the snapshot of the world the engine hands it
//! ([`Strategy::wants_snapshot`]), plays each candidate doctrine ([`CANDIDATES`]) `horizon_months`
//! ahead on a copy of that world, and follows the candidate whose nation ends with the most capable
//! lab until the next plan.
//!
//! - **Rivals.** The lookahead cannot see its rivals' strategies: in its simulations every other seat
//!   plays `status-quo`. It plans against the world continuing its trends, not against the rivals'
//!   actual doctrines.
//! - **Score.** The observing nation's best-lab capability at the end of the horizon (or at the end of
//!   the game, if it ends first); ties go to the larger `capacity_built_gw`, then to the earlier
//!   candidate.
//! - **Budget.** Counted in simulated months, never in wall-clock time, so the choice is the same on
//!   every machine: at most `budget_months` months are simulated per plan, each candidate costing one
//!   horizon; the candidates that do not fit are skipped in the fixed order of [`CANDIDATES`] (see
//!   [`candidates_within_budget`]). When only one fits, it is chosen without simulating.
//! - **No recursion.** The candidates are fixed built-ins, never `lookahead` itself, and the rivals
//!   are `status-quo`: a simulation never plans.
//!
//! Between plans it delegates `decide` to the chosen candidate, passing on the same `rng`. Its state
//! (the chosen candidate and the month of the last plan) is saved and loaded as RON, so a game
//! restored from a snapshot plays on bit-identically.

use std::sync::Arc;

use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::Orders;
use gigawatt_engine::{Match, Scenario, SeatState, Snapshot, Strategy};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::params::{ParamInfo, Params};

/// The doctrines a plan chooses from, in evaluation (and tie-break) order. Every one is a stateless
/// built-in, so following one needs no state beyond its index.
pub const CANDIDATES: [&str; 5] = ["builder", "scaler", "driller", "balanced", "status-quo"];

/// What rivals play in the simulations, and what the lookahead follows before its first plan.
const STATUS_QUO: usize = 4;

pub const PARAMS: [ParamInfo; 3] = [
    ParamInfo {
        name: "horizon_months",
        default: 12.0,
        min: 1.0,
        max: 60.0,
        integer: true,
        doc: "months each candidate is simulated ahead",
    },
    ParamInfo {
        name: "replan_months",
        default: 12.0,
        min: 1.0,
        max: 120.0,
        integer: true,
        doc: "months between plans (the chosen candidate plays in between)",
    },
    ParamInfo {
        name: "budget_months",
        default: 60.0,
        min: 1.0,
        max: 2000.0,
        integer: true,
        doc: "most months simulated per plan; candidates beyond it are skipped, in order",
    },
];

/// How many of `candidates` (taken in order) one plan evaluates when each costs `horizon_months`
/// simulated months and the plan may simulate `budget_months`: as many as fit, and always the first.
pub fn candidates_within_budget(
    horizon_months: u32,
    budget_months: u32,
    candidates: usize,
) -> usize {
    let fit = budget_months / horizon_months.max(1);
    (fit as usize).clamp(1.min(candidates), candidates)
}

/// How a candidate did in a simulation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CandidateScore {
    /// Capability of the observing nation's best lab at the end.
    pub capability: f64,
    /// Its `capacity_built_gw` at the end (the tie-break).
    pub capacity_built_gw: f64,
    /// Months actually simulated (fewer than the horizon when the game ended first).
    pub months: u32,
}

impl CandidateScore {
    /// Whether this score beats `other` (strictly: on a tie the earlier candidate stays).
    pub fn beats(&self, other: &CandidateScore) -> bool {
        self.capability
            .total_cmp(&other.capability)
            .then(self.capacity_built_gw.total_cmp(&other.capacity_built_gw))
            .is_gt()
    }
}

fn candidate(index: usize) -> Box<dyn Strategy> {
    crate::registry::build(CANDIDATES[index]).expect("every lookahead candidate is a built-in")
}

/// Play `CANDIDATES[index]` for nation `nation` from `snapshot`, every other seat playing
/// `status-quo`, for up to `horizon_months` months, and score it.
pub fn simulate(
    scenario: &Arc<Scenario>,
    snapshot: &Snapshot,
    nation: usize,
    index: usize,
    horizon_months: u32,
) -> CandidateScore {
    let seats: Vec<Box<dyn Strategy>> = (0..scenario.nations.len())
        .map(|seat| candidate(if seat == nation { index } else { STATUS_QUO }))
        .collect();
    // Seats that had faulted were being played by the fallback; the restore needs one for them.
    let fallback = snapshot
        .seats
        .contains(&SeatState::Fallback)
        .then(crate::registry::fallback);
    let mut game = Match::restore_with(scenario.clone(), seats, snapshot, fallback)
        .expect("a snapshot taken this turn restores onto its own scenario");
    let mut months = 0;
    while months < horizon_months && game.step() {
        months += 1;
    }
    let outcome = game.outcome();
    let own = &outcome.nations[nation];
    CandidateScore {
        capability: own.capability,
        capacity_built_gw: own.capacity_built_gw,
        months,
    }
}

/// What the lookahead carries across turns.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanState {
    /// Index into [`CANDIDATES`] of the doctrine being followed.
    chosen: usize,
    /// Month of the last plan; `None` before the first.
    planned_month: Option<u32>,
}

const INITIAL: PlanState = PlanState {
    chosen: STATUS_QUO,
    planned_month: None,
};

/// RON with `Some` implicit, so the state reads `(chosen: 2, planned_month: 24)`.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

pub struct Lookahead {
    name: String,
    horizon_months: u32,
    replan_months: u32,
    budget_months: u32,
    state: PlanState,
    /// The chosen candidate, which plays between plans.
    delegate: Box<dyn Strategy>,
}

impl std::fmt::Debug for Lookahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lookahead")
            .field("name", &self.name)
            .field("state", &self.state)
            .finish()
    }
}

impl Lookahead {
    pub fn new(strategy: &str, params: &Params) -> Lookahead {
        Lookahead {
            name: params.spec(strategy),
            horizon_months: params.get("horizon_months") as u32,
            replan_months: params.get("replan_months") as u32,
            budget_months: params.get("budget_months") as u32,
            state: INITIAL,
            delegate: candidate(INITIAL.chosen),
        }
    }

    /// The candidate being followed (a name from [`CANDIDATES`]).
    pub fn chosen(&self) -> &'static str {
        CANDIDATES[self.state.chosen]
    }

    /// Month of the last plan, if any.
    pub fn planned_month(&self) -> Option<u32> {
        self.state.planned_month
    }

    fn follow(&mut self, index: usize) {
        if index != self.state.chosen {
            self.delegate = candidate(index);
        }
        self.state.chosen = index;
    }

    /// Evaluate the candidates that fit in the budget from `snapshot` and return the best one's index.
    pub fn plan(&self, observation: &Observation, snapshot: &Snapshot) -> usize {
        let months_left = snapshot.months.saturating_sub(snapshot.clock.month);
        let horizon = self.horizon_months.min(months_left).max(1);
        let count = candidates_within_budget(horizon, self.budget_months, CANDIDATES.len());
        if count <= 1 {
            return 0;
        }
        let mut best: Option<(usize, CandidateScore)> = None;
        for index in 0..count {
            let score = simulate(
                &observation.scenario,
                snapshot,
                observation.nation,
                index,
                horizon,
            );
            if best.is_none_or(|(_, b)| score.beats(&b)) {
                best = Some((index, score));
            }
        }
        best.map_or(0, |(index, _)| index)
    }
}

impl Strategy for Lookahead {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn decide(&mut self, observation: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        // Without the snapshot it asked for (a caller that does not honour `wants_snapshot`), it
        // keeps its choice and plans again next month.
        if self.wants_snapshot(observation.month)
            && let Some(snapshot) = observation.snapshot.as_deref()
        {
            let chosen = self.plan(observation, snapshot);
            self.follow(chosen);
            self.state.planned_month = Some(observation.month);
        }
        self.delegate.decide(observation, rng)
    }

    fn wants_snapshot(&self, month: u32) -> bool {
        match self.state.planned_month {
            None => true,
            Some(planned) => month >= planned.saturating_add(self.replan_months),
        }
    }

    fn save_state(&self) -> String {
        ron_options()
            .to_string(&self.state)
            .expect("plan state serialises")
    }

    fn load_state(&mut self, text: &str) -> Result<(), String> {
        let state: PlanState = if text.trim().is_empty() {
            INITIAL
        } else {
            ron_options()
                .from_str(text)
                .map_err(|e| format!("lookahead state `{text}`: {e}"))?
        };
        if state.chosen >= CANDIDATES.len() {
            return Err(format!(
                "lookahead state `{text}`: chosen candidate {} is not one of the {} candidates",
                state.chosen,
                CANDIDATES.len()
            ));
        }
        self.follow(state.chosen);
        self.state = state;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_engine::snapshot;
    use rand::SeedableRng;

    fn scenario() -> Arc<Scenario> {
        gigawatt_engine::testing::default_scenario()
    }

    fn seats(specs: &[&str]) -> Vec<Box<dyn Strategy>> {
        specs
            .iter()
            .map(|s| crate::registry::build(s).expect("built-in"))
            .collect()
    }

    fn lookahead(spec: &str) -> Lookahead {
        let parsed = crate::spec::parse(spec).unwrap();
        let given = match parsed.args.as_deref() {
            Some(args) => crate::spec::numeric_args(spec, args).unwrap(),
            None => Vec::new(),
        };
        Lookahead::new(
            "lookahead",
            &Params::resolve("lookahead", &PARAMS, &given).unwrap(),
        )
    }

    /// The observation of seat 0 at `month` of a status-quo game, with the snapshot attached.
    fn planning_observation(month: u32) -> Observation {
        let mut m = Match::with_months(scenario(), seats(&["status-quo", "status-quo"]), 3, 30)
            .expect("match");
        for _ in 0..month {
            m.step();
        }
        let snapshot = Arc::new(m.snapshot());
        let mut obs = m.observation(0);
        obs.snapshot = Some(snapshot);
        obs
    }

    #[test]
    fn registered_slow_with_its_parameters() {
        let info = crate::registry::info("lookahead").expect("registered");
        assert!(info.slow);
        assert!(!crate::registry::default_set().contains(&"lookahead"));
        assert_eq!(info.params(), PARAMS.to_vec());
        let s = crate::registry::build("lookahead(horizon_months: 6, budget_months: 30)").unwrap();
        assert_eq!(s.name(), "lookahead(horizon_months: 6, budget_months: 30)");
        assert_eq!(
            crate::registry::build("lookahead").unwrap().name(),
            "lookahead"
        );
        assert!(crate::registry::build("lookahead(horizon_months: 61)").is_err());
    }

    #[test]
    fn candidates_are_stateless_built_ins_and_never_the_lookahead() {
        for name in CANDIDATES {
            assert_ne!(name, "lookahead");
            let s = crate::registry::build(name).unwrap();
            assert_eq!(s.save_state(), "", "{name} keeps state");
            assert!(!s.wants_snapshot(0), "{name} would plan");
        }
    }

    #[test]
    fn budget_limits_the_candidates_in_order() {
        // A budget smaller than one horizon: only the first candidate.
        assert_eq!(candidates_within_budget(12, 5, 5), 1);
        assert_eq!(candidates_within_budget(12, 11, 5), 1);
        assert_eq!(candidates_within_budget(12, 24, 5), 2);
        assert_eq!(candidates_within_budget(12, 60, 5), 5);
        assert_eq!(candidates_within_budget(12, 2000, 5), 5);
        assert_eq!(candidates_within_budget(1, 3, 5), 3);
        assert_eq!(candidates_within_budget(12, 60, 0), 0);

        // With a budget below one horizon, the first candidate is chosen without simulating.
        let obs = planning_observation(0);
        let tight = lookahead("lookahead(horizon_months: 12, budget_months: 5)");
        assert_eq!(tight.plan(&obs, obs.snapshot.as_deref().unwrap()), 0);
    }

    #[test]
    fn the_best_candidate_wins_and_ties_keep_the_earlier() {
        let a = CandidateScore {
            capability: 1.0,
            capacity_built_gw: 2.0,
            months: 3,
        };
        assert!(!a.beats(&a));
        let more_built = CandidateScore {
            capacity_built_gw: 3.0,
            ..a
        };
        assert!(more_built.beats(&a) && !a.beats(&more_built));
        let more_capable = CandidateScore {
            capability: 1.5,
            capacity_built_gw: 0.0,
            ..a
        };
        assert!(more_capable.beats(&more_built));

        // The plan picks the candidate with the best simulated score.
        let obs = planning_observation(0);
        let snapshot = obs.snapshot.as_deref().unwrap();
        let planner = lookahead("lookahead(horizon_months: 6, budget_months: 18)");
        let scores: Vec<CandidateScore> = (0..3)
            .map(|i| simulate(&obs.scenario, snapshot, 0, i, 6))
            .collect();
        assert!(scores.iter().all(|s| s.months == 6));
        let mut best = 0;
        for (i, s) in scores.iter().enumerate() {
            if s.beats(&scores[best]) {
                best = i;
            }
        }
        assert_eq!(planner.plan(&obs, snapshot), best);
    }

    #[test]
    fn same_seed_twice_gives_the_same_orders_and_choice() {
        let obs = planning_observation(2);
        let run = || {
            let mut s = lookahead("lookahead(horizon_months: 6)");
            assert!(s.wants_snapshot(2));
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let orders = s.decide(&obs, &mut rng);
            assert!(!s.wants_snapshot(3) && !s.wants_snapshot(13));
            assert!(s.wants_snapshot(14));
            (format!("{orders:?}"), s.chosen(), s.save_state())
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.2.contains("planned_month:2"), "{}", first.2);

        // The orders are the chosen candidate's own.
        let mut direct = crate::registry::build(first.1).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        assert_eq!(format!("{:?}", direct.decide(&obs, &mut rng)), first.0);
    }

    #[test]
    fn state_round_trips() {
        let mut s = lookahead("lookahead");
        assert_eq!(s.save_state(), "(chosen:4,planned_month:None)");
        s.load_state("(chosen: 2, planned_month: 24)").unwrap();
        assert_eq!((s.chosen(), s.planned_month()), ("driller", Some(24)));
        assert_eq!(s.delegate.name(), "driller");
        let saved = s.save_state();
        assert_eq!(saved, "(chosen:2,planned_month:24)");
        let mut t = lookahead("lookahead");
        t.load_state(&saved).unwrap();
        assert_eq!(t.save_state(), saved);
        assert!(!t.wants_snapshot(35) && t.wants_snapshot(36));

        // Empty state is the initial state.
        let mut fresh = lookahead("lookahead");
        fresh.load_state("").unwrap();
        assert_eq!(fresh.state, INITIAL);
        assert!(fresh.wants_snapshot(0));
        assert_eq!(fresh.delegate.name(), "status-quo");

        assert!(fresh.load_state("(chosen: 9, planned_month: 0)").is_err());
        assert!(fresh.load_state("(chosen: 1, bogus: 0)").is_err());
        assert!(fresh.load_state("nonsense").is_err());
    }

    const SPEC: &str = "lookahead(horizon_months: 4, replan_months: 6, budget_months: 12)";

    #[test]
    fn a_game_is_deterministic_and_resumes_bit_identically() {
        let play = || {
            let mut m = Match::with_months(scenario(), seats(&[SPEC, "status-quo"]), 11, 30)
                .expect("match");
            m.record_trace();
            let outcome = m.run();
            format!("{outcome:?}\n{:?}", m.trace())
        };
        let whole = play();
        assert_eq!(whole, play());

        // Stop mid-game, between two plans, through RON text.
        let mut first =
            Match::with_months(scenario(), seats(&[SPEC, "status-quo"]), 11, 30).expect("match");
        for _ in 0..9 {
            first.step();
        }
        let saved = first.snapshot();
        assert!(
            saved.strategy_states[0].contains("planned_month:6"),
            "{:?}",
            saved.strategy_states
        );
        let text = snapshot::to_ron(&saved).unwrap();
        let restored = snapshot::from_ron(&text).unwrap();
        let mut resumed =
            Match::restore(scenario(), seats(&[SPEC, "status-quo"]), &restored).expect("restore");
        let resumed_outcome = resumed.run();
        let mut uninterrupted =
            Match::with_months(scenario(), seats(&[SPEC, "status-quo"]), 11, 30).expect("match");
        let outcome = uninterrupted.run();
        assert_eq!(format!("{resumed_outcome:?}"), format!("{outcome:?}"));
        assert!(outcome.faults.is_empty(), "{:?}", outcome.faults);
        assert_eq!(outcome.nations[0].strategy, SPEC);
    }
}

//! Research: software progress as a production function of people and compute, after Davidson's
//! compute-centric takeoff model (2023) and Whitfill & Wu (2025) on compute bottlenecks.
//!
//! For each lab, each month (all quantities dimensionless, in units of the reference lab at month 0):
//!
//! ```text
//! H  = research spend / research_reference_usd_per_year                 human research labour
//! A  = inference FLOP / research_reference_flop_per_month               AI research labour
//! a  = automation(capability) ∈ [0, 1]                                  share of research tasks AI does
//! L  = H^(1−a) · A^a                                                    labour: human, then AI
//! K  = experiment FLOP / research_reference_flop_per_month              training FLOP not in the largest run
//! R₀ = (w·L^ρ + (1−w)·K^ρ)^(1/ρ),  ρ = 1 − 1/σ                          CES; σ < 1: near-complements
//! m  = AI R&D progress multiplier at this capability (AI 2027 milestones, log-linear between them)
//! R  = m^(1/λ) · R₀                                                     research input
//! g  = R^λ · (S/S₀)^(−λ/r) / halving_months                             doublings of efficiency a month
//! x  = log10 S;  X = max_algorithmic_efficiency_oom;  x₀ = log10 S₀
//! x' = X − (X − x) · exp(−g·log10(2) / (X − x₀))                        exact step of dx/dt = g·log10(2)·(X−x)/(X−x₀)
//! ```
//!
//! With the reference inputs at month 0, g = 1 / halving_months: Ho et al.'s 8-month halving. The
//! term (S/S₀)^(−λ/r) is the diminishing return to software R&D: doubling the input sustains r
//! doublings of efficiency (r = `software_returns`). The ceiling term makes progress saturate at
//! `max_algorithmic_efficiency_oom`: x never passes X and stays finite. At the reference inputs the
//! multiplier m is exactly the ratio of progress with AI to progress without it, which is how AI
//! 2027 defines its milestones; away from them the CES lets a lab short of experiment compute (or
//! of power for it) gain less.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::Global;

/// Share of research automated at `capability`: 0 below the automation gap, 1 at the threshold.
pub fn automation_fraction(g: &Global, capability: f64) -> f64 {
    ((capability - (g.asi_threshold_capability - g.automation_gap_oom)) / g.automation_gap_oom)
        .clamp(0.0, 1.0)
}

/// AI R&D progress multiplier at `capability`: the first milestone's value below it (1 in the
/// shipped scenarios, where the first milestone is the start of automation), log-linear between
/// milestones (listed from the lowest capability up), the last milestone's value beyond it.
pub fn research_multiplier(g: &Global, capability: f64) -> f64 {
    research_multiplier_by(g, capability, |i| {
        g.ai_research_multipliers[i].multiplier.ln()
    })
}

/// [`research_multiplier`] given `ln_multiplier(i)` = ln of milestone `i`'s multiplier, which
/// [`crate::curves::Curves::research_multiplier_ln`] holds for the research system.
fn research_multiplier_by(
    g: &Global,
    capability: f64,
    ln_multiplier: impl Fn(usize) -> f64,
) -> f64 {
    let below = g.asi_threshold_capability - capability;
    let points = &g.ai_research_multipliers;
    let Some(first) = points.first() else {
        return 1.0;
    };
    if below >= first.below_threshold_oom {
        return first.multiplier;
    }
    for (i, pair) in points.windows(2).enumerate() {
        let (lo_cap, hi_cap) = (&pair[0], &pair[1]);
        if below >= hi_cap.below_threshold_oom {
            let span = lo_cap.below_threshold_oom - hi_cap.below_threshold_oom;
            let t = if span > 0.0 {
                (lo_cap.below_threshold_oom - below) / span
            } else {
                1.0
            };
            let (lo_ln, hi_ln) = (ln_multiplier(i), ln_multiplier(i + 1));
            return (lo_ln + t * (hi_ln - lo_ln)).exp();
        }
    }
    points.last().map_or(1.0, |p| p.multiplier)
}

/// The inputs of one lab's research this month, in units of the reference lab at month 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResearchInputs {
    /// Human research labour: spend over the reference spend.
    pub human_labour: f64,
    /// AI research labour: inference FLOP over the reference FLOP.
    pub ai_labour: f64,
    /// Experiment compute over the reference FLOP.
    pub experiment_compute: f64,
}

/// CES research input R₀ of labour `l` and compute `k` (weights and elasticity from the scenario).
pub fn ces(g: &Global, l: f64, k: f64) -> f64 {
    let w = g.research_labour_weight;
    let sigma = g.research_substitution_elasticity;
    if (sigma - 1.0).abs() < 1e-9 {
        // Cobb-Douglas limit.
        return l.max(0.0).powf(w) * k.max(0.0).powf(1.0 - w);
    }
    let rho = 1.0 - 1.0 / sigma;
    if rho < 0.0 && (l <= 0.0 || k <= 0.0) {
        // Complements: nothing is researched without both.
        return 0.0;
    }
    (w * l.max(0.0).powf(rho) + (1.0 - w) * k.max(0.0).powf(rho)).powf(1.0 / rho)
}

/// Doublings of algorithmic efficiency a month before the ceiling, for `inputs` at `capability`
/// and the current efficiency.
pub fn doublings_per_month(
    g: &Global,
    inputs: ResearchInputs,
    capability: f64,
    efficiency: f64,
) -> f64 {
    let m = research_multiplier(g, capability);
    doublings_per_month_at(g, inputs, capability, efficiency, m)
}

/// [`doublings_per_month`] given `m` = [`research_multiplier`] at `capability`, which the research
/// system also records.
fn doublings_per_month_at(
    g: &Global,
    inputs: ResearchInputs,
    capability: f64,
    efficiency: f64,
    m: f64,
) -> f64 {
    let a = automation_fraction(g, capability);
    // powf gives 0^0 = 1, so a missing factor drops out at a = 0 or 1 and zeroes labour between.
    // The ends are written out: they are most months of a game, and x^1 = x exactly.
    let (human, ai) = (inputs.human_labour.max(0.0), inputs.ai_labour.max(0.0));
    let labour = if a <= 0.0 {
        human
    } else if a >= 1.0 {
        ai
    } else {
        human.powf(1.0 - a) * ai.powf(a)
    };
    let r0 = ces(g, labour, inputs.experiment_compute);
    let lambda = g.research_parallelisation;
    let diminishing = (efficiency / g.initial_algorithmic_efficiency)
        .max(1.0)
        .powf(-lambda / g.software_returns);
    m * r0.powf(lambda) * diminishing / g.algorithmic_halving_months
}

/// Efficiency after one month of `doublings` toward the ceiling.
pub fn step_efficiency(g: &Global, efficiency: f64, doublings: f64) -> f64 {
    let x0 = g.initial_algorithmic_efficiency.log10();
    step_efficiency_oom(g, x0, efficiency, efficiency.log10(), doublings)
}

/// [`step_efficiency`] given `x0` = log10 of the initial efficiency and `oom` = log10 of
/// `efficiency`, which the research system already holds: the same numbers, fewer logarithms.
fn step_efficiency_oom(g: &Global, x0: f64, efficiency: f64, oom: f64, doublings: f64) -> f64 {
    let ceiling = g.max_algorithmic_efficiency_oom;
    let x = oom.min(ceiling);
    let room = (ceiling - x0).max(f64::MIN_POSITIVE);
    let rate = (doublings * std::f64::consts::LOG10_2).max(0.0);
    if rate == 0.0 {
        // No progress: keep the value exactly (the round trip through log10 would drift).
        return efficiency;
    }
    let next = ceiling - (ceiling - x) * (-rate / room).exp();
    10f64.powf(next.max(x))
}

/// Labs in scenario order: the research money they take from their capital is summed into their
/// nation's books in that order. Runs after Compute (this month's FLOP) and before Capability, so it
/// sees last month's capability.
pub fn research(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut oom_memo: Local<Vec<(u64, f64)>>,
    mut nations: Query<&mut Treasury>,
    mut labs: Query<(&Lab, &LabCompute, &mut LabModel, &mut LabFinance)>,
) {
    let g = &params.scenario.global;
    let experiment_share = 1.0 - params.curves.global(clock.month).largest_run_share;
    let x0 = params.curves.initial_efficiency_oom();
    let multiplier_ln = params.curves.research_multiplier_ln();
    let mut in_order = labs.iter_many_mut(&roster.labs);
    while let Some(row) = in_order.fetch_next() {
        let (lab, compute, mut model, mut finance) = row.expect("roster");
        let from_capital = finance.capital_usd * g.lab_research_spend_per_month;
        finance.capital_usd -= from_capital;
        nations
            .get_mut(roster.nations[lab.nation as usize])
            .expect("roster")
            .spent_usd += from_capital;
        let spend_month = model.research_usd_month + from_capital;
        let inputs = ResearchInputs {
            human_labour: spend_month * MONTHS_PER_YEAR / g.research_reference_usd_per_year,
            ai_labour: compute.inference_flop_month / g.research_reference_flop_per_month,
            experiment_compute: compute.training_flop_month * experiment_share
                / g.research_reference_flop_per_month,
        };
        let before = model.algorithmic_efficiency;
        // log10 of the efficiency, remembered from last month's step when it is still the same
        // number (it is unless something else set it: a restore, a test): one logarithm less.
        let index = lab.index as usize;
        if oom_memo.len() <= index {
            oom_memo.resize(index + 1, (f64::NAN.to_bits(), f64::NAN));
        }
        let before_oom = match oom_memo[index] {
            (bits, oom) if bits == before.to_bits() => oom,
            _ => before.log10(),
        };
        let m = research_multiplier_by(g, model.capability, |i| multiplier_ln[i]);
        let doublings = doublings_per_month_at(g, inputs, model.capability, before, m);
        model.algorithmic_efficiency = step_efficiency_oom(g, x0, before, before_oom, doublings);
        let after_oom = model.algorithmic_efficiency.log10();
        oom_memo[index] = (model.algorithmic_efficiency.to_bits(), after_oom);
        model.efficiency_growth_oom_month = after_oom - before_oom;
        model.research_multiplier = m;
        model.research_usd_month = 0.0;
    }
}

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    fn spent(world: &World, n: usize) -> f64 {
        let e = world.resource::<Roster>().nations[n];
        world.get::<Treasury>(e).unwrap().spent_usd
    }

    #[test]
    fn automation_is_zero_below_the_gap_and_full_at_the_threshold() {
        let g = scenario().global;
        let start = g.asi_threshold_capability - g.automation_gap_oom;
        assert_eq!(automation_fraction(&g, start - 1.0), 0.0);
        assert_eq!(automation_fraction(&g, start), 0.0);
        assert_close(
            automation_fraction(&g, start + g.automation_gap_oom / 2.0),
            0.5,
        );
        assert_eq!(automation_fraction(&g, g.asi_threshold_capability), 1.0);
        assert_eq!(
            automation_fraction(&g, g.asi_threshold_capability + 3.0),
            1.0
        );
    }

    /// One reference lab at month 0: one unit of each research input.
    const REFERENCE: ResearchInputs = ResearchInputs {
        human_labour: 1.0,
        ai_labour: 1.0,
        experiment_compute: 1.0,
    };

    /// A capability well below the start of automation.
    fn unautomated(g: &Global) -> f64 {
        g.asi_threshold_capability - g.automation_gap_oom - 2.0
    }

    #[test]
    fn the_reference_inputs_double_efficiency_every_halving_time() {
        let g = scenario().global;
        let e0 = g.initial_algorithmic_efficiency;
        assert_eq!(ces(&g, 1.0, 1.0), 1.0);
        assert_eq!(research_multiplier(&g, unautomated(&g)), 1.0);
        assert_close(
            doublings_per_month(&g, REFERENCE, unautomated(&g), e0),
            1.0 / g.algorithmic_halving_months,
        );
        // At the start of automation too (the first milestone's multiplier is 1).
        let start = g.asi_threshold_capability - g.automation_gap_oom;
        assert_close(
            doublings_per_month(&g, REFERENCE, start, e0),
            1.0 / g.algorithmic_halving_months,
        );
        // One month's step is the exact solution of the saturating growth law.
        let rate = 1.0 / g.algorithmic_halving_months;
        let x0 = e0.log10();
        let room = g.max_algorithmic_efficiency_oom - x0;
        let expected = g.max_algorithmic_efficiency_oom
            - room * (-rate * std::f64::consts::LOG10_2 / room).exp();
        let next = step_efficiency(&g, e0, rate);
        assert_close(next.log10(), expected);
        // Far from the ceiling this is very nearly one halving time's share of a doubling.
        assert!((next / e0 - 2f64.powf(rate)).abs() < 1e-3, "{next}");
        assert!(next > e0);
    }

    #[test]
    fn milestones_multiply_progress_over_no_automation_by_their_multiplier() {
        let g = scenario().global;
        let e0 = g.initial_algorithmic_efficiency;
        let none = doublings_per_month(&g, REFERENCE, unautomated(&g), e0);
        let multipliers: Vec<f64> = g
            .ai_research_multipliers
            .iter()
            .map(|m| m.multiplier)
            .collect();
        // AI 2027: superhuman coder 5×, superhuman AI researcher 25×, superintelligent AI
        // researcher 250×, ASI 2,000×, after the start of automation at 1×.
        assert_eq!(multipliers, [1.0, 5.0, 25.0, 250.0, 2000.0]);
        for m in &g.ai_research_multipliers {
            let capability = g.asi_threshold_capability - m.below_threshold_oom;
            assert!(
                (research_multiplier(&g, capability) - m.multiplier).abs() <= 1e-9 * m.multiplier
            );
            let ratio = doublings_per_month(&g, REFERENCE, capability, e0) / none;
            assert!(
                (ratio - m.multiplier).abs() <= 1e-9 * m.multiplier,
                "{ratio} vs {}",
                m.multiplier
            );
        }
        // Log-linear between milestones: halfway from 5× to 25× is √125.
        let (a, b) = (&g.ai_research_multipliers[1], &g.ai_research_multipliers[2]);
        let halfway =
            g.asi_threshold_capability - (a.below_threshold_oom + b.below_threshold_oom) / 2.0;
        assert_close(
            research_multiplier(&g, halfway),
            (a.multiplier * b.multiplier).sqrt(),
        );
        // Past the threshold the last milestone holds; below the first, the first.
        assert_eq!(
            research_multiplier(&g, g.asi_threshold_capability + 5.0),
            2000.0
        );
        assert_eq!(research_multiplier(&g, 0.0), 1.0);
        // No milestones: no multiplier.
        let mut bare = g.clone();
        bare.ai_research_multipliers.clear();
        assert_eq!(research_multiplier(&bare, g.asi_threshold_capability), 1.0);
    }

    /// The multiplier from the tabulated logarithms is the milestones' log-linear interpolation
    /// written out, bit for bit, below, between, on and past every milestone.
    #[test]
    fn the_tabulated_multiplier_equals_the_formula_bit_for_bit() {
        let s = scenario();
        let g = &s.global;
        let curves = crate::curves::Curves::new(std::sync::Arc::new(s.clone()), 12);
        let ln = curves.research_multiplier_ln();
        let written_out = |capability: f64| {
            let below = g.asi_threshold_capability - capability;
            let points = &g.ai_research_multipliers;
            if below >= points[0].below_threshold_oom {
                return points[0].multiplier;
            }
            for pair in points.windows(2) {
                let (lo, hi) = (&pair[0], &pair[1]);
                if below >= hi.below_threshold_oom {
                    let t = (lo.below_threshold_oom - below)
                        / (lo.below_threshold_oom - hi.below_threshold_oom);
                    return (lo.multiplier.ln() + t * (hi.multiplier.ln() - lo.multiplier.ln()))
                        .exp();
                }
            }
            points[points.len() - 1].multiplier
        };
        let from = g.asi_threshold_capability - g.automation_gap_oom - 1.0;
        for step in 0..=1_000 {
            let capability = from + step as f64 * 0.00713;
            let tabulated = research_multiplier_by(g, capability, |i| ln[i]);
            assert_eq!(
                tabulated.to_bits(),
                written_out(capability).to_bits(),
                "{capability}"
            );
            assert_eq!(
                tabulated.to_bits(),
                research_multiplier(g, capability).to_bits()
            );
        }
    }

    #[test]
    fn less_experiment_compute_slows_progress_with_and_without_automation() {
        let g = scenario().global;
        let e0 = g.initial_algorithmic_efficiency;
        let half = ResearchInputs {
            experiment_compute: 0.5,
            ..REFERENCE
        };
        let automated = g.asi_threshold_capability - 1.0;
        assert!(automation_fraction(&g, automated) > 0.0);
        for capability in [unautomated(&g), automated] {
            let full = doublings_per_month(&g, REFERENCE, capability, e0);
            let short = doublings_per_month(&g, half, capability, e0);
            assert!(short < full, "{capability}: {short} vs {full}");
            assert!(short > 0.0);
            // Exactly the CES at (1, 0.5) to the parallelisation exponent.
            assert_close(
                short / full,
                ces(&g, 1.0, 0.5).powf(g.research_parallelisation),
            );
        }
        // With automation, abundant AI labour cannot make up for missing experiment compute: the
        // CES is bounded by compute.
        let swarm = ResearchInputs {
            ai_labour: 1e12,
            experiment_compute: 0.5,
            ..REFERENCE
        };
        let at_threshold = g.asi_threshold_capability;
        let bound = (1.0 - g.research_labour_weight)
            .powf(1.0 / (1.0 - 1.0 / g.research_substitution_elasticity))
            * 0.5;
        let m = research_multiplier(&g, at_threshold);
        assert!(
            doublings_per_month(&g, swarm, at_threshold, e0)
                <= m * bound.powf(g.research_parallelisation) / g.algorithmic_halving_months
        );
        // Without compute at all there is no progress (complements).
        let none = ResearchInputs {
            experiment_compute: 0.0,
            ..REFERENCE
        };
        assert_eq!(doublings_per_month(&g, none, automated, e0), 0.0);
    }

    #[test]
    fn automation_moves_labour_from_people_to_ai() {
        let g = scenario().global;
        let e0 = g.initial_algorithmic_efficiency;
        let people_only = ResearchInputs {
            human_labour: 1.0,
            ai_labour: 0.0,
            experiment_compute: 1.0,
        };
        // Before automation, AI labour does not matter.
        assert_close(
            doublings_per_month(&g, people_only, unautomated(&g), e0),
            1.0 / g.algorithmic_halving_months,
        );
        // Fully automated, people do not matter, AI labour does.
        let ais_only = ResearchInputs {
            human_labour: 0.0,
            ai_labour: 1.0,
            experiment_compute: 1.0,
        };
        let at = g.asi_threshold_capability;
        assert_eq!(automation_fraction(&g, at), 1.0);
        let m = research_multiplier(&g, at);
        assert_close(
            doublings_per_month(&g, ais_only, at, e0),
            m / g.algorithmic_halving_months,
        );
        // Partly automated, both are needed.
        let partly = g.asi_threshold_capability - g.automation_gap_oom / 2.0;
        assert_eq!(doublings_per_month(&g, ais_only, partly, e0), 0.0);
        assert_eq!(doublings_per_month(&g, people_only, partly, e0), 0.0);
    }

    #[test]
    fn efficiency_never_passes_its_ceiling_and_saturates_under_huge_rates() {
        let g = scenario().global;
        let ceiling = 10f64.powf(g.max_algorithmic_efficiency_oom);
        let mut e = g.initial_algorithmic_efficiency;
        for rate in [0.1, 10.0, 1e3, 1e6, 1e12, 1e300, f64::MAX, f64::INFINITY] {
            let next = step_efficiency(&g, e, rate);
            assert!(next.is_finite(), "{rate}: {next}");
            assert!(next <= ceiling, "{rate}: {next} > {ceiling}");
            assert!(next >= e, "efficiency never falls");
            e = next;
        }
        assert_close(e, ceiling);
        // A month at a high rate closes most of the gap; months on, it converges.
        let mut e = g.initial_algorithmic_efficiency;
        let mut gaps = Vec::new();
        for _ in 0..50 {
            e = step_efficiency(&g, e, 100.0);
            assert!(e.is_finite() && e <= ceiling);
            gaps.push(g.max_algorithmic_efficiency_oom - e.log10());
        }
        assert!(gaps.windows(2).all(|w| w[1] <= w[0]), "{gaps:?}");
        assert!(gaps[49] < 1e-6, "{gaps:?}");
        // At the ceiling (or above it) nothing moves; no progress, no change.
        assert_eq!(step_efficiency(&g, ceiling, 5.0), ceiling);
        assert_eq!(step_efficiency(&g, ceiling * 10.0, 5.0), ceiling);
        assert_close(step_efficiency(&g, 100.0, 0.0), 100.0);
        assert_close(step_efficiency(&g, 100.0, -3.0), 100.0);
    }

    #[test]
    fn more_efficient_algorithms_are_harder_to_improve() {
        let g = scenario().global;
        let e0 = g.initial_algorithmic_efficiency;
        let at = |e: f64| doublings_per_month(&g, REFERENCE, unautomated(&g), e);
        assert!(at(2.0 * e0) < at(e0));
        assert!(at(1e3 * e0) < at(2.0 * e0));
        // One doubling of efficiency costs 1/r doublings of research input at the same rate.
        assert_close(
            at(2.0 * e0) / at(e0),
            2f64.powf(-g.research_parallelisation / g.software_returns),
        );
        let doubled_input = ResearchInputs {
            human_labour: 2f64.powf(1.0 / g.software_returns),
            ai_labour: 1.0,
            experiment_compute: 2f64.powf(1.0 / g.software_returns),
        };
        assert_close(
            doublings_per_month(&g, doubled_input, unautomated(&g), 2.0 * e0),
            at(e0),
        );
        // Below the initial efficiency there is no bonus.
        assert_eq!(at(e0 / 2.0), at(e0));
    }

    #[test]
    fn ces_with_complements_is_bounded_by_compute() {
        let g = scenario().global;
        let sigma = g.research_substitution_elasticity;
        assert!(sigma < 1.0);
        let rho = 1.0 - 1.0 / sigma;
        let w = g.research_labour_weight;
        let k = 3.0;
        let bound = (1.0 - w).powf(1.0 / rho) * k;
        let mut last = 0.0;
        for l in [1.0, 10.0, 1e3, 1e6, 1e12, 1e100] {
            let r = ces(&g, l, k);
            assert!(r <= bound, "{l}: {r} > {bound}");
            assert!(r > last, "more labour still helps a little");
            last = r;
        }
        assert!(last > bound * (1.0 - 1e-9), "{last} vs {bound}");
        // Symmetric in the bound: compute without labour is bounded the same way by labour.
        assert!(ces(&g, k, 1e100) <= w.powf(1.0 / rho) * k);
        // Homogeneous of degree 1, and 0 without either input.
        assert_close(ces(&g, 2.0, 6.0), 2.0 * ces(&g, 1.0, 3.0));
        assert_eq!(ces(&g, 0.0, k), 0.0);
        assert_eq!(ces(&g, k, 0.0), 0.0);
        // σ = 1 is Cobb-Douglas.
        let mut cd = g.clone();
        cd.research_substitution_elasticity = 1.0;
        assert_close(ces(&cd, 4.0, 9.0), 4f64.powf(w) * 9f64.powf(1.0 - w));
    }

    #[test]
    fn labs_spend_their_capital_on_research_through_their_nation_s_books() {
        let s = scenario();
        let g = &s.global;
        let mut world = world();
        world.resource_mut::<Clock>().month = 6;
        let funded = 1.0e9;
        let e0_lab = lab(&world, 0);
        world
            .get_mut::<LabModel>(e0_lab)
            .unwrap()
            .research_usd_month = funded;
        // DeepSeek has no money at all.
        let poor = s.lab_index("deepseek").unwrap();
        let ep = lab(&world, poor);
        world.get_mut::<LabFinance>(ep).unwrap().capital_usd = 0.0;
        let capital: Vec<f64> = (0..s.labs.len())
            .map(|l| world.get::<LabFinance>(lab(&world, l)).unwrap().capital_usd)
            .collect();
        // Every lab computes the same this month.
        let (training, inference) = (4.0e26, 6.0e26);
        for l in 0..s.labs.len() {
            let e = lab(&world, l);
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.training_flop_month = training;
            c.inference_flop_month = inference;
        }
        let spent_before = [spent(&world, 0), spent(&world, 1)];
        world.run_system_once(research).unwrap();

        let rate = g.lab_research_spend_per_month;
        for (l, c) in capital.iter().enumerate() {
            let f = world.get::<LabFinance>(lab(&world, l)).unwrap();
            assert_close(f.capital_usd, c * (1.0 - rate));
        }
        for (n, before) in spent_before.into_iter().enumerate() {
            let from_labs: f64 = (0..s.labs.len())
                .filter(|&l| s.labs[l].nation == s.nations[n].id)
                .map(|l| capital[l] * rate)
                .sum();
            assert_close(spent(&world, n) - before, from_labs);
        }

        // Lab 0: funding plus capital spend, a year's worth, over the reference spend; its inference
        // is AI labour, its training outside the largest run is experiment compute.
        let years = 0.5;
        let inputs = ResearchInputs {
            human_labour: (funded + capital[0] * rate) * 12.0 / g.research_reference_usd_per_year,
            ai_labour: inference / g.research_reference_flop_per_month,
            experiment_compute: training * (1.0 - g.largest_run_share_at(years))
                / g.research_reference_flop_per_month,
        };
        assert!(inputs.experiment_compute > 0.0 && inputs.human_labour > 0.0);
        let e0 = g.initial_algorithmic_efficiency;
        let m = world.get::<LabModel>(e0_lab).unwrap();
        let expected = step_efficiency(g, e0, doublings_per_month(g, inputs, m.capability, e0));
        assert!(expected > e0);
        assert_close(m.algorithmic_efficiency, expected);
        assert_close(m.efficiency_growth_oom_month, expected.log10() - e0.log10());
        assert_eq!(m.research_multiplier, research_multiplier(g, m.capability));
        assert_eq!(m.research_usd_month, 0.0, "funding is for one month");
        // Funded lab 0 outpaces lab 1, which has the same compute and only its capital spend.
        let m1 = world.get::<LabModel>(lab(&world, 1)).unwrap();
        assert!(m1.algorithmic_efficiency > e0);
        assert!(m.algorithmic_efficiency > m1.algorithmic_efficiency);
        // DeepSeek has no research staff at all: labour and compute are complements, so it
        // makes no progress of its own.
        assert_close(
            world.get::<LabModel>(ep).unwrap().algorithmic_efficiency,
            e0,
        );
    }
}

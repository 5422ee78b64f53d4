//! Capability. A lab's largest run draws `largest_run_share` of its training FLOP over the run window;
//! when that run, times today's algorithmic efficiency, beats the current model, it becomes the new
//! model. The run lands on the scaling law limited by the data stock (natural tokens, grown by
//! synthetic data made with inference compute, stretched by algorithmic data efficiency). Test-time
//! compute adds capability at the Jones exchange rate up to a cap; test-time training adds capability
//! as the deployed model serves inference, up to a cap.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::Global;

/// Parameters assumed for synthetic data before a lab has trained any model, the order of a 2024
/// frontier model (Llama 3.1 405B).
const FALLBACK_PARAMETERS: f64 = 4.05e11;

/// Months of training compute the largest run draws on `years` after month 0.
pub fn run_window_months(g: &Global, years: f64) -> f64 {
    g.run_window_months_at(years)
}

/// Sum of the newest `window` months of `recent` (newest last), the oldest month counted fractionally.
pub fn window_sum(recent: &std::collections::VecDeque<f64>, window: f64) -> f64 {
    let whole = window.floor() as usize;
    let frac = window - whole as f64;
    let mut sum = 0.0;
    for (i, flop) in recent.iter().rev().enumerate() {
        if i < whole {
            sum += flop;
        } else {
            sum += flop * frac;
            break;
        }
    }
    sum
}

/// log10 of `x` raised to at least 1. At exactly 1 it is 0 without calling the logarithm: that is
/// what a lab whose queries get no more than a plain answer's FLOP sees, 97% of lab-months in a
/// sampled explore. log10(1) is +0 exactly (IEEE 754), so the value is the same bits either way.
fn log10_at_least_one(x: f64) -> f64 {
    let x = x.max(1.0);
    if x == 1.0 { 0.0 } else { x.log10() }
}

pub fn capability(
    params: Res<Params>,
    clock: Res<Clock>,
    mut labs: Query<(&LabCompute, &mut LabModel)>,
) {
    let g = &params.scenario.global;
    let scaling = &params.scaling;
    let data_growth_month = params.curves.data_growth_month();
    let trends = params.curves.global(clock.month);
    let window = trends.run_window_months;
    let share = trends.largest_run_share;
    let queries = trends.queries_per_month;
    for (compute, mut model) in &mut labs {
        // Data: natural growth plus synthetic tokens made with a share of inference.
        let parameters = if model.parameters > 0.0 {
            model.parameters
        } else {
            FALLBACK_PARAMETERS
        };
        let synthetic =
            compute.synthetic_flop_month / (2.0 * parameters * g.synthetic_flop_overhead);
        model.data_stock_tokens = model.data_stock_tokens * data_growth_month + synthetic;

        let window_flop = window_sum(&compute.recent_training_flop, window);
        let run = share * window_flop;
        let effective = run * model.algorithmic_efficiency;
        let mut new_model = false;
        if effective > model.effective_run_flop {
            model.effective_run_flop = effective;
            model.largest_run_flop = model.largest_run_flop.max(run);
            model.inference_since_model_flop = 0.0;
            new_model = true;
        }
        let tokens =
            model.data_stock_tokens * model.algorithmic_efficiency.powf(g.data_efficiency_share);
        let result = scaling.run(model.effective_run_flop, tokens);
        if new_model || model.parameters == 0.0 {
            model.parameters = result.parameters;
        }
        model.training_capability = result.capability;

        model.inference_since_model_flop += compute.inference_flop_month;
        let reference = model.largest_run_flop.max(1.0);
        // Test-time compute per query: the FLOP each query gets over the FLOP of a plain answer
        // (2·N per token), exchanged for training compute at Jones's rate, up to Snell's cap.
        let serving = (compute.inference_flop_month - compute.synthetic_flop_month).max(0.0);
        let plain_answer_flop = 2.0 * model.parameters.max(1.0) * g.tokens_per_query;
        let per_query = if queries > 0.0 {
            serving / queries / plain_answer_flop
        } else {
            0.0
        };
        model.test_time_oom = (log10_at_least_one(per_query)
            / g.test_time_exchange_oom_per_train_oom)
            .min(g.test_time_max_oom);
        model.test_time_training_oom = (g.test_time_training_oom_per_oom
            * (1.0 + model.inference_since_model_flop / reference).log10())
        .min(g.test_time_training_max_oom);
        model.capability =
            model.training_capability + model.test_time_oom + model.test_time_training_oom;
        if model.asi_month.is_none() && model.capability >= g.asi_threshold_capability {
            model.asi_month = Some(clock.month);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Arc;

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::scenario::Scenario;
    use crate::systems::test_support::*;

    /// The month-0 world of the scenario after `change`, with no compute this month and an empty run
    /// window for every lab, so that a test sets exactly the compute it needs.
    fn world_with(change: impl FnOnce(&mut Scenario)) -> World {
        let mut s = scenario();
        change(&mut s);
        let months = s.horizon_months;
        let mut world = World::new();
        crate::world::insert_resources(&mut world, Arc::new(s), 0, months);
        crate::world::spawn_initial(&mut world);
        let labs = world.resource::<Roster>().labs.clone();
        for e in labs {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.inference_flop_month = 0.0;
            c.recent_training_flop.clear();
        }
        world
    }

    fn model(world: &World, l: usize) -> LabModel {
        world.get::<LabModel>(lab(world, l)).unwrap().clone()
    }

    fn compute_mut(world: &mut World, l: usize) -> Mut<'_, LabCompute> {
        let e = lab(world, l);
        world.get_mut::<LabCompute>(e).unwrap()
    }

    #[test]
    fn the_run_window_grows_on_its_trend_up_to_the_cap() {
        let g = scenario().global;
        assert_eq!(run_window_months(&g, 0.0), g.training_run_months);
        assert_close(
            run_window_months(&g, 1.0),
            g.training_run_months * g.training_run_months_growth_per_year,
        );
        assert_eq!(
            run_window_months(&g, 50.0),
            g.max_training_run_months as f64
        );
        let mut short = g.clone();
        short.training_run_months = 0.25;
        assert_eq!(run_window_months(&short, 0.0), 1.0, "at least a month");
    }

    #[test]
    fn the_window_sum_counts_the_oldest_month_fractionally() {
        let recent: VecDeque<f64> = [1.0, 10.0, 100.0, 1_000.0].into_iter().collect();
        assert_eq!(window_sum(&recent, 2.5), 1_000.0 + 100.0 + 0.5 * 10.0);
        assert_eq!(window_sum(&recent, 0.5), 500.0);
        assert_eq!(window_sum(&recent, 4.0), 1_111.0);
        assert_eq!(
            window_sum(&recent, 12.0),
            1_111.0,
            "a short history sums what it has"
        );
        assert_eq!(window_sum(&VecDeque::new(), 3.0), 0.0);
    }

    #[test]
    fn a_run_becomes_the_new_model_only_if_it_beats_the_current_one() {
        let s = scenario();
        let g = &s.global;
        let mut world = world_with(|_| {});
        let start = model(&world, 0);
        let window = run_window_months(g, 0.0);
        assert_eq!(window.fract(), 0.0);
        let share = g.largest_run_share;
        // Monthly training FLOP that makes a largest run of `times` × the current one.
        let monthly = |times: f64| times * start.largest_run_flop / (share * window);
        let inference = 1.0e25;
        let set = |world: &mut World, times: f64| {
            let mut c = compute_mut(world, 0);
            c.recent_training_flop = std::iter::repeat_n(monthly(times), window as usize).collect();
            c.inference_flop_month = inference;
        };

        // Half the current run: the old model stays, and it keeps serving inference.
        set(&mut world, 0.5);
        let e = lab(&world, 0);
        world
            .get_mut::<LabModel>(e)
            .unwrap()
            .inference_since_model_flop = 1.0e26;
        world.run_system_once(capability).unwrap();
        let m = model(&world, 0);
        assert_eq!(m.effective_run_flop, start.effective_run_flop);
        assert_eq!(m.largest_run_flop, start.largest_run_flop);
        assert_eq!(m.inference_since_model_flop, 1.0e26 + inference);

        // Twice the current run: a new model, its counters restart.
        set(&mut world, 2.0);
        world.run_system_once(capability).unwrap();
        let m = model(&world, 0);
        let run = 2.0 * start.largest_run_flop;
        assert_close(m.largest_run_flop, run);
        assert_close(m.effective_run_flop, run * start.algorithmic_efficiency);
        assert_eq!(m.inference_since_model_flop, inference);
        // Enough data here: the compute-optimal model, capability = log10 of effective FLOP.
        let scaling = &world.resource::<Params>().scaling;
        assert_close(m.parameters, scaling.optimal(m.effective_run_flop).0);
        assert_close(m.training_capability, m.effective_run_flop.log10());
    }

    #[test]
    fn a_data_limited_run_lands_below_the_unlimited_one() {
        let s = scenario();
        let g = &s.global;
        let capability_with = |tokens: f64| {
            let mut world = world_with(|_| {});
            let e = lab(&world, 0);
            world.get_mut::<LabModel>(e).unwrap().data_stock_tokens = tokens;
            world.run_system_once(capability).unwrap();
            model(&world, 0)
        };
        let plenty = capability_with(1.0e30);
        let scarce = capability_with(1.0e10);
        let effective = plenty.effective_run_flop;
        assert_eq!(scarce.effective_run_flop, effective);
        assert_close(plenty.training_capability, effective.log10());
        assert!(
            scarce.training_capability < plenty.training_capability - 1.0,
            "{} vs {}",
            scarce.training_capability,
            plenty.training_capability
        );
        // The data wall: every usable token is used, parameters take up the rest of the compute.
        let growth = (1.0 + g.data_stock_growth_per_year).powf(1.0 / 12.0);
        assert_close(scarce.data_stock_tokens, 1.0e10 * growth);
        let usable =
            scarce.data_stock_tokens * scarce.algorithmic_efficiency.powf(g.data_efficiency_share);
        assert_close(scarce.parameters, effective / (6.0 * usable));
    }

    #[test]
    fn test_time_compute_adds_capability_up_to_its_caps() {
        let s = scenario();
        let g = &s.global;
        let run_at = |month: u32, inference: f64, synthetic: f64| {
            let mut world = world_with(|_| {});
            world.resource_mut::<Clock>().month = month;
            let mut c = compute_mut(&mut world, 0);
            c.inference_flop_month = inference;
            c.synthetic_flop_month = synthetic;
            world.run_system_once(capability).unwrap();
            model(&world, 0)
        };
        let run_with = |inference: f64| run_at(0, inference, 0.0);
        let largest = scenario().labs[0].largest_run_flop;

        // No inference, no bonus.
        let m = run_with(0.0);
        assert_eq!((m.test_time_oom, m.test_time_training_oom), (0.0, 0.0));
        assert_eq!(m.capability, m.training_capability);
        // A plain answer costs 2·N FLOP a token.
        let plain = 2.0 * m.parameters * g.tokens_per_query;
        assert!(m.parameters > 0.0);

        // Ten plain answers' worth of FLOP per query: one OOM of test-time compute.
        let inference = 10.0 * g.queries_per_month * plain;
        let m = run_with(inference);
        let one_oom = 1.0 / g.test_time_exchange_oom_per_train_oom;
        assert!(one_oom < g.test_time_max_oom);
        assert_close(m.test_time_oom, one_oom);
        // Test-time training: inference since the model over its training FLOP.
        assert_close(
            m.test_time_training_oom,
            g.test_time_training_oom_per_oom * (1.0 + inference / largest).log10(),
        );
        assert_close(
            m.capability,
            m.training_capability + m.test_time_oom + m.test_time_training_oom,
        );

        // FLOP spent making synthetic data serve no query (the data it makes changes N a little).
        let m = run_at(0, 2.0 * inference, inference);
        let per_query = inference / g.queries_per_month / (2.0 * m.parameters * g.tokens_per_query);
        assert_close(
            m.test_time_oom,
            per_query.log10() / g.test_time_exchange_oom_per_train_oom,
        );
        // A year on there are more queries to share the same FLOP.
        let m = run_at(12, inference * g.queries_growth_per_year, 0.0);
        assert_close(m.test_time_oom, one_oom);
        assert!(run_at(12, inference, 0.0).test_time_oom < one_oom);
        // A plain answer or less adds nothing.
        let m = run_with(0.5 * g.queries_per_month * plain);
        assert_eq!(m.test_time_oom, 0.0);
        assert!(m.test_time_training_oom > 0.0);

        // Absurd inference: both bonuses at their caps.
        let m = run_with(1.0e40);
        assert_eq!(m.test_time_oom, g.test_time_max_oom);
        assert_eq!(m.test_time_training_oom, g.test_time_training_max_oom);
        assert_close(
            m.capability,
            m.training_capability + g.test_time_max_oom + g.test_time_training_max_oom,
        );
    }

    #[test]
    fn the_asi_month_is_set_once_the_first_time_the_threshold_is_crossed() {
        let threshold = 27.0;
        let mut world = world_with(|s| s.global.asi_threshold_capability = threshold);
        let s = world.resource::<Params>().scenario.clone();
        let deepseek = s.lab_index("deepseek").unwrap();
        world.resource_mut::<Clock>().month = 3;
        world.run_system_once(capability).unwrap();
        assert!(model(&world, 0).capability >= threshold);
        assert!(model(&world, deepseek).capability < threshold);
        assert_eq!(model(&world, 0).asi_month, Some(3));
        assert_eq!(model(&world, deepseek).asi_month, None);

        world.resource_mut::<Clock>().month = 5;
        world.run_system_once(capability).unwrap();
        assert_eq!(model(&world, 0).asi_month, Some(3));
    }

    /// The shortcut at 1 is the logarithm's own value, bit for bit, and so is every other value.
    #[test]
    fn log10_at_least_one_is_the_logarithm_bit_for_bit() {
        assert_eq!(1f64.log10().to_bits(), 0f64.to_bits());
        let values = [
            f64::NEG_INFINITY,
            -3.0,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            0.5,
            1.0 - f64::EPSILON / 2.0,
            1.0,
            1.0 + f64::EPSILON,
            1.5,
            10.0,
            3.7e12,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        for x in values {
            assert_eq!(
                log10_at_least_one(x).to_bits(),
                x.max(1.0).log10().to_bits(),
                "{x}"
            );
        }
    }
}

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
    (g.training_run_months * g.training_run_months_growth_per_year.powf(years))
        .clamp(1.0, g.max_training_run_months.max(1) as f64)
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

pub fn capability(
    params: Res<Params>,
    clock: Res<Clock>,
    mut labs: Query<(&LabCompute, &mut LabModel)>,
) {
    let g = &params.scenario.global;
    let scaling = &params.scaling;
    let years = clock.years();
    let data_growth_month = (1.0 + g.data_stock_growth_per_year).powf(1.0 / MONTHS_PER_YEAR);
    let window = run_window_months(g, years);
    let share = (g.largest_run_share * g.largest_run_share_growth_per_year.powf(years))
        .min(g.max_largest_run_share);
    for (compute, mut model) in &mut labs {
        // Data: natural growth plus synthetic tokens made with a share of inference.
        let parameters = if model.parameters > 0.0 {
            model.parameters
        } else {
            FALLBACK_PARAMETERS
        };
        let synthetic = g.synthetic_data_compute_share * compute.inference_flop_month
            / (2.0 * parameters * g.synthetic_flop_overhead);
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
        let ratio = compute.inference_flop_month * window / reference;
        model.test_time_oom = ((1.0 + ratio).log10() / g.test_time_exchange_oom_per_train_oom)
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

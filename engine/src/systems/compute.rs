//! Compute: FLOP = powered H100e × peak FLOP/s × utilisation × seconds in the month, split between
//! training and inference by the lab's training share.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;

pub fn compute(params: Res<Params>, mut labs: Query<&mut LabCompute>) {
    let g = &params.scenario.global;
    let window = g.max_training_run_months.max(1) as usize;
    for mut c in &mut labs {
        let flop = c.powered_h100e * g.h100e_peak_flop_per_s * g.utilisation * SECONDS_PER_MONTH;
        c.training_flop_month = flop * c.training_share;
        c.inference_flop_month = flop - c.training_flop_month;
        let training = c.training_flop_month;
        c.recent_training_flop.push_back(training);
        while c.recent_training_flop.len() > window {
            c.recent_training_flop.pop_front();
        }
    }
}

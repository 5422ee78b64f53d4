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
        // Synthetic data is made with a share of inference; that share earns no revenue.
        c.synthetic_flop_month = c.inference_flop_month * g.synthetic_data_compute_share;
        let training = c.training_flop_month;
        c.recent_training_flop.push_back(training);
        while c.recent_training_flop.len() > window {
            c.recent_training_flop.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    #[test]
    fn flop_is_powered_chips_times_peak_times_utilisation_times_seconds_split_by_share() {
        let g = scenario().global;
        let mut world = world();
        let (a, b) = (lab(&world, 0), lab(&world, 1));
        for (e, powered, share) in [(a, 1_000.0, 0.25), (b, 0.0, 0.5)] {
            let mut c = world.get_mut::<LabCompute>(e).unwrap();
            c.powered_h100e = powered;
            c.training_share = share;
        }
        world.run_system_once(compute).unwrap();
        let c = world.get::<LabCompute>(a).unwrap();
        let flop = 1_000.0 * g.h100e_peak_flop_per_s * g.utilisation * SECONDS_PER_MONTH;
        assert_close(c.training_flop_month, 0.25 * flop);
        assert_close(c.inference_flop_month, 0.75 * flop);
        assert_eq!(c.recent_training_flop.back(), Some(&c.training_flop_month));
        // Unpowered chips do nothing, but the month still enters the run window.
        let c = world.get::<LabCompute>(b).unwrap();
        assert_eq!((c.training_flop_month, c.inference_flop_month), (0.0, 0.0));
        assert_eq!(c.recent_training_flop.back(), Some(&0.0));
    }

    #[test]
    fn the_run_window_keeps_the_last_max_training_run_months() {
        let g = scenario().global;
        let window = g.max_training_run_months as usize;
        let mut world = world();
        let e = lab(&world, 0);
        world.get_mut::<LabCompute>(e).unwrap().training_share = 1.0;
        let per_h100e = g.h100e_peak_flop_per_s * g.utilisation * SECONDS_PER_MONTH;
        for month in 1..=window + 3 {
            world.get_mut::<LabCompute>(e).unwrap().powered_h100e = month as f64;
            world.run_system_once(compute).unwrap();
        }
        let c = world.get::<LabCompute>(e).unwrap();
        assert_eq!(c.recent_training_flop.len(), window);
        // The oldest kept is month 4; the newest is the last.
        assert_close(c.recent_training_flop[0], 4.0 * per_h100e);
        assert_close(
            *c.recent_training_flop.back().unwrap(),
            (window + 3) as f64 * per_h100e,
        );
    }
}

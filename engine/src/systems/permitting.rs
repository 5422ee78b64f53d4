//! Permitting: a plant spends its permitting months before construction starts.

use bevy_ecs::prelude::*;

use crate::components::*;

pub fn permitting(mut plants: Query<&mut PowerPlant>) {
    for mut plant in &mut plants {
        if plant.stage == PlantStage::Permitting {
            plant.permitting_months_left = plant.permitting_months_left.saturating_sub(1);
            if plant.permitting_months_left == 0 {
                plant.stage = PlantStage::Construction;
            }
        }
    }
}

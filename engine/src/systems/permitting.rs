//! Permitting: a plant spends its permitting months before construction starts. A plant ordered in
//! month m with P months of permitting is permitted through months m … m+P−1 and starts construction
//! (and pays its first capex) in month m+P; with no permitting it starts in month m.

use bevy_ecs::prelude::*;

use crate::components::*;

pub fn permitting(mut plants: Query<&mut PowerPlant>) {
    for mut plant in &mut plants {
        if plant.stage == PlantStage::Permitting {
            if plant.permitting_months_left == 0 {
                plant.stage = PlantStage::Construction;
            } else {
                plant.permitting_months_left -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::scenario::PlantKind;

    fn plant(id: u32, stage: PlantStage, permitting: u32, construction: u32) -> PowerPlant {
        PowerPlant {
            id,
            nation: 0,
            kind: PlantKind::Solar,
            capacity_mw: 100.0,
            capacity_factor: 0.24,
            stage,
            permitting_months_left: permitting,
            construction_months_left: construction,
            capex_remaining_usd: 1.0e8,
            capex_per_month_usd: 1.0e7,
            dedicated_to: None,
            interconnected: false,
            ordered_month: 0,
        }
    }

    #[test]
    fn permitting_counts_down_then_hands_over_to_construction() {
        let mut world = World::new();
        let e = world.spawn(plant(0, PlantStage::Permitting, 3, 10)).id();
        // Three months of permitting, then construction from the fourth turn.
        for (left, stage) in [
            (2, PlantStage::Permitting),
            (1, PlantStage::Permitting),
            (0, PlantStage::Permitting),
            (0, PlantStage::Construction),
            (0, PlantStage::Construction),
        ] {
            world.run_system_once(permitting).unwrap();
            let p = world.get::<PowerPlant>(e).unwrap();
            assert_eq!((p.permitting_months_left, p.stage), (left, stage));
            // Construction time is not touched by permitting.
            assert_eq!(p.construction_months_left, 10);
        }
    }

    #[test]
    fn a_single_permitting_month_takes_one_whole_turn() {
        let mut world = World::new();
        let e = world.spawn(plant(0, PlantStage::Permitting, 1, 4)).id();
        world.run_system_once(permitting).unwrap();
        let p = world.get::<PowerPlant>(e).unwrap();
        assert_eq!(
            (p.stage, p.permitting_months_left),
            (PlantStage::Permitting, 0)
        );
        world.run_system_once(permitting).unwrap();
        assert_eq!(
            world.get::<PowerPlant>(e).unwrap().stage,
            PlantStage::Construction
        );
    }

    #[test]
    fn plants_past_permitting_are_left_alone() {
        let mut world = World::new();
        let stages = [
            PlantStage::Construction,
            PlantStage::AwaitingInterconnection,
            PlantStage::Online,
        ];
        let ids: Vec<Entity> = stages
            .iter()
            .enumerate()
            .map(|(i, &stage)| world.spawn(plant(i as u32, stage, 5, 7)).id())
            .collect();
        world.run_system_once(permitting).unwrap();
        for (e, stage) in ids.into_iter().zip(stages) {
            let p = world.get::<PowerPlant>(e).unwrap();
            assert_eq!((p.stage, p.permitting_months_left), (stage, 5));
        }
    }
}

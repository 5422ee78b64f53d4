//! Permitting: a plant spends its permitting months before construction starts. A plant ordered in
//! month m with P months of permitting is permitted through months m … m+P−1 and starts construction
//! (and pays its first capex) in month m+P; with no permitting it starts in month m.

use crate::components::*;

/// Counts one month of a plant's permitting down; returns whether the plant is under construction
/// from this month (its permitting is over). Each plant's count is its own, so the construction
/// phase calls this in its own walk over the plants, just before paying them: a walk of its own
/// over every plant was 4% of a game's instructions.
pub fn permit(plant: &mut PowerPlant) -> bool {
    debug_assert_eq!(plant.stage, PlantStage::Permitting, "a plant in permitting");
    if plant.permitting_months_left == 0 {
        plant.stage = PlantStage::Construction;
        true
    } else {
        plant.permitting_months_left -= 1;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::PlantKind;

    fn plant(permitting: u32) -> PowerPlant {
        PowerPlant {
            id: 0,
            nation: 0,
            kind: PlantKind::Solar,
            capacity_mw: 100.0,
            capacity_factor: 0.24,
            stage: PlantStage::Permitting,
            permitting_months_left: permitting,
            construction_months_left: 10,
            capex_remaining_usd: 1.0e8,
            capex_per_month_usd: 1.0e7,
            dedicated_to: None,
            interconnected: false,
            ordered_month: 0,
        }
    }

    #[test]
    fn permitting_counts_down_then_hands_over_to_construction() {
        let mut p = plant(3);
        // Three months of permitting, then construction from the fourth turn.
        for (left, stage) in [
            (2, PlantStage::Permitting),
            (1, PlantStage::Permitting),
            (0, PlantStage::Permitting),
            (0, PlantStage::Construction),
        ] {
            let building = permit(&mut p);
            assert_eq!((p.permitting_months_left, p.stage), (left, stage));
            assert_eq!(building, stage == PlantStage::Construction);
            // Construction time is not touched by permitting.
            assert_eq!(p.construction_months_left, 10);
        }
    }

    #[test]
    fn a_single_permitting_month_takes_one_whole_turn() {
        let mut p = plant(1);
        assert!(!permit(&mut p));
        assert_eq!(
            (p.stage, p.permitting_months_left),
            (PlantStage::Permitting, 0)
        );
        assert!(permit(&mut p));
        assert_eq!(p.stage, PlantStage::Construction);
    }
}

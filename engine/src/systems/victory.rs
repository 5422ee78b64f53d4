//! Victory: the first nation whose best lab crosses the superintelligence threshold wins; if several
//! cross in the same month, the one with the highest capability wins (ties: no winner). Then the clock
//! advances. The horizon and final scores are settled by the match runner from the same state.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;

pub fn victory(
    roster: Res<Roster>,
    mut clock: ResMut<Clock>,
    mut victory: ResMut<Victory>,
    labs: Query<(&Lab, &LabModel)>,
) {
    if victory.decided_month.is_none() {
        let mut best: Option<(f64, u16)> = None;
        let mut tied = false;
        for (lab, model) in labs.iter_many(&roster.labs).map(|row| row.expect("roster")) {
            if model.asi_month != Some(clock.month) {
                continue;
            }
            match best {
                Some((c, n)) if model.capability == c && n != lab.nation => tied = true,
                Some((c, _)) if model.capability <= c => {}
                _ => {
                    best = Some((model.capability, lab.nation));
                    tied = false;
                }
            }
        }
        if let Some((_, nation)) = best {
            victory.decided_month = Some(clock.month);
            victory.asi_winner = if tied { None } else { Some(nation) };
        }
    }
    clock.month += 1;
}

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

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    /// Lab `l` crossed the threshold in `month` at `capability`.
    fn cross(world: &mut World, l: usize, month: u32, capability: f64) {
        let e = world.resource::<Roster>().labs[l];
        let mut m = world.get_mut::<LabModel>(e).unwrap();
        m.asi_month = Some(month);
        m.capability = capability;
    }

    fn lab_of(nation: &str, nth: usize) -> usize {
        let s = scenario();
        (0..s.labs.len())
            .filter(|&l| s.labs[l].nation == nation)
            .nth(nth)
            .unwrap()
    }

    fn decided(world: &World) -> (Option<u32>, Option<u16>, u32) {
        let v = world.resource::<Victory>();
        (
            v.decided_month,
            v.asi_winner,
            world.resource::<Clock>().month,
        )
    }

    #[test]
    fn no_crossing_decides_nothing_and_the_clock_advances() {
        let mut world = world();
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (None, None, 1));
    }

    #[test]
    fn the_first_crossing_wins_and_a_later_one_changes_nothing() {
        let mut world = world();
        world.resource_mut::<Clock>().month = 7;
        cross(&mut world, lab_of("chn", 2), 7, 36.1);
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (Some(7), Some(1), 8));
        // A more capable usa lab crossing next month does not overturn it.
        cross(&mut world, lab_of("usa", 0), 8, 40.0);
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (Some(7), Some(1), 9));
    }

    #[test]
    fn in_the_same_month_the_highest_capability_wins() {
        for (usa, chn, winner) in [(36.2, 36.5, 1), (36.5, 36.2, 0)] {
            let mut world = world();
            cross(&mut world, lab_of("usa", 1), 0, usa);
            cross(&mut world, lab_of("chn", 0), 0, chn);
            // A lab that crossed below both of them does not matter.
            cross(&mut world, lab_of("usa", 2), 0, 36.0);
            world.run_system_once(victory).unwrap();
            assert_eq!(
                decided(&world),
                (Some(0), Some(winner), 1),
                "{usa} vs {chn}"
            );
        }
    }

    #[test]
    fn an_exact_tie_between_nations_decides_the_game_without_a_winner() {
        let mut world = world();
        cross(&mut world, lab_of("usa", 0), 0, 36.5);
        cross(&mut world, lab_of("chn", 0), 0, 36.5);
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (Some(0), None, 1));
        // A tie within one nation is still that nation's win.
        let mut world = self::world();
        cross(&mut world, lab_of("usa", 0), 0, 36.5);
        cross(&mut world, lab_of("usa", 1), 0, 36.5);
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (Some(0), Some(0), 1));
        // A strictly better lab breaks a tie between others.
        let mut world = self::world();
        cross(&mut world, lab_of("usa", 0), 0, 36.5);
        cross(&mut world, lab_of("chn", 0), 0, 36.5);
        cross(&mut world, lab_of("chn", 1), 0, 36.6);
        world.run_system_once(victory).unwrap();
        assert_eq!(decided(&world), (Some(0), Some(1), 1));
    }
}

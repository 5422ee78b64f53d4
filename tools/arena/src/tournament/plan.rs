//! The tournament plan: every game, its unit and its seed, as a pure function of the configuration.
//! Resume, shards and merge all rest on this: a game is known by its id in the plan, and its seed is
//! a fixed function of (tournament seed, unit), never of thread, shard or order.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How strategies meet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Format {
    /// Two-nation scenarios: every pair of strategies (itself included) plays both seat orders on
    /// the same world seed. Scenarios with more nations: balanced rotations of strategy lineups.
    RoundRobin,
    /// One focal strategy against each strategy of the field, seats rotated.
    Gauntlet { focal: String },
}

/// One planned game.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedGame {
    pub game_id: u64,
    pub unit: u64,
    /// Index into the configuration's scenarios.
    pub scenario: usize,
    /// Strategy spec per seat (scenario nation order), shared with the plan's other games.
    pub seats: Vec<Arc<str>>,
    pub seed: u64,
    /// The sampled world it plays in (`None`: the scenario's central values). All games of a world
    /// are one block of the plan, so every pairing meets the same worlds.
    pub world: Option<u32>,
}

/// SplitMix64 finaliser: a fixed, well-mixed function of its input.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The seed every game of `unit` plays with.
pub fn unit_seed(tournament_seed: u64, unit: u64) -> u64 {
    mix(mix(tournament_seed) ^ unit)
}

/// The whole plan on the scenarios' central values, collected (small plans and tests; a run walks
/// [`Plan::games`] instead). `nations[s]` is the number of nations of scenario `s`.
pub fn plan(
    nations: &[usize],
    strategies: &[String],
    format: &Format,
    seeds: u64,
    tournament_seed: u64,
) -> Vec<PlannedGame> {
    plan_worlds(nations, strategies, format, seeds, tournament_seed, None)
}

/// The whole plan with sampled worlds, collected (see [`Plan`]; a run never collects it).
pub fn plan_worlds(
    nations: &[usize],
    strategies: &[String],
    format: &Format,
    seeds: u64,
    tournament_seed: u64,
    worlds: Option<u32>,
) -> Vec<PlannedGame> {
    Plan::new(nations, strategies, format, seeds, tournament_seed, worlds)
        .games()
        .collect()
}

/// The plan of a tournament, as a description: its games are generated one at a time by
/// [`Plan::games`], in game-id order, so a plan of a million games costs no more memory than one of
/// ten. With `worlds: Some(n)`, every round is played in each of `n` sampled worlds (world-major
/// within a round, so a world's games are one block). Without worlds, the plan is the same as on the
/// central values (resumed runs keep their game ids).
#[derive(Clone, Debug)]
pub struct Plan {
    nations: Vec<usize>,
    /// One shared copy of each spec: every game holds only pointers to them.
    strategies: Vec<Arc<str>>,
    format: Format,
    seeds: u64,
    tournament_seed: u64,
    worlds: Option<u32>,
    /// Games in the plan, counted once.
    len: u64,
}

impl Plan {
    pub fn new(
        nations: &[usize],
        strategies: &[String],
        format: &Format,
        seeds: u64,
        tournament_seed: u64,
        worlds: Option<u32>,
    ) -> Plan {
        let mut plan = Plan {
            nations: nations.to_vec(),
            strategies: strategies.iter().map(|s| Arc::from(s.as_str())).collect(),
            format: format.clone(),
            seeds,
            tournament_seed,
            worlds,
            len: 0,
        };
        let per_world = u64::from(worlds.unwrap_or(1));
        let mut len = 0u64;
        for (scenario, &n) in plan.nations.iter().enumerate() {
            // A round's units depend on the round only through `round mod strategies` (lineups of
            // more than two nations rotate with it): count each distinct round once.
            let period = match plan.format {
                Format::RoundRobin if n != 2 => plan.strategies.len().max(1) as u64,
                _ => 1,
            };
            let per_round: Vec<u64> = (0..period.min(seeds))
                .map(|r| {
                    plan.round_units(scenario, r)
                        .iter()
                        .map(|u| u.len() as u64)
                        .sum()
                })
                .collect();
            for (r, games) in per_round.iter().enumerate() {
                // Rounds r, r + period, r + 2 period, ... below `seeds`.
                let rounds = (seeds - r as u64).div_ceil(period);
                len += games * rounds * per_world;
            }
        }
        plan.len = len;
        plan
    }

    /// Games in the plan.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The units of one round of `scenario`, each as its lineups (strategy spec per seat).
    fn round_units(&self, scenario: usize, round: u64) -> Vec<Vec<Vec<Arc<str>>>> {
        let n = self.nations[scenario];
        let strategies = &self.strategies;
        let mut units = Vec::new();
        match &self.format {
            Format::RoundRobin if n == 2 => {
                for i in 0..strategies.len() {
                    for j in i..strategies.len() {
                        let (a, b) = (strategies[i].clone(), strategies[j].clone());
                        units.push(if i == j {
                            vec![vec![a.clone(), b]]
                        } else {
                            vec![vec![a.clone(), b.clone()], vec![b, a]]
                        });
                    }
                }
            }
            Format::RoundRobin => {
                // Lineups of n consecutive strategies (cyclically), each unit rotating its lineup
                // through every seat; over a round every strategy leads one lineup.
                for start in 0..strategies.len() {
                    let lineup: Vec<Arc<str>> = (0..n)
                        .map(|k| {
                            strategies[(start + k + (round % strategies.len() as u64) as usize)
                                % strategies.len()]
                            .clone()
                        })
                        .collect();
                    units.push(rotations(&lineup));
                }
            }
            Format::Gauntlet { focal } => {
                let focal: Arc<str> = Arc::from(focal.as_str());
                for (i, opponent) in strategies.iter().enumerate() {
                    let mut lineup = vec![focal.clone()];
                    lineup.extend((1..n).map(|k| {
                        if k == 1 {
                            opponent.clone()
                        } else {
                            strategies[(i + k) % strategies.len()].clone()
                        }
                    }));
                    units.push(rotations(&lineup));
                }
            }
        }
        units
    }

    /// Every game of the plan, in game-id order, generated as it is asked for: one round's units at
    /// a time are held, never the plan.
    pub fn games(&self) -> impl Iterator<Item = PlannedGame> + Send + '_ {
        let world_list: Vec<Option<u32>> = match self.worlds {
            None => vec![None],
            Some(n) => (0..n).map(Some).collect(),
        };
        let world_count = world_list.len();
        let mut game_id = 0u64;
        let mut unit = 0u64;
        (0..self.nations.len())
            .flat_map(move |scenario| (0..self.seeds).map(move |round| (scenario, round)))
            .flat_map(move |(scenario, round)| {
                let units = Arc::new(self.round_units(scenario, round));
                (0..world_count).flat_map(move |w| {
                    let units = units.clone();
                    (0..units.len()).flat_map(move |u| {
                        let units = units.clone();
                        (0..units[u].len()).map(move |l| (scenario, w, u, l, units.clone()))
                    })
                })
            })
            .map(move |(scenario, w, u, l, units)| {
                // Units and ids are counted here, in plan order: a unit starts at its first lineup.
                if l == 0 && game_id > 0 {
                    unit += 1;
                }
                let seed = unit_seed(self.tournament_seed, unit);
                let game = PlannedGame {
                    game_id,
                    unit,
                    scenario,
                    seats: units[u][l].clone(),
                    seed,
                    world: world_list[w],
                };
                game_id += 1;
                game
            })
    }
}

/// The lineup rotated through every seat: seat k of rotation r plays lineup[(k + r) mod n].
fn rotations(lineup: &[Arc<str>]) -> Vec<Vec<Arc<str>>> {
    let n = lineup.len();
    let mut out: Vec<Vec<Arc<str>>> = (0..n)
        .map(|r| (0..n).map(|k| lineup[(k + r) % n].clone()).collect())
        .collect();
    // Rotations of a lineup with repeats can coincide: play each distinct one once.
    let mut seen = Vec::new();
    out.retain(|l| {
        if seen.contains(l) {
            false
        } else {
            seen.push(l.clone());
            true
        }
    });
    out
}

/// Shard `k` of `n` (1-based) plays the units with `unit % n == k − 1`: pairs stay together.
pub fn in_shard(game: &PlannedGame, shard: (u64, u64)) -> bool {
    game.unit % shard.1 == shard.0 - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(seats: &[Arc<str>]) -> Vec<String> {
        seats.iter().map(|s| s.to_string()).collect()
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn round_robin_pairs_play_both_seats_on_one_seed() {
        let games = plan(&[2], &names(&["a", "b", "c"]), &Format::RoundRobin, 2, 7);
        // Per round: 3 self-play units of 1 game + 3 pairs of 2 games = 9 games, 6 units.
        assert_eq!(games.len(), 18);
        assert_eq!(games.iter().map(|g| g.unit).max(), Some(11));
        let ab: Vec<&PlannedGame> = games.iter().filter(|g| g.unit == 1).collect();
        assert_eq!(ab.len(), 2);
        assert_eq!(
            (specs(&ab[0].seats), specs(&ab[1].seats)),
            (names(&["a", "b"]), names(&["b", "a"]))
        );
        assert_eq!(
            ab[0].seed, ab[1].seed,
            "common random numbers within a unit"
        );
        assert_ne!(games[0].seed, ab[0].seed);
        assert!(games.iter().enumerate().all(|(i, g)| g.game_id == i as u64));
    }

    #[test]
    fn with_worlds_every_pairing_meets_every_world_and_without_the_plan_is_unchanged() {
        let strategies = names(&["a", "b", "c"]);
        let plain = plan(&[2], &strategies, &Format::RoundRobin, 2, 7);
        assert_eq!(
            plain,
            plan_worlds(&[2], &strategies, &Format::RoundRobin, 2, 7, None)
        );
        assert!(plain.iter().all(|g| g.world.is_none()));
        let sampled = plan_worlds(&[2], &strategies, &Format::RoundRobin, 2, 7, Some(4));
        assert_eq!(sampled.len(), plain.len() * 4);
        for w in 0..4 {
            let mut lineups: Vec<Vec<String>> = sampled
                .iter()
                .filter(|g| g.world == Some(w))
                .map(|g| specs(&g.seats))
                .collect();
            lineups.sort();
            lineups.dedup();
            // 3 self-play games + 3 pairs × 2 seat orders, in every world.
            assert_eq!(lineups.len(), 9, "world {w}");
        }
        // A world's games are one block of the plan (within a round).
        let worlds: Vec<u32> = sampled.iter().map(|g| g.world.unwrap()).collect();
        assert!(worlds[..9].iter().all(|&w| w == 0) && worlds[9..18].iter().all(|&w| w == 1));
    }

    #[test]
    fn seeds_depend_only_on_tournament_seed_and_unit() {
        let a = plan(&[2], &names(&["a", "b"]), &Format::RoundRobin, 3, 1);
        let b = plan(&[2], &names(&["a", "b"]), &Format::RoundRobin, 3, 1);
        assert_eq!(a, b);
        let c = plan(&[2], &names(&["a", "b"]), &Format::RoundRobin, 3, 2);
        assert_ne!(a[0].seed, c[0].seed);
    }

    #[test]
    fn multi_nation_rotations_balance_seats() {
        let games = plan(
            &[3],
            &names(&["a", "b", "c", "d"]),
            &Format::RoundRobin,
            1,
            0,
        );
        for s in ["a", "b", "c", "d"] {
            for seat in 0..3 {
                let count = games.iter().filter(|g| &*g.seats[seat] == s).count();
                assert_eq!(count, 3, "{s} in seat {seat}");
            }
        }
    }

    #[test]
    fn gauntlet_puts_the_focal_strategy_in_every_game() {
        let games = plan(
            &[2],
            &names(&["a", "b"]),
            &Format::Gauntlet { focal: "f".into() },
            1,
            0,
        );
        assert!(games.iter().all(|g| g.seats.iter().any(|s| &**s == "f")));
        assert_eq!(games.len(), 4);
    }

    #[test]
    fn shards_partition_the_plan_by_unit() {
        let games = plan(&[2], &names(&["a", "b", "c"]), &Format::RoundRobin, 3, 0);
        let mut counted = 0;
        for k in 1..=4 {
            let shard: Vec<&PlannedGame> = games.iter().filter(|g| in_shard(g, (k, 4))).collect();
            counted += shard.len();
            for g in &shard {
                assert!(
                    games
                        .iter()
                        .filter(|h| h.unit == g.unit)
                        .all(|h| in_shard(h, (k, 4)))
                );
            }
        }
        assert_eq!(counted, games.len());
    }

    /// The plan as it was built before it was streamed (the whole vector at once): the reference
    /// the streamed plan must equal game for game.
    fn eager_plan(
        nations: &[usize],
        strategies: &[String],
        format: &Format,
        seeds: u64,
        tournament_seed: u64,
        worlds: Option<u32>,
    ) -> Vec<PlannedGame> {
        let world_list: Vec<Option<u32>> = match worlds {
            None => vec![None],
            Some(n) => (0..n).map(Some).collect(),
        };
        // One shared copy of each spec: a plan of 100,000 games holds only pointers to them.
        let strategies: Vec<Arc<str>> = strategies.iter().map(|s| Arc::from(s.as_str())).collect();
        let mut games = Vec::new();
        let mut unit = 0u64;
        let mut push_unit = |games: &mut Vec<PlannedGame>,
                             scenario: usize,
                             world: Option<u32>,
                             lineups: Vec<Vec<Arc<str>>>| {
            let seed = unit_seed(tournament_seed, unit);
            for seats in lineups {
                games.push(PlannedGame {
                    game_id: games.len() as u64,
                    unit,
                    scenario,
                    seats,
                    seed,
                    world,
                });
            }
            unit += 1;
        };
        for (scenario, &n) in nations.iter().enumerate() {
            for (round, &world) in (0..seeds).flat_map(|r| world_list.iter().map(move |w| (r, w))) {
                match format {
                    Format::RoundRobin if n == 2 => {
                        for i in 0..strategies.len() {
                            for j in i..strategies.len() {
                                let (a, b) = (strategies[i].clone(), strategies[j].clone());
                                let lineups = if i == j {
                                    vec![vec![a.clone(), b]]
                                } else {
                                    vec![vec![a.clone(), b.clone()], vec![b, a]]
                                };
                                push_unit(&mut games, scenario, world, lineups);
                            }
                        }
                    }
                    Format::RoundRobin => {
                        // Lineups of n consecutive strategies (cyclically), each unit rotating its lineup
                        // through every seat; over a round every strategy leads one lineup.
                        for start in 0..strategies.len() {
                            let lineup: Vec<Arc<str>> = (0..n)
                                .map(|k| {
                                    strategies[(start + k + round as usize) % strategies.len()]
                                        .clone()
                                })
                                .collect();
                            push_unit(&mut games, scenario, world, rotations(&lineup));
                        }
                    }
                    Format::Gauntlet { focal } => {
                        let focal: Arc<str> = Arc::from(focal.as_str());
                        for (i, opponent) in strategies.iter().enumerate() {
                            let mut lineup = vec![focal.clone()];
                            lineup.extend((1..n).map(|k| {
                                if k == 1 {
                                    opponent.clone()
                                } else {
                                    strategies[(i + k) % strategies.len()].clone()
                                }
                            }));
                            push_unit(&mut games, scenario, world, rotations(&lineup));
                        }
                    }
                }
            }
        }
        games
    }

    #[test]
    fn the_streamed_plan_is_the_plan_as_it_was_built_whole() {
        let strategies = names(&["a", "b", "c", "d", "e"]);
        for (nations, format, seeds, worlds) in [
            (vec![2], Format::RoundRobin, 4, None),
            (vec![2], Format::RoundRobin, 3, Some(5)),
            (vec![3, 2, 4], Format::RoundRobin, 7, Some(2)),
            (
                vec![2, 3],
                Format::Gauntlet { focal: "f".into() },
                3,
                Some(3),
            ),
            (vec![6], Format::RoundRobin, 2, None),
        ] {
            let streamed: Vec<PlannedGame> =
                Plan::new(&nations, &strategies, &format, seeds, 5, worlds)
                    .games()
                    .collect();
            assert_eq!(
                streamed,
                eager_plan(&nations, &strategies, &format, seeds, 5, worlds),
                "{nations:?} {format:?} {worlds:?}"
            );
        }
    }

    #[test]
    fn the_length_of_the_plan_is_the_number_of_its_games() {
        let strategies = names(&["a", "b", "c", "d"]);
        for (nations, format, seeds, worlds) in [
            (vec![2], Format::RoundRobin, 3, None),
            (vec![3], Format::RoundRobin, 7, None),
            (vec![3, 2], Format::RoundRobin, 5, Some(3)),
            (vec![4], Format::RoundRobin, 9, Some(2)),
            (vec![2], Format::Gauntlet { focal: "f".into() }, 2, Some(4)),
            (vec![3], Format::Gauntlet { focal: "a".into() }, 3, None),
        ] {
            let plan = Plan::new(&nations, &strategies, &format, seeds, 11, worlds);
            let games: Vec<PlannedGame> = plan.games().collect();
            assert_eq!(plan.len(), games.len() as u64, "{nations:?} {format:?}");
            assert!(games.iter().enumerate().all(|(i, g)| g.game_id == i as u64));
            // Units are consecutive, and every game of a unit shares its seed.
            assert!(games.windows(2).all(|w| w[1].unit == w[0].unit
                || (w[1].unit == w[0].unit + 1 && w[1].seed != w[0].seed)));
        }
    }

    #[test]
    fn a_plan_of_a_hundred_million_games_is_not_materialised() {
        // `--seeds 1000000` with ten strategies: 100 million games. Planning is immediate and
        // holds one round of units at a time; the games come one at a time, in id order.
        let strategies: Vec<String> = (0..10).map(|i| format!("s{i}")).collect();
        let plan = Plan::new(&[2], &strategies, &Format::RoundRobin, 1_000_000, 3, None);
        assert_eq!(plan.len(), 100_000_000);
        let first: Vec<PlannedGame> = plan.games().take(250).collect();
        assert_eq!(first[249].game_id, 249);
        assert_eq!(
            first,
            plan_worlds(&[2], &strategies, &Format::RoundRobin, 3, 3, None)[..250]
        );
        // Deep into the plan without collecting it.
        let game = plan.games().nth(234_567).expect("in the plan");
        assert_eq!(game.game_id, 234_567);
        assert_eq!(game.seed, unit_seed(3, game.unit));
        assert_eq!(std::mem::size_of_val(&plan), std::mem::size_of::<Plan>());
    }
}

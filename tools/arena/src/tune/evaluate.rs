//! Evaluating candidates: games against opponents on given world seeds, in parallel on a rayon pool
//! (one reused match per worker and scenario, as tournaments do), reduced in a fixed order so the
//! scores are bit-identical whatever the thread count.
//!
//! For each candidate, each seed, each scenario, each of the tuned strategy's seats and each
//! opponent, one game: the candidate in that seat, the opponent in every other; with sampled worlds,
//! each seed plays in the world it is given (see [`super::worlds`]). A candidate's
//! **per-seed score** is the mean of its scores over that seed's games; its score is the mean of its
//! per-seed scores.

use std::collections::HashSet;
use std::sync::Arc;

use crate::error::{Result, invalid};
use gigawatt_engine::Scenario;
use rayon::prelude::*;

use crate::tournament::plan::{PlannedGame, unit_seed};
use crate::tournament::run::{MatchCache, play_game_in};
use crate::tournament::worlds::Worlds;

/// Stage of a world seed: search generation `g` is stage `g`; these two come after any search.
pub const FINALIST_STAGE: u64 = 1 << 62;
pub const HELD_OUT_STAGE: u64 = (1 << 62) + 1;

/// World seed `index` of `stage`: a fixed function of (master seed, stage, index), like a
/// tournament's unit seeds. Every candidate of a search generation plays the same seeds (common
/// random numbers); finalists and the final report play stages the search never uses.
pub fn world_seed(master: u64, stage: u64, index: u64) -> u64 {
    unit_seed(unit_seed(master, stage), index)
}

/// `n` world seeds of `stage`, skipping any in `used` (so fresh seeds are fresh by construction, not
/// by the odds of a 64-bit collision).
pub fn fresh_seeds(master: u64, stage: u64, n: u64, used: &[u64]) -> Vec<u64> {
    let mut taken: HashSet<u64> = used.iter().copied().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while (out.len() as u64) < n {
        let seed = world_seed(master, stage, index);
        if taken.insert(seed) {
            out.push(seed);
        }
        index += 1;
    }
    out
}

/// One game's place for a candidate: scenario, seat, opponent.
#[derive(Clone, Debug)]
struct Slot {
    scenario: usize,
    seat: usize,
    opponent: Arc<str>,
}

/// Plays candidates against opponents.
pub struct Evaluator<'a> {
    pub scenarios: &'a [Arc<Scenario>],
    /// Seats the candidate plays, per scenario.
    pub seats: &'a [Vec<usize>],
    pub months: Option<u32>,
    pub pool: &'a rayon::ThreadPool,
    pub progress: &'a dyn super::run::Progress,
}

impl Evaluator<'_> {
    /// Games each candidate plays per seed against `opponents`.
    pub fn games_per_seed(&self, opponents: usize) -> usize {
        self.seats.iter().map(Vec::len).sum::<usize>() * opponents
    }

    /// Per-seed scores: `[candidate][seed]`. With `worlds`, seed `k` plays in world `worlds.1[k]`
    /// of `worlds.0` (one world per seed, the same for every candidate).
    pub fn evaluate(
        &self,
        candidates: &[String],
        opponents: &[String],
        seeds: &[u64],
        worlds: Option<(&Worlds, &[u32])>,
    ) -> Result<Vec<Vec<f64>>> {
        if let Some((_, per_seed)) = worlds
            && per_seed.len() != seeds.len()
        {
            return Err(invalid!(
                "{} worlds for {} seeds: one world per seed",
                per_seed.len(),
                seeds.len()
            ));
        }
        let mut slots = Vec::new();
        for (scenario, seats) in self.seats.iter().enumerate() {
            for &seat in seats {
                for opponent in opponents {
                    slots.push(Slot {
                        scenario,
                        seat,
                        opponent: Arc::from(opponent.as_str()),
                    });
                }
            }
        }
        let candidates: Vec<Arc<str>> = candidates.iter().map(|c| Arc::from(c.as_str())).collect();
        let per_seed = slots.len();
        let per_block = candidates.len() * per_seed;
        let total = seeds.len() * per_block;
        // Games are played seed-major (all the candidates' games on one seed, and so in one world,
        // are neighbours: a worker rebuilds its match only when the world changes); each game's
        // score is a pure function of the game, so the order of play changes nothing.
        let play = |cache: &mut MatchCache, index: usize| -> Result<f64> {
            let k = index / per_block;
            let candidate = &candidates[index % per_block / per_seed];
            let slot = &slots[index % per_seed];
            let nations = self.scenarios[slot.scenario].nations.len();
            let world = worlds.map(|(_, w)| w[k]);
            let game = PlannedGame {
                game_id: index as u64,
                unit: (index / per_seed) as u64,
                scenario: slot.scenario,
                seats: (0..nations)
                    .map(|n| {
                        if n == slot.seat {
                            candidate.clone()
                        } else {
                            slot.opponent.clone()
                        }
                    })
                    .collect(),
                seed: seeds[k],
                world,
            };
            // A cache lives within this call, so it never mixes two sets of worlds.
            let record = play_game_in(
                &game,
                self.scenarios,
                worlds.map(|(w, _)| w),
                self.months,
                cache,
            )
            .map_err(|e| {
                let place = world.map_or(String::new(), |w| format!(" in world {w}"));
                invalid!(
                    "{} against {}{place}: {}",
                    candidate,
                    slot.opponent,
                    e.message
                )
            })?;
            self.progress.games_done(1);
            Ok(record.seats[slot.seat].score)
        };
        // Local strategies (Python objects) play on this thread, the rest in parallel meanwhile.
        let local: Vec<&Arc<str>> = candidates
            .iter()
            .chain(slots.iter().map(|s| &s.opponent))
            .filter(|s| gigawatt_agents::local::is_local(s))
            .collect();
        let is_local = |index: usize| {
            !local.is_empty()
                && (local.contains(&&candidates[index % per_block / per_seed])
                    || local.contains(&&slots[index % per_seed].opponent))
        };
        let parallel = || {
            self.pool.install(|| {
                (0..total)
                    .into_par_iter()
                    .filter(|&index| !is_local(index))
                    .map_init(MatchCache::default, |cache, index| {
                        play(cache, index).map(|score| (index, score))
                    })
                    .collect::<Result<Vec<(usize, f64)>>>()
            })
        };
        let scored: Vec<(usize, f64)> = if local.is_empty() {
            parallel()?
        } else {
            std::thread::scope(|scope| -> Result<Vec<(usize, f64)>> {
                let others = scope.spawn(parallel);
                let mut cache = MatchCache::default();
                let here = (0..total)
                    .filter(|&index| is_local(index))
                    .map(|index| play(&mut cache, index).map(|score| (index, score)))
                    .collect::<Result<Vec<(usize, f64)>>>();
                let others = others
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                let mut all = here?;
                all.extend(others?);
                Ok(all)
            })?
        };
        let mut scores = vec![0.0; total];
        for (index, score) in scored {
            scores[index] = score;
        }
        // Fixed-order reduction: for each candidate and seed, its games in slot order.
        Ok((0..candidates.len())
            .map(|c| {
                (0..seeds.len())
                    .map(|k| {
                        let start = k * per_block + c * per_seed;
                        let games = &scores[start..start + per_seed];
                        games.iter().sum::<f64>() / games.len() as f64
                    })
                    .collect()
            })
            .collect())
    }
}

/// The mean of per-seed scores, summed in order.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_give_distinct_reproducible_seeds() {
        let a = world_seed(3, 0, 0);
        assert_eq!(a, world_seed(3, 0, 0));
        assert_ne!(a, world_seed(3, 1, 0));
        assert_ne!(a, world_seed(3, 0, 1));
        assert_ne!(a, world_seed(4, 0, 0));
        let used = vec![world_seed(3, HELD_OUT_STAGE, 1)];
        let fresh = fresh_seeds(3, HELD_OUT_STAGE, 3, &used);
        assert_eq!(fresh.len(), 3);
        assert!(!fresh.contains(&used[0]));
        assert_eq!(fresh[0], world_seed(3, HELD_OUT_STAGE, 0));
    }
}

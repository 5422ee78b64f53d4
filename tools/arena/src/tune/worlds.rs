//! Sampled worlds of a tuning run (`worlds: Some(N)`): which worlds are drawn, and which world every
//! evaluation game plays in.
//!
//! - **The tuning worlds**: N worlds of every scenario, drawn once by Latin hypercube from the master
//!   seed and N (as `gigawatt tournament --seed S --worlds N` draws them), written as `worlds.csv`.
//!   The search and the finalists play in them.
//! - **The held-out worlds**: one world per held-out seed, drawn afresh from the same distributions
//!   with their own seed ([`held_out_world_seed`]), written as `held_out_worlds.csv`. The final
//!   report plays only there: worlds the search and the finalists never met.
//!
//! A game's world is a pure function of its stage and its seed's position in that stage (never of
//! the candidate, the thread or the order of play), so every candidate of a generation meets the
//! same worlds on the same seeds: common random numbers across worlds as across seeds.

use std::sync::Arc;

use crate::error::{Result, invalid};
use gigawatt_engine::UncertainScenario;

use super::config::{Resolved, TuneConfig};
use super::evaluate::world_seed;
use crate::tournament::worlds::Worlds;

/// The tuning worlds' file (the tournament's name: the same columns).
pub const WORLDS_FILE: &str = crate::tournament::worlds::WORLDS_FILE;
/// The held-out worlds' file.
pub const HELD_OUT_WORLDS_FILE: &str = "held_out_worlds.csv";

/// Stage whose seed index 0 seeds the held-out worlds' Latin hypercube (the search's generations
/// are the stages below 2^62; finalists, held-out seeds and the optimiser use 2^62 + 0..=2).
const HELD_OUT_WORLDS_STAGE: u64 = (1 << 62) + 3;

/// The world that seed `index` of search generation `generation` plays in, of `worlds`:
/// `(generation · seeds + index) mod worlds`. Within a generation the seeds take consecutive
/// worlds (every candidate the same ones); from one generation to the next the block moves on, so
/// the search meets every world, evenly, whatever `seeds` is.
pub fn search_world(generation: u64, seeds: u64, index: u64, worlds: u32) -> u32 {
    let n = u64::from(worlds.max(1));
    // Reduced first: no overflow for any generation or seed count.
    (((generation % n) * (seeds % n) % n + index % n) % n) as u32
}

/// The world that finalist seed `index` plays in: `index mod worlds` (every finalist the same).
pub fn finalist_world(index: u64, worlds: u32) -> u32 {
    (index % u64::from(worlds.max(1))) as u32
}

/// The seed the held-out worlds are drawn with: a fixed function of the master seed, distinct from
/// the tuning worlds' (the master seed itself), so the held-out worlds are other worlds.
pub fn held_out_world_seed(master: u64) -> u64 {
    world_seed(master, HELD_OUT_WORLDS_STAGE, 0)
}

/// A run's sampled worlds.
pub struct TuneWorlds {
    /// N worlds drawn with the master seed: the search's and the finalists'.
    pub search: Worlds,
    /// One world per held-out seed, drawn with [`held_out_world_seed`]: the final report's.
    pub held_out: Worlds,
    /// The scenarios' distributions, as read.
    pub scenarios: Vec<Arc<UncertainScenario>>,
}

impl TuneWorlds {
    /// The worlds of `config` (`None` without `worlds`), each checked to be a valid scenario, so a
    /// bad draw stops the run before any game.
    pub fn draw(config: &TuneConfig, resolved: &Resolved) -> Result<Option<TuneWorlds>> {
        let Some(count) = config.worlds else {
            return Ok(None);
        };
        let held_out_count = u32::try_from(config.held_out_seeds).map_err(|_| {
            invalid!(
                "held_out_seeds {} is too many worlds",
                config.held_out_seeds
            )
        })?;
        let search = Worlds::sample(&resolved.uncertain, config.seed, count)?;
        let held_out = Worlds::sample(
            &resolved.uncertain,
            held_out_world_seed(config.seed),
            held_out_count,
        )?;
        for (what, worlds) in [("tuning", &search), ("held-out", &held_out)] {
            for s in 0..resolved.uncertain.len() {
                for w in 0..worlds.count {
                    worlds
                        .scenario(s, w)
                        .map_err(|e| invalid!("{what} worlds: {e}"))?;
                }
            }
        }
        Ok(Some(TuneWorlds {
            search,
            held_out,
            scenarios: resolved.uncertain.clone(),
        }))
    }

    /// The worlds of search generation `generation`'s `seeds` seeds, in seed order.
    pub fn search_worlds(&self, generation: u64, seeds: u64) -> Vec<u32> {
        (0..seeds)
            .map(|i| search_world(generation, seeds, i, self.search.count))
            .collect()
    }

    /// The worlds of `n` finalist seeds, in seed order.
    pub fn finalist_worlds(&self, n: usize) -> Vec<u32> {
        (0..n as u64)
            .map(|i| finalist_world(i, self.search.count))
            .collect()
    }

    /// The worlds of `n` held-out seeds: seed `i` in held-out world `i`, each its own.
    pub fn held_out_worlds(&self, n: usize) -> Vec<u32> {
        (0..n as u32).collect()
    }

    /// A fingerprint of every world's values (both sets): a checkpoint made under other
    /// distributions is refused.
    pub fn fingerprint(&self) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for text in [self.search.csv(), self.held_out.csv()] {
            for b in text.bytes().chain([0]) {
                hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }

    /// Where the worlds come from, one line per scenario: `us-china-2025 (22 uncertain fields in
    /// 18 dimensions)`.
    pub fn describe_distributions(&self) -> Vec<String> {
        self.scenarios
            .iter()
            .enumerate()
            .map(|(s, u)| {
                let fields = u.uncertainties.len();
                let dimensions = self.search.dimensions(s).len();
                format!(
                    "{} ({fields} uncertain field{} in {dimensions} dimension{})",
                    u.central.name,
                    if fields == 1 { "" } else { "s" },
                    if dimensions == 1 { "" } else { "s" }
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_worlds_are_a_pure_function_of_generation_and_seed_index() {
        // Four seeds, ten worlds: consecutive blocks, wrapping around.
        let worlds = |g: u64| -> Vec<u32> { (0..4).map(|i| search_world(g, 4, i, 10)).collect() };
        assert_eq!(worlds(0), vec![0, 1, 2, 3]);
        assert_eq!(worlds(1), vec![4, 5, 6, 7]);
        assert_eq!(worlds(2), vec![8, 9, 0, 1]);
        // Over enough generations every world is met equally often (5 generations × 4 seeds = 2 ×
        // 10 worlds).
        let mut met = [0u32; 10];
        for g in 0..5 {
            for w in worlds(g) {
                met[w as usize] += 1;
            }
        }
        assert_eq!(met, [2; 10]);
        // More seeds than worlds: every world in every generation, as evenly as can be.
        let mut met = [0u32; 4];
        for i in 0..10 {
            met[search_world(7, 10, i, 4) as usize] += 1;
        }
        assert_eq!(met.iter().sum::<u32>(), 10);
        assert!(met.iter().all(|&m| m == 2 || m == 3), "{met:?}");
        // Seeds a multiple of the worlds: every generation meets each world the same number of
        // times.
        for g in 0..6 {
            let mut met = [0u32; 3];
            for i in 0..6 {
                met[search_world(g, 6, i, 3) as usize] += 1;
            }
            assert_eq!(met, [2, 2, 2]);
        }
        // Huge generation and seed counts do not overflow.
        let w = search_world(u64::MAX, u64::MAX - 1, u64::MAX, 7);
        assert!(w < 7);
        let g = u64::MAX % 7;
        let s = (u64::MAX - 1) % 7;
        let i = u64::MAX % 7;
        assert_eq!(u64::from(w), (g * s + i) % 7);
        // One world: everything plays it.
        assert_eq!(search_world(12, 5, 3, 1), 0);
        assert_eq!(finalist_world(9, 1), 0);
        assert_eq!(finalist_world(9, 4), 1);
    }

    #[test]
    fn every_candidate_of_a_generation_meets_the_same_worlds() {
        // The evaluator takes one world per seed for all the candidates it is given; the worlds of
        // a generation depend on nothing but (generation, seeds, N): asking twice, or in another
        // order, gives the same list.
        let config = crate::tune::config::parse(crate::tune::config::tests::EXAMPLE)
            .map(|mut c| {
                c.worlds = Some(5);
                c
            })
            .expect("parses");
        let resolved = crate::tune::config::resolve(&config).expect("valid");
        let worlds = TuneWorlds::draw(&config, &resolved)
            .expect("draws")
            .expect("worlds set");
        let later = worlds.search_worlds(3, 2);
        let first = worlds.search_worlds(0, 2);
        assert_eq!(first, vec![0, 1]);
        assert_eq!(later, vec![1, 2]);
        assert_eq!(worlds.search_worlds(3, 2), later);
        assert_eq!(worlds.finalist_worlds(7), vec![0, 1, 2, 3, 4, 0, 1]);
        assert_eq!(worlds.held_out_worlds(4), vec![0, 1, 2, 3]);
        assert_eq!(worlds.search.count, 5);
        assert_eq!(worlds.held_out.count, config.held_out_seeds as u32);
        // The tuning worlds are the tournament's for the same seed and N.
        let tournament = Worlds::sample(&resolved.uncertain, config.seed, 5).expect("samples");
        assert_eq!(tournament.csv(), worlds.search.csv());
        // Held-out worlds are other worlds: no held-out world repeats a tuning world.
        let search = worlds.search.table(0);
        for row in worlds.held_out.table(0) {
            assert!(!search.contains(row), "{row:?} is a tuning world");
        }
        // Drawing again gives the same worlds (and fingerprint); another master seed does not.
        let again = TuneWorlds::draw(&config, &resolved).unwrap().unwrap();
        assert_eq!(again.fingerprint(), worlds.fingerprint());
        let mut other = config.clone();
        other.seed += 1;
        let other = TuneWorlds::draw(&other, &resolved).unwrap().unwrap();
        assert_ne!(other.fingerprint(), worlds.fingerprint());
        assert!(
            worlds.describe_distributions()[0].starts_with("us-china-2025 ("),
            "{:?}",
            worlds.describe_distributions()
        );
        // No worlds, nothing drawn.
        let mut none = config.clone();
        none.worlds = None;
        assert!(TuneWorlds::draw(&none, &resolved).unwrap().is_none());
    }
}

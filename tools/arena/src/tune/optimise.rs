//! The optimisers, generic over the objective: CMA-ES (the `cmaes` crate) and uniform random search,
//! both driven ask/tell in the unit box [0, 1]^d and both deterministic for a seed.
//!
//! **Driving the `cmaes` crate ask/tell.** The crate pulls: `CMAES::next` samples a generation,
//! calls the objective function on each point, in order, and updates the distribution. Its state
//! is private (it cannot be saved), but it is a pure function of its seed and the values it was
//! told. So [`CmaEs`] keeps the log of every generation told (points and fitness) and, to *ask*,
//! builds a fresh `CMAES` with the same seed, replays the log (the objective returns the logged
//! fitness, after checking the crate sampled bit-for-bit the logged point) and samples one more
//! generation, recording its points and answering with placeholders; that instance is then dropped.
//! *Tell* appends to the log. The replay costs a few microseconds per generation, so a run of G
//! generations spends O(G²) of them: nothing next to one game. The same log is what a checkpoint
//! holds, so `--resume` rebuilds the optimiser exactly, without playing a game again.
//!
//! **Box.** Points outside [0, 1]^d are evaluated at their projection onto the box, and their
//! fitness carries a penalty of `BOX_PENALTY` × the squared distance to it (so CMA-ES does not
//! drift away along a boundary).

use std::cell::RefCell;
use std::collections::VecDeque;

use cmaes::{CMAESOptions, DVector};
use gigawatt_engine::resources::{RngState, seeded_rng};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Weight of the squared distance outside the unit box added to a point's fitness.
pub const BOX_PENALTY: f64 = 1.0;

/// Random stream of the optimisers (`seeded_rng(master-derived seed, OPTIMISER_STREAM)`).
const OPTIMISER_STREAM: u64 = 7;

/// One generation as told to an optimiser: its points and their fitness (lower is better).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Told {
    pub points: Vec<Vec<f64>>,
    pub fitness: Vec<f64>,
}

/// What a checkpoint keeps of an optimiser: enough to continue it bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OptimiserState {
    /// CMA-ES: every generation told, replayed on resume.
    Cmaes { told: Vec<Told> },
    /// Random search: the position of its random stream.
    Random { rng: RngState },
}

/// An ask/tell optimiser minimising a fitness over the unit box.
pub trait Optimiser {
    /// The next generation's points (coordinates meant for [0, 1]; they may lie outside). Empty when
    /// the optimiser has stopped on its own (then [`Optimiser::stopped`] says why).
    fn ask(&mut self) -> Result<Vec<Vec<f64>>, String>;
    /// The fitness of each point of the last [`Optimiser::ask`], in order.
    fn tell(&mut self, points: Vec<Vec<f64>>, fitness: Vec<f64>);
    /// Why the optimiser stopped before its budget, if it did.
    fn stopped(&self) -> Option<&str>;
    fn state(&self) -> OptimiserState;
}

/// CMA-ES (Hansen's (μ/μ_w, λ) with rank-one, rank-μ and active updates, as the `cmaes` crate
/// implements it), started at the centre of the box.
pub struct CmaEs {
    dim: usize,
    population: usize,
    sigma: f64,
    seed: u64,
    told: Vec<Told>,
    stopped: Option<String>,
}

/// What the objective function handed to the `cmaes` crate does: replay logged values, or record
/// the points it is asked about.
#[derive(Default)]
struct Replay {
    queue: VecDeque<(Vec<f64>, f64)>,
    recorded: Vec<Vec<f64>>,
    diverged: bool,
}

impl Replay {
    fn answer(&mut self, x: &DVector<f64>) -> f64 {
        match self.queue.pop_front() {
            Some((point, value)) => {
                let same = point.len() == x.len()
                    && point
                        .iter()
                        .zip(x.iter())
                        .all(|(a, b)| a.to_bits() == b.to_bits());
                self.diverged |= !same;
                value
            }
            None => {
                self.recorded.push(x.iter().copied().collect());
                0.0
            }
        }
    }
}

impl CmaEs {
    pub fn new(dim: usize, population: usize, sigma: f64, seed: u64) -> CmaEs {
        CmaEs {
            dim,
            population,
            sigma,
            seed,
            told: Vec::new(),
            stopped: None,
        }
    }

    /// Continue from a checkpoint's log.
    pub fn with_told(mut self, told: Vec<Told>) -> CmaEs {
        self.told = told;
        self
    }
}

impl Optimiser for CmaEs {
    fn ask(&mut self) -> Result<Vec<Vec<f64>>, String> {
        if self.stopped.is_some() {
            return Ok(Vec::new());
        }
        let replay = RefCell::new(Replay::default());
        let objective = |x: &DVector<f64>| replay.borrow_mut().answer(x);
        // Only the budget ends a run: the tolerances that detect a flat or converged function are
        // off (a noisy, discrete score looks flat to them long before it is).
        let mut cma = CMAESOptions::new(vec![0.5; self.dim], self.sigma)
            .population_size(self.population)
            .seed(self.seed)
            .tol_fun(0.0)
            .tol_fun_hist(0.0)
            .tol_stagnation(usize::MAX)
            .build(objective)
            .map_err(|e| format!("cannot start CMA-ES: {e:?}"))?;
        for (g, told) in self.told.iter().enumerate() {
            {
                let mut r = replay.borrow_mut();
                r.queue = told
                    .points
                    .iter()
                    .cloned()
                    .zip(told.fitness.iter().copied())
                    .collect();
            }
            let end = cma.next();
            let r = replay.borrow();
            if r.diverged || !r.queue.is_empty() || !r.recorded.is_empty() {
                return Err(format!(
                    "CMA-ES replay diverged at generation {g}: the log does not come from this configuration"
                ));
            }
            if let Some(end) = end {
                self.stopped = Some(format!("{:?}", end.reasons));
                return Ok(Vec::new());
            }
        }
        let _ = cma.next();
        let points = std::mem::take(&mut replay.borrow_mut().recorded);
        Ok(points)
    }

    fn tell(&mut self, points: Vec<Vec<f64>>, fitness: Vec<f64>) {
        self.told.push(Told { points, fitness });
    }

    fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    fn state(&self) -> OptimiserState {
        OptimiserState::Cmaes {
            told: self.told.clone(),
        }
    }
}

/// Uniform random search in the unit box, `batch` points per generation.
pub struct RandomSearch {
    dim: usize,
    batch: usize,
    seed: u64,
    rng: ChaCha8Rng,
}

impl RandomSearch {
    pub fn new(dim: usize, batch: usize, seed: u64) -> RandomSearch {
        RandomSearch {
            dim,
            batch,
            seed,
            rng: seeded_rng(seed, OPTIMISER_STREAM),
        }
    }

    /// Continue from a checkpoint's stream position.
    pub fn with_rng(mut self, rng: &RngState) -> RandomSearch {
        self.rng = rng.restore();
        self
    }
}

impl Optimiser for RandomSearch {
    fn ask(&mut self) -> Result<Vec<Vec<f64>>, String> {
        Ok((0..self.batch)
            .map(|_| (0..self.dim).map(|_| self.rng.random::<f64>()).collect())
            .collect())
    }

    fn tell(&mut self, _points: Vec<Vec<f64>>, _fitness: Vec<f64>) {}

    fn stopped(&self) -> Option<&str> {
        None
    }

    fn state(&self) -> OptimiserState {
        OptimiserState::Random {
            rng: RngState::capture(self.seed, &self.rng),
        }
    }
}

/// The projection of `point` onto the unit box, and its squared distance to it.
pub fn project(point: &[f64]) -> (Vec<f64>, f64) {
    let mut outside = 0.0;
    let inside = point
        .iter()
        .map(|&x| {
            let c = x.clamp(0.0, 1.0);
            outside += (x - c) * (x - c);
            c
        })
        .collect();
    (inside, outside)
}

/// The fitness an optimiser is told for a point whose projection scored `score` (higher is
/// better): `−score + BOX_PENALTY × (squared distance outside the box)`.
pub fn fitness(point: &[f64], score: f64) -> f64 {
    -score + BOX_PENALTY * project(point).1
}

/// Minimise `objective` (on points of the unit box; lower is better) with `optimiser` for at most
/// `budget` evaluations, a whole generation at a time. Returns the best point (projected) and its
/// value. The loop the tuner runs, without games: for tests on functions with a known optimum.
pub fn minimise(
    optimiser: &mut dyn Optimiser,
    objective: impl Fn(&[f64]) -> f64,
    budget: usize,
) -> Result<(Vec<f64>, f64), String> {
    let mut best: Option<(Vec<f64>, f64)> = None;
    let mut spent = 0;
    while spent < budget {
        let mut points = optimiser.ask()?;
        if points.is_empty() {
            break;
        }
        points.truncate(budget - spent);
        spent += points.len();
        let values: Vec<f64> = points.iter().map(|p| objective(&project(p).0)).collect();
        let fit: Vec<f64> = points
            .iter()
            .zip(&values)
            .map(|(p, v)| fitness(p, -v))
            .collect();
        for (p, v) in points.iter().zip(&values) {
            if best.as_ref().is_none_or(|(_, b)| v < b) {
                best = Some((project(p).0, *v));
            }
        }
        optimiser.tell(points, fit);
    }
    best.ok_or_else(|| "no evaluation was made".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIMUM: [f64; 4] = [0.3, 0.72, 0.55, 0.18];

    fn sphere(x: &[f64]) -> f64 {
        x.iter().zip(OPTIMUM).map(|(a, b)| (a - b) * (a - b)).sum()
    }

    fn distance(x: &[f64]) -> f64 {
        sphere(x).sqrt()
    }

    #[test]
    fn cmaes_converges_on_a_shifted_sphere_and_random_search_does_not() {
        let budget = 600;
        let mut cma = CmaEs::new(4, 8, 0.3, 11);
        let (x, value) = minimise(&mut cma, sphere, budget).expect("runs");
        assert!(
            distance(&x) < 1e-3,
            "CMA-ES ends at {x:?}, {} from the optimum",
            distance(&x)
        );
        assert!(cma.stopped().is_none());
        let mut random = RandomSearch::new(4, 8, 11);
        let (y, random_value) = minimise(&mut random, sphere, budget).expect("runs");
        assert!(
            random_value > 100.0 * value && distance(&y) > 1e-2,
            "random search: {random_value} at {y:?}; CMA-ES: {value}"
        );
    }

    #[test]
    fn cmaes_is_deterministic_and_resumes_from_its_log() {
        let run = |generations: usize| {
            let mut cma = CmaEs::new(3, 6, 0.3, 5);
            minimise(&mut cma, sphere, generations * 6).expect("runs");
            cma
        };
        let whole = run(10);
        let OptimiserState::Cmaes { told } = run(4).state() else {
            panic!("cmaes state")
        };
        // Continue the 4-generation run from its log for 6 more generations.
        let mut resumed = CmaEs::new(3, 6, 0.3, 5).with_told(told);
        minimise(&mut resumed, sphere, 36).expect("runs");
        assert_eq!(resumed.state(), whole.state());
        // A log from another seed is refused rather than silently followed.
        let OptimiserState::Cmaes { told } = whole.state() else {
            panic!()
        };
        let mut other = CmaEs::new(3, 6, 0.3, 6).with_told(told);
        assert!(other.ask().unwrap_err().contains("diverged"));
    }

    #[test]
    fn random_search_resumes_from_its_stream_position() {
        let mut a = RandomSearch::new(2, 3, 9);
        a.ask().unwrap();
        let OptimiserState::Random { rng } = a.state() else {
            panic!()
        };
        let mut b = RandomSearch::new(2, 3, 9).with_rng(&rng);
        assert_eq!(a.ask().unwrap(), b.ask().unwrap());
    }

    #[test]
    fn points_outside_the_box_are_projected_and_penalised() {
        let (inside, outside) = project(&[-0.5, 0.5, 1.25]);
        assert_eq!(inside, vec![0.0, 0.5, 1.0]);
        assert_eq!(outside, 0.25 + 0.0625);
        assert_eq!(fitness(&[0.5, 0.5], 0.75), -0.75);
        assert!(fitness(&[1.5, 0.5], 0.75) > -0.75);
    }
}

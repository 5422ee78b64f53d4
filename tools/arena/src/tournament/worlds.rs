//! Sampled worlds of a run: each scenario's distributions drawn by Latin hypercube from the run's
//! (seed, worlds), once, and written as `worlds.csv` (one row per world: `world`, then one column
//! per uncertain field named by its path in the scenario file; with several scenarios a `scenario`
//! column follows `world` and each scenario has its rows).

use std::path::Path;
use std::sync::Arc;

use crate::error::{Result, bail, invalid};
use gigawatt_engine::{Scenario, UncertainScenario};

pub const WORLDS_FILE: &str = "worlds.csv";

/// Every world's values for every scenario of a run.
pub struct Worlds {
    pub count: u32,
    pub seed: u64,
    scenarios: Vec<(Arc<UncertainScenario>, Vec<Vec<f64>>)>,
}

impl Worlds {
    /// Draw `count` worlds of each scenario with `seed`.
    pub fn sample(scenarios: &[Arc<UncertainScenario>], seed: u64, count: u32) -> Result<Worlds> {
        let mut out = Vec::with_capacity(scenarios.len());
        for u in scenarios {
            if u.is_certain() {
                bail!(
                    "scenario `{}` declares no distributions, so its worlds would all be the same; \
                     write some of its numbers as distributions (see docs/uncertainty.md) or drop \
                     --worlds",
                    u.central.name
                );
            }
            let table = u.sample_all(seed, count).map_err(crate::Error::Invalid)?;
            out.push((u.clone(), table));
        }
        Ok(Worlds {
            count,
            seed,
            scenarios: out,
        })
    }

    /// Scenario `scenario` in world `world`.
    pub fn scenario(&self, scenario: usize, world: u32) -> Result<Scenario> {
        let (u, table) = self
            .scenarios
            .get(scenario)
            .ok_or_else(|| invalid!("no scenario {scenario}"))?;
        let values = table
            .get(world as usize)
            .ok_or_else(|| invalid!("world {world} is not one of the run's {}", self.count))?;
        u.with_values(values).map_err(|e| {
            invalid!(
                "scenario `{}`, world {world} of {} (seed {}) is not valid: {e}",
                u.central.name,
                self.count,
                self.seed
            )
        })
    }

    /// Uncertain field paths of scenario `scenario`, in file order.
    pub fn paths(&self, scenario: usize) -> Vec<&str> {
        self.scenarios[scenario]
            .0
            .uncertainties
            .iter()
            .map(|u| u.path.as_str())
            .collect()
    }

    /// The independent dimensions of scenario `scenario`: (name, column in [`Worlds::table`]) for
    /// each field without a factor (named by its path) and each factor (named `factor:NAME`,
    /// represented by its first field, whose values stand for the factor's).
    pub fn dimensions(&self, scenario: usize) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for (column, u) in self.scenarios[scenario].0.uncertainties.iter().enumerate() {
            let name = match &u.factor {
                Some((factor, _)) => format!("factor:{factor}"),
                None => u.path.clone(),
            };
            if !out.iter().any(|(n, _)| *n == name) {
                out.push((name, column));
            }
        }
        out
    }

    /// World values of scenario `scenario`, a row per world (columns as [`Worlds::paths`]).
    pub fn table(&self, scenario: usize) -> &[Vec<f64>] {
        &self.scenarios[scenario].1
    }

    /// The text of `worlds.csv`.
    pub fn csv(&self) -> String {
        let several = self.scenarios.len() > 1;
        let mut paths: Vec<&str> = Vec::new();
        for s in 0..self.scenarios.len() {
            for p in self.paths(s) {
                if !paths.contains(&p) {
                    paths.push(p);
                }
            }
        }
        let mut w = crate::data::record_writer(Vec::new());
        let mut header = vec!["world"];
        if several {
            header.push("scenario");
        }
        header.extend(paths.iter().copied());
        // Writing into memory cannot fail.
        w.write_record(&header).expect("CSV in memory");
        for (s, (u, table)) in self.scenarios.iter().enumerate() {
            let mine = self.paths(s);
            for (world, row) in table.iter().enumerate() {
                let mut record = vec![world.to_string()];
                if several {
                    record.push(u.central.name.clone());
                }
                for p in &paths {
                    // Round-trip form: the file reproduces the world exactly.
                    record.push(match mine.iter().position(|m| m == p) {
                        Some(i) => format!("{:?}", row[i]),
                        None => String::new(),
                    });
                }
                w.write_record(&record).expect("CSV in memory");
            }
        }
        crate::data::into_text(w).expect("CSV in memory")
    }

    /// Write `worlds.csv` into `dir` (whole: a temporary file renamed over it).
    pub fn write(&self, dir: &Path) -> Result<()> {
        crate::data::write_atomic(&dir.join(WORLDS_FILE), &self.csv())
    }
}

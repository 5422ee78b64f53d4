//! Robustness of strategies across sampled worlds: how well each does on average and in bad
//! worlds, how much it can lose against the best choice for the world (Savage's regret), and how
//! often it is good enough (satisficing), the measures of robust decision making (Lempert, Popper
//! & Bankes 2003).
//!
//! # Definitions
//!
//! The input is a list of (world, strategy, score) records; scores are any real numbers (a seat
//! score in [0, 1], a win flag, a margin). Several games of one strategy in one world are first
//! averaged: s̄(w, σ) = the mean score of σ's games in world w. Then, for each strategy σ over the
//! set W_σ of worlds it is assessed in:
//!
//! - mean = (1/|W_σ|) Σ_{w∈W_σ} s̄(w, σ); p10, p50, p90: quantiles of s̄(·, σ) over W_σ (linear
//!   between order statistics, type 7, numpy's default);
//! - regret(w, σ) = max_{σ'} s̄(w, σ') − s̄(w, σ) ≥ 0, the best score any strategy got in w minus
//!   σ's; max regret = max_{w∈W_σ} regret(w, σ) (Savage's minimax-regret criterion ranks
//!   strategies by it, lowest first); mean regret = its mean over W_σ. A strategy that is best in
//!   every world has max regret 0;
//! - satisficing share = |{w ∈ W_σ : s̄(w, σ) ≥ threshold}| / |W_σ|, the share of worlds in which σ meets
//!   the caller's threshold.
//!
//! # Strategies missing from a world
//!
//! Regret compares strategies within a world, so a world where some strategy never played is
//! handled by an explicit [`MissingPolicy`]:
//!
//! - [`MissingPolicy::Reject`] (the default): an error names the first such (world, strategy);
//! - [`MissingPolicy::DropIncompleteWorlds`]: only worlds where every strategy played are
//!   analysed (W_σ is the same for all; the dropped worlds are listed in the report);
//! - [`MissingPolicy::UseAvailable`]: each strategy is assessed over the worlds it played
//!   (W_σ differ), and regret is against the best of the strategies present in that world, so it
//!   understates regret where strong strategies are missing.
//!
//! Strategies are reported by name in ascending order. The order of the records never matters:
//! the scores of each (world, strategy) are summed in sorted order, so any permutation of the
//! input gives bit-identical results.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::quantile_sorted;

/// One game's (or one aggregate's) score of `strategy` in `world`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record<'a> {
    pub world: u64,
    pub strategy: &'a str,
    pub score: f64,
}

/// What to do when a strategy has no record in a world (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    #[default]
    Reject,
    DropIncompleteWorlds,
    UseAvailable,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RobustnessOptions {
    /// A world satisfices for a strategy when its mean score there is ≥ this.
    pub satisficing_threshold: f64,
    pub missing: MissingPolicy,
}

/// The robustness measures of one strategy.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyRobustness {
    pub strategy: String,
    /// Worlds it was assessed in (|W_σ|).
    pub worlds: usize,
    /// Records (games) behind those worlds' means.
    pub games: usize,
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub max_regret: f64,
    pub mean_regret: f64,
    /// Share of its worlds with mean score ≥ the threshold.
    pub satisficing_share: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RobustnessReport {
    pub satisficing_threshold: f64,
    pub missing: MissingPolicy,
    /// Worlds analysed (in at least one W_σ).
    pub worlds: usize,
    /// Worlds left out under [`MissingPolicy::DropIncompleteWorlds`], ascending.
    pub dropped_worlds: Vec<u64>,
    /// By strategy name, ascending.
    pub strategies: Vec<StrategyRobustness>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RobustnessError {
    #[error("no records: robustness needs at least one (world, strategy, score)")]
    NoRecords,
    #[error("the score of `{strategy}` in world {world} is not a finite number ({score})")]
    NonFiniteScore {
        world: u64,
        strategy: String,
        score: f64,
    },
    #[error("the satisficing threshold {0} is not a finite number")]
    BadThreshold(f64),
    #[error(
        "strategy `{strategy}` has no record in world {world} (choose how to treat missing strategies)"
    )]
    MissingStrategy { world: u64, strategy: String },
    #[error("none of the {worlds} worlds has a record of every strategy")]
    NoCompleteWorld { worlds: usize },
}

/// Mean, quantiles, regret and satisficing share of every strategy in `records`.
pub fn summarize(
    records: &[Record<'_>],
    options: &RobustnessOptions,
) -> Result<RobustnessReport, RobustnessError> {
    let threshold = options.satisficing_threshold;
    if !threshold.is_finite() {
        return Err(RobustnessError::BadThreshold(threshold));
    }
    if records.is_empty() {
        return Err(RobustnessError::NoRecords);
    }
    if let Some(r) = records.iter().find(|r| !r.score.is_finite()) {
        return Err(RobustnessError::NonFiniteScore {
            world: r.world,
            strategy: r.strategy.to_string(),
            score: r.score,
        });
    }

    // Scores of every (world, strategy) cell.
    let mut cells: BTreeMap<u64, BTreeMap<&str, Vec<f64>>> = BTreeMap::new();
    for r in records {
        cells
            .entry(r.world)
            .or_default()
            .entry(r.strategy)
            .or_default()
            .push(r.score);
    }
    let means = cells
        .into_iter()
        .map(|(world, cell)| {
            let cell = cell
                .into_iter()
                .map(|(s, mut scores)| (s, CellMean::of(&mut scores)))
                .collect();
            (world, cell)
        })
        .collect();
    summarize_means(means, options)
}

/// The mean score of one strategy in one world, over its games there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellMean {
    pub mean: f64,
    pub games: usize,
}

impl CellMean {
    /// The mean of `scores`, summed in sorted order (so independent of their order); sorts them.
    pub fn of(scores: &mut [f64]) -> CellMean {
        // Summing in sorted order makes the mean independent of the records' order.
        scores.sort_by(f64::total_cmp);
        CellMean {
            mean: scores.iter().sum::<f64>() / scores.len() as f64,
            games: scores.len(),
        }
    }
}

/// [`summarize`] from the cells' means (`world → strategy → mean`), for callers that average each
/// world's games as they go rather than hold every record. Scores must be finite.
pub fn summarize_means(
    mut cells: BTreeMap<u64, BTreeMap<&str, CellMean>>,
    options: &RobustnessOptions,
) -> Result<RobustnessReport, RobustnessError> {
    let threshold = options.satisficing_threshold;
    if !threshold.is_finite() {
        return Err(RobustnessError::BadThreshold(threshold));
    }
    if cells.is_empty() {
        return Err(RobustnessError::NoRecords);
    }
    let strategies: BTreeSet<&str> = cells.values().flat_map(|c| c.keys().copied()).collect();
    let all_worlds = cells.len();

    let mut dropped_worlds = Vec::new();
    match options.missing {
        MissingPolicy::Reject => {
            for (&world, cell) in &cells {
                if let Some(s) = strategies.iter().find(|s| !cell.contains_key(*s)) {
                    return Err(RobustnessError::MissingStrategy {
                        world,
                        strategy: s.to_string(),
                    });
                }
            }
        }
        MissingPolicy::DropIncompleteWorlds => {
            cells.retain(|&world, cell| {
                let complete = cell.len() == strategies.len();
                if !complete {
                    dropped_worlds.push(world);
                }
                complete
            });
            if cells.is_empty() {
                return Err(RobustnessError::NoCompleteWorld { worlds: all_worlds });
            }
        }
        MissingPolicy::UseAvailable => {}
    }

    // Per strategy: (mean score, regret, games) in each of its worlds.
    let mut per_strategy: BTreeMap<&str, Vec<(f64, f64, usize)>> = BTreeMap::new();
    for cell in cells.values() {
        let means: Vec<(&str, f64, usize)> =
            cell.iter().map(|(&s, m)| (s, m.mean, m.games)).collect();
        let best = means.iter().map(|m| m.1).fold(f64::NEG_INFINITY, f64::max);
        for (s, mean, games) in means {
            per_strategy
                .entry(s)
                .or_default()
                .push((mean, best - mean, games));
        }
    }

    let strategies = per_strategy
        .into_iter()
        .map(|(name, worlds)| {
            let count = worlds.len() as f64;
            let mut scores: Vec<f64> = worlds.iter().map(|w| w.0).collect();
            let mean = scores.iter().sum::<f64>() / count;
            scores.sort_by(f64::total_cmp);
            StrategyRobustness {
                strategy: name.to_string(),
                worlds: worlds.len(),
                games: worlds.iter().map(|w| w.2).sum(),
                mean,
                p10: quantile_sorted(&scores, 0.1),
                p50: quantile_sorted(&scores, 0.5),
                p90: quantile_sorted(&scores, 0.9),
                max_regret: worlds.iter().map(|w| w.1).fold(0.0, f64::max),
                mean_regret: worlds.iter().map(|w| w.1).sum::<f64>() / count,
                satisficing_share: scores.iter().filter(|&&s| s >= threshold).count() as f64
                    / count,
            }
        })
        .collect();
    Ok(RobustnessReport {
        satisficing_threshold: threshold,
        missing: options.missing,
        worlds: cells.len(),
        dropped_worlds,
        strategies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_engine::resources::seeded_rng;
    use rand::RngExt;

    fn options(threshold: f64, missing: MissingPolicy) -> RobustnessOptions {
        RobustnessOptions {
            satisficing_threshold: threshold,
            missing,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    /// Three worlds, three strategies; "a" plays world 1 twice, "c" world 2 three times.
    fn table() -> Vec<Record<'static>> {
        let rows: [(u64, &str, f64); 12] = [
            (1, "a", 0.6),
            (1, "a", 0.8),
            (1, "b", 0.5),
            (1, "c", 0.2),
            (2, "a", 0.3),
            (2, "b", 0.9),
            (2, "c", 0.1),
            (2, "c", 0.4),
            (2, "c", 0.7),
            (3, "a", 0.5),
            (3, "b", 0.4),
            (3, "c", 0.45),
        ];
        rows.iter()
            .map(|&(world, strategy, score)| Record {
                world,
                strategy,
                score,
            })
            .collect()
    }

    #[test]
    fn hand_checked_table() {
        // Per-world means, written out by hand from `table()`: rows a, b, c; columns worlds 1–3.
        let means = [
            [(0.6 + 0.8) / 2.0, 0.3, 0.5],
            [0.5, 0.9, 0.4],
            [0.2, (0.1 + 0.4 + 0.7) / 3.0, 0.45],
        ];
        let games = [4, 3, 5];
        let threshold = 0.45;
        let report = summarize(&table(), &options(threshold, MissingPolicy::Reject)).unwrap();
        assert_eq!(report.worlds, 3);
        let names: Vec<&str> = report
            .strategies
            .iter()
            .map(|s| s.strategy.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        for (i, s) in report.strategies.iter().enumerate() {
            let m = means[i];
            let best: Vec<f64> = (0..3)
                .map(|w| means.iter().map(|row| row[w]).fold(f64::MIN, f64::max))
                .collect();
            let regret: Vec<f64> = (0..3).map(|w| best[w] - m[w]).collect();
            let mut sorted = m;
            sorted.sort_by(f64::total_cmp);
            // Type 7 on three values: position 2p, e.g. p10 = s₀ + 0.2·(s₁ − s₀).
            let q = |p: f64| {
                let h = 2.0 * p;
                let lo = h.floor() as usize;
                sorted[lo] + (h - lo as f64) * (sorted[(lo + 1).min(2)] - sorted[lo])
            };
            assert_eq!((s.worlds, s.games), (3, games[i]));
            assert!(close(s.mean, m.iter().sum::<f64>() / 3.0), "{s:?}");
            assert!(close(s.p10, q(0.1)) && close(s.p50, q(0.5)) && close(s.p90, q(0.9)));
            assert!(close(
                s.max_regret,
                regret.iter().copied().fold(0.0, f64::max)
            ));
            assert!(close(s.mean_regret, regret.iter().sum::<f64>() / 3.0));
            let met = m.iter().filter(|&&v| v >= threshold).count();
            assert!(close(s.satisficing_share, met as f64 / 3.0), "{s:?}");
        }
        // Spot checks: "a" is best in worlds 1 and 3 and 0.6 behind "b" in world 2.
        let a = &report.strategies[0];
        assert!(close(a.max_regret, 0.6) && close(a.mean_regret, 0.2));
        // "c" meets 0.45 in world 3 only (its world-2 mean is 0.4).
        assert!(close(report.strategies[2].satisficing_share, 1.0 / 3.0));
    }

    #[test]
    fn regret_is_never_negative_and_a_dominant_strategy_has_none() {
        let mut rng = seeded_rng(7, 0);
        let names = ["s0", "s1", "s2", "s3"];
        let mut records = Vec::new();
        for world in 0..200u64 {
            let mut best = f64::NEG_INFINITY;
            for name in &names[1..] {
                for _ in 0..rng.random_range(1..4u32) {
                    let score: f64 = rng.random();
                    best = best.max(score);
                    records.push(Record {
                        world,
                        strategy: name,
                        score,
                    });
                }
            }
            // s0 beats every game of every other strategy in this world.
            records.push(Record {
                world,
                strategy: "s0",
                score: best + rng.random::<f64>(),
            });
        }
        let report = summarize(&records, &options(0.5, MissingPolicy::Reject)).unwrap();
        for s in &report.strategies {
            assert!(s.max_regret >= 0.0 && s.mean_regret >= 0.0, "{s:?}");
            assert!(s.mean_regret <= s.max_regret);
            assert!(s.p10 <= s.p50 && s.p50 <= s.p90);
            assert!((0.0..=1.0).contains(&s.satisficing_share));
        }
        assert_eq!(report.strategies[0].strategy, "s0");
        assert_eq!(report.strategies[0].max_regret, 0.0);
        assert!(report.strategies[1..].iter().all(|s| s.max_regret > 0.0));
    }

    #[test]
    fn the_order_of_the_records_does_not_matter() {
        let mut records = table();
        let first = summarize(&records, &options(0.5, MissingPolicy::Reject)).unwrap();
        records.reverse();
        records.swap(0, 5);
        let second = summarize(&records, &options(0.5, MissingPolicy::Reject)).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn missing_strategies_are_handled_as_asked() {
        // "c" did not play world 3.
        let records: Vec<Record> = table()
            .into_iter()
            .filter(|r| !(r.world == 3 && r.strategy == "c"))
            .collect();
        assert_eq!(
            summarize(&records, &options(0.5, MissingPolicy::Reject)),
            Err(RobustnessError::MissingStrategy {
                world: 3,
                strategy: "c".to_string()
            })
        );
        let dropped = summarize(&records, &options(0.5, MissingPolicy::DropIncompleteWorlds));
        let dropped = dropped.unwrap();
        assert_eq!(
            (dropped.worlds, dropped.dropped_worlds.clone()),
            (2, vec![3])
        );
        assert!(dropped.strategies.iter().all(|s| s.worlds == 2));
        // World 3 gone: "a" is 0.6 behind "b" in world 2 and best in world 1.
        assert!(close(dropped.strategies[0].mean_regret, 0.3));
        let available = summarize(&records, &options(0.5, MissingPolicy::UseAvailable)).unwrap();
        let worlds: Vec<usize> = available.strategies.iter().map(|s| s.worlds).collect();
        assert_eq!((available.worlds, worlds), (3, vec![3, 3, 2]));
        // In world 3 the best present is "a" (0.5): "b" regrets 0.1 there.
        let b = &available.strategies[1];
        assert!(close(b.mean_regret, (0.2 + 0.0 + 0.1) / 3.0), "{b:?}");

        let disjoint = [
            Record {
                world: 1,
                strategy: "a",
                score: 1.0,
            },
            Record {
                world: 2,
                strategy: "b",
                score: 0.0,
            },
        ];
        assert_eq!(
            summarize(
                &disjoint,
                &options(0.5, MissingPolicy::DropIncompleteWorlds)
            ),
            Err(RobustnessError::NoCompleteWorld { worlds: 2 })
        );
    }

    #[test]
    fn bad_input_gives_typed_errors() {
        let opts = options(0.5, MissingPolicy::Reject);
        assert_eq!(summarize(&[], &opts), Err(RobustnessError::NoRecords));
        let nan = [Record {
            world: 4,
            strategy: "x",
            score: f64::NAN,
        }];
        assert!(matches!(
            summarize(&nan, &opts),
            Err(RobustnessError::NonFiniteScore { world: 4, .. })
        ));
        assert!(matches!(
            summarize(&table(), &options(f64::NAN, MissingPolicy::Reject)),
            Err(RobustnessError::BadThreshold(_))
        ));
        // One record is enough: no regret, satisficing by the threshold.
        let one = [Record {
            world: 0,
            strategy: "only",
            score: 0.7,
        }];
        let report = summarize(&one, &opts).unwrap();
        let s = &report.strategies[0];
        assert_eq!(
            (s.mean, s.p10, s.p90, s.max_regret, s.satisficing_share),
            (0.7, 0.7, 0.7, 0.0, 1.0)
        );
    }

    #[test]
    fn report_serializes() {
        let report = summarize(&table(), &options(0.5, MissingPolicy::Reject)).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["missing"], "reject");
        assert_eq!(json["strategies"][1]["strategy"], "b");
        assert!(json["strategies"][0]["max_regret"].is_number());
    }
}

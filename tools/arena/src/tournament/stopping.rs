//! Adaptive stopping: end a tournament as soon as its answer is clear, as fastchess does with SPRT.
//!
//! - `--until-ci-width W` ([`StopRule::CiWidth`]): stop once every strategy's 95% interval of its
//!   mean score is narrower than `W`.
//! - `--sprt ELO0,ELO1,ALPHA,BETA` ([`StopRule::Sprt`]): a head-to-head of two strategies, stopped
//!   by a sequential probability ratio test of `H0: elo = ELO0` against `H1: elo = ELO1` (logistic
//!   Elo of the first strategy against the second), with error rates `ALPHA` and `BETA`.
//!
//! Both are deterministic: the rule is checked only at fixed batch boundaries in game-id order
//! (every [`batch`] games, one round of the plan: every pairing on one more seed), on the games
//! before the boundary, so the stopping point depends neither on threads nor on interruptions; a
//! run stopped by its rule writes no game beyond the boundary, and running it again finds the same
//! decision in its games and plays nothing. The decision is written as `stopping.json`.
//!
//! **The interval** of the width rule is Student's over units (a strategy's seats in a unit, the
//! seat-rotated games on one seed, averaged first): `mean ± t(units − 1) sd / √units`, so a rule
//! cannot stop on the spuriously narrow interval of two or three units. It needs no resampling at
//! every check; the standings still report the bootstrap interval, which it approximates.
//!
//! **The SPRT** is the generalised SPRT with the normal approximation (Van den Bergh's GSPRT, as in
//! fishtest and fastchess) on pairs: each unit is a pair of games on one seed with the seats
//! swapped, and a pair scores the mean of its two games for the first strategy. By default a game
//! counts its result, 1 for a win, ½ when nobody won, 0 for a loss, so a pair scores 0, ¼, ½, ¾ or 1
//! (**pentanomial**, as fastchess); with `,score` (`--sprt 0,10,0.05,0.05,score`) it counts its
//! score in [0, 1] instead, which still tells strategies apart when the seat decides every result
//! (the default scenario's first seat wins most games whoever plays it: result pairs are then all
//! one win and one loss, with no variance and no information). With `N` pairs of mean `μ` and
//! variance `σ²`, and `s = 1 / (1 + 10^(−elo/400))` the expected score at an Elo difference,
//! `LLR = N (s1 − s0)(2μ − s0 − s1) / (2σ²)` (0 while `σ² = 0`); the test accepts H1 when
//! `LLR ≥ ln((1 − β)/α)` and H0 when `LLR ≤ ln(β/(1 − α))`. Pairs keep the seat advantage out of
//! the variance, which counts of single games (trinomial) would not.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::drilldown::ScoreTally;
use super::record::GameRecord;
use super::store::{GAMES_FILE, for_each_game_by_id};
use super::{Format, TournamentConfig};
use crate::error::{Result, invalid};

pub const STOPPING_FILE: &str = "stopping.json";

/// When a tournament may stop before its plan is played.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum StopRule {
    /// Every strategy's 95% interval narrower than `width` (score units).
    CiWidth { width: f64 },
    /// SPRT of the first strategy against the second: `H0: elo = elo0` vs `H1: elo = elo1`.
    Sprt {
        elo0: f64,
        elo1: f64,
        alpha: f64,
        beta: f64,
        /// What a game counts for: its result (pentanomial pairs) or its score.
        #[serde(default)]
        outcome: SprtOutcome,
    },
}

/// What each game of an SPRT pair counts for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SprtOutcome {
    /// The result: 1 for a win, ½ when nobody won, 0 for a loss; a pair then scores 0, ¼, ½, ¾ or
    /// 1 (pentanomial, as fastchess).
    #[default]
    Pentanomial,
    /// The game's score in [0, 1] (what the standings rank by): informative when the seat decides
    /// nearly every result, so that result pairs are all one win and one loss.
    Score,
}

impl StopRule {
    /// `--until-ci-width W`.
    pub fn ci_width(text: &str) -> Result<StopRule> {
        let width: f64 = text
            .trim()
            .parse()
            .map_err(|_| invalid!("--until-ci-width {text}: not a number"))?;
        if !(width > 0.0 && width <= 1.0) {
            return Err(invalid!(
                "--until-ci-width {text}: the width is in score units, above 0 and at most 1"
            ));
        }
        Ok(StopRule::CiWidth { width })
    }

    /// `--sprt ELO0,ELO1,ALPHA,BETA[,pentanomial|score]`, e.g. `0,10,0.05,0.05`.
    pub fn sprt(text: &str) -> Result<StopRule> {
        let mut parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let outcome = match parts.get(4).copied() {
            None => SprtOutcome::Pentanomial,
            Some("pentanomial" | "wdl") => SprtOutcome::Pentanomial,
            Some("score") => SprtOutcome::Score,
            Some(other) => {
                return Err(invalid!(
                    "--sprt {text}: the fifth field is `pentanomial` (game results, the default) \
                     or `score` (game scores), not `{other}`"
                ));
            }
        };
        parts.truncate(4);
        let numbers: Option<Vec<f64>> = parts.iter().map(|p| p.parse().ok()).collect();
        let Some([elo0, elo1, alpha, beta]) = numbers
            .as_deref()
            .and_then(|n| <[f64; 4]>::try_from(n).ok())
        else {
            return Err(invalid!(
                "--sprt {text}: expected ELO0,ELO1,ALPHA,BETA, four numbers, e.g. 0,10,0.05,0.05"
            ));
        };
        if !(elo0.is_finite() && elo1.is_finite() && elo0 < elo1) {
            return Err(invalid!("--sprt {text}: ELO0 must be below ELO1"));
        }
        for (name, p) in [("ALPHA", alpha), ("BETA", beta)] {
            if !(p > 0.0 && p < 0.5) {
                return Err(invalid!(
                    "--sprt {text}: {name} is an error rate, above 0 and below 0.5"
                ));
            }
        }
        Ok(StopRule::Sprt {
            elo0,
            elo1,
            alpha,
            beta,
            outcome,
        })
    }

    /// The rule in words, for the standings and the report.
    pub fn describe(&self) -> String {
        match self {
            StopRule::CiWidth { width } => {
                format!("stop when every strategy's 95% interval is narrower than {width}")
            }
            StopRule::Sprt {
                elo0,
                elo1,
                alpha,
                beta,
                outcome,
            } => format!(
                "SPRT of elo {elo0} against {elo1} (α = {alpha}, β = {beta}) on {}",
                match outcome {
                    SprtOutcome::Pentanomial => "pentanomial pairs of game results",
                    SprtOutcome::Score => "pairs of game scores",
                }
            ),
        }
    }
}

/// Refuse a configuration the rule cannot be applied to, saying why.
pub fn check(config: &TournamentConfig, nations: &[usize]) -> Result<()> {
    let Some(rule) = &config.stop else {
        return Ok(());
    };
    if config.shard.is_some() {
        return Err(invalid!(
            "a stopping rule needs every game in one folder, in game order: it cannot be sharded \
             (drop --shard, or the rule)"
        ));
    }
    if config.scenarios.len() != 1 {
        return Err(invalid!(
            "a stopping rule works on one scenario (the plan plays scenarios one after the other, \
             so stopping early would never reach the later ones)"
        ));
    }
    if let StopRule::Sprt { .. } = rule {
        if sprt_pair(config).is_none() {
            return Err(invalid!(
                "--sprt needs exactly two strategies: a head-to-head"
            ));
        }
        if nations.first() != Some(&2) {
            return Err(invalid!(
                "--sprt needs a two-nation scenario (pairs of games with the seats swapped)"
            ));
        }
    }
    Ok(())
}

/// The two strategies of an SPRT, the tested one first: a gauntlet's focal strategy and its one
/// opponent, or a round robin's two strategies in order.
fn sprt_pair(config: &TournamentConfig) -> Option<(String, String)> {
    let mut all: Vec<String> = Vec::new();
    if let Format::Gauntlet { focal } = &config.format {
        all.push(focal.clone());
    }
    for s in &config.strategies {
        if !all.contains(s) {
            all.push(s.clone());
        }
    }
    match all.as_slice() {
        [a, b] => Some((a.clone(), b.clone())),
        _ => None,
    }
}

/// Games between checks: one round of the plan (`planned / seeds`, every pairing on one more seed
/// and in every world), at least 1.
pub fn batch(config: &TournamentConfig, planned: u64) -> u64 {
    (planned / config.seeds.max(1)).max(1)
}

/// Why a run stopped early: the rule, the games it was decided on, and the statistic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StopDecision {
    /// The rule, in words.
    pub rule: String,
    /// Games played when it was decided (a batch boundary).
    pub games: u64,
    /// Games in the plan.
    pub planned: u64,
    /// `ci-width`, `accept-h0` or `accept-h1`.
    pub outcome: String,
    /// What was measured: the widest interval, or the log-likelihood ratio.
    pub statistic: f64,
    /// The threshold it crossed (the width; the SPRT bound).
    pub bound: f64,
    /// The whole reason, as the standings and the report print it.
    pub reason: String,
}

/// The stopping rule's tally of a run's games, fed in game-id order and checked every `batch`
/// games.
pub struct StopTally {
    rule: StopRule,
    batch: u64,
    planned: u64,
    games: u64,
    /// Width rule: per strategy, the unit being summed and the running spread of unit means.
    units: BTreeMap<Arc<str>, UnitMean>,
    /// SPRT: the tested strategy, and the pair scores so far.
    first: Option<Arc<str>>,
    pair: Option<(u64, f64, u32)>,
    pairs: ScoreTally,
    pentanomial: [u64; 5],
}

#[derive(Default)]
struct UnitMean {
    unit: Option<u64>,
    sum: f64,
    n: u32,
    means: ScoreTally,
}

impl UnitMean {
    fn flush(&mut self) {
        if self.n > 0 {
            self.means.add(self.sum / f64::from(self.n), None);
        }
        self.sum = 0.0;
        self.n = 0;
    }
}

impl StopTally {
    /// The tally of `config`'s rule (`None` without one) for a plan of `planned` games.
    pub fn new(config: &TournamentConfig, planned: u64) -> Option<StopTally> {
        let rule = config.stop.clone()?;
        Some(StopTally {
            batch: batch(config, planned),
            planned,
            games: 0,
            units: BTreeMap::new(),
            first: sprt_pair(config).map(|(a, _)| Arc::from(a.as_str())),
            pair: None,
            pairs: ScoreTally::default(),
            pentanomial: [0; 5],
            rule,
        })
    }

    /// Add the next game (in game-id order); at a batch boundary, the decision if the rule says
    /// stop.
    pub fn add(&mut self, game: &GameRecord) -> Option<StopDecision> {
        self.games += 1;
        match &self.rule {
            StopRule::CiWidth { .. } => {
                // A strategy's seats in one unit count as one observation, their mean.
                let mut mine: BTreeMap<&Arc<str>, (f64, u32)> = BTreeMap::new();
                for seat in &game.seats {
                    let e = mine.entry(&seat.strategy).or_default();
                    e.0 += seat.score;
                    e.1 += 1;
                }
                for (strategy, (sum, n)) in mine {
                    let u = self.units.entry(strategy.clone()).or_default();
                    if u.unit != Some(game.unit) {
                        u.flush();
                        u.unit = Some(game.unit);
                    }
                    u.sum += sum;
                    u.n += n;
                }
            }
            StopRule::Sprt { .. } => {
                let first = self.first.clone();
                let seat = game
                    .seats
                    .iter()
                    .find(|s| Some(&s.strategy) == first.as_ref());
                // Only head-to-head games count (a strategy against itself tells nothing).
                let head_to_head = game
                    .seats
                    .iter()
                    .any(|s| Some(&s.strategy) != first.as_ref());
                let by_score = matches!(
                    self.rule,
                    StopRule::Sprt {
                        outcome: SprtOutcome::Score,
                        ..
                    }
                );
                if let (Some(seat), true) = (seat, head_to_head) {
                    let points = match game.winner.as_deref() {
                        _ if by_score => seat.score,
                        Some(w) if w == &*seat.nation => 1.0,
                        Some(_) => 0.0,
                        None => 0.5,
                    };
                    match &mut self.pair {
                        Some((unit, sum, n)) if *unit == game.unit => {
                            *sum += points;
                            *n += 1;
                        }
                        _ => {
                            self.close_pair();
                            self.pair = Some((game.unit, points, 1));
                        }
                    }
                    if self.pair.is_some_and(|(_, _, n)| n == 2) {
                        self.close_pair();
                    }
                }
            }
        }
        self.games
            .is_multiple_of(self.batch)
            .then(|| self.decide())
            .flatten()
    }

    fn close_pair(&mut self) {
        if let Some((_, sum, n)) = self.pair.take() {
            // A unit of one game (seat orders that coincide) counts as a pair of two alike.
            let score = sum / f64::from(n);
            self.pairs.add(score, None);
            self.pentanomial[(score * 4.0).round().clamp(0.0, 4.0) as usize] += 1;
        }
    }

    /// The decision on the games so far, if the rule says stop.
    fn decide(&mut self) -> Option<StopDecision> {
        let described = self.rule.describe();
        match self.rule.clone() {
            StopRule::CiWidth { width } => {
                for u in self.units.values_mut() {
                    u.flush();
                    u.unit = None;
                }
                let widths: Vec<(&Arc<str>, f64)> = self
                    .units
                    .iter()
                    .map(|(s, u)| {
                        let (lo, hi) = u.means.interval();
                        (s, hi - lo)
                    })
                    .collect();
                // Undefined (too few units) counts as wide.
                let widest = widths.iter().map(|w| w.1).fold(0.0f64, |m, w| {
                    if w.is_finite() {
                        m.max(w)
                    } else {
                        f64::INFINITY
                    }
                });
                (!widths.is_empty() && widest < width).then(|| StopDecision {
                    rule: described,
                    games: self.games,
                    planned: self.planned,
                    outcome: "ci-width".to_string(),
                    statistic: widest,
                    bound: width,
                    reason: format!(
                        "stopped after {} of {} games: every strategy's 95% interval is narrower \
                         than {width} (the widest is {:.4})",
                        self.games, self.planned, widest
                    ),
                })
            }
            StopRule::Sprt {
                elo0,
                elo1,
                alpha,
                beta,
                outcome,
            } => {
                let llr = llr_pentanomial(&self.pairs, elo0, elo1);
                let (lower, upper) = sprt_bounds(alpha, beta);
                let counts = match outcome {
                    SprtOutcome::Pentanomial => format!(
                        "pentanomial pairs [{}]",
                        self.pentanomial
                            .iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    SprtOutcome::Score => format!(
                        "{} pairs, mean score {:.4}",
                        self.pairs.games,
                        self.pairs.mean()
                    ),
                };
                let verdict = |outcome: &str, bound: f64, what: &str| StopDecision {
                    rule: described.clone(),
                    games: self.games,
                    planned: self.planned,
                    outcome: outcome.to_string(),
                    statistic: llr,
                    bound,
                    reason: format!(
                        "stopped after {} of {} games: SPRT {what} (LLR {:.3} crossed {:.3}; \
                         {counts})",
                        self.games, self.planned, llr, bound
                    ),
                };
                if llr >= upper {
                    Some(verdict(
                        "accept-h1",
                        upper,
                        &format!("accepts H1, elo ≥ {elo1}"),
                    ))
                } else if llr <= lower {
                    Some(verdict(
                        "accept-h0",
                        lower,
                        &format!("accepts H0, elo ≤ {elo0}"),
                    ))
                } else {
                    None
                }
            }
        }
    }
}

impl StopTally {
    /// Where the rule stands on the games so far, in words, when it has not stopped the run.
    pub fn status(&mut self) -> String {
        match self.rule.clone() {
            StopRule::CiWidth { width } => {
                for u in self.units.values_mut() {
                    u.flush();
                    u.unit = None;
                }
                let widest = self
                    .units
                    .values()
                    .map(|u| {
                        let (lo, hi) = u.means.interval();
                        hi - lo
                    })
                    .fold(0.0f64, |m, w| {
                        if w.is_finite() {
                            m.max(w)
                        } else {
                            f64::INFINITY
                        }
                    });
                format!(
                    "the stopping rule did not stop the run: after {} games the widest 95% \
                     interval is {widest:.4}, not below {width}",
                    self.games
                )
            }
            StopRule::Sprt {
                elo0,
                elo1,
                alpha,
                beta,
                ..
            } => {
                self.close_pair();
                let (lower, upper) = sprt_bounds(alpha, beta);
                format!(
                    "the SPRT reached no decision in {} games: LLR {:.3} is between {lower:.3} and \
                     {upper:.3} (elo {elo0} vs {elo1})",
                    self.games,
                    llr_pentanomial(&self.pairs, elo0, elo1)
                )
            }
        }
    }
}

/// Expected score at a logistic Elo difference.
pub fn expected_score(elo: f64) -> f64 {
    1.0 / (1.0 + 10f64.powf(-elo / 400.0))
}

/// `(ln(β/(1−α)), ln((1−β)/α))`: at or below the first, accept H0; at or above the second, H1.
pub fn sprt_bounds(alpha: f64, beta: f64) -> (f64, f64) {
    ((beta / (1.0 - alpha)).ln(), ((1.0 - beta) / alpha).ln())
}

/// The GSPRT log-likelihood ratio (normal approximation) of `H1: elo1` over `H0: elo0` for the
/// pair scores in `pairs` (each in [0, 1]); 0 while it is undefined (fewer than two pairs, or no
/// variance yet).
pub fn llr_pentanomial(pairs: &ScoreTally, elo0: f64, elo1: f64) -> f64 {
    let n = pairs.games as f64;
    let variance = pairs.variance();
    // NaN (too few pairs) or no spread yet: no evidence either way.
    let spread = variance > 0.0;
    if pairs.games < 2 || !spread {
        return 0.0;
    }
    let (s0, s1) = (expected_score(elo0), expected_score(elo1));
    n * (s1 - s0) * (2.0 * pairs.mean() - s0 - s1) / (2.0 * variance)
}

/// The decision `config`'s rule makes on the games in `dir` (in game-id order), if it says stop:
/// the same the run made, which wrote no game beyond it.
/// Also, when it did not stop the run, where the rule stands (for the standings).
pub fn decision_of(
    dir: &Path,
    config: &TournamentConfig,
    planned: u64,
) -> Result<(Option<StopDecision>, Option<String>)> {
    let Some(mut decider) = Decider::new(config, planned) else {
        return Ok((None, None));
    };
    for_each_game_by_id(&[dir.join(GAMES_FILE).as_path()], |game| {
        decider.add(&game);
        Ok(())
    })?;
    Ok(decider.finish())
}

/// [`decision_of`] a game at a time, for a pass over the games that feeds other readers too.
pub struct Decider {
    tally: StopTally,
    decision: Option<StopDecision>,
}

impl Decider {
    /// None when `config` has no stopping rule.
    pub fn new(config: &TournamentConfig, planned: u64) -> Option<Decider> {
        StopTally::new(config, planned).map(|tally| Decider {
            tally,
            decision: None,
        })
    }

    /// Add the next game, in game-id order (those after the decision change nothing).
    pub fn add(&mut self, game: &GameRecord) {
        if self.decision.is_none() {
            self.decision = self.tally.add(game);
        }
    }

    /// The decision, if the rule says stop; else where the rule stands.
    pub fn finish(mut self) -> (Option<StopDecision>, Option<String>) {
        let status = self.decision.is_none().then(|| self.tally.status());
        (self.decision, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::record::SeatRecord;

    fn config(rule: StopRule) -> TournamentConfig {
        TournamentConfig {
            strategies: vec!["a".into(), "b".into()],
            format: Format::Gauntlet { focal: "a".into() },
            seeds: 100,
            stop: Some(rule),
            ..TournamentConfig::default()
        }
    }

    /// Game `id` of a head-to-head: unit `id / 2`, `a` in seat `usa` on even ids; `a_wins` says
    /// whether `a`'s nation won (`None`: nobody).
    fn game(id: u64, a_wins: Option<bool>, a_score: f64) -> GameRecord {
        let a_first = id.is_multiple_of(2);
        let (a_nation, b_nation) = if a_first {
            ("usa", "chn")
        } else {
            ("chn", "usa")
        };
        let mut seats = vec![
            SeatRecord {
                nation: a_nation.into(),
                strategy: "a".into(),
                score: a_score,
                ..SeatRecord::default()
            },
            SeatRecord {
                nation: b_nation.into(),
                strategy: "b".into(),
                score: 1.0 - a_score,
                ..SeatRecord::default()
            },
        ];
        if !a_first {
            seats.swap(0, 1);
        }
        GameRecord {
            game_id: id,
            unit: id / 2,
            seats,
            winner: a_wins.map(|w| Arc::from(if w { a_nation } else { b_nation })),
            ..GameRecord::default()
        }
    }

    #[test]
    fn rules_parse_and_refuse_nonsense() {
        assert_eq!(
            StopRule::sprt("0, 10, 0.05, 0.1").unwrap(),
            StopRule::Sprt {
                elo0: 0.0,
                elo1: 10.0,
                alpha: 0.05,
                beta: 0.1,
                outcome: SprtOutcome::Pentanomial,
            }
        );
        assert!(matches!(
            StopRule::sprt("0,10,0.05,0.1,score").unwrap(),
            StopRule::Sprt {
                outcome: SprtOutcome::Score,
                ..
            }
        ));
        assert!(StopRule::sprt("0,10,0.05,0.1,elo").is_err());
        assert!(StopRule::sprt("10,0,0.05,0.05").is_err());
        assert!(StopRule::sprt("0,10,0.05").is_err());
        assert!(StopRule::sprt("0,10,0.5,0.05").is_err());
        assert_eq!(
            StopRule::ci_width("0.05").unwrap(),
            StopRule::CiWidth { width: 0.05 }
        );
        assert!(StopRule::ci_width("0").is_err() && StopRule::ci_width("x").is_err());
    }

    #[test]
    fn the_bounds_and_the_llr_follow_their_formulas() {
        let (lo, hi) = sprt_bounds(0.05, 0.05);
        assert!((lo - (0.05f64 / 0.95).ln()).abs() < 1e-15);
        assert!((hi - (0.95f64 / 0.05).ln()).abs() < 1e-15);
        assert!((expected_score(0.0) - 0.5).abs() < 1e-15);
        // Pairs scoring 0.75 and 0.25 alternately: mean 0.5, variance 1/12 (n − 1 = 3).
        let mut pairs = ScoreTally::default();
        for s in [0.75, 0.25, 0.75, 0.25] {
            pairs.add(s, None);
        }
        let (s0, s1) = (0.5, expected_score(10.0));
        let expected = 4.0 * (s1 - s0) * (1.0 - s0 - s1) / (2.0 * (1.0 / 12.0));
        assert!((llr_pentanomial(&pairs, 0.0, 10.0) - expected).abs() < 1e-12);
    }

    #[test]
    fn sprt_accepts_h1_on_a_stream_the_first_strategy_dominates() {
        // `a` wins both games of three pairs in four, splits the fourth: elo far above 10.
        let cfg = config(StopRule::sprt("0,10,0.05,0.05").unwrap());
        let mut tally = StopTally::new(&cfg, 200).unwrap();
        assert_eq!(tally.batch, 2, "one round: a pair");
        let mut decision = None;
        for id in 0..200u64 {
            let win = if (id / 2) % 4 == 3 {
                id.is_multiple_of(2)
            } else {
                true
            };
            decision = tally.add(&game(id, Some(win), 0.9));
            if decision.is_some() {
                break;
            }
        }
        let d = decision.expect("decided within the plan");
        assert_eq!(d.outcome, "accept-h1");
        assert_eq!(d.games % 2, 0, "at a batch boundary");
        assert!(d.statistic >= d.bound);
        assert!(d.reason.contains("accepts H1"), "{}", d.reason);
    }

    #[test]
    fn sprt_accepts_h0_when_the_seat_decides_and_the_strategies_are_equal() {
        // The first seat always wins: every pair is one win, one loss, except one pair in eight
        // that `b` wins outright. Elo at or below 0: H0.
        let cfg = config(StopRule::sprt("0,10,0.05,0.05").unwrap());
        let mut tally = StopTally::new(&cfg, 2000).unwrap();
        let mut decision = None;
        for id in 0..2000u64 {
            let a_first = id.is_multiple_of(2);
            let win = if (id / 2) % 8 == 7 { false } else { a_first };
            decision = tally.add(&game(id, Some(win), 0.5));
            if decision.is_some() {
                break;
            }
        }
        let d = decision.expect("decided");
        assert_eq!(d.outcome, "accept-h0", "{}", d.reason);
        assert!(d.statistic <= d.bound);
    }

    #[test]
    fn when_the_seat_decides_every_result_only_scores_can_decide_the_sprt() {
        // The first seat always wins, so every result pair is one win and one loss: no variance,
        // no information, no decision. `a`'s scores are 0.6 (± 0.05) in either seat: H1 by score.
        let stream = |outcome: &str| {
            let cfg = config(StopRule::sprt(&format!("0,10,0.05,0.05,{outcome}")).unwrap());
            let mut tally = StopTally::new(&cfg, 400).unwrap();
            for id in 0..400u64 {
                let a_score = if (id / 2) % 3 == 0 { 0.55 } else { 0.65 };
                if let Some(d) = tally.add(&game(id, Some(id.is_multiple_of(2)), a_score)) {
                    return (Some(d), String::new());
                }
            }
            (None, tally.status())
        };
        let (none, status) = stream("pentanomial");
        assert!(none.is_none());
        assert!(status.contains("no decision"), "{status}");
        let (d, _) = stream("score");
        assert_eq!(d.expect("decided by score").outcome, "accept-h1");
    }

    #[test]
    fn the_width_rule_stops_at_the_first_boundary_where_every_interval_is_narrow() {
        // Scores alternate 0.4 / 0.6 per unit for `a` (b the complement): unit means vary with
        // sd ≈ 0.103, so the interval's width 2·t(n − 1)·sd/√n falls below 0.1 at about 19
        // units; with a batch of one unit (two games), at game 2n for the first such n.
        let cfg = TournamentConfig {
            seeds: 50,
            ..config(StopRule::ci_width("0.1").unwrap())
        };
        let mut tally = StopTally::new(&cfg, 100).unwrap();
        let mut decision = None;
        for id in 0..100 {
            let s = if (id / 2) % 2 == 0 { 0.4 } else { 0.6 };
            decision = tally.add(&game(id, None, s));
            if decision.is_some() {
                break;
            }
        }
        let d = decision.expect("decided");
        assert_eq!(d.outcome, "ci-width");
        // sd of the alternating means over n units; the first n with width < 0.1.
        let first = (2..50u64)
            .find(|&n| {
                let n_f = n as f64;
                let mean = if n % 2 == 0 { 0.5 } else { 0.5 - 0.1 / n_f };
                let ss: f64 = (0..n)
                    .map(|k| if k % 2 == 0 { 0.4 } else { 0.6 })
                    .map(|x: f64| (x - mean).powi(2))
                    .sum();
                2.0 * crate::tournament::drilldown::t95(n - 1) * (ss / (n_f - 1.0)).sqrt()
                    / n_f.sqrt()
                    < 0.1
            })
            .unwrap();
        assert_eq!(d.games, 2 * first, "the documented batch");
        assert!(d.statistic < 0.1);
    }
}

//! Standings of a tournament from its game records (`games.jsonl`): who won, by how much, how sure
//! we are, and four rating systems side by side. Everything here is a pure, deterministic function
//! of the records: the order of the records in the slice never matters (they are first put in a
//! canonical order: by `game_id`, then unit, seed and seats), and the bootstrap draws from a seeded
//! ChaCha8 generator.
//!
//! # What each column means
//!
//! - **games, wins, draws, losses**: counted per *seat*. A seat wins when its nation is the game's
//!   `winner`, loses when another nation is, and draws when `winner` is null. A strategy holding two
//!   seats of one game (self-play) counts that game twice, so `games = wins + draws + losses`.
//! - **mean_score**: the mean of the strategy's seat scores over all its seats.
//! - **ci_low, ci_high**: a 95% percentile bootstrap interval of `mean_score`. The resampled unit is
//!   the tournament's unit of analysis, [`GameRecord::unit`] (the seat-rotated games on one world
//!   seed), not the single game: units are drawn with replacement, as many as there are, from the
//!   units in ascending id order with `ChaCha8Rng::seed_from_u64(bootstrap_seed)`; each resample
//!   recomputes every strategy's mean score as (sum of its seat scores) / (number of its seats) over
//!   the drawn units (a resample in which the strategy has no seat is left out for it). The bounds
//!   are the 2.5% and 97.5% quantiles of the resampled means, linearly interpolated between order
//!   statistics (numpy's default, "type 7"). [`DEFAULT_RESAMPLES`] is 1000. With zero resamples the
//!   bounds are NaN.
//! - **rank**: 1-based position when sorted by mean score, highest first, equal means by name.
//!   Strategies without any seat come last (by name) with NaN scores.
//! - **tied_with**: the strategies (in rank order) not statistically distinguishable from this one
//!   at the 95% level. For a pair that shared at least one unit (both held a seat in it), the test
//!   is the *paired* bootstrap of the difference of their mean scores: within each resample above
//!   (the same drawn units for both, so the correlation from meeting in the same games is kept), the
//!   difference of the two resampled means; the pair is tied when the 2.5%–97.5% quantile interval
//!   of those differences contains 0. For a pair that never shared a unit, it falls back to the
//!   overlap of the two 95% intervals (tied when `[ci_low, ci_high]` intersect). The relation is
//!   symmetric but not transitive. Empty with zero resamples or no seats.
//! - **elo, glicko2 (+ deviation), trueskill (mu, sigma)**: online ratings from the `skillratings`
//!   crate with its default settings (Elo: start 1000, k = 32; Glicko-2: start 1500, deviation 350,
//!   volatility 0.06, tau 0.5; TrueSkill: mu 25, sigma 25/3, beta 25/6, draw probability 0.1),
//!   updated game by game in canonical (`game_id`) order, so the slice order does not matter but
//!   the game order does. Each seat is compared with every other seat of the game held by a
//!   *different* strategy: the higher score wins, equal scores draw. Each strategy then gets one
//!   update per game from the list of its comparisons, all against the opponents' pre-game ratings
//!   (for a 2-seat game that is exactly the usual 1v1 update; for N seats it decomposes the game
//!   into all seat pairs: Elo adds up the 1v1 changes of each comparison, so the update is
//!   zero-sum and independent of seat order; Glicko-2 treats the game as one rating period
//!   (`glicko2_rating_period`; a strategy's deviation does not grow while it sits out games);
//!   TrueSkill applies the comparisons one after the other in seat order
//!   (`trueskill_rating_period`)). Seats of the same strategy are not compared, so self-play
//!   changes no rating. A strategy that never played another keeps the starting values.
//! - **bradley_terry**: a batch Bradley–Terry fit that does not depend on game order. Every pair
//!   of seats held by different strategies is a comparison: a win for the higher score, half a win
//!   each on equal scores. Each pair of strategies that met at least once gets a prior of 0.5
//!   pseudo-wins each way, so undefeated and winless strategies stay finite. Strengths are the
//!   maximum-likelihood fixed point of Hunter's (2004) MM iteration, run to a change below 1e-10 in
//!   log-strength (at most 10 000 iterations), and reported as strengths (not logs) normalised to
//!   geometric mean 1 within each connected group of strategies that met (strengths of groups that
//!   never met, directly or through others, are not comparable). `p_a / p_b` is the fitted odds
//!   that a beats b. NaN for a strategy that never met another.
//!
//! [`payoff_matrix`] is the head-to-head table, [`asi_arrival`] the distribution of the month of
//! superintelligence per pairing. The CSV writers quote fields as RFC 4180 requires (names with
//! commas, quotes or line breaks), end lines with `\n`, write numbers with Rust's shortest
//! round-trip formatting and leave non-finite or missing numbers empty.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use skillratings::Outcomes;
use skillratings::elo::{EloConfig, EloRating, elo};
use skillratings::glicko2::{Glicko2Config, Glicko2Rating, glicko2_rating_period};
use skillratings::trueskill::{TrueSkillConfig, TrueSkillRating, trueskill_rating_period};

use crate::data;
use crate::format::fixed;
use crate::table::{Align, Table};
use crate::tournament::record::{GameRecord, SeatRecord};

/// Bootstrap resamples to use when the user does not say.
pub const DEFAULT_RESAMPLES: usize = 1000;

/// Pseudo-wins given each way to every pair of strategies that met, in the Bradley–Terry fit.
pub const BRADLEY_TERRY_PRIOR: f64 = 0.5;

/// Stop the MM iteration when no log-strength moves by more than this.
const BT_TOLERANCE: f64 = 1e-10;
const BT_MAX_ITERATIONS: usize = 10_000;

/// One strategy's row of the standings. See the module documentation for each field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Standing {
    pub strategy: String,
    /// Seats played (a self-play game counts twice).
    pub games: usize,
    pub wins: usize,
    pub draws: usize,
    pub losses: usize,
    pub mean_score: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// 1-based.
    pub rank: usize,
    pub tied_with: Vec<String>,
    pub elo: f64,
    pub glicko2: f64,
    pub glicko2_deviation: f64,
    pub trueskill_mu: f64,
    pub trueskill_sigma: f64,
    pub bradley_terry: f64,
}

impl Standing {
    /// The 95% interval as `[low, high]`, or `—` when there is none.
    pub fn ci_text(&self) -> String {
        if self.ci_low.is_finite() && self.ci_high.is_finite() {
            format!("[{}, {}]", fixed(self.ci_low, 3), fixed(self.ci_high, 3))
        } else {
            "—".to_string()
        }
    }

    /// The ranks of the strategies it is tied with, e.g. `3,4` or `2-8,10`, or `—`.
    pub fn tied_ranks(&self, rank_of: &std::collections::HashMap<&str, usize>) -> String {
        let mut tied: Vec<usize> = self
            .tied_with
            .iter()
            .filter_map(|name| rank_of.get(name.as_str()).copied())
            .collect();
        tied.sort_unstable();
        tied.dedup();
        if tied.is_empty() {
            return "—".to_string();
        }
        // Runs of three or more consecutive ranks as a range (`2-8`): a column that stays narrow
        // when many strategies tie.
        let mut parts: Vec<String> = Vec::new();
        let mut start = 0;
        while start < tied.len() {
            let mut end = start;
            while end + 1 < tied.len() && tied[end + 1] == tied[end] + 1 {
                end += 1;
            }
            if end - start >= 2 {
                parts.push(format!("{}-{}", tied[start], tied[end]));
                start = end + 1;
            } else {
                parts.push(tied[start].to_string());
                start += 1;
            }
        }
        parts.join(",")
    }
}

/// When superintelligence arrived in the games of one pairing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arrival {
    /// The strategy specs of the game's seats, sorted (repeated for self-play).
    pub pairing: Vec<String>,
    pub games: usize,
    /// Fraction of the games in which anyone crossed the threshold.
    pub share_with_asi: f64,
    /// Quantiles of the crossing month among the games that crossed (type-7 interpolation, so
    /// possibly fractional); `None` when no game crossed.
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
}

/// The standings of `strategies` (one row per distinct name, in rank order) from all `records`.
/// Records of strategies not listed still count as opponents (ratings, Bradley–Terry) but get no
/// row. `resamples` is the number of bootstrap resamples ([`DEFAULT_RESAMPLES`] is the usual).
pub fn standings(
    records: &[GameRecord],
    strategies: &[String],
    bootstrap_seed: u64,
    resamples: usize,
) -> Vec<Standing> {
    let mut tally = StandingsTally::new(strategies);
    for game in canonical(records) {
        tally.add(game);
    }
    tally.standings(bootstrap_seed, resamples)
}

/// What [`standings`] needs of the games, gathered one game at a time (in canonical order: by game
/// id), so a run's games need not be held: per strategy counts, sums and ratings, per pair of
/// strategies Bradley–Terry's wins, and per unit the listed strategies' score sums for the
/// bootstrap (24 bytes per unit and strategy present: about 24 MB for a million two-seat games, and
/// a copy laid out for the resamples while they run, 16 bytes per unit and strategy).
pub struct StandingsTally {
    names: Vec<String>,
    index: HashMap<String, usize>,
    wins: Vec<usize>,
    draws: Vec<usize>,
    losses: Vec<usize>,
    sums: Vec<f64>,
    units: UnitTallies,
    ratings: HashMap<Arc<str>, Ratings>,
    /// Every strategy of the games (listed or not) and its Bradley–Terry win points per opponent.
    bt_wins: BTreeMap<Arc<str>, BTreeMap<Arc<str>, f64>>,
}

impl StandingsTally {
    pub fn new(strategies: &[String]) -> StandingsTally {
        let mut names: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for name in strategies {
            if !index.contains_key(name.as_str()) {
                index.insert(name.clone(), names.len());
                names.push(name.clone());
            }
        }
        let n = names.len();
        StandingsTally {
            names,
            index,
            wins: vec![0; n],
            draws: vec![0; n],
            losses: vec![0; n],
            sums: vec![0.0; n],
            units: UnitTallies::default(),
            ratings: HashMap::new(),
            bt_wins: BTreeMap::new(),
        }
    }

    /// Add the next game (games must come in canonical order for the sums and ratings to be
    /// [`standings`]'s).
    pub fn add(&mut self, game: &GameRecord) {
        for seat in &game.seats {
            let Some(&k) = self.index.get(&*seat.strategy) else {
                continue;
            };
            self.sums[k] += seat.score;
            match &game.winner {
                None => self.draws[k] += 1,
                Some(w) if *w == seat.nation => self.wins[k] += 1,
                Some(_) => self.losses[k] += 1,
            }
            self.units.add(game.unit, k as u32, seat.score);
        }
        rate(&mut self.ratings, game);
        for seat in &game.seats {
            self.bt_wins.entry(seat.strategy.clone()).or_default();
        }
        for (player, results) in comparisons(game) {
            let row = self.bt_wins.get_mut(player).expect("added above");
            for (opponent, result) in results {
                // Each unordered pair of seats appears twice (once from each side): count each
                // side's own win points only.
                let cell = match row.get_mut(opponent) {
                    Some(cell) => cell,
                    None => row.entry(Arc::from(opponent)).or_default(),
                };
                *cell += match result {
                    Outcomes::WIN => 1.0,
                    Outcomes::DRAW => 0.5,
                    Outcomes::LOSS => 0.0,
                };
            }
        }
    }

    /// The standings of the games added.
    pub fn standings(&self, bootstrap_seed: u64, resamples: usize) -> Vec<Standing> {
        let names = &self.names;
        let n = names.len();
        let (wins, draws, losses, sums) = (&self.wins, &self.draws, &self.losses, &self.sums);
        let seats: Vec<usize> = (0..n).map(|k| wins[k] + draws[k] + losses[k]).collect();
        let means: Vec<f64> = (0..n)
            .map(|k| {
                if seats[k] > 0 {
                    sums[k] / seats[k] as f64
                } else {
                    f64::NAN
                }
            })
            .collect();

        // Bootstrap over units.
        let units = &self.units;
        let resampled = bootstrap(units.view(), n, bootstrap_seed, resamples);
        let intervals: Vec<(f64, f64)> = (0..n)
            .map(|k| {
                let values: Vec<f64> = resampled
                    .iter()
                    .map(|r| r[k])
                    .filter(|x| !x.is_nan())
                    .collect();
                interval(values)
            })
            .collect();
        let mut shared = vec![vec![false; n]; n];
        for u in 0..units.len() {
            let unit = units.unit(u);
            for a in unit {
                for b in unit {
                    shared[a.k as usize][b.k as usize] = true;
                }
            }
        }
        let tied = |a: usize, b: usize| -> bool {
            if seats[a] == 0 || seats[b] == 0 || resampled.is_empty() {
                return false;
            }
            if shared[a][b] {
                let diffs: Vec<f64> = resampled
                    .iter()
                    .map(|r| r[a] - r[b])
                    .filter(|d| !d.is_nan())
                    .collect();
                if !diffs.is_empty() {
                    let (lo, hi) = interval(diffs);
                    return lo <= 0.0 && 0.0 <= hi;
                }
            }
            let (a_lo, a_hi) = intervals[a];
            let (b_lo, b_hi) = intervals[b];
            a_lo <= b_hi && b_lo <= a_hi
        };

        // Ratings.
        let ratings = &self.ratings;
        let strengths = bradley_terry(&self.bt_wins, BRADLEY_TERRY_PRIOR);

        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| {
            let (ma, mb) = (means[a], means[b]);
            ma.is_nan()
                .cmp(&mb.is_nan())
                .then_with(|| {
                    if ma.is_nan() {
                        Ordering::Equal
                    } else {
                        mb.total_cmp(&ma)
                    }
                })
                .then_with(|| names[a].cmp(&names[b]))
        });

        order
            .iter()
            .enumerate()
            .map(|(position, &k)| {
                let r = ratings.get(names[k].as_str()).copied().unwrap_or_default();
                Standing {
                    strategy: names[k].to_string(),
                    games: seats[k],
                    wins: wins[k],
                    draws: draws[k],
                    losses: losses[k],
                    mean_score: means[k],
                    ci_low: intervals[k].0,
                    ci_high: intervals[k].1,
                    rank: position + 1,
                    tied_with: order
                        .iter()
                        .filter(|&&j| j != k && tied(k, j))
                        .map(|&j| names[j].to_string())
                        .collect(),
                    elo: r.elo.rating,
                    glicko2: r.glicko2.rating,
                    glicko2_deviation: r.glicko2.deviation,
                    trueskill_mu: r.trueskill.rating,
                    trueskill_sigma: r.trueskill.uncertainty,
                    bradley_terry: strengths
                        .get(names[k].as_str())
                        .copied()
                        .unwrap_or(f64::NAN),
                }
            })
            .collect()
    }
}

/// `matrix[r][c]`: the mean score of strategy `strategies[r]` against `strategies[c]`, over every
/// ordered pair of distinct seats (a, b) of every game with a held by r and b by c (a's score
/// counts). On the diagonal (a strategy against itself, two of its seats in one game) that is the
/// mean of those seats' scores. `None` when the two never met.
pub fn payoff_matrix(records: &[GameRecord], strategies: &[String]) -> Vec<Vec<Option<f64>>> {
    let mut tally = PayoffTally::default();
    for game in canonical(records) {
        tally.add(game);
    }
    tally.matrix(strategies)
}

/// [`payoff_matrix`] gathered one game at a time (in canonical order): a sum and a count per
/// ordered pair of strategies.
#[derive(Default)]
pub struct PayoffTally {
    cells: BTreeMap<(Arc<str>, Arc<str>), (f64, usize)>,
}

impl PayoffTally {
    pub fn add(&mut self, game: &GameRecord) {
        for (i, a) in game.seats.iter().enumerate() {
            for (j, b) in game.seats.iter().enumerate() {
                if i != j {
                    let cell = self
                        .cells
                        .entry((a.strategy.clone(), b.strategy.clone()))
                        .or_default();
                    cell.0 += a.score;
                    cell.1 += 1;
                }
            }
        }
    }

    pub fn matrix(&self, strategies: &[String]) -> Vec<Vec<Option<f64>>> {
        strategies
            .iter()
            .map(|row| {
                strategies
                    .iter()
                    .map(|col| {
                        self.cells
                            .get(&(Arc::from(row.as_str()), Arc::from(col.as_str())))
                            .map(|&(sum, count)| sum / count as f64)
                    })
                    .collect()
            })
            .collect()
    }
}

/// The payoff matrix as CSV: header `strategy,<name1>,<name2>,...`, then one row per strategy
/// starting with its name; an empty cell where the pair never met.
pub fn payoff_csv(strategies: &[String], matrix: &[Vec<Option<f64>>]) -> String {
    let mut w = data::record_writer(Vec::new());
    let header = std::iter::once("strategy").chain(strategies.iter().map(String::as_str));
    // Writing into memory cannot fail.
    w.write_record(header).expect("CSV in memory");
    for (name, row) in strategies.iter().zip(matrix) {
        let cells = row.iter().map(|c| number_text(c.unwrap_or(f64::NAN)));
        w.write_record(std::iter::once(name.clone()).chain(cells))
            .expect("CSV in memory");
    }
    data::into_text(w).expect("CSV in memory")
}

/// One row of `standings.csv`: the field names are its header (a public interface).
#[derive(Serialize, Default)]
struct StandingRow<'a> {
    strategy: &'a str,
    games: usize,
    wins: usize,
    draws: usize,
    losses: usize,
    #[serde(serialize_with = "data::number::finite")]
    mean_score: f64,
    #[serde(serialize_with = "data::number::finite")]
    ci_low: f64,
    #[serde(serialize_with = "data::number::finite")]
    ci_high: f64,
    rank: usize,
    /// Joined by `;`.
    tied_with: String,
    #[serde(serialize_with = "data::number::finite")]
    elo: f64,
    #[serde(serialize_with = "data::number::finite")]
    glicko2: f64,
    #[serde(serialize_with = "data::number::finite")]
    glicko2_deviation: f64,
    #[serde(serialize_with = "data::number::finite")]
    trueskill_mu: f64,
    #[serde(serialize_with = "data::number::finite")]
    trueskill_sigma: f64,
    #[serde(serialize_with = "data::number::finite")]
    bradley_terry: f64,
}

/// The header of [`standings_csv`].
pub const STANDINGS_CSV_HEADER: &str = "strategy,games,wins,draws,losses,mean_score,ci_low,ci_high,rank,tied_with,elo,glicko2,glicko2_deviation,trueskill_mu,trueskill_sigma,bradley_terry";

/// The standings as CSV ([`STANDINGS_CSV_HEADER`], then one row per standing in the given order);
/// `tied_with` is joined by `;`.
pub fn standings_csv(standings: &[Standing]) -> String {
    let rows: Vec<StandingRow<'_>> = standings
        .iter()
        .map(|s| StandingRow {
            strategy: &s.strategy,
            games: s.games,
            wins: s.wins,
            draws: s.draws,
            losses: s.losses,
            mean_score: s.mean_score,
            ci_low: s.ci_low,
            ci_high: s.ci_high,
            rank: s.rank,
            tied_with: s.tied_with.join(";"),
            elo: s.elo,
            glicko2: s.glicko2,
            glicko2_deviation: s.glicko2_deviation,
            trueskill_mu: s.trueskill_mu,
            trueskill_sigma: s.trueskill_sigma,
            bradley_terry: s.bradley_terry,
        })
        .collect();
    data::to_csv(&rows).expect("CSV in memory")
}

/// The standings as an aligned text table for the terminal, at most 100 columns for up to
/// millions of games: specs longer than [`SPEC_COLUMN`] characters are abbreviated (a legend
/// follows the table), ties are given as rank ranges (`2-8`), and only Elo and Bradley–Terry of the
/// ratings are shown (Glicko-2 and TrueSkill are in `standings.csv` and the report, as a line
/// under the table says).
pub fn render_table(standings: &[Standing]) -> String {
    let rank_of: HashMap<&str, usize> = standings
        .iter()
        .map(|s| (s.strategy.as_str(), s.rank))
        .collect();
    let names: Vec<String> = standings.iter().map(|s| s.strategy.clone()).collect();
    let labels = crate::format::abbreviate(&names, SPEC_COLUMN);
    let mut table = Table::new(&[
        ("rank", Align::Right),
        ("strategy", Align::Left),
        ("games", Align::Right),
        ("W", Align::Right),
        ("D", Align::Right),
        ("L", Align::Right),
        ("score", Align::Right),
        ("95% CI", Align::Left),
        ("tied", Align::Left),
        ("Elo", Align::Right),
        ("BT", Align::Right),
    ]);
    for (s, label) in standings.iter().zip(&labels) {
        let ci = s.ci_text();
        let tied = s.tied_ranks(&rank_of);
        table.row(vec![
            s.rank.to_string(),
            label.clone(),
            s.games.to_string(),
            s.wins.to_string(),
            s.draws.to_string(),
            s.losses.to_string(),
            shown(s.mean_score, 3),
            ci,
            tied,
            shown(s.elo, 0),
            shown(s.bradley_terry, 2),
        ]);
    }
    let mut text = table.render("");
    if !standings.is_empty() {
        text.push_str("(Glicko-2 and TrueSkill ratings: standings.csv and report.html)\n");
    }
    text.push_str(&crate::format::legend(&names, &labels));
    text
}

/// Strategy specs longer than this are abbreviated in printed tables.
pub const SPEC_COLUMN: usize = 16;

/// One row per pairing (the sorted strategy specs of a game's seats), sorted by pairing: how often
/// anyone reached superintelligence ([`GameRecord::asi_month`]) and when.
pub fn asi_arrival(records: &[GameRecord]) -> Vec<Arrival> {
    let mut tally = ArrivalTally::default();
    for game in records {
        tally.add(game);
    }
    tally.arrivals()
}

/// How many times each month occurs: the sorted list of months a quantile needs, in the memory of
/// the distinct months.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthCounts {
    counts: BTreeMap<u32, usize>,
    len: usize,
}

impl MonthCounts {
    pub fn add(&mut self, month: u32) {
        *self.counts.entry(month).or_default() += 1;
        self.len += 1;
    }

    /// Months counted (with repeats).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `i`-th smallest month (0-based, repeats counted), as a number.
    pub fn nth(&self, i: usize) -> f64 {
        let mut seen = 0;
        for (&month, &count) in &self.counts {
            seen += count;
            if i < seen {
                return f64::from(month);
            }
        }
        f64::NAN
    }

    /// Quantile `p` with the same type-7 interpolation as on the sorted list.
    pub fn quantile(&self, p: f64) -> f64 {
        let h = (self.len - 1) as f64 * p;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(self.len - 1);
        let (a, b) = (self.nth(lo), self.nth(hi));
        a + (h - lo as f64) * (b - a)
    }

    /// `(month, count)` in ascending month.
    pub fn iter(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.counts.iter().map(|(&m, &c)| (m, c))
    }
}

/// [`asi_arrival`] gathered one game at a time (in any order): per pairing, its games and a count
/// per arrival month.
#[derive(Default)]
pub struct ArrivalTally {
    groups: BTreeMap<Vec<String>, (usize, MonthCounts)>,
}

impl ArrivalTally {
    pub fn add(&mut self, game: &GameRecord) {
        let mut pairing: Vec<String> = game.seats.iter().map(|s| s.strategy.to_string()).collect();
        pairing.sort();
        let group = self.groups.entry(pairing).or_default();
        group.0 += 1;
        if let Some(month) = game.asi_month {
            group.1.add(month);
        }
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.groups
            .iter()
            .map(|(pairing, (games, months))| {
                let q = |p: f64| (!months.is_empty()).then(|| months.quantile(p));
                Arrival {
                    pairing: pairing.clone(),
                    games: *games,
                    share_with_asi: months.len() as f64 / *games as f64,
                    p10: q(0.10),
                    p50: q(0.50),
                    p90: q(0.90),
                }
            })
            .collect()
    }
}

/// One row of `arrival.csv`.
#[derive(Serialize, Default)]
struct ArrivalRow {
    /// The pairing's specs joined by ` vs `.
    pairing: String,
    games: usize,
    #[serde(serialize_with = "data::number::finite")]
    share_with_asi: f64,
    #[serde(serialize_with = "data::number::finite_opt")]
    p10_month: Option<f64>,
    #[serde(serialize_with = "data::number::finite_opt")]
    p50_month: Option<f64>,
    #[serde(serialize_with = "data::number::finite_opt")]
    p90_month: Option<f64>,
    /// The same quantiles as calendar months (`YYYY-MM`, the month index rounded), for people;
    /// empty when the month is, or the start year is unknown.
    p10_date: Option<String>,
    p50_date: Option<String>,
    p90_date: Option<String>,
}

/// The arrival table as CSV: header
/// `pairing,games,share_with_asi,p10_month,p50_month,p90_month,p10_date,p50_date,p90_date`, the
/// pairing joined by ` vs `, empty months when no game crossed. Months count from the scenario's
/// first month; the dates are the same months in `YYYY-MM` when `start_year` (the first scenario's)
/// is given.
pub fn arrival_csv(arrivals: &[Arrival], start_year: Option<i32>) -> String {
    let date = |m: Option<f64>| -> Option<String> {
        let (m, year) = (m?, start_year?);
        Some(crate::format::month_label(year, m.round().max(0.0) as u32))
    };
    let rows: Vec<ArrivalRow> = arrivals
        .iter()
        .map(|a| ArrivalRow {
            pairing: a.pairing.join(" vs "),
            games: a.games,
            share_with_asi: a.share_with_asi,
            p10_month: a.p10,
            p50_month: a.p50,
            p90_month: a.p90,
            p10_date: date(a.p10),
            p50_date: date(a.p50),
            p90_date: date(a.p90),
        })
        .collect();
    data::to_csv(&rows).expect("CSV in memory")
}

// ---------------------------------------------------------------------------------------------
// Internals.

/// The records in canonical order: by game id, then unit, seed, seats and winner, so that every
/// floating-point sum and every rating update runs in the same order whatever the slice order.
pub(crate) fn canonical(records: &[GameRecord]) -> Vec<&GameRecord> {
    let mut games: Vec<&GameRecord> = records.iter().collect();
    games.sort_by(|a, b| {
        a.game_id
            .cmp(&b.game_id)
            .then(a.unit.cmp(&b.unit))
            .then(a.seed.cmp(&b.seed))
            .then_with(|| compare_seats(&a.seats, &b.seats))
            .then_with(|| a.winner.cmp(&b.winner))
    });
    games
}

fn compare_seats(a: &[SeatRecord], b: &[SeatRecord]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = x
            .nation
            .cmp(&y.nation)
            .then_with(|| x.strategy.cmp(&y.strategy))
            .then_with(|| x.score.total_cmp(&y.score));
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Per unit (ascending id), per listed strategy present (ascending index): the sum of its seat
/// scores (added in the order the games come) and its seats.
#[derive(Default)]
struct UnitTallies {
    /// Sorted by (unit, strategy).
    entries: Vec<UnitTally>,
    /// Where each unit's entries start in `entries`, once [`UnitTallies::len`] is first asked.
    starts: std::cell::OnceCell<Vec<u32>>,
}

#[derive(Clone, Copy)]
struct UnitTally {
    unit: u64,
    sum: f64,
    k: u32,
    count: u32,
}

impl UnitTallies {
    fn add(&mut self, unit: u64, k: u32, score: f64) {
        self.starts = std::cell::OnceCell::new();
        // Games come unit after unit: the entry is nearly always the last one, or a new last one.
        let at = match self.entries.last() {
            Some(last) if (last.unit, last.k) < (unit, k) => Err(self.entries.len()),
            Some(last) if (last.unit, last.k) == (unit, k) => Ok(self.entries.len() - 1),
            _ => self
                .entries
                .binary_search_by(|e| (e.unit, e.k).cmp(&(unit, k))),
        };
        match at {
            Ok(i) => {
                self.entries[i].sum += score;
                self.entries[i].count += 1;
            }
            Err(i) => self.entries.insert(
                i,
                UnitTally {
                    unit,
                    sum: 0.0 + score,
                    k,
                    count: 1,
                },
            ),
        }
    }

    fn starts(&self) -> &[u32] {
        self.starts.get_or_init(|| {
            let mut starts = Vec::new();
            for (i, e) in self.entries.iter().enumerate() {
                if i == 0 || self.entries[i - 1].unit != e.unit {
                    starts.push(i as u32);
                }
            }
            starts
        })
    }

    fn len(&self) -> usize {
        self.starts().len()
    }

    /// The entries of the `u`-th unit.
    fn unit(&self, u: usize) -> &[UnitTally] {
        self.view().unit(u)
    }

    /// The tallies with their unit starts, to share between threads.
    fn view(&self) -> UnitsView<'_> {
        UnitsView {
            entries: &self.entries,
            starts: self.starts(),
        }
    }
}

/// [`UnitTallies`] once its unit starts are known.
#[derive(Clone, Copy)]
struct UnitsView<'a> {
    entries: &'a [UnitTally],
    starts: &'a [u32],
}

impl<'a> UnitsView<'a> {
    fn len(&self) -> usize {
        self.starts.len()
    }

    /// The entries of the `u`-th unit.
    fn unit(&self, u: usize) -> &'a [UnitTally] {
        let (start, end) = self.range(u);
        &self.entries[start..end]
    }

    /// Where the entries of the `u`-th unit are in `entries`.
    fn range(&self, u: usize) -> (usize, usize) {
        let end = self
            .starts
            .get(u + 1)
            .map_or(self.entries.len(), |&e| e as usize);
        (self.starts[u] as usize, end)
    }
}

/// Words (32-bit) of the ChaCha stream one unit draw nearly always takes: `random_range` over
/// `u64` draws one `u64`, and a second only when the first lands in the biased sliver at the top
/// of the range (probability about units / 2^64).
const WORDS_PER_DRAW: u128 = 2;

/// Units a resample draws before summing them (see [`resample`]).
const DRAW_BATCH: usize = 64;

/// `resamples` rows of `n` resampled mean scores (NaN where the strategy has no seat).
///
/// The resamples draw one after the other from one generator, but each is summed on its own from
/// a copy of the generator set to where its draws start, so they run in parallel with exactly the
/// sequential results. Those positions are first guessed (every draw taking
/// [`WORDS_PER_DRAW`] words); each resample reports where its draws end, and if any guess was
/// wrong the positions are found by drawing through the stream once and the resamples redone.
fn bootstrap(units: UnitsView<'_>, n: usize, seed: u64, resamples: usize) -> Vec<Vec<f64>> {
    if units.entries.is_empty() {
        return Vec::new();
    }
    let rng = ChaCha8Rng::seed_from_u64(seed);
    let per_resample = units.len() as u128 * WORDS_PER_DRAW;
    let guessed = (0..resamples)
        .map(|r| rng.get_word_pos() + r as u128 * per_resample)
        .collect();
    bootstrap_from(units, n, &rng, guessed)
}

/// [`bootstrap`] from generator `rng` with resample `r` guessed to start at word `guessed[r]`.
fn bootstrap_from(
    units: UnitsView<'_>,
    n: usize,
    rng: &ChaCha8Rng,
    guessed: Vec<u128>,
) -> Vec<Vec<f64>> {
    let slots = UnitSlots::of(units, n);
    let (rows, ends) = resamples_at(&slots, n, rng, &guessed);
    // Resample r started where it should when r - 1 ended where r was guessed to start.
    let right = guessed
        .first()
        .is_none_or(|&first| first == rng.get_word_pos())
        && guessed
            .iter()
            .skip(1)
            .zip(&ends)
            .all(|(next, end)| next == end);
    if right {
        return rows;
    }
    let count = units.len() as u64;
    let mut scan = rng.clone();
    let starts: Vec<u128> = guessed
        .iter()
        .map(|_| {
            let start = scan.get_word_pos();
            for _ in 0..count {
                scan.random_range(0..count);
            }
            start
        })
        .collect();
    resamples_at(&slots, n, rng, &starts).0
}

/// The resamples starting at words `starts` of `rng`'s stream, in parallel, and where each one's
/// draws end.
fn resamples_at(
    slots: &UnitSlots,
    n: usize,
    rng: &ChaCha8Rng,
    starts: &[u128],
) -> (Vec<Vec<f64>>, Vec<u128>) {
    starts
        .par_iter()
        .map(|&start| {
            let mut rng = rng.clone();
            rng.set_word_pos(start);
            let row = resample(slots, n, &mut rng);
            (row, rng.get_word_pos())
        })
        .unzip()
}

/// One entry of a unit in [`UnitSlots`]: a strategy's score sum and seats there.
#[derive(Clone, Copy, Default)]
struct SlotEntry {
    sum: f64,
    k: u32,
    count: u32,
}

/// Bytes of a cache line, where [`UnitSlots`] start its slots.
const CACHE_LINE_BYTES: usize = 64;

/// The units' entries as the resamples read them: every unit in a slot of the same number of
/// entries (the most any unit has), so that a drawn unit's place follows from its index, with no
/// table of starts to read first; 16 bytes an entry, the slots starting on a cache line. The
/// resamples are bound by these random reads (tens of MB for a million games, each read a miss):
/// one read of one line per draw (two entries: 32 bytes) rather than two dependent ones, over less
/// memory. A unit with fewer entries is filled with entries of no seat and a zero sum for a spare
/// strategy `n` that no mean reads.
struct UnitSlots {
    entries: Vec<SlotEntry>,
    /// Where the first slot is in `entries` (past the entries that align it on a cache line).
    first: usize,
    width: usize,
    units: usize,
}

impl UnitSlots {
    fn of(units: UnitsView<'_>, n: usize) -> UnitSlots {
        let count = units.len();
        let width = (0..count)
            .map(|u| {
                let (start, end) = units.range(u);
                end - start
            })
            .max()
            .unwrap_or(0);
        let spare = SlotEntry {
            sum: 0.0,
            k: n as u32,
            count: 0,
        };
        let lead = CACHE_LINE_BYTES / std::mem::size_of::<SlotEntry>();
        let mut entries = vec![spare; lead + count * width];
        let misaligned = entries.as_ptr().addr() % CACHE_LINE_BYTES;
        let first = if misaligned.is_multiple_of(std::mem::size_of::<SlotEntry>()) {
            (CACHE_LINE_BYTES - misaligned) % CACHE_LINE_BYTES / std::mem::size_of::<SlotEntry>()
        } else {
            0
        };
        for u in 0..count {
            let at = first + u * width;
            for (slot, e) in entries[at..at + width].iter_mut().zip(units.unit(u)) {
                *slot = SlotEntry {
                    sum: e.sum,
                    k: e.k,
                    count: e.count,
                };
            }
        }
        UnitSlots {
            entries,
            first,
            width,
            units: count,
        }
    }

    /// The entries of the `u`-th unit, then its filling.
    fn unit(&self, u: usize) -> &[SlotEntry] {
        let at = self.first + u * self.width;
        &self.entries[at..at + self.width]
    }
}

/// One resample: as many units drawn with replacement as there are, and each strategy's mean
/// score over them.
fn resample(slots: &UnitSlots, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    // Strategy `n` is the fillings' (see [`UnitSlots`]).
    let mut sums = vec![0.0f64; n + 1];
    let mut counts = vec![0usize; n + 1];
    let count = slots.units;
    let mut drawn = [0usize; DRAW_BATCH];
    let mut touched = 0u32;
    let mut left = count;
    while left > 0 {
        let batch = &mut drawn[..left.min(DRAW_BATCH)];
        for u in batch.iter_mut() {
            *u = rng.random_range(0..count as u64) as usize;
        }
        // The batch's slots are first only read, in a loop that does nothing else: their misses
        // then overlap (tens at a time) instead of waiting behind the generator or the sums, and
        // the sums below find them in cache. Measured on a million games' units: a resample in a
        // third of the time of reading each unit where it is summed.
        for &u in batch.iter() {
            let slot = slots.unit(u);
            touched ^= slot[0].count ^ slot[slot.len() - 1].count;
        }
        // Then their sums, in the order drawn.
        for &u in batch.iter() {
            for e in slots.unit(u) {
                sums[e.k as usize] += e.sum;
                counts[e.k as usize] += e.count as usize;
            }
        }
        left -= batch.len();
    }
    // What the reads above found is not needed, only that they were made.
    std::hint::black_box(touched);
    means(&sums[..n], &counts[..n])
}

/// Each strategy's mean score from its resampled sum and seats (NaN without seats).
fn means(sums: &[f64], counts: &[usize]) -> Vec<f64> {
    sums.iter()
        .zip(counts)
        .map(|(&sum, &count)| {
            if count > 0 {
                sum / count as f64
            } else {
                f64::NAN
            }
        })
        .collect()
}

/// The 2.5%–97.5% quantile interval of `values` (NaN, NaN when empty).
fn interval(mut values: Vec<f64>) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    values.sort_by(f64::total_cmp);
    (quantile(&values, 0.025), quantile(&values, 0.975))
}

/// Quantile `p` of sorted, non-empty `values`, interpolating linearly between order statistics
/// (Hyndman–Fan type 7, numpy's and pandas' default).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The outcome for a seat with score `a` against a seat with score `b`.
fn outcome(a: f64, b: f64) -> Outcomes {
    if a > b {
        Outcomes::WIN
    } else if a < b {
        Outcomes::LOSS
    } else {
        Outcomes::DRAW
    }
}

/// For each seat, its comparisons with the other seats of the game held by other strategies, in
/// seat order, grouped by the seat's strategy: `strategy -> [(opponent strategy, outcome)]`.
fn comparisons(game: &GameRecord) -> BTreeMap<&str, Vec<(&str, Outcomes)>> {
    let mut results: BTreeMap<&str, Vec<(&str, Outcomes)>> = BTreeMap::new();
    for (i, a) in game.seats.iter().enumerate() {
        for (j, b) in game.seats.iter().enumerate() {
            if i != j && a.strategy != b.strategy {
                results
                    .entry(&a.strategy)
                    .or_default()
                    .push((&b.strategy, outcome(a.score, b.score)));
            }
        }
    }
    results
}

#[derive(Clone, Copy, Debug, Default)]
struct Ratings {
    elo: EloRating,
    glicko2: Glicko2Rating,
    trueskill: TrueSkillRating,
}

/// Update `table` (Elo, Glicko-2 and TrueSkill of every strategy) with the next game.
fn rate(table: &mut HashMap<Arc<str>, Ratings>, game: &GameRecord) {
    let elo_config = EloConfig::new();
    let glicko2_config = Glicko2Config::new();
    let trueskill_config = TrueSkillConfig::new();
    for seat in &game.seats {
        if !table.contains_key(&*seat.strategy) {
            table.insert(seat.strategy.clone(), Ratings::default());
        }
    }
    let updates: Vec<(&str, Ratings)> = comparisons(game)
        .into_iter()
        .map(|(player, results)| {
            let me = table[player];
            let opponents: Vec<(Ratings, Outcomes)> =
                results.iter().map(|&(o, out)| (table[o], out)).collect();
            let elos: Vec<(EloRating, Outcomes)> =
                opponents.iter().map(|(r, o)| (r.elo, *o)).collect();
            let glicko2: Vec<(Glicko2Rating, Outcomes)> =
                opponents.iter().map(|(r, o)| (r.glicko2, *o)).collect();
            let trueskill: Vec<(TrueSkillRating, Outcomes)> =
                opponents.iter().map(|(r, o)| (r.trueskill, *o)).collect();
            let new = Ratings {
                elo: EloRating {
                    rating: me.elo.rating
                        + elos
                            .iter()
                            .map(|(o, out)| {
                                elo(&me.elo, o, out, &elo_config).0.rating - me.elo.rating
                            })
                            .sum::<f64>(),
                },
                glicko2: glicko2_rating_period(&me.glicko2, &glicko2, &glicko2_config),
                trueskill: trueskill_rating_period(&me.trueskill, &trueskill, &trueskill_config),
            };
            (player, new)
        })
        .collect();
    for (player, new) in updates {
        *table.get_mut(player).expect("inserted above") = new;
    }
}

/// Bradley–Terry strengths of every strategy of `wins` (its win points against each opponent it
/// met), with `prior` pseudo-wins each way per pair that met.
fn bradley_terry(
    table: &BTreeMap<Arc<str>, BTreeMap<Arc<str>, f64>>,
    prior: f64,
) -> BTreeMap<String, f64> {
    let names: Vec<&str> = table.keys().map(|k| &**k).collect();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let n = names.len();
    let mut wins = vec![vec![0.0f64; n]; n];
    let mut met = vec![vec![false; n]; n];
    for (player, row) in table {
        let i = index[&**player];
        for (opponent, points) in row {
            let j = index[&**opponent];
            met[i][j] = true;
            wins[i][j] += points;
        }
    }
    for i in 0..n {
        for j in 0..n {
            if met[i][j] {
                wins[i][j] += prior;
            }
        }
    }
    let strengths = bt_fit(&wins);
    names
        .into_iter()
        .zip(strengths)
        .map(|(name, p)| (name.to_string(), p))
        .collect()
}

/// Hunter's MM iteration for Bradley–Terry on a win matrix (`wins[i][j]`: i's wins over j), with
/// simultaneous updates, each connected component normalised to geometric mean 1 after every step.
/// NaN for a player with no comparison. Expects every player with comparisons to have some wins.
fn bt_fit(wins: &[Vec<f64>]) -> Vec<f64> {
    let n = wins.len();
    let pairs = |i: usize, j: usize| wins[i][j] + wins[j][i];
    let total: Vec<f64> = wins.iter().map(|row| row.iter().sum()).collect();
    // Connected components of the "met" graph.
    let mut component = vec![usize::MAX; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for start in 0..n {
        if component[start] != usize::MAX || (0..n).all(|j| j == start || pairs(start, j) == 0.0) {
            continue;
        }
        let id = components.len();
        let mut members = vec![start];
        component[start] = id;
        let mut next = 0;
        while next < members.len() {
            let i = members[next];
            next += 1;
            for (j, slot) in component.iter_mut().enumerate() {
                if j != i && *slot == usize::MAX && pairs(i, j) > 0.0 {
                    *slot = id;
                    members.push(j);
                }
            }
        }
        members.sort_unstable();
        components.push(members);
    }
    let mut p: Vec<f64> = (0..n)
        .map(|i| {
            if component[i] == usize::MAX {
                f64::NAN
            } else {
                1.0
            }
        })
        .collect();
    for _ in 0..BT_MAX_ITERATIONS {
        let mut next = p.clone();
        for members in &components {
            for &i in members {
                let denominator: f64 = members
                    .iter()
                    .filter(|&&j| j != i)
                    .map(|&j| pairs(i, j) / (p[i] + p[j]))
                    .sum();
                next[i] = total[i] / denominator;
            }
            let log_mean =
                members.iter().map(|&i| next[i].ln()).sum::<f64>() / members.len() as f64;
            for &i in members {
                next[i] /= log_mean.exp();
            }
        }
        let change = components
            .iter()
            .flatten()
            .map(|&i| (next[i].ln() - p[i].ln()).abs())
            .fold(0.0f64, f64::max);
        p = next;
        if change.is_nan() || change < BT_TOLERANCE {
            break;
        }
    }
    p
}

/// A number for CSV: shortest round-trip formatting, empty when not finite.
pub fn number_text(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

/// A number for the terminal table: fixed decimals, `—` when not finite.
fn shown(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        fixed(x, decimals)
    } else {
        "—".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_counts_give_the_quantiles_of_the_sorted_months() {
        let months = [30u32, 7, 30, 12, 99, 7, 7, 41];
        let mut counts = MonthCounts::default();
        let mut sorted: Vec<f64> = Vec::new();
        for (i, &m) in months.iter().enumerate() {
            counts.add(m);
            sorted.push(f64::from(m));
            sorted.sort_by(f64::total_cmp);
            for p in [0.0, 0.1, 0.25, 0.5, 0.9, 0.975, 1.0] {
                assert_eq!(
                    counts.quantile(p).to_bits(),
                    quantile(&sorted, p).to_bits(),
                    "{} months, p {p}",
                    i + 1
                );
            }
        }
        assert_eq!(counts.len(), 8);
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            vec![(7, 3), (12, 1), (30, 2), (41, 1), (99, 1)]
        );
    }

    /// A game with `(nation, strategy, score)` seats; the winner is the unique top score, if any.
    fn game(
        game_id: u64,
        unit: u64,
        seats: &[(&str, &str, f64)],
        asi_month: Option<u32>,
    ) -> GameRecord {
        let top = seats.iter().map(|s| s.2).fold(f64::NEG_INFINITY, f64::max);
        let leaders: Vec<&str> = seats.iter().filter(|s| s.2 == top).map(|s| s.0).collect();
        GameRecord {
            game_id,
            unit,
            scenario: "test".to_string(),
            seed: unit * 7 + 1,
            world: None,
            seats: seats
                .iter()
                .map(|&(nation, strategy, score)| SeatRecord {
                    nation: nation.into(),
                    strategy: strategy.into(),
                    score,
                    capability: 0.0,
                    asi_month: None,
                    capability_by_year: Vec::new(),
                    ..SeatRecord::default()
                })
                .collect(),
            winner: (leaders.len() == 1).then(|| leaders[0].into()),
            decided_by: "horizon".to_string(),
            months_played: 120,
            asi_month,
            faults: Vec::new(),
            ..GameRecord::default()
        }
    }

    /// A 2-seat game: usa plays `a` with score `sa`, chn plays `b` with `1 - sa`.
    fn duel(game_id: u64, unit: u64, a: &str, b: &str, sa: f64) -> GameRecord {
        game(game_id, unit, &[("usa", a, sa), ("chn", b, 1.0 - sa)], None)
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn row<'a>(table: &'a [Standing], name: &str) -> &'a Standing {
        table.iter().find(|s| s.strategy == name).unwrap()
    }

    /// Two units of seat-swapped games between A and B: A wins, A wins; draw, B wins.
    fn four_games() -> Vec<GameRecord> {
        vec![
            duel(0, 0, "A", "B", 1.0),
            duel(1, 0, "B", "A", 0.0),
            duel(2, 1, "A", "B", 0.5),
            duel(3, 1, "B", "A", 1.0),
        ]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn counts_means_and_ranks_on_four_games() {
        let table = standings(&four_games(), &names(&["B", "A"]), 7, 200);
        assert_eq!(table.len(), 2);
        let a = &table[0];
        assert_eq!((a.strategy.as_str(), a.rank), ("A", 1));
        assert_eq!((a.games, a.wins, a.draws, a.losses), (4, 2, 1, 1));
        assert!(close(a.mean_score, 0.625));
        let b = &table[1];
        assert_eq!((b.strategy.as_str(), b.rank), ("B", 2));
        assert_eq!((b.games, b.wins, b.draws, b.losses), (4, 1, 1, 2));
        assert!(close(b.mean_score, 0.375));
        // Unit 0 alone gives A 1.0, unit 1 alone 0.25: every resample lies in between.
        assert!(a.ci_low >= 0.25 - 1e-12 && a.ci_high <= 1.0 + 1e-12);
        // With two units the paired difference ranges over -0.5, 0.25 and 1: not distinguishable.
        assert_eq!(a.tied_with, vec!["B".to_string()]);
        assert_eq!(b.tied_with, vec!["A".to_string()]);
    }

    #[test]
    fn a_draw_counts_for_both_and_leaves_equal_elo_alone() {
        let records = vec![duel(0, 0, "A", "B", 0.5)];
        assert_eq!(records[0].winner, None);
        let table = standings(&records, &names(&["A", "B"]), 1, 50);
        for s in &table {
            assert_eq!((s.games, s.wins, s.draws, s.losses), (1, 0, 1, 0));
            assert!(close(s.mean_score, 0.5));
            assert!(close(s.elo, 1000.0));
            assert!(close(s.glicko2, 1500.0));
            assert!(close(s.trueskill_mu, 25.0));
            assert!(close(s.bradley_terry, 1.0));
        }
        // Equal means: rank by name.
        assert_eq!(table[0].strategy, "A");
        assert_eq!(table[1].strategy, "B");
    }

    #[test]
    fn payoff_matrix_of_four_games() {
        let strategies = names(&["A", "B", "C"]);
        let m = payoff_matrix(&four_games(), &strategies);
        assert_eq!(m[0][0], None);
        assert!(close(m[0][1].unwrap(), 0.625));
        assert!(close(m[1][0].unwrap(), 0.375));
        assert_eq!(m[1][1], None);
        assert_eq!(m[0][2], None);
        assert_eq!(m[2], vec![None, None, None]);
    }

    #[test]
    fn payoff_matrix_of_three_seats_and_self_play() {
        let records = vec![
            game(
                0,
                0,
                &[("usa", "A", 1.0), ("chn", "B", 0.5), ("eu", "C", 0.0)],
                None,
            ),
            duel(1, 1, "A", "A", 1.0),
            duel(2, 1, "A", "A", 0.0),
            duel(3, 2, "A", "A", 0.5),
        ];
        let m = payoff_matrix(&records, &names(&["A", "B", "C"]));
        let expected = [
            [Some(0.5), Some(1.0), Some(1.0)],
            [Some(0.5), None, Some(0.5)],
            [Some(0.0), Some(0.0), None],
        ];
        for (r, row) in expected.iter().enumerate() {
            assert_eq!(m[r], row.to_vec(), "row {r}");
        }
    }

    #[test]
    fn self_play_changes_no_rating() {
        let records = vec![duel(0, 0, "A", "A", 1.0), duel(1, 0, "A", "A", 0.0)];
        let table = standings(&records, &names(&["A"]), 3, 20);
        let a = &table[0];
        // Two games, two seats each.
        assert_eq!((a.games, a.wins, a.draws, a.losses), (4, 2, 0, 2));
        assert!(close(a.mean_score, 0.5));
        assert_eq!(a.elo, 1000.0);
        assert_eq!((a.glicko2, a.glicko2_deviation), (1500.0, 350.0));
        assert_eq!((a.trueskill_mu, a.trueskill_sigma), (25.0, 25.0 / 3.0));
        assert!(a.bradley_terry.is_nan());
    }

    #[test]
    fn elo_of_the_winner_goes_up_symmetrically() {
        let records = vec![duel(0, 0, "A", "B", 1.0)];
        let table = standings(&records, &names(&["A", "B"]), 1, 10);
        let (a, b) = (row(&table, "A"), row(&table, "B"));
        assert!(close(a.elo, 1016.0));
        assert!(close(b.elo, 984.0));
        assert!(close(a.elo - 1000.0, 1000.0 - b.elo));
        assert!(close(a.glicko2 - 1500.0, 1500.0 - b.glicko2));
        assert!(a.glicko2 > 1500.0);
        assert!(close(a.glicko2_deviation, b.glicko2_deviation));
        assert!(close(a.trueskill_mu - 25.0, 25.0 - b.trueskill_mu));
        assert!(a.trueskill_mu > 25.0);
        assert!(a.trueskill_sigma < 25.0 / 3.0);
        assert!(a.bradley_terry > 1.0 && close(a.bradley_terry * b.bradley_terry, 1.0));
    }

    #[test]
    fn three_seat_games_decompose_into_pairs() {
        let records = vec![game(
            0,
            0,
            &[("usa", "A", 1.0), ("chn", "B", 0.5), ("eu", "C", 0.0)],
            None,
        )];
        let table = standings(&records, &names(&["A", "B", "C"]), 1, 10);
        let (a, b, c) = (row(&table, "A"), row(&table, "B"), row(&table, "C"));
        assert!(a.elo > b.elo && b.elo > c.elo);
        // Pairwise changes from the pre-game 1000s, added: A +32, B +16 - 16, C -32.
        assert!(close(a.elo, 1032.0));
        assert!(close(b.elo, 1000.0));
        assert!(close(c.elo, 968.0));
        assert!(a.glicko2 > b.glicko2 && b.glicko2 > c.glicko2);
        assert!(a.trueskill_mu > b.trueskill_mu && b.trueskill_mu > c.trueskill_mu);
        assert!(a.bradley_terry > b.bradley_terry && b.bradley_terry > c.bradley_terry);
        assert_eq!((a.wins, b.losses, c.losses), (1, 1, 1));
    }

    #[test]
    fn bradley_terry_known_answers_without_prior() {
        // A beats B 2 of 3: strength ratio 2, geometric mean 1.
        let p = bt_fit(&[vec![0.0, 2.0], vec![1.0, 0.0]]);
        assert!(close(p[0] / p[1], 2.0));
        assert!(close(p[0] * p[1], 1.0));
        // Data generated exactly by strengths 4 : 2 : 1 (A beats B 2-1, A beats C 4-1, B beats C
        // 2-1) is its own maximum-likelihood fit: (2, 1, 0.5) at geometric mean 1.
        let p = bt_fit(&[
            vec![0.0, 2.0, 4.0],
            vec![1.0, 0.0, 2.0],
            vec![1.0, 1.0, 0.0],
        ]);
        assert!(
            close(p[0], 2.0) && close(p[1], 1.0) && close(p[2], 0.5),
            "{p:?}"
        );
    }

    #[test]
    fn bradley_terry_prior_is_small_and_keeps_the_undefeated_finite() {
        // 200 wins to 100: the prior moves the ratio from 2 to 200.5 / 100.5.
        let mut records = Vec::new();
        for g in 0..300 {
            records.push(duel(g, g / 2, "A", "B", if g < 200 { 1.0 } else { 0.0 }));
        }
        let table = standings(&records, &names(&["A", "B"]), 1, 10);
        let ratio = row(&table, "A").bradley_terry / row(&table, "B").bradley_terry;
        assert!(close(ratio, 200.5 / 100.5));
        assert!((ratio - 2.0).abs() < 0.01);
        // Undefeated 3-0: (3 + 0.5) / 0.5 = 7, not infinite.
        let records: Vec<GameRecord> = (0..3).map(|g| duel(g, g, "A", "B", 1.0)).collect();
        let table = standings(&records, &names(&["A", "B"]), 1, 10);
        let ratio = row(&table, "A").bradley_terry / row(&table, "B").bradley_terry;
        assert!(close(ratio, 7.0));
    }

    #[test]
    fn bradley_terry_normalises_each_group_that_met() {
        let records = vec![
            duel(0, 0, "A", "B", 1.0),
            duel(1, 0, "A", "B", 1.0),
            duel(2, 1, "C", "D", 0.0),
        ];
        let table = standings(&records, &names(&["A", "B", "C", "D"]), 1, 10);
        let bt = |n: &str| row(&table, n).bradley_terry;
        assert!(close(bt("A") * bt("B"), 1.0));
        assert!(close(bt("C") * bt("D"), 1.0));
        assert!(close(bt("A") / bt("B"), 5.0));
        assert!(close(bt("D") / bt("C"), 3.0));
    }

    /// A small mixed tournament: 2-seat games among four strategies and some 3-seat games.
    fn tournament() -> Vec<GameRecord> {
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let specs = ["A", "B", "C", "D"];
        let mut records = Vec::new();
        let mut id = 0;
        for unit in 0..30u64 {
            let a = specs[rng.random_range(0..4usize)];
            let b = specs[rng.random_range(0..4usize)];
            let c = specs[rng.random_range(0..4usize)];
            for swap in 0..2 {
                let sa: f64 = [0.0, 0.5, 1.0][rng.random_range(0..3usize)];
                if unit % 5 == 4 {
                    let mut scores = [1.0, 0.5, 0.0];
                    scores.rotate_left(rng.random_range(0..3usize));
                    records.push(game(
                        id,
                        unit,
                        &[
                            ("usa", a, scores[0]),
                            ("chn", b, scores[1]),
                            ("eu", c, scores[2]),
                        ],
                        Some(rng.random_range(20..100u32)),
                    ));
                } else if swap == 0 {
                    records.push(duel(id, unit, a, b, sa));
                } else {
                    records.push(duel(id, unit, b, a, sa));
                }
                id += 1;
            }
        }
        records
    }

    #[test]
    fn slice_order_does_not_matter() {
        let records = tournament();
        let strategies = names(&["A", "B", "C", "D"]);
        let base = standings(&records, &strategies, 5, 300);
        let mut shuffled = records.clone();
        shuffled.reverse();
        shuffled.rotate_left(17);
        assert_eq!(standings(&shuffled, &strategies, 5, 300), base);
        assert_eq!(
            payoff_matrix(&shuffled, &strategies),
            payoff_matrix(&records, &strategies)
        );
        assert_eq!(asi_arrival(&shuffled), asi_arrival(&records));
    }

    #[test]
    fn game_order_moves_online_ratings_but_not_bradley_terry() {
        let records = tournament();
        let strategies = names(&["A", "B", "C", "D"]);
        let base = standings(&records, &strategies, 5, 100);
        // Same games, played in the reverse order.
        let last = records.len() as u64 - 1;
        let reversed: Vec<GameRecord> = records
            .iter()
            .map(|g| GameRecord {
                game_id: last - g.game_id,
                ..g.clone()
            })
            .collect();
        let other = standings(&reversed, &strategies, 5, 100);
        for s in &base {
            let t = row(&other, &s.strategy);
            assert_eq!(s.bradley_terry, t.bradley_terry, "{}", s.strategy);
            assert_eq!(s.mean_score, t.mean_score);
            assert_eq!((s.wins, s.draws, s.losses), (t.wins, t.draws, t.losses));
        }
        assert!(base.iter().any(|s| s.elo != row(&other, &s.strategy).elo));
    }

    /// The bootstrap as it was written before it ran in parallel: one generator, the resamples one
    /// after the other.
    fn sequential_bootstrap(
        units: &UnitTallies,
        n: usize,
        seed: u64,
        resamples: usize,
    ) -> Vec<Vec<f64>> {
        if units.entries.is_empty() {
            return Vec::new();
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let count = units.len();
        (0..resamples)
            .map(|_| {
                let mut sums = vec![0.0f64; n];
                let mut counts = vec![0usize; n];
                for _ in 0..count {
                    let u = rng.random_range(0..count as u64) as usize;
                    for e in units.unit(u) {
                        sums[e.k as usize] += e.sum;
                        counts[e.k as usize] += e.count as usize;
                    }
                }
                means(&sums, &counts)
            })
            .collect()
    }

    /// The unit tallies of [`tournament`] with strategies A–D as 0–3, and 4 (no seat) listed too.
    fn tournament_units() -> UnitTallies {
        let mut units = UnitTallies::default();
        for game in tournament() {
            for seat in &game.seats {
                let k = ["A", "B", "C", "D"]
                    .iter()
                    .position(|s| **s == *seat.strategy);
                units.add(game.unit, k.expect("listed") as u32, seat.score);
            }
        }
        units
    }

    fn same_bits(a: &[Vec<f64>], b: &[Vec<f64>]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
            })
    }

    #[test]
    fn parallel_bootstrap_is_the_sequential_one_bit_for_bit_whatever_the_threads() {
        let units = tournament_units();
        let n = 5;
        for (seed, resamples) in [(11, 500), (12, 1), (13, 97)] {
            let sequential = sequential_bootstrap(&units, n, seed, resamples);
            assert_eq!(sequential.len(), resamples);
            let view = units.view();
            for threads in [1, 2, 3] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let parallel = pool.install(|| bootstrap(view, n, seed, resamples));
                assert!(
                    same_bits(&parallel, &sequential),
                    "{threads} threads, seed {seed}"
                );
            }
        }
        assert!(bootstrap(UnitTallies::default().view(), n, 11, 10).is_empty());
    }

    #[test]
    fn units_of_every_width_resample_as_read_one_by_one() {
        // Units holding one, two or three strategies (the slots are as wide as the widest, the
        // rest filled), with negative and zero scores.
        let mut units = UnitTallies::default();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for unit in 0..300u64 {
            for k in 0..(1 + unit % 3) as u32 {
                for _ in 0..2 {
                    let score = match rng.random_range(0..4u32) {
                        0 => 0.0,
                        1 => -0.0,
                        _ => rng.random::<f64>() - 0.5,
                    };
                    units.add(unit, (k * 2 + unit as u32) % 5, score);
                }
            }
        }
        let n = 6;
        let slots = UnitSlots::of(units.view(), n);
        assert_eq!(slots.width, 3);
        for seed in [1, 2] {
            assert!(same_bits(
                &bootstrap(units.view(), n, seed, 40),
                &sequential_bootstrap(&units, n, seed, 40)
            ));
        }
    }

    #[test]
    fn wrongly_guessed_resample_starts_are_found_by_drawing_through_the_stream() {
        let units = tournament_units();
        let (n, seed, resamples) = (5, 11, 50);
        let sequential = sequential_bootstrap(&units, n, seed, resamples);
        let rng = ChaCha8Rng::seed_from_u64(seed);
        let per_resample = units.len() as u128 * WORDS_PER_DRAW;
        // One word off from the tenth resample on, all at the start, the first one off.
        let guesses: [Vec<u128>; 3] = [
            (0..resamples as u128)
                .map(|r| r * per_resample + u128::from(r >= 10))
                .collect(),
            vec![0; resamples],
            (0..resamples as u128)
                .map(|r| r * per_resample + 2)
                .collect(),
        ];
        for guessed in guesses {
            let found = bootstrap_from(units.view(), n, &rng, guessed);
            assert!(same_bits(&found, &sequential));
        }
    }

    #[test]
    fn bootstrap_is_deterministic_and_contains_the_mean() {
        let records = tournament();
        let strategies = names(&["A", "B", "C", "D"]);
        let first = standings(&records, &strategies, 11, 500);
        assert_eq!(standings(&records, &strategies, 11, 500), first);
        for s in &first {
            assert!(
                s.ci_low <= s.mean_score && s.mean_score <= s.ci_high,
                "{s:?}"
            );
            assert!(s.ci_low < s.ci_high);
        }
        let other = standings(&records, &strategies, 12, 500);
        assert!(first.iter().zip(&other).any(|(a, b)| a.ci_low != b.ci_low));
        // No resamples: no interval, no ties.
        for s in standings(&records, &strategies, 11, 0) {
            assert!(s.ci_low.is_nan() && s.ci_high.is_nan());
            assert!(s.tied_with.is_empty());
        }
    }

    #[test]
    fn ties_use_paired_differences_then_interval_overlap() {
        // A always beats B, C always beats D; A and C never share a unit.
        let mut records = Vec::new();
        for unit in 0..10 {
            records.push(duel(4 * unit, unit, "A", "B", 1.0));
            records.push(duel(4 * unit + 1, unit, "B", "A", 0.0));
            records.push(duel(4 * unit + 2, unit + 100, "C", "D", 1.0));
            records.push(duel(4 * unit + 3, unit + 100, "D", "C", 0.0));
        }
        let table = standings(&records, &names(&["A", "B", "C", "D"]), 2, 200);
        let tied = |n: &str| row(&table, n).tied_with.clone();
        // Paired: A - B is 1 in every resample. Overlap: A's and C's intervals are both [1, 1].
        assert_eq!(tied("A"), names(&["C"]));
        assert_eq!(tied("C"), names(&["A"]));
        assert_eq!(tied("B"), names(&["D"]));
        assert_eq!(
            table.iter().map(|s| s.rank).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
        assert_eq!(table[0].strategy, "A");
        assert_eq!(table[1].strategy, "C");
    }

    #[test]
    fn strategies_without_games_come_last() {
        let table = standings(&four_games(), &names(&["Z", "A", "B", "A"]), 1, 10);
        assert_eq!(table.len(), 3);
        let z = &table[2];
        assert_eq!((z.strategy.as_str(), z.rank, z.games), ("Z", 3, 0));
        assert!(z.mean_score.is_nan() && z.bradley_terry.is_nan());
        assert!(z.tied_with.is_empty());
        assert!(!table[0].tied_with.contains(&"Z".to_string()));
        let csv = standings_csv(&table);
        assert!(
            csv.lines()
                .nth(3)
                .unwrap()
                .starts_with("Z,0,0,0,0,,,,3,,1000,1500,350,25,")
        );
    }

    #[test]
    fn the_printed_table_fits_100_columns_with_long_specs_and_many_ties() {
        let mut specs: Vec<String> = [
            "status-quo",
            "builder",
            "scaler",
            "driller",
            "algorithmist",
            "denier",
            "inference-heavy",
            "balanced",
            "parametric(compute_share: 0.6, dereg_month: 12)",
            "random(orders_per_month: 2)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        specs.push("parametric(compute_share: 0.7)".into());
        let table: Vec<Standing> = specs
            .iter()
            .enumerate()
            .map(|(k, name)| Standing {
                strategy: name.clone(),
                games: 1_999_998,
                wins: 999_999,
                draws: 99_999,
                losses: 899_999,
                mean_score: 0.5,
                ci_low: 0.4995,
                ci_high: 0.5005,
                rank: k + 1,
                tied_with: specs.iter().filter(|s| *s != name).cloned().collect(),
                elo: 1000.0,
                glicko2: 1500.0,
                glicko2_deviation: 60.0,
                trueskill_mu: 25.0,
                trueskill_sigma: 0.8,
                bradley_terry: 1.0,
            })
            .collect();
        let text = render_table(&table);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 100,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        assert!(text.contains("parametric(…)#1 = parametric(compute_share: 0.6, dereg_month: 12)"));
        assert!(
            text.contains("random(…) = random(orders_per_month: 2)"),
            "{text}"
        );
        assert!(text.contains(" 2-11 "), "ties as a range: {text}");
    }

    #[test]
    fn standings_csv_header_and_rows() {
        let table = standings(&[duel(0, 0, "A", "B", 1.0)], &names(&["A", "B"]), 1, 10);
        let csv = standings_csv(&table);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "strategy,games,wins,draws,losses,mean_score,ci_low,ci_high,rank,tied_with,elo,glicko2,glicko2_deviation,trueskill_mu,trueskill_sigma,bradley_terry"
        );
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("A,1,1,0,0,1,1,1,1,,1016,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("B,1,0,0,1,0,0,0,2,,984,"),
            "{}",
            lines[2]
        );
        assert!(csv.ends_with('\n'));
        let text = render_table(&table);
        assert!(text.starts_with("rank  strategy  games"), "{text}");
        assert_eq!(
            text.lines().count(),
            5,
            "header, rule, two rows, where the ratings are"
        );
    }

    #[test]
    fn csv_quotes_names_with_commas_and_quotes() {
        let spec = "parametric(compute_share: 0.6, dereg_month: 12)";
        let strategies = vec![spec.to_string(), "say \"hi\"".to_string()];
        let records = vec![duel(0, 0, spec, "say \"hi\"", 1.0)];
        let csv = payoff_csv(&strategies, &payoff_matrix(&records, &strategies));
        assert_eq!(
            csv,
            "strategy,\"parametric(compute_share: 0.6, dereg_month: 12)\",\"say \"\"hi\"\"\"\n\
             \"parametric(compute_share: 0.6, dereg_month: 12)\",,1\n\
             \"say \"\"hi\"\"\",0,\n"
        );
        let table = standings(&records, &strategies, 1, 10);
        let csv = standings_csv(&table);
        assert!(
            csv.lines()
                .nth(1)
                .unwrap()
                .starts_with("\"parametric(compute_share: 0.6, dereg_month: 12)\",1,")
        );
        let tied = standings(
            &[duel(0, 0, spec, "x,y", 0.5)],
            &[spec.to_string(), "x,y".to_string()],
            1,
            10,
        );
        assert_eq!(tied[0].tied_with, vec!["x,y".to_string()]);
        assert!(standings_csv(&tied).contains(",1,\"x,y\",1000,"));
    }

    #[test]
    fn arrival_percentiles_per_pairing() {
        let mut records = Vec::new();
        for (i, month) in [Some(40), None, Some(10), Some(30), Some(20)]
            .into_iter()
            .enumerate()
        {
            let (a, b) = if i % 2 == 0 { ("A", "B") } else { ("B", "A") };
            let mut g = duel(i as u64, i as u64 / 2, a, b, 1.0);
            g.asi_month = month;
            records.push(g);
        }
        records.push(duel(9, 9, "A", "C", 1.0));
        let arrivals = asi_arrival(&records);
        assert_eq!(arrivals.len(), 2);
        let ab = &arrivals[0];
        assert_eq!(ab.pairing, names(&["A", "B"]));
        assert_eq!(ab.games, 5);
        assert!(close(ab.share_with_asi, 0.8));
        // Months 10, 20, 30, 40: type-7 quantiles.
        assert!(close(ab.p10.unwrap(), 13.0));
        assert!(close(ab.p50.unwrap(), 25.0));
        assert!(close(ab.p90.unwrap(), 37.0));
        let ac = &arrivals[1];
        assert_eq!((ac.games, ac.share_with_asi, ac.p50), (1, 0.0, None));
        assert_eq!(
            arrival_csv(&arrivals, None),
            "pairing,games,share_with_asi,p10_month,p50_month,p90_month,p10_date,p50_date,\
             p90_date\n\
             A vs B,5,0.8,13,25,37,,,\n\
             A vs C,1,0,,,,,,\n"
        );
        // Month 13 of a run starting in 2025 is February 2026; 37 is February 2028.
        assert!(
            arrival_csv(&arrivals, Some(2025))
                .contains("A vs B,5,0.8,13,25,37,2026-02,2027-02,2028-02\n")
        );
    }
}

//! The per-nation and per-matchup view of a tournament: who wins in which seat.
//!
//! The overall standings average a strategy over every seat it played, and the payoff matrix
//! averages the two seat orders of a pairing, so a race decided by the seat (one nation winning
//! nine games in ten whoever plays it) shows as scores near 0.5 there. These tables keep the seat:
//!
//! - `seat_standings.csv`: one row per nation and strategy (the strategy's games in that seat);
//! - `matchups.csv`: one row per lineup (which strategy sat in which nation) and seat;
//! - `games.csv`: one row per game, with the `gigawatt play` command that replays it.
//!
//! All three are tallied from `games.jsonl` in game-id order. The two summaries keep a running
//! mean and variance per row (nothing grows with the games), and `games.csv` is streamed, so they
//! cost no more memory for a million games than for ten. docs/data.md lists their columns.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::TournamentConfig;
use super::record::{GameRecord, seed_high, seed_low};
use super::store::{GAMES_FILE, for_each_game_by_id};
use crate::data::{self, AtomicFile, number};
use crate::error::{Context, Result};
use crate::format::month_label;
use crate::format::shell_word;

pub const SEAT_STANDINGS_FILE: &str = "seat_standings.csv";
pub const MATCHUPS_FILE: &str = "matchups.csv";
pub const GAME_LIST_FILE: &str = "games.csv";

/// The two-sided 95% normal quantile.
const Z95: f64 = 1.959_963_984_540_054;

/// Student's t two-sided 95% quantiles for 1 to 30 degrees of freedom.
const T95: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The two-sided 95% quantile of Student's t with `df` degrees of freedom: the table up to 30,
/// then the Cornish–Fisher expansion around the normal quantile (within 0.001 there), so a mean of
/// a few games gets the wide interval it deserves rather than the normal one.
pub fn t95(df: u64) -> f64 {
    match df {
        0 => f64::NAN,
        1..=30 => T95[df as usize - 1],
        _ => {
            let (z, v) = (Z95, df as f64);
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// Wins, draws, losses and a running mean and variance of the score (Welford), for one row of a
/// drill-down table.
///
/// The interval is Student's `mean ± t(n − 1) sd / sqrt(n)`, clamped to [0, 1]: within one seat a
/// strategy plays one game per unit (seed), so its games are independent draws, and a running
/// variance needs no per-game memory (a bootstrap would). It is close to the bootstrap's for the
/// tens of games a row usually holds, and honestly wide for a few; with fewer than two games it is
/// undefined (NaN).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ScoreTally {
    pub games: u64,
    pub wins: u64,
    pub draws: u64,
    pub losses: u64,
    mean: f64,
    m2: f64,
}

impl ScoreTally {
    /// Add one seat's game: its score and whether it won (`Some(true)`), lost (`Some(false)`) or
    /// nobody won (`None`).
    pub fn add(&mut self, score: f64, won: Option<bool>) {
        self.games += 1;
        match won {
            Some(true) => self.wins += 1,
            Some(false) => self.losses += 1,
            None => self.draws += 1,
        }
        let delta = score - self.mean;
        self.mean += delta / self.games as f64;
        self.m2 += delta * (score - self.mean);
    }

    /// Mean score (NaN without games).
    pub fn mean(&self) -> f64 {
        if self.games == 0 { f64::NAN } else { self.mean }
    }

    /// The sample variance of the scores (NaN with fewer than two games).
    pub fn variance(&self) -> f64 {
        if self.games < 2 {
            f64::NAN
        } else {
            self.m2 / (self.games - 1) as f64
        }
    }

    /// The 95% interval of the mean score (NaN with fewer than two games).
    pub fn interval(&self) -> (f64, f64) {
        if self.games < 2 {
            return (f64::NAN, f64::NAN);
        }
        let n = self.games as f64;
        let sd = (self.m2 / (n - 1.0)).max(0.0).sqrt();
        let half = t95(self.games - 1) * sd / n.sqrt();
        (
            (self.mean - half).clamp(0.0, 1.0),
            (self.mean + half).clamp(0.0, 1.0),
        )
    }
}

/// Who sat where in a game: `(nation, strategy)` in seat order.
pub type Lineup = Vec<(Arc<str>, Arc<str>)>;

/// `usa=builder vs chn=scaler`.
pub fn lineup_text(lineup: &[(Arc<str>, Arc<str>)]) -> String {
    lineup
        .iter()
        .map(|(n, s)| format!("{n}={s}"))
        .collect::<Vec<_>>()
        .join(" vs ")
}

/// One game's seat: did it win (`Some(true)`), lose, or did nobody win (`None`)?
fn result_of(game: &GameRecord, nation: &str) -> Option<bool> {
    game.winner.as_deref().map(|w| w == nation)
}

/// The per-seat tallies of a tournament's games, added in game-id order.
#[derive(Clone, Debug, Default)]
pub struct DrilldownTally {
    /// Nations in order of first appearance (scenario order).
    pub nations: Vec<Arc<str>>,
    /// Every game's seats pooled by nation, whatever the strategy: the seat's own advantage.
    pub nation_totals: BTreeMap<Arc<str>, ScoreTally>,
    /// Per (nation, strategy).
    pub seats: BTreeMap<(Arc<str>, Arc<str>), ScoreTally>,
    /// Per lineup, one tally per seat; and the lineups in order of first appearance.
    matchups: BTreeMap<Lineup, Vec<ScoreTally>>,
    lineups: Vec<Lineup>,
}

/// One nation-and-strategy row of the seat standings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SeatStandingRow {
    pub nation: String,
    pub strategy: String,
    pub games: u64,
    pub wins: u64,
    pub draws: u64,
    pub losses: u64,
    #[serde(serialize_with = "number::compact")]
    pub mean_score: f64,
    #[serde(serialize_with = "number::compact")]
    pub ci_low: f64,
    #[serde(serialize_with = "number::compact")]
    pub ci_high: f64,
    /// Its place among the strategies that played this nation, by mean score (1 first).
    pub rank_in_seat: u32,
}

/// One seat of one lineup in the matchup table.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MatchupRow {
    /// `usa=builder vs chn=scaler`: who sat where.
    pub lineup: String,
    /// Games the lineup played (the same on each of its rows).
    pub games: u64,
    /// Position of the seat (0-based) and who sat there.
    pub seat: u32,
    pub nation: String,
    pub strategy: String,
    pub wins: u64,
    pub draws: u64,
    pub losses: u64,
    #[serde(serialize_with = "number::compact")]
    pub mean_score: f64,
    #[serde(serialize_with = "number::compact")]
    pub ci_low: f64,
    #[serde(serialize_with = "number::compact")]
    pub ci_high: f64,
}

impl DrilldownTally {
    /// Add the next game, in game-id order.
    pub fn add(&mut self, game: &GameRecord) {
        let mut lineup: Lineup = Vec::with_capacity(game.seats.len());
        for seat in &game.seats {
            if !self.nations.contains(&seat.nation) {
                self.nations.push(seat.nation.clone());
            }
            let won = result_of(game, &seat.nation);
            self.nation_totals
                .entry(seat.nation.clone())
                .or_default()
                .add(seat.score, won);
            self.seats
                .entry((seat.nation.clone(), seat.strategy.clone()))
                .or_default()
                .add(seat.score, won);
            lineup.push((seat.nation.clone(), seat.strategy.clone()));
        }
        let tallies = match self.matchups.get_mut(&lineup) {
            Some(t) => t,
            None => {
                self.lineups.push(lineup.clone());
                self.matchups
                    .entry(lineup)
                    .or_insert_with(|| vec![ScoreTally::default(); game.seats.len()])
            }
        };
        for (tally, seat) in tallies.iter_mut().zip(&game.seats) {
            tally.add(seat.score, result_of(game, &seat.nation));
        }
    }

    /// The seat standings: nations in scenario order, each nation's strategies by mean score (best
    /// first, then by name).
    pub fn seat_standings(&self) -> Vec<SeatStandingRow> {
        let mut rows = Vec::new();
        for nation in &self.nations {
            let mut of_nation: Vec<(&Arc<str>, &ScoreTally)> = self
                .seats
                .iter()
                .filter(|((n, _), _)| n == nation)
                .map(|((_, s), t)| (s, t))
                .collect();
            of_nation.sort_by(|a, b| b.1.mean().total_cmp(&a.1.mean()).then_with(|| a.0.cmp(b.0)));
            for (rank, (strategy, t)) in of_nation.into_iter().enumerate() {
                let (ci_low, ci_high) = t.interval();
                rows.push(SeatStandingRow {
                    nation: nation.to_string(),
                    strategy: strategy.to_string(),
                    games: t.games,
                    wins: t.wins,
                    draws: t.draws,
                    losses: t.losses,
                    mean_score: t.mean(),
                    ci_low,
                    ci_high,
                    rank_in_seat: rank as u32 + 1,
                });
            }
        }
        rows
    }

    /// The matchup table: lineups in order of first appearance (game-id order), a row per seat.
    pub fn matchups(&self) -> Vec<MatchupRow> {
        let mut rows = Vec::new();
        for lineup in &self.lineups {
            let tallies = &self.matchups[lineup];
            let games = tallies.first().map_or(0, |t| t.games);
            let text = lineup_text(lineup);
            for (i, ((nation, strategy), t)) in lineup.iter().zip(tallies).enumerate() {
                let (ci_low, ci_high) = t.interval();
                rows.push(MatchupRow {
                    lineup: text.clone(),
                    games,
                    seat: i as u32,
                    nation: nation.to_string(),
                    strategy: strategy.to_string(),
                    wins: t.wins,
                    draws: t.draws,
                    losses: t.losses,
                    mean_score: t.mean(),
                    ci_low,
                    ci_high,
                });
            }
        }
        rows
    }

    /// Per nation, whatever the strategies: `usa won 914 of 1000 games (mean score 0.914)`.
    pub fn seat_lines(&self) -> Vec<String> {
        self.nations
            .iter()
            .map(|n| {
                let t = &self.nation_totals[n];
                format!(
                    "{n} won {} of {} games (mean score {:.3})",
                    t.wins,
                    t.games,
                    t.mean()
                )
            })
            .collect()
    }

    /// The lineups with their per-seat tallies, in order of first appearance.
    pub fn lineups(&self) -> impl Iterator<Item = (&Lineup, &[ScoreTally])> {
        self.lineups
            .iter()
            .map(|l| (l, self.matchups[l].as_slice()))
    }
}

/// What a replay command needs beyond the game's record: the scenario as the configuration names
/// it (a name or a file), the months played, and the sampled worlds' count and seed.
#[derive(Clone, Debug, Default)]
pub struct ReplayContext {
    /// (scenario name in the records, how the configuration gives it, its start year).
    pub scenarios: Vec<(String, String, i32)>,
    pub months: Option<u32>,
    pub worlds: Option<u32>,
    pub world_seed: u64,
}

impl ReplayContext {
    /// The context of `config`'s games; scenarios that no longer load are named as recorded.
    pub fn of(config: &TournamentConfig) -> ReplayContext {
        let scenarios = config
            .scenarios
            .iter()
            .filter_map(|given| {
                crate::inputs::load_scenario(given)
                    .ok()
                    .map(|s| (s.name.clone(), given.clone(), s.start_year))
            })
            .collect();
        ReplayContext {
            scenarios,
            months: config.months,
            worlds: config.worlds,
            world_seed: config.seed,
        }
    }

    fn scenario<'a>(&'a self, name: &'a str) -> (&'a str, Option<i32>) {
        self.scenarios
            .iter()
            .find(|(n, _, _)| n == name)
            .map_or((name, None), |(_, given, year)| {
                (given.as_str(), Some(*year))
            })
    }

    /// The command that plays `game` again, seat for seat and bit for bit:
    /// `gigawatt play --scenario us-china-2025 --agent usa=builder --agent chn=scaler --seed 7`
    /// (with `--months`, and `--world N --worlds M --world-seed S` for a sampled world). Arguments
    /// are quoted for a POSIX shell where they need it.
    pub fn command(&self, game: &GameRecord) -> String {
        let (scenario, _) = self.scenario(&game.scenario);
        let mut words = vec![
            "gigawatt".to_string(),
            "play".to_string(),
            "--scenario".to_string(),
            shell_word(scenario),
        ];
        for seat in &game.seats {
            words.push("--agent".to_string());
            words.push(shell_word(&format!("{}={}", seat.nation, seat.strategy)));
        }
        words.push("--seed".to_string());
        words.push(game.seed.to_string());
        if let Some(m) = self.months {
            words.push("--months".to_string());
            words.push(m.to_string());
        }
        if let (Some(world), Some(worlds)) = (game.world, self.worlds) {
            words.extend([
                "--world".to_string(),
                world.to_string(),
                "--worlds".to_string(),
                worlds.to_string(),
                "--world-seed".to_string(),
                self.world_seed.to_string(),
            ]);
        }
        words.join(" ")
    }

    /// The calendar month (`2030-11`) of game month `month` in `scenario`, if its start is known.
    pub fn date(&self, scenario: &str, month: u32) -> Option<String> {
        self.scenario(scenario)
            .1
            .map(|year| month_label(year, month))
    }
}

/// One row of `games.csv`: a game, its result and how to replay it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct GameListRow {
    pub game_id: u64,
    pub unit: u64,
    pub world: Option<u32>,
    pub scenario: String,
    pub seed_high: u32,
    pub seed_low: u32,
    /// `usa=builder vs chn=scaler`.
    pub lineup: String,
    /// The seats' scores in seat order, joined by `;`.
    pub scores: String,
    /// Winning nation id, empty on no winner.
    pub winner: Option<String>,
    pub decided_by: String,
    pub months_played: u32,
    pub first_asi_month: Option<u32>,
    /// The same month as a calendar month, `YYYY-MM` (empty when nobody crossed, or the scenario no
    /// longer loads).
    pub first_asi_date: Option<String>,
    /// Strategy faults in the game.
    pub faults: u32,
    /// The `gigawatt play` command that plays the game again.
    pub replay: String,
}

/// The row of `game` in `games.csv`.
pub fn game_row(game: &GameRecord, replay: &ReplayContext) -> GameListRow {
    let lineup: Lineup = game
        .seats
        .iter()
        .map(|s| (s.nation.clone(), s.strategy.clone()))
        .collect();
    GameListRow {
        game_id: game.game_id,
        unit: game.unit,
        world: game.world,
        scenario: game.scenario.clone(),
        seed_high: seed_high(game.seed),
        seed_low: seed_low(game.seed),
        lineup: lineup_text(&lineup),
        scores: game
            .seats
            .iter()
            .map(|s| format!("{}", s.score))
            .collect::<Vec<_>>()
            .join(";"),
        winner: game.winner.as_deref().map(str::to_string),
        decided_by: game.decided_by.clone(),
        months_played: game.months_played,
        first_asi_month: game.asi_month,
        first_asi_date: game.asi_month.and_then(|m| replay.date(&game.scenario, m)),
        faults: game.faults.len() as u32,
        replay: replay.command(game),
    }
}

/// Write `seat_standings.csv` and `matchups.csv` from `tally`, and `games.csv` from `dir`'s
/// `games.jsonl` (streamed in game-id order); returns the files written.
pub fn write_drilldown(
    dir: &Path,
    tally: &DrilldownTally,
    replay: &ReplayContext,
) -> Result<Vec<PathBuf>> {
    let mut list = GameListWriter::create(dir, replay.clone())?;
    for_each_game_by_id(&[dir.join(GAMES_FILE).as_path()], |game| list.add(&game))?;
    write_drilldown_of(dir, tally, list)
}

/// [`write_drilldown`] with `games.csv` already written by `list` (fed every game of the pass).
pub fn write_drilldown_of(
    dir: &Path,
    tally: &DrilldownTally,
    list: GameListWriter,
) -> Result<Vec<PathBuf>> {
    let seats = dir.join(SEAT_STANDINGS_FILE);
    data::write_atomic(&seats, &data::to_csv(&tally.seat_standings())?)?;
    let matchups = dir.join(MATCHUPS_FILE);
    data::write_atomic(&matchups, &data::to_csv(&tally.matchups())?)?;
    let list = list.finish()?;
    Ok(vec![seats, matchups, list])
}

/// `games.csv` written a game at a time (an [`AtomicFile`], put in place by
/// [`GameListWriter::finish`]), for a pass over the games that feeds other readers too.
pub struct GameListWriter {
    out: csv::Writer<AtomicFile>,
    replay: ReplayContext,
    any: bool,
}

impl GameListWriter {
    pub fn create(dir: &Path, replay: ReplayContext) -> Result<GameListWriter> {
        Ok(GameListWriter {
            out: data::writer(AtomicFile::create(&dir.join(GAME_LIST_FILE))?),
            replay,
            any: false,
        })
    }

    /// Add the next game, in game-id order.
    pub fn add(&mut self, game: &GameRecord) -> Result<()> {
        self.out
            .serialize(game_row(game, &self.replay))
            .with_context(|| format!("cannot write {}", self.out.get_ref().path().display()))?;
        self.any = true;
        Ok(())
    }

    /// Complete `games.csv` and put it in place; returns its path.
    pub fn finish(self) -> Result<PathBuf> {
        let list = self.out.get_ref().path().to_path_buf();
        let mut file = self
            .out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", list.display()))?;
        if !self.any {
            // No games: the header alone (the csv crate writes it with the first row).
            file.write_all(data::to_csv::<GameListRow>(&[])?.as_bytes())
                .with_context(|| format!("cannot write {}", list.display()))?;
        }
        file.commit()?;
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::record::SeatRecord;

    fn game(id: u64, seats: &[(&str, &str, f64)], winner: Option<&str>) -> GameRecord {
        GameRecord {
            game_id: id,
            unit: id / 2,
            scenario: "us-china-2025".into(),
            seed: u64::MAX - id,
            seats: seats
                .iter()
                .map(|&(n, s, score)| SeatRecord {
                    nation: n.into(),
                    strategy: s.into(),
                    score,
                    ..SeatRecord::default()
                })
                .collect(),
            winner: winner.map(Into::into),
            decided_by: "horizon".into(),
            ..GameRecord::default()
        }
    }

    #[test]
    fn tallies_keep_the_seat_and_sum_to_the_games() {
        let mut t = DrilldownTally::default();
        t.add(&game(
            0,
            &[("usa", "a", 0.9), ("chn", "b", 0.1)],
            Some("usa"),
        ));
        t.add(&game(
            1,
            &[("usa", "b", 0.85), ("chn", "a", 0.15)],
            Some("usa"),
        ));
        t.add(&game(2, &[("usa", "a", 0.7), ("chn", "b", 0.3)], None));
        assert_eq!(
            t.seat_lines(),
            [
                "usa won 2 of 3 games (mean score 0.817)",
                "chn won 0 of 3 games (mean score 0.183)"
            ]
        );
        let usa = t.nation_totals[&Arc::<str>::from("usa")];
        assert_eq!((usa.games, usa.wins, usa.draws, usa.losses), (3, 2, 1, 0));
        assert!((usa.mean() - 0.8166666666666667).abs() < 1e-12);
        let rows = t.seat_standings();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows.iter().map(|r| r.games).sum::<u64>(),
            6,
            "two seats a game"
        );
        assert_eq!(
            (rows[0].nation.as_str(), rows[0].strategy.as_str()),
            ("usa", "b")
        );
        assert_eq!(rows[0].rank_in_seat, 1);
        let m = t.matchups();
        assert_eq!(m.len(), 4, "two lineups, two seats each");
        assert_eq!(m[0].lineup, "usa=a vs chn=b");
        assert_eq!((m[0].games, m[0].wins, m[0].draws), (2, 1, 1));
        assert_eq!((m[1].losses, m[1].draws), (1, 1));
        assert!((m[0].mean_score - 0.8).abs() < 1e-12);
        let (lo, hi) = (m[0].ci_low, m[0].ci_high);
        assert!(lo < 0.8 && 0.8 < hi && (0.0..=1.0).contains(&lo) && hi <= 1.0);
        assert!(m[2].ci_low.is_nan(), "one game has no interval");
    }

    #[test]
    fn the_t_interval_matches_its_formula() {
        let mut t = ScoreTally::default();
        for s in [0.2, 0.4, 0.6, 0.8] {
            t.add(s, None);
        }
        let sd = (0.2f64 / 3.0).sqrt();
        let (lo, hi) = t.interval();
        assert!((lo - (0.5 - 3.182 * sd / 2.0)).abs() < 1e-12);
        assert!((hi - (0.5 + 3.182 * sd / 2.0)).abs() < 1e-12);
        // The expansion continues the table, and tends to the normal quantile.
        assert!((t95(31) - 2.040).abs() < 1e-3, "{}", t95(31));
        assert!((t95(60) - 2.000).abs() < 1e-3, "{}", t95(60));
        assert!((t95(1_000_000) - Z95).abs() < 1e-5);
    }

    #[test]
    fn replay_commands_quote_what_a_shell_would_split() {
        let replay = ReplayContext {
            scenarios: vec![("us-china-2025".into(), "us-china-2025".into(), 2025)],
            months: Some(48),
            worlds: Some(8),
            world_seed: 3,
        };
        let mut g = game(
            4,
            &[
                ("usa", "random(orders_per_month: 2)", 0.5),
                ("chn", "builder", 0.5),
            ],
            None,
        );
        g.world = Some(5);
        g.asi_month = Some(70);
        assert_eq!(
            replay.command(&g),
            format!(
                "gigawatt play --scenario us-china-2025 --agent 'usa=random(orders_per_month: 2)' \
                 --agent chn=builder --seed {} --months 48 --world 5 --worlds 8 --world-seed 3",
                u64::MAX - 4
            )
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        let row = game_row(&g, &replay);
        assert_eq!(row.first_asi_date.as_deref(), Some("2030-11"));
        assert_eq!(row.scores, "0.5;0.5");
    }
}

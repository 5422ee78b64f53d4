//! The analyses of a run over N sampled worlds (`gigawatt explore`'s, or a tournament's with
//! `--worlds`): what decides the race across the worlds, written beside the run's games:
//!
//! - `sensitivity.csv` — `outcome,parameter,index,ci_low,ci_high,method`: δ and S1 of each world
//!   outcome to each uncertain parameter ([`super::sensitivity`]);
//! - `discovery.json` and `discovery.txt` — PRIM boxes where the outcome of interest holds
//!   ([`super::prim`]);
//! - `robustness.csv` — per strategy and seat: mean, quantiles, regret, satisficing
//!   ([`super::robustness`]).
//!
//! World outcomes average the world's games (every pairing, both seat orders):
//! - `win_share:NATION` — share of the games NATION won (a tie counts half);
//! - `capability_gap:A-B` — mean best-lab capability of A minus B at the end, OOM;
//! - `asi_month:NATION` — mean month NATION crossed the threshold, a game where it did not counting
//!   as the month after the last played (censored at the horizon).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Result, bail, invalid};
use serde::Serialize;

use super::{prim, robustness, sensitivity};
use crate::data;
use crate::tournament::record::GameRecord;
use crate::tournament::store::{GAMES_FILE, for_each_game_by_id};
use crate::tournament::worlds::Worlds;
use crate::tournament::{TournamentConfig, sampled_worlds};

/// The games explore's analyses were computed from ([`crate::tournament::check::games_stamp`]).
pub const EXPLORE_STAMP_FILE: &str = "explore.stamp";
/// explore's analyses, which a report shows only while [`EXPLORE_STAMP_FILE`] matches the games.
pub const EXPLORE_FILES: [&str; 4] = [
    SENSITIVITY_FILE,
    DISCOVERY_FILE,
    DISCOVERY_TEXT_FILE,
    ROBUSTNESS_FILE,
];
pub const SENSITIVITY_FILE: &str = "sensitivity.csv";
/// The `parameter` of the rows giving what a random input unrelated to the outcome scores.
pub const NOISE_FLOOR: &str = "noise_floor";
pub const DISCOVERY_FILE: &str = "discovery.json";
pub const DISCOVERY_TEXT_FILE: &str = "discovery.txt";
pub const ROBUSTNESS_FILE: &str = "robustness.csv";
/// Worlds `explore` samples unless told otherwise.
pub const DEFAULT_WORLDS: u32 = 100;
/// Win share above which a world is of interest for scenario discovery, unless told otherwise.
pub const DEFAULT_INTEREST_SHARE: f64 = 0.5;
/// Score a strategy must reach in a world to count as satisfied there, unless told otherwise.
pub const DEFAULT_SATISFICE: f64 = 0.5;

/// What the analyses need beyond the run's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct ExploreOptions {
    pub interest: Option<String>,
    pub interest_share: f64,
    pub satisfice: f64,
    pub sensitivity_resamples: usize,
}

impl Default for ExploreOptions {
    fn default() -> ExploreOptions {
        ExploreOptions {
            interest: None,
            interest_share: DEFAULT_INTEREST_SHARE,
            satisfice: DEFAULT_SATISFICE,
            sensitivity_resamples: sensitivity::DEFAULT_RESAMPLES,
        }
    }
}

/// The files written and a few lines for the terminal.
pub struct Written {
    pub files: Vec<PathBuf>,
    pub summary: String,
}

/// Outcomes per world, each a column over the worlds.
pub struct WorldOutcomes {
    pub names: Vec<String>,
    pub values: Vec<Vec<f64>>,
}

/// Average each world's games into the outcomes of the module doc. `nations` in scenario order.
pub fn world_outcomes(
    games: &[GameRecord],
    nations: &[String],
    worlds: u32,
) -> Result<WorldOutcomes> {
    let mut tally = WorldTally::new(nations, worlds);
    for g in games {
        tally.add(g)?;
    }
    tally.outcomes()
}

/// [`world_outcomes`] gathered one game at a time: sums per nation and world (memory grows with
/// the worlds, not the games). The sums run in the order the games come.
pub struct WorldTally {
    nations: Vec<String>,
    wins: Vec<Vec<f64>>,
    asi: Vec<Vec<f64>>,
    capability: Vec<Vec<f64>>,
    count: Vec<usize>,
}

impl WorldTally {
    pub fn new(nations: &[String], worlds: u32) -> WorldTally {
        let n = worlds as usize;
        let k = nations.len();
        WorldTally {
            nations: nations.to_vec(),
            wins: vec![vec![0.0; n]; k],
            asi: vec![vec![0.0; n]; k],
            capability: vec![vec![0.0; n]; k],
            count: vec![0usize; n],
        }
    }

    pub fn add(&mut self, g: &GameRecord) -> Result<()> {
        let n = self.count.len();
        let k = self.nations.len();
        let w = g
            .world
            .ok_or_else(|| invalid!("game {} has no world: not a sampled run", g.game_id))?
            as usize;
        if w >= n {
            bail!(
                "game {} is in world {w}, not one of the run's {n}",
                g.game_id
            );
        }
        self.count[w] += 1;
        for (i, id) in self.nations.iter().enumerate() {
            let seat = g
                .seats
                .iter()
                .find(|s| &*s.nation == id)
                .ok_or_else(|| invalid!("game {} has no seat for {id}", g.game_id))?;
            self.wins[i][w] += match &g.winner {
                Some(winner) if &**winner == id => 1.0,
                Some(_) => 0.0,
                None => 1.0 / k as f64,
            };
            self.asi[i][w] += seat.asi_month.unwrap_or(g.months_played) as f64;
            self.capability[i][w] += seat.capability;
        }
        Ok(())
    }

    pub fn outcomes(self) -> Result<WorldOutcomes> {
        let WorldTally {
            nations,
            mut wins,
            mut asi,
            mut capability,
            count,
        } = self;
        let k = nations.len();
        if let Some(w) = count.iter().position(|&c| c == 0) {
            bail!("world {w} has no games: the run is incomplete");
        }
        let mean = |column: &mut Vec<f64>| {
            for (x, &c) in column.iter_mut().zip(&count) {
                *x /= c as f64;
            }
        };
        let mut out = WorldOutcomes {
            names: Vec::new(),
            values: Vec::new(),
        };
        for (i, id) in nations.iter().enumerate() {
            mean(&mut wins[i]);
            out.names.push(format!("win_share:{id}"));
            out.values.push(wins[i].clone());
        }
        if k == 2 {
            mean(&mut capability[0]);
            mean(&mut capability[1]);
            out.names
                .push(format!("capability_gap:{}-{}", nations[0], nations[1]));
            out.values.push(
                capability[0]
                    .iter()
                    .zip(&capability[1])
                    .map(|(a, b)| a - b)
                    .collect(),
            );
        }
        for (i, id) in nations.iter().enumerate() {
            mean(&mut asi[i]);
            out.names.push(format!("asi_month:{id}"));
            out.values.push(asi[i].clone());
        }
        Ok(out)
    }
}

/// World → strategy → mean score there.
type WorldMeans = BTreeMap<u64, BTreeMap<Arc<str>, robustness::CellMean>>;

/// Per seat (nation), world and strategy: the mean score there, for `robustness.csv`, gathered one
/// game at a time. The scores of the world being read are kept until the next world starts, then
/// reduced to their mean (a sampled run plays each world's games as one block of ids), so memory
/// grows with the worlds, not the games. With `seal` off (or after a world's games came in two
/// blocks, see [`RobustnessTally::split`]), every score is kept until the end.
struct RobustnessTally {
    seal: bool,
    current: Option<u64>,
    open: BTreeMap<(Arc<str>, u64, Arc<str>), Vec<f64>>,
    /// Seat → world → strategy → mean.
    sealed: BTreeMap<Arc<str>, WorldMeans>,
    /// The first non-finite score per seat: (world, strategy, score).
    non_finite: BTreeMap<Arc<str>, (u64, String, f64)>,
    /// A world came back after its cells were reduced: the means would be wrong.
    split: bool,
}

impl RobustnessTally {
    fn new(seal: bool) -> RobustnessTally {
        RobustnessTally {
            seal,
            current: None,
            open: BTreeMap::new(),
            sealed: BTreeMap::new(),
            non_finite: BTreeMap::new(),
            split: false,
        }
    }

    fn add(&mut self, g: &GameRecord) {
        let world = g.world.unwrap_or(0) as u64;
        if self.seal && self.current != Some(world) {
            self.close();
            if self
                .sealed
                .values()
                .any(|worlds| worlds.contains_key(&world))
            {
                self.split = true;
            }
            self.current = Some(world);
        }
        for seat in &g.seats {
            if !seat.score.is_finite() {
                self.non_finite
                    .entry(seat.nation.clone())
                    .or_insert_with(|| (world, seat.strategy.to_string(), seat.score));
            }
            self.open
                .entry((seat.nation.clone(), world, seat.strategy.clone()))
                .or_default()
                .push(seat.score);
        }
    }

    /// Reduce the open cells to their means.
    fn close(&mut self) {
        for ((seat, world, strategy), mut scores) in std::mem::take(&mut self.open) {
            self.sealed
                .entry(seat)
                .or_default()
                .entry(world)
                .or_default()
                .insert(strategy, robustness::CellMean::of(&mut scores));
        }
    }
}

/// Write sensitivity.csv, discovery.json/.txt and robustness.csv for the sampled run in `dir`.
pub fn write_explore_reports(
    dir: &Path,
    config: &TournamentConfig,
    options: &ExploreOptions,
) -> Result<Written> {
    let mut tally = ExploreTally::new(dir, config, options)?;
    for_each_game_by_id(&[&dir.join(GAMES_FILE)], |g| tally.add_game(&g))?;
    tally.write(dir)
}

/// What [`write_explore_reports`] reads of the games, gathered a game at a time in game-id order,
/// so that the pass over the games that writes a run's report files can feed it too
/// ([`crate::tournament::report::write_run_reports_with`]); [`ExploreTally::write`] then writes
/// the files.
pub struct ExploreTally {
    worlds: Worlds,
    nations: Vec<String>,
    options: ExploreOptions,
    seed: u64,
    outcomes: WorldTally,
    robust: RobustnessTally,
    /// The first game that could not be tallied: reported by [`ExploreTally::write`], so that the
    /// run's other files are written as without explore.
    error: Option<crate::error::Error>,
    /// `games.jsonl`'s stamp, hashed on its own thread while the games are tallied (the games are
    /// all played when the tally starts, and only read after).
    stamp: std::thread::JoinHandle<Result<String>>,
}

impl ExploreTally {
    /// The analyses of the sampled run `config` in `dir` (an error if it is not one).
    pub fn new(
        dir: &Path,
        config: &TournamentConfig,
        options: &ExploreOptions,
    ) -> Result<ExploreTally> {
        let worlds = sampled_worlds(config)?
            .ok_or_else(|| invalid!("{}: not a run with sampled worlds", dir.display()))?;
        if config.scenarios.len() != 1 {
            bail!("explore analyses one scenario at a time");
        }
        let scenario = crate::inputs::load_scenario(&config.scenarios[0])?;
        let nations: Vec<String> = scenario.nations.iter().map(|n| n.id.clone()).collect();
        let stamp = {
            let dir = dir.to_path_buf();
            std::thread::spawn(move || crate::tournament::check::games_stamp(&dir))
        };
        Ok(ExploreTally {
            stamp,
            outcomes: WorldTally::new(&nations, worlds.count),
            robust: RobustnessTally::new(true),
            worlds,
            nations,
            options: options.clone(),
            seed: config.seed,
            error: None,
        })
    }

    /// Add the next game, in game-id order.
    pub fn add_game(&mut self, g: &GameRecord) -> Result<()> {
        self.outcomes.add(g)?;
        self.robust.add(g);
        Ok(())
    }

    /// Write the analyses into `dir` (the folder the tally was made for), whose `games.jsonl` holds
    /// the games added (read again, keeping every score, only if a world's games were not one
    /// block of ids).
    pub fn write(self, dir: &Path) -> Result<Written> {
        let ExploreTally {
            stamp,
            worlds,
            nations,
            options,
            seed,
            outcomes,
            mut robust,
            error,
        } = self;
        if let Some(e) = error {
            return Err(e);
        }
        robust.close();
        let (outcomes, robust) = if robust.split {
            let mut outcomes = WorldTally::new(&nations, worlds.count);
            let mut robust = RobustnessTally::new(false);
            for_each_game_by_id(&[&dir.join(GAMES_FILE)], |g| {
                outcomes.add(&g)?;
                robust.add(&g);
                Ok(())
            })?;
            robust.close();
            (outcomes.outcomes()?, robust)
        } else {
            (outcomes.outcomes()?, robust)
        };
        let written = write_analyses(dir, &worlds, &nations, &options, seed, &outcomes, &robust)?;
        // Which games these analyses are of: `gigawatt report` refuses them once the games change.
        let stamp = stamp
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        data::write_atomic(&dir.join(EXPLORE_STAMP_FILE), &stamp)?;
        Ok(written)
    }
}

impl crate::tournament::report::GameConsumer for ExploreTally {
    fn add(&mut self, game: &GameRecord) -> Result<()> {
        if self.error.is_none()
            && let Err(e) = self.add_game(game)
        {
            self.error = Some(e);
        }
        Ok(())
    }
}

/// The files of [`write_explore_reports`] from the worlds' outcomes and scores.
fn write_analyses(
    dir: &Path,
    worlds: &Worlds,
    nations: &[String],
    options: &ExploreOptions,
    seed: u64,
    outcomes: &WorldOutcomes,
    robust: &RobustnessTally,
) -> Result<Written> {
    // One column per independent dimension: a factor's fields move together, so it is one
    // parameter for the analyses (named `factor:NAME`).
    let dimensions = worlds.dimensions(0);
    let paths: Vec<String> = dimensions.iter().map(|(name, _)| name.clone()).collect();
    let columns = columns_of(worlds, &dimensions);
    let mut files = Vec::new();
    let mut summary = String::new();

    // Sensitivity.
    let mut rows: Vec<SensitivityRow> = Vec::new();
    let sens_options = sensitivity::SensitivityOptions {
        resamples: options.sensitivity_resamples,
        seed,
        ..Default::default()
    };
    for (name, y) in outcomes.names.iter().zip(&outcomes.values) {
        if y.iter().all(|v| *v == y[0]) {
            let _ = writeln!(
                summary,
                "  {name} is {} in every world: nothing to attribute",
                y[0]
            );
        }
        let report = match sensitivity::analyze(&columns, y, &sens_options) {
            Ok(r) => r,
            Err(e) => {
                let _ = writeln!(summary, "  sensitivity of {name}: not computed ({e})");
                continue;
            }
        };
        let mut ranked: Vec<(f64, &str)> = Vec::new();
        for p in &report.parameters {
            for index in [p.delta, p.s1] {
                rows.push(SensitivityRow {
                    outcome: name.clone(),
                    parameter: paths[p.parameter].clone(),
                    index: index.value,
                    ci_low: index.ci_low,
                    ci_high: index.ci_high,
                    method: index.method.name(),
                });
            }
            ranked.push((p.delta.value, paths[p.parameter].as_str()));
        }
        // What an input unrelated to the outcome scores here: indices near it are noise.
        let floor = &report.noise_floor;
        for index in [floor.delta, floor.s1] {
            rows.push(SensitivityRow {
                outcome: name.clone(),
                parameter: NOISE_FLOOR.to_string(),
                index: index.value,
                ci_low: index.ci_low,
                ci_high: index.ci_high,
                method: index.method.name(),
            });
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let top: Vec<String> = ranked
            .iter()
            .take(3)
            .map(|(d, p)| format!("{p} (δ {d:.2})"))
            .collect();
        if y.iter().any(|v| *v != y[0]) {
            let _ = writeln!(
                summary,
                "  {name} depends most on: {} (noise floor δ {:.2})",
                top.join(", "),
                floor.delta.value
            );
        }
    }
    let path = dir.join(SENSITIVITY_FILE);
    let csv = data::to_csv(&rows)?;
    data::write_atomic(&path, &csv)?;
    files.push(path);

    // Scenario discovery.
    let interest = match &options.interest {
        Some(id) if nations.contains(id) => id.clone(),
        Some(id) => bail!(
            "--interest {id}: no such nation; nations: {}",
            nations.join(", ")
        ),
        None => nations.last().cloned().unwrap_or_default(),
    };
    let column = outcomes
        .names
        .iter()
        .position(|n| *n == format!("win_share:{interest}"))
        .expect("every nation has a win share");
    let share = options.interest_share;
    let of_interest: Vec<bool> = outcomes.values[column].iter().map(|&s| s > share).collect();
    let definition = if share == 0.5 {
        format!("{interest} wins more than half the games of the world")
    } else {
        format!("{interest} wins more than {share} of the games of the world")
    };
    let discovery = discover(&columns, &paths, &of_interest, &definition);
    let path = dir.join(DISCOVERY_FILE);
    data::write_atomic(&path, &serde_json::to_string_pretty(&discovery.json)?)?;
    files.push(path);
    let path = dir.join(DISCOVERY_TEXT_FILE);
    data::write_atomic(&path, &discovery.text)?;
    files.push(path);
    let _ = writeln!(
        summary,
        "  worlds where {definition}: {} of {}",
        of_interest.iter().filter(|&&x| x).count(),
        of_interest.len()
    );

    // Robustness.
    let path = dir.join(ROBUSTNESS_FILE);
    let table = robustness_csv(robust, options.satisfice)?;
    data::write_atomic(&path, &table)?;
    files.push(path);
    Ok(Written { files, summary })
}

/// The worlds' values as columns, one per dimension.
fn columns_of(worlds: &Worlds, dimensions: &[(String, usize)]) -> Vec<Vec<f64>> {
    let table = worlds.table(0);
    dimensions
        .iter()
        .map(|&(_, j)| table.iter().map(|row| row[j]).collect())
        .collect()
}

struct Discovery {
    json: serde_json::Value,
    text: String,
}

#[derive(Serialize)]
struct DiscoveryHeader<'a> {
    outcome: &'a str,
    worlds: usize,
    worlds_of_interest: usize,
}

fn discover(
    columns: &[Vec<f64>],
    paths: &[String],
    of_interest: &[bool],
    definition: &str,
) -> Discovery {
    let header = DiscoveryHeader {
        outcome: definition,
        worlds: of_interest.len(),
        worlds_of_interest: of_interest.iter().filter(|&&x| x).count(),
    };
    let mut json = serde_json::to_value(&header).unwrap_or_default();
    let mut text = format!(
        "Scenario discovery (PRIM): worlds where {definition}: {} of {}\n",
        header.worlds_of_interest, header.worlds
    );
    match prim::discover(columns, paths, of_interest, &prim::PrimOptions::default()) {
        Ok(result) => {
            text.push_str(&prim::summary(&result));
            if let (Some(object), Ok(value)) = (json.as_object_mut(), serde_json::to_value(&result))
            {
                object.insert("prim".to_string(), value);
            }
        }
        Err(e) => {
            let _ = writeln!(text, "no box: {e}");
            if let Some(object) = json.as_object_mut() {
                object.insert("error".to_string(), serde_json::json!(e.to_string()));
            }
        }
    }
    Discovery { json, text }
}

/// robustness.csv: one row per strategy and seat (nation). A strategy is compared with the others
/// that played the same nation in the same worlds.
fn robustness_csv(tally: &RobustnessTally, satisfice: f64) -> Result<String> {
    let options = robustness::RobustnessOptions {
        satisficing_threshold: satisfice,
        missing: robustness::MissingPolicy::Reject,
    };
    let mut rows: Vec<RobustnessRow> = Vec::new();
    for (seat, worlds) in &tally.sealed {
        if let Some((world, strategy, score)) = tally.non_finite.get(seat) {
            return Err(robustness::RobustnessError::NonFiniteScore {
                world: *world,
                strategy: strategy.clone(),
                score: *score,
            }
            .into());
        }
        let cells = worlds
            .iter()
            .map(|(&w, cell)| (w, cell.iter().map(|(s, m)| (&**s, *m)).collect()))
            .collect();
        let report = robustness::summarize_means(cells, &options)?;
        for r in &report.strategies {
            rows.push(RobustnessRow {
                strategy: r.strategy.to_string(),
                seat: seat.to_string(),
                worlds: r.worlds,
                mean: r.mean,
                p10: r.p10,
                p50: r.p50,
                p90: r.p90,
                max_regret: r.max_regret,
                mean_regret: r.mean_regret,
                satisficing_share: r.satisficing_share,
                threshold: satisfice,
            });
        }
    }
    data::to_csv(&rows)
}

/// One row of `sensitivity.csv`: an index of one outcome on one parameter (or the noise floor).
#[derive(Serialize, Default)]
struct SensitivityRow {
    outcome: String,
    parameter: String,
    #[serde(serialize_with = "data::number::finite")]
    index: f64,
    #[serde(serialize_with = "data::number::finite")]
    ci_low: f64,
    #[serde(serialize_with = "data::number::finite")]
    ci_high: f64,
    method: &'static str,
}

/// One row of `robustness.csv`: a strategy on one seat across the worlds.
#[derive(Serialize, Default)]
struct RobustnessRow {
    strategy: String,
    seat: String,
    worlds: usize,
    #[serde(serialize_with = "data::number::finite")]
    mean: f64,
    #[serde(serialize_with = "data::number::finite")]
    p10: f64,
    #[serde(serialize_with = "data::number::finite")]
    p50: f64,
    #[serde(serialize_with = "data::number::finite")]
    p90: f64,
    #[serde(serialize_with = "data::number::finite")]
    max_regret: f64,
    #[serde(serialize_with = "data::number::finite")]
    mean_regret: f64,
    #[serde(serialize_with = "data::number::finite")]
    satisficing_share: f64,
    #[serde(serialize_with = "data::number::finite")]
    threshold: f64,
}

//! Checking a results folder before reading it: its `config.ron` (with its content identity) says
//! which games it must hold; `games.jsonl` must hold each of them exactly once and nothing else.
//! `gigawatt report` and `gigawatt analyze` refuse a folder that fails, rather than present a
//! duplicated, missing or foreign game, or a summary older than the games, as the results.

use std::path::Path;

use crate::error::{Context, Result, bail};

use super::identity::{self, fnv1a64};
use super::plan::{Plan, PlannedGame, in_shard};
use super::record::GameRecord;
use super::store::{GAMES_FILE, for_each_game_by_id, read_game_ids};
use super::{CONFIG_FILE, TournamentConfig, load_scenarios};

/// A results folder that passed [`check_folder`].
#[derive(Debug)]
pub struct CheckedFolder {
    /// Its `config.ron`, with its content identity if it has one.
    pub config: TournamentConfig,
    /// Games in its plan (its shard's) and in `games.jsonl`: equal.
    pub games: usize,
    /// Written by a gigawatt that recorded no content identity: the games were checked against
    /// the plan but not against the scenario text or the model.
    pub legacy: bool,
}

/// Check that `dir` holds a complete, consistent run: a readable `config.ron` whose content
/// identity matches the files now (a folder without one is accepted as legacy), and a
/// `games.jsonl` holding every game of its plan (its shard's) exactly once and no other. Reads
/// only the games' ids (a bit per game).
pub fn check_folder(dir: &Path) -> Result<CheckedFolder> {
    let config_path = dir.join(CONFIG_FILE);
    if dir.join(super::merge::MERGING_FILE).exists() {
        bail!(
            "{} is a merge cut short ({} is there): run the same `gigawatt merge` again",
            dir.display(),
            super::merge::MERGING_FILE
        );
    }
    if !config_path.exists() && !dir.join(GAMES_FILE).exists() {
        bail!(
            "{} holds neither {GAMES_FILE} nor {CONFIG_FILE}: not a results folder",
            dir.display()
        );
    }
    if !config_path.exists() {
        bail!(
            "{} has no {CONFIG_FILE}: not a results folder (or a merge cut short), so its games \
             cannot be checked",
            dir.display()
        );
    }
    let config = TournamentConfig::read_stored(dir)?;
    let legacy = config.content.is_none();
    if !legacy {
        identity::check_current(&config, dir, "report on")?;
    }
    let games_path = dir.join(GAMES_FILE);
    // A duplicated id is refused here, naming its line.
    let ids = read_game_ids(&games_path, false)?;
    let scenarios = load_scenarios(&config)?;
    let plan = config.plan(&scenarios);
    let mut planned = 0usize;
    let mut present = 0usize;
    let mut missing = Vec::new();
    let mut missing_count = 0usize;
    let mut foreign = None;
    for game in plan.games() {
        let mine = config.shard.is_none_or(|s| in_shard(&game, s));
        let held = ids.contains(game.game_id);
        if mine {
            planned += 1;
            if held {
                present += 1;
            } else {
                missing_count += 1;
                if missing.len() < SHOWN_IDS {
                    missing.push(game.game_id.to_string());
                }
            }
        } else if held && foreign.is_none() {
            foreign = Some(game.game_id);
        }
    }
    if present != ids.len() {
        let stray = foreign
            .into_iter()
            .chain(ids.iter().filter(|&id| id >= plan.len()))
            .min()
            .unwrap_or_default();
        bail!(
            "{} holds game {stray}, which is not in the plan of {} ({CONFIG_FILE}): games of \
             another tournament were added to it",
            games_path.display(),
            dir.display()
        );
    }
    if missing_count > 0 {
        bail!(
            "{}: {missing_count} of the {planned} games of its plan are missing from {GAMES_FILE} \
             (first: {}); finish the run with `gigawatt tournament --config {} --out {} --resume`",
            dir.display(),
            missing.join(", "),
            config_path.display(),
            dir.display()
        );
    }
    // Each game must be the one its id names: a game of a tournament with another seed, other
    // strategies or another scenario has the same ids.
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let mut expected = RecordCheck::new(&plan, config.shard, &names, &games_path);
    for_each_game_by_id(&[games_path.as_path()], |game| expected.check(&game))?;
    Ok(CheckedFolder {
        config,
        games: planned,
        legacy,
    })
}

/// Checks, game by game in ascending id, that each record is the game its id names in a plan
/// (seed, unit, world, scenario, the strategy of every seat).
pub struct RecordCheck<'a, I: Iterator<Item = PlannedGame>> {
    planned: I,
    names: &'a [String],
    file: &'a Path,
}

impl<'a> RecordCheck<'a, Box<dyn Iterator<Item = PlannedGame> + 'a>> {
    /// The games of `plan` (`shard`'s only, if given) for records of `file` (for messages), whose
    /// scenarios are named `names`.
    pub fn new(
        plan: &'a Plan,
        shard: Option<(u64, u64)>,
        names: &'a [String],
        file: &'a Path,
    ) -> Self {
        RecordCheck {
            planned: Box::new(
                plan.games()
                    .filter(move |g| shard.is_none_or(|s| in_shard(g, s))),
            ),
            names,
            file,
        }
    }
}

impl<I: Iterator<Item = PlannedGame>> RecordCheck<'_, I> {
    /// Check the next record (ids ascending, each a game of the plan: checked before).
    pub fn check(&mut self, game: &GameRecord) -> Result<()> {
        let planned = loop {
            match self.planned.next() {
                Some(p) if p.game_id < game.game_id => continue,
                Some(p) if p.game_id == game.game_id => break p,
                _ => bail!(
                    "{}: game {} is not in this folder's plan ({CONFIG_FILE})",
                    self.file.display(),
                    game.game_id
                ),
            }
        };
        let strategies: Vec<&str> = game.seats.iter().map(|s| &*s.strategy).collect();
        let planned_strategies: Vec<&str> = planned.seats.iter().map(|s| &**s).collect();
        let scenario = self.names.get(planned.scenario).map_or("", String::as_str);
        let mismatch = if game.seed != planned.seed {
            Some(format!(
                "seed {} there, {} in the plan",
                game.seed, planned.seed
            ))
        } else if game.unit != planned.unit {
            Some(format!(
                "unit {} there, {} in the plan",
                game.unit, planned.unit
            ))
        } else if game.world != planned.world {
            Some(format!(
                "world {:?} there, {:?} in the plan",
                game.world, planned.world
            ))
        } else if strategies != planned_strategies {
            Some(format!(
                "seats {} there, {} in the plan",
                strategies.join(" vs "),
                planned_strategies.join(" vs ")
            ))
        } else if game.scenario != scenario {
            Some(format!(
                "scenario {} there, {scenario} in the plan",
                game.scenario
            ))
        } else {
            None
        };
        if let Some(mismatch) = mismatch {
            bail!(
                "{}: game {} is not the game this folder's plan ({CONFIG_FILE}) gives that id: \
                 {mismatch}; it comes from another tournament",
                self.file.display(),
                game.game_id
            );
        }
        Ok(())
    }
}

/// Game ids shown in an error about missing games.
const SHOWN_IDS: usize = 10;

/// A summary's record of the games it was computed from: their count and the FNV-1a 64 of
/// `games.jsonl`'s bytes. Written beside analyses that cannot be recomputed from the folder alone
/// (explore's, whose options are not in `config.ron`), and compared before they are shown.
pub fn games_stamp(dir: &Path) -> Result<String> {
    use std::io::Read;
    let path = dir.join(GAMES_FILE);
    let mut file =
        std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hash = fnv1a64(&[]);
    let mut lines = 0u64;
    let mut buffer = vec![0u8; STAMP_BUFFER_BYTES];
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        for &b in &buffer[..n] {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            lines += u64::from(b == b'\n');
        }
    }
    Ok(format!("{lines} games, fnv1a64:{hash:016x}\n"))
}

const STAMP_BUFFER_BYTES: usize = 1 << 16;

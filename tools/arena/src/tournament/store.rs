//! `games.jsonl`: written as games finish, one flushed line each; read back tolerating the torn last
//! line a kill leaves behind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use crate::error::{Context, Result, bail};

use super::record::GameRecord;

pub const GAMES_FILE: &str = "games.jsonl";

/// Read every complete game of `path`. A last line without its newline (a write cut short by a kill)
/// is dropped and the file truncated to the last complete line, so appending can resume cleanly.
/// Any other unreadable line is an error naming the line.
pub fn read_games(path: &Path, repair: bool) -> Result<Vec<GameRecord>> {
    let mut games = Vec::new();
    for_each_line(path, repair, |number, line| {
        let record: GameRecord = serde_json::from_str(line)
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        games.push(record);
        Ok(())
    })?;
    Ok(games)
}

/// Games whose capability trajectories the report keeps (the first by id).
pub const TRAJECTORY_GAMES: u64 = 40_000;

/// The games of `path` with only what the analysis reads (no scenario name, outcome label or fault
/// messages), and the number of faults they held: a 100,000-game tournament then loads in well
/// under 100 MB.
///
/// `trajectories` keeps the seats' yearly capability for the games with an id below
/// [`TRAJECTORY_GAMES`] (all of them in any tournament of that size or less; a fixed, seed-independent
/// sample beyond), and drops it otherwise.
pub fn read_games_for_analysis(
    path: &Path,
    trajectories: bool,
) -> Result<(Vec<GameRecord>, usize)> {
    let mut games = Vec::new();
    let mut faults = 0;
    let mut names = super::record::Interner::default();
    for_each_line(path, false, |number, line| {
        let mut record: GameRecord = serde_json::from_str(line)
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        faults += record.faults.len();
        record.scenario = String::new();
        record.decided_by = String::new();
        record.faults = Vec::new();
        record.drop_seat_outcomes();
        if !trajectories || record.game_id >= TRAJECTORY_GAMES {
            for seat in &mut record.seats {
                seat.capability_by_year = Vec::new();
            }
        }
        names.share(&mut record);
        games.push(record);
        Ok(())
    })?;
    Ok((games, faults))
}

/// Call `f(line number, line)` for every complete line of `path` (none if it does not exist).
fn for_each_line(
    path: &Path,
    repair: bool,
    mut f: impl FnMut(usize, &str) -> Result<()>,
) -> Result<()> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut reader = BufReader::new(file);
    let mut line = String::new();
    let mut good_bytes: u64 = 0;
    let mut number = 0;
    loop {
        line.clear();
        let n = reader
            .read_line(&mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        number += 1;
        if !line.ends_with('\n') {
            // Torn write: everything before it stands.
            if repair {
                OpenOptions::new()
                    .write(true)
                    .open(path)
                    .and_then(|f| f.set_len(good_bytes))
                    .with_context(|| format!("cannot repair {}", path.display()))?;
            }
            break;
        }
        f(number, line.trim_end())?;
        good_bytes += n as u64;
    }
    Ok(())
}

/// The ids of the games in `path`, repairing a torn last line like [`read_games`], without keeping
/// the records (resuming a large tournament needs only the ids).
pub fn read_game_ids(path: &Path, repair: bool) -> Result<BTreeSet<u64>> {
    #[derive(serde::Deserialize)]
    struct Id {
        game_id: u64,
    }
    let mut ids = BTreeSet::new();
    for_each_line(path, repair, |number, line| {
        let id: Id = serde_json::from_str(line)
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        if !ids.insert(id.game_id) {
            bail!(
                "{}:{number}: game {} appears twice",
                path.display(),
                id.game_id
            );
        }
        Ok(())
    })?;
    Ok(ids)
}

/// Refuse a list holding the same game twice.
pub fn check_unique(games: &[GameRecord], source: &str) -> Result<()> {
    let mut seen = BTreeSet::new();
    for g in games {
        if !seen.insert(g.game_id) {
            bail!("game {} appears twice in {source}", g.game_id);
        }
    }
    Ok(())
}

/// Index games by id, refusing duplicates.
pub fn by_id(games: Vec<GameRecord>, source: &str) -> Result<BTreeMap<u64, GameRecord>> {
    let mut map = BTreeMap::new();
    for g in games {
        let id = g.game_id;
        if map.insert(id, g).is_some() {
            bail!("game {id} appears twice in {source}");
        }
    }
    Ok(map)
}

/// Appends games, one flushed line each.
pub struct GameWriter {
    out: BufWriter<File>,
}

impl GameWriter {
    pub fn append(path: &Path) -> Result<GameWriter> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(GameWriter {
            out: BufWriter::new(file),
        })
    }

    pub fn write(&mut self, game: &GameRecord) -> Result<()> {
        serde_json::to_writer(&mut self.out, game)?;
        self.out.write_all(b"\n")?;
        // Flushed per game: a kill loses at most the game being written.
        self.out.flush()?;
        Ok(())
    }
}

/// Write all games sorted by id to a new file (merge output).
pub fn write_all(path: &Path, games: &BTreeMap<u64, GameRecord>) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = BufWriter::new(file);
    for g in games.values() {
        serde_json::to_writer(&mut out, g)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

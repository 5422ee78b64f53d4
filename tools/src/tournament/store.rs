//! `games.jsonl`: written as games finish, one flushed line each; read back tolerating the torn last
//! line a kill leaves behind.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::record::GameRecord;

pub const GAMES_FILE: &str = "games.jsonl";

/// Read every complete game of `path`. A last line without its newline (a write cut short by a kill)
/// is dropped and the file truncated to the last complete line, so appending can resume cleanly.
/// Any other unreadable line is an error naming the line.
pub fn read_games(path: &Path, repair: bool) -> Result<Vec<GameRecord>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut reader = BufReader::new(file);
    let mut games = Vec::new();
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
        let record: GameRecord = serde_json::from_str(line.trim_end())
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        games.push(record);
        good_bytes += n as u64;
    }
    Ok(games)
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

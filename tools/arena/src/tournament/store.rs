//! `games.jsonl`: written as games finish, one flushed line each; read back tolerating the torn last
//! line a kill leaves behind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
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
    lines(path, repair, |number, _, line| f(number, line))
}

/// [`for_each_line`] with each line's byte offset: `f(line number, offset, line)`.
fn for_each_line_at(path: &Path, f: impl FnMut(usize, u64, &str) -> Result<()>) -> Result<()> {
    lines(path, false, f)
}

fn lines(
    path: &Path,
    repair: bool,
    mut f: impl FnMut(usize, u64, &str) -> Result<()>,
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
        f(number, good_bytes, line.trim_end())?;
        good_bytes += n as u64;
    }
    Ok(())
}

/// The ids of the games in `path`, repairing a torn last line like [`read_games`], without keeping
/// the records (resuming a large tournament needs only the ids): one bit per game id.
pub fn read_game_ids(path: &Path, repair: bool) -> Result<IdSet> {
    let mut ids = IdSet::default();
    for_each_line(path, repair, |number, line| {
        let id = parse_id(line)
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        if !ids.insert(id) {
            bail!("{}:{number}: game {id} appears twice", path.display());
        }
        Ok(())
    })?;
    Ok(ids)
}

fn parse_id(line: &str) -> serde_json::Result<u64> {
    #[derive(serde::Deserialize)]
    struct Id {
        game_id: u64,
    }
    serde_json::from_str::<Id>(line).map(|id| id.game_id)
}

/// A set of game ids: a bitset over the ids of a plan (125 kB for a million games), and a sorted
/// set for ids far beyond any plan (only a foreign file would hold them).
#[derive(Clone, Debug, Default)]
pub struct IdSet {
    bits: Vec<u64>,
    far: BTreeSet<u64>,
    len: usize,
}

/// Ids from here on go to [`IdSet`]'s sorted set rather than its bitset (16 MB of bits).
const BITSET_IDS: u64 = 1 << 27;

impl IdSet {
    /// Add `id`; false if it was there already.
    pub fn insert(&mut self, id: u64) -> bool {
        let new = if id < BITSET_IDS {
            let (word, bit) = ((id / 64) as usize, id % 64);
            if word >= self.bits.len() {
                self.bits.resize(word + 1, 0);
            }
            let new = self.bits[word] & (1 << bit) == 0;
            self.bits[word] |= 1 << bit;
            new
        } else {
            self.far.insert(id)
        };
        self.len += usize::from(new);
        new
    }

    pub fn contains(&self, id: u64) -> bool {
        if id < BITSET_IDS {
            self.bits
                .get((id / 64) as usize)
                .is_some_and(|w| w & (1 << (id % 64)) != 0)
        } else {
            self.far.contains(&id)
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The ids in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.bits
            .iter()
            .enumerate()
            .flat_map(|(w, &word)| {
                (0..64u64)
                    .filter(move |b| word & (1 << b) != 0)
                    .map(move |b| w as u64 * 64 + b)
            })
            .chain(self.far.iter().copied())
    }
}

/// Call `f` with every complete game of `path`, in the file's order, one record at a time.
pub fn for_each_game(path: &Path, mut f: impl FnMut(GameRecord) -> Result<()>) -> Result<()> {
    for_each_line(path, false, |number, line| {
        let record: GameRecord = serde_json::from_str(line)
            .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
        f(record)
    })
}

/// Call `f` with every complete game of the files `paths`, in ascending game id, one record at a
/// time, refusing a game that appears twice. This is how the analyses read a run: whatever order
/// the lines are in, sums and rating updates run in game-id order, and memory does not grow with
/// the games.
///
/// Files whose ids ascend line after line (what a run writes, and what merge writes) are read
/// once more, straight through. Otherwise an index of each game's place is built first: 16 bytes
/// per game (16 MB for a million games), never the records.
pub fn for_each_game_by_id(
    paths: &[&Path],
    mut f: impl FnMut(GameRecord) -> Result<()>,
) -> Result<()> {
    let mut parse = |path: &Path, place: &dyn std::fmt::Display, line: &str| -> Result<()> {
        let record: GameRecord = serde_json::from_str(line)
            .with_context(|| format!("{}:{place}: not a game record", path.display()))?;
        f(record)
    };
    // Pass 1: are the ids ascending through the files, in order?
    let mut last: Option<u64> = None;
    let mut ascending = true;
    for path in paths {
        for_each_line(path, false, |number, line| {
            let id = parse_id(line)
                .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
            if last.is_some_and(|l| id <= l) {
                ascending = false;
            }
            last = Some(id);
            Ok(())
        })?;
        if !ascending {
            break;
        }
    }
    if ascending {
        for path in paths {
            for_each_line(path, false, |number, line| parse(path, &number, line))?;
        }
        return Ok(());
    }
    // Out of order: index (id, file, byte offset), then read each game at its place.
    const FILE_SHIFT: u32 = 48;
    let mut index: Vec<(u64, u64)> = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        for_each_line_at(path, |number, at, line| {
            let id = parse_id(line)
                .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
            if at >= 1 << FILE_SHIFT {
                bail!("{}: too large to index", path.display());
            }
            index.push((id, ((file as u64) << FILE_SHIFT) | at));
            Ok(())
        })?;
    }
    index.sort_unstable();
    let place = |packed: u64| {
        (
            (packed >> FILE_SHIFT) as usize,
            packed & ((1 << FILE_SHIFT) - 1),
        )
    };
    if let Some(pair) = index.windows(2).find(|w| w[0].0 == w[1].0) {
        let (a, b) = (paths[place(pair[0].1).0], paths[place(pair[1].1).0]);
        if a == b {
            bail!("{}: game {} appears twice", a.display(), pair[0].0);
        }
        bail!(
            "game {} appears twice: in {} and in {}",
            pair[0].0,
            a.display(),
            b.display()
        );
    }
    let mut readers: Vec<Option<(BufReader<File>, u64)>> = paths.iter().map(|_| None).collect();
    let mut line = String::new();
    for (_, packed) in index {
        let (file, at) = place(packed);
        let path = paths[file];
        if readers[file].is_none() {
            let reader = File::open(path)
                .map(BufReader::new)
                .with_context(|| format!("cannot read {}", path.display()))?;
            readers[file] = Some((reader, 0));
        }
        let (reader, position) = readers[file].as_mut().expect("just opened");
        if *position != at {
            reader
                .seek(SeekFrom::Start(at))
                .with_context(|| format!("cannot read {}", path.display()))?;
        }
        line.clear();
        let n = reader
            .read_line(&mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        *position = at + n as u64;
        parse(path, &format!("byte {at}"), line.trim_end())?;
    }
    Ok(())
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

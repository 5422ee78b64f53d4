//! `games.jsonl`: written as games finish, one flushed line each; read back tolerating the torn last
//! line a kill leaves behind.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
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

/// The game id of a line whose record is parsed in full later, where an error in the rest of the
/// line is found: [`parse_id`] without lexing the whole line when it starts as every writer of
/// `games.jsonl` starts it (serde writes [`GameRecord`]'s fields in order, `game_id` first).
pub fn leading_id(line: &str) -> serde_json::Result<u64> {
    const LEAD: &str = "{\"game_id\":";
    if let Some(rest) = line.strip_prefix(LEAD) {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        // A plain integer ended by the next field: anything else (a sign, a fraction, an exponent,
        // spaces, a leading zero) is left to the parser.
        let plain = digits > 0 && (digits == 1 || !rest.starts_with('0'));
        if plain
            && rest.as_bytes().get(digits) == Some(&b',')
            && let Ok(id) = rest[..digits].parse::<u64>()
        {
            return Ok(id);
        }
    }
    parse_id(line)
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
/// once more, straight through, or merged line by line when there are several (shards). Otherwise
/// an index of each game's place is built first: 16 bytes per game (16 MB for a million games),
/// never the records.
pub fn for_each_game_by_id(
    paths: &[&Path],
    mut f: impl FnMut(GameRecord) -> Result<()>,
) -> Result<()> {
    for_each_line_by_id(paths, |path, place, line| {
        let record: GameRecord = serde_json::from_str(line)
            .with_context(|| format!("{}:{place}: not a game record", path.display()))?;
        f(record)
    })
}

/// A reader of a pass's games that runs on a thread of its own ([`for_each_game_by_id_split`]):
/// the tidy tables, whose rows cost as much to format and write as the rest of the pass costs to
/// read and tally the games.
pub trait GameSink: Send {
    /// What the sink leaves once it has every game (made on its thread too).
    type Done: Send;
    /// Add the next game, in game-id order.
    fn add(&mut self, game: &GameRecord) -> Result<()>;
    /// The games are done.
    fn done(self) -> Self::Done;
}

/// Games handed to a [`GameSink`]'s thread at a time: enough that the handing costs nothing beside
/// the games, few enough that the queue holds little.
const SINK_BATCH_GAMES: usize = 128;
/// Batches queued for a [`GameSink`] at most; the pass waits when the sink is this far behind, so
/// memory holds at most this many batches beside the one being filled and the one being written,
/// however many games there are.
const SINK_QUEUE_BATCHES: usize = 4;

/// [`for_each_game_by_id`], feeding every game to `each` on this thread and then to `sink` on a
/// thread of its own, in the same order: the two run side by side, and what each sees, and so what
/// it writes, is as if one thread had fed them game by game. Returns what the sink leaves.
///
/// Errors are those the one thread would have met first: the sink's (it only ever has games that
/// `each` took before any error of the pass), then the pass's own (a line that is not a game, an
/// error of `each`). A panic on the sink's thread is resumed on this one.
pub fn for_each_game_by_id_split<S: GameSink>(
    paths: &[&Path],
    sink: S,
    mut each: impl FnMut(&GameRecord) -> Result<()>,
) -> Result<S::Done> {
    std::thread::scope(|scope| {
        let (queue, batches) = std::sync::mpsc::sync_channel::<Vec<GameRecord>>(SINK_QUEUE_BATCHES);
        let worker = scope.spawn(move || -> Result<S::Done> {
            let mut sink = sink;
            for batch in batches {
                for game in &batch {
                    sink.add(game)?;
                }
            }
            Ok(sink.done())
        });
        let mut batch = Vec::with_capacity(SINK_BATCH_GAMES);
        let read = for_each_game_by_id(paths, |game| {
            each(&game)?;
            batch.push(game);
            if batch.len() == SINK_BATCH_GAMES {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(SINK_BATCH_GAMES));
                // Refused only when the sink has stopped on an error, which is reported below.
                if queue.send(full).is_err() {
                    bail!("the games' writer stopped");
                }
            }
            Ok(())
        });
        // The games read before an error reach the sink too, as they would have in one thread.
        if !batch.is_empty() {
            let _ = queue.send(batch);
        }
        // The end of the games for the sink.
        drop(queue);
        let done = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        read?;
        Ok(done)
    })
}

/// [`for_each_game_by_id`], but `parse` gets each game's line unparsed (with its file and its
/// place there, for messages): for a reader that wants only a few fields of each game.
pub fn for_each_line_by_id(
    paths: &[&Path],
    mut parse: impl FnMut(&Path, &dyn std::fmt::Display, &str) -> Result<()>,
) -> Result<()> {
    // Pass 1: are the ids ascending in each file, and through the files in turn?
    let mut each_ascending = true;
    let mut all_ascending = true;
    let mut last_of_all: Option<u64> = None;
    for path in paths {
        let mut last: Option<u64> = None;
        for_each_line(path, false, |number, line| {
            let id = leading_id(line)
                .with_context(|| format!("{}:{number}: not a game record", path.display()))?;
            if last.is_some_and(|l| id <= l) {
                each_ascending = false;
            }
            if last_of_all.is_some_and(|l| id <= l) {
                all_ascending = false;
            }
            last = Some(id);
            last_of_all = Some(id);
            Ok(())
        })?;
        if !each_ascending {
            break;
        }
    }
    if each_ascending && all_ascending {
        for path in paths {
            for_each_line(path, false, |number, line| parse(path, &number, line))?;
        }
        return Ok(());
    }
    if each_ascending {
        // Shards, each in id order: merge them line by line, holding one line per file.
        let mut files = paths
            .iter()
            .map(|path| SortedLines::open(path))
            .collect::<Result<Vec<_>>>()?;
        loop {
            let mut next: Option<usize> = None;
            for (i, file) in files.iter().enumerate() {
                let Some((id, _)) = file.head else { continue };
                match next {
                    Some(j) if files[j].head.map(|h| h.0) == Some(id) => bail!(
                        "game {id} appears twice: in {} and in {}",
                        files[j].path.display(),
                        file.path.display()
                    ),
                    Some(j) if files[j].head.is_some_and(|h| h.0 < id) => {}
                    _ => next = Some(i),
                }
            }
            let Some(i) = next else { break };
            let file = &mut files[i];
            let number = file.head.map(|h| h.1).unwrap_or_default();
            parse(file.path, &number, file.line.trim_end())?;
            file.advance()?;
        }
        return Ok(());
    }
    // Out of order: index (id, file, byte offset), then read each game at its place.
    const FILE_SHIFT: u32 = 48;
    let mut index: Vec<(u64, u64)> = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        for_each_line_at(path, |number, at, line| {
            let id = leading_id(line)
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

/// The complete lines of a file whose ids ascend, one at a time: the current one and its
/// (id, line number) in `head` (`None` at the end).
struct SortedLines<'a> {
    path: &'a Path,
    reader: Option<BufReader<File>>,
    line: String,
    number: usize,
    head: Option<(u64, usize)>,
}

impl<'a> SortedLines<'a> {
    fn open(path: &'a Path) -> Result<SortedLines<'a>> {
        let reader = match File::open(path) {
            Ok(f) => Some(BufReader::new(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let mut lines = SortedLines {
            path,
            reader,
            line: String::new(),
            number: 0,
            head: None,
        };
        lines.advance()?;
        Ok(lines)
    }

    fn advance(&mut self) -> Result<()> {
        self.head = None;
        let Some(reader) = &mut self.reader else {
            return Ok(());
        };
        self.line.clear();
        let n = reader
            .read_line(&mut self.line)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        // The end, or a torn last line (dropped, as everywhere).
        if n == 0 || !self.line.ends_with('\n') {
            self.reader = None;
            return Ok(());
        }
        self.number += 1;
        let id = leading_id(self.line.trim_end()).with_context(|| {
            format!("{}:{}: not a game record", self.path.display(), self.number)
        })?;
        self.head = Some((id, self.number));
        Ok(())
    }
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
    /// Unbuffered: every line is written whole as soon as it is made, which is what a buffer
    /// flushed per game would do, without copying the line into the buffer first.
    out: File,
    /// The line being written, kept between games: made in place, it costs no allocation (the
    /// writer runs on the thread that shares the cores with the games).
    line: Vec<u8>,
    path: std::path::PathBuf,
}

impl GameWriter {
    pub fn append(path: &Path) -> Result<GameWriter> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(GameWriter {
            out: file,
            line: Vec::new(),
            path: path.to_path_buf(),
        })
    }

    pub fn write(&mut self, game: &GameRecord) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, game)?;
        self.line.push(b'\n');
        // Flushed per game: a kill loses at most the game being written (a torn line, dropped on
        // resume). The error names the file: a full disk is found at the first game it refuses.
        self.out
            .write_all(&self.line)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

/// Write all games sorted by id to a new file, put in place whole.
pub fn write_all(path: &Path, games: &BTreeMap<u64, GameRecord>) -> Result<()> {
    let mut out = crate::data::AtomicFile::create(path)?;
    for g in games.values() {
        serde_json::to_writer(&mut out, g)
            .and_then(|()| out.write_all(b"\n").map_err(serde_json::Error::io))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    out.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: u64) -> String {
        format!(
            "{{\"game_id\":{id},\"unit\":{id},\"scenario\":\"s\",\"seed\":1,\"world\":null,\"seats\":[],\
             \"winner\":null,\"decided_by\":\"horizon\",\"months_played\":1,\"asi_month\":null,\
             \"faults\":[]}}\n"
        )
    }

    fn file(dir: &Path, name: &str, ids: &[u64], torn: bool) -> PathBuf {
        let mut text: String = ids.iter().map(|&id| line(id)).collect();
        if torn {
            text.push_str("{\"game_id\":99");
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("gigawatt-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn ids_by_id(paths: &[&Path]) -> Result<Vec<u64>> {
        let mut ids = Vec::new();
        for_each_game_by_id(paths, |g| {
            ids.push(g.game_id);
            Ok(())
        })?;
        Ok(ids)
    }

    use std::path::PathBuf;

    /// A sink that keeps the ids it is given, failing at `fail_at` or panicking at `panic_at`.
    struct Ids {
        ids: Vec<u64>,
        fail_at: Option<u64>,
        panic_at: Option<u64>,
    }

    impl GameSink for Ids {
        type Done = Vec<u64>;

        fn add(&mut self, game: &GameRecord) -> Result<()> {
            if self.fail_at == Some(game.game_id) {
                bail!("the sink failed at {}", game.game_id);
            }
            assert_ne!(self.panic_at, Some(game.game_id), "the sink panicked");
            self.ids.push(game.game_id);
            Ok(())
        }

        fn done(self) -> Vec<u64> {
            self.ids
        }
    }

    fn sink() -> Ids {
        Ids {
            ids: Vec::new(),
            fail_at: None,
            panic_at: None,
        }
    }

    /// Many more games than the sink's queue holds, not a whole number of batches, in any order.
    fn many_games(dir: &Path) -> (PathBuf, Vec<u64>) {
        let count = (SINK_BATCH_GAMES * (SINK_QUEUE_BATCHES + 3) + 5) as u64;
        let ids: Vec<u64> = (0..count).map(|i| (i * 7919) % count).collect();
        let path = file(dir, "many", &ids, true);
        (path, (0..count).collect())
    }

    #[test]
    fn a_split_pass_feeds_both_sides_every_game_in_id_order() {
        let dir = temp("split");
        let (shuffled, all) = many_games(&dir);
        let sorted = file(&dir, "sorted", &all, false);
        for path in [shuffled, sorted] {
            let mut seen = Vec::new();
            let sunk = for_each_game_by_id_split(&[&path], sink(), |g| {
                seen.push(g.game_id);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, all);
            assert_eq!(sunk, all);
        }
        let empty = for_each_game_by_id_split(&[&dir.join("none")], sink(), |_| Ok(())).unwrap();
        assert!(empty.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_split_pass_reports_the_first_error_of_either_side() {
        let dir = temp("split-errors");
        let (path, _) = many_games(&dir);
        // The sink fails early: the pass stops (it does not wait on a full queue) with its error.
        let failing = Ids {
            fail_at: Some(3),
            ..sink()
        };
        let error = for_each_game_by_id_split(&[&path], failing, |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert_eq!(error, "the sink failed at 3");
        // This side fails: its error, and the sink had every game before it (as in one thread).
        let stop = (SINK_BATCH_GAMES * 2 + 10) as u64;
        let mut sunk = Vec::new();
        struct Keep<'a>(&'a mut Vec<u64>);
        impl GameSink for Keep<'_> {
            type Done = ();
            fn add(&mut self, game: &GameRecord) -> Result<()> {
                self.0.push(game.game_id);
                Ok(())
            }
            fn done(self) {}
        }
        let error = for_each_game_by_id_split(&[&path], Keep(&mut sunk), |g| {
            if g.game_id == stop {
                bail!("this side failed at {}", g.game_id);
            }
            Ok(())
        })
        .unwrap_err()
        .to_string();
        assert_eq!(error, format!("this side failed at {stop}"));
        assert_eq!(sunk, (0..stop).collect::<Vec<_>>());
        // Both fail: the sink's error is of an earlier game, as one thread would have met it.
        let failing = Ids {
            fail_at: Some(5),
            ..sink()
        };
        let error = for_each_game_by_id_split(&[&path], failing, |g| {
            if g.game_id == stop {
                bail!("this side failed");
            }
            Ok(())
        })
        .unwrap_err()
        .to_string();
        assert_eq!(error, "the sink failed at 5");
        // A line that is not a game.
        let bad = dir.join("bad");
        std::fs::write(&bad, format!("{}{{\"game_id\":1,\"unit\":x}}\n", line(0))).unwrap();
        let error = for_each_game_by_id_split(&[&bad], sink(), |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(error.contains("not a game record"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_panic_of_the_sink_reaches_the_caller() {
        let dir = temp("split-panic");
        let (path, _) = many_games(&dir);
        let panicking = Ids {
            panic_at: Some(200),
            ..sink()
        };
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            for_each_game_by_id_split(&[&path], panicking, |_| Ok(()))
        }))
        .unwrap_err();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("the sink panicked"), "{message}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn games_are_read_in_id_order_whatever_the_order_of_the_lines() {
        let dir = temp("order");
        let sorted = file(&dir, "sorted", &[0, 1, 2, 5], true);
        assert_eq!(ids_by_id(&[&sorted]).unwrap(), vec![0, 1, 2, 5]);
        let shuffled = file(&dir, "shuffled", &[4, 0, 3, 1], false);
        assert_eq!(ids_by_id(&[&shuffled]).unwrap(), vec![0, 1, 3, 4]);
        // Several files (shards), interleaved.
        let shard = file(&dir, "shard", &[7, 2, 6], true);
        assert_eq!(
            ids_by_id(&[&shuffled, &shard]).unwrap(),
            vec![0, 1, 2, 3, 4, 6, 7]
        );
        // Shards each in id order are merged as they are read.
        let (a, b) = (
            file(&dir, "a", &[0, 3, 4, 9], true),
            file(&dir, "b", &[1, 2, 5], false),
        );
        assert_eq!(ids_by_id(&[&a, &b]).unwrap(), vec![0, 1, 2, 3, 4, 5, 9]);
        let c = file(&dir, "c", &[6, 9], false);
        let error = ids_by_id(&[&a, &b, &c]).unwrap_err().to_string();
        assert!(error.contains("game 9 appears twice"), "{error}");
        let error = ids_by_id(&[&shuffled, &sorted]).unwrap_err().to_string();
        assert!(error.contains("game 0 appears twice"), "{error}");
        let twice = file(&dir, "twice", &[3, 1, 3], false);
        let error = ids_by_id(&[&twice]).unwrap_err().to_string();
        assert!(error.contains("game 3 appears twice"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_leading_id_is_the_parsed_id() {
        for line in [
            line(0),
            line(1234567),
            line(u64::MAX),
            "{\"game_id\": 5,\"unit\":1}".into(),
            "{\"unit\":1,\"game_id\":6}".into(),
        ] {
            let line = line.trim_end();
            assert_eq!(leading_id(line).unwrap(), parse_id(line).unwrap(), "{line}");
        }
        for bad in [
            "{\"game_id\":01,\"unit\":1}",
            "{\"game_id\":-1,\"unit\":1}",
            "{\"game_id\":1.5,\"unit\":1}",
            "{\"game_id\":18446744073709551616,\"unit\":1}",
            "{\"game_id\":7",
        ] {
            assert!(leading_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_id_set_holds_one_bit_per_game() {
        let mut set = IdSet::default();
        for id in [5, 0, 64, 1 << 40, 63] {
            assert!(set.insert(id));
        }
        assert!(!set.insert(64));
        assert_eq!(set.len(), 5);
        assert!(set.contains(63) && set.contains(1 << 40) && !set.contains(1));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 5, 63, 64, 1 << 40]);
        assert!(set.bits.len() <= 2, "far ids do not grow the bitset");
    }
}

//! The tidy tables written beside `games.jsonl`: `seats.csv` and `seats.parquet` (one row per game
//! and seat, every column flat and typed), `capability_by_year.csv` (one row per game, seat and
//! year). docs/data.md lists their columns, types and units.
//!
//! They are made from `games.jsonl` as it stands, read a line at a time in game order (an index of
//! line offsets, not the games, is held), so they cost little memory however many games there are,
//! and a folder of any age gets them when its run is resumed or merged. Seeds are exact in every
//! reader: two 32-bit halves everywhere (`seed_high`, `seed_low`), and a `uint64` `seed` in the
//! Parquet file (which pandas, polars and pyarrow all read as an unsigned 64-bit integer). CSV has
//! no such column: pyarrow's CSV reader turns integers above 2^63 into doubles.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedColumnWriter, SerializedFileWriter};
use serde::Serialize;

use super::record::{GameRecord, seed_high, seed_low};
use super::store::{GAMES_FILE, GameSink, for_each_game_by_id_split};
use crate::data::{self, number};
use crate::error::{Context, Result};

pub const SEATS_CSV_FILE: &str = "seats.csv";
pub const SEATS_PARQUET_FILE: &str = "seats.parquet";
pub const CAPABILITY_FILE: &str = "capability_by_year.csv";

/// Rows per Parquet row group: large enough for fast scans, small enough to buffer.
const ROW_GROUP_ROWS: usize = 65_536;

/// One row of `seats.csv` and `seats.parquet`: a seat of a game. The serde field names are the
/// CSV header and the Parquet column names (the Parquet file adds `seed`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SeatRow {
    pub game_id: u64,
    pub unit: u64,
    /// Sampled world, empty for the scenario's central values.
    pub world: Option<u32>,
    pub scenario: String,
    /// Upper 32 bits of the game's seed.
    pub seed_high: u32,
    /// Lower 32 bits of the game's seed.
    pub seed_low: u32,
    /// Position of the seat in the game (0-based).
    pub seat: u32,
    pub nation: Arc<str>,
    pub strategy: Arc<str>,
    /// The other seats' strategies in seat order, joined by ` vs `.
    pub opponents: String,
    #[serde(serialize_with = "number::compact")]
    pub score: f64,
    /// This seat's nation won the game (false for every seat on a tie).
    pub winner: bool,
    /// `superintelligence` or `horizon`.
    pub decided_by: String,
    pub months_played: u32,
    /// Month this seat's best lab crossed the superintelligence threshold, empty if it did not.
    pub asi_month: Option<u32>,
    /// Month anyone in the game first crossed it.
    pub first_asi_month: Option<u32>,
    /// Best-lab capability at the horizon (the game's end), log10 of 2022-equivalent FLOP.
    #[serde(serialize_with = "number::compact")]
    pub capability: f64,
    #[serde(serialize_with = "number::compact_opt")]
    pub capacity_built_gw: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub generation_capacity_gw: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub datacenter_it_gw: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub h100e: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub emissions_mtco2: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub money_spent_usd: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub ai_capex_usd: Option<f64>,
    #[serde(serialize_with = "number::compact_opt")]
    pub energy_capex_usd: Option<f64>,
    pub rejected_orders: Option<u32>,
    /// Faults of this seat's strategy in the game.
    pub faults: u32,
}

/// One row of `capability_by_year.csv`: a seat's best-lab capability in December of a year.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CapabilityRow {
    pub game_id: u64,
    pub world: Option<u32>,
    pub seat: u32,
    pub nation: Arc<str>,
    pub strategy: Arc<str>,
    /// Full years played before it (0 for the first December).
    pub year_index: u32,
    /// Calendar year; empty in results written before years were recorded.
    pub year: Option<i32>,
    #[serde(serialize_with = "number::compact")]
    pub capability: f64,
}

/// The rows of one game's seats.
pub fn seat_rows(game: &GameRecord) -> Vec<SeatRow> {
    let seed = game.seed;
    game.seats
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let opponents: Vec<&str> = game
                .seats
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, o)| &*o.strategy)
                .collect();
            SeatRow {
                game_id: game.game_id,
                unit: game.unit,
                world: game.world,
                scenario: game.scenario.clone(),
                seed_high: seed_high(seed),
                seed_low: seed_low(seed),
                seat: i as u32,
                nation: s.nation.clone(),
                strategy: s.strategy.clone(),
                opponents: opponents.join(" vs "),
                score: s.score,
                winner: game.winner.as_deref() == Some(&*s.nation),
                decided_by: game.decided_by.clone(),
                months_played: game.months_played,
                asi_month: s.asi_month,
                first_asi_month: game.asi_month,
                capability: s.capability,
                capacity_built_gw: s.capacity_built_gw,
                generation_capacity_gw: s.generation_capacity_gw,
                datacenter_it_gw: s.datacenter_it_gw,
                h100e: s.h100e,
                emissions_mtco2: s.emissions_mtco2,
                money_spent_usd: s.money_spent_usd,
                ai_capex_usd: s.ai_capex_usd,
                energy_capex_usd: s.energy_capex_usd,
                rejected_orders: s.rejected_orders,
                faults: game
                    .faults
                    .iter()
                    .filter(|f| *f.nation == *s.nation)
                    .count() as u32,
            }
        })
        .collect()
}

/// The rows of one game's capability trajectories. A record without `capability_years` (written
/// before they were recorded) takes its years from `start_year` of its scenario, if known.
pub fn capability_rows(game: &GameRecord, start_year: Option<i32>) -> Vec<CapabilityRow> {
    let mut rows = Vec::new();
    for (i, s) in game.seats.iter().enumerate() {
        for (y, &capability) in s.capability_by_year.iter().enumerate() {
            rows.push(CapabilityRow {
                game_id: game.game_id,
                world: game.world,
                seat: i as u32,
                nation: s.nation.clone(),
                strategy: s.strategy.clone(),
                year_index: y as u32,
                year: game
                    .capability_years
                    .get(y)
                    .copied()
                    .or_else(|| start_year.map(|first| first + y as i32)),
                capability,
            });
        }
    }
    rows
}

/// Write `seats.csv`, `seats.parquet` and `capability_by_year.csv` into `dir` from its
/// `games.jsonl` (in game order); returns the files written. Each is written whole to a temporary
/// file renamed over it. `start_years` (scenario name, first year) dates the trajectories of games
/// recorded without their years.
pub fn write_tables(dir: &Path, start_years: &[(String, i32)]) -> Result<Vec<PathBuf>> {
    let tables = TableWriter::create(dir, start_years)?;
    // The games are parsed on this thread while the tables' rows are written on another.
    let tables = for_each_game_by_id_split(&[dir.join(GAMES_FILE).as_path()], tables, |_| Ok(()))?;
    tables?.put_in_place()
}

/// The tables of [`write_tables`] written a game at a time, for a pass over the games that feeds
/// other readers too ([`super::report::write_run_reports_with`]): [`TableWriter::add`] each game in
/// game-id order, then [`TableWriter::finish`] puts the files in place. As a [`GameSink`], a pass
/// feeds it on a thread of its own, which completes the files ([`TableWriter::complete`]) and
/// leaves them to be put in place ([`CompletedTables::put_in_place`]).
pub struct TableWriter {
    seats_csv: PathBuf,
    seats_parquet: PathBuf,
    capability: PathBuf,
    seats_out: csv::Writer<BufWriter<File>>,
    capability_out: csv::Writer<BufWriter<File>>,
    parquet_out: SeatParquet<BufWriter<File>>,
    start_years: Vec<(String, i32)>,
    any_seat: bool,
    any_year: bool,
}

/// `seats.csv.tmp`, not `seats.tmp`: the two seats files must not share one.
fn tmp(p: &Path) -> PathBuf {
    let mut name = p.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

impl TableWriter {
    /// Start the tables of `dir` (temporary files until [`TableWriter::finish`]).
    pub fn create(dir: &Path, start_years: &[(String, i32)]) -> Result<TableWriter> {
        let seats_csv = dir.join(SEATS_CSV_FILE);
        let seats_parquet = dir.join(SEATS_PARQUET_FILE);
        let capability = dir.join(CAPABILITY_FILE);
        let create = |p: &Path| -> Result<BufWriter<File>> {
            Ok(BufWriter::new(File::create(p).with_context(|| {
                format!("cannot write {}", p.display())
            })?))
        };
        let seats_out = data::writer(create(&tmp(&seats_csv))?);
        let capability_out = data::writer(create(&tmp(&capability))?);
        let parquet_out = SeatParquet::create(create(&tmp(&seats_parquet))?)?;
        Ok(TableWriter {
            seats_csv,
            seats_parquet,
            capability,
            seats_out,
            capability_out,
            parquet_out,
            start_years: start_years.to_vec(),
            any_seat: false,
            any_year: false,
        })
    }

    /// Add the next game, in game-id order.
    pub fn add(&mut self, game: &GameRecord) -> Result<()> {
        for row in seat_rows(game) {
            self.seats_out
                .serialize(&row)
                .with_context(|| format!("cannot write {}", self.seats_csv.display()))?;
            self.parquet_out.push(row)?;
            self.any_seat = true;
        }
        let start_year = self
            .start_years
            .iter()
            .find(|(name, _)| *name == game.scenario)
            .map(|&(_, year)| year);
        for row in capability_rows(game, start_year) {
            self.capability_out
                .serialize(&row)
                .with_context(|| format!("cannot write {}", self.capability.display()))?;
            self.any_year = true;
        }
        Ok(())
    }

    /// Complete the files and put them in place; returns them.
    pub fn finish(self) -> Result<Vec<PathBuf>> {
        self.complete()?.put_in_place()
    }

    /// Complete the files (flushed to disk under their temporary names), not yet in place.
    pub fn complete(self) -> Result<CompletedTables> {
        let TableWriter {
            seats_csv,
            seats_parquet,
            capability,
            seats_out,
            capability_out,
            parquet_out,
            any_seat,
            any_year,
            ..
        } = self;
        let finish = |w: csv::Writer<BufWriter<File>>, path: &Path, header: &str| -> Result<()> {
            let mut inner = w
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(|| format!("cannot write {}", path.display()))?;
            // No rows: the header alone (the csv crate writes it with the first row).
            inner
                .write_all(header.as_bytes())
                .and_then(|()| inner.flush())
                .and_then(|()| inner.get_ref().sync_all())
                .with_context(|| format!("cannot write {}", path.display()))
        };
        let seats_header = if any_seat {
            String::new()
        } else {
            data::to_csv::<SeatRow>(&[])?
        };
        let capability_header = if any_year {
            String::new()
        } else {
            data::to_csv::<CapabilityRow>(&[])?
        };
        finish(seats_out, &seats_csv, &seats_header)?;
        finish(capability_out, &capability, &capability_header)?;
        parquet_out.close()?;
        Ok(CompletedTables {
            files: [seats_csv, seats_parquet, capability],
        })
    }
}

impl GameSink for TableWriter {
    /// Completing the files can fail too: reported when they are put in place, after whatever the
    /// pass's other readers report (the order of a pass in one thread).
    type Done = Result<CompletedTables>;

    fn add(&mut self, game: &GameRecord) -> Result<()> {
        TableWriter::add(self, game)
    }

    fn done(self) -> Self::Done {
        self.complete()
    }
}

/// The tables, complete under their temporary names ([`TableWriter::complete`]).
pub struct CompletedTables {
    files: [PathBuf; 3],
}

impl CompletedTables {
    /// Rename the tables into place; returns them.
    pub fn put_in_place(self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for path in self.files {
            std::fs::rename(tmp(&path), &path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            files.push(path);
        }
        Ok(files)
    }
}

/// `seats.parquet`, written a row group at a time.
struct SeatParquet<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    rows: Vec<SeatRow>,
}

/// The Parquet schema of [`SeatRow`] plus `seed`. Unsigned integers carry their logical type, so
/// readers show them as `uint32`/`uint64`; optional columns are nullable.
const SEAT_SCHEMA: &str = "
message seat {
    required int64 game_id (INTEGER(64,false));
    required int64 unit (INTEGER(64,false));
    optional int32 world (INTEGER(32,false));
    required binary scenario (STRING);
    required int64 seed (INTEGER(64,false));
    required int32 seed_high (INTEGER(32,false));
    required int32 seed_low (INTEGER(32,false));
    required int32 seat (INTEGER(32,false));
    required binary nation (STRING);
    required binary strategy (STRING);
    required binary opponents (STRING);
    required double score;
    required boolean winner;
    required binary decided_by (STRING);
    required int32 months_played (INTEGER(32,false));
    optional int32 asi_month (INTEGER(32,false));
    optional int32 first_asi_month (INTEGER(32,false));
    required double capability;
    optional double capacity_built_gw;
    optional double generation_capacity_gw;
    optional double datacenter_it_gw;
    optional double h100e;
    optional double emissions_mtco2;
    optional double money_spent_usd;
    optional double ai_capex_usd;
    optional double energy_capex_usd;
    optional int32 rejected_orders (INTEGER(32,false));
    required int32 faults (INTEGER(32,false));
}
";

/// Parquet stores unsigned integers in signed physical types, bit for bit.
fn bits64(x: u64) -> i64 {
    i64::from_ne_bytes(x.to_ne_bytes())
}

fn bits32(x: u32) -> i32 {
    i32::from_ne_bytes(x.to_ne_bytes())
}

impl<W: Write + Send> SeatParquet<W> {
    fn create(out: W) -> Result<SeatParquet<W>> {
        let schema = parquet::schema::parser::parse_message_type(SEAT_SCHEMA)
            .context("the seats' Parquet schema")?;
        let properties = WriterProperties::builder()
            .set_created_by("gigawatt".to_string())
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties))
            .context("cannot start seats.parquet")?;
        Ok(SeatParquet {
            writer,
            rows: Vec::new(),
        })
    }

    fn push(&mut self, row: SeatRow) -> Result<()> {
        self.rows.push(row);
        if self.rows.len() >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the buffered rows as one row group, a column at a time in schema order.
    fn flush(&mut self) -> Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let mut group = self
            .writer
            .next_row_group()
            .context("cannot write seats.parquet")?;
        let mut column = 0;
        while let Some(mut writer) = group.next_column().context("cannot write seats.parquet")? {
            write_column(&mut writer, column, &rows).context("cannot write seats.parquet")?;
            writer.close().context("cannot write seats.parquet")?;
            column += 1;
        }
        group.close().context("cannot write seats.parquet")?;
        Ok(())
    }

    fn close(mut self) -> Result<()> {
        self.flush()?;
        let mut out = self
            .writer
            .into_inner()
            .context("cannot write seats.parquet")?;
        out.flush()?;
        Ok(())
    }
}

/// Column `index` of [`SEAT_SCHEMA`] for `rows`.
fn write_column(
    writer: &mut SerializedColumnWriter<'_>,
    index: usize,
    rows: &[SeatRow],
) -> parquet::errors::Result<()> {
    fn u64s(w: &mut SerializedColumnWriter<'_>, values: Vec<u64>) -> parquet::errors::Result<()> {
        let values: Vec<i64> = values.into_iter().map(bits64).collect();
        w.typed::<Int64Type>()
            .write_batch(&values, None, None)
            .map(drop)
    }
    fn u32s(w: &mut SerializedColumnWriter<'_>, values: Vec<u32>) -> parquet::errors::Result<()> {
        let values: Vec<i32> = values.into_iter().map(bits32).collect();
        w.typed::<Int32Type>()
            .write_batch(&values, None, None)
            .map(drop)
    }
    fn opt_u32s(
        w: &mut SerializedColumnWriter<'_>,
        values: Vec<Option<u32>>,
    ) -> parquet::errors::Result<()> {
        let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
        let values: Vec<i32> = values.into_iter().flatten().map(bits32).collect();
        w.typed::<Int32Type>()
            .write_batch(&values, Some(&levels), None)
            .map(drop)
    }
    fn f64s(w: &mut SerializedColumnWriter<'_>, values: Vec<f64>) -> parquet::errors::Result<()> {
        w.typed::<DoubleType>()
            .write_batch(&values, None, None)
            .map(drop)
    }
    fn opt_f64s(
        w: &mut SerializedColumnWriter<'_>,
        values: Vec<Option<f64>>,
    ) -> parquet::errors::Result<()> {
        let levels: Vec<i16> = values.iter().map(|v| i16::from(v.is_some())).collect();
        let values: Vec<f64> = values.into_iter().flatten().collect();
        w.typed::<DoubleType>()
            .write_batch(&values, Some(&levels), None)
            .map(drop)
    }
    fn strs<'a>(
        w: &mut SerializedColumnWriter<'_>,
        values: impl Iterator<Item = &'a str>,
    ) -> parquet::errors::Result<()> {
        let values: Vec<ByteArray> = values.map(ByteArray::from).collect();
        w.typed::<ByteArrayType>()
            .write_batch(&values, None, None)
            .map(drop)
    }
    let col = |f: fn(&SeatRow) -> u64| rows.iter().map(f).collect::<Vec<_>>();
    let col32 = |f: fn(&SeatRow) -> u32| rows.iter().map(f).collect::<Vec<_>>();
    let opt32 = |f: fn(&SeatRow) -> Option<u32>| rows.iter().map(f).collect::<Vec<_>>();
    let optf = |f: fn(&SeatRow) -> Option<f64>| rows.iter().map(f).collect::<Vec<_>>();
    // In the order of SEAT_SCHEMA; `seat_parquet_columns_follow_the_csv` checks the names.
    match index {
        0 => u64s(writer, col(|r| r.game_id)),
        1 => u64s(writer, col(|r| r.unit)),
        2 => opt_u32s(writer, opt32(|r| r.world)),
        3 => strs(writer, rows.iter().map(|r| r.scenario.as_str())),
        4 => u64s(
            writer,
            col(|r| (u64::from(r.seed_high) << 32) | u64::from(r.seed_low)),
        ),
        5 => u32s(writer, col32(|r| r.seed_high)),
        6 => u32s(writer, col32(|r| r.seed_low)),
        7 => u32s(writer, col32(|r| r.seat)),
        8 => strs(writer, rows.iter().map(|r| &*r.nation)),
        9 => strs(writer, rows.iter().map(|r| &*r.strategy)),
        10 => strs(writer, rows.iter().map(|r| r.opponents.as_str())),
        11 => f64s(writer, rows.iter().map(|r| r.score).collect()),
        12 => {
            let values: Vec<bool> = rows.iter().map(|r| r.winner).collect();
            writer
                .typed::<BoolType>()
                .write_batch(&values, None, None)
                .map(drop)
        }
        13 => strs(writer, rows.iter().map(|r| r.decided_by.as_str())),
        14 => u32s(writer, col32(|r| r.months_played)),
        15 => opt_u32s(writer, opt32(|r| r.asi_month)),
        16 => opt_u32s(writer, opt32(|r| r.first_asi_month)),
        17 => f64s(writer, rows.iter().map(|r| r.capability).collect()),
        18 => opt_f64s(writer, optf(|r| r.capacity_built_gw)),
        19 => opt_f64s(writer, optf(|r| r.generation_capacity_gw)),
        20 => opt_f64s(writer, optf(|r| r.datacenter_it_gw)),
        21 => opt_f64s(writer, optf(|r| r.h100e)),
        22 => opt_f64s(writer, optf(|r| r.emissions_mtco2)),
        23 => opt_f64s(writer, optf(|r| r.money_spent_usd)),
        24 => opt_f64s(writer, optf(|r| r.ai_capex_usd)),
        25 => opt_f64s(writer, optf(|r| r.energy_capex_usd)),
        26 => opt_u32s(writer, opt32(|r| r.rejected_orders)),
        27 => u32s(writer, col32(|r| r.faults)),
        _ => Err(parquet::errors::ParquetError::General(format!(
            "seats.parquet has no column {index}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tournament::record::SeatRecord;
    use gigawatt_engine::Fault;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    fn game(game_id: u64, seed: u64) -> GameRecord {
        let seat = |nation: &str, strategy: &str, score: f64| SeatRecord {
            nation: nation.into(),
            strategy: strategy.into(),
            score,
            capability: 30.0 + score,
            asi_month: None,
            capability_by_year: vec![29.0, 30.0],
            capacity_built_gw: Some(12.5),
            money_spent_usd: Some(1e12),
            rejected_orders: Some(3),
            ..SeatRecord::default()
        };
        GameRecord {
            game_id,
            unit: game_id / 2,
            scenario: "us-china-2025".into(),
            seed,
            seats: vec![
                seat("usa", "builder", 0.75),
                seat("chn", "parametric(a: 1, b: 2)", 0.25),
            ],
            winner: Some("usa".into()),
            decided_by: "horizon".into(),
            months_played: 24,
            capability_years: vec![2025, 2026],
            asi_month: None,
            faults: vec![Fault {
                month: 3,
                nation: "chn".into(),
                strategy: "parametric(a: 1, b: 2)".into(),
                message: "absurd".into(),
            }],
            ..GameRecord::default()
        }
    }

    #[test]
    fn seat_parquet_columns_follow_the_csv() {
        let header = data::to_csv::<SeatRow>(&[]).unwrap();
        let csv: Vec<&str> = header.trim_end().split(',').collect();
        let schema = parquet::schema::parser::parse_message_type(SEAT_SCHEMA).unwrap();
        let parquet: Vec<&str> = schema
            .get_fields()
            .iter()
            .map(|f| f.name())
            .filter(|n| *n != "seed")
            .collect();
        assert_eq!(csv, parquet);
    }

    #[test]
    fn tables_are_written_in_game_order_with_exact_seeds() {
        let dir = std::env::temp_dir().join(format!("gigawatt-tables-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = u64::MAX - 6;
        let mut lines = String::new();
        for g in [game(1, big), game(0, 7)] {
            lines.push_str(&serde_json::to_string(&g).unwrap());
            lines.push('\n');
        }
        lines.push_str("{\"game_id\": 9, torn");
        std::fs::write(dir.join(GAMES_FILE), lines).unwrap();
        let files = write_tables(&dir, &[]).unwrap();
        assert_eq!(files.len(), 3);

        let seats = std::fs::read_to_string(dir.join(SEATS_CSV_FILE)).unwrap();
        let lines: Vec<&str> = seats.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[1].starts_with("0,0,,us-china-2025,0,7,0,usa,builder,\"parametric(a: 1, b: 2)\",0.75,true,horizon,24,,,30.75,12.5,,,,,1000000000000,,,3,0"), "{}", lines[1]);
        assert!(lines[2].ends_with(",3,1"), "{}", lines[2]);
        assert!(lines[3].starts_with(&format!(
            "1,0,,us-china-2025,{},{},0,",
            big >> 32,
            big & 0xffff_ffff
        )));

        let capability = std::fs::read_to_string(dir.join(CAPABILITY_FILE)).unwrap();
        assert_eq!(
            capability.lines().take(3).collect::<Vec<_>>(),
            [
                "game_id,world,seat,nation,strategy,year_index,year,capability",
                "0,,0,usa,builder,0,2025,29",
                "0,,0,usa,builder,1,2026,30",
            ]
        );

        let reader =
            SerializedFileReader::new(File::open(dir.join(SEATS_PARQUET_FILE)).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 4);
        let seeds: Vec<u64> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                let row = row.unwrap();
                let i = row
                    .get_column_iter()
                    .position(|(name, _)| name == "seed")
                    .unwrap();
                parquet::record::RowAccessor::get_ulong(&row, i).unwrap()
            })
            .collect();
        assert_eq!(seeds, [7, 7, big, big]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The tables written on their own thread beside the pass ([`write_tables`]) are those one
    /// thread writes game by game, byte for byte, over many batches of games.
    #[test]
    fn tables_written_beside_the_pass_equal_those_of_one_thread() {
        let root =
            std::env::temp_dir().join(format!("gigawatt-tables-split-{}", std::process::id()));
        let (split, one) = (root.join("split"), root.join("one"));
        std::fs::create_dir_all(&split).unwrap();
        std::fs::create_dir_all(&one).unwrap();
        let games: Vec<GameRecord> = (0..3000)
            .map(|id| {
                let mut g = game(id, id.wrapping_mul(0x9e37_79b9_7f4a_7c15));
                g.seats[1].score = id as f64 / 3000.0;
                g.seats[0].capability_by_year = vec![29.0 + id as f64 * 1e-3, 1.0 / 3.0];
                g
            })
            .collect();
        let lines: String = games
            .iter()
            .map(|g| serde_json::to_string(g).unwrap() + "\n")
            .collect();
        std::fs::write(split.join(GAMES_FILE), lines).unwrap();
        write_tables(&split, &[]).unwrap();
        let mut tables = TableWriter::create(&one, &[]).unwrap();
        for g in &games {
            tables.add(g).unwrap();
        }
        tables.finish().unwrap();
        for file in [SEATS_CSV_FILE, SEATS_PARQUET_FILE, CAPABILITY_FILE] {
            let (a, b) = (
                std::fs::read(split.join(file)).unwrap(),
                std::fs::read(one.join(file)).unwrap(),
            );
            assert!(a == b, "{file} differs");
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn no_games_give_headers_only() {
        let dir =
            std::env::temp_dir().join(format!("gigawatt-tables-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        write_tables(&dir, &[]).unwrap();
        let seats = std::fs::read_to_string(dir.join(SEATS_CSV_FILE)).unwrap();
        assert!(seats.starts_with("game_id,unit,world,") && seats.lines().count() == 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn old_records_get_their_seed_halves_and_years_and_empty_outcomes() {
        let dir = std::env::temp_dir().join(format!("gigawatt-tables-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let line = crate::tournament::record::tests::OLD_LINE;
        std::fs::write(dir.join(GAMES_FILE), format!("{line}\n")).unwrap();
        write_tables(&dir, &[("us-china-2025".to_string(), 2025)]).unwrap();
        let seats = std::fs::read_to_string(dir.join(SEATS_CSV_FILE)).unwrap();
        let seed: u64 = 12035550249420947055;
        assert_eq!(
            seats.lines().nth(2).unwrap(),
            format!(
                "0,0,0,us-china-2025,{},{},1,chn,builder,builder,0.03,false,horizon,60,57,57,30.3,,,,,,,,,,0",
                seed >> 32,
                seed & 0xffff_ffff
            )
        );
        let capability = std::fs::read_to_string(dir.join(CAPABILITY_FILE)).unwrap();
        assert_eq!(
            capability.lines().nth(2).unwrap(),
            "0,0,0,usa,builder,1,2026,30.1"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

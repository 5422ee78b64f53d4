//! One data layer: every CSV the tools write or read goes through the `csv` crate (RFC 4180, one
//! quoting rule: a field is quoted when it holds a comma, a quote or a line break), rows are typed
//! structs whose serde field names are the header, and numbers keep the text form the files always
//! had (Rust's shortest round-trip `Display`, not the `csv` crate's own float format), so files
//! written before this layer compare byte for byte.
//!
//! docs/data.md lists every file, its columns, their types and units.

use std::io::Write;

use serde::Serialize;

use crate::error::{Context, Result};

/// Write `text` to `path` whole: a temporary file beside it (`NAME.tmp`) renamed over it, so a kill
/// (or a requeue, or a full disk) leaves the old file or the new one, never half of one that the
/// next run would refuse or a reader would take for the whole.
pub fn write_atomic(path: &std::path::Path, text: &str) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", file.tmp.display()))?;
    file.commit()
}

/// A file written in a stream and put in place whole: written to `NAME.tmp` beside `path`, flushed
/// to disk and renamed over `path` by [`AtomicFile::commit`]. Dropped without a commit (an error on
/// the way), the temporary file is removed and `path` is untouched.
pub struct AtomicFile {
    out: Option<std::io::BufWriter<std::fs::File>>,
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
}

impl AtomicFile {
    pub fn create(path: &std::path::Path) -> Result<AtomicFile> {
        let mut tmp_name = path
            .file_name()
            .map_or_else(Default::default, |n| n.to_os_string());
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        Ok(AtomicFile {
            out: Some(std::io::BufWriter::new(file)),
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// The file it will become.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Flush, sync and rename into place.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take().expect("committed once");
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("cannot write {}", self.tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", self.tmp.display()))?;
        std::fs::rename(&self.tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Bytes free for this user on the filesystem holding `dir`, where the platform tells (`None`
/// elsewhere, or if it cannot be asked).
pub fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let stat = rustix::fs::statvfs(dir).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// A CSV writer with the files' one dialect: comma, LF line ends, quotes only where needed.
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

/// A CSV writer of records given field by field (tables whose columns are only known at run time:
/// `payoff.csv`, `worlds.csv`, `history.csv`).
pub fn record_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .quote_style(csv::QuoteStyle::Necessary)
        .has_headers(false)
        .from_writer(out)
}

/// The CSV text of typed rows, the header taken from the row type's serde field names (written
/// even when there are no rows, from `T::default()`).
pub fn to_csv<T: Serialize + Default>(rows: &[T]) -> Result<String> {
    let mut w = writer(Vec::new());
    if rows.is_empty() {
        // The csv crate writes the header with the first row: write a default row and keep only
        // the header line.
        w.serialize(T::default()).context("cannot write CSV")?;
        let bytes = into_bytes(w)?;
        let text = String::from_utf8(bytes).context("CSV is not UTF-8")?;
        let header = text.split_inclusive('\n').next().unwrap_or("").to_string();
        return Ok(header);
    }
    for row in rows {
        w.serialize(row).context("cannot write CSV")?;
    }
    String::from_utf8(into_bytes(w)?).context("CSV is not UTF-8")
}

/// The text of a [`record_writer`] that has been written to.
pub fn into_text(w: csv::Writer<Vec<u8>>) -> Result<String> {
    String::from_utf8(into_bytes(w)?).context("CSV is not UTF-8")
}

fn into_bytes(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| e.into_error())
        .context("cannot write CSV")
}

/// Number forms for `#[serde(serialize_with = "...")]`.
pub mod number {
    use serde::Serializer;

    /// Shortest round-trip form (`Display`); empty when not finite (a missing value to every CSV
    /// reader).
    pub fn finite<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        if x.is_finite() {
            display(x, s)
        } else {
            s.serialize_str("")
        }
    }

    /// [`finite`] of an optional number; `None` is empty.
    pub fn finite_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        finite(&x.unwrap_or(f64::NAN), s)
    }

    /// Shortest round-trip form, in exponent notation (`2.9e-65`) for magnitudes below 1e-5 or
    /// from 1e16 (where `Display` writes every zero); empty when not finite. The form of the files
    /// added with this layer (the tidy tables, `analysis.csv`).
    pub fn compact<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        let mut buffer = ryu::Buffer::new();
        let magnitude = x.abs();
        if !x.is_finite() {
            s.serialize_str("")
        } else if let Some(text) = plain(*x, &mut buffer) {
            s.serialize_str(text)
        } else if magnitude != 0.0 && !(1e-5..1e16).contains(&magnitude) {
            s.collect_str(&format_args!("{x:e}"))
        } else {
            s.collect_str(x)
        }
    }

    /// [`compact`] of an optional number; `None` is empty.
    pub fn compact_opt<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        compact(&x.unwrap_or(f64::NAN), s)
    }

    /// Shortest round-trip form (`Display`), `NaN` and `inf` as Rust writes them.
    pub fn display<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        let mut buffer = ryu::Buffer::new();
        match plain(*x, &mut buffer) {
            Some(text) => s.serialize_str(text),
            None => s.collect_str(x),
        }
    }

    /// The `Debug` form: like `Display` but always with a decimal point or an exponent.
    pub fn debug<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{x:?}"))
    }

    /// `x` as `Display` writes it, written faster (by ryu: the tidy tables write millions of
    /// numbers), when it is zero or its magnitude is from 1e-5 to below 1e16 and its digits cannot
    /// be a tie; `None` otherwise (then `Display` must write it).
    ///
    /// Both write the shortest digits that read back as `x`, the closest such to `x`, and in that
    /// range ryu lays them out without an exponent as `Display` does (but for the `.0` it gives
    /// whole numbers, dropped here); outside it ryu uses an exponent where `Display` writes every
    /// digit. They differ when `x` lies exactly halfway between the two closest such digit strings
    /// (`1308548795726862.25`: ryu writes `…862.2`, `Display` `…862.3`). That needs `x` to have
    /// exactly one decimal more than the digits (a 5): `x = m × 2^e` with `m` odd has exactly
    /// `-e` decimals, so those are left to `Display`. `ryu_text_is_display_text` checks this on
    /// millions of values.
    pub fn plain(x: f64, buffer: &mut ryu::Buffer) -> Option<&str> {
        let magnitude = x.abs();
        if magnitude == 0.0 {
            // `0` and `-0`.
            return Some(if x.is_sign_negative() { "-0" } else { "0" });
        }
        if !(1e-5..1e16).contains(&magnitude) {
            // Also NaN and the infinities, which compare false.
            return None;
        }
        let text = buffer.format_finite(x);
        let text = text.strip_suffix(".0").unwrap_or(text);
        let decimals = text.find('.').map_or(0, |dot| text.len() - dot - 1);
        // A normal number (the range holds no other): 52 stored bits and the implicit one.
        let bits = x.to_bits();
        let mantissa = (bits & ((1 << 52) - 1)) | (1 << 52);
        let exponent = ((bits >> 52) & 0x7ff) as i64 - 1075 + i64::from(mantissa.trailing_zeros());
        if exponent < 0 && -exponent == decimals as i64 + 1 {
            return None;
        }
        Some(text)
    }
}

/// A CSV reader with the files' dialect, lenient as the readers always were: spaces around fields
/// are ignored, LF, CRLF or CR end lines, a UTF-8 byte-order mark is skipped, blank lines are
/// skipped, and records may differ in length (the caller says which lengths it accepts).
pub fn reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
}

/// One record of a CSV text: its fields and the line it starts on (1-based).
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Every record of `text` ([`reader`]'s dialect), each with its line; errors as `line N: ...`.
/// A quote opens a quoted field only as the field's first character (RFC 4180: `a, "b"` is the
/// text ` "b"`, trimmed to `"b"`).
pub fn records(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_quotes(text)?;
    let mut lines = LineCounter::new(text);
    let mut out = Vec::new();
    let mut rdr = reader(text);
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = lines.line_at(record.position().map_or(0, |p| p.byte() as usize));
                let fields: Vec<String> = record.iter().map(str::to_string).collect();
                if fields.len() == 1 && fields[0].is_empty() {
                    continue;
                }
                out.push(Record { line, fields });
            }
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, |p| p.byte() as usize));
                return Err(format!("line {line}: {e}"));
            }
        }
    }
    Ok(out)
}

/// Line numbers of byte offsets, asked for in increasing order. (The `csv` crate's own line count
/// is that of the end of the previous record.) A record's offset may point at the line break that
/// ended the previous one: its line is that of its first other character.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let mut start = offset.max(self.at);
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        while self.at < start {
            let b = self.text[self.at];
            if b == b'\n' || (b == b'\r' && self.text.get(self.at + 1) != Some(&b'\n')) {
                self.line += 1;
            }
            self.at += 1;
        }
        self.line
    }
}

/// What the `csv` crate alone would read leniently but is a mistake in a file written by hand: a
/// quoted field never closed (the crate would take the rest of the file as that field) and text
/// after a closing quote (`"a"x`, which it would read as `ax`). Errors as `line N: ...`.
fn check_quotes(text: &str) -> Result<(), String> {
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if at_field_start => {
                let opened = line;
                loop {
                    match chars.next() {
                        None => {
                            return Err(format!(
                                "line {opened}: quoted field is not closed before the end of the \
                                 file"
                            ));
                        }
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some('\n') => line += 1,
                        Some('\r') if chars.peek() != Some(&'\n') => line += 1,
                        Some(_) => {}
                    }
                }
                while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                    chars.next();
                }
                if let Some(c) = chars.peek()
                    && !matches!(c, ',' | '\n' | '\r')
                {
                    return Err(format!(
                        "line {line}: unexpected `{c}` after a closing quote (a quote inside a \
                         quoted field is written `\"\"`)"
                    ));
                }
                at_field_start = false;
            }
            ',' => at_field_start = true,
            '\n' => {
                line += 1;
                at_field_start = true;
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    line += 1;
                }
                at_field_start = true;
            }
            _ => at_field_start = false,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Default)]
    struct Row {
        name: String,
        #[serde(serialize_with = "number::finite")]
        x: f64,
        n: u32,
    }

    #[test]
    fn rows_quote_only_what_needs_it_and_keep_number_forms() {
        let rows = [
            Row {
                name: "a, \"b\"".into(),
                x: 1.0,
                n: 2,
            },
            Row {
                name: "plain".into(),
                x: f64::NAN,
                n: 3,
            },
            Row {
                name: "big".into(),
                x: 1e20,
                n: 4,
            },
        ];
        assert_eq!(
            to_csv(&rows).unwrap(),
            "name,x,n\n\"a, \"\"b\"\"\",1,2\nplain,,3\nbig,100000000000000000000,4\n"
        );
        assert_eq!(to_csv::<Row>(&[]).unwrap(), "name,x,n\n");
    }

    #[test]
    fn records_read_quotes_line_ends_and_name_lines() {
        let text = "\u{feff}a,\"b,c\"\r\n\r\n\"multi\nline\", x \ny,z\n";
        let r = records(text).unwrap();
        assert_eq!(r[0].fields, ["a", "b,c"]);
        assert_eq!(r[0].line, 1);
        assert_eq!(r[1].fields, ["multi\nline", "x"]);
        assert_eq!(r[1].line, 3);
        assert_eq!(r[2].fields, ["y", "z"]);
        assert!(
            records("\"open")
                .unwrap_err()
                .starts_with("line 1: quoted field is not closed")
        );
        assert!(
            records("a\n\"b\"c")
                .unwrap_err()
                .starts_with("line 2: unexpected `c`")
        );
    }

    /// [`number::plain`] is `Display`'s text wherever it gives one, and gives one over the whole
    /// range it claims: random bit patterns, random numbers across the range's binades, whole
    /// numbers, short decimals (what the tables hold), powers of ten and their neighbours.
    #[test]
    fn ryu_text_is_display_text() {
        let mut buffer = ryu::Buffer::new();
        // Numbers in the range, and those of them left to `Display`.
        let (mut in_range, mut left) = (0_u64, 0_u64);
        let mut check = |x: f64| {
            let range = x == 0.0 || (1e-5..1e16).contains(&x.abs());
            in_range += u64::from(range);
            match number::plain(x, &mut buffer) {
                Some(text) => {
                    assert!(range, "{x:e}");
                    assert_eq!(text, format!("{x}"), "{x:e} ({:#x})", x.to_bits());
                }
                None => left += u64::from(range),
            }
        };
        // SplitMix64: a fixed, dependency-free stream of bits.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for _ in 0..100_000 {
            check(f64::from_bits(next()));
        }
        // Binary exponents -17 to 53 cover 1e-5 to 1e16, with a sign and a random mantissa.
        for _ in 0..400_000 {
            let bits = next();
            let exponent = 1023 - 17 + (bits >> 52) % 71;
            check(f64::from_bits(
                (bits & (1 << 63)) | (exponent << 52) | (bits & ((1 << 52) - 1)),
            ));
        }
        for k in 0..100_000_u32 {
            let k = f64::from(k);
            for x in [k, k / 10.0, k / 100.0, k / 1000.0, k * 1e6 + 0.5, -k / 7.0] {
                check(x);
            }
        }
        for e in -330..310 {
            let p = 10f64.powi(e);
            for x in [p, p.next_up(), p.next_down(), -p, 1.5 * p, 0.3 * p] {
                check(x);
            }
        }
        // Dyadic fractions of every size, where ties lie (few bits below the point).
        for _ in 0..200_000 {
            let bits = next();
            let point = (bits >> 58) as i32 % 60;
            let whole = (bits & ((1 << 57) - 1)) >> ((bits >> 52) % 57);
            check(whole as f64 * 2f64.powi(-point));
        }
        for e in -1075..1024 {
            let p = 2f64.powi(e);
            for x in [p, p.next_up(), p.next_down(), 3.0 * p] {
                check(x);
            }
        }
        for x in [
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ] {
            check(x);
        }
        // 1308548795726862.25, the tie that showed ryu and `Display` apart, left to `Display`.
        assert_eq!(
            number::plain(f64::from_bits(0x4312_9879_088f_f039), &mut buffer),
            None
        );
        // Ties are rare: ryu writes nearly every number.
        assert!(
            left * 100 < in_range,
            "{left} of {in_range} left to Display"
        );
    }
}

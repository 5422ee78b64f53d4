//! `--write-config FILE`: the whole configuration a command line means, written as the RON file
//! its `--config` reads back, so that users get a complete file instead of guessing one. Every
//! command with a configuration (`tournament`, `tune`) writes it the same way.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

/// Write `ron` (a configuration as RON) to `path`, or to `out` when `path` is `-`, after `header`
/// (each line becomes a `//` comment, which RON skips). Says on `out` what it wrote and how to
/// run it, with `command` the subcommand that reads it.
pub fn write(
    path: &Path,
    header: &str,
    ron: &str,
    command: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let mut text = String::new();
    for line in header.lines() {
        text.push_str(if line.is_empty() { "//" } else { "// " });
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(ron);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    if path == Path::new("-") {
        out.write_all(text.as_bytes())?;
        return Ok(());
    }
    gigawatt_arena::data::write_atomic(path, &text)?;
    writeln!(
        out,
        "wrote {}; run it with `gigawatt {command} --config {}`",
        path.display(),
        path.display()
    )?;
    Ok(())
}

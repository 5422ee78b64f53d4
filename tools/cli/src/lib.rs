//! The `gigawatt` command line over [`gigawatt_arena`] (tournaments, tuning, analyses) and
//! [`gigawatt_report`] (figures, the HTML report): arguments, terminal output, progress bars.
//!
//! - [`cli`]: the command line (clap derive) and the dispatch to each subcommand;
//! - [`tournament`] (`tournament`, `merge`, `analyze`), [`explore`], [`tune`], [`play`],
//!   [`report`], [`validate`], [`listing`]: one module per subcommand, each turning its flags into
//!   the library's configuration and printing what the library returns;
//! - [`progress`] (a bar at a terminal, lines in a batch log: the library's progress traits) and
//!   [`config_file`] (`--write-config`): what long runs share.
//!
//! Exit codes: 0 on success; 2 on any error (bad flags, unknown names, invalid or unreadable
//! scenario files, engine refusals, I/O failures). Errors are printed on stderr as `error: ...`.
//! A tournament stopped by a signal exits with 128 + the signal (143 for SIGTERM, 130 for
//! SIGINT) once the games in flight are written; running it again resumes it.

pub mod cli;
pub mod config_file;
pub mod explore;
pub mod listing;
pub mod play;
pub mod progress;
pub mod report;
pub mod tournament;
pub mod tune;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use cli::{Cli, Command};

/// Exit code for every failure (and for clap's usage errors).
pub const EXIT_FAILURE: u8 = 2;

/// Parse `args`, run the command on the real stdout, report errors on stderr, and return the exit
/// code. Never panics on bad input.
pub fn main_entry<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // Help and version print on stdout and exit 0; usage errors print on stderr and exit 2.
        Err(e) => e.exit(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = cli::run(&cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

/// Whether the error comes from writing to a closed pipe (`gigawatt play | head`): not worth a
/// message.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

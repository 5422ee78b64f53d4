//! `gigawatt report`: write a results folder's `report.html` and say where.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use gigawatt_arena::explore::files::{EXPLORE_FILES, EXPLORE_STAMP_FILE};
use gigawatt_arena::lock::FolderLock;
use gigawatt_arena::tournament::check::{check_folder, games_stamp};
use gigawatt_arena::tournament::report::write_run_reports;
use gigawatt_arena::tournament::store::GAMES_FILE;

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ReportArgs {
    /// A tournament results folder (with games.jsonl).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A tuning folder whose history.csv to draw as a convergence curve.
    #[arg(long, value_name = "TUNEDIR")]
    pub tuning: Option<PathBuf>,
}

/// Run `gigawatt report`: check the folder against its `config.ron` (every game of its plan once,
/// nothing else, the content it was played from), write its summaries again from `games.jsonl`
/// (so none can be stale), refuse explore's analyses if they are of other games, then write the
/// page.
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let dir = &args.dir;
    if !dir.is_dir() {
        bail!("{}: no such results folder", dir.display());
    }
    let _lock = FolderLock::acquire(dir)?;
    let checked = check_folder(dir)?;
    if checked.legacy {
        eprintln!(
            "warning: {} was written by an older gigawatt without a content identity: its games \
             are checked against its plan, not against the scenario text or the model",
            dir.display()
        );
    }
    // A lone shard has no summaries of its own: the page computes its standings from the games.
    if checked.config.shard.is_none() {
        write_run_reports(dir, &checked.config)?;
    }
    let explore_files: Vec<&str> = EXPLORE_FILES
        .into_iter()
        .filter(|f| dir.join(f).exists())
        .collect();
    if !explore_files.is_empty() {
        let stamp = std::fs::read_to_string(dir.join(EXPLORE_STAMP_FILE)).unwrap_or_default();
        if stamp != games_stamp(dir)? {
            bail!(
                "{}: {} were computed from other games than {} holds now (see {}); run the same \
                 `gigawatt explore` again to recompute them, or delete them",
                dir.display(),
                explore_files.join(", "),
                GAMES_FILE,
                EXPLORE_STAMP_FILE
            );
        }
    }
    let path = gigawatt_report::write_report(dir, args.tuning.as_deref())?;
    writeln!(out, "{}", path.display())?;
    Ok(ExitCode::SUCCESS)
}

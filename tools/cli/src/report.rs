//! `gigawatt report`: write a results folder's `report.html` and say where.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ReportArgs {
    /// A tournament results folder (with games.jsonl).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// A tuning folder whose history.csv to draw as a convergence curve.
    #[arg(long, value_name = "TUNEDIR")]
    pub tuning: Option<PathBuf>,
}

/// Run `gigawatt report`.
pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let path = gigawatt_report::write_report(&args.dir, args.tuning.as_deref())?;
    writeln!(out, "{}", path.display())?;
    Ok(ExitCode::SUCCESS)
}

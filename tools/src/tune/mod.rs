//! `gigawatt tune`: search a strategy's parameters against an opponent population, honestly.
//!
//! - [`config`]: the configuration (`config.ron`), checked against the registry and the scenarios;
//!   the search space and its mapping from the unit box;
//! - [`optimise`]: CMA-ES (the `cmaes` crate, driven ask/tell by replay) and random search, generic
//!   over the objective;
//! - [`evaluate`]: candidates against opponents on common world seeds, in parallel, bit-identical
//!   for any thread count;
//! - [`stats`]: t intervals over per-seed means, paired differences;
//! - [`run`]: the search with a checkpoint every generation, the finalists on fresh seeds, the
//!   held-out report, and the files (`config.ron`, `checkpoint.ron`, `history.csv`, `best.ron`,
//!   `summary.txt`, `finalists.csv`, `held_out.csv`).
//!
//! How to use it and read its output: "Tuning" in `docs/strategies.md`.

pub mod config;
pub mod evaluate;
pub mod optimise;
pub mod run;
pub mod stats;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

pub use config::TuneConfig;
pub use run::{Report, RunOptions};

#[derive(Clone, Debug, PartialEq, Args)]
pub struct TuneArgs {
    /// The tuning configuration (RON; see "Tuning" in docs/strategies.md and
    /// data/tuning/example.ron).
    #[arg(long, value_name = "FILE.ron")]
    pub config: PathBuf,
    /// Results directory (default: results/tune-<config name>-<fingerprint of the configuration>,
    /// which resumes by itself).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue an interrupted run in --out from its last checkpoint (to the same result).
    #[arg(long)]
    pub resume: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Check the configuration and write it whole (every field, defaults included; RON, as
    /// `--config` reads it) to FILE, or to stdout if FILE is `-`, and exit without tuning.
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
}

/// The comment at the top of a file written by `--write-config`.
const CONFIG_HEADER: &str = "A tuning configuration, written by `gigawatt tune --write-config`.
Run it with `gigawatt tune --config FILE`; every field is explained in docs/strategies.md, \"Tuning\".";

/// `results/tune-<config file stem>-<fingerprint>`: the same configuration lands in the same place.
fn default_out(path: &Path, config: &TuneConfig) -> PathBuf {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in config::pretty(config).bytes() {
        hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    PathBuf::from("results").join(format!("tune-{stem}-{:08x}", hash as u32))
}

/// `gigawatt tune`.
pub fn tune(args: &TuneArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let config = config::read(&args.config)?;
    let resolved = config::resolve(&config)?;
    if let Some(path) = &args.write_config {
        crate::config_file::write(path, CONFIG_HEADER, &config::pretty(&config), "tune", out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (dir, resume) = match &args.out {
        Some(dir) => (dir.clone(), args.resume),
        None => (default_out(&args.config, &config), true),
    };
    let options = RunOptions {
        threads: args.threads.map(|n| n as usize),
        resume,
        progress: !args.quiet,
    };
    let report = run::run(&config, &resolved, &dir, &options)?;
    write!(out, "{}", report.summary)?;
    writeln!(
        out,
        "\n{:.1} s; files in {}: best.ron, summary.txt, history.csv, finalists.csv, held_out.csv, \
         config.ron, checkpoint.ron",
        report.seconds,
        report.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

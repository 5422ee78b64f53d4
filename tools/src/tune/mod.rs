//! `gigawatt tune`: search a strategy's parameters against an opponent population, honestly.
//!
//! - [`config`]: the configuration (`config.ron`), checked against the registry and the scenarios;
//!   the search space and its mapping from the unit box;
//! - [`optimise`]: CMA-ES (the `cmaes` crate, driven ask/tell by replay) and random search, generic
//!   over the objective;
//! - [`evaluate`]: candidates against opponents on common world seeds, in parallel, bit-identical
//!   for any thread count;
//! - [`stats`]: t intervals over per-seed means, paired differences;
//! - [`worlds`]: with `worlds: Some(N)`, the sampled worlds (N for the search and the finalists,
//!   fresh ones for the held-out report) and which world each game plays in;
//! - [`run`]: the search with a checkpoint every generation, the finalists on fresh seeds, the
//!   held-out report, and the files (`config.ron`, `checkpoint.ron`, `history.csv`, `best.ron`,
//!   `summary.txt`, `finalists.csv`, `held_out.csv`; with worlds `worlds.csv` and
//!   `held_out_worlds.csv`).
//!
//! How to use it and read its output: "Tuning" in `docs/strategies.md`.

pub mod config;
pub mod evaluate;
pub mod optimise;
pub mod run;
pub mod stats;
pub mod worlds;

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
    /// Tune over N worlds sampled from the scenarios' distributions (overrides the file's
    /// `worlds`; see "Over sampled worlds" in docs/strategies.md).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=gigawatt_engine::uncertainty::MAX_WORLDS as i64))]
    pub worlds: Option<u32>,
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

/// The text the default directory's fingerprint is taken of: the configuration as written, but
/// without `worlds: None`, so a configuration without worlds keeps the directory it had before the
/// field existed (and resumes there).
fn fingerprint_text(config: &TuneConfig) -> String {
    let text = config::pretty(config);
    if config.worlds.is_none() {
        text.replace("\n    worlds: None,", "")
    } else {
        text
    }
}

/// `results/tune-<config file stem>-<fingerprint>`: the same configuration lands in the same place.
fn default_out(path: &Path, config: &TuneConfig) -> PathBuf {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in fingerprint_text(config).bytes() {
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
    let mut config = config::read(&args.config)?;
    if args.worlds.is_some() {
        config.worlds = args.worlds;
    }
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
    let worlds = if report.worlds.is_some() {
        format!(
            ", {}, {}",
            worlds::WORLDS_FILE,
            worlds::HELD_OUT_WORLDS_FILE
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "\n{:.1} s; files in {}: best.ron, summary.txt, history.csv, finalists.csv, held_out.csv, \
         config.ron, checkpoint.ron{worlds}",
        report.seconds,
        report.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_without_worlds_keep_their_default_directory() {
        let mut config = config::parse(config::tests::EXAMPLE).expect("parses");
        // As written before the field existed: no `worlds` at all.
        let text = fingerprint_text(&config);
        assert!(!text.contains("worlds"), "{text}");
        assert_eq!(config::parse(&text).expect("reparses"), config);
        assert!(config::pretty(&config).contains("worlds: None"));
        let before = default_out(Path::new("x.ron"), &config);
        config.worlds = Some(8);
        assert!(fingerprint_text(&config).contains("worlds: Some(8)"));
        assert_ne!(default_out(Path::new("x.ron"), &config), before);
    }
}

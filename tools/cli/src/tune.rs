//! `gigawatt tune`: the flags, and the run's summary on the terminal.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use gigawatt_arena::tune::{RunOptions, config, default_out, run, worlds};

use crate::progress::TuneBar;

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
    // One writer per folder: a second tuning run on it would interleave checkpoints.
    let _lock = gigawatt_arena::lock::FolderLock::acquire(&dir)?;
    let options = RunOptions {
        threads: args.threads.map(|n| n as usize),
        resume,
        stop: gigawatt_arena::signals::Stop::on_signals()?,
    };
    let bar = TuneBar::new(!args.quiet);
    let report = match run::run(&config, &resolved, &dir, &options, &bar) {
        Err(gigawatt_arena::Error::Stopped { signal, kept }) => {
            run::Progress::finish(&bar);
            out.flush()?;
            // Always said, even with --quiet: the one line a batch log needs after a preemption.
            let code = gigawatt_arena::signals::exit_code(signal);
            eprintln!(
                "stopped by {}: {kept}; resume with: {} (exit code {code})",
                gigawatt_arena::signals::name(signal),
                crate::tournament::resume_command(),
            );
            return Ok(ExitCode::from(code));
        }
        other => other?,
    };
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

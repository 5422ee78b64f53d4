//! `gigawatt explore`: the strategies played on N sampled worlds (a round robin per world, with the
//! tournament's store, resume, shards and merge), then the analyses of
//! [`gigawatt_arena::explore::files`] across the worlds.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;
use gigawatt_arena::explore::files::{
    DEFAULT_INTEREST_SHARE, DEFAULT_SATISFICE, DEFAULT_WORLDS, ExploreOptions,
};
use gigawatt_arena::explore::sensitivity;
use gigawatt_arena::lock::FolderLock;
use gigawatt_arena::tournament::default_out;

use crate::tournament::{TournamentArgs, config_from, parse_shard, tournament_then};

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ExploreArgs {
    /// Scenario to sample worlds from (embedded name or RON file with distributions).
    #[arg(long, value_name = "NAME|FILE", default_value = gigawatt_data::DEFAULT_SCENARIO)]
    pub scenario: String,
    /// Strategy spec or spec file (repeatable; default: every built-in but the slow ones).
    #[arg(long = "strategy", value_name = "SPEC")]
    pub strategies: Vec<String>,
    /// Worlds to sample (Latin hypercube).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_WORLDS,
          value_parser = clap::value_parser!(u32).range(1..=gigawatt_engine::uncertainty::MAX_WORLDS as i64))]
    pub worlds: u32,
    /// Seed of the worlds and of every game.
    #[arg(long, value_name = "M", default_value_t = 0)]
    pub seed: u64,
    /// Months per game (default: the scenario's horizon).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub months: Option<u32>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Results directory (default: results/<scenario>-<fingerprint of the configuration>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Resume a run in --out (implied when --out holds this very configuration).
    #[arg(long)]
    pub resume: bool,
    /// Play only shard K of N; `gigawatt merge` the shards, then run explore on the merged folder.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Nation whose winning defines the outcome of interest for scenario discovery (default: the
    /// scenario's last nation, e.g. `chn`): worlds where it wins more than half the games.
    #[arg(long, value_name = "NATION")]
    pub interest: Option<String>,
    /// A world is of interest when the --interest nation's share of its games exceeds this (0.5:
    /// it wins most of them; 0: it wins any).
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_INTEREST_SHARE)]
    pub interest_share: f64,
    /// Score a strategy must reach in a world to count as satisfied there (robustness.csv).
    #[arg(long, value_name = "SCORE", default_value_t = DEFAULT_SATISFICE)]
    pub satisfice: f64,
    /// Bootstrap resamples for the sensitivity intervals.
    #[arg(long, value_name = "N", default_value_t = sensitivity::DEFAULT_RESAMPLES)]
    pub sensitivity_resamples: usize,
    /// No progress bar or progress lines.
    #[arg(long)]
    pub quiet: bool,
    /// Write the whole configuration these flags mean to FILE (`-`: stdout) and exit.
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
}

impl ExploreArgs {
    /// The tournament these flags mean: one round per world.
    fn tournament_args(&self) -> TournamentArgs {
        TournamentArgs {
            config: None,
            scenarios: vec![self.scenario.clone()],
            strategies: self.strategies.clone(),
            seeds: Some(1),
            seed: Some(self.seed),
            months: self.months,
            worlds: Some(self.worlds),
            gauntlet: None,
            threads: self.threads,
            out: self.out.clone(),
            shard: self.shard,
            resume: self.resume,
            resamples: None,
            until_ci_width: None,
            sprt: None,
            quiet: self.quiet,
            progress_every: crate::progress::DEFAULT_EVERY_SECONDS,
            interim_standings: false,
            write_config: self.write_config.clone(),
        }
    }
}

/// Run `gigawatt explore`.
pub fn explore(args: &ExploreArgs, out: &mut dyn Write) -> Result<ExitCode> {
    if !args.satisfice.is_finite() {
        bail!("--satisfice must be a number (got {})", args.satisfice);
    }
    if !(0.0..1.0).contains(&args.interest_share) {
        bail!(
            "--interest-share must be at least 0 and below 1 (got {})",
            args.interest_share
        );
    }
    let targs = args.tournament_args();
    let config = config_from(&targs)?;
    // Checked before playing: a typo should not cost the run.
    if let Some(id) = &args.interest {
        let scenario = gigawatt_arena::inputs::load_scenario(&args.scenario)?;
        if scenario.nation_index(id).is_none() {
            let ids: Vec<&str> = scenario.nations.iter().map(|n| n.id.as_str()).collect();
            bail!(
                "--interest {id}: no such nation; nations: {}",
                ids.join(", ")
            );
        }
    }
    // Held for the whole command, analyses included; the tournament's own lock is this one (same
    // process).
    let _lock = match (&args.write_config, &args.out) {
        (Some(_), _) => None,
        (None, Some(dir)) => Some(FolderLock::acquire(dir)?),
        (None, None) => Some(FolderLock::acquire(&default_out(&config)?)?),
    };
    // The analyses and then the report page (once, with their sections) are written at the end of
    // the run, from its pass over the games.
    let options = ExploreOptions {
        interest: args.interest.clone(),
        interest_share: args.interest_share,
        satisfice: args.satisfice,
        sensitivity_resamples: args.sensitivity_resamples,
    };
    let finished = tournament_then(&targs, out, Some(&options))?;
    let Some((written, report)) = finished.explored else {
        // Stopped, sharded, or only writing the configuration: no analyses.
        return Ok(finished.code);
    };
    writeln!(out, "\nacross {} worlds:", config.worlds.unwrap_or(0))?;
    out.write_all(written.summary.as_bytes())?;
    for f in &written.files {
        writeln!(out, "  {}", f.display())?;
    }
    writeln!(
        out,
        "  {}  (the report, with the analyses)",
        report.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

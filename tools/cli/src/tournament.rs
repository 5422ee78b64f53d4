//! `gigawatt tournament`, `gigawatt merge` and `gigawatt analyze`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use gigawatt_arena::analyze;
use gigawatt_arena::explore::files::{ExploreOptions, ExploreTally, Written};
use gigawatt_arena::format::shell_word;
use gigawatt_arena::inputs::spec_text;
use gigawatt_arena::lock::FolderLock;
use gigawatt_arena::signals::{self, Stop};
use gigawatt_arena::standings;
use gigawatt_arena::tournament::check::check_folder;
use gigawatt_arena::tournament::merge::{
    check_out, mark_merging, merge, unmark_merging, write_merged,
};
use gigawatt_arena::tournament::plan::Format;
use gigawatt_arena::tournament::report::{
    GameConsumer, GameTallies, PAYOFF_FILE, listed_strategies, render, write_run_reports,
    write_run_reports_with,
};
use gigawatt_arena::tournament::run::{RunOptions, pretty, run_in};
use gigawatt_arena::tournament::stopping::StopRule;
use gigawatt_arena::tournament::store::GAMES_FILE;
use gigawatt_arena::tournament::{
    CONFIG_FILE, TournamentConfig, default_out, load_scenarios, sampled_worlds,
};
use gigawatt_report::PageTally;

use crate::config_file;
use crate::progress::{self, Mode, Progress};

#[derive(Clone, Debug, PartialEq, Args)]
pub struct TournamentArgs {
    /// A tournament configuration (RON, as written to `config.ron` beside every run's results).
    /// Flags given as well override its fields.
    #[arg(long, value_name = "FILE.ron")]
    pub config: Option<PathBuf>,
    /// Scenario to play (repeatable; default: the embedded default scenario).
    #[arg(long = "scenario", value_name = "NAME|FILE")]
    pub scenarios: Vec<String>,
    /// Strategy spec or spec file (repeatable; default: every built-in but the slow ones).
    #[arg(long = "strategy", value_name = "SPEC")]
    pub strategies: Vec<String>,
    /// World seeds per pairing (rounds) (default: 10).
    #[arg(long, value_name = "N")]
    pub seeds: Option<u64>,
    /// Tournament seed; every game's seed derives from it and the game's unit (default: 0).
    #[arg(long, value_name = "MASTER")]
    pub seed: Option<u64>,
    /// Months per game (default: the scenario's horizon).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub months: Option<u32>,
    /// Play every round in N worlds sampled from the scenario's distributions (Latin hypercube on
    /// the tournament seed); default: the scenario's central values only. Writes worlds.csv.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=gigawatt_engine::uncertainty::MAX_WORLDS as i64))]
    pub worlds: Option<u32>,
    /// Gauntlet: this strategy against each of the others, instead of a round robin.
    #[arg(long, value_name = "SPEC")]
    pub gauntlet: Option<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub threads: Option<u64>,
    /// Results directory (default: results/<scenario>-<fingerprint of the configuration>).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Play only shard K of N (units with id mod N = K − 1); merge the shards with `gigawatt merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Resume the tournament in --out. Implied when --out holds this very configuration (its
    /// config.ron): only the games it lacks are played. Needed only to add to a games.jsonl
    /// that has no config.ron.
    #[arg(long)]
    pub resume: bool,
    /// Bootstrap resamples for the confidence intervals (default: 1000).
    #[arg(long, value_name = "N")]
    pub resamples: Option<usize>,
    /// Stop once every strategy's 95% interval of its mean score is narrower than W (score
    /// units), checked after every round (every pairing on one more seed), so the stopping point
    /// is the same for any --threads and after a resume; --seeds is then the most rounds played.
    #[arg(long, value_name = "W", conflicts_with = "sprt")]
    pub until_ci_width: Option<String>,
    /// A head-to-head of two strategies (a gauntlet of one opponent, or two --strategy) stopped
    /// by a sequential probability ratio test of elo ELO0 against ELO1 (logistic Elo of the first
    /// over the second) with error rates ALPHA and BETA, on pentanomial pairs of seat-swapped
    /// games (as fastchess does), checked after every round; e.g. `--sprt 0,10,0.05,0.05`. Append
    /// `,score` to count each game's score instead of its result (when the seat decides results).
    #[arg(long, value_name = "ELO0,ELO1,ALPHA,BETA[,score]")]
    pub sprt: Option<String>,
    /// No progress bar or progress lines.
    #[arg(long)]
    pub quiet: bool,
    /// When stderr is not a terminal (a batch log): print a progress line (games done, rate, time
    /// left) every SECONDS; 0 prints only the first and last lines.
    #[arg(long, value_name = "SECONDS", value_parser = progress::parse_seconds,
          default_value_t = progress::DEFAULT_EVERY_SECONDS)]
    pub progress_every: f64,
    /// With each progress line, print the mean score of every strategy so far (above the bar at a
    /// terminal).
    #[arg(long)]
    pub interim_standings: bool,
    /// Write the whole configuration these flags mean (RON, as `--config` reads it) to FILE, or to
    /// stdout if FILE is `-`, and exit without playing.
    #[arg(long, value_name = "FILE")]
    pub write_config: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Args)]
pub struct MergeArgs {
    /// Results directories of the shards of one tournament.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged results.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Clone, Debug, PartialEq, Args)]
pub struct AnalyzeArgs {
    /// Payoff matrix: header `strategy,<name1>,...`, one row per strategy.
    #[arg(value_name = "PAYOFF.csv")]
    pub payoff: PathBuf,
    /// Population size Z of the evolutionary dynamics.
    #[arg(long, value_name = "Z", default_value_t = analyze::DEFAULT_POPULATION)]
    pub population: usize,
    /// Selection intensity β of the pairwise-comparison (Fermi) imitation.
    #[arg(long, value_name = "BETA", default_value_t = analyze::DEFAULT_SELECTION)]
    pub selection: f64,
    /// Print the analysis as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Parse `--shard K/N` with 1 ≤ K ≤ N.
pub fn parse_shard(text: &str) -> Result<(u64, u64), String> {
    let (k, n) = text
        .split_once('/')
        .ok_or_else(|| format!("--shard takes K/N (e.g. 2/8), not `{text}`"))?;
    let (k, n): (u64, u64) = (
        k.trim()
            .parse()
            .map_err(|_| format!("--shard: `{k}` is not a number"))?,
        n.trim()
            .parse()
            .map_err(|_| format!("--shard: `{n}` is not a number"))?,
    );
    if n == 0 || k == 0 || k > n {
        return Err(format!("--shard {k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

/// Canonical spec of a strategy argument (a spec or a spec file).
fn canonical(arg: &str) -> Result<String> {
    let text = spec_text(arg).with_context(|| format!("cannot read strategy spec file `{arg}`"))?;
    gigawatt_agents::check(&text).map_err(|e| anyhow!("--strategy {arg}: {e}"))
}

/// The configuration the flags (and `--config`) describe.
pub fn config_from(args: &TournamentArgs) -> Result<TournamentConfig> {
    let mut config = match &args.config {
        Some(path) => TournamentConfig::read(path)?,
        None => TournamentConfig::default(),
    };
    if !args.scenarios.is_empty() {
        config.scenarios = args.scenarios.clone();
    }
    if !args.strategies.is_empty() {
        config.strategies = args
            .strategies
            .iter()
            .map(|s| canonical(s))
            .collect::<Result<_>>()?;
    } else {
        config.strategies = config
            .strategies
            .iter()
            .map(|s| canonical(s))
            .collect::<Result<_>>()?;
    }
    let mut unique = config.strategies.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != config.strategies.len() {
        bail!(
            "a strategy is given twice: {}",
            config.strategies.join(", ")
        );
    }
    if let Some(n) = args.seeds {
        config.seeds = n;
    }
    if let Some(s) = args.seed {
        config.seed = s;
    }
    if args.months.is_some() {
        config.months = args.months;
    }
    if args.worlds.is_some() {
        config.worlds = args.worlds;
    }
    if let Some(focal) = &args.gauntlet {
        config.format = Format::Gauntlet {
            focal: canonical(focal)?,
        };
    }
    if let Some(r) = args.resamples {
        config.resamples = r;
    }
    if let Some(w) = &args.until_ci_width {
        config.stop = Some(StopRule::ci_width(w)?);
    }
    if let Some(s) = &args.sprt {
        config.stop = Some(StopRule::sprt(s)?);
    }
    config.shard = args.shard.or(config.shard);
    if config.seeds == 0 || config.strategies.is_empty() || config.scenarios.is_empty() {
        bail!("a tournament needs at least one scenario, one strategy and one seed");
    }
    Ok(config)
}

/// The comment at the top of a file written by `--write-config`.
const CONFIG_HEADER: &str =
    "A tournament configuration, written by `gigawatt tournament --write-config`.
Play it with `gigawatt tournament --config FILE` (flags given as well override its fields).
Fields left out take their defaults; every field is explained in docs/tournaments.md.";

pub fn tournament(args: &TournamentArgs, out: &mut dyn Write) -> Result<ExitCode> {
    tournament_then(args, out, None).map(|run| run.code)
}

/// What [`tournament_then`] did: the exit code, and explore's analyses when asked for them.
pub struct Finished {
    pub code: ExitCode,
    /// explore's files and summary, and the report page (written after them).
    pub explored: Option<(Written, PathBuf)>,
}

/// [`tournament`], with explore's analyses (`explore`) written after the tournament's files and
/// before the report page (so that the page shows them, and is written once). Every file is made
/// from one pass over the games.
pub fn tournament_then(
    args: &TournamentArgs,
    out: &mut dyn Write,
    explore: Option<&ExploreOptions>,
) -> Result<Finished> {
    let finished = |code: ExitCode| Finished {
        code,
        explored: None,
    };
    let config = config_from(args)?;
    let scenarios = load_scenarios(&config)?;
    if let Some(path) = &args.write_config {
        config_file::write(path, CONFIG_HEADER, &pretty(&config), "tournament", out)?;
        return Ok(finished(ExitCode::SUCCESS));
    }
    // The run's identity is its content: the scenarios' text now, and this program's model.
    let config = config.with_content()?;
    let dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_out(&config)?,
    };
    // One writer per folder, until this command is done (reports included).
    let _lock = FolderLock::acquire(&dir)?;
    let options = RunOptions {
        threads: args.threads.map(|n| n as usize),
        // The default folder is named by the configuration's fingerprint: whatever is there is this
        // tournament's.
        resume: args.resume || args.out.is_none(),
        interim_standings: args.interim_standings,
        stop: Stop::on_signals()?,
    };
    let mode = Mode::detect(args.quiet, args.progress_every);
    let worlds = sampled_worlds(&config)?;
    let summary = run_in(
        &config,
        &scenarios,
        worlds.as_ref(),
        &dir,
        &options,
        &mut Progress::new(mode),
    )?;
    let rate = if summary.seconds > 0.0 {
        summary.played as f64 / summary.seconds
    } else {
        0.0
    };
    writeln!(
        out,
        "{} games planned, {} already played, {} played now in {:.1} s ({} games/s)",
        summary.planned,
        summary.already_done,
        summary.played,
        summary.seconds,
        gigawatt_arena::format::count(rate)
    )?;
    if summary.played == 0 && summary.already_done == summary.planned {
        writeln!(
            out,
            "{} is complete: all {} games were played before; nothing to play (the analyses are \
             written again)",
            dir.display(),
            summary.planned
        )?;
    }
    if let Some(worlds) = &worlds {
        // The standings below are over sampled worlds, not the scenario's point values.
        writeln!(
            out,
            "standings over {} sampled worlds (Latin hypercube, seed {}; values in {})",
            worlds.count,
            worlds.seed,
            dir.join(gigawatt_arena::tournament::worlds::WORLDS_FILE)
                .display()
        )?;
    }
    if let Some(signal) = summary.stopped {
        out.flush()?;
        // Always said, even with --quiet: the one line a batch log needs after a preemption.
        eprintln!(
            "stopped by {}: {} of {} games are in {}; resume with: {} (exit code {})",
            signals::name(signal),
            summary.done(),
            summary.planned,
            dir.display(),
            resume_command(),
            signals::exit_code(signal)
        );
        return Ok(finished(ExitCode::from(signals::exit_code(signal))));
    }
    let mut explored = None;
    let next = if let Some((k, n)) = config.shard {
        writeln!(
            out,
            "shard {k}/{n} done in {}; combine the shards with `gigawatt merge DIR... --out DIR`",
            dir.display()
        )?;
        "combine the shards with `gigawatt merge`".to_string()
    } else {
        // Readers of the games beyond the tournament's files, fed by its pass over them. One that
        // cannot start fails where it would have failed alone: after the tournament's files.
        let mut analyses = explore.map(|options| ExploreTally::new(&dir, &config, options));
        let mut page = PageTally::of_folder(&dir);
        let mut others: Vec<&mut dyn GameConsumer> = Vec::new();
        if let Some(Ok(tally)) = &mut analyses {
            others.push(tally);
        }
        if let Ok(tally) = &mut page {
            others.push(tally);
        }
        let mut reports = write_run_reports_with(&dir, &config, &mut others)?;
        match analyses {
            Some(tally) => {
                let written = tally?.write(&dir)?;
                let report = gigawatt_report::write_report_of(&dir, None, page?)?;
                explored = Some((written, report));
            }
            None => reports
                .files
                .push(gigawatt_report::write_report_of(&dir, None, page?)?),
        }
        write!(out, "\n{}", render(&reports))?;
        format!(
            "the report is {}",
            dir.join(gigawatt_report::REPORT_FILE).display()
        )
    };
    if mode.is_lines() {
        out.flush()?;
        match &summary.decision {
            Some(d) => eprintln!(
                "finished: {} of {} games are in {} (with its {CONFIG_FILE}), {}; {next}",
                summary.done(),
                summary.planned,
                dir.display(),
                d.reason
            ),
            None => eprintln!(
                "finished: all {} games are in {} (with its {CONFIG_FILE}); {next}",
                summary.planned,
                dir.display(),
            ),
        }
    }
    Ok(Finished {
        code: ExitCode::SUCCESS,
        explored,
    })
}

/// The command line this process was started with, with `--resume` added if it lacks it, quoted
/// for a POSIX shell: what to run to carry on after a stop.
pub fn resume_command() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--resume") {
        args.push("--resume".to_string());
    }
    args.iter()
        .map(|a| shell_word(a))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn merge_cmd(args: &MergeArgs, out: &mut dyn Write) -> Result<ExitCode> {
    // Never over another run, nor over one of the shards being read.
    check_out(&args.out, &args.dirs)?;
    let _lock = FolderLock::acquire(&args.out)?;
    // Again, now that no one else can write there.
    check_out(&args.out, &args.dirs)?;
    let (config, games) = merge(&args.dirs, load_scenarios)?;
    mark_merging(&args.out)?;
    write_merged(&args.out, &config, &args.dirs)?;
    writeln!(
        out,
        "merged {} shards: {} games into {}",
        args.dirs.len(),
        games,
        args.out.display()
    )?;
    let mut reports = write_run_reports(&args.out, &config)?;
    reports
        .files
        .push(gigawatt_report::write_report(&args.out, None)?);
    write!(out, "\n{}", render(&reports))?;
    // A sampled run (explore's, or a tournament with --worlds) gets its analyses across worlds.
    if config.worlds.is_some() && config.scenarios.len() == 1 {
        let options = gigawatt_arena::explore::files::ExploreOptions::default();
        let written =
            gigawatt_arena::explore::files::write_explore_reports(&args.out, &config, &options)?;
        writeln!(out, "\nacross {} worlds:", config.worlds.unwrap_or(0))?;
        out.write_all(written.summary.as_bytes())?;
        for f in &written.files {
            writeln!(out, "  {}", f.display())?;
        }
        // Again, now with the analyses' sections.
        gigawatt_report::write_report(&args.out, None)?;
    }
    unmark_merging(&args.out)?;
    Ok(ExitCode::SUCCESS)
}

/// A results folder's `payoff.csv` is analysed only if the folder passes its checks (every game of
/// its plan once, nothing else) and the file is what its games give now, not a stale or edited one.
/// Any other payoff file is the user's own matrix and is analysed as it is.
fn check_payoff_folder(payoff: &std::path::Path) -> Result<()> {
    let dir = payoff.parent().unwrap_or(std::path::Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    if payoff.file_name() != Some(std::ffi::OsStr::new(PAYOFF_FILE))
        || !dir.join(CONFIG_FILE).exists()
        || !dir.join(GAMES_FILE).exists()
    {
        return Ok(());
    }
    let checked = check_folder(dir)?;
    let strategies = listed_strategies(&checked.config);
    let tallies = GameTallies::read(&dir.join(GAMES_FILE), &strategies)?;
    let expected = standings::payoff_csv(&strategies, &tallies.payoff.matrix(&strategies));
    let actual = std::fs::read_to_string(payoff)
        .with_context(|| format!("cannot read {}", payoff.display()))?;
    if actual != expected {
        bail!(
            "{} is stale or edited: it is not the payoff matrix of the games in {} ({GAMES_FILE}); \
             run `gigawatt report {}` to write it again",
            payoff.display(),
            dir.display(),
            dir.display()
        );
    }
    Ok(())
}

pub fn analyze_cmd(args: &AnalyzeArgs, out: &mut dyn Write) -> Result<ExitCode> {
    analyze::check_parameters(args.population, args.selection)?;
    check_payoff_folder(&args.payoff)?;
    let payoff = analyze::read_payoff_csv(&args.payoff)?;
    let report = analyze::analyze(&payoff, args.population, args.selection);
    analyze::check_finite(&report)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", analyze::render_text(&report))?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_k_of_n() {
        assert!(
            parse_shard("0/3").is_err() && parse_shard("4/3").is_err() && parse_shard("x").is_err()
        );
        assert_eq!(parse_shard("2/8"), Ok((2, 8)));
    }

    #[test]
    fn words_are_quoted_for_a_shell_only_when_needed() {
        assert_eq!(shell_word("--out"), "--out");
        assert_eq!(shell_word("results/a-1"), "results/a-1");
        assert_eq!(
            shell_word("parametric(compute_share: 0.6)"),
            "'parametric(compute_share: 0.6)'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}

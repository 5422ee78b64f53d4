//! The command line: `gigawatt play | validate | scenarios | strategies`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use gigawatt_arena::inputs::AgentArg;

#[derive(Debug, Parser)]
#[command(
    name = "gigawatt",
    version,
    about = "Gigawatt: the AI race as an industrial race for compute, chips and gigawatts",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a tournament of strategies on all cores: every built-in on the default scenario unless
    /// told otherwise; writes games.jsonl, standings.csv, payoff.csv, arrival.csv, analysis.json,
    /// and the tables seats.csv, seats.parquet, capability_by_year.csv, analysis.csv.
    Tournament(crate::tournament::TournamentArgs),
    /// Play the strategies in N worlds sampled from the scenario's distributions, then find what
    /// decides the race: sensitivity.csv, discovery.json (PRIM), robustness.csv (regret), besides a
    /// tournament's files and worlds.csv.
    Explore(crate::explore::ExploreArgs),
    /// Merge the results of a sharded tournament, checking every game is there exactly once.
    Merge(crate::tournament::MergeArgs),
    /// Meta-game analysis of a payoff matrix: Nash equilibrium, evolutionary dynamics, α-rank.
    Analyze(crate::tournament::AnalyzeArgs),
    /// Tune a strategy's parameters against an opponent pool (CMA-ES or random search), re-check
    /// the finalists on fresh seeds and report on held-out seeds; writes best.ron, history.csv,
    /// summary.txt.
    Tune(crate::tune::TuneArgs),
    /// Play one game and print a yearly table per nation and the outcome (or JSON).
    Play(PlayArgs),
    /// Write DIR/report.html: a tournament folder as one self-contained web page (standings,
    /// payoff heat map, meta-game, capability trajectories, superintelligence arrival; for explore's
    /// folders also what decides the race, where an outcome holds and robust strategies).
    Report(crate::report::ReportArgs),
    /// Check scenario files; print each error as `FILE:LINE:COL: message` (files only, not
    /// embedded names).
    Validate(ValidateArgs),
    /// List the embedded scenarios: name, description, nations (`--export NAME` prints one's file,
    /// to copy and edit).
    Scenarios(ScenariosArgs),
    /// List the built-in strategies: name and doctrine, then each parameter with its default, range
    /// and meaning.
    Strategies,
}

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ScenariosArgs {
    /// Print the embedded scenario NAME's file as it is (comments, sources and distributions
    /// included), e.g. `gigawatt scenarios --export us-china-2025 > mine.ron`.
    #[arg(long, value_name = "NAME")]
    pub export: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Args)]
pub struct PlayArgs {
    /// Embedded scenario name (see `gigawatt scenarios`) or path to a RON scenario file.
    #[arg(long, value_name = "NAME|FILE", default_value = gigawatt_data::DEFAULT_SCENARIO)]
    pub scenario: String,
    /// Strategy for one nation: NATION=SPEC, where SPEC is a strategy spec (`usa=builder`,
    /// `usa=parametric(compute_share: 0.6)`) or the path of a file holding one (read when the path
    /// exists or ends in `.ron`). Repeatable; other nations play `status-quo`.
    #[arg(long = "agent", value_name = "NATION=SPEC", value_parser = AgentArg::parse)]
    pub agents: Vec<AgentArg>,
    /// Seed of the game's random streams.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Play at most N months (may exceed the scenario's horizon).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub months: Option<u32>,
    /// Write the monthly trace (one row per month per nation) as CSV to this file.
    #[arg(long, value_name = "FILE.csv")]
    pub trace: Option<PathBuf>,
    /// Draw the game as one SVG figure (capacity, queue, datacenters, chips, largest run,
    /// capability, superintelligence markers) in this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Print the outcome as pretty JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// `central` (the scenario's point values) or the index of a sampled world of a run of
    /// `--worlds` worlds drawn with `--world-seed` (a tournament's or explore's `--seed`): replays
    /// that world, whose values `--json` reports.
    #[arg(long, value_name = "central|N", default_value = "central", value_parser = parse_world)]
    pub world: WorldChoice,
    /// Worlds in the run the world comes from (needed with `--world N`).
    #[arg(long, value_name = "M",
          value_parser = clap::value_parser!(u32).range(1..=gigawatt_engine::uncertainty::MAX_WORLDS as i64))]
    pub worlds: Option<u32>,
    /// Seed the run's worlds were drawn with (its `--seed`).
    #[arg(long, value_name = "SEED", default_value_t = 0)]
    pub world_seed: u64,
}

/// Which world `play` plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorldChoice {
    /// The scenario's point values.
    Central,
    /// World N of a sampled run.
    Sampled(u32),
}

/// `central`, or a world index.
fn parse_world(text: &str) -> Result<WorldChoice, String> {
    if text == "central" {
        return Ok(WorldChoice::Central);
    }
    text.parse::<u32>()
        .map(WorldChoice::Sampled)
        .map_err(|_| format!("--world takes `central` or a world index, not `{text}`"))
}

#[derive(Clone, Debug, PartialEq, Args)]
pub struct ValidateArgs {
    /// Scenario files (RON) to check.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// Run a parsed command, writing its normal output to `out`. Errors become `error: ...` and exit
/// code 2 in [`crate::main_entry`]; a command that completes but finds problems (e.g. `validate`)
/// returns its own exit code.
pub fn run(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Tournament(args) => crate::tournament::tournament(args, out),
        Command::Explore(args) => crate::explore::explore(args, out),
        Command::Merge(args) => crate::tournament::merge_cmd(args, out),
        Command::Analyze(args) => crate::tournament::analyze_cmd(args, out),
        Command::Tune(args) => crate::tune::tune(args, out),
        Command::Play(args) => crate::play::run(args, out),
        Command::Report(args) => crate::report::run(args, out),
        Command::Validate(args) => crate::validate::run(args, out, &mut std::io::stderr()),
        Command::Scenarios(args) => match &args.export {
            Some(name) => crate::listing::export_scenario(name, out),
            None => crate::listing::scenarios(out),
        },
        Command::Strategies => crate::listing::strategies(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("gigawatt").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// `--help` shows the defaults the configuration really has.
    #[test]
    fn tournament_help_states_the_real_defaults() {
        let mut cli = Cli::command();
        let help = cli
            .find_subcommand_mut("tournament")
            .expect("tournament")
            .render_long_help()
            .to_string();
        let defaults = gigawatt_arena::tournament::TournamentConfig::default();
        for (flag, value) in [
            ("--seeds", defaults.seeds.to_string()),
            ("--seed", defaults.seed.to_string()),
            ("--resamples", defaults.resamples.to_string()),
        ] {
            let at = help
                .find(&format!("{flag} <"))
                .unwrap_or_else(|| panic!("{flag} in {help}"));
            let entry = &help[at..];
            let entry = &entry[..entry[1..].find("\n  -").map_or(entry.len(), |e| e + 1)];
            assert!(entry.contains(&format!("(default: {value})")), "{entry}");
        }
    }

    #[test]
    fn play_defaults() {
        let cli = parse(&["play"]).expect("parses");
        let Command::Play(args) = cli.command else {
            panic!("not play")
        };
        assert_eq!(args.scenario, gigawatt_data::DEFAULT_SCENARIO);
        assert_eq!(args.seed, 0);
        assert_eq!(args.months, None);
        assert!(
            args.agents.is_empty() && args.trace.is_none() && args.plot.is_none() && !args.json
        );
    }

    #[test]
    fn play_repeats_agents_in_order() {
        let cli = parse(&[
            "play",
            "--agent",
            "usa=random",
            "--agent",
            "chn=status-quo",
            "--seed",
            "7",
            "--json",
        ])
        .expect("parses");
        let Command::Play(args) = cli.command else {
            panic!("not play")
        };
        let pairs: Vec<_> = args
            .agents
            .iter()
            .map(|a| (a.nation.as_str(), a.strategy.as_str()))
            .collect();
        assert_eq!(pairs, [("usa", "random"), ("chn", "status-quo")]);
        assert_eq!(args.seed, 7);
        assert!(args.json);
    }

    #[test]
    fn zero_months_and_malformed_agents_are_usage_errors() {
        for bad in [
            &["play", "--months", "0"][..],
            &["play", "--agent", "usa"],
            &["play", "--seed", "-1"],
            &["play", "--bogus"],
        ] {
            let err = parse(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad:?} should fail"));
            assert_eq!(err.exit_code(), 2, "{bad:?}: {err}");
        }
    }

    #[test]
    fn validate_needs_a_file() {
        assert!(parse(&["validate"]).is_err());
        let cli = parse(&["validate", "a.ron", "b.ron"]).expect("parses");
        let Command::Validate(args) = cli.command else {
            panic!("not validate")
        };
        assert_eq!(args.files, [PathBuf::from("a.ron"), PathBuf::from("b.ron")]);
    }
}

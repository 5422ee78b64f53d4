//! `gigawatt play`: one game, reported as yearly tables and the outcome, or as JSON.

use std::fs::File;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use gigawatt_arena::format::{count, fixed, flop, gw, month_label, usd};
use gigawatt_arena::inputs::{load_scenario, load_uncertain_scenario, seat_strategies};
use gigawatt_arena::play::{Game, SampledWorld, finish, new_match, write_trace};
use gigawatt_arena::table::{Align, Table};
use gigawatt_engine::{Match, Outcome, TraceRow};

use crate::cli::{PlayArgs, WorldChoice};

/// Run `gigawatt play`.
pub fn run(args: &PlayArgs, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (mut game, sampled) = start_in_world(args)?;
    // Create the trace file before playing, so that a bad path fails fast.
    let trace_file = match &args.trace {
        Some(path) => Some((
            path,
            File::create(path)
                .with_context(|| format!("cannot create trace file `{}`", path.display()))?,
        )),
        None => None,
    };
    let plot_file = match &args.plot {
        Some(path) => Some((
            path,
            File::create(path)
                .with_context(|| format!("cannot create plot file `{}`", path.display()))?,
        )),
        None => None,
    };
    if trace_file.is_some() || plot_file.is_some() || !args.json {
        game.record_trace();
    }
    let game = finish(game);
    if let Some((path, file)) = trace_file {
        write_trace(file, &game.trace)
            .with_context(|| format!("cannot write trace file `{}`", path.display()))?;
        // On stderr: stdout may be the JSON a script reads.
        eprintln!(
            "wrote {} ({} rows: one per nation and month)",
            path.display(),
            game.trace.len()
        );
    }
    if let Some((path, mut file)) = plot_file {
        let svg = gigawatt_report::plot::game_svg(
            &game.trace,
            &game.outcome,
            game.scenario.start_year,
            Some(game.scenario.global.asi_threshold_capability),
        )?;
        file.write_all(svg.as_bytes())
            .with_context(|| format!("cannot write plot file `{}`", path.display()))?;
        eprintln!("wrote {} (the game as one SVG figure)", path.display());
    }
    if args.json {
        let mut json = gigawatt_arena::play::outcome_json(&game.outcome);
        if let (Some(world), Some(object)) = (&sampled, json.as_object_mut()) {
            object.insert("world".to_string(), world.json());
        }
        serde_json::to_writer_pretty(&mut *out, &json)?;
        writeln!(out)?;
    } else {
        out.write_all(report(&game).as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Set up the match `args` describe: scenario, seats, seed and months. Errors name the bad input.
pub fn start(args: &PlayArgs) -> anyhow::Result<Match> {
    start_in_world(args).map(|(m, _)| m)
}

/// [`start`], also returning the sampled world when `--world N` is given.
pub fn start_in_world(args: &PlayArgs) -> anyhow::Result<(Match, Option<SampledWorld>)> {
    let (scenario, sampled) = match args.world {
        WorldChoice::Central => (load_scenario(&args.scenario)?, None),
        WorldChoice::Sampled(world) => {
            let worlds = args.worlds.ok_or_else(|| {
                anyhow::anyhow!(
                    "--world {world} needs --worlds M, the number of worlds of the run it comes from \
                     (and --world-seed, the run's --seed)"
                )
            })?;
            let uncertain = load_uncertain_scenario(&args.scenario)?;
            if uncertain.is_certain() {
                anyhow::bail!(
                    "scenario `{}` declares no distributions: it has only its central world",
                    args.scenario
                );
            }
            let (scenario, values) = uncertain
                .world(args.world_seed, worlds, world)
                .map_err(anyhow::Error::msg)?;
            let values = uncertain
                .uncertainties
                .iter()
                .map(|u| u.path.clone())
                .zip(values)
                .collect();
            (
                Arc::new(scenario),
                Some(SampledWorld {
                    world,
                    worlds,
                    seed: args.world_seed,
                    values,
                }),
            )
        }
    };
    let strategies = seat_strategies(&scenario, &args.agents)?;
    let months = args.months.unwrap_or(scenario.horizon_months);
    Ok((new_match(scenario, strategies, args.seed, months)?, sampled))
}

/// The human-readable report: a title, a yearly table per nation, and the outcome.
pub fn report(game: &Game) -> String {
    let scenario = &game.scenario;
    let outcome = &game.outcome;
    let mut text = String::new();
    let last = outcome.months_played.saturating_sub(1);
    text.push_str(&format!(
        "{} — seed {}, {} month{} ({} to {})\n",
        outcome.scenario,
        outcome.seed,
        outcome.months_played,
        if outcome.months_played == 1 { "" } else { "s" },
        month_label(scenario.start_year, 0),
        month_label(scenario.start_year, last),
    ));
    for (i, nation) in outcome.nations.iter().enumerate() {
        let name = scenario
            .nations
            .get(i)
            .map(|n| n.name.as_str())
            .unwrap_or("");
        text.push('\n');
        text.push_str(&format!("{} — {} ({})\n", nation.id, name, nation.strategy));
        text.push_str(&yearly_table(&game.trace, &nation.id, scenario.start_year));
    }
    text.push('\n');
    text.push_str(&outcome_section(game));
    text
}

/// A nation's year-end rows: one per calendar year, the last month played in it, with the AI capex
/// paid up to then.
pub fn year_ends<'a>(trace: &'a [TraceRow], nation: &str) -> Vec<(&'a TraceRow, f64)> {
    let mut ends: Vec<(&TraceRow, f64)> = Vec::new();
    let mut capex = 0.0;
    for row in trace.iter().filter(|r| r.nation == nation) {
        capex += row.ai_capex_usd;
        match ends.last_mut() {
            Some(last) if last.0.year == row.year => *last = (row, capex),
            _ => ends.push((row, capex)),
        }
    }
    ends
}

/// The yearly table of one nation, indented, with a footnote when the last year is partial.
pub fn yearly_table(trace: &[TraceRow], nation: &str, start_year: i32) -> String {
    let mut table = Table::new(&[
        ("year", Align::Left),
        ("online GW", Align::Right),
        ("queue GW", Align::Right),
        ("DC IT GW", Align::Right),
        ("H100e", Align::Right),
        ("largest run FLOP", Align::Right),
        ("capability", Align::Right),
        ("AI capex to date", Align::Right),
    ]);
    let mut partial = None;
    for (row, capex) in year_ends(trace, nation) {
        let full_year = row.month % 12 == 11;
        if !full_year {
            partial = Some((row.year, month_label(start_year, row.month)));
        }
        table.row(vec![
            format!("{}{}", row.year, if full_year { "" } else { "*" }),
            gw(row.generation_capacity_gw),
            gw(row.interconnection_queue_gw),
            gw(row.datacenter_it_gw),
            count(row.h100e),
            flop(row.largest_run_flop),
            fixed(row.capability, 2),
            usd(capex),
        ]);
    }
    if table.is_empty() {
        return "  (no months played)\n".to_string();
    }
    let mut text = table.render("  ");
    if let Some((year, label)) = partial {
        text.push_str(&format!(
            "  * {year}: values at {label}, when the game ended\n"
        ));
    }
    text
}

/// Winner, how it was decided, a table of nations, and the faults.
pub fn outcome_section(game: &Game) -> String {
    let outcome = &game.outcome;
    let start = game.scenario.start_year;
    let mut text = String::new();
    let winner = outcome
        .winner
        .clone()
        .unwrap_or_else(|| "none (tie)".to_string());
    text.push_str(&format!("Winner:  {winner}\n"));
    text.push_str(&format!(
        "Decided: {}\n",
        how_decided(outcome, game.months, start)
    ));
    let mut table = Table::new(&[
        ("nation", Align::Left),
        ("strategy", Align::Left),
        ("ASI", Align::Left),
        ("capability", Align::Right),
        ("score", Align::Right),
        ("money spent", Align::Right),
        ("faults", Align::Right),
    ]);
    for n in &outcome.nations {
        let faults = outcome.faults.iter().filter(|f| f.nation == n.id).count();
        table.row(vec![
            n.id.clone(),
            n.strategy.clone(),
            n.asi_month
                .map(|m| month_label(start, m))
                .unwrap_or_else(|| "—".to_string()),
            fixed(n.capability, 2),
            fixed(n.score, 2),
            usd(n.money_spent_usd),
            faults.to_string(),
        ]);
    }
    text.push_str(&table.render("  "));
    if outcome.faults.is_empty() {
        text.push_str("Faults:  none\n");
    } else {
        text.push_str(&format!("Faults:  {}\n", outcome.faults.len()));
        let mut faults = Table::new(&[
            ("month", Align::Left),
            ("nation", Align::Left),
            ("strategy", Align::Left),
            ("message", Align::Left),
        ]);
        for f in &outcome.faults {
            faults.row(vec![
                month_label(start, f.month),
                f.nation.clone(),
                f.strategy.clone(),
                f.message.clone(),
            ]);
        }
        text.push_str(&faults.render("  "));
    }
    text
}

/// One line on how the game was decided.
fn how_decided(outcome: &Outcome, months: u32, start_year: i32) -> String {
    let played = outcome.months_played;
    match outcome.decided_by.as_str() {
        "superintelligence" => {
            let month = outcome
                .nations
                .iter()
                .filter_map(|n| n.asi_month)
                .min()
                .unwrap_or(played.saturating_sub(1));
            format!(
                "by superintelligence in {}, after {played} of {months} months",
                month_label(start_year, month)
            )
        }
        "horizon" => format!(
            "at the horizon ({}) on capability, after {played} months",
            month_label(start_year, played.saturating_sub(1))
        ),
        other => format!("by {other}, after {played} of {months} months"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_arena::inputs::AgentArg;
    use gigawatt_engine::Strategy;

    fn row(month: u32, nation: &str, capex: f64) -> TraceRow {
        TraceRow {
            month,
            year: 2025 + (month / 12) as i32,
            nation: nation.to_string(),
            generation_capacity_gw: 1000.0 + month as f64,
            capacity_under_construction_gw: 0.0,
            interconnection_queue_gw: 2.5,
            datacenter_it_gw: 10.0,
            datacenter_powered_fraction: 1.0,
            h100e: 12.4e6,
            training_flop: 1e26,
            effective_training_flop: 1e27,
            capability: 30.0,
            ai_capex_usd: capex,
            emissions_mtco2: 1.0,
            firm_supply_gw: 0.0,
            baseline_demand_gw: 0.0,
            largest_run_flop: 3.2e27,
            algorithmic_efficiency: 1.0,
            treasury_usd: 0.0,
            capacity_built_gw: 0.0,
            idle_h100e: 0.0,
            powered_h100e: 12.4e6,
        }
    }

    fn trace(months: u32) -> Vec<TraceRow> {
        (0..months)
            .flat_map(|m| [row(m, "usa", 1e9), row(m, "chn", 2e9)])
            .collect()
    }

    #[test]
    fn year_ends_take_the_last_month_of_each_year_and_accumulate_capex() {
        let t = trace(30);
        let ends = year_ends(&t, "usa");
        let months: Vec<u32> = ends.iter().map(|(r, _)| r.month).collect();
        assert_eq!(months, [11, 23, 29]);
        let capex: Vec<f64> = ends.iter().map(|(_, c)| *c).collect();
        assert_eq!(capex, [12e9, 24e9, 30e9]);
        assert_eq!(year_ends(&t, "chn")[0].1, 24e9);
        assert!(year_ends(&t, "eu").is_empty());
    }

    #[test]
    fn yearly_table_has_units_and_marks_a_partial_year() {
        let text = yearly_table(&trace(30), "usa", 2025);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(
            lines[0].contains("online GW") && lines[0].contains("largest run FLOP"),
            "{text}"
        );
        assert!(
            lines[2].starts_with("  2025 ") && lines[2].contains("1011.0"),
            "{text}"
        );
        assert!(
            lines[2].contains("12.4M")
                && lines[2].contains("3.2e27")
                && lines[2].contains("$12.0B"),
            "{text}"
        );
        assert!(lines[4].starts_with("  2027*"), "{text}");
        assert_eq!(lines[5], "  * 2027: values at 2027-06, when the game ended");
        // Every data line is as wide as the header: the columns line up.
        let header_width = lines[0].chars().count();
        assert!(
            lines[1..5]
                .iter()
                .all(|l| l.chars().count() == header_width),
            "{text}"
        );
    }

    /// A game on the default scenario with one `--agent`, as tables.
    fn args(agent: &str, seed: u64, months: u32) -> PlayArgs {
        PlayArgs {
            scenario: gigawatt_data::DEFAULT_SCENARIO.to_string(),
            agents: vec![AgentArg::parse(agent).expect("valid")],
            seed,
            months: Some(months),
            trace: None,
            plot: None,
            json: false,
            world: WorldChoice::Central,
            worlds: None,
            world_seed: 0,
        }
    }

    #[test]
    fn the_default_game_reports_both_nations_and_an_outcome() {
        let args = args("chn=random", 3, 14);
        let mut m = start(&args).expect("starts");
        m.record_trace();
        let game = finish(m);
        assert_eq!(game.outcome.months_played, 14);
        assert_eq!(game.trace.len(), 28);
        let text = report(&game);
        assert!(
            text.contains("\nusa — ") && text.contains("\nchn — ") && text.contains("(random)"),
            "{text}"
        );
        assert!(
            text.contains("  2025 ") && text.contains("  2026*"),
            "{text}"
        );
        assert!(
            text.contains("Winner:  ") && text.contains("Decided: "),
            "{text}"
        );
    }

    /// Plays `status-quo` but panics in month 3.
    struct PanicsInMarch;

    impl Strategy for PanicsInMarch {
        fn name(&self) -> String {
            "panics-in-march".into()
        }
        fn decide(
            &mut self,
            obs: &gigawatt_engine::Observation,
            rng: &mut rand_chacha::ChaCha8Rng,
        ) -> gigawatt_engine::Orders {
            assert!(obs.month != 2, "deliberate failure in March");
            gigawatt_agents::build("status-quo")
                .expect("built-in")
                .decide(obs, rng)
        }
    }

    #[test]
    fn a_faulted_seat_is_played_by_the_fallback_and_the_fault_is_reported() {
        let scenario = load_scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
        let strategies: Vec<Box<dyn Strategy>> = vec![
            Box::new(PanicsInMarch),
            gigawatt_agents::build("status-quo").expect("built-in"),
        ];
        let mut m = new_match(scenario, strategies, 1, 6).expect("starts");
        m.record_trace();
        let game = finish(m);
        assert_eq!(game.outcome.months_played, 6, "the game went on");
        assert_eq!(game.outcome.faults.len(), 1, "{:?}", game.outcome.faults);
        let text = outcome_section(&game);
        let line = text
            .lines()
            .find(|l| l.starts_with("  2025-03 "))
            .unwrap_or_else(|| panic!("no fault line for 2025-03:\n{text}"));
        assert!(
            line.contains(" usa ")
                && line.contains(" panics-in-march ")
                && line.contains("deliberate failure in March")
                && line.contains("plays `status-quo`"),
            "{line}"
        );
        assert!(text.contains("Faults:  1\n"), "{text}");
    }

    #[test]
    fn an_unknown_nation_stops_the_game_before_it_starts() {
        let args = args("atlantis=random", 0, 1);
        let err = start(&args).err().expect("unknown nation");
        assert!(format!("{err:#}").contains("`atlantis`"), "{err:#}");
    }
}

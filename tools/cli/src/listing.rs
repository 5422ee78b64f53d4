//! `gigawatt scenarios` and `gigawatt strategies`: what is built in.

use std::io::Write;
use std::process::ExitCode;

use gigawatt_agents::StrategyInfo;
use gigawatt_agents::spec::format_number;
use gigawatt_engine::parse_scenario_with;

use crate::EXIT_FAILURE;
use gigawatt_arena::table::{Align, Table};

/// One line per embedded scenario: name, nations, description. An embedded scenario that does not
/// parse is listed with its first error, and the exit code is 2.
pub fn scenarios(out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut table = Table::new(&[
        ("scenario", Align::Left),
        ("nations", Align::Left),
        ("description", Align::Left),
    ]);
    let mut all_valid = true;
    for embedded in gigawatt_data::SCENARIOS {
        match parse_scenario_with(
            embedded.file,
            embedded.source,
            &gigawatt_data::embedded_base,
        ) {
            Ok(s) => {
                let nations: Vec<&str> = s.nations.iter().map(|n| n.id.as_str()).collect();
                table.row(vec![
                    embedded.name.to_string(),
                    nations.join(", "),
                    s.description.clone(),
                ]);
            }
            Err(errors) => {
                all_valid = false;
                let first = errors
                    .0
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                table.row(vec![
                    embedded.name.to_string(),
                    "?".to_string(),
                    format!("(invalid: {first})"),
                ]);
            }
        }
    }
    write!(out, "{}", without_header(&table))?;
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

/// The embedded scenario `name`'s file, as shipped: the start of a scenario of one's own.
pub fn export_scenario(name: &str, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Some(embedded) = gigawatt_data::scenario(name) else {
        anyhow::bail!(
            "no embedded scenario `{name}`; embedded scenarios: {}",
            gigawatt_arena::inputs::embedded_names()
        );
    };
    out.write_all(embedded.source.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Each built-in strategy: a line with its name (marked `(slow)` when left out of default
/// tournaments) and doctrine, then one indented line per parameter (name, default, range, meaning),
/// or the form of its arguments for a strategy that takes free-form ones.
pub fn strategies(out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    write!(out, "{}", strategies_text())?;
    Ok(ExitCode::SUCCESS)
}

fn strategies_text() -> String {
    let infos = gigawatt_agents::strategies();
    let title = |s: &StrategyInfo| {
        if s.slow {
            format!("{} (slow)", s.name)
        } else {
            s.name.to_string()
        }
    };
    let title_width = infos.iter().map(|s| width(&title(s))).max().unwrap_or(0);
    // Parameter columns line up across every strategy.
    let params: Vec<(String, String, String)> = infos
        .iter()
        .flat_map(|s| s.params())
        .map(|p| {
            (
                p.name.to_string(),
                format_number(p.default),
                format!("[{}]", p.range()),
            )
        })
        .collect();
    let column = |f: fn(&(String, String, String)) -> &String| {
        params.iter().map(|p| width(f(p))).max().unwrap_or(0)
    };
    let widths = [column(|p| &p.0), column(|p| &p.1), column(|p| &p.2)];

    let mut text = String::new();
    for s in infos {
        text.push_str(&format!(
            "{}  {}\n",
            pad(&title(s), title_width),
            s.description
        ));
        if let Some(args) = s.text_args() {
            text.push_str(&format!("  arguments: {}({args})\n", s.name));
        }
        for p in s.params() {
            let cells = [
                p.name.to_string(),
                format_number(p.default),
                format!("[{}]", p.range()),
            ];
            let mut line = String::from("  ");
            for (cell, w) in cells.iter().zip(widths) {
                line.push_str(&pad(cell, w));
                line.push_str("  ");
            }
            line.push_str(p.doc);
            text.push_str(line.trim_end());
            text.push('\n');
        }
    }
    text
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn pad(text: &str, to: usize) -> String {
    format!("{text}{}", " ".repeat(to.saturating_sub(width(text))))
}

/// The table's rows only, aligned: one line per item, easy to grep and cut.
fn without_header(table: &Table) -> String {
    table
        .render("")
        .lines()
        .skip(2)
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_strategy_then_its_parameters() {
        let text = strategies_text();
        let titles: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(titles.len(), gigawatt_agents::strategies().len(), "{text}");
        for (line, info) in titles.iter().zip(gigawatt_agents::strategies()) {
            assert!(
                line.starts_with(info.name) && line.ends_with(info.description),
                "{line}"
            );
            assert_eq!(line.contains(" (slow) "), info.slow, "{line}");
            // Its parameter lines follow it, in table order.
            let at = text.find(&format!("{line}\n")).expect("title line") + line.len() + 1;
            let below: Vec<&str> = text[at..]
                .lines()
                .take_while(|l| l.starts_with("  "))
                .collect();
            if let Some(args) = info.text_args() {
                assert_eq!(below, [format!("  arguments: {}({args})", info.name)]);
                continue;
            }
            let params = info.params();
            assert_eq!(below.len(), params.len(), "{line}");
            for (l, p) in below.iter().zip(&params) {
                let cells: Vec<&str> = l.split_whitespace().collect();
                assert_eq!(cells[0], p.name, "{l}");
                assert_eq!(cells[1], format_number(p.default), "{l}");
                assert_eq!(cells[2], format!("[{}]", p.range()), "{l}");
                assert!(l.ends_with(p.doc), "{l}");
            }
        }
    }

    #[test]
    fn parameters_show_defaults_and_ranges_as_written_in_specs() {
        let text = strategies_text();
        let line = |name: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(&format!("{name} ")))
                .unwrap_or_else(|| panic!("no `{name}` line:\n{text}"))
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        };
        // `builder` comes before `parametric`: its preset defaults are listed first.
        assert_eq!(line("energy_share"), "energy_share 0.6 [0..=1]");
        assert_eq!(line("dereg_month"), "dereg_month 1200 [0..=1200]");
        assert_eq!(line("training_share"), "training_share 0.5 [0.05..=0.95]");
        assert_eq!(line("orders_per_month"), "orders_per_month 3 [0..=10]");
        // Parameter columns line up.
        let starts: std::collections::BTreeSet<usize> = text
            .lines()
            .filter(|l| l.starts_with("  ") && !l.starts_with("  arguments:"))
            .map(|l| l.find('[').expect("range"))
            .collect();
        assert_eq!(starts.len(), 1, "{text}");
    }

    #[test]
    fn lists_every_embedded_scenario_with_its_nations() {
        let mut out = Vec::new();
        assert_eq!(scenarios(&mut out).expect("runs"), ExitCode::SUCCESS);
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.lines().count(), gigawatt_data::SCENARIOS.len());
        assert!(text.lines().any(|l| l.starts_with(gigawatt_data::DEFAULT_SCENARIO) && l.contains(" usa, chn ")), "{text}");
    }
}

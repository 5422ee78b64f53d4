//! `gigawatt scenarios` and `gigawatt strategies`: what is built in.

use std::io::Write;
use std::process::ExitCode;

use gigawatt_engine::parse_scenario;

use crate::EXIT_FAILURE;
use crate::table::{Align, Table};

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
        match parse_scenario(embedded.file, embedded.source) {
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

/// One line per built-in strategy: name and doctrine.
pub fn strategies(out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    write!(out, "{}", strategies_text())?;
    Ok(ExitCode::SUCCESS)
}

fn strategies_text() -> String {
    let mut table = Table::new(&[("strategy", Align::Left), ("doctrine", Align::Left)]);
    for s in gigawatt_agents::strategies() {
        table.row(vec![s.name.to_string(), s.description.to_string()]);
    }
    without_header(&table)
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
    fn lists_every_strategy_on_its_own_line() {
        let text = strategies_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), gigawatt_agents::strategies().len());
        for (line, info) in lines.iter().zip(gigawatt_agents::strategies()) {
            assert!(
                line.starts_with(info.name) && line.ends_with(info.description),
                "{line}"
            );
        }
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

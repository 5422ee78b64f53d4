//! `gigawatt validate FILE...`: check scenario files. Files only: embedded scenarios are checked by
//! the data crate's own tests (`gigawatt validate data/scenarios/*.ron` checks their sources).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gigawatt_engine::parse_scenario_with;

use crate::EXIT_FAILURE;
use crate::cli::ValidateArgs;

/// Run `gigawatt validate`: every error on `out` as `FILE:LINE:COL: message`, `FILE: ok` on `log`
/// for each valid file. Exit code 0 when every file is valid, 2 otherwise.
pub fn run(
    args: &ValidateArgs,
    out: &mut dyn Write,
    log: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut all_valid = true;
    for path in &args.files {
        let errors = check(path);
        for line in &errors {
            writeln!(out, "{line}")?;
        }
        if errors.is_empty() {
            // The ok line is informational: a closed stderr must not fail the check.
            let _ = writeln!(log, "{}: ok", path.display());
        }
        all_valid &= errors.is_empty();
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FAILURE)
    })
}

/// The error lines of one file (empty when it is valid). The file name in each line is the path as
/// given.
pub fn check(path: &Path) -> Vec<String> {
    let name = path.display().to_string();
    let source = match std::fs::read_to_string(path) {
        Ok(source) => source,
        Err(e) => return vec![format!("{name}:1:1: cannot read: {e}")],
    };
    match parse_scenario_with(&name, &source, &gigawatt_arena::inputs::read_base) {
        Ok(_) => Vec::new(),
        Err(errors) if errors.0.is_empty() => vec![format!("{name}:1:1: invalid scenario")],
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("gigawatt-tools-{}-{name}.ron", std::process::id()));
        std::fs::write(&path, text).expect("temp file");
        path
    }

    #[test]
    fn an_unreadable_file_is_an_error_line_at_1_1() {
        let lines = check(Path::new("/nonexistent/gigawatt/x.ron"));
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].starts_with("/nonexistent/gigawatt/x.ron:1:1: cannot read: "),
            "{lines:?}"
        );
    }

    #[test]
    fn a_broken_file_gives_located_errors_and_exit_2() {
        let path = temp(
            "broken",
            "Scenario(\n  name: \"x\",\n  description: 42,\n)\n",
        );
        let args = ValidateArgs {
            files: vec![path.clone()],
        };
        let (mut out, mut log) = (Vec::new(), Vec::new());
        let code = run(&args, &mut out, &mut log).expect("runs");
        let _ = std::fs::remove_file(&path);
        assert_eq!(code, ExitCode::from(2));
        let out = String::from_utf8(out).expect("utf-8");
        let prefix = format!("{}:", path.display());
        assert!(
            !out.is_empty() && out.lines().all(|l| l.starts_with(&prefix)),
            "{out}"
        );
        assert!(log.is_empty());
    }

    #[test]
    fn the_embedded_scenarios_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for s in gigawatt_data::SCENARIOS {
            let path = dir.join(s.file);
            let args = ValidateArgs {
                files: vec![path.clone()],
            };
            let (mut out, mut log) = (Vec::new(), Vec::new());
            let code = run(&args, &mut out, &mut log).expect("runs");
            assert_eq!(code, ExitCode::SUCCESS, "{}", String::from_utf8_lossy(&out));
            assert_eq!(
                String::from_utf8(log).expect("utf-8"),
                format!("{}: ok\n", path.display())
            );
        }
    }
}

//! Strategy specs: one syntax everywhere (CLI, tournament configs, tuning output).
//!
//! ```text
//! builder
//! parametric(compute_share: 0.6, dereg_month: 12)
//! scripted(plan: [(month: 0, orders: [SetPolicy(Drilling(true))])])
//! ```
//!
//! A name, optionally followed by parameters in parentheses. Numeric strategies take `name: number`
//! pairs (`true`/`false` read as 1/0); `scripted` takes a RON plan. Reading a spec from a file is the
//! caller's business (the `gigawatt` tool accepts a path wherever a spec goes).

use crate::registry::AgentError;

/// A parsed spec: the strategy's name and the text between its parentheses.
#[derive(Clone, Debug, PartialEq)]
pub struct Spec {
    pub name: String,
    /// The text inside the outer parentheses, if any (without them).
    pub args: Option<String>,
}

/// Split `name(args)` into its parts; comments and surrounding white space are allowed.
pub fn parse(text: &str) -> Result<Spec, AgentError> {
    let text = strip_comments(text);
    let text = text.trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len());
    let name = &text[..name_end];
    if name.is_empty() {
        return Err(AgentError::Syntax {
            spec: text.to_string(),
            message: "a spec starts with a strategy name, e.g. `builder` or `parametric(compute_share: 0.6)`".into(),
        });
    }
    let rest = text[name_end..].trim();
    if rest.is_empty() {
        return Ok(Spec {
            name: name.to_string(),
            args: None,
        });
    }
    if !rest.starts_with('(') || !rest.ends_with(')') {
        return Err(AgentError::Syntax {
            spec: text.to_string(),
            message: format!("after `{name}` expected parameters in parentheses, found `{rest}`"),
        });
    }
    Ok(Spec {
        name: name.to_string(),
        args: Some(rest[1..rest.len() - 1].to_string()),
    })
}

/// Parse `key: number, key: number` pairs, in order. Booleans read as 1 and 0.
pub fn numeric_args(spec: &str, args: &str) -> Result<Vec<(String, f64)>, AgentError> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for part in args.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((key, value)) = part.split_once(':') else {
            return Err(AgentError::Syntax {
                spec: spec.to_string(),
                message: format!("expected `name: value`, found `{part}`"),
            });
        };
        let (key, value) = (key.trim(), value.trim());
        let number = match value {
            "true" => 1.0,
            "false" => 0.0,
            v => v.parse::<f64>().map_err(|_| AgentError::WrongType {
                spec: spec.to_string(),
                param: key.to_string(),
                value: v.to_string(),
            })?,
        };
        if out.iter().any(|(k, _)| k == key) {
            return Err(AgentError::Syntax {
                spec: spec.to_string(),
                message: format!("`{key}` is given twice"),
            });
        }
        out.push((key.to_string(), number));
    }
    Ok(out)
}

fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Format a number the way a user would write it in a spec: shortest round-trip form.
pub fn format_number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arguments() {
        assert_eq!(
            parse(" builder ").unwrap(),
            Spec {
                name: "builder".into(),
                args: None
            }
        );
        let spec = parse("parametric(compute_share: 0.6, dereg_month: 12)").unwrap();
        assert_eq!(spec.name, "parametric");
        let args = numeric_args("x", spec.args.as_deref().unwrap()).unwrap();
        assert_eq!(
            args,
            vec![("compute_share".into(), 0.6), ("dereg_month".into(), 12.0)]
        );
        let spec = parse("// my plan\nbalanced(\n  gas_share: 0.5, // more gas\n)\n").unwrap();
        assert_eq!(
            numeric_args("x", spec.args.as_deref().unwrap()).unwrap(),
            vec![("gas_share".into(), 0.5)]
        );
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        assert!(matches!(parse("(x: 1)"), Err(AgentError::Syntax { .. })));
        assert!(
            parse("builder x")
                .unwrap_err()
                .to_string()
                .contains("parentheses")
        );
        let wrong = numeric_args("p(a: fast)", "a: fast").unwrap_err();
        assert!(
            matches!(wrong, AgentError::WrongType { ref param, .. } if param == "a"),
            "{wrong}"
        );
        assert!(
            numeric_args("p", "a: 1, a: 2")
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert!(
            numeric_args("p", "a 1")
                .unwrap_err()
                .to_string()
                .contains("name: value")
        );
    }

    #[test]
    fn numbers_format_as_written() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(0.6), "0.6");
        assert_eq!(format_number(-1.5e-7), "-0.00000015");
    }
}

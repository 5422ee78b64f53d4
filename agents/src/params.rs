//! Named numeric parameters with defaults and ranges: what `gigawatt strategies` lists, what specs
//! set, and what the tuner searches.

use crate::registry::AgentError;
use crate::spec::format_number;

/// One parameter of a strategy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamInfo {
    pub name: &'static str,
    pub default: f64,
    pub min: f64,
    pub max: f64,
    /// Whole numbers only (months).
    pub integer: bool,
    pub doc: &'static str,
}

impl ParamInfo {
    pub const fn share(name: &'static str, default: f64, doc: &'static str) -> ParamInfo {
        ParamInfo {
            name,
            default,
            min: 0.0,
            max: 1.0,
            integer: false,
            doc,
        }
    }
    pub const fn month(name: &'static str, default: f64, doc: &'static str) -> ParamInfo {
        ParamInfo {
            name,
            default,
            min: 0.0,
            max: NEVER_MONTH,
            integer: true,
            doc,
        }
    }
    /// The same parameter with another default (for presets).
    pub const fn with_default(mut self, default: f64) -> ParamInfo {
        self.default = default;
        self
    }
    pub fn range(&self) -> String {
        format!("{}..={}", format_number(self.min), format_number(self.max))
    }
}

/// A month no game reaches: "never".
pub const NEVER_MONTH: f64 = 1200.0;

/// Parameter values, in the order of their [`ParamInfo`] table.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub infos: Vec<ParamInfo>,
    pub values: Vec<f64>,
}

impl Params {
    /// Defaults, overridden by `given` (checked against names and ranges).
    pub fn resolve(
        strategy: &str,
        infos: &[ParamInfo],
        given: &[(String, f64)],
    ) -> Result<Params, AgentError> {
        let mut values: Vec<f64> = infos.iter().map(|p| p.default).collect();
        for (name, value) in given {
            let Some(at) = infos.iter().position(|p| p.name == name) else {
                return Err(AgentError::UnknownParam {
                    strategy: strategy.to_string(),
                    param: name.clone(),
                    known: if infos.is_empty() {
                        "none: it takes no parameters".to_string()
                    } else {
                        infos
                            .iter()
                            .map(|p| format!("{} ({})", p.name, p.range()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                });
            };
            let info = infos[at];
            let in_range = value.is_finite() && *value >= info.min && *value <= info.max;
            if !in_range || (info.integer && value.fract() != 0.0) {
                return Err(AgentError::OutOfRange {
                    strategy: strategy.to_string(),
                    param: name.clone(),
                    value: *value,
                    range: if info.integer {
                        format!("{} (whole months)", info.range())
                    } else {
                        info.range()
                    },
                });
            }
            values[at] = *value;
        }
        Ok(Params {
            infos: infos.to_vec(),
            values,
        })
    }

    pub fn get(&self, name: &str) -> f64 {
        let at = self.infos.iter().position(|p| p.name == name);
        self.values[at.unwrap_or_else(|| panic!("parameter `{name}` is not declared"))]
    }

    /// `name(k: v, ...)` with the values that differ from the defaults, in table order.
    pub fn spec(&self, strategy: &str) -> String {
        let changed: Vec<String> = self
            .infos
            .iter()
            .zip(&self.values)
            .filter(|(info, value)| **value != info.default)
            .map(|(info, value)| format!("{}: {}", info.name, format_number(*value)))
            .collect();
        if changed.is_empty() {
            strategy.to_string()
        } else {
            format!("{strategy}({})", changed.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: [ParamInfo; 2] = [
        ParamInfo::share("a", 0.5, "a share"),
        ParamInfo::month("m", NEVER_MONTH, "a month"),
    ];

    #[test]
    fn defaults_overrides_and_canonical_spec() {
        let p = Params::resolve("s", &TABLE, &[("m".into(), 12.0)]).unwrap();
        assert_eq!((p.get("a"), p.get("m")), (0.5, 12.0));
        assert_eq!(p.spec("s"), "s(m: 12)");
        assert_eq!(Params::resolve("s", &TABLE, &[]).unwrap().spec("s"), "s");
    }

    #[test]
    fn unknown_and_out_of_range_parameters_name_the_valid_ones() {
        let e = Params::resolve("s", &TABLE, &[("b".into(), 1.0)])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`b`") && e.contains("a (0..=1)") && e.contains("m (0..=1200)"),
            "{e}"
        );
        let e = Params::resolve("s", &TABLE, &[("a".into(), 1.5)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("1.5") && e.contains("0..=1"), "{e}");
        let e = Params::resolve("s", &TABLE, &[("m".into(), 2.5)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("whole months"), "{e}");
        assert!(Params::resolve("s", &TABLE, &[("a".into(), f64::NAN)]).is_err());
    }
}

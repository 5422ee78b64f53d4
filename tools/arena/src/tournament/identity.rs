//! What a results folder's games were played from, by content rather than by name: the scenarios'
//! text after inheritance (with their distributions), and the model's version. Strategies are
//! already content in the configuration (specs and spec files' contents, canonicalised), and so
//! are the options that change games (seeds, seed, months, format, worlds).
//!
//! `config.ron` stores it ([`TournamentConfig::content`]); the default folder's name hashes it;
//! resuming, merging and reporting compare it whole with what the files say now, and refuse a
//! folder whose games came from another scenario text or another model, naming what differs.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, bail};
use crate::inputs::load_uncertain_scenario;

use super::{CONFIG_FILE, TournamentConfig};

/// The version of what a game's result depends on beyond its inputs: the engine's mechanics, the
/// built-in strategies and how records are made. Bump it with any change that alters a game's
/// outcome for the same inputs, so that folders played before are not resumed or merged with
/// games played after.
pub const MODEL_VERSION: u32 = 1;

/// The program and model version stored in `config.ron`.
pub fn model_version() -> String {
    format!(
        "gigawatt {} (model {MODEL_VERSION}, snapshot {})",
        env!("CARGO_PKG_VERSION"),
        gigawatt_engine::snapshot::SNAPSHOT_VERSION
    )
}

/// The content identity of a run, beyond the configuration's own fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Content {
    /// [`model_version`] of the program that played the games.
    pub model: String,
    /// One per scenario of the configuration, in its order.
    pub scenarios: Vec<ScenarioContent>,
}

/// A scenario as it was played.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioContent {
    /// As the configuration names it (an embedded name or a path).
    pub spec: String,
    /// `fnv1a64:` and 16 hex digits of [`ScenarioContent::text`] and
    /// [`ScenarioContent::distributions`]: what a comparison looks at first.
    pub fingerprint: String,
    /// The scenario after inheritance, every field at its central value, as canonical RON.
    pub text: String,
    /// Each distribution it declares: `path = distribution (factor, integer)`, in file order.
    pub distributions: Vec<String>,
}

/// FNV-1a 64 of `bytes`: detects an edited file (it is not meant to resist a forged one).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl ScenarioContent {
    /// The scenario `spec` as the files say now.
    pub fn load(spec: &str) -> Result<ScenarioContent> {
        let uncertain = load_uncertain_scenario(spec).map_err(Error::from)?;
        let text = ron::to_string(&*uncertain.central)
            .map_err(|e| Error::Invalid(format!("scenario {spec} does not serialise: {e}")))?;
        let distributions: Vec<String> = uncertain
            .uncertainties
            .iter()
            .map(|u| {
                format!(
                    "{} = {:?} (factor {:?}, integer {})",
                    u.path, u.distribution, u.factor, u.integer
                )
            })
            .collect();
        let mut hashed = text.clone();
        for d in &distributions {
            hashed.push('\n');
            hashed.push_str(d);
        }
        Ok(ScenarioContent {
            spec: spec.to_string(),
            fingerprint: format!("fnv1a64:{:016x}", fnv1a64(hashed.as_bytes())),
            text,
            distributions,
        })
    }
}

impl Content {
    /// The content of `config`'s scenarios as the files say now, and this program's model.
    pub fn of(config: &TournamentConfig) -> Result<Content> {
        Ok(Content {
            model: model_version(),
            scenarios: config
                .scenarios
                .iter()
                .map(|s| ScenarioContent::load(s))
                .collect::<Result<_>>()?,
        })
    }

    /// How `now` differs from this (stored) content, one clause each: which scenario's text, and
    /// where in it, or the model.
    pub fn differences(&self, now: &Content) -> Vec<String> {
        let mut out = Vec::new();
        if self.model != now.model {
            out.push(format!(
                "the model differs: the games were played by {}, this is {}",
                self.model, now.model
            ));
        }
        for (i, (then, current)) in self.scenarios.iter().zip(&now.scenarios).enumerate() {
            if then.fingerprint == current.fingerprint {
                continue;
            }
            let place = if then.text != current.text {
                first_difference(&then.text, &current.text)
                    .map(|d| format!(" (first difference: {d})"))
                    .unwrap_or_default()
            } else {
                let first = then
                    .distributions
                    .iter()
                    .zip(&current.distributions)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!(" (a distribution: {a} then, {b} now)"));
                first.unwrap_or_else(|| " (its distributions)".to_string())
            };
            out.push(format!(
                "scenario {} (#{}) text differs from the one this folder was played with \
                 ({CONFIG_FILE}: {}, now {}){place}",
                current.spec,
                i + 1,
                then.fingerprint,
                current.fingerprint
            ));
        }
        if self.scenarios.len() != now.scenarios.len() {
            out.push(format!(
                "the number of scenarios differs: {} then, {} now",
                self.scenarios.len(),
                now.scenarios.len()
            ));
        }
        out
    }
}

/// The path and values of the first place where two canonical RON texts differ, e.g.
/// `global.asi_threshold_capability: 36.0 then, 35.0 now`.
fn first_difference(then: &str, now: &str) -> Option<String> {
    let a: ron::Value = ron::from_str(then).ok()?;
    let b: ron::Value = ron::from_str(now).ok()?;
    walk(&a, &b, String::new())
}

fn walk(a: &ron::Value, b: &ron::Value, path: String) -> Option<String> {
    use ron::Value;
    if a == b {
        return None;
    }
    let at = |p: &str| if p.is_empty() { "(top)" } else { p }.to_string();
    match (a, b) {
        (Value::Map(x), Value::Map(y)) => {
            for (key, va) in x.iter() {
                let name = match key {
                    Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                let sub = if path.is_empty() {
                    name
                } else {
                    format!("{path}.{name}")
                };
                match y.get(key) {
                    Some(vb) => {
                        if let Some(d) = walk(va, vb, sub) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{sub}: present then, absent now")),
                }
            }
            Some(format!("{}: fields added", at(&path)))
        }
        (Value::Seq(x), Value::Seq(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = walk(va, vb, format!("{path}[{i}]")) {
                    return Some(d);
                }
            }
            Some(format!(
                "{}: {} items then, {} now",
                at(&path),
                x.len(),
                y.len()
            ))
        }
        (Value::Option(Some(x)), Value::Option(Some(y))) => walk(x, y, path),
        _ => Some(format!(
            "{}: {} then, {} now",
            at(&path),
            ron::to_string(a).unwrap_or_default(),
            ron::to_string(b).unwrap_or_default()
        )),
    }
}

/// Refuse a folder's stored configuration whose content identity is missing (written by an older
/// gigawatt) or differs from what the files and this program say now. `doing` says what was
/// refused (`resume`, `merge`, `report on`) and `dir` where.
pub fn check_current(stored: &TournamentConfig, dir: &std::path::Path, doing: &str) -> Result<()> {
    let Some(then) = &stored.content else {
        bail!("{}", legacy_message(dir, doing));
    };
    let now = Content::of(stored)?;
    let differences = then.differences(&now);
    if !differences.is_empty() {
        bail!(
            "cannot {doing} {}: {}; its games are not what the files say now (restore the \
             scenario file, or play the run again into a new folder)",
            dir.display(),
            differences.join("; ")
        );
    }
    Ok(())
}

/// Why a folder without a content identity is refused.
pub fn legacy_message(dir: &std::path::Path, doing: &str) -> String {
    format!(
        "cannot {doing} {}: its {CONFIG_FILE} was written by an older gigawatt and records no \
         content identity (scenario text, model version), so its games cannot be checked against \
         the files now; play it again into a new folder (`gigawatt tournament --config {} --out \
         NEW_DIR`)",
        dir.display(),
        dir.join(CONFIG_FILE).display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_field_is_named_with_both_values() {
        let then = "(global:(asi:36.0,other:1),nations:[(id:\"usa\",gdp:2.0)])";
        let now = "(global:(asi:35.0,other:1),nations:[(id:\"usa\",gdp:2.0)])";
        assert_eq!(
            first_difference(then, now).unwrap(),
            "global.asi: 36.0 then, 35.0 now"
        );
        let now = "(global:(asi:36.0,other:1),nations:[(id:\"usa\",gdp:3.0)])";
        assert_eq!(
            first_difference(then, now).unwrap(),
            "nations[0].gdp: 2.0 then, 3.0 now"
        );
    }

    #[test]
    fn the_embedded_scenarios_have_stable_content() {
        let a = ScenarioContent::load(gigawatt_data::DEFAULT_SCENARIO).unwrap();
        let b = ScenarioContent::load(gigawatt_data::DEFAULT_SCENARIO).unwrap();
        assert_eq!(a, b);
        assert!(a.fingerprint.starts_with("fnv1a64:"));
        assert!(
            !a.distributions.is_empty(),
            "the shipped scenario declares ranges"
        );
    }
}

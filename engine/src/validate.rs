//! Parsing and validation of scenario files (placeholder until the locator lands).

use crate::scenario::Scenario;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}: {}", self.file, self.line, self.column, self.path, self.message)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl std::fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

pub fn parse_scenario(file: &str, source: &str) -> Result<Scenario, ScenarioErrors> {
    ron::from_str::<Scenario>(source).map_err(|e| {
        ScenarioErrors(vec![ScenarioError {
            file: file.to_string(),
            line: e.span.start.line,
            column: e.span.start.col,
            path: String::new(),
            message: e.code.to_string(),
        }])
    })
}

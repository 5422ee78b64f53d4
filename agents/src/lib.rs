//! Built-in Gigawatt strategies and the registry that builds them by name.

pub mod random;
pub mod registry;
pub mod status_quo;

pub use registry::{AgentError, StrategyInfo, build, strategies};

//! Built-in Gigawatt strategies, the spec syntax that names and parameterises them, and the registry
//! that builds them.

pub mod conformance;
pub mod doctrine;
pub mod exec;
pub mod local;
pub mod lookahead;
pub mod params;
pub mod power;
pub mod random;
pub mod registry;
pub mod scripted;
pub mod spec;
pub mod status_quo;

pub use registry::{
    AgentError, StrategyInfo, build, check, default_set, fallback, info, strategies,
};

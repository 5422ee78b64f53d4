//! Tournaments of strategies and the analysis of their results, as a library: what the `gigawatt`
//! command line runs, callable without it (and without a terminal).
//!
//! - [`tournament`]: plan, parallel run yielding game records ([`tournament::run::run_in`]),
//!   resume, shards and merge, the result store (`games.jsonl`) and the files written beside it;
//! - [`standings`] (scores, bootstrap intervals, ratings, payoff matrix) and [`analyze`] (the
//!   meta-game: Nash equilibrium, evolutionary dynamics, α-rank);
//! - [`explore`]: what decides the race across sampled worlds (sensitivity, PRIM, robustness) and
//!   the files it writes;
//! - [`tune`]: tuning a strategy's parameters (CMA-ES or random search), finalists, held-out report;
//! - [`play`]: one game, its trace and its outcome; [`inputs`]: resolving scenarios and seating
//!   strategies;
//! - [`lock`]: one writer per results folder (`.gigawatt.lock`);
//! - [`signals`]: a stop request a run polls between games; [`table`] and
//!   [`format`](mod@format): the text of the result files and summaries;
//! - [`data`]: the one data layer every CSV is written and read through (docs/data.md lists the
//!   files); the tidy tables of `games.jsonl` are [`tournament::tables`].
//!
//! Nothing here prints: runs return what they did, report progress through
//! [`tournament::run::Progress`] and [`tune::run::Progress`], and fail with [`Error`].

pub mod analyze;
pub mod data;
pub mod error;
pub mod explore;
pub mod format;
pub mod inputs;
pub mod lock;
pub mod play;
pub mod signals;
pub mod standings;
pub mod table;
pub mod tournament;
pub mod tune;

pub use error::{Error, Result};

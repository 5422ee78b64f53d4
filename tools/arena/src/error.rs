//! The library's one error type. Every message is whole as it stands (a caller that prints the
//! error and its sources, as the command line does, prints what the tool always printed): a
//! [`Error::Context`] says what was being done and keeps the underlying error as its source.

/// Why a tournament, a tuning run, an analysis or a results folder failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Invalid input (configuration, strategy spec, scenario, flags' values) or results that do not
    /// fit together (a game twice, a shard of another tournament, a missing world).
    #[error("{0}")]
    Invalid(String),
    /// What was being done (`cannot read FILE`), and the error that stopped it.
    #[error("{context}")]
    Context {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A scenario or a strategy seating that cannot be used.
    #[error(transparent)]
    Input(#[from] crate::inputs::InputError),
    /// A strategy spec that does not parse or build.
    #[error(transparent)]
    Agent(#[from] gigawatt_agents::AgentError),
    /// Strategies' scores across worlds that cannot be compared (a world missing for one).
    #[error(transparent)]
    Robustness(#[from] crate::explore::robustness::RobustnessError),
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A record could not be written or read as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A run stopped by a signal at a point it resumes from (`kept` says what its folder holds).
    #[error("stopped by {}: {kept}", crate::signals::name(*signal))]
    Stopped { signal: i32, kept: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<std::fmt::Error> for Error {
    fn from(e: std::fmt::Error) -> Error {
        Error::Invalid(e.to_string())
    }
}

/// Adds what was being done to an error, as [`Error::Context`].
pub trait Context<T> {
    fn context(self, context: impl Into<String>) -> Result<T>;
    fn with_context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T>;
}

impl<T, E> Context<T> for std::result::Result<T, E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn context(self, context: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::Context {
            context: context.into(),
            source: Box::new(e),
        })
    }

    fn with_context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|e| Error::Context {
            context: context().into(),
            source: Box::new(e),
        })
    }
}

/// An [`Error::Invalid`] with a formatted message.
macro_rules! invalid {
    ($($arg:tt)*) => {
        $crate::error::Error::Invalid(format!($($arg)*))
    };
}

/// Return an [`Error::Invalid`] with a formatted message.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::invalid!($($arg)*))
    };
}

pub(crate) use {bail, invalid};

//! Figures and web pages of the results [`gigawatt_arena`] writes.
//!
//! - [`plot`]: figures as SVG (a game's panels for `play --plot`, and the building blocks of the
//!   report's charts);
//! - [`html`]: a tournament folder as one self-contained web page (`report.html`).
//!
//! Errors are the arena's [`gigawatt_arena::Error`]: reading a results folder fails the same ways.

/// An invalid-input error ([`gigawatt_arena::Error::Invalid`]) with a formatted message.
macro_rules! invalid {
    ($($arg:tt)*) => {
        gigawatt_arena::Error::Invalid(format!($($arg)*))
    };
}

/// Return an invalid-input error with a formatted message.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err(invalid!($($arg)*))
    };
}

pub mod html;
pub mod plot;

pub use html::{PageTally, REPORT_FILE, render_report, write_report, write_report_of};

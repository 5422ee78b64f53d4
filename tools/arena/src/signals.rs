//! Stopping cleanly on SIGTERM and SIGINT.
//!
//! Slurm (`scancel`, preemption, the end of a time limit) and Kubernetes stop a program with
//! SIGTERM and kill it with SIGKILL some seconds later; Ctrl-C sends SIGINT. A long run that
//! [arms](Stop::on_signals) a [`Stop`] polls it between units of work (a tournament between
//! games), finishes what is in flight, keeps what it has written, and exits with
//! [`exit_code`] (128 + the signal, as a shell reports a process killed by it: 143 for SIGTERM),
//! which a Slurm `RequeueExit` list or a Kubernetes pod failure policy can name. A second signal
//! while stopping kills the process at once, as if nothing handled it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::error::{Context, Result};
use signal_hook::consts::signal::{SIGINT, SIGTERM};

/// Whether [`Stop::on_signals`] may install handlers: a host process with its own (the Python
/// interpreter, whose Ctrl-C raises `KeyboardInterrupt`) turns this off, and runs never stop on a
/// signal there.
static HANDLERS_ALLOWED: AtomicBool = AtomicBool::new(true);

/// A stop asked for by the host process (the Python interpreter, whose `KeyboardInterrupt` a Python
/// strategy sees first): every [`Stop`] in the process reports it until [`clear_host_request`].
static HOST_REQUEST: AtomicUsize = AtomicUsize::new(0);

/// Ask every run in this process to stop as if `signal` had arrived.
pub fn request_from_host(signal: i32) {
    HOST_REQUEST.store(signal as usize, Ordering::SeqCst);
}

/// Forget the host's request (before the host starts another run).
pub fn clear_host_request() {
    HOST_REQUEST.store(0, Ordering::SeqCst);
}

/// Let [`Stop::on_signals`] install signal handlers (the default), or not.
pub fn allow_handlers(allowed: bool) {
    HANDLERS_ALLOWED.store(allowed, Ordering::SeqCst);
}

/// A stop request shared between the signal handlers and the workers that poll it.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    /// The signal that asked to stop, 0 while none has.
    signal: Arc<AtomicUsize>,
}

impl Stop {
    /// A stop nothing will request (library callers and tests that do not want signal handlers).
    pub fn never() -> Stop {
        Stop::default()
    }

    /// A stop requested by SIGTERM or SIGINT. The handlers stay installed for the life of the
    /// process; only the first signal is graceful, a second one takes the default action.
    pub fn on_signals() -> Result<Stop> {
        let stop = Stop::default();
        if !HANDLERS_ALLOWED.load(Ordering::SeqCst) {
            return Ok(stop);
        }
        let stopping = Arc::new(AtomicBool::new(false));
        for signal in [SIGTERM, SIGINT] {
            // Registered first so that it sees the flag as it was before this signal set it.
            signal_hook::flag::register_conditional_default(signal, Arc::clone(&stopping))
                .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stopping)))
                .and_then(|_| {
                    signal_hook::flag::register_usize(
                        signal,
                        Arc::clone(&stop.signal),
                        signal as usize,
                    )
                })
                .with_context(|| format!("cannot handle signal {signal}"))?;
        }
        Ok(stop)
    }

    /// Ask to stop as if `signal` had arrived.
    pub fn request(&self, signal: i32) {
        self.signal.store(signal as usize, Ordering::SeqCst);
    }

    /// The signal that asked to stop, if any has.
    pub fn requested(&self) -> Option<i32> {
        match self.signal.load(Ordering::Relaxed) {
            0 => match HOST_REQUEST.load(Ordering::Relaxed) {
                0 => None,
                s => Some(s as i32),
            },
            s => Some(s as i32),
        }
    }
}

/// The exit code of a run stopped by `signal`: 128 + the signal number (143 for SIGTERM, 130 for
/// SIGINT), what a shell reports for a process the signal killed.
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(u8::MAX)
}

/// The signal's name: `SIGTERM`, `SIGINT`, or `signal N`.
pub fn name(signal: i32) -> String {
    match signal {
        SIGTERM => "SIGTERM".to_string(),
        SIGINT => "SIGINT".to_string(),
        other => format!("signal {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_reports_the_signal_that_requested_it() {
        let stop = Stop::never();
        assert_eq!(stop.requested(), None);
        let shared = stop.clone();
        shared.request(SIGTERM);
        assert_eq!(stop.requested(), Some(SIGTERM));
        assert_eq!(exit_code(SIGTERM), 143);
        assert_eq!(exit_code(SIGINT), 130);
        assert_eq!(name(SIGTERM), "SIGTERM");
    }
}

//! Local strategies: objects of the host process (a Python class, say) that play under a name for
//! as long as they are registered, in tournaments and tuning as well as single games.
//!
//! A local strategy may only be built, and so played, on the thread that registered it: a Python
//! object runs under its interpreter's lock and some (GPU models, event loops) belong to one thread.
//! Runners ask [`is_local`] of a game's seats and play the games that have one on their calling
//! thread, the others in parallel (`gigawatt_arena::tournament::run`).
//!
//! Names are the registrant's choice but must carry a prefix (`py:mine`), so that they can never be
//! mistaken for a built-in or a spec file.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::ThreadId;

use gigawatt_engine::orders::Orders;
use gigawatt_engine::outcome::Outcome;
use gigawatt_engine::{Observation, Strategy};
use rand_chacha::ChaCha8Rng;

use crate::registry::AgentError;

/// Builds a fresh strategy for each seat it plays.
pub trait LocalFactory: Send + Sync {
    fn build(&self) -> Result<Box<dyn Strategy>, String>;
}

struct Entry {
    thread: ThreadId,
    factory: Arc<dyn LocalFactory>,
}

static LOCAL: Mutex<BTreeMap<String, Entry>> = Mutex::new(BTreeMap::new());

fn table() -> MutexGuard<'static, BTreeMap<String, Entry>> {
    // A panic while the table was held left it consistent (every update is one insert or remove).
    LOCAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A registration: the name plays until this is dropped.
#[must_use = "the strategy is unregistered when this is dropped"]
pub struct Registration {
    name: String,
}

impl Drop for Registration {
    fn drop(&mut self) {
        table().remove(&self.name);
    }
}

/// Register `factory` under `name` (e.g. `py:mine`) on this thread. The name must be
/// `prefix:rest` with a prefix of letters, not `exec`, and not already registered.
pub fn register(name: &str, factory: Arc<dyn LocalFactory>) -> Result<Registration, AgentError> {
    let invalid = |message: String| AgentError::Invalid {
        strategy: name.to_string(),
        message,
    };
    let well_formed = name.split_once(':').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_alphabetic())
            && !rest.trim().is_empty()
            && rest.trim() == rest
    });
    if !well_formed {
        return Err(invalid(
            "a local strategy's name is `prefix:name` (e.g. `py:mine`), without spaces at its ends"
                .to_string(),
        ));
    }
    if name.starts_with(crate::exec::EXEC_PREFIX) {
        return Err(invalid(format!(
            "`{}` names programs to run; choose another prefix",
            crate::exec::EXEC_PREFIX
        )));
    }
    let mut table = table();
    if table.contains_key(name) {
        return Err(invalid(
            "another strategy is registered under this name".to_string(),
        ));
    }
    table.insert(
        name.to_string(),
        Entry {
            thread: std::thread::current().id(),
            factory,
        },
    );
    Ok(Registration {
        name: name.to_string(),
    })
}

/// Whether `spec` names a registered local strategy.
pub fn is_local(spec: &str) -> bool {
    table().contains_key(spec.trim())
}

/// Build the local strategy `spec` names, if it names one: on its registering thread only.
pub(crate) fn build(spec: &str) -> Option<Result<Box<dyn Strategy>, AgentError>> {
    let name = spec.trim();
    let (thread, factory) = {
        let table = table();
        let entry = table.get(name)?;
        (entry.thread, Arc::clone(&entry.factory))
    };
    if thread != std::thread::current().id() {
        return Some(Err(AgentError::Invalid {
            strategy: name.to_string(),
            message: "a local strategy plays only on the thread that registered it".to_string(),
        }));
    }
    // Built outside the lock: the factory may run host code that registers or builds others.
    Some(match factory.build() {
        Ok(inner) => Ok(Box::new(Named {
            name: name.to_string(),
            inner,
        })),
        Err(message) => Err(AgentError::Invalid {
            strategy: name.to_string(),
            message,
        }),
    })
}

/// A local strategy plays, and is recorded, under its registered name, whatever it calls itself.
struct Named {
    name: String,
    inner: Box<dyn Strategy>,
}

impl Strategy for Named {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn decide(&mut self, observation: &Observation, rng: &mut ChaCha8Rng) -> Orders {
        self.inner.decide(observation, rng)
    }
    fn wants_snapshot(&self, month: u32) -> bool {
        self.inner.wants_snapshot(month)
    }
    fn save_state(&self) -> String {
        self.inner.save_state()
    }
    fn load_state(&mut self, state: &str) -> Result<(), String> {
        self.inner.load_state(state)
    }
    fn game_over(&mut self, outcome: &Outcome) {
        self.inner.game_over(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status_quo::StatusQuo;

    struct Quo;

    impl LocalFactory for Quo {
        fn build(&self) -> Result<Box<dyn Strategy>, String> {
            Ok(Box::new(StatusQuo))
        }
    }

    #[test]
    fn a_registered_name_builds_on_its_thread_only_and_until_dropped() {
        let registration = register("test:quo", Arc::new(Quo)).expect("registers");
        assert!(is_local("test:quo") && is_local(" test:quo "));
        let built = crate::build("test:quo").expect("builds");
        assert_eq!(
            built.name(),
            "test:quo",
            "recorded under its registered name"
        );
        let elsewhere =
            std::thread::spawn(|| crate::build("test:quo").err().map(|e| e.to_string()))
                .join()
                .expect("thread ends");
        assert!(
            elsewhere.is_some_and(|e| e.contains("only on the thread")),
            "another thread cannot build it"
        );
        assert!(
            register("test:quo", Arc::new(Quo)).is_err(),
            "no second registration"
        );
        drop(registration);
        assert!(!is_local("test:quo"));
        assert!(crate::build("test:quo").is_err());
    }

    #[test]
    fn names_need_a_prefix_and_not_exec() {
        for bad in ["quo", ":quo", "py:", "py: quo", "exec:quo", "p y:quo"] {
            assert!(register(bad, Arc::new(Quo)).is_err(), "{bad} is refused");
        }
    }
}

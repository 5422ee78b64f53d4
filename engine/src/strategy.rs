//! The one interface every strategy implements.

use rand_chacha::ChaCha8Rng;

use crate::observation::Observation;
use crate::orders::Orders;
use crate::outcome::Outcome;

/// A strategy plays one nation. Each month it sees an [`Observation`] and returns [`Orders`].
///
/// Randomness must come only from `rng`: the engine gives each seat its own ChaCha stream derived
/// from (game seed, seat), so one strategy's draws never shift the world's or another seat's, and the
/// stream is part of snapshots. A strategy that keeps state across turns must save and restore it
/// with [`Strategy::save_state`] and [`Strategy::load_state`] for resumed games to be bit-identical.
pub trait Strategy: Send {
    /// The spec this strategy was built from, e.g. `status-quo`.
    fn name(&self) -> String;

    fn decide(&mut self, observation: &Observation, rng: &mut ChaCha8Rng) -> Orders;

    /// Whether this month's observation should carry a snapshot of the whole world
    /// ([`Observation::snapshot`]), for strategies that plan by simulating ahead. Snapshots cost
    /// time: ask only in the months you use one.
    fn wants_snapshot(&self, _month: u32) -> bool {
        false
    }

    /// Whether this strategy reads the plants that feed the grid: the entries of
    /// [`Observation::plants`] with no `dedicated_to`. One that answers `false` sees only its
    /// behind-the-meter plants there, and a game whose every seat answers `false` skips the views
    /// of grid plants altogether (most of the plants in sight, and a large part of building the
    /// observations). The default, `true`, sees every plant.
    fn reads_grid_plants(&self) -> bool {
        true
    }

    /// State carried across turns, as text (RON by convention). Stateless strategies keep the default.
    fn save_state(&self) -> String {
        String::new()
    }

    fn load_state(&mut self, _state: &str) -> Result<(), String> {
        Ok(())
    }

    /// Called once when [`crate::Match::run`] ends the game, with its outcome: a strategy that
    /// learns across games, or an external agent, hears how it went. A panic here is ignored (the
    /// game is over).
    fn game_over(&mut self, _outcome: &Outcome) {}
}

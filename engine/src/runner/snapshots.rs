//! Taking and restoring [`Snapshot`]s of a match: the world to a plain struct and back, rebuilding
//! the roster every system walks.

use std::sync::Arc;

use crate::components::*;
use crate::resources::*;
use crate::runner::{Fallback, Match, MatchError, SeatState};
use crate::scenario::Scenario;
use crate::snapshot::*;
use crate::strategy::Strategy;

impl Match {
    /// Capture the game between turns.
    pub fn snapshot(&mut self) -> Snapshot {
        let (world, parts) = self.parts_mut();
        let mut nations: Vec<NationState> = world
            .query::<(
                &Nation,
                &Treasury,
                &Fleet,
                &Grid,
                &Power,
                &Policy,
                &ChipMarket,
                &Emissions,
            )>()
            .iter(world)
            .map(|(n, t, f, g, p, pol, m, e)| NationState {
                nation: *n,
                treasury: t.clone(),
                fleet: f.clone(),
                grid: g.clone(),
                power: p.clone(),
                policy: pol.clone(),
                market: m.clone(),
                emissions: e.clone(),
            })
            .collect();
        nations.sort_by_key(|n| n.nation.index);
        let mut labs: Vec<LabState> = world
            .query::<(&Lab, &LabCompute, &LabModel, &LabFinance)>()
            .iter(world)
            .map(|(l, c, m, f)| LabState {
                lab: *l,
                compute: c.clone(),
                model: m.clone(),
                finance: f.clone(),
            })
            .collect();
        labs.sort_by_key(|l| l.lab.index);
        let mut plants: Vec<PowerPlant> =
            world.query::<&PowerPlant>().iter(world).cloned().collect();
        plants.sort_by_key(|p| p.id);
        let mut datacenters: Vec<Datacenter> =
            world.query::<&Datacenter>().iter(world).cloned().collect();
        datacenters.sort_by_key(|d| d.id);
        let world_rng = world.resource::<WorldRng>();
        let rejections = world.resource::<Rejections>();
        Snapshot {
            version: SNAPSHOT_VERSION,
            scenario: parts.scenario.name.clone(),
            scenario_fingerprint: scenario_fingerprint(parts.scenario),
            seed: parts.seed,
            months: parts.months,
            clock: *world.resource::<Clock>(),
            world_rng: RngState::capture(world_rng.seed, &world_rng.rng),
            strategies: parts.seat_names.to_vec(),
            strategy_rngs: parts
                .strategy_rngs
                .iter()
                .map(|r| RngState::capture(parts.seed, r))
                .collect(),
            strategy_states: parts.strategies.iter().map(|s| s.save_state()).collect(),
            seats: parts.seats.to_vec(),
            invalid_streaks: parts.invalid_streaks.to_vec(),
            capability_by_year: parts.capability_by_year.to_vec(),
            faults: parts.faults.to_vec(),
            ids: world.resource::<IdCounter>().clone(),
            victory: world.resource::<Victory>().clone(),
            rest_of_world: world.resource::<RestOfWorld>().clone(),
            rejections: rejections.by_nation.clone(),
            rejections_total: rejections.total_by_nation.clone(),
            nations,
            labs,
            plants,
            datacenters,
        }
    }

    /// Resume a game from `snapshot` on the same scenario, with strategies built from the same specs
    /// (their saved state is loaded into them).
    pub fn restore(
        scenario: Arc<Scenario>,
        strategies: Vec<Box<dyn Strategy>>,
        snapshot: &Snapshot,
    ) -> Result<Match, MatchError> {
        Match::restore_with(scenario, strategies, snapshot, None)
    }

    /// [`Match::restore`] with the fallback that plays faulted seats: required when the snapshot
    /// holds a seat already handed to the fallback.
    pub fn restore_with(
        scenario: Arc<Scenario>,
        mut strategies: Vec<Box<dyn Strategy>>,
        snapshot: &Snapshot,
        fallback: Option<Fallback>,
    ) -> Result<Match, MatchError> {
        if snapshot.version != SNAPSHOT_VERSION {
            return Err(MatchError::SnapshotVersion {
                found: snapshot.version,
                expected: SNAPSHOT_VERSION,
            });
        }
        let fingerprint = scenario_fingerprint(&scenario);
        if fingerprint != snapshot.scenario_fingerprint {
            return Err(MatchError::SnapshotScenario {
                snapshot: snapshot.scenario.clone(),
                snapshot_fingerprint: snapshot.scenario_fingerprint,
                scenario: scenario.name.clone(),
                scenario_fingerprint: fingerprint,
            });
        }
        let n = scenario.nations.len();
        let shape_ok = snapshot.nations.len() == n
            && snapshot.strategy_rngs.len() == n
            && snapshot.strategy_states.len() == n
            && snapshot.seats.len() == n
            && snapshot.invalid_streaks.len() == n
            && snapshot.capability_by_year.len() == n
            && snapshot.rejections.len() == n
            && snapshot.rejections_total.len() == n
            && snapshot.labs.len() == scenario.labs.len();
        if !shape_ok {
            return Err(MatchError::SnapshotShape(format!(
                "it holds {} nations and {} labs; the scenario has {} and {}",
                snapshot.nations.len(),
                snapshot.labs.len(),
                n,
                scenario.labs.len()
            )));
        }
        let mut replacements = Vec::new();
        for (seat, strategy) in strategies.iter_mut().enumerate() {
            let state = &snapshot.strategy_states[seat];
            match snapshot.seats[seat] {
                SeatState::Playing => strategy
                    .load_state(state)
                    .map_err(|message| MatchError::StrategyState { seat, message })?,
                SeatState::Fallback => {
                    let make = fallback
                        .as_ref()
                        .ok_or(MatchError::NeedsFallback { seat })?;
                    let mut replacement = make();
                    replacement
                        .load_state(state)
                        .map_err(|message| MatchError::StrategyState { seat, message })?;
                    replacements.push((seat, replacement));
                }
                SeatState::Stopped => {}
            }
        }
        let mut m = Match::bare(scenario, strategies, snapshot.seed, snapshot.months)?;
        {
            let (world, parts) = m.parts_mut();
            *parts.strategy_rngs = snapshot
                .strategy_rngs
                .iter()
                .map(RngState::restore)
                .collect();
            *parts.seats = snapshot.seats.clone();
            *parts.invalid_streaks = snapshot.invalid_streaks.clone();
            *parts.capability_by_year = snapshot.capability_by_year.clone();
            for (seat, replacement) in replacements.drain(..) {
                parts.strategies[seat] = replacement;
            }
            *parts.faults = snapshot.faults.clone();
            *world.resource_mut::<Clock>() = snapshot.clock;
            *world.resource_mut::<WorldRng>() = WorldRng {
                seed: snapshot.world_rng.seed,
                rng: snapshot.world_rng.restore(),
            };
            *world.resource_mut::<IdCounter>() = snapshot.ids.clone();
            *world.resource_mut::<Victory>() = snapshot.victory.clone();
            *world.resource_mut::<RestOfWorld>() = snapshot.rest_of_world.clone();
            {
                let mut rejections = world.resource_mut::<Rejections>();
                rejections.by_nation = snapshot.rejections.clone();
                rejections.total_by_nation = snapshot.rejections_total.clone();
            }
            for s in &snapshot.nations {
                let entity = world.spawn((
                    s.nation,
                    s.treasury.clone(),
                    s.fleet.clone(),
                    s.grid.clone(),
                    s.power.clone(),
                    s.policy.clone(),
                    s.market.clone(),
                    s.emissions.clone(),
                ));
                let entity = entity.id();
                world.resource_mut::<Roster>().nations.push(entity);
            }
            for s in &snapshot.labs {
                let entity = world
                    .spawn((s.lab, s.compute.clone(), s.model.clone(), s.finance.clone()))
                    .id();
                world.resource_mut::<Roster>().labs.push(entity);
            }
            for plant in &snapshot.plants {
                let entity = world.spawn(plant.clone()).id();
                world.resource_mut::<Roster>().add_plant(plant.id, entity);
            }
            for dc in &snapshot.datacenters {
                let entity = world.spawn(dc.clone()).id();
                world.resource_mut::<Roster>().add_datacenter(dc.id, entity);
            }
            crate::world::index_stages(world);
        }
        if let Some(fallback) = fallback {
            m.set_fallback(fallback);
        }
        Ok(m)
    }
}

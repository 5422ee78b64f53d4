//! Power dispatch. Firm supply = Σ fleet MW × capacity factor. Baseline demand (peak, growing) is
//! served first; grid datacenters share what is left pro rata, so a shortfall throttles them (and
//! shows in `datacenter_powered_fraction`, the observation and the trace). Behind-the-meter
//! datacenters are served only by their own plants. Energy: zero-marginal-cost kinds run first, fossil
//! kinds share the rest in proportion to their available MW; grid datacenters pay the average cost of
//! the fossil energy (fuel, drilling discount, carbon price while in the accord) plus a grid adder.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::{PlantKind, Scenario};

/// Kinds that run whenever available: no fuel, or must-run.
fn must_run(kind: PlantKind) -> bool {
    matches!(
        kind,
        PlantKind::Solar
            | PlantKind::Wind
            | PlantKind::Hydro
            | PlantKind::Nuclear
            | PlantKind::Battery
    )
}

/// Marginal cost of a kind for a nation under its policies, USD/MWh.
pub fn marginal_cost_usd_per_mwh(
    scenario: &Scenario,
    policy: &Policy,
    month: u32,
    kind: PlantKind,
) -> f64 {
    let tech = scenario.plant_kinds.get(kind);
    let effects = &scenario.policies;
    let mut fuel = tech.fuel_cost_usd_per_mwh;
    if kind.burns_gas()
        && policy.drilling
        && month >= policy.drilling_since_month + effects.drilling_lead_months
    {
        fuel *= 1.0 - effects.drilling_gas_cost_cut;
    }
    let carbon = if policy.in_climate_accord {
        effects.accord_carbon_price_usd_per_tco2
    } else {
        0.0
    };
    fuel + carbon * tech.emissions_tco2_per_mwh
}

/// A lab's hosted H100e and how they split between grid and dedicated capacity.
pub fn hosting(compute: &LabCompute) -> (f64, f64) {
    let it_mw = compute.grid_it_mw + compute.dedicated_it_mw;
    if compute.it_kw_per_h100e <= 0.0 || it_mw <= 0.0 {
        return (0.0, 0.0);
    }
    let capacity = it_mw * 1_000.0 / compute.it_kw_per_h100e;
    let hosted = compute.h100e.min(capacity);
    (hosted, compute.grid_it_mw / it_mw)
}

/// Buffers reused from turn to turn.
#[derive(Default)]
pub struct Scratch {
    /// Online behind-the-meter plants: (datacenter id, plant id, kind, firm MW).
    dedicated: Vec<(u32, u32, PlantKind, f64)>,
    /// Online behind-the-meter datacenters: (id, entity).
    dedicated_dcs: Vec<(u32, Entity)>,
    /// Per lab index: H100e hosted on the grid, powered behind the meter, IT kW per H100e.
    grid_hosted: Vec<f64>,
    dedicated_powered: Vec<f64>,
    grid_demand_mw: Vec<f64>,
    btm_mw: Vec<[f64; KINDS]>,
    powered_fraction: Vec<f64>,
}

#[allow(clippy::too_many_arguments)]
pub fn dispatch(
    params: Res<Params>,
    clock: Res<Clock>,
    mut scratch: Local<Scratch>,
    mut nations: Query<(&Nation, &Fleet, &Policy, &mut Power)>,
    mut labs: Query<(&Lab, &mut LabCompute)>,
    mut datacenters: Query<(Entity, &mut Datacenter)>,
    roster: Res<Roster>,
    plants: Query<&PowerPlant>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    let g = &scenario.global;
    let n_nations = scenario.nations.len();
    let n_labs = scenario.labs.len();
    let Scratch {
        dedicated,
        dedicated_dcs,
        grid_hosted,
        dedicated_powered,
        grid_demand_mw,
        btm_mw,
        powered_fraction,
    } = &mut *scratch;

    // Behind-the-meter supply per datacenter, by kind (sorted by plant id for a fixed sum order).
    dedicated.clear();
    dedicated.extend(
        plants
            .iter()
            .filter(|p| p.stage == PlantStage::Online)
            .filter_map(|p| {
                p.dedicated_to
                    .map(|dc| (dc, p.id, p.kind, p.capacity_mw * p.capacity_factor))
            }),
    );
    dedicated.sort_unstable_by_key(|d| (d.0, d.1));

    // Hosting, per lab (independent of order); demand summed per nation in lab order below.
    grid_hosted.clear();
    grid_hosted.resize(n_labs, 0.0);
    dedicated_powered.clear();
    dedicated_powered.resize(n_labs, 0.0);
    for (lab, mut compute) in &mut labs {
        let (hosted, grid_share) = hosting(&compute);
        compute.hosted_h100e = hosted;
        grid_hosted[lab.index as usize] = hosted * grid_share;
    }
    grid_demand_mw.clear();
    grid_demand_mw.resize(n_nations, 0.0);
    for (i, &entity) in roster.labs.iter().enumerate() {
        let (lab, compute) = labs.get(entity).expect("roster");
        grid_demand_mw[lab.nation as usize] +=
            grid_hosted[i] * compute.it_kw_per_h100e / 1_000.0 * g.datacenter_pue;
    }

    // Behind-the-meter datacenters, in id order.
    btm_mw.clear();
    btm_mw.resize(n_nations, [0.0; KINDS]);
    dedicated_dcs.clear();
    dedicated_dcs.extend(
        datacenters
            .iter()
            .filter(|(_, dc)| dc.dedicated && dc.stage == DatacenterStage::Online)
            .map(|(entity, dc)| (dc.id, entity)),
    );
    dedicated_dcs.sort_unstable_by_key(|d| d.0);
    for &(_, entity) in dedicated_dcs.iter() {
        let (_, mut dc) = datacenters.get_mut(entity).expect("just listed");
        let (_, compute) = labs.get(roster.labs[dc.lab as usize]).expect("roster");
        let total_it = compute.grid_it_mw + compute.dedicated_it_mw;
        let chips = if total_it > 0.0 {
            compute.hosted_h100e * dc.it_mw / total_it
        } else {
            0.0
        };
        let demand = chips * compute.it_kw_per_h100e / 1_000.0 * dc.pue;
        let id = dc.id;
        let own = dedicated.iter().filter(|d| d.0 == id);
        let supply: f64 = own.clone().map(|d| d.3).sum();
        let fraction = if demand > 0.0 {
            (supply / demand).min(1.0)
        } else {
            1.0
        };
        dc.powered_fraction = fraction;
        dedicated_powered[dc.lab as usize] += chips * fraction;
        // Plants run to serve the load, in proportion to their firm capacity.
        let served = demand.min(supply);
        if supply > 0.0 {
            for d in own {
                btm_mw[dc.nation as usize][d.2.index()] += served * d.3 / supply;
            }
        }
    }

    powered_fraction.clear();
    powered_fraction.resize(n_nations, 1.0);
    for (nation, fleet, policy, mut power) in &mut nations {
        let n = nation.index as usize;
        let spec = &scenario.nations[n];
        let years = month as f64 / MONTHS_PER_YEAR;
        let supply: f64 = PlantKind::ALL
            .iter()
            .map(|&k| fleet.mw[k.index()] * spec.plants.get(k).capacity_factor)
            .sum();
        let baseline =
            spec.baseline_demand_mw * (1.0 + spec.baseline_demand_growth_per_year).powf(years);
        let demand = grid_demand_mw[n];
        let room = (supply - baseline).max(0.0);
        let served = demand.min(room);
        let fraction = if demand > 0.0 { served / demand } else { 1.0 };
        powered_fraction[n] = fraction;
        if fraction < 1.0 {
            power.shortfall_months += 1;
        }

        // Energy: baseline at its average load plus datacenters, must-run first.
        let mut energy_mw = (baseline * spec.baseline_load_factor).min(supply) + served;
        let mut dispatch_mw = [0.0; KINDS];
        for k in PlantKind::ALL.into_iter().filter(|&k| must_run(k)) {
            let available = fleet.mw[k.index()] * spec.plants.get(k).capacity_factor;
            let used = available.min(energy_mw);
            dispatch_mw[k.index()] = used;
            energy_mw -= used;
        }
        let fossil_available: f64 = PlantKind::ALL
            .into_iter()
            .filter(|&k| !must_run(k))
            .map(|k| fleet.mw[k.index()] * spec.plants.get(k).capacity_factor)
            .sum();
        let mut fossil_cost = 0.0;
        let mut fossil_mw = 0.0;
        if fossil_available > 0.0 {
            let share = (energy_mw / fossil_available).min(1.0);
            for k in PlantKind::ALL.into_iter().filter(|&k| !must_run(k)) {
                let used = fleet.mw[k.index()] * spec.plants.get(k).capacity_factor * share;
                dispatch_mw[k.index()] = used;
                fossil_mw += used;
                fossil_cost += used * marginal_cost_usd_per_mwh(scenario, policy, month, k);
            }
        }
        let marginal = if fossil_mw > 0.0 {
            fossil_cost / fossil_mw
        } else {
            0.0
        };

        power.supply_mw = supply;
        power.baseline_demand_mw = baseline;
        power.datacenter_demand_mw = demand;
        power.datacenter_served_mw = served;
        power.datacenter_powered_fraction = fraction;
        power.dispatch_mw = dispatch_mw;
        power.served_energy_mwh = dispatch_mw.iter().sum::<f64>() * HOURS_PER_MONTH;
        power.datacenter_energy_mwh = served * HOURS_PER_MONTH;
        power.datacenter_price_usd_per_mwh = marginal + g.grid_adder_usd_per_mwh;
        power.behind_the_meter_mw = btm_mw[n];
    }

    for (lab, mut compute) in &mut labs {
        let i = lab.index as usize;
        compute.powered_h100e =
            grid_hosted[i] * powered_fraction[lab.nation as usize] + dedicated_powered[i];
    }
}

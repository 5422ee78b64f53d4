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

pub fn dispatch(
    params: Res<Params>,
    clock: Res<Clock>,
    mut nations: Query<(&Nation, &Fleet, &Policy, &mut Power)>,
    mut labs: Query<(&Lab, &mut LabCompute)>,
    mut datacenters: Query<&mut Datacenter>,
    plants: Query<&PowerPlant>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    let g = &scenario.global;
    let n_nations = scenario.nations.len();

    // Behind-the-meter supply per datacenter, by kind (sorted by plant id for a fixed sum order).
    let mut dedicated: Vec<(u32, u32, PlantKind, f64)> = plants
        .iter()
        .filter(|p| p.stage == PlantStage::Online)
        .filter_map(|p| {
            p.dedicated_to
                .map(|dc| (dc, p.id, p.kind, p.capacity_mw * p.capacity_factor))
        })
        .collect();
    dedicated.sort_by_key(|d| (d.0, d.1));

    let mut lab_rows: Vec<_> = labs.iter_mut().collect();
    lab_rows.sort_by_key(|r| r.0.index);

    // Grid datacenter demand per nation and behind-the-meter dispatch.
    let mut grid_demand_mw = vec![0.0; n_nations];
    let mut btm_mw = vec![[0.0; KINDS]; n_nations];
    let mut dedicated_powered = vec![0.0; lab_rows.len()];
    let mut grid_hosted = vec![0.0; lab_rows.len()];
    for (i, (lab, compute)) in lab_rows.iter_mut().enumerate() {
        let (hosted, grid_share) = hosting(compute);
        compute.hosted_h100e = hosted;
        grid_hosted[i] = hosted * grid_share;
        grid_demand_mw[lab.nation as usize] +=
            grid_hosted[i] * compute.it_kw_per_h100e / 1_000.0 * g.datacenter_pue;
    }
    for mut dc in datacenters
        .iter_mut()
        .sort_by::<&Datacenter>(|a, b| a.id.cmp(&b.id))
    {
        if !dc.dedicated || dc.stage != DatacenterStage::Online {
            continue;
        }
        let compute = &lab_rows[dc.lab as usize].1;
        let total_it = compute.grid_it_mw + compute.dedicated_it_mw;
        let chips = if total_it > 0.0 {
            compute.hosted_h100e * dc.it_mw / total_it
        } else {
            0.0
        };
        let demand = chips * compute.it_kw_per_h100e / 1_000.0 * dc.pue;
        let supply: f64 = dedicated.iter().filter(|d| d.0 == dc.id).map(|d| d.3).sum();
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
            for d in dedicated.iter().filter(|d| d.0 == dc.id) {
                btm_mw[dc.nation as usize][d.2.index()] += served * d.3 / supply;
            }
        }
    }

    let mut powered_fraction = vec![1.0; n_nations];
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

    for (i, (lab, compute)) in lab_rows.iter_mut().enumerate() {
        compute.powered_h100e =
            grid_hosted[i] * powered_fraction[lab.nation as usize] + dedicated_powered[i];
    }
}

//! Power dispatch. Adequacy counts accredited capacity (Σ fleet MW × accreditation, ELCC-style).
//! Baseline demand (peak, growing) plus the planning reserve margin is served first; grid
//! datacenters share what is left pro rata, so a shortfall throttles them (and
//! shows in `datacenter_powered_fraction`, the observation and the trace). Behind-the-meter
//! datacenters are served only by their own plants. Energy: zero-marginal-cost kinds run first, fossil
//! kinds share the rest in proportion to their available MW; grid datacenters pay the average cost of
//! the fossil energy (fuel, drilling discount, carbon price while in the accord) plus a grid adder.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::{NationSpec, PlantKind, Scenario};

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

/// Accredited capacity of a nation's grid fleet, MW: nameplate × accreditation by kind.
pub fn accredited_supply_mw(spec: &NationSpec, fleet: &Fleet) -> f64 {
    PlantKind::ALL
        .iter()
        .map(|&k| fleet.mw[k.index()] * spec.plants.get(k).accreditation)
        .sum()
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
    /// Per lab index: H100e hosted on the grid, powered behind the meter, IT kW per H100e.
    grid_hosted: Vec<f64>,
    dedicated_powered: Vec<f64>,
    grid_demand_mw: Vec<f64>,
    btm_mw: Vec<[f64; KINDS]>,
    powered_fraction: Vec<f64>,
    /// Per lab index: H100e hosted, IT MW (grid and dedicated), IT kW per H100e.
    lab_hosting: Vec<(f64, f64, f64)>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "a system's parameters are the data it touches; a SystemParam would only rename them"
)]
pub fn dispatch(
    params: Res<Params>,
    clock: Res<Clock>,
    mut scratch: Local<Scratch>,
    mut nations: Query<(&Nation, &Fleet, &Policy, &mut Power)>,
    mut labs: Query<(&Lab, &mut LabCompute)>,
    mut datacenters: Query<&mut Datacenter>,
    roster: Res<Roster>,
    stages: Res<Stages>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    let g = &scenario.global;
    let n_nations = scenario.nations.len();
    let n_labs = scenario.labs.len();
    let Scratch {
        grid_hosted,
        dedicated_powered,
        grid_demand_mw,
        btm_mw,
        powered_fraction,
        lab_hosting,
    } = &mut *scratch;

    // Online behind-the-meter plants, by datacenter id then plant id (a fixed sum order).
    let dedicated = &stages.dedicated_plants;

    // Hosting, per lab (independent of order); demand summed per nation in lab order below.
    grid_hosted.clear();
    grid_hosted.resize(n_labs, 0.0);
    dedicated_powered.clear();
    dedicated_powered.resize(n_labs, 0.0);
    lab_hosting.clear();
    lab_hosting.resize(n_labs, (0.0, 0.0, 0.0));
    for (lab, mut compute) in &mut labs {
        let (hosted, grid_share) = hosting(&compute);
        compute.hosted_h100e = hosted;
        grid_hosted[lab.index as usize] = hosted * grid_share;
        lab_hosting[lab.index as usize] = (
            hosted,
            compute.grid_it_mw + compute.dedicated_it_mw,
            compute.it_kw_per_h100e,
        );
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
    for &(_, entity) in &stages.dedicated_datacenters {
        let mut dc = datacenters.get_mut(entity).expect("listed in the roster");
        let (hosted_h100e, total_it, it_kw_per_h100e) = lab_hosting[dc.lab as usize];
        let chips = if total_it > 0.0 {
            hosted_h100e * dc.it_mw / total_it
        } else {
            0.0
        };
        let demand = chips * it_kw_per_h100e / 1_000.0 * dc.pue;
        let id = dc.id;
        // `dedicated` is sorted by datacenter id: this datacenter's plants are one run of it.
        let first = dedicated.partition_point(|d| d.datacenter < id);
        let own = dedicated[first..].iter().take_while(|d| d.datacenter == id);
        let supply: f64 = own.clone().map(|d| d.firm_mw).sum();
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
                btm_mw[dc.nation as usize][d.kind.index()] += served * d.firm_mw / supply;
            }
        }
    }

    powered_fraction.clear();
    powered_fraction.resize(n_nations, 1.0);
    for (nation, fleet, policy, mut power) in &mut nations {
        let n = nation.index as usize;
        let spec = &scenario.nations[n];
        // Adequacy: accredited capacity must cover peak baseline demand plus the planning reserve
        // before any datacenter is served.
        let supply = accredited_supply_mw(spec, fleet);
        let energy_supply: f64 = PlantKind::ALL
            .iter()
            .map(|&k| fleet.mw[k.index()] * spec.plants.get(k).capacity_factor)
            .sum();
        let baseline = params.curves.nation(n, month).baseline_demand_mw;
        let demand = grid_demand_mw[n];
        let room = (supply - baseline * (1.0 + spec.planning_reserve_margin)).max(0.0);
        let served = demand.min(room);
        let fraction = if demand > 0.0 { served / demand } else { 1.0 };
        powered_fraction[n] = fraction;
        if fraction < 1.0 {
            power.shortfall_months += 1;
        }

        // Energy: baseline at its average load plus datacenters, must-run first.
        let mut energy_mw =
            ((baseline * spec.baseline_load_factor).min(energy_supply) + served).min(energy_supply);
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

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    fn power(world: &World, n: usize) -> Power {
        world.get::<Power>(nation(world, n)).unwrap().clone()
    }

    fn compute(world: &World, l: usize) -> LabCompute {
        let e = world.resource::<Roster>().labs[l];
        world.get::<LabCompute>(e).unwrap().clone()
    }

    fn compute_mut(world: &mut World, l: usize) -> Mut<'_, LabCompute> {
        let e = world.resource::<Roster>().labs[l];
        world.get_mut::<LabCompute>(e).unwrap()
    }

    /// Labs of nation `n`, by scenario index.
    fn labs_of(s: &Scenario, n: usize) -> Vec<usize> {
        let id = &s.nations[n].id;
        (0..s.labs.len())
            .filter(|&i| s.labs[i].nation == *id)
            .collect()
    }

    /// Accredited capacity of nation `n`'s month-0 fleet.
    fn accredited(s: &Scenario, n: usize) -> f64 {
        s.nations[n]
            .plants
            .iter()
            .map(|(_, p)| p.fleet_mw * p.accreditation)
            .sum()
    }

    fn policy(in_climate_accord: bool, drilling: bool, drilling_since_month: u32) -> Policy {
        Policy {
            regulation_level: 1.0,
            in_climate_accord,
            drilling,
            drilling_since_month,
            ..plain_policy()
        }
    }

    #[test]
    fn supply_is_accredited_capacity_and_baseline_grows_at_its_rate() {
        let s = scenario();
        for month in [0, 12] {
            let mut world = world_with(|_| {});
            world.resource_mut::<Clock>().month = month;
            world.run_system_once(dispatch).unwrap();
            for n in 0..2 {
                let spec = &s.nations[n];
                let p = power(&world, n);
                assert_close(p.supply_mw, accredited(&s, n));
                let baseline = spec.baseline_demand_mw
                    * (1.0 + spec.baseline_demand_growth_per_year).powf(month as f64 / 12.0);
                assert_close(p.baseline_demand_mw, baseline);
                // Every lab's chips fit its datacenters at month 0.
                let demand: f64 = labs_of(&s, n)
                    .iter()
                    .map(|&l| s.labs[l].h100e * s.global.chip_it_kw_per_h100e / 1_000.0)
                    .sum::<f64>()
                    * s.global.datacenter_pue;
                assert_close(p.datacenter_demand_mw, demand);
                let room = (p.supply_mw - baseline * (1.0 + spec.planning_reserve_margin)).max(0.0);
                assert_close(p.datacenter_served_mw, demand.min(room));
                assert_close(p.datacenter_energy_mwh, demand.min(room) * HOURS_PER_MONTH);
                // At month 0 the grid has room for every datacenter.
                if month == 0 {
                    assert!(room > demand, "nation {n}: room {room} for {demand}");
                    assert_eq!(
                        (p.datacenter_powered_fraction, p.shortfall_months),
                        (1.0, 0)
                    );
                }
            }
        }
    }

    #[test]
    fn adequacy_counts_accredited_capacity_above_baseline_plus_the_reserve_margin() {
        // usa with a solar-only grid (accredited well below its average output), a flat baseline
        // and the lab chips of the scenario.
        let run = |solar_mw: f64, margin: f64| {
            let mut world = world_with(|s| {
                let usa = &mut s.nations[0];
                usa.baseline_demand_mw = 1_000.0;
                usa.baseline_demand_growth_per_year = 0.0;
                usa.baseline_load_factor = 0.5;
                usa.planning_reserve_margin = margin;
            });
            let usa = nation(&world, 0);
            let mut fleet = world.get_mut::<Fleet>(usa).unwrap();
            fleet.mw = [0.0; KINDS];
            fleet.mw[PlantKind::Solar.index()] = solar_mw;
            world.run_system_once(dispatch).unwrap();
            let s = world.resource::<Params>().scenario.clone();
            (power(&world, 0), s)
        };
        let s = scenario();
        let solar = &s.nations[0].plants.solar;
        assert!(solar.accreditation < solar.capacity_factor);
        for (solar_mw, margin) in [
            (5_000.0, 0.15),
            (10_000.0, 0.15),
            (20_000.0, 0.15),
            (20_000.0, 0.0),
            (20_000.0, 0.5),
            (100_000.0, 0.15),
        ] {
            let (p, s) = run(solar_mw, margin);
            let solar = &s.nations[0].plants.solar;
            let supply = solar_mw * solar.accreditation;
            assert_close(p.supply_mw, supply);
            let demand = p.datacenter_demand_mw;
            assert!(demand > 0.0);
            let served = demand.min((supply - 1_000.0 * (1.0 + margin)).max(0.0));
            assert_close(p.datacenter_served_mw, served);
            assert_close(p.datacenter_powered_fraction, served / demand);
            // Energy comes from average output, not the accredited share.
            let energy = (500.0 + served).min(solar_mw * solar.capacity_factor);
            assert_close(p.dispatch_mw[PlantKind::Solar.index()], energy);
            assert_close(p.served_energy_mwh, energy * HOURS_PER_MONTH);
        }
        // A higher margin leaves less room.
        let (low, _) = run(20_000.0, 0.0);
        let (high, _) = run(20_000.0, 0.5);
        assert!(high.datacenter_served_mw < low.datacenter_served_mw);
    }

    #[test]
    fn after_the_baseline_datacenters_share_what_is_left_pro_rata() {
        let room = 1_000.0;
        let mut world = world_with(|s| {
            let margin = s.nations[0].planning_reserve_margin;
            s.nations[0].baseline_demand_mw = (accredited(s, 0) - room) / (1.0 + margin);
            s.nations[0].baseline_demand_growth_per_year = 0.0;
        });
        let s = world.resource::<Params>().scenario.clone();
        world.run_system_once(dispatch).unwrap();
        let p = power(&world, 0);
        let usa_labs = labs_of(&s, 0);
        let demand: f64 = usa_labs
            .iter()
            .map(|&l| {
                let c = compute(&world, l);
                c.hosted_h100e * c.it_kw_per_h100e / 1_000.0 * s.global.datacenter_pue
            })
            .sum();
        assert!(demand > room);
        assert_close(p.datacenter_demand_mw, demand);
        assert_close(p.datacenter_served_mw, room);
        let fraction = room / demand;
        assert_close(p.datacenter_powered_fraction, fraction);
        assert_eq!(p.shortfall_months, 1);
        for &l in &usa_labs {
            let c = compute(&world, l);
            assert_close(c.powered_h100e, c.hosted_h100e * fraction);
        }
        // chn is not throttled by usa's shortfall.
        let chn = power(&world, 1);
        assert_eq!(
            (chn.datacenter_powered_fraction, chn.shortfall_months),
            (1.0, 0)
        );
        for l in labs_of(&s, 1) {
            let c = compute(&world, l);
            assert_eq!(c.powered_h100e, c.hosted_h100e);
        }
        // The count of shortfall months goes on.
        world.run_system_once(dispatch).unwrap();
        assert_eq!(power(&world, 0).shortfall_months, 2);
    }

    #[test]
    fn with_baseline_plus_margin_above_supply_no_datacenter_is_powered() {
        let mut world = world_with(|s| {
            // Below the accredited supply, but not with the reserve margin on top.
            let margin = s.nations[0].planning_reserve_margin;
            assert!(margin > 0.0);
            s.nations[0].baseline_demand_mw = accredited(s, 0) / (1.0 + margin) + 1.0;
            assert!(s.nations[0].baseline_demand_mw < accredited(s, 0));
        });
        world.run_system_once(dispatch).unwrap();
        let p = power(&world, 0);
        assert_eq!(
            (p.datacenter_served_mw, p.datacenter_powered_fraction),
            (0.0, 0.0)
        );
        assert_eq!(compute(&world, 0).powered_h100e, 0.0);
        assert_eq!(p.datacenter_energy_mwh, 0.0);
    }

    /// usa with a hand-built fleet (1 GW each of nuclear, solar, gas CC and coal), a flat baseline
    /// of 1.5 GW at load factor 0.8, and no chips.
    fn small_grid(nuclear_mw: f64) -> World {
        let mut world = world_with(|s| {
            let usa = &mut s.nations[0];
            usa.baseline_demand_mw = 1_500.0;
            usa.baseline_demand_growth_per_year = 0.0;
            usa.baseline_load_factor = 0.8;
        });
        let s = world.resource::<Params>().scenario.clone();
        for l in labs_of(&s, 0) {
            compute_mut(&mut world, l).h100e = 0.0;
        }
        let usa = nation(&world, 0);
        let mut fleet = world.get_mut::<Fleet>(usa).unwrap();
        fleet.mw = [0.0; KINDS];
        fleet.mw[PlantKind::Nuclear.index()] = nuclear_mw;
        fleet.mw[PlantKind::Solar.index()] = 1_000.0;
        fleet.mw[PlantKind::GasCombinedCycle.index()] = 1_000.0;
        fleet.mw[PlantKind::Coal.index()] = 1_000.0;
        world
    }

    #[test]
    fn must_run_kinds_serve_first_and_fossil_shares_the_rest_pro_rata() {
        let mut world = small_grid(1_000.0);
        let s = world.resource::<Params>().scenario.clone();
        let usa = &s.nations[0];
        let cf = |k: PlantKind| usa.plants.get(k).capacity_factor;
        world.run_system_once(dispatch).unwrap();
        let p = power(&world, 0);

        let energy = 1_500.0 * 0.8;
        let must_run = 1_000.0 * (cf(PlantKind::Nuclear) + cf(PlantKind::Solar));
        let fossil_firm = 1_000.0 * (cf(PlantKind::GasCombinedCycle) + cf(PlantKind::Coal));
        assert!(must_run < energy && energy - must_run < fossil_firm);
        let d = |k: PlantKind| p.dispatch_mw[k.index()];
        assert_eq!(d(PlantKind::Nuclear), 1_000.0 * cf(PlantKind::Nuclear));
        assert_eq!(d(PlantKind::Solar), 1_000.0 * cf(PlantKind::Solar));
        let share = (energy - must_run) / fossil_firm;
        assert_close(
            d(PlantKind::GasCombinedCycle),
            1_000.0 * cf(PlantKind::GasCombinedCycle) * share,
        );
        assert_close(d(PlantKind::Coal), 1_000.0 * cf(PlantKind::Coal) * share);
        for k in [
            PlantKind::GasTurbine,
            PlantKind::Wind,
            PlantKind::Battery,
            PlantKind::Hydro,
        ] {
            assert_eq!(d(k), 0.0);
        }
        assert_close(p.served_energy_mwh, energy * HOURS_PER_MONTH);

        // Price: the fossil energy's average cost (fuel + carbon, in the accord) plus the adder.
        assert!(usa.initial_policy.in_climate_accord);
        let cost = |k: PlantKind| {
            let t = s.plant_kinds.get(k);
            t.fuel_cost_usd_per_mwh
                + s.policies.accord_carbon_price_usd_per_tco2 * t.emissions_tco2_per_mwh
        };
        let (cc, coal) = (cf(PlantKind::GasCombinedCycle), cf(PlantKind::Coal));
        let average =
            (cc * cost(PlantKind::GasCombinedCycle) + coal * cost(PlantKind::Coal)) / (cc + coal);
        assert_close(
            p.datacenter_price_usd_per_mwh,
            average + s.global.grid_adder_usd_per_mwh,
        );
    }

    #[test]
    fn when_must_run_covers_the_load_no_fossil_runs_and_the_price_is_the_adder() {
        let mut world = small_grid(2_000.0);
        let s = world.resource::<Params>().scenario.clone();
        world.run_system_once(dispatch).unwrap();
        let p = power(&world, 0);
        // Nuclear comes first among must-run kinds and covers all 1,200 MW on its own.
        assert_eq!(p.dispatch_mw[PlantKind::Nuclear.index()], 1_200.0);
        assert_eq!(p.dispatch_mw[PlantKind::Solar.index()], 0.0);
        assert_eq!(p.dispatch_mw[PlantKind::GasCombinedCycle.index()], 0.0);
        assert_eq!(p.dispatch_mw[PlantKind::Coal.index()], 0.0);
        assert_eq!(
            p.datacenter_price_usd_per_mwh,
            s.global.grid_adder_usd_per_mwh
        );
    }

    #[test]
    fn marginal_cost_cuts_gas_only_after_the_drilling_lead_and_adds_carbon_only_in_the_accord() {
        let s = scenario();
        let e = &s.policies;
        let fuel = |k: PlantKind| s.plant_kinds.get(k).fuel_cost_usd_per_mwh;
        let carbon = |k: PlantKind| {
            e.accord_carbon_price_usd_per_tco2 * s.plant_kinds.get(k).emissions_tco2_per_mwh
        };
        let since = 3;
        let ramped = since + e.drilling_lead_months;
        let out = policy(false, true, since);
        let cc = PlantKind::GasCombinedCycle;
        let gt = PlantKind::GasTurbine;
        let coal = PlantKind::Coal;

        assert_eq!(
            marginal_cost_usd_per_mwh(&s, &out, ramped - 1, cc),
            fuel(cc)
        );
        assert_close(
            marginal_cost_usd_per_mwh(&s, &out, ramped, cc),
            fuel(cc) * (1.0 - e.drilling_gas_cost_cut),
        );
        assert_close(
            marginal_cost_usd_per_mwh(&s, &out, ramped, gt),
            fuel(gt) * (1.0 - e.drilling_gas_cost_cut),
        );
        // Drilling does not touch coal; without drilling gas pays full fuel.
        assert_eq!(
            marginal_cost_usd_per_mwh(&s, &out, ramped, coal),
            fuel(coal)
        );
        let no_drilling = policy(false, false, since);
        assert_eq!(
            marginal_cost_usd_per_mwh(&s, &no_drilling, ramped, cc),
            fuel(cc)
        );

        // In the accord the carbon price is added, on top of any drilling cut.
        let accord = policy(true, true, since);
        assert_close(
            marginal_cost_usd_per_mwh(&s, &accord, ramped, coal),
            fuel(coal) + carbon(coal),
        );
        assert_close(
            marginal_cost_usd_per_mwh(&s, &accord, ramped, cc),
            fuel(cc) * (1.0 - e.drilling_gas_cost_cut) + carbon(cc),
        );
        assert_eq!(
            marginal_cost_usd_per_mwh(&s, &accord, 0, PlantKind::Nuclear),
            fuel(PlantKind::Nuclear)
        );
    }

    #[test]
    fn hosting_caps_chips_at_the_it_capacity_online() {
        let lab = |h100e: f64, grid: f64, dedicated: f64, kw: f64| LabCompute {
            h100e,
            grid_it_mw: grid,
            dedicated_it_mw: dedicated,
            it_kw_per_h100e: kw,
            ..Default::default()
        };
        // 1.5 MW at 1 kW each holds 1,500 H100e, two thirds of the IT on the grid.
        let (hosted, grid_share) = hosting(&lab(2_000.0, 1.0, 0.5, 1.0));
        assert_eq!(hosted, 1_500.0);
        assert_close(grid_share, 2.0 / 3.0);
        // Fewer chips than room: all hosted. Lighter chips: more fit.
        assert_eq!(hosting(&lab(1_000.0, 1.0, 0.5, 1.0)).0, 1_000.0);
        assert_eq!(hosting(&lab(5_000.0, 1.0, 0.5, 0.5)).0, 3_000.0);
        // No datacenter or no power figure: nothing hosted.
        assert_eq!(hosting(&lab(1_000.0, 0.0, 0.0, 1.0)), (0.0, 0.0));
        assert_eq!(hosting(&lab(1_000.0, 1.0, 0.0, 0.0)), (0.0, 0.0));
    }

    #[test]
    fn a_dedicated_datacenter_is_served_only_by_its_own_online_plants() {
        let mut world = world_with(|_| {});
        let s = world.resource::<Params>().scenario.clone();
        {
            let mut c = compute_mut(&mut world, 0);
            c.h100e = 30_000.0;
            c.it_kw_per_h100e = 1.0;
            c.grid_it_mw = 10.0;
            c.dedicated_it_mw = 10.0;
        }
        let dc = Datacenter {
            id: 500,
            nation: 0,
            lab: 0,
            it_mw: 10.0,
            pue: 1.2,
            stage: DatacenterStage::Online,
            months_left: 0,
            capex_remaining_usd: 0.0,
            capex_per_month_usd: 0.0,
            dedicated: true,
            powered_fraction: 0.0,
        };
        let dc = world.spawn(dc).id();
        world.resource_mut::<Roster>().add_datacenter(500, dc);
        let plant = |id: u32, stage: PlantStage, dedicated_to: u32| PowerPlant {
            id,
            nation: 0,
            kind: PlantKind::GasTurbine,
            capacity_mw: 10.0,
            capacity_factor: 0.9,
            stage,
            permitting_months_left: 0,
            construction_months_left: 0,
            capex_remaining_usd: 0.0,
            capex_per_month_usd: 0.0,
            dedicated_to: Some(dedicated_to),
            interconnected: true,
            ordered_month: 0,
        };
        // Its own online plant; one still being built; one for another datacenter.
        for (id, stage, to) in [
            (0, PlantStage::Online, 500),
            (1, PlantStage::Construction, 500),
            (2, PlantStage::Online, 501),
        ] {
            let e = world.spawn(plant(id, stage, to)).id();
            world.resource_mut::<Roster>().add_plant(id, e);
        }
        crate::world::index_stages(&mut world);
        world.run_system_once(dispatch).unwrap();

        // 20 MW of IT holds 20,000 H100e: half on the grid, half in the dedicated datacenter.
        let c = compute(&world, 0);
        assert_eq!(c.hosted_h100e, 20_000.0);
        // Dedicated demand 10,000 × 1 kW × 1.2 = 12 MW against 10 MW × 0.9 = 9 MW of supply.
        let fraction = 9.0 / 12.0;
        assert_close(
            world.get::<Datacenter>(dc).unwrap().powered_fraction,
            fraction,
        );
        let p = power(&world, 0);
        assert_close(p.behind_the_meter_mw[PlantKind::GasTurbine.index()], 9.0);
        // The grid half is fully powered (usa has room); the dedicated half at 3/4.
        assert_eq!(p.datacenter_powered_fraction, 1.0);
        assert_close(c.powered_h100e, 10_000.0 + 10_000.0 * fraction);
        // Behind-the-meter plants are not grid supply.
        assert_close(p.supply_mw, accredited(&s, 0));
    }
}

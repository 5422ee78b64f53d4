//! Invariants of a world, checked by [`crate::Match`] after every turn in debug builds (so in every
//! test), in TigerBeetle's manner: a broken invariant is a bug in the engine, and it stops the game
//! where it happened rather than surfacing later as a strange result.
//!
//! - No NaN or infinity anywhere in the books, the grid, power, chips or models; stocks and money
//!   never negative (beyond rounding).
//! - Power: grid datacenters are served at most the supply left after baseline demand and at most
//!   their demand; dispatch never exceeds firm supply; powered shares lie in [0, 1]; a lab's powered
//!   chips ≤ hosted ≤ installed.
//! - Money: start + income − spent = treasury + escrow (capex still to pay) + labs' capital, per
//!   nation, to a relative 1e-9 (plus a dollar); "start" is the holdings when the match was built.
//! - The roster lists live entities in strictly increasing id order.
//! - The projects by stage (`Stages`), kept as projects move, are what a rebuild from scratch finds.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::{Roster, Stages};

/// Relative tolerance of the money identity (sums of ~1e12 USD over hundreds of months).
const MONEY_RELATIVE_TOLERANCE: f64 = 1e-9;
/// Absolute slack for money, USD, and for megawatt and chip comparisons.
const ABSOLUTE_SLACK: f64 = 1.0e-6;

/// Per nation: (holdings: treasury + escrow + labs' capital, income, spent), USD.
pub fn money(world: &World) -> Vec<(f64, f64, f64)> {
    let roster = world.resource::<Roster>();
    let n = roster.nations.len();
    let mut out = vec![(0.0, 0.0, 0.0); n];
    for (i, &e) in roster.nations.iter().enumerate() {
        if let Some(t) = world.get::<Treasury>(e) {
            out[i] = (t.usd, t.income_usd, t.spent_usd);
        }
    }
    for (_, e) in &roster.plants {
        if let Some(p) = world.get::<PowerPlant>(*e)
            && let Some(row) = out.get_mut(p.nation as usize)
        {
            row.0 += p.capex_remaining_usd;
        }
    }
    for (_, e) in &roster.datacenters {
        if let Some(d) = world.get::<Datacenter>(*e)
            && let Some(row) = out.get_mut(d.nation as usize)
        {
            row.0 += d.capex_remaining_usd;
        }
    }
    for &e in &roster.labs {
        if let (Some(lab), Some(f)) = (world.get::<Lab>(e), world.get::<LabFinance>(e))
            && let Some(row) = out.get_mut(lab.nation as usize)
        {
            row.0 += f.capital_usd;
        }
    }
    out
}

/// What each nation held when the match was built, net of the income and spending recorded so far
/// (zero for a fresh world; a restored world carries its history).
pub fn start_money(world: &World) -> Vec<f64> {
    money(world)
        .into_iter()
        .map(|(holdings, income, spent)| holdings - income + spent)
        .collect()
}

/// Every broken invariant, described; empty when the world is sound.
pub fn check(world: &World, start: &[f64]) -> Vec<String> {
    let mut broken = Vec::new();
    let roster = world.resource::<Roster>();
    fn finite(broken: &mut Vec<String>, what: String, v: f64) {
        if !(v.is_finite() && v >= -ABSOLUTE_SLACK) {
            broken.push(format!("{what} = {v}"));
        }
    }
    for (i, &e) in roster.nations.iter().enumerate() {
        let (Some(t), Some(grid), Some(power), Some(fleet), Some(market), Some(emissions)) = (
            world.get::<Treasury>(e),
            world.get::<Grid>(e),
            world.get::<Power>(e),
            world.get::<Fleet>(e),
            world.get::<ChipMarket>(e),
            world.get::<Emissions>(e),
        ) else {
            broken.push(format!("nation {i}: entity {e} lacks its components"));
            continue;
        };
        for (what, v) in [
            ("treasury", t.usd),
            ("income", t.income_usd),
            ("spent", t.spent_usd),
            ("debt", t.debt_usd),
            ("queue", grid.queued_mw),
            ("throughput", grid.throughput_mw_per_month),
            ("supply", power.supply_mw),
            ("served", power.datacenter_served_mw),
            ("emissions", emissions.total_mtco2),
            ("chips available", market.available_h100e),
        ] {
            finite(&mut broken, format!("nation {i}: {what}"), v);
        }
        for (k, mw) in fleet.mw.iter().enumerate() {
            finite(&mut broken, format!("nation {i}: fleet kind {k}"), *mw);
        }
        let room = (power.supply_mw - power.baseline_demand_mw).max(0.0);
        let served = power.datacenter_served_mw;
        let dispatched: f64 = power.dispatch_mw.iter().sum();
        let f = power.datacenter_powered_fraction;
        let mut fail = |ok: bool, what: String| {
            if !ok {
                broken.push(what);
            }
        };
        fail(
            served <= room + ABSOLUTE_SLACK,
            format!("nation {i}: served {served} MW beyond the {room} MW left after baseline"),
        );
        fail(
            served <= power.datacenter_demand_mw + ABSOLUTE_SLACK,
            format!(
                "nation {i}: served {served} MW beyond demand {}",
                power.datacenter_demand_mw
            ),
        );
        fail(
            dispatched <= power.supply_mw * (1.0 + 1e-12) + ABSOLUTE_SLACK,
            format!(
                "nation {i}: dispatch {dispatched} MW beyond supply {}",
                power.supply_mw
            ),
        );
        fail(
            (0.0..=1.0).contains(&f),
            format!("nation {i}: powered fraction {f}"),
        );
    }
    for &e in &roster.labs {
        let (Some(lab), Some(c), Some(m), Some(fin)) = (
            world.get::<Lab>(e),
            world.get::<LabCompute>(e),
            world.get::<LabModel>(e),
            world.get::<LabFinance>(e),
        ) else {
            broken.push(format!("lab entity {e} lacks its components"));
            continue;
        };
        let l = lab.index;
        for (what, v) in [
            ("h100e", c.h100e),
            ("hosted", c.hosted_h100e),
            ("powered", c.powered_h100e),
            ("training flop", c.training_flop_month),
            ("inference flop", c.inference_flop_month),
            ("efficiency", m.algorithmic_efficiency),
            ("tokens", m.data_stock_tokens),
            ("capability", m.capability),
            ("capital", fin.capital_usd),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                broken.push(format!("lab {l}: {what} = {v}"));
            }
        }
        if c.powered_h100e > c.hosted_h100e * (1.0 + 1e-12) + ABSOLUTE_SLACK {
            broken.push(format!(
                "lab {l}: powered {} > hosted {}",
                c.powered_h100e, c.hosted_h100e
            ));
        }
        if c.hosted_h100e > c.h100e * (1.0 + 1e-12) + ABSOLUTE_SLACK {
            broken.push(format!(
                "lab {l}: hosted {} > installed {}",
                c.hosted_h100e, c.h100e
            ));
        }
    }
    for (kind, list, slot) in [
        (
            "plant",
            &roster.plants,
            Roster::plant_slot as fn(&Roster, Entity) -> Option<usize>,
        ),
        ("datacenter", &roster.datacenters, Roster::datacenter_slot),
    ] {
        if let Some((at, (id, _))) = list
            .iter()
            .enumerate()
            .find(|&(at, &(_, e))| slot(roster, e) != Some(at))
        {
            broken.push(format!(
                "the roster's slot of {kind} {id} is not its position {at}"
            ));
        }
        if !list.windows(2).all(|w| w[0].0 < w[1].0) {
            broken.push(format!(
                "the roster's {kind}s are not in increasing id order"
            ));
        }
        if let Some((id, _)) = list.iter().find(|(_, e)| world.get_entity(*e).is_err()) {
            broken.push(format!("the roster lists {kind} {id}, which is not alive"));
        }
    }
    if let Some(stages) = world.get_resource::<Stages>()
        && *stages != Stages::of(world)
    {
        broken.push(format!(
            "the projects by stage are stale: kept {stages:?}, rebuilt {:?}",
            Stages::of(world)
        ));
    }
    for (i, ((holdings, income, spent), start)) in money(world).into_iter().zip(start).enumerate() {
        let books = start + income - spent;
        let tolerance = MONEY_RELATIVE_TOLERANCE * (start + income).abs() + 1.0;
        if (books - holdings).abs() > tolerance {
            broken.push(format!(
                "nation {i}: books {books} USD (start + income − spent) vs holdings {holdings} USD"
            ));
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::test_support::world;

    #[test]
    fn a_new_world_is_sound() {
        let w = world();
        let start = start_money(&w);
        assert_eq!(check(&w, &start), Vec::<String>::new());
    }

    #[test]
    fn broken_books_power_and_numbers_are_reported() {
        let mut w = world();
        let start = start_money(&w);
        let nation = w.resource::<Roster>().nations[0];
        // Money from nowhere.
        w.get_mut::<Treasury>(nation).unwrap().usd += 1.0e9;
        let broken = check(&w, &start);
        assert!(broken.iter().any(|b| b.contains("books")), "{broken:?}");
        w.get_mut::<Treasury>(nation).unwrap().usd -= 1.0e9;
        // A NaN and an impossible powered share.
        w.get_mut::<Power>(nation).unwrap().supply_mw = f64::NAN;
        w.get_mut::<Power>(nation)
            .unwrap()
            .datacenter_powered_fraction = 1.5;
        let broken = check(&w, &start);
        assert!(
            broken.iter().any(|b| b.contains("supply = NaN")),
            "{broken:?}"
        );
        assert!(
            broken.iter().any(|b| b.contains("powered fraction 1.5")),
            "{broken:?}"
        );
        let lab = w.resource::<Roster>().labs[0];
        let mut c = w.get_mut::<LabCompute>(lab).unwrap();
        c.powered_h100e = c.h100e * 2.0 + 1.0;
        let broken = check(&w, &start);
        assert!(broken.iter().any(|b| b.contains("powered")), "{broken:?}");
    }

    #[test]
    fn stale_stages_are_reported() {
        let mut w = world();
        let start = start_money(&w);
        // A datacenter of the month-0 pipeline, listed as online though it is being built.
        let (id, entity) = w.resource::<Roster>().datacenters[0];
        w.resource_mut::<Stages>()
            .grid_datacenters_online
            .push((id, entity));
        let broken = check(&w, &start);
        assert!(
            broken.iter().any(|b| b.contains("by stage are stale")),
            "{broken:?}"
        );
        crate::world::index_stages(&mut w);
        assert_eq!(check(&w, &start), Vec::<String>::new());
    }
}

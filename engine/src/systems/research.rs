//! Research: algorithmic efficiency doubles every `algorithmic_halving_months` at the reference spend.
//! The rate scales with spend to the power `research_spend_elasticity`, between a floor (the field's
//! progress spills over) and a ceiling (research is limited by people and time, not money alone), and with AI automation of research as capability nears the threshold:
//! d log2(efficiency)/dt = speedup_spend × speedup_ai / halving_months.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;
use crate::scenario::Global;

/// Share of research automated at `capability`: 0 below the automation gap, 1 at the threshold.
pub fn automation_fraction(g: &Global, capability: f64) -> f64 {
    ((capability - (g.asi_threshold_capability - g.automation_gap_oom)) / g.automation_gap_oom)
        .clamp(0.0, 1.0)
}

/// Research spend at which progress runs at the base halving time, `years` after month 0, USD/yr.
pub fn reference_spend_usd_per_year(g: &Global, years: f64) -> f64 {
    g.research_reference_usd_per_year * g.research_reference_growth_per_year.powf(years)
}

/// Monthly growth factor of algorithmic efficiency for a lab spending `research_usd_per_year`
/// against the field's `reference_usd_per_year`.
pub fn efficiency_growth(
    g: &Global,
    reference_usd_per_year: f64,
    research_usd_per_year: f64,
    capability: f64,
) -> f64 {
    let spend = (research_usd_per_year / reference_usd_per_year).max(0.0);
    let speedup_spend = spend
        .powf(g.research_spend_elasticity)
        .clamp(g.research_min_speedup, g.research_max_speedup);
    let speedup_ai =
        1.0 + (g.ai_research_speedup_at_full_automation - 1.0) * automation_fraction(g, capability);
    (speedup_spend * speedup_ai / g.algorithmic_halving_months).exp2()
}

/// Labs in scenario order: the research money they take from their capital is summed into their
/// nation's books in that order.
pub fn research(
    params: Res<Params>,
    clock: Res<Clock>,
    roster: Res<Roster>,
    mut nations: Query<&mut Treasury>,
    mut labs: Query<(&Lab, &mut LabModel, &mut LabFinance)>,
) {
    let g = &params.scenario.global;
    let reference = reference_spend_usd_per_year(g, clock.years());
    let mut in_order = labs.iter_many_mut(&roster.labs);
    while let Some(row) = in_order.fetch_next() {
        let (lab, mut model, mut finance) = row.expect("roster");
        let from_capital = finance.capital_usd * g.lab_research_spend_per_month;
        finance.capital_usd -= from_capital;
        nations
            .get_mut(roster.nations[lab.nation as usize])
            .expect("roster")
            .spent_usd += from_capital;
        let spend_month = model.research_usd_month + from_capital;
        model.algorithmic_efficiency *= efficiency_growth(
            g,
            reference,
            spend_month * MONTHS_PER_YEAR,
            model.capability,
        );
        model.research_usd_month = 0.0;
    }
}

#[cfg(test)]
mod tests {

    use bevy_ecs::system::RunSystemOnce;

    use super::*;
    use crate::systems::test_support::*;

    fn spent(world: &World, n: usize) -> f64 {
        let e = world.resource::<Roster>().nations[n];
        world.get::<Treasury>(e).unwrap().spent_usd
    }

    #[test]
    fn automation_is_zero_below_the_gap_and_full_at_the_threshold() {
        let g = scenario().global;
        let start = g.asi_threshold_capability - g.automation_gap_oom;
        assert_eq!(automation_fraction(&g, start - 1.0), 0.0);
        assert_eq!(automation_fraction(&g, start), 0.0);
        assert_close(
            automation_fraction(&g, start + g.automation_gap_oom / 2.0),
            0.5,
        );
        assert_eq!(automation_fraction(&g, g.asi_threshold_capability), 1.0);
        assert_eq!(
            automation_fraction(&g, g.asi_threshold_capability + 3.0),
            1.0
        );
    }

    #[test]
    fn the_reference_spend_doubles_efficiency_every_halving_time() {
        let g = scenario().global;
        let reference = reference_spend_usd_per_year(&g, 0.0);
        assert_eq!(reference, g.research_reference_usd_per_year);
        let growth = efficiency_growth(&g, reference, reference, 0.0);
        assert_close(growth, 2f64.powf(1.0 / g.algorithmic_halving_months));
        assert_close(growth.powf(g.algorithmic_halving_months), 2.0);
        // The reference itself grows on its trend.
        assert_close(
            reference_spend_usd_per_year(&g, 2.0),
            reference * g.research_reference_growth_per_year.powi(2),
        );
    }

    #[test]
    fn progress_scales_with_spend_to_the_elasticity_between_the_floor_and_the_ceiling() {
        let g = scenario().global;
        let r = g.research_reference_usd_per_year;
        let exponent = |growth: f64| growth.log2() * g.algorithmic_halving_months;
        let double = 2f64.powf(g.research_spend_elasticity);
        assert!(double > g.research_min_speedup && double < g.research_max_speedup);
        assert_close(exponent(efficiency_growth(&g, r, 2.0 * r, 0.0)), double);
        // No money, or too little, still learns from the field at the floor.
        assert_close(
            exponent(efficiency_growth(&g, r, 0.0, 0.0)),
            g.research_min_speedup,
        );
        let tiny = 1e-6 * r;
        assert!((tiny / r).powf(g.research_spend_elasticity) < g.research_min_speedup);
        assert_close(
            exponent(efficiency_growth(&g, r, tiny, 0.0)),
            g.research_min_speedup,
        );
        // Money alone cannot go faster than the ceiling.
        let huge = 1e6 * r;
        assert!((huge / r).powf(g.research_spend_elasticity) > g.research_max_speedup);
        assert_close(
            exponent(efficiency_growth(&g, r, huge, 0.0)),
            g.research_max_speedup,
        );
    }

    #[test]
    fn ai_automation_multiplies_the_rate() {
        let g = scenario().global;
        let r = g.research_reference_usd_per_year;
        let exponent = |capability: f64| {
            efficiency_growth(&g, r, r, capability).log2() * g.algorithmic_halving_months
        };
        assert_close(
            exponent(g.asi_threshold_capability),
            g.ai_research_speedup_at_full_automation,
        );
        let half = g.asi_threshold_capability - g.automation_gap_oom / 2.0;
        assert_close(
            exponent(half),
            1.0 + (g.ai_research_speedup_at_full_automation - 1.0) / 2.0,
        );
    }

    #[test]
    fn labs_spend_their_capital_on_research_through_their_nation_s_books() {
        let s = scenario();
        let g = &s.global;
        let mut world = world();
        world.resource_mut::<Clock>().month = 6;
        let funded = 1.0e9;
        let e0 = lab(&world, 0);
        world.get_mut::<LabModel>(e0).unwrap().research_usd_month = funded;
        // DeepSeek has no money at all.
        let poor = s.lab_index("deepseek").unwrap();
        let ep = lab(&world, poor);
        world.get_mut::<LabFinance>(ep).unwrap().capital_usd = 0.0;
        let capital: Vec<f64> = (0..s.labs.len())
            .map(|l| world.get::<LabFinance>(lab(&world, l)).unwrap().capital_usd)
            .collect();
        let spent_before = [spent(&world, 0), spent(&world, 1)];
        world.run_system_once(research).unwrap();

        let rate = g.lab_research_spend_per_month;
        for (l, c) in capital.iter().enumerate() {
            let f = world.get::<LabFinance>(lab(&world, l)).unwrap();
            assert_close(f.capital_usd, c * (1.0 - rate));
        }
        for (n, before) in spent_before.into_iter().enumerate() {
            let from_labs: f64 = (0..s.labs.len())
                .filter(|&l| s.labs[l].nation == s.nations[n].id)
                .map(|l| capital[l] * rate)
                .sum();
            assert_close(spent(&world, n) - before, from_labs);
        }

        // Lab 0: funding plus capital spend, a year's worth, against the reference at 0.5 years.
        let reference =
            g.research_reference_usd_per_year * g.research_reference_growth_per_year.powf(0.5);
        let spend = (funded + capital[0] * rate) * 12.0 / reference;
        let speedup = spend
            .powf(g.research_spend_elasticity)
            .clamp(g.research_min_speedup, g.research_max_speedup);
        assert!(speedup > g.research_min_speedup && speedup < g.research_max_speedup);
        let m = world.get::<LabModel>(e0).unwrap();
        assert_close(
            m.algorithmic_efficiency,
            g.initial_algorithmic_efficiency * 2f64.powf(speedup / g.algorithmic_halving_months),
        );
        assert_eq!(m.research_usd_month, 0.0, "funding is for one month");
        // DeepSeek progresses at the floor.
        assert_close(
            world.get::<LabModel>(ep).unwrap().algorithmic_efficiency,
            g.initial_algorithmic_efficiency
                * 2f64.powf(g.research_min_speedup / g.algorithmic_halving_months),
        );
    }
}

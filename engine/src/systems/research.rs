//! Research: algorithmic efficiency doubles every `algorithmic_halving_months` at the reference spend.
//! The rate scales with spend to the power `research_spend_elasticity` (with a floor: the field's
//! progress spills over) and with AI automation of research as capability nears the threshold:
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
        .max(g.research_min_speedup);
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

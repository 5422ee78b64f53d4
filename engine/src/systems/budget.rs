//! Investment and budgets: the monthly inflow of AI capex (on trend, capped at a share of GDP) and
//! energy capex, debt repayment, subsidies to labs and the sales lost to export controls.

use bevy_ecs::prelude::*;

use crate::components::*;
use crate::resources::*;

/// Budget inflow of `nation` in `month`, USD: AI capex on its growth trend, capped at a share of GDP,
/// plus energy capex on its trend.
pub fn monthly_inflow_usd(spec: &crate::scenario::NationSpec, month: u32) -> f64 {
    let years = month as f64 / MONTHS_PER_YEAR;
    (spec.ai_capex_usd_per_year_at(years) + spec.energy_capex_usd_per_year_at(years))
        / MONTHS_PER_YEAR
}

pub fn budget(
    params: Res<Params>,
    clock: Res<Clock>,
    mut subsidy: Local<Vec<f64>>,
    mut nations: Query<(&Nation, &mut Treasury, &mut Fleet, &Policy)>,
    mut labs: Query<(&Lab, &mut LabFinance)>,
) {
    let scenario = &*params.scenario;
    let month = clock.month;
    subsidy.clear();
    subsidy.resize(scenario.nations.len(), 0.0);
    for (nation, mut treasury, mut fleet, policy) in &mut nations {
        let n = nation.index as usize;
        let spec = &scenario.nations[n];
        if month.is_multiple_of(12) {
            fleet.starts_this_year_mw = [0.0; KINDS];
        }
        let mut inflow = monthly_inflow_usd(spec, month);
        treasury.inflow_month_usd = inflow;
        treasury.income_usd += inflow;
        let repay = inflow.min(treasury.debt_usd);
        treasury.debt_usd -= repay;
        treasury.spent_usd += repay;
        inflow -= repay;
        let to_labs = inflow * policy.lab_subsidy_share;
        subsidy[n] = to_labs;
        treasury.usd += inflow - to_labs;
        let lost = policy.export_controls_on.len() as f64
            * scenario.policies.export_control_lost_sales_usd_per_year
            / MONTHS_PER_YEAR;
        charge(&mut treasury, lost);
    }
    // Subsidies are split by the labs' national shares, normalised within each nation.
    for (lab, mut finance) in &mut labs {
        let to_lab = subsidy[lab.nation as usize] * params.subsidy_weight[lab.index as usize];
        if to_lab > 0.0 {
            finance.capital_usd += to_lab;
        }
    }
}

/// Pay a running cost: from the treasury while it lasts, the rest becomes debt (repaid first from
/// the next inflows). Stocks never go negative.
pub fn charge(treasury: &mut Treasury, usd: f64) {
    let paid = usd.min(treasury.usd).max(0.0);
    treasury.usd -= paid;
    treasury.spent_usd += paid;
    treasury.debt_usd += usd - paid;
}

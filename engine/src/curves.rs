//! The scenario's trends month by month: the functions of (scenario, month) alone that systems
//! evaluate every month, tabulated once per scenario and horizon.
//!
//! Each value is the scenario's own formula (`Global::largest_run_share_at`,
//! `NationSpec::ai_capex_usd_per_year_at`, …) evaluated at `years = month / 12`, so a table entry is
//! bit for bit what a system computed before there was a table. A game evaluated about 25 `powf` a
//! month on these trends, a third of all it evaluated; a table is built once per world and shared by
//! every game played on it ([`crate::resources::Params`] is kept when a match is reset on the same
//! scenario). Months past the table (none in a game: it covers the horizon and one month beyond,
//! for next month's market) are computed directly.
//!
//! Constants of the scenario alone that were derived again every month (the queue hazards and the
//! rate the study wait divides by, log10 of the initial algorithmic efficiency, ln of the AI R&D
//! multipliers) are kept here too, computed by the same expressions.

use std::sync::Arc;

use crate::scenario::{
    Global, MAX_HORIZON_MONTHS, MONTHS_PER_YEAR, NationSpec, QueueSpec, Scenario,
};

/// The world's trends in one month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GlobalAt {
    /// [`Global::largest_run_share_at`].
    pub largest_run_share: f64,
    /// [`Global::queries_per_month_at`].
    pub queries_per_month: f64,
    /// [`Global::run_window_months_at`].
    pub run_window_months: f64,
    /// [`Global::chip_supply_h100e_per_year_at`].
    pub chip_supply_h100e_per_year: f64,
    /// [`Global::chip_it_kw_per_h100e_at`].
    pub chip_it_kw_per_h100e: f64,
    /// [`Global::chip_cost_usd_per_h100e_at`].
    pub chip_cost_usd_per_h100e: f64,
}

impl GlobalAt {
    pub fn at(g: &Global, month: u32) -> GlobalAt {
        let years = month as f64 / MONTHS_PER_YEAR;
        GlobalAt {
            largest_run_share: g.largest_run_share_at(years),
            queries_per_month: g.queries_per_month_at(years),
            run_window_months: g.run_window_months_at(years),
            chip_supply_h100e_per_year: g.chip_supply_h100e_per_year_at(years),
            chip_it_kw_per_h100e: g.chip_it_kw_per_h100e_at(years),
            chip_cost_usd_per_h100e: g.chip_cost_usd_per_h100e_at(years),
        }
    }
}

/// A nation's trends in one month.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NationAt {
    /// [`NationSpec::inflow_month_usd_at`].
    pub inflow_month_usd: f64,
    /// Peak baseline demand on its growth trend, MW.
    pub baseline_demand_mw: f64,
}

impl NationAt {
    pub fn at(spec: &NationSpec, month: u32) -> NationAt {
        let years = month as f64 / MONTHS_PER_YEAR;
        NationAt {
            inflow_month_usd: spec.inflow_month_usd_at(month),
            baseline_demand_mw: spec.baseline_demand_mw
                * (1.0 + spec.baseline_demand_growth_per_year).powf(years),
        }
    }
}

/// Monthly hazard from a yearly share: 1 − (1 − share)^(1/12).
pub fn monthly_hazard(per_year: f64) -> f64 {
    1.0 - (1.0 - per_year.clamp(0.0, 1.0)).powf(1.0 / MONTHS_PER_YEAR)
}

/// A nation's constants derived from its queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QueueHazards {
    /// Monthly withdrawal of other developers' requests waiting for their study.
    pub study_month: f64,
    /// −ln(1 − `study_month`): the study withdrawal as a continuous rate a month, which the wait
    /// for a study divides by (every nation's observation asks for that wait every month).
    pub study_rate_month: f64,
    /// Monthly withdrawal of other developers' projects under construction.
    pub construction_month: f64,
}

impl QueueHazards {
    pub fn of(queue: &QueueSpec) -> QueueHazards {
        let study_month = monthly_hazard(queue.study_withdrawal_per_year);
        QueueHazards {
            study_month,
            study_rate_month: -(1.0 - study_month).ln(),
            construction_month: monthly_hazard(queue.construction_withdrawal_per_year),
        }
    }
}

/// The tables of one scenario over one horizon.
#[derive(Clone, Debug)]
pub struct Curves {
    /// The scenario tabulated, for months past the tables.
    scenario: Arc<Scenario>,
    /// By month.
    global: Vec<GlobalAt>,
    nations: usize,
    /// By month, then nation.
    nation: Vec<NationAt>,
    origins: usize,
    /// Supply of each chip origin, H100e per year: by month, then origin.
    origin_supply: Vec<f64>,
    /// By nation.
    hazards: Vec<QueueHazards>,
    /// Monthly growth factor of the natural data stock.
    data_growth_month: f64,
    /// log10 of the initial algorithmic efficiency.
    initial_efficiency_oom: f64,
    /// ln of each AI R&D milestone's multiplier, in the scenario's order.
    research_multiplier_ln: Vec<f64>,
}

impl Curves {
    /// Tables for months `0..=months + 1` of `scenario` (no further than a game can go: the
    /// longest horizon, [`MAX_HORIZON_MONTHS`]).
    pub fn new(scenario: Arc<Scenario>, months: u32) -> Curves {
        let g = &scenario.global;
        let span = 0..=months.min(MAX_HORIZON_MONTHS) + 1;
        let global = span.clone().map(|m| GlobalAt::at(g, m)).collect();
        let nation = span
            .clone()
            .flat_map(|m| {
                scenario
                    .nations
                    .iter()
                    .map(move |spec| NationAt::at(spec, m))
            })
            .collect();
        let origin_supply = span
            .flat_map(|m| {
                let years = m as f64 / MONTHS_PER_YEAR;
                g.chip_origins
                    .iter()
                    .map(move |o| o.supply_h100e_per_year_at(years))
            })
            .collect();
        let hazards = scenario
            .nations
            .iter()
            .map(|n| QueueHazards::of(&n.queue))
            .collect();
        let nations = scenario.nations.len();
        let origins = g.chip_origins.len();
        let data_growth_month = (1.0 + g.data_stock_growth_per_year).powf(1.0 / MONTHS_PER_YEAR);
        let initial_efficiency_oom = g.initial_algorithmic_efficiency.log10();
        let research_multiplier_ln = g
            .ai_research_multipliers
            .iter()
            .map(|p| p.multiplier.ln())
            .collect();
        Curves {
            scenario,
            global,
            nations,
            nation,
            origins,
            origin_supply,
            hazards,
            data_growth_month,
            initial_efficiency_oom,
            research_multiplier_ln,
        }
    }

    /// The world's trends in `month`.
    pub fn global(&self, month: u32) -> GlobalAt {
        match self.global.get(month as usize) {
            Some(at) => *at,
            None => GlobalAt::at(&self.scenario.global, month),
        }
    }

    /// Nation `n`'s trends in `month`.
    pub fn nation(&self, n: usize, month: u32) -> NationAt {
        match self.nation.get(month as usize * self.nations + n) {
            Some(at) => *at,
            None => NationAt::at(&self.scenario.nations[n], month),
        }
    }

    /// Chip origin `o`'s supply in `month`, H100e per year.
    pub fn origin_supply_h100e_per_year(&self, o: usize, month: u32) -> f64 {
        match self.origin_supply.get(month as usize * self.origins + o) {
            Some(&supply) => supply,
            None => self.scenario.global.chip_origins[o]
                .supply_h100e_per_year_at(month as f64 / MONTHS_PER_YEAR),
        }
    }

    /// Nation `n`'s monthly queue withdrawal hazards.
    pub fn hazards(&self, n: usize) -> QueueHazards {
        self.hazards[n]
    }

    /// Monthly growth factor of the natural data stock.
    pub fn data_growth_month(&self) -> f64 {
        self.data_growth_month
    }

    /// log10 of the scenario's initial algorithmic efficiency.
    pub fn initial_efficiency_oom(&self) -> f64 {
        self.initial_efficiency_oom
    }

    /// ln of each AI R&D milestone's multiplier (`Global::ai_research_multipliers`, same order).
    pub fn research_multiplier_ln(&self) -> &[f64] {
        &self.research_multiplier_ln
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::systems::budget::monthly_inflow_usd;
    use crate::systems::test_support::scenario;

    /// Every entry is the formula's value, bit for bit, inside the table and past it.
    #[test]
    fn tables_equal_the_formulas_bit_for_bit() {
        let mut s = scenario();
        // Growth everywhere, so that no entry is trivially constant.
        s.global.chip_kw_decline_per_year = 0.07;
        s.nations[1].baseline_demand_growth_per_year = 0.05;
        let months = 40;
        let curves = Curves::new(Arc::new(s.clone()), months);
        for month in 0..months + 10 {
            let years = month as f64 / 12.0;
            let g = curves.global(month);
            assert_eq!(g, GlobalAt::at(&s.global, month));
            assert_eq!(
                g.largest_run_share.to_bits(),
                s.global.largest_run_share_at(years).to_bits()
            );
            assert_eq!(
                g.chip_it_kw_per_h100e.to_bits(),
                s.global.chip_it_kw_per_h100e_at(years).to_bits()
            );
            for (n, spec) in s.nations.iter().enumerate() {
                let at = curves.nation(n, month);
                assert_eq!(
                    at.inflow_month_usd.to_bits(),
                    monthly_inflow_usd(spec, month).to_bits()
                );
                assert_eq!(
                    at.baseline_demand_mw.to_bits(),
                    (spec.baseline_demand_mw
                        * (1.0 + spec.baseline_demand_growth_per_year).powf(years))
                    .to_bits()
                );
            }
            for (o, origin) in s.global.chip_origins.iter().enumerate() {
                assert_eq!(
                    curves.origin_supply_h100e_per_year(o, month).to_bits(),
                    origin.supply_h100e_per_year_at(years).to_bits()
                );
            }
        }
        assert!(curves.global.len() == months as usize + 2);
        // A horizon past any game's is not tabulated further (a bounded table).
        let long = Curves::new(Arc::new(s.clone()), u32::MAX);
        assert_eq!(long.global.len(), MAX_HORIZON_MONTHS as usize + 2);
        assert_eq!(long.global(5_000), GlobalAt::at(&s.global, 5_000));
        assert!(curves.global(20).chip_it_kw_per_h100e < s.global.chip_it_kw_per_h100e);
    }

    /// The scenario's constants are their expressions' values, bit for bit.
    #[test]
    fn constants_equal_their_expressions_bit_for_bit() {
        let mut s = scenario();
        s.nations[1].queue.study_withdrawal_per_year = 0.37;
        let curves = Curves::new(Arc::new(s.clone()), 12);
        for (n, spec) in s.nations.iter().enumerate() {
            let h = curves.hazards(n);
            let study = 1.0 - (1.0 - spec.queue.study_withdrawal_per_year).powf(1.0 / 12.0);
            assert_eq!(h.study_month.to_bits(), study.to_bits());
            assert_eq!(
                h.study_rate_month.to_bits(),
                (-(1.0 - study).ln()).to_bits()
            );
            assert!(h.study_rate_month > 0.0);
        }
        let g = &s.global;
        assert_eq!(
            curves.initial_efficiency_oom().to_bits(),
            g.initial_algorithmic_efficiency.log10().to_bits()
        );
        assert_eq!(
            curves.research_multiplier_ln().len(),
            g.ai_research_multipliers.len()
        );
        for (ln, m) in curves
            .research_multiplier_ln()
            .iter()
            .zip(&g.ai_research_multipliers)
        {
            assert_eq!(ln.to_bits(), m.multiplier.ln().to_bits());
        }
    }

    #[test]
    fn monthly_hazard_compounds_to_the_yearly_share() {
        for share in [0.0, 0.1, 0.5, 0.9, 1.0] {
            let h = monthly_hazard(share);
            assert!((1.0 - (1.0 - h).powi(12) - share).abs() < 1e-12, "{share}");
        }
        assert_eq!(monthly_hazard(-1.0), 0.0);
        assert_eq!(monthly_hazard(2.0), 1.0);
    }
}

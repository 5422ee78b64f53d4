//! The scenario: every number the world starts from, per nation and global.
//!
//! A scenario is plain data, read from RON with `deny_unknown_fields` everywhere so that a typo is an
//! error and not a silently ignored field. Parsing and validation live in [`crate::validate`]; the
//! defaults that ship with Gigawatt are in `data/scenarios/`, each number sourced in `data/SOURCES.md`.

use serde::{Deserialize, Serialize};

/// Months in a year: trends are given per year, turns are months.
pub const MONTHS_PER_YEAR: f64 = 12.0;

/// The kinds of power plant a nation can build. The order is the index into [`PerKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantKind {
    GasCombinedCycle,
    GasTurbine,
    Coal,
    Nuclear,
    Solar,
    Wind,
    Battery,
    Hydro,
}

impl PlantKind {
    pub const ALL: [PlantKind; 8] = [
        PlantKind::GasCombinedCycle,
        PlantKind::GasTurbine,
        PlantKind::Coal,
        PlantKind::Nuclear,
        PlantKind::Solar,
        PlantKind::Wind,
        PlantKind::Battery,
        PlantKind::Hydro,
    ];
    pub const COUNT: usize = 8;

    pub fn index(self) -> usize {
        self as usize
    }

    /// Snake-case name, as written in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            PlantKind::GasCombinedCycle => "gas_combined_cycle",
            PlantKind::GasTurbine => "gas_turbine",
            PlantKind::Coal => "coal",
            PlantKind::Nuclear => "nuclear",
            PlantKind::Solar => "solar",
            PlantKind::Wind => "wind",
            PlantKind::Battery => "battery",
            PlantKind::Hydro => "hydro",
        }
    }

    pub fn from_name(name: &str) -> Option<PlantKind> {
        PlantKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Burns gas, so drilling lowers its fuel cost.
    pub fn burns_gas(self) -> bool {
        matches!(self, PlantKind::GasCombinedCycle | PlantKind::GasTurbine)
    }

    /// Behind-the-meter supply must be dispatchable on site: fossil or storage only.
    pub fn allowed_behind_the_meter(self) -> bool {
        matches!(
            self,
            PlantKind::GasCombinedCycle
                | PlantKind::GasTurbine
                | PlantKind::Coal
                | PlantKind::Battery
        )
    }
}

/// One value per plant kind. A struct rather than a map so that a missing or unknown kind is a
/// parse error that names the field, and so that lookups are an array index on the hot path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PerKind<T> {
    pub gas_combined_cycle: T,
    pub gas_turbine: T,
    pub coal: T,
    pub nuclear: T,
    pub solar: T,
    pub wind: T,
    pub battery: T,
    pub hydro: T,
}

impl<T> PerKind<T> {
    pub fn get(&self, kind: PlantKind) -> &T {
        match kind {
            PlantKind::GasCombinedCycle => &self.gas_combined_cycle,
            PlantKind::GasTurbine => &self.gas_turbine,
            PlantKind::Coal => &self.coal,
            PlantKind::Nuclear => &self.nuclear,
            PlantKind::Solar => &self.solar,
            PlantKind::Wind => &self.wind,
            PlantKind::Battery => &self.battery,
            PlantKind::Hydro => &self.hydro,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (PlantKind, &T)> {
        PlantKind::ALL.into_iter().map(move |k| (k, self.get(k)))
    }

    pub fn map<U>(&self, mut f: impl FnMut(PlantKind, &T) -> U) -> PerKind<U> {
        PerKind {
            gas_combined_cycle: f(PlantKind::GasCombinedCycle, &self.gas_combined_cycle),
            gas_turbine: f(PlantKind::GasTurbine, &self.gas_turbine),
            coal: f(PlantKind::Coal, &self.coal),
            nuclear: f(PlantKind::Nuclear, &self.nuclear),
            solar: f(PlantKind::Solar, &self.solar),
            wind: f(PlantKind::Wind, &self.wind),
            battery: f(PlantKind::Battery, &self.battery),
            hydro: f(PlantKind::Hydro, &self.hydro),
        }
    }
}

/// A scenario: the world at the start month and every parameter of its mechanics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short id, e.g. `us-china-2025`.
    pub name: String,
    /// One line for `gigawatt scenarios`.
    pub description: String,
    /// Calendar year of month 0 (January).
    pub start_year: i32,
    /// Default horizon in months (120 = 2025-01 to 2034-12).
    pub horizon_months: u32,
    pub global: Global,
    /// Technology parameters that do not depend on the nation.
    pub plant_kinds: PerKind<PlantKindGlobal>,
    /// The quantified effect of each policy lever.
    pub policies: PolicyEffects,
    pub nations: Vec<NationSpec>,
    pub labs: Vec<LabSpec>,
}

/// World-wide constants: chips, datacenters, training, research, scaling law, test-time compute,
/// economy and the superintelligence threshold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Global {
    // --- chips ---
    /// Dense BF16 peak FLOP/s of one H100-equivalent.
    pub h100e_peak_flop_per_s: f64,
    /// Model FLOP utilisation of installed, powered chips (0..1).
    pub utilisation: f64,
    /// All-in IT power per H100e delivered at month 0, kW (server, network, storage; before PUE).
    pub chip_it_kw_per_h100e: f64,
    /// Yearly fractional fall of kW per H100e for newly delivered chips.
    pub chip_kw_decline_per_year: f64,
    /// Price of one H100e (chip and its share of server and network) at month 0, USD.
    pub chip_cost_usd_per_h100e: f64,
    /// Yearly fractional fall of the price per H100e.
    pub chip_cost_decline_per_year: f64,
    /// Months from order to delivery of chips.
    pub chip_delivery_months: u32,
    /// Years an H100e stays in service: chips retire by age, a delivery's whole batch once it is
    /// this old.
    pub chip_lifetime_years: f64,
    /// Where accelerators come from: each origin's supply, who controls it and who buys it.
    pub chip_origins: Vec<ChipOrigin>,
    /// Installed H100e at month 0 outside the scenario's labs (other clouds, enterprises, nations
    /// not modelled): with the labs' chips, the world stock Epoch measures.
    pub rest_of_world_h100e: f64,
    // --- datacenters ---
    /// Facility (non-IT) capital cost per MW of IT capacity, USD.
    pub datacenter_capex_usd_per_mw: f64,
    /// Months to build a datacenter shell, power and cooling.
    pub datacenter_build_months: u32,
    /// Power usage effectiveness of new AI datacenters (total / IT power).
    pub datacenter_pue: f64,
    /// Extra capital cost of a plant built behind the meter, as a fraction of its capex.
    pub behind_the_meter_capex_premium: f64,
    /// Electricity price paid by grid datacenters on top of the system marginal cost, USD/MWh.
    pub grid_adder_usd_per_mwh: f64,
    // --- training ---
    /// Months of training compute a lab's largest run draws on at month 0.
    pub training_run_months: f64,
    /// Yearly growth factor of training run duration.
    pub training_run_months_growth_per_year: f64,
    /// Longest run window, months.
    pub max_training_run_months: u32,
    /// Share of a lab's training FLOP over the run window that goes to its largest run, at month 0.
    pub largest_run_share: f64,
    /// Yearly growth factor of that share (compute concentrating in flagship runs).
    pub largest_run_share_growth_per_year: f64,
    /// Ceiling on that share.
    pub max_largest_run_share: f64,
    // --- research (software progress as a production function, see `systems::research`) ---
    /// Months for algorithmic efficiency to double for a lab with the reference research inputs at
    /// month 0 (Ho et al. 2024).
    pub algorithmic_halving_months: f64,
    /// Algorithmic efficiency at month 0 relative to 2022 algorithms.
    pub initial_algorithmic_efficiency: f64,
    /// Research spend on people of the reference lab at month 0, USD per year: one unit of human
    /// research labour.
    pub research_reference_usd_per_year: f64,
    /// Experiment compute of the reference lab at month 0, FLOP per month: one unit of research
    /// compute, and of AI research labour once AI does the work.
    pub research_reference_flop_per_month: f64,
    /// Weight of labour in the CES research input (the rest is experiment compute).
    pub research_labour_weight: f64,
    /// Elasticity of substitution between research labour and experiment compute (< 1: complements).
    pub research_substitution_elasticity: f64,
    /// Exponent on research input in the software progress rate (R&D parallelisation penalty).
    pub research_parallelisation: f64,
    /// Returns to software R&D r: doubling research input sustains r doublings of efficiency.
    pub software_returns: f64,
    /// Ceiling on algorithmic efficiency relative to 2022 algorithms, log10.
    pub max_algorithmic_efficiency_oom: f64,
    /// AI R&D progress multipliers at capability milestones (AI 2027 takeoff forecast), with the
    /// capability of each milestone given in OOM below the ASI threshold. Log-linear in between.
    pub ai_research_multipliers: Vec<ResearchMilestone>,
    /// Fraction of its capital a lab spends on research each month.
    pub lab_research_spend_per_month: f64,
    // --- scaling law (Besiroglu et al. 2024 refit of Chinchilla) ---
    pub scaling_law: ScalingLaw,
    /// Share of compute-equivalent algorithmic gains that also stretch the data stock (data efficiency).
    pub data_efficiency_share: f64,
    /// Growth of a lab's natural data stock per year (fraction).
    pub data_stock_growth_per_year: f64,
    /// Share of inference compute a lab spends making synthetic data.
    pub synthetic_data_compute_share: f64,
    /// FLOP to make one useful synthetic token, as a multiple of the 2·N FLOP of one forward token.
    pub synthetic_flop_overhead: f64,
    // --- test-time compute ---
    /// Queries a lab serves per month at month 0.
    pub queries_per_month: f64,
    /// Yearly growth factor of queries served.
    pub queries_growth_per_year: f64,
    /// Tokens a model writes to answer a query without extra test-time compute.
    pub tokens_per_query: f64,
    /// OOM of test-time compute that equal one OOM of training compute (Jones 2021: 10x train ≈ 15x test).
    pub test_time_exchange_oom_per_train_oom: f64,
    /// Cap on the capability test-time compute can add, in OOM of training-compute equivalent.
    pub test_time_max_oom: f64,
    /// Capability gained per OOM of cumulative inference (relative to the model's training FLOP)
    /// served since the model was trained: test-time training, OOM per OOM.
    pub test_time_training_oom_per_oom: f64,
    /// Cap on the capability test-time training can add, OOM.
    pub test_time_training_max_oom: f64,
    // --- capability and victory ---
    /// Capability at which a lab is superintelligent, log10 FLOP of 2022-algorithm-equivalent,
    /// compute-optimal, data-unconstrained training compute.
    pub asi_threshold_capability: f64,
    /// Width of the band below the threshold over which AI automates research, OOM
    /// (Davidson's effective-FLOP gap from 20% to 100% automation).
    pub automation_gap_oom: f64,
    // --- economy ---
    /// Revenue per FLOP of inference at the reference capability, USD.
    pub revenue_usd_per_inference_flop: f64,
    /// Capability at which `revenue_usd_per_inference_flop` applies.
    pub revenue_reference_capability: f64,
    /// log10 growth of revenue per FLOP per OOM of capability.
    pub revenue_capability_elasticity: f64,
    /// Share of revenue the lab keeps as capital; the rest is reinvested through the nation treasury.
    pub revenue_lab_share: f64,
}

/// An AI R&D progress multiplier at a capability milestone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResearchMilestone {
    /// Capability of the milestone, in OOM below `asi_threshold_capability`.
    pub below_threshold_oom: f64,
    /// Research progress with AI over progress without it, at the same inputs.
    pub multiplier: f64,
}

/// A source of accelerators: US-designed chips made by allied fabs, a nation's domestic chips, others.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChipOrigin {
    /// Short id, e.g. `us-allied`.
    pub id: String,
    /// Nations whose export controls bind this supply: the nation that designs or makes it and those
    /// it follows (e.g. allied fabs that follow US rules). Empty: nobody can control it.
    pub controlled_by: Vec<String>,
    /// Output at month 0, H100e per year.
    pub supply_h100e_per_year: f64,
    /// Yearly growth factor of output while below the fab ceiling.
    pub supply_growth_per_year: f64,
    /// Fab ceiling on output at month 0, H100e per year (leading-edge wafers, packaging, HBM).
    pub max_supply_h100e_per_year: f64,
    /// Yearly growth factor of the fab ceiling (new fabs, more H100e per wafer).
    pub max_supply_growth_per_year: f64,
    /// Share of output each nation may buy before any export control. What no nation buys goes to
    /// the rest of the world.
    pub buyers: Vec<ChipBuyer>,
}

/// A nation's share of one origin's chips.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChipBuyer {
    pub nation: String,
    pub share: f64,
}

/// A nation's interconnection queue at month 0 and its flows (LBNL's *Queued Up* measures).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    /// Requests waiting for their interconnection study at month 0, MW.
    pub initial_in_study_mw: f64,
    /// Studied requests (interconnection agreement signed) being built at month 0, MW.
    pub initial_in_construction_mw: f64,
    /// Mean age of the requests in the queue at month 0, months.
    pub initial_age_months: f64,
    /// New requests from other developers, MW per year.
    pub inflow_mw_per_year: f64,
    /// Withdrawals while waiting for the study, share of the waiting MW per year.
    pub study_withdrawal_per_year: f64,
    /// Share of studied MW that withdraws when the study prices its network upgrades.
    pub withdrawal_after_study_share: f64,
    /// Withdrawals during construction, share per year.
    pub construction_withdrawal_per_year: f64,
    /// Months from agreement to operation for other developers' projects.
    pub construction_months: u32,
}

/// Loss L(N, D) = E + A / N^alpha + B / D^beta with training FLOP C = 6 N D.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalingLaw {
    pub e: f64,
    pub a: f64,
    pub b: f64,
    pub alpha: f64,
    pub beta: f64,
}

/// Technology parameters of a plant kind that hold everywhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantKindGlobal {
    /// Fuel and variable O&M cost, USD per MWh generated.
    pub fuel_cost_usd_per_mwh: f64,
    /// Emissions, tCO2 per MWh generated.
    pub emissions_tco2_per_mwh: f64,
    /// Probability that a project of this kind overruns its schedule.
    pub overrun_probability: f64,
    /// Mean overrun when one happens, as a fraction of the construction time.
    pub overrun_mean_fraction: f64,
    /// Extra capital cost of this kind for a nation cut off from all critical minerals (gallium,
    /// germanium, graphite, rare earths), as a fraction, scaled by the imposer's supply share.
    pub mineral_control_capex_increase: f64,
}

/// The quantified effect of every policy lever.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyEffects {
    /// Permitting time at regulation level 0, as a fraction of the nation's permitting time.
    pub deregulated_permitting_fraction: f64,
    /// Construction time at regulation level 0, as a fraction of the nation's construction time.
    pub deregulated_construction_fraction: f64,
    /// Multiplier on overrun probability at regulation level 0 (the price of deregulation).
    pub deregulated_overrun_multiplier: f64,
    /// Carbon price a nation in the climate accord pays on emissions, USD per tCO2.
    pub accord_carbon_price_usd_per_tco2: f64,
    /// Fractional cut in the fuel cost of gas plants once drilling has ramped up.
    pub drilling_gas_cost_cut: f64,
    /// Months from the decision to drill to the lower gas price.
    pub drilling_lead_months: u32,
    /// Share of its allocation from a controlled origin that a target still gets under export
    /// controls (smuggling, remote access, licensed downgraded chips).
    pub export_control_leakage_share: f64,
    /// Sales the imposer loses per controlled target, USD per year.
    pub export_control_lost_sales_usd_per_year: f64,
    /// Extra chip price for a nation cut off from all critical minerals, fraction, scaled by the
    /// imposer's supply share.
    pub mineral_control_chip_cost_increase: f64,
    /// Months over which substitutes replace controlled minerals: the effects fade linearly to zero.
    pub mineral_control_substitution_months: u32,
    /// Multiplier on interconnection study throughput after queue reform (cluster studies).
    pub queue_reform_study_speedup: f64,
    /// Months from the reform to faster studies.
    pub queue_reform_lead_months: u32,
    /// Capital cost of one MW per month of extra interconnection throughput, USD.
    pub grid_expansion_capex_usd_per_mw_month: f64,
    /// Months before grid expansion raises throughput.
    pub grid_expansion_lead_months: u32,
    /// Largest share of the monthly budget inflow a nation may pass to its labs as subsidy.
    pub max_subsidy_share: f64,
}

/// A nation at month 0 and its parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationSpec {
    /// Short id used on the command line and in outputs, e.g. `usa`.
    pub id: String,
    pub name: String,
    // --- money ---
    /// Money available at month 0, USD.
    pub treasury_usd: f64,
    pub gdp_usd: f64,
    pub gdp_growth_per_year: f64,
    /// Private AI capex (chips, datacenters) at month 0, USD per year.
    pub ai_capex_usd_per_year: f64,
    /// Yearly growth factor of AI capex on trend (1.5 = +50%/yr).
    pub ai_capex_growth_per_year: f64,
    /// Ceiling on AI capex as a share of GDP.
    pub max_ai_capex_gdp_share: f64,
    /// Investment in new generation at month 0, USD per year.
    pub energy_capex_usd_per_year: f64,
    pub energy_capex_growth_per_year: f64,
    // --- power system ---
    /// Generation fleet and build parameters by plant kind.
    pub plants: PerKind<NationPlantKind>,
    /// Peak demand without AI datacenters that firm supply must cover first, MW.
    pub baseline_demand_mw: f64,
    pub baseline_demand_growth_per_year: f64,
    /// Planning reserve margin kept above peak baseline demand, fraction.
    pub planning_reserve_margin: f64,
    /// MW of interconnection requests the grid operators can study each month (first come, first
    /// served).
    pub interconnection_mw_per_month: f64,
    /// The interconnection queue at month 0 and its flows.
    pub queue: QueueSpec,
    /// Multiplier on construction times (1 = US reference).
    pub build_speed_multiplier: f64,
    /// Multiplier on permitting times (1 = US reference).
    pub permitting_multiplier: f64,
    /// Average over peak baseline demand, for the energy (not adequacy) side of dispatch.
    pub baseline_load_factor: f64,
    /// Policies in force at month 0.
    pub initial_policy: PolicyState,
    // --- chips and minerals ---
    /// Price paid per H100e relative to the world price (tariffs, grey markets, domestic chips).
    pub chip_price_multiplier: f64,
    /// Share of the world's refined critical minerals (gallium, germanium, graphite, rare earths)
    /// the nation controls: the weight of its mineral export controls.
    pub critical_mineral_supply_share: f64,
}

/// Per nation, per plant kind: fleet, costs, lead times, trend build rate and supply caps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NationPlantKind {
    /// Nameplate capacity online at month 0, MW.
    pub fleet_mw: f64,
    /// Average output over nameplate: energy a month (and firm output of a plant behind the meter).
    pub capacity_factor: f64,
    /// Share of nameplate accredited as capacity at peak (ELCC as grid operators publish it): what
    /// counts toward resource adequacy on the grid.
    pub accreditation: f64,
    /// Overnight capital cost, USD per kW.
    pub capex_usd_per_kw: f64,
    pub permitting_months: u32,
    pub construction_months: u32,
    /// Trend additions (2024–2025), MW per year; `status-quo` keeps building at this rate.
    pub trend_additions_mw_per_year: f64,
    /// Retirements, MW per year.
    pub retirements_mw_per_year: f64,
    /// Most MW of this kind that can start construction in a year (equipment supply: turbines).
    pub max_starts_mw_per_year: f64,
}

/// A nation's policy state. Part of the scenario (start) and of the world (now).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyState {
    /// 1 = regulation as today, 0 = fully deregulated.
    pub regulation_level: f64,
    pub in_climate_accord: bool,
    pub drilling: bool,
    /// Nation ids this nation bars from buying the chips it controls.
    pub export_controls_on: Vec<String>,
    /// Share of the monthly budget inflow passed to the nation's labs.
    pub lab_subsidy_share: f64,
    /// Nation ids this nation bars from its critical minerals.
    #[serde(default)]
    pub mineral_controls_on: Vec<String>,
    /// Interconnection queue reform (cluster studies) in force.
    #[serde(default)]
    pub queue_reform: bool,
}

/// A lab at month 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabSpec {
    pub id: String,
    pub name: String,
    /// Id of the owner nation.
    pub nation: String,
    pub capital_usd: f64,
    /// H100-equivalents installed at month 0.
    pub h100e: f64,
    /// Datacenter IT capacity online at month 0, MW (grid-connected).
    pub datacenter_it_mw: f64,
    /// H100e ordered before month 0, delivered evenly over the first delivery lead time.
    pub h100e_on_order: f64,
    /// Grid datacenter IT capacity under construction at month 0, MW, finished evenly over the
    /// first build time.
    pub datacenter_it_mw_under_construction: f64,
    /// Share of compute used for training (the rest serves inference).
    pub training_share: f64,
    /// Largest training run so far, FLOP.
    pub largest_run_flop: f64,
    /// Natural data stock available to the lab, tokens.
    pub data_stock_tokens: f64,
    /// Share of its nation's new chips and datacenters the lab receives under trend strategies.
    pub national_share: f64,
}

/// Longest game the model supports, months (30 years). Its trends (capex, chip supply, prices) are
/// extrapolations of the 2020s: beyond this they stop meaning anything, so longer games are refused.
pub const MAX_HORIZON_MONTHS: u32 = 360;

impl ChipOrigin {
    /// Output `years` after month 0, H100e per year: the growth trend until it meets the fab ceiling.
    pub fn supply_h100e_per_year_at(&self, years: f64) -> f64 {
        (self.supply_h100e_per_year * self.supply_growth_per_year.powf(years))
            .min(self.max_supply_h100e_per_year * self.max_supply_growth_per_year.powf(years))
    }
}

impl Global {
    /// Share of a lab's training FLOP over the run window that goes to its largest run, `years`
    /// after month 0. The rest is experiment compute for research.
    pub fn largest_run_share_at(&self, years: f64) -> f64 {
        (self.largest_run_share * self.largest_run_share_growth_per_year.powf(years))
            .min(self.max_largest_run_share)
    }

    /// Months of training compute the largest run draws on, `years` after month 0: the run window
    /// on its growth trend, at least a month and at most `max_training_run_months`.
    pub fn run_window_months_at(&self, years: f64) -> f64 {
        (self.training_run_months * self.training_run_months_growth_per_year.powf(years))
            .clamp(1.0, self.max_training_run_months.max(1) as f64)
    }

    /// Queries a lab serves per month, `years` after month 0.
    pub fn queries_per_month_at(&self, years: f64) -> f64 {
        self.queries_per_month * self.queries_growth_per_year.powf(years)
    }

    /// World supply of accelerators from every origin, `years` after month 0, H100e per year.
    pub fn chip_supply_h100e_per_year_at(&self, years: f64) -> f64 {
        self.chip_origins
            .iter()
            .map(|o| o.supply_h100e_per_year_at(years))
            .sum()
    }

    /// IT power of an H100e delivered `years` after month 0, kW.
    pub fn chip_it_kw_per_h100e_at(&self, years: f64) -> f64 {
        self.chip_it_kw_per_h100e * (1.0 - self.chip_kw_decline_per_year).powf(years)
    }

    /// World price of an H100e `years` after month 0, USD.
    pub fn chip_cost_usd_per_h100e_at(&self, years: f64) -> f64 {
        self.chip_cost_usd_per_h100e * (1.0 - self.chip_cost_decline_per_year).powf(years)
    }
}

impl NationSpec {
    /// GDP `years` after month 0, USD per year.
    pub fn gdp_usd_at(&self, years: f64) -> f64 {
        self.gdp_usd * (1.0 + self.gdp_growth_per_year).powf(years)
    }

    /// AI capex on its growth trend, capped at `max_ai_capex_gdp_share` of GDP, USD per year.
    pub fn ai_capex_usd_per_year_at(&self, years: f64) -> f64 {
        (self.ai_capex_usd_per_year * self.ai_capex_growth_per_year.powf(years))
            .min(self.max_ai_capex_gdp_share * self.gdp_usd_at(years))
    }

    /// Budget inflow in `month`, USD: AI capex on its growth trend, capped at a share of GDP, plus
    /// energy capex on its trend.
    pub fn inflow_month_usd_at(&self, month: u32) -> f64 {
        let years = month as f64 / MONTHS_PER_YEAR;
        (self.ai_capex_usd_per_year_at(years) + self.energy_capex_usd_per_year_at(years))
            / MONTHS_PER_YEAR
    }

    /// Investment in new generation on its trend, USD per year.
    pub fn energy_capex_usd_per_year_at(&self, years: f64) -> f64 {
        self.energy_capex_usd_per_year * self.energy_capex_growth_per_year.powf(years)
    }
}

impl Scenario {
    pub fn nation_index(&self, id: &str) -> Option<usize> {
        self.nations.iter().position(|n| n.id == id)
    }
    /// Indices of the nations named by `ids`, sorted, without duplicates; unknown ids are skipped
    /// (validation reports them).
    pub fn nation_indices(&self, ids: &[String]) -> Vec<u16> {
        let mut indices: Vec<u16> = ids
            .iter()
            .filter_map(|id| self.nation_index(id))
            .map(|i| i as u16)
            .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
    }
    pub fn lab_index(&self, id: &str) -> Option<usize> {
        self.labs.iter().position(|l| l.id == id)
    }
}

//! The parametric doctrine: a strategy entirely defined by named numbers (money shares, generation
//! mix, behind-the-meter share, compute split, and the months at which each policy lever is pulled).
//! `parametric` exposes it raw; `builder`, `scaler`, `driller`, `algorithmist`, `denier`,
//! `inference-heavy` and `balanced` are presets of it, so every doctrine can be tuned on the same
//! axes and compared like for like.
//!
//! Each month the strategy splits the treasury: `energy_share` for generation (and grid expansion),
//! `compute_share` for chips and datacenters, `research_share` for research; what is left is saved.
//! Plants and datacenters are ordered once a quarter (keeping the number of projects small), chips
//! and research every month.

use gigawatt_engine::Strategy;
use gigawatt_engine::components::DatacenterStage;
use gigawatt_engine::observation::Observation;
use gigawatt_engine::orders::{Order, Orders, PolicyChange, PowerSupply};
use gigawatt_engine::rules;
use gigawatt_engine::scenario::PlantKind;
use rand_chacha::ChaCha8Rng;

use crate::params::{NEVER_MONTH, ParamInfo, Params};
use crate::power::BehindTheMeter;

/// Plants and datacenters are ordered every this many months.
pub const ORDER_EVERY_MONTHS: u32 = 3;
/// Smallest project worth ordering, MW.
const MIN_PROJECT_MW: f64 = 1.0;

/// Every parameter of the doctrine, with the `parametric` defaults.
pub const PARAMS: [ParamInfo; 16] = [
    ParamInfo::share(
        "energy_share",
        0.25,
        "share of the treasury spent on generation and grid each quarter",
    ),
    ParamInfo::share(
        "compute_share",
        0.65,
        "share of the treasury spent on chips and datacenters",
    ),
    ParamInfo::share(
        "research_share",
        0.05,
        "share of the treasury given to the labs' research each month",
    ),
    ParamInfo::share(
        "gas_share",
        0.2,
        "share of generation money on gas plants (the rest follows the trend mix of other kinds)",
    ),
    ParamInfo::share(
        "grid_share",
        0.0,
        "share of generation money spent expanding interconnection throughput",
    ),
    ParamInfo::share(
        "behind_the_meter_share",
        0.0,
        "share of new datacenter capacity built with its own gas turbines, off the grid queue",
    ),
    ParamInfo {
        name: "training_share",
        default: 0.5,
        min: 0.05,
        max: 0.95,
        integer: false,
        doc: "share of the labs' compute spent on training (the rest serves inference)",
    },
    ParamInfo::month(
        "dereg_month",
        NEVER_MONTH,
        "month the nation deregulates (1200 = never)",
    ),
    ParamInfo::share(
        "dereg_level",
        0.3,
        "regulation level after deregulating (1 = today, 0 = none)",
    ),
    ParamInfo::month(
        "leave_accord_month",
        NEVER_MONTH,
        "month the nation leaves the climate accord, unlocking coal",
    ),
    ParamInfo::month(
        "drill_month",
        NEVER_MONTH,
        "month the nation starts drilling for cheaper gas",
    ),
    ParamInfo::month(
        "export_control_month",
        NEVER_MONTH,
        "month the nation imposes export controls on every rival: on the chips it controls, and on critical minerals if it holds a share of them",
    ),
    ParamInfo::month(
        "queue_reform_month",
        NEVER_MONTH,
        "month the nation reforms its interconnection queue (cluster studies)",
    ),
    ParamInfo::share(
        "power_aware",
        1.0,
        "1: buy only the chips the power in sight can run, and site new datacenters behind the meter when the grid is full; 0: buy chips whatever the power",
    ),
    ParamInfo {
        name: "subsidy_share",
        default: 0.0,
        min: 0.0,
        max: 0.5,
        integer: false,
        doc: "share of the monthly budget passed to the labs as subsidy",
    },
    ParamInfo::share(
        "coal_share",
        0.0,
        "share of generation money on coal once out of the climate accord",
    ),
];

/// A preset: the parameters whose default differs from `parametric`'s.
pub fn preset(overrides: &[(&str, f64)]) -> Vec<ParamInfo> {
    PARAMS
        .iter()
        .map(
            |p| match overrides.iter().find(|(name, _)| *name == p.name) {
                Some(&(_, value)) => p.with_default(value),
                None => *p,
            },
        )
        .collect()
}

/// The doctrine with its resolved parameters.
#[derive(Clone, Debug)]
pub struct Doctrine {
    name: String,
    energy_share: f64,
    compute_share: f64,
    research_share: f64,
    gas_share: f64,
    grid_share: f64,
    behind_the_meter_share: f64,
    training_share: f64,
    dereg_month: f64,
    dereg_level: f64,
    leave_accord_month: f64,
    drill_month: f64,
    export_control_month: f64,
    queue_reform_month: f64,
    power_aware: bool,
    subsidy_share: f64,
    coal_share: f64,
}

impl Doctrine {
    pub fn new(strategy: &str, params: &Params) -> Doctrine {
        // Shares that add up to more than the whole are scaled down together.
        let (e, c, r) = (
            params.get("energy_share"),
            params.get("compute_share"),
            params.get("research_share"),
        );
        let scale = (e + c + r).max(1.0);
        Doctrine {
            name: params.spec(strategy),
            energy_share: e / scale,
            compute_share: c / scale,
            research_share: r / scale,
            gas_share: params.get("gas_share"),
            grid_share: params.get("grid_share"),
            behind_the_meter_share: params.get("behind_the_meter_share"),
            training_share: params.get("training_share"),
            dereg_month: params.get("dereg_month"),
            dereg_level: params.get("dereg_level"),
            leave_accord_month: params.get("leave_accord_month"),
            drill_month: params.get("drill_month"),
            export_control_month: params.get("export_control_month"),
            queue_reform_month: params.get("queue_reform_month"),
            power_aware: params.get("power_aware") >= 0.5,
            subsidy_share: params.get("subsidy_share"),
            coal_share: params.get("coal_share"),
        }
    }

    fn policies(&self, obs: &Observation, orders: &mut Orders) {
        let month = obs.month as f64;
        let policy = &obs.own.policy;
        if month >= self.dereg_month && policy.regulation_level != self.dereg_level {
            orders.push(Order::SetPolicy(PolicyChange::RegulationLevel(
                self.dereg_level,
            )));
        }
        if month >= self.leave_accord_month && policy.in_climate_accord {
            orders.push(Order::SetPolicy(PolicyChange::ClimateAccord(false)));
        }
        if month >= self.drill_month && !policy.drilling {
            orders.push(Order::SetPolicy(PolicyChange::Drilling(true)));
        }
        if month >= self.export_control_month {
            let minerals = obs.scenario.nations[obs.nation].critical_mineral_supply_share > 0.0;
            for rival in &obs.rivals {
                if !policy.export_controls_on.contains(&(rival.nation as u16)) {
                    orders.push(Order::SetPolicy(PolicyChange::ExportControls {
                        target: rival.id.clone(),
                        imposed: true,
                    }));
                }
                let controlled = policy
                    .mineral_controls_on
                    .iter()
                    .any(|c| c.target == rival.nation as u16);
                if minerals && !controlled {
                    orders.push(Order::SetPolicy(PolicyChange::MineralExportControls {
                        target: rival.id.clone(),
                        imposed: true,
                    }));
                }
            }
        }
        if month >= self.queue_reform_month && !policy.queue_reform {
            orders.push(Order::SetPolicy(PolicyChange::QueueReform(true)));
        }
        let max_subsidy = obs.scenario.policies.max_subsidy_share;
        let subsidy = self.subsidy_share.min(max_subsidy);
        if policy.lab_subsidy_share != subsidy {
            orders.push(Order::SetPolicy(PolicyChange::LabSubsidy(subsidy)));
        }
        for lab in &obs.labs {
            if lab.training_share != self.training_share {
                orders.push(Order::SetComputeSplit {
                    lab: lab.index,
                    training_share: self.training_share,
                });
            }
        }
    }

    /// Generation: grid expansion, gas, coal once allowed, and the nation's trend mix of the rest.
    fn generation(&self, obs: &Observation, money: f64, orders: &mut Orders) -> f64 {
        let scenario = &obs.scenario;
        let spec = &scenario.nations[obs.nation];
        let mut spent = 0.0;
        let grid_money = money * self.grid_share;
        let mw_per_month = grid_money / rules::grid_expansion_capex_usd_per_mw_month(scenario);
        if mw_per_month >= MIN_PROJECT_MW {
            orders.push(Order::ExpandGrid { mw_per_month });
            spent += grid_money;
        }
        let plant_money = money - grid_money;
        let coal_allowed =
            !obs.own.policy.in_climate_accord || obs.month as f64 >= self.leave_accord_month;
        let coal_share = if coal_allowed {
            self.coal_share.min(1.0 - self.gas_share)
        } else {
            0.0
        };
        let gas_money = plant_money * self.gas_share;
        let coal_money = plant_money * coal_share;
        let rest_money = plant_money - gas_money - coal_money;
        let mut starts_left = obs.own.starts_left_mw;

        // Gas goes first to turbines behind the meter of datacenters that lack their own power.
        let btm_spent = self.turbines_behind_the_meter(obs, gas_money, &mut starts_left, orders);
        spent += btm_spent;
        let grid_gas = gas_money - btm_spent;
        let mut targets: Vec<(PlantKind, f64)> = Vec::new();
        // Grid gas: half combined cycle (cheaper to run), half turbines (faster to build).
        targets.push((PlantKind::GasCombinedCycle, grid_gas / 2.0));
        targets.push((PlantKind::GasTurbine, grid_gas / 2.0));
        targets.push((PlantKind::Coal, coal_money));
        let others = [
            PlantKind::Solar,
            PlantKind::Wind,
            PlantKind::Battery,
            PlantKind::Nuclear,
            PlantKind::Hydro,
        ];
        let trend_total: f64 = others
            .iter()
            .map(|&k| spec.plants.get(k).trend_additions_mw_per_year)
            .sum();
        for k in others {
            let weight = if trend_total > 0.0 {
                spec.plants.get(k).trend_additions_mw_per_year / trend_total
            } else {
                0.2
            };
            targets.push((k, rest_money * weight));
        }
        for (kind, usd) in targets {
            let per_mw = rules::plant_capex_usd_per_mw(scenario, obs.nation, kind, false);
            let mw = (usd / per_mw).min(starts_left[kind.index()]);
            if mw >= MIN_PROJECT_MW && per_mw > 0.0 {
                orders.push(Order::BuildPlant {
                    kind,
                    capacity_mw: mw,
                    dedicated_to: None,
                });
                starts_left[kind.index()] -= mw;
                spent += mw * per_mw;
            }
        }
        spent
    }

    /// Plants behind the meter of datacenters that lack their own firm power, within `money`: gas
    /// turbines first (fastest), then combined cycle, then coal once out of the accord, as equipment
    /// supply allows.
    fn turbines_behind_the_meter(
        &self,
        obs: &Observation,
        money: f64,
        starts_left: &mut [f64; PlantKind::COUNT],
        orders: &mut Orders,
    ) -> f64 {
        let coal_allowed =
            !obs.own.policy.in_climate_accord || obs.month as f64 >= self.leave_accord_month;
        let gas = [PlantKind::GasTurbine, PlantKind::GasCombinedCycle];
        let gas_and_coal = [
            PlantKind::GasTurbine,
            PlantKind::GasCombinedCycle,
            PlantKind::Coal,
        ];
        let kinds: &[PlantKind] = if coal_allowed { &gas_and_coal } else { &gas };
        let mut spent = 0.0;
        BehindTheMeter::new(obs, kinds).order_for_dedicated(
            obs,
            money,
            &mut spent,
            starts_left,
            orders,
        );
        spent
    }

    /// Chips every month; datacenters (grid and behind the meter) and their turbines every quarter.
    fn compute(&self, obs: &Observation, money: f64, quarter: bool, orders: &mut Orders) -> f64 {
        let g = &obs.scenario.global;
        let share_sum: f64 = obs.labs.iter().map(|l| l.national_share).sum();
        if share_sum <= 0.0 {
            return 0.0;
        }
        let kw = obs.curves.global(obs.month).chip_it_kw_per_h100e;
        let dc_usd_per_h100e = kw / 1_000.0 * rules::datacenter_capex_usd_per_mw(&obs.scenario);
        let per_h100e = obs.own.chip_price_usd_per_h100e + dc_usd_per_h100e;
        let affordable = (obs.own.chips_available_h100e * crate::status_quo::CHIP_MARGIN)
            .min(money / per_h100e)
            .max(0.0);
        let h100e = if self.power_aware {
            affordable.min(crate::power::PowerOutlook::of(obs).powerable_h100e())
        } else {
            affordable
        };
        // When power binds, new datacenters are built behind the meter (their turbines come out of
        // the gas money) and sized for the chips the treasury could buy.
        let power_bound = self.power_aware && h100e < affordable;
        let mut spent = 0.0;
        let look_ahead = g.datacenter_build_months as f64 + ORDER_EVERY_MONTHS as f64;
        for lab in &obs.labs {
            let buy = (h100e * lab.national_share / share_sum)
                .min((money - spent).max(0.0) / obs.own.chip_price_usd_per_h100e);
            if buy >= 1.0 {
                orders.push(Order::OrderChips {
                    lab: lab.index,
                    h100e: buy,
                });
                spent += buy * obs.own.chip_price_usd_per_h100e;
            }
            if !quarter {
                continue;
            }
            let building: f64 = obs
                .datacenters
                .iter()
                .filter(|d| d.lab == lab.index && d.stage != DatacenterStage::Online)
                .map(|d| d.it_mw)
                .sum();
            let it_mw = lab.grid_it_mw + lab.dedicated_it_mw + building;
            let rate = if power_bound {
                affordable * lab.national_share / share_sum
            } else {
                buy
            };
            let needed = (lab.h100e + lab.h100e_on_order + rate * (1.0 + look_ahead))
                * lab.it_kw_per_h100e.max(kw)
                / 1_000.0;
            let gap = needed - it_mw;
            if gap > MIN_PROJECT_MW {
                let btm_share = if power_bound {
                    1.0
                } else {
                    self.behind_the_meter_share
                };
                let dedicated = gap * btm_share;
                for (mw, supply) in [
                    (gap - dedicated, PowerSupply::Grid),
                    (dedicated, PowerSupply::Dedicated),
                ] {
                    let mw = mw.min(
                        (money - spent).max(0.0)
                            / rules::datacenter_capex_usd_per_mw(&obs.scenario),
                    );
                    if mw > MIN_PROJECT_MW {
                        orders.push(Order::BuildDatacenter {
                            lab: lab.index,
                            it_mw: mw,
                            supply,
                        });
                        spent += mw * rules::datacenter_capex_usd_per_mw(&obs.scenario);
                    }
                }
            }
        }
        spent
    }
}

impl Strategy for Doctrine {
    fn name(&self) -> String {
        self.name.clone()
    }

    /// Of the plants it reads only those behind the meter ([`crate::power::PowerOutlook`]).
    fn reads_grid_plants(&self) -> bool {
        false
    }

    fn decide(&mut self, obs: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        let mut orders = Orders::none();
        self.policies(obs, &mut orders);
        let treasury = obs.own.treasury_usd.max(0.0);
        let quarter = obs.month.is_multiple_of(ORDER_EVERY_MONTHS);
        let mut spent = 0.0;
        if quarter {
            spent += self.generation(obs, treasury * self.energy_share, &mut orders);
        }
        spent += self.compute(
            obs,
            (treasury * self.compute_share).min(treasury - spent),
            quarter,
            &mut orders,
        );
        let research = (treasury * self.research_share).min(treasury - spent);
        let share_sum: f64 = obs.labs.iter().map(|l| l.national_share).sum();
        if research > 0.0 && share_sum > 0.0 {
            for lab in &obs.labs {
                let usd = research * lab.national_share / share_sum;
                if usd >= 1.0 {
                    orders.push(Order::FundResearch {
                        lab: lab.index,
                        usd,
                    });
                }
            }
        }
        orders
    }
}

//! Calibration: under `status-quo` vs `status-quo` on the default scenario the first simulated years
//! must look like the real ones. Each target names its source (details in data/SOURCES.md) and a
//! stated tolerance; every check runs over several seeds, since construction overruns are random.

use std::sync::Arc;

use gigawatt_engine::{Match, Outcome, Scenario, TraceRow};

const SEEDS: [u64; 4] = [0, 1, 2, 3];

fn scenario() -> Arc<Scenario> {
    let e = gigawatt_data::scenario("us-china-2025").expect("embedded");
    Arc::new(gigawatt_engine::parse_scenario(e.file, e.source).expect("valid"))
}

struct Run {
    outcome: Outcome,
    trace: Vec<TraceRow>,
}

fn status_quo(seed: u64) -> Run {
    let seats = vec![
        gigawatt_agents::build("status-quo").unwrap(),
        gigawatt_agents::build("status-quo").unwrap(),
    ];
    let mut m = Match::new(scenario(), seats, seed).expect("match");
    m.record_trace();
    let outcome = m.run();
    Run {
        outcome,
        trace: m.trace().to_vec(),
    }
}

fn row<'a>(run: &'a Run, nation: &str, month: u32) -> &'a TraceRow {
    run.trace
        .iter()
        .find(|r| r.nation == nation && r.month == month)
        .expect("month played")
}

fn within(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value:.4e}, expected between {low:.4e} and {high:.4e}"
    );
}

#[test]
fn first_year_capacity_additions_match_eia_and_nea() {
    for seed in SEEDS {
        let run = status_quo(seed);
        // EIA: 48.6 GW added in 2024, 63–64 GW planned for 2025. Tolerance: 45–75 GW.
        within(
            "US additions 2025 (GW)",
            row(&run, "usa", 11).capacity_built_gw,
            45.0,
            75.0,
        );
        // NEA/CEC: ~430 GW added in 2024. Tolerance ±30%: 300–560 GW.
        within(
            "China additions 2025 (GW)",
            row(&run, "chn", 11).capacity_built_gw,
            300.0,
            560.0,
        );
        // The fleets start where EIA-860M and NEA put them: US utility-scale ~1,160–1,230 GW (up to
        // ~1,330 GW nameplate with small-scale solar), China ~3,350 GW (±5%).
        within(
            "US fleet (GW)",
            row(&run, "usa", 0).generation_capacity_gw,
            1_100.0,
            1_365.0,
        );
        within(
            "China fleet (GW)",
            row(&run, "chn", 0).generation_capacity_gw,
            3_180.0,
            3_520.0,
        );
    }
}

#[test]
fn us_interconnection_wait_is_about_55_months() {
    // LBNL Queued Up: median 55 months from request to operation (COD-2024 cohort). Tolerance ±20%.
    for seed in SEEDS {
        let run = status_quo(seed);
        let usa = run.outcome.nations.iter().find(|n| n.id == "usa").unwrap();
        let wait = usa
            .mean_interconnection_wait_months
            .expect("US plants connected within the game");
        within("US mean wait (months)", wait, 44.0, 66.0);
        // China connects in months, not years.
        let chn = run.outcome.nations.iter().find(|n| n.id == "chn").unwrap();
        within(
            "China mean wait (months)",
            chn.mean_interconnection_wait_months.expect("connected"),
            1.0,
            18.0,
        );
    }
}

#[test]
fn frontier_training_compute_grows_four_to_five_times_a_year() {
    // Epoch AI: frontier training compute grows 4–5×/yr. The 2025 frontier is a few times 1e26 FLOP.
    // Tolerance: 3.5–5.5×/yr over 2025→2026 and 2026→2027; 2025 frontier 2e26–3e27 FLOP.
    for seed in SEEDS {
        let run = status_quo(seed);
        let frontier = |m: u32| {
            row(&run, "usa", m)
                .largest_run_flop
                .max(row(&run, "chn", m).largest_run_flop)
        };
        within("frontier run Dec 2025 (FLOP)", frontier(11), 2e26, 3e27);
        within("growth 2025→2026", frontier(23) / frontier(11), 3.5, 5.5);
        within("growth 2026→2027", frontier(35) / frontier(23), 3.5, 5.5);
    }
}

#[test]
fn ai_capex_and_compute_shares_match_2025() {
    for seed in SEEDS {
        let run = status_quo(seed);
        // Hyperscaler capex $416B in 2025 (Big-4, incl. non-AI); AI datacenter spend ~75% of the
        // world's $400B (AI 2027). US chips + datacenters paid in 2025: $250–450B.
        let us_capex: f64 = run
            .trace
            .iter()
            .filter(|r| r.nation == "usa" && r.year == 2025)
            .map(|r| r.ai_capex_usd)
            .sum();
        within("US AI capex 2025 (USD)", us_capex, 2.5e11, 4.5e11);
        // AI 2027: China holds ~12–15% of world AI compute; allow 6–20% through 2026.
        for month in [11, 23] {
            let (us, cn) = (row(&run, "usa", month).h100e, row(&run, "chn", month).h100e);
            within("China share of H100e", cn / (us + cn), 0.06, 0.20);
        }
        // US grid datacenters are fully powered in 2025.
        within(
            "US powered fraction Dec 2025",
            row(&run, "usa", 11).datacenter_powered_fraction,
            0.999,
            1.0,
        );
    }
}

#[test]
fn status_quo_does_not_reach_superintelligence_before_2029() {
    // Davidson's compute-centric model puts full automation around 1e36 FLOP with 2022 algorithms;
    // on 2024–2025 trends that is the early 2030s, not the 2020s.
    for seed in SEEDS {
        let run = status_quo(seed);
        for n in &run.outcome.nations {
            if let Some(month) = n.asi_month {
                assert!(month >= 48, "{} reached ASI in month {month}", n.id);
            }
        }
    }
}

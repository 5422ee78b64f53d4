//! Criterion benchmarks: one turn, and one full default game (status-quo vs status-quo, 120 months or
//! until superintelligence).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use gigawatt_engine::{Match, Scenario};

fn scenario() -> Arc<Scenario> {
    let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
    Arc::new(gigawatt_engine::parse_scenario(e.file, e.source).expect("valid"))
}

fn seats() -> Vec<Box<dyn gigawatt_engine::Strategy>> {
    vec![
        gigawatt_agents::build("status-quo").unwrap(),
        gigawatt_agents::build("status-quo").unwrap(),
    ]
}

fn benches(c: &mut Criterion) {
    let sc = scenario();
    c.bench_function("game/us-china-2025/status-quo-vs-status-quo", |b| {
        let mut seed = 0u64;
        b.iter(|| {
            seed += 1;
            let mut m = Match::new(sc.clone(), seats(), seed).unwrap();
            black_box(m.run())
        })
    });
    c.bench_function("game/setup-only", |b| {
        b.iter(|| black_box(Match::new(sc.clone(), seats(), 1).unwrap()))
    });
    // One turn in mid-game (month 36), when the most projects are in flight.
    let mut m = Match::new(sc.clone(), seats(), 1).unwrap();
    for _ in 0..36 {
        m.step();
    }
    let mid = m.snapshot();
    c.bench_function("tick/month-36", |b| {
        b.iter_batched(
            || Match::restore(sc.clone(), seats(), &mid).unwrap(),
            |mut m| black_box(m.step()),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(game, benches);
criterion_main!(game);

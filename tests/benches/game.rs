//! Criterion benchmarks: one turn, and one full default game (status-quo vs status-quo, 120 months or
//! until superintelligence), built fresh (on the world and schedule a dropped match left to its
//! thread), built cold on a new thread, or on a reused match.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use gigawatt_engine::{Match, Scenario};

fn scenario() -> Arc<Scenario> {
    gigawatt_engine::testing::default_scenario()
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
    // How a tournament plays: one match per thread, reset for every game.
    c.bench_function(
        "game/us-china-2025/status-quo-vs-status-quo/reused-match",
        |b| {
            let mut m = Match::new(sc.clone(), seats(), 0).unwrap();
            let mut seed = 0u64;
            b.iter(|| {
                seed += 1;
                m.reset(seats(), seed).unwrap();
                black_box(m.run())
            })
        },
    );
    // Cold: each game on a new thread, which has no world and schedule left by a dropped match to
    // build on (includes spawning the thread, ~10-20 µs).
    c.bench_function(
        "game/us-china-2025/status-quo-vs-status-quo/new-thread",
        |b| {
            let mut seed = 0u64;
            b.iter(|| {
                seed += 1;
                let sc = sc.clone();
                std::thread::spawn(move || {
                    let mut m = Match::new(sc, seats(), seed).unwrap();
                    black_box(m.run())
                })
                .join()
                .unwrap()
            })
        },
    );
    // The lookahead strategy (snapshots and simulates ahead every few months): its whole game.
    let mut slow = c.benchmark_group("game/us-china-2025/lookahead-vs-status-quo");
    slow.sample_size(10);
    slow.bench_function("fresh", |b| {
        let mut seed = 0u64;
        b.iter(|| {
            seed += 1;
            let seats = vec![
                gigawatt_agents::build("lookahead").unwrap(),
                gigawatt_agents::build("status-quo").unwrap(),
            ];
            let mut m = Match::new(sc.clone(), seats, seed).unwrap();
            black_box(m.run())
        })
    });
    slow.finish();
    c.bench_function("game/setup-only", |b| {
        b.iter(|| black_box(Match::new(sc.clone(), seats(), 1).unwrap()))
    });
    // One turn in mid-game (month 36), when the most projects are in flight: a reused match is
    // reset and played to month 36 outside the timing, then one turn is timed.
    c.bench_function("tick/month-36", |b| {
        let mut m = Match::new(sc.clone(), seats(), 1).unwrap();
        b.iter_custom(|iterations| {
            let mut total = std::time::Duration::ZERO;
            for _ in 0..iterations {
                m.reset(seats(), 1).unwrap();
                for _ in 0..36 {
                    m.step();
                }
                let start = std::time::Instant::now();
                black_box(m.step());
                total += start.elapsed();
            }
            total
        })
    });
}

criterion_group!(game, benches);
criterion_main!(game);

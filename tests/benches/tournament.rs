//! Criterion benchmark of tournament throughput: the default tournament's plan (every non-slow
//! built-in, round robin, us-china-2025), one round of seeds, played on a rayon pool of 1 and 2
//! threads with one reused match per worker, without file output.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gigawatt_arena::tournament::Format;
use gigawatt_arena::tournament::plan::plan;
use gigawatt_arena::tournament::run::{MatchCache, play_game};
use rayon::prelude::*;

fn benches(c: &mut Criterion) {
    let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
    let scenario = Arc::new(gigawatt_engine::parse_scenario(e.file, e.source).expect("valid"));
    let strategies: Vec<String> = gigawatt_agents::default_set()
        .iter()
        .map(|s| s.to_string())
        .collect();
    let games = plan(
        &[scenario.nations.len()],
        &strategies,
        &Format::RoundRobin,
        1,
        0,
    );
    let scenarios = vec![scenario];
    let mut group = c.benchmark_group("tournament");
    group.throughput(Throughput::Elements(games.len() as u64));
    group.sample_size(10);
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(format!("default-round/{threads}-threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    games
                        .par_iter()
                        .map_init(MatchCache::default, |cache, g| {
                            play_game(g, &scenarios, None, cache)
                                .map(|r| r.months_played)
                                .unwrap_or(0)
                        })
                        .sum::<u32>()
                })
            });
        });
    }
    group.finish();
    black_box(&games);
}

criterion_group!(tournament, benches);
criterion_main!(tournament);

//! A tuning run: the search (a checkpoint after every generation), the finalists on fresh seeds,
//! and the final report on held-out seeds, written into the run's directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::data::write_atomic;
use crate::error::{Context, Result, bail, invalid};
use gigawatt_agents::spec::format_number;
use serde::{Deserialize, Serialize};

use super::config::{self, OptimiserConfig, Resolved, Scale, TuneConfig};
use super::evaluate::{Evaluator, FINALIST_STAGE, HELD_OUT_STAGE, fresh_seeds, mean, world_seed};
use super::optimise::{CmaEs, Optimiser, OptimiserState, RandomSearch, fitness};
use super::stats::Estimate;
use super::worlds::{HELD_OUT_WORLDS_FILE, TuneWorlds, WORLDS_FILE, held_out_world_seed};
use crate::table::{Align, Table};

pub const CONFIG_FILE: &str = "config.ron";
pub const CHECKPOINT_FILE: &str = "checkpoint.ron";
pub const HISTORY_FILE: &str = "history.csv";
pub const BEST_FILE: &str = "best.ron";
pub const SUMMARY_FILE: &str = "summary.txt";
pub const FINALISTS_FILE: &str = "finalists.csv";
pub const HELD_OUT_FILE: &str = "held_out.csv";

/// Largest checkpoint read, bytes: a million evaluations (the most a configuration may ask for)
/// of a few hundred bytes each.
const MAX_CHECKPOINT_FILE_BYTES: u64 = 1 << 30;

/// Version of the checkpoint format.
pub const CHECKPOINT_VERSION: u32 = 1;

/// Stage whose seed index 0 seeds the optimiser's own random stream.
const OPTIMISER_STAGE: u64 = (1 << 62) + 2;

/// One candidate evaluated during the search: a row of `history.csv`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub evaluation: u64,
    pub generation: u64,
    /// The searched parameters' values, in the order of the space.
    pub values: Vec<f64>,
    /// The canonical spec played.
    pub spec: String,
    /// Mean score over the generation's seeds.
    pub score: f64,
}

/// The state after a whole generation: what `--resume` continues from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub version: u32,
    /// Generations completed.
    pub generations: u64,
    /// Every evaluation so far, in order.
    pub evaluations: Vec<Evaluation>,
    /// The optimiser: CMA-ES's log of generations told (replayed), or random search's stream
    /// position.
    pub optimiser: OptimiserState,
    /// Sampled worlds the search played in (absent: the scenarios' central values; checkpoints
    /// written before worlds existed have neither field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worlds: Option<u32>,
    /// [`TuneWorlds::fingerprint`] of those worlds: a checkpoint is refused if the scenarios'
    /// distributions have changed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worlds_fingerprint: Option<u64>,
}

/// Refuse a checkpoint that does not hold together (edited or damaged): its evaluations must be
/// numbered 0, 1, 2, ... in order, their generations must not go back, and its `generations` must
/// be the number of generations they are of, no more than the search plans (`planned`). Resuming
/// one that does not would skip generations, or play some twice, without a word.
fn check_checkpoint(c: &Checkpoint, planned: u64) -> Result<(), String> {
    let mut previous = 0;
    for (i, e) in c.evaluations.iter().enumerate() {
        if e.evaluation != i as u64 {
            return Err(format!(
                "evaluation {} is listed at place {i}: the checkpoint was edited or is damaged; \
                 delete it (and start the search again) or restore it",
                e.evaluation
            ));
        }
        if e.generation < previous {
            return Err(format!(
                "evaluation {i} is of generation {} after one of generation {previous}: the \
                 checkpoint was edited or is damaged; delete it or restore it",
                e.generation
            ));
        }
        previous = e.generation;
    }
    let of = c.evaluations.last().map_or(0, |e| e.generation + 1);
    if c.generations != of || c.generations > planned {
        return Err(format!(
            "it says {} generations are done, but its evaluations are of {of} (and the search plans \
             {planned}): the checkpoint was edited or is damaged; delete it (and start the search \
             again) or restore it",
            c.generations
        ));
    }
    Ok(())
}

/// Options of one run that do not change its results.
pub struct RunOptions {
    pub threads: Option<usize>,
    pub resume: bool,
    /// Polled between generations and stages: once requested, the generation in progress finishes
    /// and is checkpointed, and the run returns [`crate::error::Error::Stopped`].
    pub stop: crate::signals::Stop,
}

/// Progress of a tuning run, counted in games. Worker threads report the games they finish, so the
/// methods take `&self`.
pub trait Progress: Sync {
    /// The games the whole run plays (an earlier, resumed part included).
    fn set_total(&self, _games: u64) {}
    /// Games already done: those of the part of the run a resume skips.
    fn set_done(&self, _games: u64) {}
    /// `games` more done.
    fn games_done(&self, _games: u64) {}
    /// What the run is doing: the best candidate so far, `finalists`, `held-out seeds`.
    fn stage(&self, _text: &str) {}
    /// The run is over.
    fn finish(&self) {}
}

/// No progress shown.
pub struct NoProgress;

impl Progress for NoProgress {}

/// A finalist, re-evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Finalist {
    pub evaluation: u64,
    pub spec: String,
    pub search_score: f64,
    pub score: f64,
}

/// Tuned against default on the held-out seeds, against one set of opponents.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub opponents: Vec<String>,
    pub games: usize,
    pub tuned: Estimate,
    pub default: Estimate,
    pub difference: Estimate,
}

/// What a run found.
#[derive(Clone, Debug)]
pub struct Report {
    pub best: Finalist,
    pub finalists: Vec<Finalist>,
    pub evaluations: usize,
    pub generations: u64,
    /// Why the optimiser stopped before the budget, if it did.
    pub stopped: Option<String>,
    pub finalist_seeds: usize,
    pub held_out_seeds: usize,
    pub pool: Comparison,
    pub held_out: Option<Comparison>,
    /// Sampled worlds (search, held-out), when the run had them.
    pub worlds: Option<(u32, u32)>,
    pub seconds: f64,
    pub summary: String,
    pub dir: PathBuf,
}

/// `history.csv`: `evaluation,generation,<param1>,...,score,seeds`, and with sampled worlds a last
/// column `worlds`: the worlds its seeds played in, in seed order, separated by spaces.
pub fn history_csv(
    resolved: &Resolved,
    seeds: u64,
    worlds: Option<&TuneWorlds>,
    evaluations: &[Evaluation],
) -> String {
    let mut w = crate::data::record_writer(Vec::new());
    let mut header = vec!["evaluation".to_string(), "generation".to_string()];
    header.extend(resolved.dims.iter().map(|d| d.name.clone()));
    header.extend(["score".to_string(), "seeds".to_string()]);
    if worlds.is_some() {
        header.push("worlds".to_string());
    }
    // Writing into memory cannot fail.
    w.write_record(&header).expect("CSV in memory");
    for e in evaluations {
        let mut record = vec![e.evaluation.to_string(), e.generation.to_string()];
        record.extend(e.values.iter().map(f64::to_string));
        record.extend([e.score.to_string(), seeds.to_string()]);
        if let Some(w) = worlds {
            let list: Vec<String> = w
                .search_worlds(e.generation, seeds)
                .iter()
                .map(u32::to_string)
                .collect();
            record.push(list.join(" "));
        }
        w.write_record(&record).expect("CSV in memory");
    }
    crate::data::into_text(w).expect("CSV in memory")
}

fn optimiser_for(
    config: &TuneConfig,
    dims: usize,
    state: Option<OptimiserState>,
) -> Result<Box<dyn Optimiser>> {
    let seed = world_seed(config.seed, OPTIMISER_STAGE, 0);
    Ok(match (&config.optimiser, state) {
        (
            OptimiserConfig::Cmaes {
                population, sigma, ..
            },
            state,
        ) => {
            let cma = CmaEs::new(dims, *population, *sigma, seed);
            match state {
                None => Box::new(cma),
                Some(OptimiserState::Cmaes { told }) => Box::new(cma.with_told(told)),
                Some(_) => bail!("the checkpoint holds another optimiser's state"),
            }
        }
        (OptimiserConfig::Random { batch, .. }, state) => {
            let random = RandomSearch::new(dims, *batch, seed);
            match state {
                None => Box::new(random),
                Some(OptimiserState::Random { rng }) => Box::new(random.with_rng(&rng)),
                Some(_) => bail!("the checkpoint holds another optimiser's state"),
            }
        }
    })
}

/// Run (or resume) the tuning described by `config` into `dir`. The results (every file but the
/// timing printed beside them) are identical whatever the thread count, and whether or not the run
/// was interrupted and resumed.
pub fn run(
    config: &TuneConfig,
    resolved: &Resolved,
    dir: &Path,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Report> {
    let started = Instant::now();
    // Drawn (and every world checked) before anything is written.
    let worlds = TuneWorlds::draw(config, resolved)?;
    let worlds_fingerprint = worlds.as_ref().map(TuneWorlds::fingerprint);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let config_path = dir.join(CONFIG_FILE);
    let checkpoint_path = dir.join(CHECKPOINT_FILE);
    if config_path.exists() {
        if !options.resume {
            bail!(
                "{} already holds a tuning run; pass --resume to continue it, or choose another --out",
                dir.display()
            );
        }
        let existing = config::read(&config_path)?;
        if existing != *config {
            bail!(
                "--resume: {} was made with another configuration:\n{}\nthis run:\n{}",
                config_path.display(),
                config::pretty(&existing),
                config::pretty(config)
            );
        }
    }
    write_atomic(&config_path, &config::pretty(config))?;

    let checkpoint: Option<Checkpoint> = if options.resume && checkpoint_path.exists() {
        let text = crate::inputs::read_text_bounded(&checkpoint_path, MAX_CHECKPOINT_FILE_BYTES)
            .with_context(|| format!("cannot read {}", checkpoint_path.display()))?;
        let c: Checkpoint = ron::from_str(&text)
            .map_err(|e| invalid!("{}:{}: {}", checkpoint_path.display(), e.span.start, e.code))?;
        if c.version != CHECKPOINT_VERSION {
            bail!(
                "{}: checkpoint version {} (this gigawatt writes {CHECKPOINT_VERSION})",
                checkpoint_path.display(),
                c.version
            );
        }
        check_checkpoint(&c, config.optimiser.generations())
            .map_err(|e| invalid!("{}: {e}", checkpoint_path.display()))?;
        let show =
            |w: Option<u32>| w.map_or("none (central values)".to_string(), |n| n.to_string());
        if c.worlds != config.worlds {
            bail!(
                "{}: the checkpoint was made over sampled worlds {}, this configuration asks for {}; \
                 choose another --out",
                checkpoint_path.display(),
                show(c.worlds),
                show(config.worlds)
            );
        }
        if c.worlds_fingerprint != worlds_fingerprint {
            bail!(
                "{}: the checkpoint was made in other sampled worlds (the scenarios' distributions \
                 have changed since); choose another --out",
                checkpoint_path.display()
            );
        }
        Some(c)
    } else {
        None
    };
    if let Some(w) = &worlds {
        write_atomic(&dir.join(WORLDS_FILE), &w.search.csv())?;
        write_atomic(&dir.join(HELD_OUT_WORLDS_FILE), &w.held_out.csv())?;
    }

    let pool = {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = options.threads {
            builder = builder.num_threads(n);
        }
        builder
            .build()
            .map_err(|e| invalid!("cannot start {} threads: {e}", options.threads.unwrap_or(0)))?
    };
    let master = config.seed;
    let budget = config.optimiser.budget();
    let generations_planned = config.optimiser.generations();
    let evaluator = Evaluator {
        scenarios: &resolved.scenarios,
        seats: &resolved.seats,
        months: config.months,
        pool: &pool,
        progress,
    };
    let per_seed_pool = evaluator.games_per_seed(resolved.pool.len()) as u64;
    let per_seed_held_out = evaluator.games_per_seed(resolved.held_out.len()) as u64;
    let finalists_planned = (config.finalists as u64).min(budget);
    progress.set_total(
        budget * config.seeds * per_seed_pool
            + finalists_planned * config.finalist_seeds * per_seed_pool
            + 2 * config.held_out_seeds * (per_seed_pool + per_seed_held_out),
    );

    // The search.
    let (mut generation, mut evaluations, state) = match checkpoint {
        Some(c) => (c.generations, c.evaluations, Some(c.optimiser)),
        None => (0, Vec::new(), None),
    };
    let mut optimiser = optimiser_for(config, resolved.dims.len(), state)?;
    write_atomic(
        &dir.join(HISTORY_FILE),
        &history_csv(resolved, config.seeds, worlds.as_ref(), &evaluations),
    )?;
    progress.set_done(evaluations.len() as u64 * config.seeds * per_seed_pool);
    let best_message = |evaluations: &[Evaluation], generation: u64| {
        let best = evaluations
            .iter()
            .map(|e| e.score)
            .fold(f64::NEG_INFINITY, f64::max);
        format!("generation {generation}/{generations_planned}, best score {best:.3}")
    };
    if !evaluations.is_empty() {
        progress.stage(&best_message(&evaluations, generation));
    }
    let stopped_at = |generation: u64| -> Result<()> {
        match options.stop.requested() {
            Some(signal) => Err(crate::error::Error::Stopped {
                signal,
                kept: format!(
                    "{generation} of {generations_planned} generations are in {}",
                    checkpoint_path.display()
                ),
            }),
            None => Ok(()),
        }
    };
    while generation < generations_planned {
        stopped_at(generation)?;
        let mut points = optimiser.ask().map_err(|e| invalid!("{e}"))?;
        if points.is_empty() {
            break;
        }
        points.truncate((budget - evaluations.len() as u64) as usize);
        let values: Vec<Vec<f64>> = points.iter().map(|p| resolved.values(p)).collect();
        let specs: Vec<String> = values
            .iter()
            .map(|v| resolved.spec(v))
            .collect::<Result<_>>()?;
        // A generation's duplicates (whole numbers round alike) play once: same seeds, same games.
        let mut unique: Vec<String> = Vec::new();
        for s in &specs {
            if !unique.contains(s) {
                unique.push(s.clone());
            }
        }
        let seeds: Vec<u64> = (0..config.seeds)
            .map(|i| world_seed(master, generation, i))
            .collect();
        let generation_worlds = worlds
            .as_ref()
            .map(|w| (&w.search, w.search_worlds(generation, config.seeds)));
        let per_seed = evaluator.evaluate(
            &unique,
            &resolved.pool,
            &seeds,
            generation_worlds.as_ref().map(|(w, k)| (*w, k.as_slice())),
        )?;
        progress.games_done((specs.len() - unique.len()) as u64 * config.seeds * per_seed_pool);
        let scores: Vec<f64> = specs
            .iter()
            .map(|s| mean(&per_seed[unique.iter().position(|u| u == s).unwrap_or(0)]))
            .collect();
        let fit: Vec<f64> = points
            .iter()
            .zip(&scores)
            .map(|(p, &s)| fitness(p, s))
            .collect();
        for ((values, spec), score) in values.into_iter().zip(specs).zip(scores) {
            evaluations.push(Evaluation {
                evaluation: evaluations.len() as u64,
                generation,
                values,
                spec,
                score,
            });
        }
        optimiser.tell(points, fit);
        generation += 1;
        let checkpoint = Checkpoint {
            version: CHECKPOINT_VERSION,
            generations: generation,
            evaluations: evaluations.clone(),
            optimiser: optimiser.state(),
            worlds: config.worlds,
            worlds_fingerprint,
        };
        // One evaluation or generation per line.
        let text = ron::ser::to_string_pretty(
            &checkpoint,
            ron::ser::PrettyConfig::default().depth_limit(2),
        )
        .map_err(|e| invalid!("cannot write the checkpoint: {e}"))?;
        write_atomic(&checkpoint_path, &text)?;
        write_atomic(
            &dir.join(HISTORY_FILE),
            &history_csv(resolved, config.seeds, worlds.as_ref(), &evaluations),
        )?;
        progress.stage(&best_message(&evaluations, generation));
    }
    let stopped = optimiser.stopped().map(str::to_string);
    if evaluations.is_empty() {
        bail!("the search made no evaluation");
    }
    let search_seeds: Vec<u64> = (0..generation)
        .flat_map(|g| (0..config.seeds).map(move |i| world_seed(master, g, i)))
        .collect();

    // Finalists: the best distinct candidates of the search, re-evaluated on fresh seeds.
    stopped_at(generation)?;
    progress.stage("finalists");
    let mut ranked: Vec<&Evaluation> = evaluations.iter().collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.evaluation.cmp(&b.evaluation))
    });
    let mut finalists: Vec<&Evaluation> = Vec::new();
    for e in ranked {
        if finalists.len() == config.finalists {
            break;
        }
        if !finalists.iter().any(|f| f.spec == e.spec) {
            finalists.push(e);
        }
    }
    let finalist_seeds = fresh_seeds(master, FINALIST_STAGE, config.finalist_seeds, &search_seeds);
    let finalist_specs: Vec<String> = finalists.iter().map(|f| f.spec.clone()).collect();
    let finalist_worlds = worlds
        .as_ref()
        .map(|w| (&w.search, w.finalist_worlds(finalist_seeds.len())));
    let per_seed = evaluator.evaluate(
        &finalist_specs,
        &resolved.pool,
        &finalist_seeds,
        finalist_worlds.as_ref().map(|(w, k)| (*w, k.as_slice())),
    )?;
    let finalists: Vec<Finalist> = finalists
        .iter()
        .zip(&per_seed)
        .map(|(e, s)| Finalist {
            evaluation: e.evaluation,
            spec: e.spec.clone(),
            search_score: e.score,
            score: mean(s),
        })
        .collect();
    // The best by the fresh seeds; ties go to the better search score (the earlier finalist).
    let mut best = finalists[0].clone();
    for f in &finalists[1..] {
        if f.score > best.score {
            best = f.clone();
        }
    }

    // The final report: tuned against default on seeds used nowhere else.
    progress.stage("held-out seeds");
    let used: Vec<u64> = search_seeds
        .iter()
        .chain(&finalist_seeds)
        .copied()
        .collect();
    let held_seeds = fresh_seeds(master, HELD_OUT_STAGE, config.held_out_seeds, &used);
    // Each held-out seed in its own held-out world: worlds the search and the finalists never met.
    let held_worlds = worlds
        .as_ref()
        .map(|w| (&w.held_out, w.held_out_worlds(held_seeds.len())));
    let held_worlds = held_worlds.as_ref().map(|(w, k)| (*w, k.as_slice()));
    let compare = |opponents: &[String]| -> Result<Comparison> {
        let pair = [best.spec.clone(), resolved.default_spec.clone()];
        let per_seed = if pair[0] == pair[1] {
            let one = evaluator.evaluate(&pair[..1], opponents, &held_seeds, held_worlds)?;
            progress.games_done(
                held_seeds.len() as u64 * evaluator.games_per_seed(opponents.len()) as u64,
            );
            vec![one[0].clone(), one[0].clone()]
        } else {
            evaluator.evaluate(&pair, opponents, &held_seeds, held_worlds)?
        };
        Ok(Comparison {
            opponents: opponents.to_vec(),
            games: held_seeds.len() * evaluator.games_per_seed(opponents.len()),
            tuned: Estimate::of(&per_seed[0]),
            default: Estimate::of(&per_seed[1]),
            difference: Estimate::paired(&per_seed[0], &per_seed[1]),
        })
    };
    let vs_pool = compare(&resolved.pool)?;
    let vs_held_out = if resolved.held_out.is_empty() {
        None
    } else {
        Some(compare(&resolved.held_out)?)
    };
    progress.finish();

    let mut report = Report {
        best,
        finalists,
        evaluations: evaluations.len(),
        generations: generation,
        stopped,
        finalist_seeds: finalist_seeds.len(),
        held_out_seeds: held_seeds.len(),
        pool: vs_pool,
        held_out: vs_held_out,
        worlds: worlds.as_ref().map(|w| (w.search.count, w.held_out.count)),
        seconds: started.elapsed().as_secs_f64(),
        summary: String::new(),
        dir: dir.to_path_buf(),
    };
    report.summary = summary(config, resolved, worlds.as_ref(), &evaluations, &report);
    write_atomic(&dir.join(BEST_FILE), &best_ron(config, &report))?;
    write_atomic(&dir.join(SUMMARY_FILE), &report.summary)?;
    write_atomic(&dir.join(FINALISTS_FILE), &finalists_csv(&report.finalists))?;
    write_atomic(&dir.join(HELD_OUT_FILE), &held_out_csv(&report))?;
    Ok(report)
}

/// One row of `finalists.csv`.
#[derive(serde::Serialize, Default)]
struct FinalistRow<'a> {
    evaluation: u64,
    spec: &'a str,
    #[serde(serialize_with = "crate::data::number::display")]
    search_score: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    finalist_score: f64,
}

/// `finalists.csv`: `evaluation,spec,search_score,finalist_score`, in search-score order.
pub fn finalists_csv(finalists: &[Finalist]) -> String {
    let rows: Vec<FinalistRow<'_>> = finalists
        .iter()
        .map(|f| FinalistRow {
            evaluation: f.evaluation,
            spec: &f.spec,
            search_score: f.search_score,
            finalist_score: f.score,
        })
        .collect();
    crate::data::to_csv(&rows).expect("CSV in memory")
}

/// One row of `held_out.csv`: means and 95% interval bounds as Rust writes them (`NaN` when
/// undefined); `worlds` only with sampled worlds.
#[derive(serde::Serialize, Default)]
struct HeldOutRow {
    opponents: &'static str,
    seeds: usize,
    games: usize,
    #[serde(serialize_with = "crate::data::number::display")]
    tuned: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    tuned_low: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    tuned_high: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    default: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    default_low: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    default_high: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    difference: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    difference_low: f64,
    #[serde(serialize_with = "crate::data::number::display")]
    difference_high: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    worlds: Option<u32>,
}

/// `held_out.csv`: one row per opponent set (`pool`, `held_out`): the tuned and the default
/// strategy's mean score on the held-out seeds, and their paired difference, each with its 95%
/// interval; with sampled worlds a last column `worlds`, the held-out worlds played (one per seed).
pub fn held_out_csv(report: &Report) -> String {
    let mut sets = vec![("pool", &report.pool)];
    if let Some(h) = &report.held_out {
        sets.push(("held_out", h));
    }
    let worlds = report.worlds.map(|(_, held_out)| held_out);
    let rows: Vec<HeldOutRow> = sets
        .into_iter()
        .map(|(name, c)| HeldOutRow {
            opponents: name,
            seeds: c.tuned.n,
            games: c.games,
            tuned: c.tuned.mean,
            tuned_low: c.tuned.low,
            tuned_high: c.tuned.high,
            default: c.default.mean,
            default_low: c.default.low,
            default_high: c.default.high,
            difference: c.difference.mean,
            difference_low: c.difference.low,
            difference_high: c.difference.high,
            worlds,
        })
        .collect();
    crate::data::to_csv(&rows).expect("CSV in memory")
}

/// `best.ron`: the tuned spec, usable wherever a spec file is (`play --agent usa=DIR/best.ron`,
/// `tournament --strategy DIR/best.ron`), under a comment saying where it comes from.
fn best_ron(config: &TuneConfig, report: &Report) -> String {
    let (over, held_out) = match report.worlds {
        Some((n, h)) => (
            format!(" over {n} sampled worlds"),
            format!(" (in {h} other sampled worlds)"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "// gigawatt tune: the best of {} evaluations of `{}`{over} ({} search, master seed {}),\n\
         // re-evaluated on {} fresh seeds; held-out score{held_out} against the pool {} (default {}).\n\
         {}\n",
        report.evaluations,
        config.strategy,
        config.optimiser.name(),
        config.seed,
        report.finalist_seeds,
        report.pool.tuned.show(false),
        report.pool.default.show(false),
        report.best.spec
    )
}

fn describe_space(resolved: &Resolved) -> String {
    resolved
        .dims
        .iter()
        .map(|d| {
            let mut notes = Vec::new();
            if d.scale == Scale::Log {
                notes.push("log");
            }
            if d.integer {
                notes.push("whole");
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            format!(
                "{} {}..={}{notes}",
                d.name,
                format_number(d.low),
                format_number(d.high)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `summary.txt` (also printed): deterministic, no timings.
pub fn summary(
    config: &TuneConfig,
    resolved: &Resolved,
    worlds: Option<&TuneWorlds>,
    evaluations: &[Evaluation],
    report: &Report,
) -> String {
    let verdict = |c: &Comparison| {
        if c.difference.low > 0.0 {
            "better than the default (the interval excludes 0)"
        } else if c.difference.high < 0.0 {
            "worse than the default (the interval excludes 0)"
        } else {
            "not distinguishable from the default (the interval contains 0)"
        }
    };
    let mut s = String::new();
    let scenarios: Vec<String> = resolved
        .scenarios
        .iter()
        .zip(&resolved.seats)
        .map(|(sc, seats)| {
            let ids: Vec<&str> = seats.iter().map(|&k| sc.nations[k].id.as_str()).collect();
            format!("{} (as {})", sc.name, ids.join(", "))
        })
        .collect();
    let months = config
        .months
        .map_or("the scenario's horizon".to_string(), |m| {
            format!("{m} months")
        });
    let over = worlds.map_or(String::new(), |w| {
        format!(" over {} sampled worlds", w.search.count)
    });
    s.push_str(&format!(
        "Tuning `{}` on {}{over}, {months} a game, master seed {}\n",
        config.strategy,
        scenarios.join(", "),
        config.seed
    ));
    // The answer first, and the one to quote: held-out seeds the search never saw (the search's
    // own scores, below, are biased upwards by selection).
    s.push_str(&format!(
        "Result on held-out seeds: tuned {} vs default {} against the pool ({} games): {}\n",
        report.pool.tuned.show(false),
        report.pool.default.show(false),
        report.pool.games,
        verdict(&report.pool)
    ));
    if let Some(h) = &report.held_out {
        s.push_str(&format!(
            "                          tuned {} vs default {} against held-out opponents: {}\n",
            h.tuned.show(false),
            h.default.show(false),
            verdict(h)
        ));
    }
    s.push_str(&format!(
        "                          best: {}\n\n",
        report.best.spec
    ));
    if let Some(w) = worlds {
        let n = w.search.count;
        let seeds = config.seeds;
        s.push_str(&format!(
            "worlds: {n} sampled worlds (Latin hypercube on the master seed; {WORLDS_FILE}) from the\n        \
             distributions of {}\n        \
             seed i of search generation g plays world (g × {seeds} + i) mod {n}, finalist seed j world j mod {n}\n        \
             (every candidate the same worlds); the held-out report plays {} other worlds\n        \
             (one per seed, drawn afresh with world seed {}: {HELD_OUT_WORLDS_FILE})\n",
            w.describe_distributions().join(", "),
            w.held_out.count,
            held_out_world_seed(config.seed),
        ));
    }
    s.push_str(&format!("space:  {}\n", describe_space(resolved)));
    s.push_str(&format!("pool:   {}\n", resolved.pool.join(", ")));
    let seats: usize = resolved.seats.iter().map(Vec::len).sum();
    let games = config.seeds as usize * seats * resolved.pool.len();
    s.push_str(&format!(
        "search: {}, {} evaluations in {} generations of up to {}; each on {} seeds × {} opponents × {} seats = {games} games\n",
        config.optimiser.name(),
        report.evaluations,
        report.generations,
        config.optimiser.generation_size(),
        config.seeds,
        resolved.pool.len(),
        seats,
    ));
    if let Some(reason) = &report.stopped {
        s.push_str(&format!(
            "        the optimiser stopped before its budget: {reason}\n"
        ));
    }
    let top = evaluations.iter().max_by(|a, b| {
        a.score
            .total_cmp(&b.score)
            .then(b.evaluation.cmp(&a.evaluation))
    });
    if let Some(top) = top {
        s.push_str(&format!(
            "        best search score {:.3} (evaluation {}, generation {})\n",
            top.score, top.evaluation, top.generation
        ));
    }

    match worlds {
        None => s.push_str(&format!(
            "\nFinalists, re-evaluated on {} fresh seeds against the pool (the search's best scores are\n\
             biased upwards: the winner's curse):\n",
            report.finalist_seeds
        )),
        Some(w) => {
            let n = w.search.count;
            let met = (report.finalist_seeds as u64).min(u64::from(n));
            let which = if met == u64::from(n) {
                format!("the {n} sampled worlds")
            } else {
                format!("{met} of the {n} sampled worlds")
            };
            s.push_str(&format!(
                "\nFinalists, re-evaluated on {} fresh seeds in {which} against the pool (the search's\n\
                 best scores are biased upwards: the winner's curse):\n",
                report.finalist_seeds
            ));
        }
    }
    let mut table = Table::new(&[
        ("finalist score", Align::Right),
        ("search score", Align::Right),
        ("evaluation", Align::Right),
        ("spec", Align::Left),
    ]);
    for f in &report.finalists {
        table.row(vec![
            format!("{:.3}", f.score),
            format!("{:.3}", f.search_score),
            f.evaluation.to_string(),
            f.spec.clone(),
        ]);
    }
    s.push_str(&table.render("  "));

    if report.finalists.len() > 1 {
        let n = report.finalists.len() as f64;
        let drop = report
            .finalists
            .iter()
            .map(|f| f.search_score - f.score)
            .sum::<f64>()
            / n;
        s.push_str(&format!(
            "  (from search to fresh seeds the finalists' scores changed by {:+.3} on average)\n",
            -drop
        ));
    }
    s.push_str(&format!(
        "\nBest: {}\n  search score {:.3} (evaluation {}), finalist score {:.3}\n",
        report.best.spec, report.best.search_score, report.best.evaluation, report.best.score
    ));
    match worlds {
        None => s.push_str(&format!(
            "\nHeld-out: {} seeds used nowhere above; mean score with 95% t interval over per-seed means;\n\
             tuned − default is the paired difference on the same seeds\n",
            report.held_out_seeds
        )),
        Some(w) => s.push_str(&format!(
            "\nHeld-out: {} seeds used nowhere above, each in its own of {} sampled worlds never played above;\n\
             mean score with 95% t interval over per-seed means; tuned − default is the paired difference\n\
             on the same seeds and worlds\n",
            report.held_out_seeds, w.held_out.count
        )),
    }
    let mut table = Table::new(&[
        ("opponents", Align::Left),
        ("games", Align::Right),
        ("tuned", Align::Left),
        ("default", Align::Left),
        ("tuned − default", Align::Left),
    ]);
    let mut rows = vec![("pool", &report.pool)];
    if let Some(h) = &report.held_out {
        rows.push(("held-out opponents", h));
    }
    for (name, c) in rows {
        table.row(vec![
            name.to_string(),
            c.games.to_string(),
            c.tuned.show(false),
            c.default.show(false),
            c.difference.show(true),
        ]);
    }
    s.push_str(&table.render("  "));
    s.push_str(&format!("  default: {}\n", resolved.default_spec));
    if report.pool.difference.low == report.pool.difference.high && worlds.is_some() {
        s.push_str(
            "  (tuned − default was the same on every held-out seed and world: neither the world's\n   \
             randomness nor the sampled parameters changed who won, so the interval has no width; it\n   \
             says nothing about other opponents or scenarios)\n",
        );
    } else if report.pool.difference.low == report.pool.difference.high {
        s.push_str(
            "  (tuned − default was the same on every held-out seed: the world's randomness did not\n   \
             change who won, so the interval has no width; it says nothing about other opponents or\n   \
             scenarios)\n",
        );
    }
    if let Some(h) = &report.held_out {
        s.push_str(&format!(
            "  held-out opponents: {}\n",
            h.opponents.join(", ")
        ));
    }
    s.push_str(&format!(
        "\nAgainst the pool, the tuned strategy is {}.\n",
        verdict(&report.pool)
    ));
    if let Some(h) = &report.held_out {
        s.push_str(&format!(
            "Against the held-out opponents, it is {}.\n",
            verdict(h)
        ));
    }
    s
}

//! Tuning: search a strategy's parameters against an opponent population, honestly.
//!
//! - [`config`]: the configuration (`config.ron`), checked against the registry and the scenarios;
//!   the search space and its mapping from the unit box;
//! - [`optimise`]: CMA-ES (the `cmaes` crate, driven ask/tell by replay) and random search, generic
//!   over the objective;
//! - [`evaluate`]: candidates against opponents on common world seeds, in parallel, bit-identical
//!   for any thread count;
//! - [`stats`]: t intervals over per-seed means, paired differences;
//! - [`worlds`]: with `worlds: Some(N)`, the sampled worlds (N for the search and the finalists,
//!   fresh ones for the held-out report) and which world each game plays in;
//! - [`run`]: the search with a checkpoint every generation, the finalists on fresh seeds, the
//!   held-out report, and the files (`config.ron`, `checkpoint.ron`, `history.csv`, `best.ron`,
//!   `summary.txt`, `finalists.csv`, `held_out.csv`; with worlds `worlds.csv` and
//!   `held_out_worlds.csv`).
//!
//! How to use it and read its output: "Tuning" in `docs/strategies.md`.

pub mod config;
pub mod evaluate;
pub mod optimise;
pub mod run;
pub mod stats;
pub mod worlds;

use std::path::{Path, PathBuf};

pub use config::TuneConfig;
pub use run::{Report, RunOptions};

/// The text the default directory's fingerprint is taken of: the configuration as written, but
/// without `worlds: None`, so a configuration without worlds keeps the directory it had before the
/// field existed (and resumes there).
fn fingerprint_text(config: &TuneConfig) -> String {
    let text = config::pretty(config);
    if config.worlds.is_none() {
        text.replace("\n    worlds: None,", "")
    } else {
        text
    }
}

/// `results/tune-<config file stem>-<fingerprint>`: the same configuration lands in the same place.
pub fn default_out(path: &Path, config: &TuneConfig) -> PathBuf {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in fingerprint_text(config).bytes() {
        hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    PathBuf::from("results").join(format!("tune-{stem}-{:08x}", hash as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_without_worlds_keep_their_default_directory() {
        let mut config = config::parse(config::tests::EXAMPLE).expect("parses");
        // As written before the field existed: no `worlds` at all.
        let text = fingerprint_text(&config);
        assert!(!text.contains("worlds"), "{text}");
        assert_eq!(config::parse(&text).expect("reparses"), config);
        assert!(config::pretty(&config).contains("worlds: None"));
        let before = default_out(Path::new("x.ron"), &config);
        config.worlds = Some(8);
        assert!(fingerprint_text(&config).contains("worlds: Some(8)"));
        assert_ne!(default_out(Path::new("x.ron"), &config), before);
    }
}

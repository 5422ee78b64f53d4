//! Statistics for analysis under deep uncertainty: which uncertain inputs matter, where in the
//! input space an outcome of interest happens, and which strategy holds up across worlds.
//!
//! Everything here is a pure function over slices: no I/O, no global state, and the only
//! randomness (bootstrap resamples) comes from ChaCha8 streams seeded by a `u64` the caller passes,
//! so the same call gives bit-identical results on every run and thread count.
//!
//! - [`sensitivity`]: global sensitivity from a given sample (any design, e.g. a Latin hypercube):
//!   the moment-independent δ (Borgonovo 2007) with the given-data estimator and bias reduction of
//!   Plischke, Borgonovo & Smith (2013), and the first-order variance index S1 from the same
//!   class conditioning; bootstrap percentile intervals.
//! - [`prim`]: scenario discovery with PRIM, the Patient Rule Induction Method (Friedman & Fisher
//!   1999), as in the EMA Workbench (Kwakkel 2017): the peeling trajectory, a selected box, pasting.
//! - [`robustness`]: per strategy across worlds: mean, quantiles, Savage's minimax regret and the
//!   satisficing share, the robustness measures of robust decision making (Lempert, Popper & Bankes
//!   2003).
//!
//! # References
//!
//! - Borgonovo, E. (2007). A new uncertainty importance measure. *Reliability Engineering &
//!   System Safety* 92(6), 771–784. doi:10.1016/j.ress.2006.04.015
//! - Plischke, E., Borgonovo, E. & Smith, C. L. (2013). Global sensitivity measures from given
//!   data. *European Journal of Operational Research* 226(3), 536–550.
//!   doi:10.1016/j.ejor.2012.11.047
//! - Friedman, J. H. & Fisher, N. I. (1999). Bump hunting in high-dimensional data. *Statistics
//!   and Computing* 9(2), 123–143. doi:10.1023/A:1008894516817
//! - Kwakkel, J. H. (2017). The Exploratory Modeling Workbench: An open source toolkit for
//!   exploratory modeling, scenario discovery, and (multi-objective) robust decision making.
//!   *Environmental Modelling & Software* 96, 239–250. doi:10.1016/j.envsoft.2017.06.054
//! - Lempert, R. J., Popper, S. W. & Bankes, S. C. (2003). *Shaping the Next One Hundred Years:
//!   New Methods for Quantitative, Long-Term Policy Analysis*. RAND MR-1626. (Regret after Savage,
//!   L. J. (1951), The theory of statistical decision, *JASA* 46(253), 55–67.)

pub mod files;
pub mod prim;
pub mod robustness;
pub mod sensitivity;

/// Quantile `p` ∈ [0, 1] of sorted, non-empty `values`, interpolating linearly between order
/// statistics (Hyndman–Fan type 7, numpy's and pandas' default; the same rule as
/// [`crate::standings`]).
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    debug_assert!(!sorted.is_empty());
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::quantile_sorted;

    #[test]
    fn quantile_interpolates_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0, 0.1, 0.5, 0.9, 1]) = [1, 1.3, 2.5, 3.7, 4].
        let v = [1.0, 2.0, 3.0, 4.0];
        for (p, want) in [(0.0, 1.0), (0.1, 1.3), (0.5, 2.5), (0.9, 3.7), (1.0, 4.0)] {
            assert!((quantile_sorted(&v, p) - want).abs() < 1e-12, "p = {p}");
        }
        assert_eq!(quantile_sorted(&[7.0], 0.3), 7.0);
    }
}

//! Confidence intervals for the final report: Student-t intervals over per-seed scores.
//!
//! Games on one world seed share that seed's world (construction overruns), so the unit of
//! independence is the seed, not the game: each seed's games are first averaged, then the interval
//! is `mean ± t(0.975, n − 1) · s / √n` over the n per-seed means. The paired difference between
//! the tuned and the default strategy is the same interval over the per-seed differences (both play
//! the same seeds: common random numbers, so the world's luck cancels).

/// A mean with its 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: usize,
}

impl Estimate {
    /// Mean and 95% t interval of `values` (an interval of NaN for fewer than two).
    pub fn of(values: &[f64]) -> Estimate {
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate {
                mean,
                low: f64::NAN,
                high: f64::NAN,
                n,
            };
        }
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let half = t_975(n - 1) * (var / n as f64).sqrt();
        Estimate {
            mean,
            low: mean - half,
            high: mean + half,
            n,
        }
    }

    /// The paired differences `a[i] − b[i]`.
    pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        Estimate::of(&d)
    }

    /// `0.612 [0.571, 0.653]`.
    pub fn show(&self, signed: bool) -> String {
        let f = |x: f64| {
            if signed {
                format!("{x:+.3}")
            } else {
                format!("{x:.3}")
            }
        };
        if self.low.is_nan() {
            f(self.mean)
        } else {
            format!("{} [{}, {}]", f(self.mean), f(self.low), f(self.high))
        }
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom: a table to 30, then the
/// Cornish–Fisher expansion around the normal quantile (error below 1e-4 there).
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= 30 {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * v * v * v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_join_the_table_smoothly() {
        assert!((t_975(31) - 2.040).abs() < 1e-3);
        assert!((t_975(60) - 2.000).abs() < 1e-3);
        assert!((t_975(1000) - 1.962).abs() < 1e-3);
        assert!(t_975(30) > t_975(31));
    }

    #[test]
    fn intervals_and_paired_differences() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(e.mean, 2.5);
        // s = 1.291, s/√4 = 0.6455, t(3) = 3.182.
        assert!((e.high - e.mean - 3.182 * 0.645_497_224).abs() < 1e-6);
        let d = Estimate::paired(&[1.0, 1.0, 0.5], &[0.0, 0.0, 0.5]);
        assert!((d.mean - 2.0 / 3.0).abs() < 1e-12);
        assert!(Estimate::of(&[0.5]).low.is_nan());
        assert_eq!(
            Estimate::of(&[1.0, 1.0]).show(true),
            "+1.000 [+1.000, +1.000]"
        );
    }
}

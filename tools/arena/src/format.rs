//! Number formatting for people: engineering notation with three significant digits
//! (`12.4M`, `$1.23T`), scientific notation for FLOP (`3.2e27`), and calendar months.

/// Suffixes for thousands, millions, billions and trillions.
const SUFFIXES: [&str; 5] = ["", "k", "M", "B", "T"];

/// A count with three significant digits and a suffix: `950`, `12.4k`, `3.21M`, `1.23B`, `4.56T`.
/// Beyond the trillions it switches to scientific notation (`1.23e15`).
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", magnitude(x.abs()))
}

/// Money: `$950`, `$12.4M`, `$1.23T`, `-$5.00B`.
pub fn usd(x: f64) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${}", magnitude(x.abs()))
}

/// FLOP in scientific notation with two significant digits: `3.2e27`; zero is `0`.
pub fn flop(x: f64) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    if x == 0.0 {
        return "0".to_string();
    }
    format!("{x:.1e}")
}

/// Gigawatts with one decimal: `1263.5`.
pub fn gw(x: f64) -> String {
    fixed(x, 1)
}

/// A value with `decimals` decimals (`-0.0` shows as `0.0`).
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return non_finite(x);
    }
    let text = format!("{x:.decimals$}");
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => text,
    }
}

/// The calendar month of game month `month` (0 = January of `start_year`): `2031-02`.
pub fn month_label(start_year: i32, month: u32) -> String {
    let year = i64::from(start_year) + i64::from(month / 12);
    format!("{year}-{:02}", month % 12 + 1)
}

/// A duration for a progress line: `4.6 s` (one decimal below 10 s), `45 s`, `4 min 05 s`,
/// `2 h 03 min`, `3 d 04 h`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "unknown".to_string();
    }
    if seconds < 9.95 {
        return format!("{seconds:.1} s");
    }
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        3600..86_400 => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {:02} h", s / 86_400, s % 86_400 / 3600),
    }
}

/// A non-negative finite value with three significant digits and a thousands suffix.
fn magnitude(a: f64) -> String {
    if a == 0.0 {
        return "0".to_string();
    }
    if a < 1.0 {
        return if a >= 0.01 {
            format!("{a:.2}")
        } else {
            format!("{a:.2e}")
        };
    }
    let mut group = ((a.log10() / 3.0).floor() as usize).min(SUFFIXES.len() - 1);
    let mut mantissa = round3(a / 1000f64.powi(group as i32));
    if mantissa >= 1000.0 && group + 1 < SUFFIXES.len() {
        // 999.96k rounds to 1000k: show 1.00M instead.
        group += 1;
        mantissa = round3(mantissa / 1000.0);
    }
    if mantissa >= 1000.0 {
        return format!("{a:.2e}");
    }
    let decimals = if mantissa >= 100.0 {
        0
    } else if mantissa >= 10.0 {
        1
    } else {
        2
    };
    format!("{mantissa:.decimals$}{}", SUFFIXES[group])
}

/// `m` (≥ 1) rounded to three significant digits.
fn round3(m: f64) -> f64 {
    let digits = m.log10().floor() as i32;
    let scale = 10f64.powi(2 - digits);
    (m * scale).round() / scale
}

fn non_finite(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "inf".to_string()
    } else {
        "-inf".to_string()
    }
}

/// Short names for strategy specs, for table headers and narrow columns: a spec of at most `max`
/// characters is kept; a longer one with parameters becomes its name with `(…)`
/// (`parametric(compute_share: 0.6, dereg_month: 12)` → `parametric(…)`), any other is cut with
/// `…`; names that would then clash get `#1`, `#2`, … in the specs' sorted order. Each label is unique and at most
/// about `max` characters; print a legend mapping labels to specs when any differs.
pub fn abbreviate(specs: &[String], max: usize) -> Vec<String> {
    let max = max.max(4);
    let cut = |text: &str, width: usize| -> String {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    };
    let short: Vec<String> = specs
        .iter()
        .map(|spec| {
            if spec.chars().count() <= max {
                spec.clone()
            } else if let Some((name, _)) = spec.split_once('(') {
                if name.chars().count() + 3 <= max {
                    format!("{name}(…)")
                } else {
                    cut(name, max)
                }
            } else {
                cut(spec, max)
            }
        })
        .collect();
    let mut out = Vec::with_capacity(short.len());
    for (i, label) in short.iter().enumerate() {
        let clashes = short.iter().filter(|l| *l == label).count() > 1
            || specs.iter().enumerate().any(|(j, s)| j != i && s == label);
        if clashes && *label != specs[i] {
            // Numbered by the specs' sorted order, not their order here, so every table of the
            // same strategies (standings, meta-game) gives a spec the same label.
            let k = specs
                .iter()
                .zip(&short)
                .filter(|(s, l)| *l == label && *s <= &specs[i])
                .count();
            out.push(format!("{label}#{k}"));
        } else {
            out.push(label.clone());
        }
    }
    out
}

/// `  random(…) = random(orders_per_month: 2)` lines for every label that is not its spec, after a
/// heading line; empty when every spec is shown whole.
pub fn legend(specs: &[String], labels: &[String]) -> String {
    let mut pairs: Vec<(&String, &String)> =
        labels.iter().zip(specs).filter(|(l, s)| l != s).collect();
    if pairs.is_empty() {
        return String::new();
    }
    pairs.sort();
    pairs.dedup();
    let mut out = String::from("abbreviated:\n");
    for (l, s) in pairs {
        out.push_str(&format!("  {l} = {s}\n"));
    }
    out
}

/// `text` as one word of a POSIX shell: as it is when it holds only characters no shell
/// interprets, otherwise in single quotes (a quote inside written `'\''`).
pub fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_three_significant_digits_and_a_suffix() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(7.0), "7.00");
        assert_eq!(count(950.0), "950");
        assert_eq!(count(1_000.0), "1.00k");
        assert_eq!(count(12_400.0), "12.4k");
        assert_eq!(count(12_400_000.0), "12.4M");
        assert_eq!(count(490_468_197.4), "490M");
        assert_eq!(count(1.234e9), "1.23B");
        assert_eq!(count(4.567e12), "4.57T");
        assert_eq!(count(1.234e15), "1.23e15");
        assert_eq!(count(-3_210_000.0), "-3.21M");
        assert_eq!(count(0.5), "0.50");
    }

    #[test]
    fn rounding_up_moves_to_the_next_suffix() {
        assert_eq!(count(999.6), "1.00k");
        assert_eq!(count(999_960.0), "1.00M");
        assert_eq!(count(99.96), "100");
        assert_eq!(count(9.996e6), "10.0M");
        assert_eq!(count(999.6e12), "1.00e15");
    }

    #[test]
    fn money_carries_a_dollar_sign() {
        assert_eq!(usd(1.23e12), "$1.23T");
        assert_eq!(usd(10_868_429_294_707.8), "$10.9T");
        assert_eq!(usd(456e9), "$456B");
        assert_eq!(usd(-5e9), "-$5.00B");
        assert_eq!(usd(0.0), "$0");
    }

    #[test]
    fn flop_is_scientific() {
        assert_eq!(flop(3.2e27), "3.2e27");
        assert_eq!(flop(7.648967187279428e28), "7.6e28");
        assert_eq!(flop(0.0), "0");
    }

    #[test]
    fn non_finite_values_do_not_panic() {
        assert_eq!(count(f64::NAN), "NaN");
        assert_eq!(usd(f64::INFINITY), "inf");
        assert_eq!(flop(f64::NEG_INFINITY), "-inf");
        assert_eq!(gw(f64::NAN), "NaN");
    }

    #[test]
    fn fixed_drops_negative_zero() {
        assert_eq!(fixed(-0.0001, 1), "0.0");
        assert_eq!(gw(1263.45), "1263.5");
        assert_eq!(fixed(-2.5, 1), "-2.5");
    }

    #[test]
    fn durations_keep_two_or_three_digits() {
        assert_eq!(duration(4.63), "4.6 s");
        assert_eq!(duration(9.96), "10 s");
        assert_eq!(duration(45.2), "45 s");
        assert_eq!(duration(245.0), "4 min 05 s");
        assert_eq!(duration(7380.0), "2 h 03 min");
        assert_eq!(duration(273_600.0), "3 d 04 h");
        assert_eq!(duration(f64::NAN), "unknown");
        assert_eq!(duration(-1.0), "unknown");
    }

    #[test]
    fn months_are_calendar_labels() {
        assert_eq!(month_label(2025, 0), "2025-01");
        assert_eq!(month_label(2025, 11), "2025-12");
        assert_eq!(month_label(2025, 73), "2031-02");
    }

    #[test]
    fn abbreviations_are_short_unique_and_keep_short_specs() {
        let specs: Vec<String> = [
            "builder",
            "parametric(compute_share: 0.6, dereg_month: 12)",
            "parametric(compute_share: 0.7)",
            "random(orders_per_month: 2)",
            "a-very-long-strategy-file-name.ron",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let short = abbreviate(&specs, 14);
        assert_eq!(
            short,
            [
                "builder",
                "parametric(…)#1",
                "parametric(…)#2",
                "random(…)",
                "a-very-long-s…"
            ]
        );
    }
}

//! Progress of a long run, for a person at a terminal or for a batch log: the command line's side
//! of the library's progress traits ([`gigawatt_arena::tournament::run::Progress`] for tournaments,
//! [`gigawatt_arena::tune::run::Progress`] for tuning).
//!
//! At a terminal, an indicatif bar on stderr. When stderr is not a terminal (a Slurm log, a
//! Kubernetes pod log, `2> file`), a bar draws nothing until the end, so the run prints plain lines
//! instead: one when it starts and one every [`Mode::Lines`] interval, each with the work done, the
//! rate and the time left.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use gigawatt_arena::format;
use gigawatt_arena::{tournament, tune};

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Nothing (`--quiet`).
    Hidden,
    /// An indicatif bar on stderr; the extra lines of a tick (interim standings)
    /// every `every`, above it.
    Bar { every: Option<Duration> },
    /// A line on stderr when the run starts and then every `every` (never, if `None`).
    Lines { every: Option<Duration> },
}

/// Default interval of the progress lines in a batch log.
pub const DEFAULT_EVERY_SECONDS: f64 = 30.0;

impl Mode {
    /// The mode for this process: hidden when quiet, a bar when stderr is a terminal, lines every
    /// `every_seconds` otherwise (0: only the first and last lines).
    pub fn detect(quiet: bool, every_seconds: f64) -> Mode {
        let every = (every_seconds > 0.0).then(|| Duration::from_secs_f64(every_seconds));
        if quiet {
            Mode::Hidden
        } else if std::io::stderr().is_terminal() {
            Mode::Bar { every }
        } else {
            Mode::Lines { every }
        }
    }

    /// The interval of the periodic lines, if any.
    fn every(&self) -> Option<Duration> {
        match self {
            Mode::Hidden => None,
            Mode::Bar { every } | Mode::Lines { every } => *every,
        }
    }

    /// Whether lines (not a bar) report progress: what a batch log gets.
    pub fn is_lines(&self) -> bool {
        matches!(self, Mode::Lines { .. })
    }
}

/// Parse `--progress-every SECONDS`: a finite number of seconds, 0 or more.
pub fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..1e9).contains(&s) => Ok(s),
        _ => Err(format!(
            "`{text}` is not a number of seconds (0 or more; 0 prints no periodic line)"
        )),
    }
}

/// No time left is shown before this much of the run has passed: the first games are slow (threads
/// start, matches are built) and a rate measured on them overshoots the time left several-fold.
pub const ETA_AFTER: Duration = Duration::from_secs(3);
/// The rate is measured over windows at least this long, then smoothed.
const RATE_WINDOW: Duration = Duration::from_millis(500);
/// Weight of the newest window in the smoothed rate (an exponential moving average).
const RATE_SMOOTHING: f64 = 0.3;

/// The rate of a run and the time it has left: an exponential moving average of the rate over
/// windows of [`RATE_WINDOW`], the first window skipped once a second is available (warm-up), and
/// no time left before [`ETA_AFTER`].
#[derive(Clone, Debug)]
pub struct Rate {
    started: Instant,
    window_start: Instant,
    window_done: u64,
    smoothed: Option<f64>,
    windows: u32,
}

impl Rate {
    pub fn new(started: Instant) -> Rate {
        Rate {
            started,
            window_start: started,
            window_done: 0,
            smoothed: None,
            windows: 0,
        }
    }

    /// `done` items so far (this run) at `now`.
    pub fn update(&mut self, now: Instant, done: u64) {
        let span = now.saturating_duration_since(self.window_start);
        if span < RATE_WINDOW {
            return;
        }
        let rate = done.saturating_sub(self.window_done) as f64 / span.as_secs_f64();
        self.windows += 1;
        self.smoothed = Some(match self.smoothed {
            // The second window replaces the first, which held the warm-up.
            Some(_) if self.windows == 2 => rate,
            Some(old) => old + RATE_SMOOTHING * (rate - old),
            None => rate,
        });
        self.window_start = now;
        self.window_done = done;
    }

    /// Items per second (the plain average until a window has passed).
    pub fn per_second(&self, now: Instant, done: u64) -> f64 {
        self.smoothed.unwrap_or_else(|| {
            let elapsed = now.saturating_duration_since(self.started).as_secs_f64();
            if elapsed > 0.0 {
                done as f64 / elapsed
            } else {
                0.0
            }
        })
    }

    /// Seconds left for `left` items, once [`ETA_AFTER`] has passed and a rate is known.
    pub fn eta(&self, now: Instant, left: u64) -> Option<f64> {
        if now.saturating_duration_since(self.started) < ETA_AFTER {
            return None;
        }
        self.smoothed.filter(|r| *r > 0.0).map(|r| left as f64 / r)
    }
}

/// A rate for people: `812 games/s`, `1.18k games/s`, `0.4 games/s` (never four decimals).
pub fn rate_text(per_second: f64) -> String {
    if per_second > 0.0 && per_second < 10.0 {
        format!("{per_second:.1} games/s")
    } else {
        format!("{} games/s", format::count(per_second.round()))
    }
}

/// `ETA 4.6 s`, `ETA in a few seconds` before there is one, `done` at the end.
fn eta_text(rate: &Rate, now: Instant, left: u64) -> String {
    if left == 0 {
        return "done".to_string();
    }
    match rate.eta(now, left) {
        Some(seconds) => format!("ETA {}", format::duration(seconds)),
        None => "ETA in a few seconds".to_string(),
    }
}

/// Progress of `total` items (games), `done_before` of which an earlier run did.
pub struct Progress {
    mode: Mode,
    bar: indicatif::ProgressBar,
    total: u64,
    done_before: u64,
    done_now: u64,
    started: Instant,
    next_line: Option<Instant>,
    rate: Rate,
    /// When the bar's message (rate and time left) was last set: at most every RATE_WINDOW.
    shown_at: Option<Instant>,
}

impl Progress {
    /// Progress shown as `mode` says, once the run starts.
    pub fn new(mode: Mode) -> Progress {
        Progress {
            mode,
            bar: indicatif::ProgressBar::hidden(),
            total: 0,
            done_before: 0,
            done_now: 0,
            started: Instant::now(),
            next_line: None,
            rate: Rate::new(Instant::now()),
            shown_at: None,
        }
    }

    /// Print `text` above a bar (terminal) or as lines (batch); nothing when hidden.
    pub fn println(&self, text: &str) {
        match self.mode {
            Mode::Hidden => {}
            Mode::Bar { .. } => self.bar.println(text),
            Mode::Lines { .. } => self.line(text),
        }
    }

    /// Items done, this run and earlier ones.
    pub fn done(&self) -> u64 {
        self.done_before + self.done_now
    }

    /// `1,234 of 5,000 games (24.7%), 812 games/s, ETA 4.6 s`.
    fn status(&mut self, now: Instant) -> String {
        let done = self.done();
        self.rate.update(now, self.done_now);
        let left = self.total.saturating_sub(done);
        let percent = if self.total == 0 {
            100.0
        } else {
            100.0 * done as f64 / self.total as f64
        };
        format!(
            "{done} of {} games ({percent:.1}%), {}, {}",
            self.total,
            rate_text(self.rate.per_second(now, self.done_now)),
            eta_text(&self.rate, now, left)
        )
    }

    fn line(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        for l in text.lines() {
            let _ = writeln!(err, "progress: {l}");
        }
        let _ = err.flush();
    }
}

impl tournament::run::Progress for Progress {
    fn resuming(&mut self, out: &Path, done: u64, planned: u64) {
        if self.mode != Mode::Hidden {
            eprintln!(
                "resuming {}: {done} of {planned} games already played",
                out.display()
            );
        }
    }

    /// Start showing progress; in lines mode, print the first line.
    fn start(&mut self, total: u64, done_before: u64) {
        if let Mode::Bar { .. } = self.mode {
            let bar = indicatif::ProgressBar::new(total.saturating_sub(done_before));
            bar.set_style(
                // Rate and time left are ours ({msg}): indicatif's own estimate overshoots early
                // and prints its rate with four decimals.
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} games  {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar = bar;
        }
        self.total = total;
        self.done_before = done_before;
        self.done_now = 0;
        self.started = Instant::now();
        self.rate = Rate::new(self.started);
        self.next_line = self.mode.every().map(|every| self.started + every);
        if self.mode.is_lines() {
            self.line(&format!(
                "{} of {} games to play ({} already played)",
                total.saturating_sub(done_before),
                total,
                done_before
            ));
        }
    }

    fn games_done(&mut self, n: u64) {
        self.done_now += n;
        self.bar.inc(n);
        if let Mode::Bar { .. } = self.mode {
            let now = Instant::now();
            if self
                .shown_at
                .is_none_or(|at| now.saturating_duration_since(at) >= RATE_WINDOW)
            {
                self.shown_at = Some(now);
                self.rate.update(now, self.done_now);
                let left = self.total.saturating_sub(self.done());
                self.bar.set_message(format!(
                    "{}  {}",
                    rate_text(self.rate.per_second(now, self.done_now)),
                    eta_text(&self.rate, now, left)
                ));
            }
        }
    }

    /// How long until the next periodic line is due (`None`: no periodic lines).
    fn until_due(&self) -> Option<Duration> {
        self.next_line
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// When due, print the periodic line (in lines mode: the status, then `extra()`'s lines if any,
    /// such as interim standings; above a bar: `extra()`'s lines only, the bar shows the rest).
    fn tick(&mut self, extra: &mut dyn FnMut() -> Option<String>) {
        let (Some(every), Some(at)) = (self.mode.every(), self.next_line) else {
            return;
        };
        let now = Instant::now();
        if now < at {
            return;
        }
        // The next line is due a whole interval after this one, however late this one is.
        self.next_line = Some(now + every);
        match self.mode {
            Mode::Lines { .. } => {
                let mut text = self.status(now);
                if let Some(more) = extra() {
                    text.push('\n');
                    text.push_str(&more);
                }
                self.line(&text);
            }
            Mode::Bar { .. } => {
                if let Some(more) = extra() {
                    self.bar.println(more);
                }
            }
            Mode::Hidden => {}
        }
    }

    /// Say that the run is stopping, so the bar does not look frozen while the games in flight
    /// finish (always, even when hidden: it is why the run will end early).
    fn stopping(&mut self, signal: i32) {
        let text = format!(
            "{}: finishing the games in flight, starting no new one (again to kill at once)",
            gigawatt_arena::signals::name(signal)
        );
        match self.mode {
            Mode::Bar { .. } => self.bar.println(text),
            Mode::Lines { .. } => self.line(&text),
            Mode::Hidden => eprintln!("{text}"),
        }
    }

    /// Clear the bar.
    fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A tuning run's bar on stderr (`{msg}`: the best so far, or the stage; `{prefix}`: the rate and
/// time left, ours rather than indicatif's), or nothing with `--quiet`.
pub struct TuneBar {
    bar: indicatif::ProgressBar,
    /// Games done, the rate and when it was last shown (worker threads report games).
    rate: std::sync::Mutex<(u64, Rate, Option<Instant>)>,
}

impl TuneBar {
    pub fn new(visible: bool) -> TuneBar {
        let rate = std::sync::Mutex::new((0, Rate::new(Instant::now()), None));
        if !visible {
            return TuneBar {
                bar: indicatif::ProgressBar::hidden(),
                rate,
            };
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} games  {prefix}  {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        TuneBar { bar, rate }
    }

    fn show_rate(&self, games: u64) {
        let Ok(mut state) = self.rate.lock() else {
            return;
        };
        state.0 += games;
        let now = Instant::now();
        if state
            .2
            .is_some_and(|at| now.saturating_duration_since(at) < RATE_WINDOW)
        {
            return;
        }
        let done = state.0;
        state.2 = Some(now);
        state.1.update(now, done);
        let left = self
            .bar
            .length()
            .unwrap_or(0)
            .saturating_sub(self.bar.position());
        self.bar.set_prefix(format!(
            "{}  {}",
            rate_text(state.1.per_second(now, done)),
            eta_text(&state.1, now, left)
        ));
    }
}

impl tune::run::Progress for TuneBar {
    fn set_total(&self, games: u64) {
        self.bar.set_length(games);
    }

    fn set_done(&self, games: u64) {
        self.bar.set_position(games);
    }

    fn games_done(&self, games: u64) {
        self.bar.inc(games);
        self.show_rate(games);
    }

    fn stage(&self, text: &str) {
        self.bar.set_message(text.to_string());
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_arena::tournament::run::Progress as _;

    #[test]
    fn seconds_parse_or_say_why_not() {
        assert_eq!(parse_seconds("30"), Ok(30.0));
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert_eq!(parse_seconds("0"), Ok(0.0));
        for bad in ["-1", "nan", "inf", "soon", ""] {
            let e = parse_seconds(bad).expect_err(bad);
            assert!(e.contains("not a number of seconds"), "{e}");
        }
    }

    #[test]
    fn the_status_line_has_the_count_the_rate_and_the_time_left() {
        let started = Instant::now();
        let mut p = Progress {
            mode: Mode::Hidden,
            bar: indicatif::ProgressBar::hidden(),
            total: 5000,
            done_before: 1000,
            done_now: 0,
            started,
            next_line: None,
            rate: Rate::new(started),
            shown_at: None,
        };
        p.games_done(1000);
        let line = p.status(started + Duration::from_secs(2));
        assert_eq!(
            line, "2000 of 5000 games (40.0%), 500 games/s, ETA in a few seconds",
            "no time left before a few seconds"
        );
        p.games_done(1000);
        let line = p.status(started + Duration::from_secs(4));
        assert_eq!(line, "3000 of 5000 games (60.0%), 500 games/s, ETA 4.0 s");
        p.games_done(2000);
        let line = p.status(started + Duration::from_secs(8));
        assert_eq!(line, "5000 of 5000 games (100.0%), 500 games/s, done");
        let mut asked = false;
        p.tick(&mut || {
            asked = true;
            None
        });
        assert!(!asked, "no line when hidden");
    }

    #[test]
    fn a_slow_start_does_not_inflate_the_time_left() {
        // 10 games in the first second (warm-up), then 1,000 a second: the ETA follows the
        // steady rate, not the average that the slow start drags down.
        let t0 = Instant::now();
        let mut rate = Rate::new(t0);
        rate.update(t0 + Duration::from_secs(1), 10);
        assert_eq!(rate.eta(t0 + Duration::from_secs(1), 5000), None);
        let mut done = 10;
        for k in 2..=4 {
            done += 1000;
            rate.update(t0 + Duration::from_secs(k), done);
        }
        let now = t0 + Duration::from_secs(4);
        let eta = rate.eta(now, 5000).expect("after a few seconds");
        assert!((eta - 5.0).abs() < 1e-9, "{eta}");
        let plain = 5000.0 / (done as f64 / 4.0);
        assert!(eta < plain, "{eta} < {plain}: the plain average overshoots");
        assert_eq!(rate_text(1234.4321), "1.23k games/s");
        assert_eq!(rate_text(812.3456), "812 games/s");
        assert_eq!(rate_text(0.4321), "0.4 games/s");
    }
}

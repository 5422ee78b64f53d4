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

/// Progress of `total` items (games), `done_before` of which an earlier run did.
pub struct Progress {
    mode: Mode,
    bar: indicatif::ProgressBar,
    total: u64,
    done_before: u64,
    done_now: u64,
    started: Instant,
    next_line: Option<Instant>,
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
    fn status(&self, now: Instant) -> String {
        let done = self.done();
        let elapsed = now.duration_since(self.started).as_secs_f64();
        let rate = if elapsed > 0.0 {
            self.done_now as f64 / elapsed
        } else {
            0.0
        };
        let left = self.total.saturating_sub(done);
        let eta = if left == 0 {
            "done".to_string()
        } else if rate > 0.0 {
            format!("ETA {}", format::duration(left as f64 / rate))
        } else {
            "ETA unknown".to_string()
        };
        let percent = if self.total == 0 {
            100.0
        } else {
            100.0 * done as f64 / self.total as f64
        };
        format!(
            "{done} of {} games ({percent:.1}%), {} games/s, {eta}",
            self.total,
            format::count(rate)
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
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} games  {per_sec}  ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            self.bar = bar;
        }
        self.total = total;
        self.done_before = done_before;
        self.done_now = 0;
        self.started = Instant::now();
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

/// A tuning run's bar on stderr (`{msg}`: the best so far, or the stage), or nothing with
/// `--quiet`.
pub struct TuneBar {
    bar: indicatif::ProgressBar,
}

impl TuneBar {
    pub fn new(visible: bool) -> TuneBar {
        if !visible {
            return TuneBar {
                bar: indicatif::ProgressBar::hidden(),
            };
        }
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} games  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        TuneBar { bar }
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
        let mut p = Progress {
            mode: Mode::Hidden,
            bar: indicatif::ProgressBar::hidden(),
            total: 5000,
            done_before: 1000,
            done_now: 0,
            started: Instant::now(),
            next_line: None,
        };
        p.games_done(1000);
        let line = p.status(p.started + Duration::from_secs(2));
        assert_eq!(line, "2000 of 5000 games (40.0%), 500 games/s, ETA 6.0 s");
        p.games_done(3000);
        let line = p.status(p.started + Duration::from_secs(8));
        assert_eq!(line, "5000 of 5000 games (100.0%), 500 games/s, done");
        let mut asked = false;
        p.tick(&mut || {
            asked = true;
            None
        });
        assert!(!asked, "no line when hidden");
    }
}

//! Agents in any language: a program that plays a seat over JSON lines on its stdin and stdout.
//!
//! `exec:COMMAND` (or `exec(command: "COMMAND", turn_ms: N, game_ms: N)`) starts `sh -c COMMAND`
//! once per game and seat, when the seat first decides, and speaks protocol
//! [`PROTOCOL_VERSION`] (`docs/protocol.md` has the schema):
//!
//! 1. the engine writes `{"type":"hello","protocol":1,"nation":"usa","seat":0,"scenario":{…}}`;
//! 2. each month it writes `{"type":"observation","observation":{…}}` and reads one line back,
//!    `{"type":"orders","orders":[…]}`;
//! 3. when the game ends it writes `{"type":"outcome","outcome":{…}}` and closes the agent's stdin.
//!
//! An agent that does not answer within the turn limit (`turn_ms`) or runs out of its game budget
//! (`game_ms`, the sum of its turns), exits, or writes a line that is not an orders message has
//! faulted: the engine records the fault with the end of the agent's stderr and hands the seat to
//! the fallback (`status-quo`), and the game goes on. Absurd orders are faults as for any strategy.
//!
//! Time limits are wall-clock: a game in which an agent timed out is not reproducible. An agent
//! that answers in time and decides only from what it is sent plays bit-identical games.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gigawatt_engine::observation::ObservationData;
use gigawatt_engine::orders::{Order, Orders};
use gigawatt_engine::{Observation, Outcome, Scenario, Strategy};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::registry::AgentError;

/// The protocol version in `hello`; bumped when a message changes shape.
pub const PROTOCOL_VERSION: u32 = 1;
/// The spec prefix: `exec:COMMAND`.
pub const EXEC_PREFIX: &str = "exec:";
/// Default time an agent has to answer one observation, milliseconds.
pub const DEFAULT_TURN_MS: u64 = 10_000;
/// Default time an agent has for all its turns of one game, milliseconds.
pub const DEFAULT_GAME_MS: u64 = 600_000;
/// The end of an agent's stderr kept for a fault's message, bytes.
pub const STDERR_TAIL_BYTES: usize = 2_048;
/// Longest line read from an agent, bytes: longer is a fault, not an allocation.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// The arguments of `exec(...)`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecArgs {
    command: String,
    #[serde(default = "default_turn_ms")]
    turn_ms: u64,
    #[serde(default = "default_game_ms")]
    game_ms: u64,
}

fn default_turn_ms() -> u64 {
    DEFAULT_TURN_MS
}

fn default_game_ms() -> u64 {
    DEFAULT_GAME_MS
}

/// What the engine writes.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ToAgent<'a> {
    Hello {
        protocol: u32,
        nation: &'a str,
        seat: usize,
        months: u32,
        scenario: &'a Scenario,
    },
    Observation {
        observation: ObservationData<'a>,
    },
    Outcome {
        outcome: &'a Outcome,
    },
}

/// What an agent writes back.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FromAgent {
    Orders { orders: Vec<Order> },
}

/// A running agent process.
struct Process {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// A seat played by an external program.
pub struct Exec {
    spec: String,
    args: ExecArgs,
    process: Option<Process>,
    /// Time the agent has taken over its turns this game.
    used: Duration,
}

/// `exec:COMMAND`.
pub fn build_prefixed(spec: &str) -> Result<Box<dyn Strategy>, AgentError> {
    let command = spec.trim()[EXEC_PREFIX.len()..].trim();
    if command.is_empty() {
        return Err(invalid(
            "`exec:` needs a command, e.g. `exec:python3 agent.py`",
        ));
    }
    Ok(Box::new(Exec::new(
        format!("{EXEC_PREFIX}{command}"),
        ExecArgs {
            command: command.to_string(),
            turn_ms: DEFAULT_TURN_MS,
            game_ms: DEFAULT_GAME_MS,
        },
    )))
}

/// `exec(command: "...", turn_ms: N, game_ms: N)`.
pub fn build(_name: &str, args: Option<&str>) -> Result<Box<dyn Strategy>, AgentError> {
    let text = args.ok_or_else(|| {
        invalid("exec needs a command: `exec(command: \"python3 agent.py\")` or `exec:COMMAND`")
    })?;
    let args: ExecArgs = ron::from_str(&format!("({text})"))
        .map_err(|e| invalid(&format!("cannot read its arguments `{text}`: {e}")))?;
    if args.command.trim().is_empty() {
        return Err(invalid("the command is empty"));
    }
    if args.turn_ms == 0 || args.game_ms == 0 {
        return Err(invalid("turn_ms and game_ms must be at least 1"));
    }
    let spec = format!(
        "exec(command: {:?}, turn_ms: {}, game_ms: {})",
        args.command, args.turn_ms, args.game_ms
    );
    Ok(Box::new(Exec::new(spec, args)))
}

fn invalid(message: &str) -> AgentError {
    AgentError::Invalid {
        strategy: "exec".to_string(),
        message: message.to_string(),
    }
}

impl Exec {
    fn new(spec: String, args: ExecArgs) -> Exec {
        Exec {
            spec,
            args,
            process: None,
            used: Duration::ZERO,
        }
    }

    fn start(&mut self, observation: &Observation) -> Result<(), String> {
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.args.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start `sh -c {}`: {e}", self.args.command))?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let (send, lines) = channel();
        // A reader thread per pipe: the engine waits on a channel with a deadline instead of
        // blocking on a pipe the agent may never write to.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                let read = (&mut reader).take(MAX_LINE_BYTES + 1).read_line(&mut line);
                let message = match read {
                    Ok(0) => Err("the agent closed its stdout (it exited?)".to_string()),
                    Ok(n) if n as u64 > MAX_LINE_BYTES => Err(format!(
                        "the agent wrote a line over {MAX_LINE_BYTES} bytes"
                    )),
                    Ok(_) => Ok(line),
                    Err(e) => Err(format!("cannot read the agent's stdout: {e}")),
                };
                let stop = message.is_err();
                if send.send(message).is_err() || stop {
                    return;
                }
            }
        });
        let tail = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&tail);
        std::thread::spawn(move || {
            let mut stderr = stderr;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    return;
                }
                let mut tail = keep.lock().unwrap_or_else(|p| p.into_inner());
                tail.extend_from_slice(&buf[..n]);
                let excess = tail.len().saturating_sub(STDERR_TAIL_BYTES);
                tail.drain(..excess);
            }
        });
        let stdin = child.stdin.take();
        self.process = Some(Process {
            child,
            stdin,
            lines,
            stderr: tail,
        });
        self.send(&ToAgent::Hello {
            protocol: PROTOCOL_VERSION,
            nation: observation.nation_id(),
            seat: observation.nation,
            months: observation.months_total,
            scenario: &observation.scenario,
        })
    }

    fn send(&mut self, message: &ToAgent<'_>) -> Result<(), String> {
        let process = self.process.as_mut().expect("started");
        let mut line = serde_json::to_vec(message).map_err(|e| format!("cannot encode: {e}"))?;
        line.push(b'\n');
        let stdin = process
            .stdin
            .as_mut()
            .ok_or("the agent's stdin is closed")?;
        stdin
            .write_all(&line)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("cannot write to the agent (it exited?): {e}"))
    }

    fn turn(&mut self, observation: &Observation) -> Result<Orders, String> {
        if self.process.is_none() {
            self.start(observation)?;
        }
        self.send(&ToAgent::Observation {
            observation: observation.data(),
        })?;
        let game_left = Duration::from_millis(self.args.game_ms).saturating_sub(self.used);
        let limit = Duration::from_millis(self.args.turn_ms).min(game_left);
        let started = Instant::now();
        let process = self.process.as_mut().expect("started");
        let answer = process.lines.recv_timeout(limit);
        self.used += started.elapsed();
        let line = match answer {
            Ok(Ok(line)) => line,
            Ok(Err(problem)) => return Err(problem),
            Err(RecvTimeoutError::Timeout) if limit < Duration::from_millis(self.args.turn_ms) => {
                return Err(format!(
                    "the agent used up its game budget of {} ms",
                    self.args.game_ms
                ));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "the agent did not answer month {} within {} ms",
                    observation.month, self.args.turn_ms
                ));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err("the agent's stdout reader stopped".to_string());
            }
        };
        match serde_json::from_str::<FromAgent>(&line) {
            Ok(FromAgent::Orders { orders }) => Ok(Orders::from(orders)),
            Err(e) => Err(format!(
                "the agent's answer is not an orders message ({e}): {}",
                shorten(line.trim(), 200)
            )),
        }
    }

    /// The end of what the agent wrote to stderr, for a fault's message.
    fn stderr_tail(&self) -> String {
        let Some(process) = &self.process else {
            return String::new();
        };
        // Give the stderr reader a moment to catch up with an agent that just exited.
        std::thread::sleep(Duration::from_millis(20));
        let tail = process.stderr.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&tail).trim().to_string()
    }
}

fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let head: String = text.chars().take(chars).collect();
    format!("{head}…")
}

impl Strategy for Exec {
    fn name(&self) -> String {
        self.spec.clone()
    }

    /// A failure panics with the reason and the agent's stderr: the match records the fault and
    /// hands the seat to its fallback, as for a strategy written in Rust.
    fn decide(&mut self, observation: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        match self.turn(observation) {
            Ok(orders) => orders,
            Err(problem) => {
                let stderr = self.stderr_tail();
                if let Some(mut process) = self.process.take() {
                    let _ = process.child.kill();
                    let _ = process.child.wait();
                }
                if stderr.is_empty() {
                    panic!("{problem}");
                }
                panic!("{problem}; its stderr ends: {stderr}");
            }
        }
    }

    fn game_over(&mut self, outcome: &Outcome) {
        if self.process.is_some() {
            // An agent that already left cannot be told; the game is over either way.
            let _ = self.send(&ToAgent::Outcome { outcome });
            if let Some(process) = self.process.as_mut() {
                process.stdin = None;
            }
        }
    }
}

impl Drop for Exec {
    fn drop(&mut self) {
        if let Some(mut process) = self.process.take() {
            drop(process.stdin.take());
            // A well-behaved agent exits when its stdin closes; give it a moment, then stop it.
            let deadline = Instant::now() + Duration::from_millis(200);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = process.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = process.child.kill();
            let _ = process.child.wait();
        }
    }
}

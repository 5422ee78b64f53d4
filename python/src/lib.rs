//! `gigawatt._gigawatt`: the engine, the built-in strategies and the arena, for Python.
//!
//! Data crosses as JSON text turned into Python objects by the `json` module (observations,
//! outcomes, scenarios, orders): one schema for Python and for agents in any language
//! (`docs/protocol.md`), and no second mapping of every type to keep in step. The Python side
//! (`python/gigawatt/__init__.py`) wraps these functions in the documented API.

use std::sync::{Arc, Mutex};

use arrow::array::{RecordBatch, RecordBatchIterator};
use arrow::datatypes::FieldRef;
use arrow::ffi_stream::FFI_ArrowArrayStream;
use gigawatt_engine::orders::{Order, Orders};
use gigawatt_engine::{Match, Observation, Scenario, Strategy};
use pyo3::exceptions::{PyException, PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use rand_chacha::ChaCha8Rng;

pyo3::create_exception!(
    _gigawatt,
    ScenarioError,
    PyException,
    "A scenario that does not parse or validate; the message names FILE:LINE:COL and the field."
);
pyo3::create_exception!(
    _gigawatt,
    StrategyError,
    PyException,
    "An unknown strategy, or a spec or parameter the registry refuses."
);

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

fn json_dumps(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<String> {
    py.import("json")?
        .call_method1("dumps", (value,))?
        .extract::<String>()
}

fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_loads(py, &text)
}

/// Orders from Python: a list of dicts in the protocol's shape (`{"OrderChips": {...}}`).
fn orders_from_py(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Orders> {
    let text = json_dumps(py, value)?;
    serde_json::from_str::<Vec<Order>>(&text)
        .map(Orders::from)
        .map_err(|e| PyValueError::new_err(format!("not a list of orders ({e}): {text}")))
}

fn scenario_by_spec(spec: &str) -> PyResult<Arc<Scenario>> {
    gigawatt_arena::inputs::load_scenario(spec).map_err(|e| ScenarioError::new_err(e.to_string()))
}

/// A seat played by a Python object with `decide(observation: dict) -> list[dict]`. It runs on
/// the calling thread, under the interpreter lock; an exception is the seat's fault.
struct PyStrategy {
    name: String,
    object: Py<PyAny>,
}

impl Strategy for PyStrategy {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn decide(&mut self, observation: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        // Once interrupted, the rest of the call plays without Python (and ends soon).
        if INTERRUPT
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
        {
            return Orders::default();
        }
        let decided = Python::attach(|py| -> PyResult<Orders> {
            let data = to_py(py, &observation.data())?;
            let answer = self.object.call_method1(py, "decide", (data,))?;
            orders_from_py(py, answer.bind(py))
        });
        match decided {
            Ok(orders) => orders,
            // Ctrl-C reached the strategy (the interpreter raises it in the next Python code it
            // runs): not the seat's fault. The run is asked to stop (a tournament drops the game in
            // flight) and the interrupt is raised when control returns to Python.
            Err(e) if Python::attach(|py| e.is_instance_of::<PyKeyboardInterrupt>(py)) => {
                interrupted(e);
                Orders::default()
            }
            // The match catches the panic and records it as the seat's fault.
            Err(e) => panic!("the Python strategy `{}` failed: {e}", self.name),
        }
    }

    /// `save_state() -> str` if the object has it: state carried across turns, for snapshots.
    fn save_state(&self) -> String {
        Python::attach(|py| {
            let object = self.object.bind(py);
            if !object.hasattr("save_state").unwrap_or(false) {
                return String::new();
            }
            match object
                .call_method0("save_state")
                .and_then(|s| s.extract::<String>())
            {
                Ok(state) => state,
                Err(e) => panic!(
                    "the Python strategy `{}` failed to save its state: {e}",
                    self.name
                ),
            }
        })
    }

    fn load_state(&mut self, state: &str) -> Result<(), String> {
        Python::attach(|py| {
            let object = self.object.bind(py);
            if !object.hasattr("load_state").unwrap_or(false) {
                return if state.is_empty() {
                    Ok(())
                } else {
                    Err("the object has no load_state(state)".to_string())
                };
            }
            object
                .call_method1("load_state", (state,))
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }
}

/// SIGINT's number, for the stop a `KeyboardInterrupt` asks for (exit code 130 in the CLI's terms).
const SIGINT: i32 = 2;

static INTERRUPT: Mutex<Option<PyErr>> = Mutex::new(None);

/// Keep `KeyboardInterrupt` for when control returns to Python, and stop the run in progress.
fn interrupted(e: PyErr) {
    gigawatt_arena::signals::request_from_host(SIGINT);
    INTERRUPT
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert(e);
}

/// The `KeyboardInterrupt` a strategy met during the call that just returned, if any (and the run
/// may start again).
fn take_interrupt() -> Option<PyErr> {
    let pending = INTERRUPT.lock().unwrap_or_else(|p| p.into_inner()).take();
    if pending.is_some() {
        gigawatt_arena::signals::clear_host_request();
    }
    pending
}

/// A Python class (or any callable) that makes one strategy object per seat, registered as a local
/// strategy for a tournament, explore or tuning run: its games are played on the calling thread.
struct PyFactory {
    name: String,
    make: Py<PyAny>,
}

impl gigawatt_agents::local::LocalFactory for PyFactory {
    fn build(&self) -> Result<Box<dyn Strategy>, String> {
        Python::attach(|py| {
            let object = self.make.call0(py).map_err(|e| e.to_string())?;
            if !object.bind(py).hasattr("decide").unwrap_or(false) {
                return Err("the factory made an object without decide(observation)".to_string());
            }
            Ok(Box::new(PyStrategy {
                name: self.name.clone(),
                object,
            }) as Box<dyn Strategy>)
        })
    }
}

fn py_strategy(value: &Bound<'_, PyAny>) -> PyResult<PyStrategy> {
    let name = match value.getattr("name") {
        Ok(n) => n.str()?.to_string(),
        Err(_) => value.get_type().name()?.to_string(),
    };
    Ok(PyStrategy {
        name: format!("python:{name}"),
        object: value.clone().unbind(),
    })
}

/// A seat whose orders are given from outside each month ([`Game::step`]): for environments.
struct External {
    slot: Arc<Mutex<Orders>>,
}

impl Strategy for External {
    fn name(&self) -> String {
        "external".to_string()
    }

    fn decide(&mut self, _observation: &Observation, _rng: &mut ChaCha8Rng) -> Orders {
        std::mem::take(&mut *self.slot.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// One game, stepped from Python.
#[pyclass(unsendable)]
struct Game {
    game: Match,
    /// The external seats' order slots, by seat (`None` for other seats).
    slots: Vec<Option<Arc<Mutex<Orders>>>>,
    nations: Vec<String>,
}

#[pymethods]
impl Game {
    /// `seats`: per nation id, a strategy spec (`"status-quo"`, `"exec:…"`), an object with
    /// `decide(observation) -> orders`, or `None` for a seat given its orders by `step`. Nations not
    /// named play `status-quo`.
    #[new]
    #[pyo3(signature = (scenario, seats, seed = 0, months = None, trace = false))]
    fn new(
        scenario: &str,
        seats: &Bound<'_, PyDict>,
        seed: u64,
        months: Option<u32>,
        trace: bool,
    ) -> PyResult<Game> {
        let scenario = scenario_by_spec(scenario)?;
        let nations: Vec<String> = scenario.nations.iter().map(|n| n.id.clone()).collect();
        for key in seats.keys() {
            let id: String = key.extract()?;
            if !nations.contains(&id) {
                return Err(PyValueError::new_err(format!(
                    "no nation `{id}` in scenario `{}` (nations: {})",
                    scenario.name,
                    nations.join(", ")
                )));
            }
        }
        let mut strategies: Vec<Box<dyn Strategy>> = Vec::new();
        let mut slots = Vec::new();
        for id in &nations {
            let seat = seats.get_item(id)?;
            match seat {
                None => {
                    strategies.push(build("status-quo")?);
                    slots.push(None);
                }
                Some(value) if value.is_none() => {
                    let slot = Arc::new(Mutex::new(Orders::none()));
                    strategies.push(Box::new(External {
                        slot: Arc::clone(&slot),
                    }));
                    slots.push(Some(slot));
                }
                Some(value) => {
                    if let Ok(spec) = value.extract::<String>() {
                        strategies.push(build(&spec)?);
                    } else if value.hasattr("decide")? {
                        strategies.push(Box::new(py_strategy(&value)?));
                    } else {
                        return Err(PyValueError::new_err(format!(
                            "seat `{id}`: a strategy spec, an object with `decide(observation)`, or None"
                        )));
                    }
                    slots.push(None);
                }
            }
        }
        let months = months.unwrap_or(scenario.horizon_months);
        let mut game = Match::with_months(scenario, strategies, seed, months)
            .map_err(|e| PyValueError::new_err(e.to_string()))?
            .with_fallback(gigawatt_agents::fallback());
        if trace {
            game.record_trace();
        }
        Ok(Game {
            game,
            slots,
            nations,
        })
    }

    /// The nation ids, in scenario order.
    #[getter]
    fn nations(&self) -> Vec<String> {
        self.nations.clone()
    }

    /// The month about to be played (0 first).
    #[getter]
    fn month(&self) -> u32 {
        self.game.month()
    }

    fn is_over(&self) -> bool {
        self.game.is_over()
    }

    /// What `nation` sees now, as the protocol's `observation` (a dict).
    fn observation<'py>(&mut self, py: Python<'py>, nation: &str) -> PyResult<Bound<'py, PyAny>> {
        let seat = self.seat(nation)?;
        let observation = self.game.observation(seat);
        to_py(py, &observation.data())
    }

    /// The scenario, as a dict of its fields.
    fn scenario<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &**self.game.scenario())
    }

    /// Play one month. `orders` gives each external seat's orders (a list of order dicts); seats
    /// not named give none. Returns whether a month was played (False once the game is over).
    #[pyo3(signature = (orders = None))]
    fn step(&mut self, py: Python<'_>, orders: Option<&Bound<'_, PyDict>>) -> PyResult<bool> {
        if let Some(orders) = orders {
            for (key, value) in orders.iter() {
                let id: String = key.extract()?;
                let seat = self.seat(&id)?;
                let Some(slot) = &self.slots[seat] else {
                    return Err(PyValueError::new_err(format!(
                        "seat `{id}` is played by a strategy, not given orders"
                    )));
                };
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = orders_from_py(py, &value)?;
            }
        }
        Ok(self.game.step())
    }

    /// Play to the end and return the outcome.
    fn run<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let outcome = self.game.run();
        if let Some(interrupt) = take_interrupt() {
            return Err(interrupt);
        }
        to_py(py, &gigawatt_arena::play::outcome_json(&outcome))
    }

    /// The outcome as things stand (the final one once the game is over), as `play --json` prints it.
    fn outcome<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(
            py,
            &gigawatt_arena::play::outcome_json(&self.game.outcome()),
        )
    }

    /// The monthly trace rows recorded so far (with `trace=True`), one dict per nation and month.
    /// The trace as an Arrow table (see [`ArrowTable`]): one row per nation and month.
    fn trace_arrow(&self) -> PyResult<ArrowTable> {
        arrow_table(self.game.trace())
    }

    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self.game.trace();
        let list = PyList::empty(py);
        for row in rows {
            list.append(to_py(py, row)?)?;
        }
        Ok(list)
    }
}

/// A table for Python through the Arrow C stream interface (`__arrow_c_stream__`, the Arrow
/// PyCapsule protocol): `pyarrow.table(t)`, `polars.DataFrame(t)` take its columns as they are,
/// without a Python object per value.
#[pyclass(frozen)]
struct ArrowTable {
    batch: RecordBatch,
}

#[pymethods]
impl ArrowTable {
    /// The table as a stream of one record batch, in a capsule named `arrow_array_stream`. The
    /// requested schema is not honoured: the consumer casts if it wants other types.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.batch.schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    /// The column names, in order.
    fn columns(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
}

/// `rows` (serde records: structs of numbers, strings and options) as an Arrow table; the schema
/// is traced from the type, so an empty table still has its columns.
fn arrow_table<T: serde::Serialize + for<'de> serde::Deserialize<'de>>(
    rows: &[T],
) -> PyResult<ArrowTable> {
    use serde_arrow::schema::{SchemaLike, TracingOptions};
    let error =
        |e: serde_arrow::Error| PyValueError::new_err(format!("cannot make an Arrow table: {e}"));
    let fields = Vec::<FieldRef>::from_type::<T>(TracingOptions::default()).map_err(error)?;
    let batch = serde_arrow::to_record_batch(&fields, &rows).map_err(error)?;
    Ok(ArrowTable { batch })
}

impl Game {
    fn seat(&self, nation: &str) -> PyResult<usize> {
        self.nations
            .iter()
            .position(|n| n == nation)
            .ok_or_else(|| {
                PyValueError::new_err(format!(
                    "no nation `{nation}` (nations: {})",
                    self.nations.join(", ")
                ))
            })
    }
}

fn build(spec: &str) -> PyResult<Box<dyn Strategy>> {
    gigawatt_agents::build(spec).map_err(|e| StrategyError::new_err(e.to_string()))
}

pyo3::create_exception!(
    _gigawatt,
    ConformanceError,
    PyException,
    "A strategy that broke the conformance kit's contract; the message lists every failure."
);

/// Run the conformance kit (`docs/strategies.md`, the contract every strategy must keep) on the
/// strategies `factory()` makes: a fresh object per game. Returns what was played; raises
/// `ConformanceError` listing every failure.
#[pyfunction]
#[pyo3(signature = (factory, seeds = 2, months = 48))]
fn conformance<'py>(
    py: Python<'py>,
    factory: Py<PyAny>,
    seeds: u32,
    months: u32,
) -> PyResult<Bound<'py, PyDict>> {
    let first = factory.call0(py)?;
    py_strategy(first.bind(py))?;
    let make = || -> Box<dyn Strategy> {
        Python::attach(|py| {
            let object = factory
                .call0(py)
                .unwrap_or_else(|e| panic!("the strategy factory failed: {e}"));
            let strategy =
                py_strategy(object.bind(py)).unwrap_or_else(|e| panic!("not a strategy: {e}"));
            Box::new(strategy) as Box<dyn Strategy>
        })
    };
    let options = gigawatt_agents::conformance::Options::default()
        .with_seeds(seeds)
        .with_months(months);
    // The kit's games call back into Python from wherever they run: let go of the interpreter.
    let result = py.detach(|| gigawatt_agents::conformance::check(&make, &options));
    match result {
        Ok(report) => {
            let d = PyDict::new(py);
            d.set_item("strategy", report.strategy)?;
            d.set_item("games", report.games)?;
            d.set_item("decisions", report.decisions)?;
            d.set_item("orders", report.orders)?;
            Ok(d)
        }
        Err(failures) => Err(ConformanceError::new_err(
            gigawatt_agents::conformance::describe(&failures),
        )),
    }
}

pyo3::create_exception!(
    _gigawatt,
    CommandError,
    PyException,
    "A `gigawatt` command that failed; the message is what the command line prints after `error:`."
);

/// Run a `gigawatt` command line in this process (`args` without the program name), as the CLI
/// would, and return what it printed on stdout. A failure raises `CommandError` with the CLI's
/// message; usage errors too, instead of exiting.
///
/// `local` lists `(name, factory)` pairs: strategies written in Python, playable under `name`
/// (`python:…`) in this command's specs; `factory()` makes one object per seat. Their games are
/// played on this thread, the others in parallel meanwhile.
#[pyfunction]
#[pyo3(signature = (args, local = Vec::new()))]
fn command(py: Python<'_>, args: Vec<String>, local: Vec<(String, Py<PyAny>)>) -> PyResult<String> {
    use clap::Parser;
    let cli =
        gigawatt_cli::Cli::try_parse_from(std::iter::once("gigawatt".to_string()).chain(args))
            .map_err(|e| CommandError::new_err(e.render().to_string()))?;
    let mut registrations = Vec::new();
    for (name, make) in local {
        let factory = Arc::new(PyFactory {
            name: name.clone(),
            make,
        });
        registrations.push(
            gigawatt_agents::local::register(&name, factory)
                .map_err(|e| StrategyError::new_err(e.to_string()))?,
        );
    }
    let mut out = Vec::new();
    // Long runs let go of the interpreter: other Python threads go on (and a Python strategy takes
    // it back for each decision).
    let result = py.detach(|| gigawatt_cli::cli::run(&cli, &mut out));
    drop(registrations);
    if let Some(interrupt) = take_interrupt() {
        return Err(interrupt);
    }
    let printed = String::from_utf8_lossy(&out).to_string();
    match result {
        Ok(code) if code == std::process::ExitCode::SUCCESS => Ok(printed),
        Ok(code) => Err(CommandError::new_err(format!(
            "the command ended with {code:?}:\n{printed}"
        ))),
        Err(e) => Err(CommandError::new_err(format!("{e:#}"))),
    }
}

/// The embedded scenarios' names.
#[pyfunction]
fn scenarios() -> Vec<String> {
    gigawatt_data::SCENARIOS
        .iter()
        .map(|s| s.name.to_string())
        .collect()
}

/// The built-in strategies: name, description, numeric parameters (name, default, min, max).
#[pyfunction]
fn strategies<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for info in gigawatt_agents::registry::strategies() {
        let d = PyDict::new(py);
        d.set_item("name", info.name)?;
        d.set_item("description", info.description)?;
        d.set_item("slow", info.slow)?;
        let params = PyList::empty(py);
        for p in info.params() {
            let pd = PyDict::new(py);
            pd.set_item("name", p.name)?;
            pd.set_item("default", p.default)?;
            pd.set_item("min", p.min)?;
            pd.set_item("max", p.max)?;
            pd.set_item("integer", p.integer)?;
            pd.set_item("description", p.doc)?;
            params.append(pd)?;
        }
        d.set_item("params", params)?;
        d.set_item("arguments", info.text_args())?;
        list.append(d)?;
    }
    Ok(list)
}

/// A scenario (an embedded name or a file, which may inherit) as a dict; a bad one raises
/// `ScenarioError` naming FILE:LINE:COL and the field.
#[pyfunction]
fn load_scenario<'py>(py: Python<'py>, spec: &str) -> PyResult<Bound<'py, PyAny>> {
    let scenario = scenario_by_spec(spec)?;
    to_py(py, &*scenario)
}

/// Check a strategy spec; returns its canonical form.
#[pyfunction]
fn check_strategy(spec: &str) -> PyResult<String> {
    gigawatt_agents::check(spec).map_err(|e| StrategyError::new_err(e.to_string()))
}

#[pymodule]
fn _gigawatt(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Ctrl-C belongs to the interpreter: a run in this process must not take SIGINT from it.
    gigawatt_arena::signals::allow_handlers(false);
    m.add_class::<Game>()?;
    m.add_class::<ArrowTable>()?;
    m.add_function(wrap_pyfunction!(scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(strategies, m)?)?;
    m.add_function(wrap_pyfunction!(load_scenario, m)?)?;
    m.add_function(wrap_pyfunction!(check_strategy, m)?)?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("StrategyError", m.py().get_type::<StrategyError>())?;
    m.add("ConformanceError", m.py().get_type::<ConformanceError>())?;
    m.add_function(wrap_pyfunction!(conformance, m)?)?;
    m.add_function(wrap_pyfunction!(command, m)?)?;
    m.add("CommandError", m.py().get_type::<CommandError>())?;
    m.add("PROTOCOL_VERSION", gigawatt_agents::exec::PROTOCOL_VERSION)?;
    // The order of per-kind arrays such as `own.starts_left_mw` and `own.fleet_mw`.
    let kinds: Vec<&str> = gigawatt_engine::PlantKind::ALL
        .iter()
        .map(|k| k.name())
        .collect();
    m.add("PLANT_KINDS", kinds)?;
    Ok(())
}

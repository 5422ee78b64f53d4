"""Gigawatt from Python: the AI race between nations as an industrial race for compute, chips and
gigawatts.

    import gigawatt
    outcome, trace = gigawatt.play(agents={"chn": "builder"}, seed=1)
    print(outcome["winner"], trace.head())          # trace: a pandas DataFrame when pandas is here

    class Greedy:                                   # a strategy: decide(observation) -> orders
        def decide(self, observation):
            return [{"FundResearch": {"lab": observation["labs"][0]["index"], "usd": 1e9}}]
    gigawatt.play(agents={"usa": Greedy()})

Observations, orders and outcomes are plain dicts and lists in the shapes of docs/protocol.md (the
same JSON an agent in any language reads and writes). `gigawatt.env.parallel_env()` is a
PettingZoo environment.
"""

import os
import tempfile

from ._gigawatt import (
    PLANT_KINDS,
    PROTOCOL_VERSION,
    CommandError,
    ConformanceError,
    Game,
    ScenarioError,
    StrategyError,
    check_strategy,
    command,
    conformance,
    load_scenario,
    scenarios,
    strategies,
)

__all__ = [
    "PLANT_KINDS",
    "PROTOCOL_VERSION",
    "CommandError",
    "ConformanceError",
    "DEFAULT_SCENARIO",
    "Game",
    "ScenarioError",
    "StrategyError",
    "Results",
    "check_strategy",
    "command",
    "conformance",
    "explore",
    "load_scenario",
    "play",
    "scenarios",
    "strategies",
    "tournament",
    "tune",
]

DEFAULT_SCENARIO = "us-china-2025"


def _frame(rows, frame="auto"):
    """Rows as a table: ``"pandas"``, ``"polars"``, ``"rows"`` (the list of dicts), or ``"auto"``
    (pandas when it is installed, else rows)."""
    if frame == "rows":
        return rows
    if frame == "polars":
        import polars

        return polars.DataFrame(rows)
    try:
        import pandas
    except ImportError:
        if frame == "pandas":
            raise
        return rows
    return pandas.DataFrame(rows)


def play(scenario=DEFAULT_SCENARIO, agents=None, seed=0, months=None, trace=True, frame="auto"):
    """Play one game; returns (outcome, trace).

    `agents` maps nation ids to a strategy spec (``"builder"``, ``"parametric(compute_share:
    0.6)"``, ``"exec:python3 agent.py"``) or an object with ``decide(observation) -> orders``;
    nations not named play ``status-quo``. A strategy that raises, or returns orders that are not
    orders, faults: the fault is in ``outcome["faults"]`` and ``status-quo`` plays on. The outcome is
    the dict ``gigawatt play --json`` prints; the trace has one row per nation and month (a pandas
    DataFrame when pandas is installed, or as ``frame`` says: ``"polars"``, ``"pandas"``,
    ``"rows"``, ``"arrow"`` for a pyarrow Table; ``None`` with ``trace=False``). The columns
    cross as Arrow, without a Python object per value, when pyarrow (for pandas) or polars is
    installed.
    """
    game = Game(scenario, dict(agents or {}), seed=seed, months=months, trace=trace)
    outcome = game.run()
    return outcome, (_trace_frame(game, frame) if trace else None)


def _trace_frame(game, frame):
    """The game's trace as asked. It crosses from Rust as Arrow columns (`game.trace_arrow()`, the
    Arrow PyCapsule protocol): polars and pyarrow take them without a copy, pandas through pyarrow
    (numeric columns without one where pandas allows); without pyarrow, pandas gets the rows."""
    if frame == "rows":
        return game.trace()
    table = game.trace_arrow()
    if frame == "arrow":
        import pyarrow

        return pyarrow.table(table)
    if frame == "polars":
        import polars

        return polars.DataFrame(table)
    try:
        import pyarrow
    except ImportError:
        return _frame(game.trace(), frame)
    try:
        return pyarrow.table(table).to_pandas()
    except ImportError:
        if frame == "pandas":
            raise
        return game.trace()


class Results:
    """A results folder written by a tournament, explore or tuning run: `dir`, the summary the
    command printed (`text`), and its CSV files as tables (pandas DataFrames when pandas is
    installed): `results.table("standings")`, or the attributes `standings`, `payoff`, `seats`."""

    def __init__(self, dir, text):
        self.dir = dir
        self.text = text

    def files(self):
        return sorted(os.listdir(self.dir))

    def table(self, name):
        path = os.path.join(self.dir, name if name.endswith(".csv") else name + ".csv")
        try:
            import pandas
        except ImportError:
            import csv

            with open(path, newline="") as f:
                return list(csv.DictReader(f))
        return pandas.read_csv(path)

    def __getattr__(self, name):
        if name.startswith("_") or not os.path.exists(os.path.join(self.dir, name + ".csv")):
            raise AttributeError(name)
        return self.table(name)

    def __repr__(self):
        return f"Results({self.dir!r}: {', '.join(self.files())})"


def _flags(**options):
    args = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            for item in value:
                args += [flag, str(item)]
        else:
            args += [flag, str(value)]
    return args


def _local_name(item):
    """The spec a Python strategy plays under in runs: ``python:`` and its ``name`` attribute, or
    else the name of its class (or function)."""
    name = getattr(item, "name", None)
    if not isinstance(name, str) or not name:
        if isinstance(item, type) or not hasattr(item, "decide"):
            name = getattr(item, "__name__", type(item).__name__)
        else:
            name = type(item).__name__
    return name if name.startswith("python:") else "python:" + name


def _factory(item):
    """A zero-argument callable making one strategy object per seat: a class or function is called;
    an object with ``decide`` is copied (``copy.deepcopy``), so that seats never share state."""
    if hasattr(item, "decide") and not isinstance(item, type):
        import copy

        return lambda: copy.deepcopy(item)
    if callable(item):
        return item
    raise StrategyError(f"{item!r} is neither a strategy spec, a class, nor an object with decide()")


def _split(strategies, local=None):
    """Specs for the command line, and the Python strategies among `strategies` and `local`
    (a list of classes/objects, or a dict of name -> class/object) as (name, factory) pairs."""
    specs, pairs = [], []
    named = list(local.items()) if isinstance(local, dict) else [
        (None, item) for item in (local or [])]
    for item in strategies or []:
        if isinstance(item, str):
            specs.append(item)
        else:
            named.append((None, item))
            specs.append(_local_name(item))
    for name, item in named:
        name = _local_name(item) if name is None else name
        if any(name == n for n, _ in pairs):
            continue
        pairs.append((name, _factory(item)))
    return (specs or None), pairs


def _run(subcommand, out, options, local=()):
    out = out or tempfile.mkdtemp(prefix=f"gigawatt-{subcommand}-")
    text = command([subcommand] + _flags(**options) + ["--out", str(out)], list(local))
    return Results(str(out), text)


def tournament(strategies=None, scenario=None, seeds=None, seed=None, months=None, worlds=None,
               gauntlet=None, threads=None, resamples=None, out=None, resume=False):
    """`gigawatt tournament` with the same options (docs/tournaments.md); returns its `Results`
    (`standings`, `payoff`, … as tables). Without `out`, the files go to a new temporary folder.
    Strategies are specs (built-ins, spec files, `exec:COMMAND`) or Python strategies: a class (or
    function) making an object with ``decide(observation)``, or such an object (copied per seat),
    playing as ``python:<name>``. Games with a Python strategy run on this thread, the others in
    parallel meanwhile."""
    specs, local = _split(strategies)
    return _run("tournament", out, dict(
        strategy=specs, scenario=scenario, seeds=seeds, seed=seed, months=months,
        worlds=worlds, gauntlet=gauntlet, threads=threads, resamples=resamples, resume=resume,
        quiet=True), local)


def explore(strategies=None, scenario=None, worlds=None, seed=None, months=None, threads=None,
            interest=None, interest_share=None, satisfice=None, out=None, resume=False):
    """`gigawatt explore` (docs/uncertainty.md): the strategies over sampled worlds, with
    `worlds`, `sensitivity`, `robustness` and the tournament's tables in its `Results`. Strategies
    may be Python strategies, as in `tournament`."""
    specs, local = _split(strategies)
    return _run("explore", out, dict(
        strategy=specs, scenario=scenario, worlds=worlds, seed=seed, months=months,
        threads=threads, interest=interest, interest_share=interest_share, satisfice=satisfice,
        resume=resume, quiet=True), local)


def tune(config, out=None, threads=None, worlds=None, resume=False, local=None):
    """`gigawatt tune --config FILE` (docs/strategies.md §10): `history`, `best.ron` and the
    summary in its `Results`. `local` makes Python strategies available to the configuration's
    opponents: a dict of spec name (``"python:mine"``) to class/object, or a list of them (named
    ``python:<name>``)."""
    _, pairs = _split([], local)
    return _run("tune", out, dict(config=config, threads=threads, worlds=worlds, resume=resume,
                                  quiet=True), pairs)

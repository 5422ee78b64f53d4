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

from ._gigawatt import (
    PROTOCOL_VERSION,
    ConformanceError,
    Game,
    ScenarioError,
    StrategyError,
    check_strategy,
    conformance,
    load_scenario,
    scenarios,
    strategies,
)

__all__ = [
    "PROTOCOL_VERSION",
    "ConformanceError",
    "DEFAULT_SCENARIO",
    "Game",
    "ScenarioError",
    "StrategyError",
    "check_strategy",
    "conformance",
    "load_scenario",
    "play",
    "scenarios",
    "strategies",
]

DEFAULT_SCENARIO = "us-china-2025"


def _frame(rows):
    """Rows as a pandas DataFrame when pandas is installed, else the list of dicts."""
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows)


def play(scenario=DEFAULT_SCENARIO, agents=None, seed=0, months=None, trace=True):
    """Play one game; returns (outcome, trace).

    `agents` maps nation ids to a strategy spec (``"builder"``, ``"parametric(compute_share:
    0.6)"``, ``"exec:python3 agent.py"``) or an object with ``decide(observation) -> orders``;
    nations not named play ``status-quo``. A strategy that raises, or returns orders that are not
    orders, faults: the fault is in ``outcome["faults"]`` and ``status-quo`` plays on. The outcome is
    the dict ``gigawatt play --json`` prints; the trace has one row per nation and month (a pandas
    DataFrame when pandas is installed; ``None`` with ``trace=False``).
    """
    game = Game(scenario, dict(agents or {}), seed=seed, months=months, trace=trace)
    outcome = game.run()
    return outcome, (_frame(game.trace()) if trace else None)

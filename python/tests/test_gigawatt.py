"""`import gigawatt`: games, Python strategies, scenarios and the errors a user meets."""

import json
import subprocess

import pytest

import gigawatt


def test_scenarios_and_strategies_are_listed():
    assert "us-china-2025" in gigawatt.scenarios()
    names = [s["name"] for s in gigawatt.strategies()]
    assert {"status-quo", "builder", "exec"} <= set(names)
    builder = next(s for s in gigawatt.strategies() if s["name"] == "parametric")
    assert any(p["name"] == "compute_share" for p in builder["params"])


def test_play_returns_the_outcome_and_the_trace():
    outcome, trace = gigawatt.play(agents={"chn": "builder"}, seed=1, months=24)
    assert outcome["months_played"] == 24
    assert [n["id"] for n in outcome["nations"]] == ["usa", "chn"]
    assert outcome["nations"][1]["strategy"] == "builder"
    # One trace row per nation and month.
    assert len(trace) == 48
    assert {"month", "nation", "generation_capacity_gw"} <= set(trace.columns)


def test_play_matches_the_command_line_bit_for_bit(gigawatt_bin):
    outcome, _ = gigawatt.play(agents={"chn": "builder"}, seed=7, months=36, trace=False)
    cli = subprocess.run(
        [gigawatt_bin, "play", "--agent", "chn=builder", "--seed", "7", "--months", "36", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(cli.stdout) == outcome


class ResearchFirst:
    """Funds the first lab's research with a tenth of the treasury each month."""

    name = "research-first"

    def decide(self, observation):
        lab = observation["labs"][0]["index"]
        return [{"FundResearch": {"lab": lab, "usd": observation["own"]["treasury_usd"] * 0.1}}]


def test_a_python_strategy_plays_a_seat():
    outcome, _ = gigawatt.play(agents={"usa": ResearchFirst()}, months=12, trace=False)
    assert outcome["faults"] == []
    assert outcome["nations"][0]["strategy"] == "python:research-first"
    baseline, _ = gigawatt.play(months=12, trace=False)
    assert outcome["nations"][0]["money_spent_usd"] != baseline["nations"][0]["money_spent_usd"]


class Broken:
    def decide(self, observation):
        raise RuntimeError("no plan")


def test_a_python_strategy_that_raises_faults_and_status_quo_plays_on():
    outcome, _ = gigawatt.play(agents={"usa": Broken()}, months=6, trace=False)
    assert outcome["months_played"] == 6
    [fault] = outcome["faults"]
    assert fault["month"] == 0 and "no plan" in fault["message"]
    assert fault["message"].endswith("the nation plays `status-quo` from now on")


def test_a_game_steps_with_orders_given_from_outside():
    game = gigawatt.Game("us-china-2025", {"usa": None}, seed=2, months=3)
    assert game.nations == ["usa", "chn"]
    lab = game.observation("usa")["labs"][0]["index"]
    assert game.step({"usa": [{"SetComputeSplit": {"lab": lab, "training_share": 0.9}}]})
    assert game.observation("usa")["labs"][0]["training_share"] == 0.9
    with pytest.raises(ValueError, match="played by a strategy"):
        game.step({"chn": []})
    with pytest.raises(ValueError, match="not a list of orders"):
        game.step({"usa": [{"BuildCastle": {}}]})


def test_errors_carry_the_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.ron"
    bad.write_text('Scenario(base: "us-china-2025", name: "bad",\n  global: (chip_cost_usd_per_h100e: -5.0))')
    with pytest.raises(gigawatt.ScenarioError, match=r"bad.ron:2:\d+: global.chip_cost_usd_per_h100e"):
        gigawatt.load_scenario(str(bad))
    with pytest.raises(gigawatt.StrategyError, match="unknown strategy `bogus`"):
        gigawatt.play(agents={"usa": "bogus"})
    with pytest.raises(ValueError, match="no nation `atlantis`"):
        gigawatt.play(agents={"atlantis": "builder"})
    scenario = gigawatt.load_scenario("world-2025")
    assert [n["id"] for n in scenario["nations"]] == ["usa", "chn", "eu", "gulf", "ind"]


def test_the_conformance_kit_passes_a_good_python_strategy():
    report = gigawatt.conformance(ResearchFirst, seeds=1, months=12)
    assert report["strategy"] == "python:research-first"
    assert report["games"] > 0 and report["decisions"] > 0


class Spendthrift:
    """Orders far more chips than the treasury holds, every month."""

    def decide(self, observation):
        return [{"OrderChips": {"lab": observation["labs"][0]["index"], "h100e": 1e9}}]


def test_the_conformance_kit_names_what_a_bad_python_strategy_breaks():
    with pytest.raises(gigawatt.ConformanceError, match="treasury"):
        gigawatt.conformance(Spendthrift, seeds=1, months=12)


def test_a_tournament_from_python_writes_the_command_s_files_and_returns_its_tables(tmp_path):
    results = gigawatt.tournament(
        strategies=["status-quo", "builder"], seeds=2, months=24, out=tmp_path / "t"
    )
    assert "games planned" in results.text
    standings = results.standings
    assert sorted(standings["strategy"]) == ["builder", "status-quo"]
    assert "games.jsonl" in results.files()
    # The same folder again is complete: nothing is played twice.
    again = gigawatt.tournament(
        strategies=["status-quo", "builder"], seeds=2, months=24, out=tmp_path / "t"
    )
    assert "0 played now" in again.text


def test_explore_from_python_returns_the_worlds_and_what_decides_the_race(tmp_path):
    results = gigawatt.explore(
        strategies=["status-quo", "builder"], worlds=6, months=24, out=tmp_path / "e"
    )
    assert len(results.worlds) == 6
    assert {"outcome", "parameter"} <= set(results.sensitivity.columns)


def test_a_failing_command_raises_with_the_command_line_s_message():
    with pytest.raises(gigawatt.CommandError, match="unknown strategy `bogus`"):
        gigawatt.tournament(strategies=["bogus"], seeds=1)
    with pytest.raises(gigawatt.CommandError, match="unexpected argument"):
        gigawatt.command(["tournament", "--no-such-flag"])


@pytest.fixture
def python_owns_ctrl_c():
    """Ctrl-C raises `KeyboardInterrupt`, as in an interactive interpreter. A process started in
    the background by a non-interactive shell inherits SIGINT ignored and Python leaves it so; these
    tests are about a run handing Ctrl-C back, not about how pytest was started."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_stays_python_s_after_a_run(python_owns_ctrl_c):
    import os
    import signal
    import time

    gigawatt.tournament(strategies=["status-quo"], seeds=1, months=3)
    for _ in range(2):
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1.0)


def test_the_trace_comes_as_the_table_asked_for():
    _, rows = gigawatt.play(months=2, frame="rows")
    assert isinstance(rows, list) and rows[0]["nation"] == "usa"
    polars = pytest.importorskip("polars")
    _, frame = gigawatt.play(months=2, frame="polars")
    assert isinstance(frame, polars.DataFrame) and frame.height == 4


class Idle:
    """Gives no orders: the same logic as the Rust spec `scripted(plan: [])`."""

    name = "idle"

    def decide(self, observation):
        return []


def _games(folder):
    with open(folder / "games.jsonl") as f:
        return [json.loads(line) for line in f]


def test_a_python_strategy_plays_in_a_tournament_like_the_same_logic_in_rust(tmp_path):
    python = gigawatt.tournament(
        strategies=[Idle, "builder"], seeds=2, months=24, threads=2, out=tmp_path / "py"
    )
    rust = gigawatt.tournament(
        strategies=["scripted(plan: [])", "builder"], seeds=2, months=24, threads=2,
        out=tmp_path / "rust",
    )
    assert sorted(python.standings["strategy"]) == ["builder", "python:idle"]
    games, same = _games(tmp_path / "py"), _games(tmp_path / "rust")
    assert len(games) == len(same) > 0
    for a, b in zip(games, same):
        assert a["game_id"] == b["game_id"]
        assert [s["strategy"].replace("python:idle", "scripted(plan:[])") for s in a["seats"]] == [
            s["strategy"] for s in b["seats"]
        ]
        assert [s["score"] for s in a["seats"]] == [s["score"] for s in b["seats"]]
    # An object (copied for every seat) plays like its class.
    again = gigawatt.tournament(
        strategies=[Idle(), "builder"], seeds=2, months=24, out=tmp_path / "object"
    )
    assert [g["seats"] for g in _games(tmp_path / "object")] == [g["seats"] for g in games]
    assert "python:idle" in again.text


def test_python_strategies_play_on_the_calling_thread():
    import threading

    seen = set()

    class Where(Idle):
        name = "where"

        def decide(self, observation):
            seen.add(threading.get_ident())
            return []

    gigawatt.tournament(strategies=[Where, "builder", "scaler"], seeds=2, months=6, threads=2)
    assert seen == {threading.get_ident()}


def test_a_python_opponent_in_tuning(tmp_path):
    config = tmp_path / "tune.ron"
    config.write_text(
        """(
    strategy: "parametric",
    space: [(name: "compute_share", low: 0.2, high: 1.0)],
    pool: ["python:idle", "builder"],
    scenarios: ["us-china-2025"],
    seats: [],
    seeds: 1,
    optimiser: random(evaluations: 4, batch: 2),
    finalists: 1,
    finalist_seeds: 1,
    held_out_seeds: 2,
    months: Some(12),
    seed: 3,
)"""
    )
    results = gigawatt.tune(str(config), out=tmp_path / "t", threads=2, local=[Idle])
    assert "history.csv" in results.files()
    with pytest.raises(gigawatt.CommandError, match="python:idle"):
        gigawatt.tune(str(config), out=tmp_path / "u", threads=2)


def test_ctrl_c_in_a_python_strategy_stops_the_tournament_and_keeps_what_was_played(
    tmp_path, python_owns_ctrl_c
):
    import os
    import signal

    calls = []

    class Interrupts(Idle):
        name = "interrupts"

        def decide(self, observation):
            calls.append(1)
            if len(calls) == 40:
                os.kill(os.getpid(), signal.SIGINT)
            return []

    out = tmp_path / "stopped"
    with pytest.raises(KeyboardInterrupt):
        gigawatt.tournament(strategies=[Interrupts, "builder"], seeds=4, months=12, out=out)
    kept = _games(out)
    # Python is itself again: the next run plays to the end (no more interrupts: calls > 40).
    whole = tmp_path / "whole"
    gigawatt.tournament(strategies=[Interrupts, "builder"], seeds=4, months=12, out=whole)
    assert 0 < len(kept) < len(_games(whole)), "the run stopped early and kept what it wrote"
    # The stopped folder resumes to exactly the unbroken run's games.
    gigawatt.tournament(strategies=[Interrupts, "builder"], seeds=4, months=12, out=out)

    def lines(folder):
        return sorted(json.dumps(g, sort_keys=True) for g in _games(folder))

    assert lines(out) == lines(whole)


def test_the_trace_crosses_as_arrow_with_the_rows_values():
    pyarrow = pytest.importorskip("pyarrow")
    game = gigawatt.Game("us-china-2025", {"chn": "builder"}, seed=3, months=6, trace=True)
    game.run()
    rows = game.trace()
    table = pyarrow.table(game.trace_arrow())  # the Arrow PyCapsule protocol
    assert table.num_rows == len(rows) == 12
    assert table.column_names == list(rows[0].keys())
    assert table.to_pylist() == rows
    assert pyarrow.types.is_floating(table.schema.field("generation_capacity_gw").type)
    _, arrow = gigawatt.play(agents={"chn": "builder"}, seed=3, months=6, frame="arrow")
    assert arrow.equals(table)
    polars = pytest.importorskip("polars")
    assert polars.DataFrame(game.trace_arrow()).to_dicts() == rows

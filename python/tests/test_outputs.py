"""Every file a tournament, an explore run and `play --trace` write loads unchanged in pandas, polars
and pyarrow, with the row counts, types and exact seeds docs/data.md promises.

Runs the release binary (`GIGAWATT_BIN`, else target/release/gigawatt) on a small tournament and a
small explore run in a temporary folder. `.ci/run` runs it from a virtual environment; `cargo test`
does not need Python.
"""

import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("GIGAWATT_BIN", ROOT / "target" / "release" / "gigawatt"))
SCHEMA = json.loads((ROOT / "docs" / "games.schema.json").read_text())
STRATEGIES = ["builder", "driller", "parametric(compute_share: 0.6, dereg_month: 12)"]
# A tuning run of a dozen evaluations: its finalists' specs hold commas, so they are quoted.
TUNE_CONFIG = """(
    strategy: "parametric",
    space: [
        (name: "compute_share", low: 0.3, high: 1.0),
        (name: "export_control_month", low: 0, high: 36),
    ],
    pool: ["status-quo", "builder"],
    held_out: ["balanced"],
    scenarios: ["us-china-2025"],
    seats: ["chn"],
    seeds: 1,
    optimiser: cmaes(evaluations: 12, population: 6, sigma: 0.3),
    finalists: 2,
    finalist_seeds: 2,
    held_out_seeds: 2,
    months: Some(24),
    seed: 3,
)"""


def run(*args):
    subprocess.run([str(BIN), *args], check=True, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("outputs")
    tournament = base / "tournament"
    explore = base / "explore"
    strategy_args = [a for s in STRATEGIES for a in ("--strategy", s)]
    run("tournament", *strategy_args, "--seeds", "4", "--months", "36", "--seed", "3",
        "--out", str(tournament), "--quiet")
    run("explore", "--strategy", "builder", "--strategy", "driller", "--worlds", "6",
        "--months", "36", "--seed", "5", "--out", str(explore), "--quiet")
    trace = base / "trace.csv"
    run("play", "--agent", "usa=builder", "--seed", "18446744073709551557", "--months", "24",
        "--trace", str(trace))
    tune = base / "tune"
    (base / "tune.ron").write_text(TUNE_CONFIG)
    run("tune", "--config", str(base / "tune.ron"), "--out", str(tune), "--quiet")
    return {"tournament": tournament, "explore": explore, "trace": trace, "tune": tune}


def games_of(folder):
    """games.jsonl through Python's json, which keeps every integer exact."""
    return [json.loads(line) for line in (folder / "games.jsonl").read_text().splitlines()]


def load_csv(path):
    """The file in all three libraries, with their own type inference (no options)."""
    return pd.read_csv(path), pl.read_csv(path), pacsv.read_csv(path)


def check_same_shape(path, frames):
    pandas, polars, arrow = frames
    header = path.read_text().split("\n", 1)[0].split(",") if path.suffix == ".csv" else None
    assert len(pandas) == polars.height == arrow.num_rows, path.name
    assert list(pandas.columns) == polars.columns == arrow.column_names, path.name
    if header is not None and '"' not in path.read_text().split("\n", 1)[0]:
        assert list(pandas.columns) == header, path.name


@pytest.mark.parametrize("kind", ["tournament", "explore"])
def test_every_csv_loads_in_all_three(folders, kind):
    folder = folders[kind]
    csvs = sorted(folder.glob("*.csv"))
    names = {p.name for p in csvs}
    expected = {"standings.csv", "payoff.csv", "arrival.csv", "analysis.csv", "seats.csv",
                "capability_by_year.csv"}
    if kind == "explore":
        expected |= {"worlds.csv", "sensitivity.csv", "robustness.csv"}
    assert expected <= names, names
    for path in csvs:
        check_same_shape(path, load_csv(path))


@pytest.mark.parametrize("kind", ["tournament", "explore"])
def test_seats_tables_hold_every_seat_with_exact_seeds(folders, kind):
    folder = folders[kind]
    games = sorted(games_of(folder), key=lambda g: g["game_id"])
    seats = [(g, i, s) for g in games for i, s in enumerate(g["seats"])]
    seeds = [g["seed"] for g, _, _ in seats]
    assert any(seed >= 2**63 for seed in seeds), "the run should exercise seeds above 2^63"

    pandas, polars, arrow = load_csv(folder / "seats.csv")
    assert len(pandas) == len(seats)
    for frame_seeds in (
        [(int(h) << 32) | int(lo) for h, lo in zip(pandas.seed_high, pandas.seed_low)],
        [(h << 32) | lo for h, lo in zip(polars["seed_high"].to_list(), polars["seed_low"].to_list())],
        [(h << 32) | lo for h, lo in zip(arrow["seed_high"].to_pylist(), arrow["seed_low"].to_pylist())],
    ):
        assert frame_seeds == seeds
    assert pandas.winner.dtype == bool and polars["winner"].dtype == pl.Boolean
    assert arrow.schema.field("winner").type == pa.bool_()
    assert pandas.game_id.tolist() == [g["game_id"] for g, _, _ in seats]
    assert pandas.nation.tolist() == [s["nation"] for _, _, s in seats]
    assert pandas.strategy.tolist() == [s["strategy"] for _, _, s in seats]
    assert pandas.score.tolist() == [s["score"] for _, _, s in seats]
    assert pandas.capability.tolist() == [s["capability"] for _, _, s in seats]
    assert pandas.money_spent_usd.tolist() == [s["money_spent_usd"] for _, _, s in seats]
    assert pandas.rejected_orders.tolist() == [s["rejected_orders"] for _, _, s in seats]
    assert pandas.winner.tolist() == [g["winner"] == s["nation"] for g, _, s in seats]

    path = folder / "seats.parquet"
    for frame in (pd.read_parquet(path), pl.read_parquet(path), pq.read_table(path)):
        if isinstance(frame, pd.DataFrame):
            assert frame.seed.dtype == "uint64"
            got = [int(x) for x in frame.seed]
            assert list(frame.columns)[:5] == ["game_id", "unit", "world", "scenario", "seed"]
            assert list(frame.drop(columns="seed").columns) == list(pandas.columns)
        elif isinstance(frame, pl.DataFrame):
            assert frame["seed"].dtype == pl.UInt64
            assert frame["game_id"].dtype == pl.UInt64
            got = frame["seed"].to_list()
        else:
            assert frame.schema.field("seed").type == pa.uint64()
            assert frame.schema.field("score").type == pa.float64()
            assert frame.schema.field("nation").type in (pa.string(), pa.large_string())
            got = frame["seed"].to_pylist()
        assert got == seeds
        assert len(frame) == len(seats)


@pytest.mark.parametrize("kind", ["tournament", "explore"])
def test_capability_by_year_is_tidy_with_years(folders, kind):
    folder = folders[kind]
    games = sorted(games_of(folder), key=lambda g: g["game_id"])
    expected = [
        (g["game_id"], s["nation"], g["capability_years"][y], c)
        for g in games
        for s in g["seats"]
        for y, c in enumerate(s["capability_by_year"])
    ]
    pandas, polars, arrow = load_csv(folder / "capability_by_year.csv")
    assert len(pandas) == polars.height == arrow.num_rows == len(expected)
    assert list(zip(pandas.game_id, pandas.nation, pandas.year, pandas.capability)) == expected
    assert polars["year"].dtype == pl.Int64


@pytest.mark.parametrize("kind", ["tournament", "explore"])
def test_games_jsonl_loads_in_all_three_and_follows_its_schema(folders, kind):
    folder = folders[kind]
    path = folder / "games.jsonl"
    games = games_of(folder)
    for game in games:
        jsonschema.validate(game, SCHEMA)
        assert isinstance(game["faults"], list)
        assert game["seed"] == (game["seed_high"] << 32) | game["seed_low"]
        assert len(game["capability_years"]) == max(len(s["capability_by_year"]) for s in game["seats"])

    pandas = pd.read_json(path, lines=True)
    assert len(pandas) == len(games)
    assert [int(s) for s in pandas.seed] == [g["seed"] for g in games]

    polars = pl.read_ndjson(path)
    assert polars.height == len(games)
    assert polars["seed"].to_list() == [g["seed"] for g in games]
    # The seats flatten into the game without a duplicate column (the game's arrival is
    # first_asi_month).
    flat = polars.explode("seats").unnest("seats")
    assert flat.height == sum(len(g["seats"]) for g in games)
    assert "asi_month" in flat.columns and "first_asi_month" in flat.columns
    flat_pandas = pd.json_normalize(games, record_path="seats", meta=["game_id", "first_asi_month", "seed"])
    assert len(flat_pandas) == flat.height
    # With the types docs/data.md gives, polars reads faults as records even when every list is
    # empty, and the seed as UInt64.
    fault = pl.Struct({"month": pl.UInt32, "nation": pl.String, "strategy": pl.String,
                       "message": pl.String})
    typed = pl.read_ndjson(path, schema_overrides={"faults": pl.List(fault), "seed": pl.UInt64})
    assert typed["seed"].dtype == pl.UInt64
    assert typed["seed"].to_list() == [g["seed"] for g in games]
    assert typed["faults"].dtype == pl.List(fault)

    arrow = pajson.read_json(path)
    assert arrow.num_rows == len(games)
    halves = zip(arrow["seed_high"].to_pylist(), arrow["seed_low"].to_pylist())
    assert [(h << 32) | lo for h, lo in halves] == [g["seed"] for g in games]


@pytest.mark.parametrize("kind", ["tournament", "explore"])
def test_analysis_loads_as_json_and_as_a_table(folders, kind):
    folder = folders[kind]
    analysis = json.loads((folder / "analysis.json").read_text())
    pandas, polars, arrow = load_csv(folder / "analysis.csv")
    assert pandas.strategy.tolist() == analysis["strategies"]
    assert polars["nash_support"].dtype == pl.Boolean
    assert arrow.schema.field("alpha_rank").type == pa.int64()
    for _, row in pandas.iterrows():
        assert row.nash_probability == analysis["nash"]["probabilities"][row.strategy]
        assert row.stationary == analysis["evolutionary"]["stationary"][row.strategy]
    ranked = [r["strategy"] for r in analysis["alpha_rank"]]
    assert pandas.sort_values("alpha_rank").strategy.tolist() == ranked


def test_tournament_tables_match_standings(folders):
    folder = folders["tournament"]
    standings = pd.read_csv(folder / "standings.csv")
    assert sorted(standings.strategy) == sorted(STRATEGIES)
    seats = pl.read_parquet(folder / "seats.parquet")
    games = seats.group_by("strategy").agg(pl.len().alias("games"))
    counts = dict(zip(games["strategy"].to_list(), games["games"].to_list()))
    assert {s: counts[s] for s in STRATEGIES} == dict(zip(standings.strategy, standings.games))


def test_explore_json_and_csv_files_load(folders):
    folder = folders["explore"]
    discovery = json.loads((folder / "discovery.json").read_text())
    assert isinstance(discovery, dict)
    worlds = pd.read_csv(folder / "worlds.csv")
    assert len(worlds) == 6 and worlds.world.tolist() == list(range(6))
    games = games_of(folder)
    assert sorted({g["world"] for g in games}) == list(range(6))


def test_play_trace_loads_in_all_three(folders):
    path = folders["trace"]
    frames = load_csv(path)
    check_same_shape(path, frames)
    pandas, polars, _ = frames
    assert list(pandas.columns[:3]) == ["month", "year", "nation"]
    assert len(pandas) == 24 * pandas.nation.nunique()
    assert polars["training_flop"].dtype == pl.Float64


def test_the_documented_seed_formulas_are_exact(folders):
    """docs/data.md's recipes for the seed from its halves."""
    folder = folders["tournament"]
    games = sorted(games_of(folder), key=lambda g: g["game_id"])
    seeds = [g["seed"] for g in games for _ in g["seats"]]
    df = pd.read_csv(folder / "seats.csv")
    pandas = df.seed_high.astype("uint64") * 2**32 + df.seed_low.astype("uint64")
    assert pandas.dtype == "uint64" and [int(x) for x in pandas] == seeds
    polars = pl.read_csv(folder / "seats.csv").select(
        seed=pl.col("seed_high").cast(pl.UInt64) * 2**32 + pl.col("seed_low").cast(pl.UInt64)
    )
    assert polars["seed"].dtype == pl.UInt64 and polars["seed"].to_list() == seeds


def test_tuning_files_load_in_all_three(folders):
    folder = folders["tune"]
    for name, rows in [("history.csv", 12), ("finalists.csv", 2), ("held_out.csv", 2)]:
        path = folder / name
        frames = load_csv(path)
        check_same_shape(path, frames)
        assert len(frames[0]) == rows, name
    finalists = pd.read_csv(folder / "finalists.csv")
    assert all(spec.startswith("parametric(") and "," in spec for spec in finalists.spec)
    history = pl.read_csv(folder / "history.csv")
    assert history.columns[:4] == ["evaluation", "generation", "compute_share", "export_control_month"]
    assert history["score"].dtype == pl.Float64

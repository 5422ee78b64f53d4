import os
import pathlib

import pytest


@pytest.fixture(scope="session")
def gigawatt_bin():
    """The release binary the CLI comparisons run (`GIGAWATT_BIN`, else target/release/gigawatt)."""
    path = os.environ.get("GIGAWATT_BIN") or str(
        pathlib.Path(__file__).resolve().parents[2] / "target" / "release" / "gigawatt"
    )
    if not os.path.exists(path):
        pytest.skip(f"no gigawatt binary at {path}: build it with `cargo build --release`")
    return path

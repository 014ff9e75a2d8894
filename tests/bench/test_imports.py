"""Every module of bench/ still imports: they run by hand (`python -m bench.<name>`), not in the
suite, so a name moved in the package would otherwise break one silently (bench.publishing
imported `warehouse.publish.fsync` long after it had moved to contract.files)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = sorted(
    p.stem for p in (Path(__file__).resolve().parents[2] / "bench").glob("*.py") if p.stem != "__init__"
)


@pytest.mark.parametrize("name", BENCH)
def test_the_bench_module_imports(name):
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench.{name} says what it measures"

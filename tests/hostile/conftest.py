"""One nightly over the good files with every hostile entry, and one over the good files alone."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from ektp import cli
from tests.hostile import corpus


@dataclass(frozen=True)
class Night:
    landing: Path
    warehouse: Path
    code: int
    stdout: str
    stderr: str


def nightly(landing: Path, warehouse: Path, day: date = corpus.D3) -> Night:
    """`ektp nightly --date day` in this process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(
            ["nightly", "--date", day.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]
        )
    return Night(landing, warehouse, code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def hostile_night(tmp_path_factory, prefect_server) -> Night:
    base = tmp_path_factory.mktemp("hostile")
    corpus.build(base / "landing")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EKTP_TODAY", corpus.TODAY.isoformat())
        return nightly(base / "landing", base / "gudang" / "ektp.duckdb")


@pytest.fixture(scope="session")
def clean_night(tmp_path_factory, prefect_server) -> Night:
    base = tmp_path_factory.mktemp("bersih")
    corpus.build(base / "landing", hostile=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EKTP_TODAY", corpus.TODAY.isoformat())
        return nightly(base / "landing", base / "gudang" / "ektp.duckdb")

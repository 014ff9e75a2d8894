"""One `ektp demo` run for the demo's tests (it takes about a minute): its output and warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from contract import settings
from tests.once import built_once

EKTP = Path(sys.executable).with_name("ektp")
WAREHOUSE = Path("gudang", "warehouse.duckdb")
STDOUT = "ektp-demo.stdout"


@dataclass(frozen=True)
class DemoRun:
    stdout: str
    warehouse: Path

    @property
    def laporan(self) -> Path:
        return self.warehouse.parent / "laporan"


def without_threads_cap(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k != settings.DUCKDB_THREADS}


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, prefect_server) -> DemoRun:
    """Built once per test run (tests/once.py): the demo's test files are spread over the xdist
    workers. Its readers only read, and `ektp report` rewrites a report atomically with the same
    bytes."""

    def build(base: Path) -> None:
        done = subprocess.run(
            [str(EKTP), "demo", "--landing", str(base / "landing"), "--warehouse", str(base / WAREHOUSE)],
            # DuckDB's own threads, as an operator's demo has (the other tests run with one:
            # tests/conftest.py), so that the golden tables are also checked multi-threaded.
            env={**without_threads_cap(os.environ), "PREFECT_API_URL": prefect_server},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        (base / STDOUT).write_text(done.stdout, encoding="utf-8")

    base = built_once(tmp_path_factory, "demo_run", build)
    return DemoRun((base / STDOUT).read_text(encoding="utf-8"), base / WAREHOUSE)

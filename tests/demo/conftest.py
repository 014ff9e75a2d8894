"""One `ektp demo` run for the demo's tests (it takes about a minute): its output and warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, prefect_server) -> DemoRun:
    """Built once per test run (tests/once.py): the demo's test files are spread over the xdist
    workers. Its readers only read, and `ektp report` rewrites a report atomically with the same
    bytes."""

    def build(base: Path) -> None:
        done = subprocess.run(
            [str(EKTP), "demo", "--landing", str(base / "landing"), "--warehouse", str(base / WAREHOUSE)],
            env={**os.environ, "PREFECT_API_URL": prefect_server},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        (base / STDOUT).write_text(done.stdout, encoding="utf-8")

    base = built_once(tmp_path_factory, "demo_run", build)
    return DemoRun((base / STDOUT).read_text(encoding="utf-8"), base / WAREHOUSE)

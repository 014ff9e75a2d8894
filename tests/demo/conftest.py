"""One `ektp demo` run for the demo's tests (it takes about a minute): its output and warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

EKTP = Path(sys.executable).with_name("ektp")


@dataclass(frozen=True)
class DemoRun:
    stdout: str
    warehouse: Path

    @property
    def laporan(self) -> Path:
        return self.warehouse.parent / "laporan"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, prefect_server) -> DemoRun:
    base = tmp_path_factory.mktemp("demo_run")
    warehouse = base / "gudang" / "warehouse.duckdb"
    done = subprocess.run(
        [str(EKTP), "demo", "--landing", str(base / "landing"), "--warehouse", str(warehouse)],
        env={**os.environ, "PREFECT_API_URL": prefect_server},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return DemoRun(done.stdout, warehouse)

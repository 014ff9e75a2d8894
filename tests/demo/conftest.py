"""One `ektp demo` run for the demo's tests (it takes about a minute): its output and warehouse."""

from __future__ import annotations

import fcntl
import os
import shutil
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
    """Built once per test run: under xdist each worker has its own session, and the demo's test
    files, spread over both, built it twice. The first worker to ask builds it in the folder the
    workers share (their base temporary folders' parent); the others wait on the lock and read
    it. Its readers only read, and `ektp report` rewrites a report atomically with the same bytes."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    base = shared / "demo_run"
    warehouse = base / "gudang" / "warehouse.duckdb"
    stdout = base / "ektp-demo.stdout"
    with open(shared / "demo_run.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stdout.exists():
            shutil.rmtree(base, ignore_errors=True)  # a build that failed in another worker
            done = subprocess.run(
                [str(EKTP), "demo", "--landing", str(base / "landing"), "--warehouse", str(warehouse)],
                env={**os.environ, "PREFECT_API_URL": prefect_server},
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-2000:]
            stdout.write_text(done.stdout, encoding="utf-8")  # last: it says the demo is whole
    return DemoRun(stdout.read_text(encoding="utf-8"), warehouse)

"""A run validates in a child process (expectations/child.py): its own process never imports GX,
yet the run counts both GX runs and writes its Data Docs; a validation child killed mid-run fails
the run with one line (exit 2) and leaves the warehouse as it was; the next run completes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from ektp import cli
from expectations import child as validation_child
from expectations.engine import gx_run_name
from tests.flows.support import D2, D3, tiny_landing
from tests.procfs import children_of
from tests.uploads import dump, one

STARTED_TIMEOUT = 300  # seconds until the run starts its validation child (a test server may be slow)


def nightly(landing: Path, warehouse: Path, day) -> list[str]:
    return ["nightly", "--date", day.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]


def test_the_run_process_imports_neither_gx_nor_pyarrow_and_still_writes_its_data_docs(tmp_path, cli_env):
    # GX (~250 MB) is imported in the validation child only; pyarrow (~36 MB) nowhere (warehouse.db)
    landing, warehouse = tiny_landing(tmp_path / "landing"), tmp_path / "gudang" / "ektp.duckdb"
    probe = textwrap.dedent(f"""
        import json, sys
        from datetime import date
        from flows.nightly import nightly
        from tests.uploads import run_settings
        settings = run_settings({str(landing)!r}, {str(warehouse)!r})
        s = nightly(tanggal=date.fromisoformat({D3.isoformat()!r}), settings=settings)
        imported = sorted(m for m in ("great_expectations", "pandas", "pyarrow") if m in sys.modules)
        print(json.dumps([s["gx_runs"], imported, s["run_id"]]))
    """)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    # both GX runs (the uploads' and the history's) were made, in the child
    gx_runs, imported, run_id = json.loads(done.stdout.strip().splitlines()[-1])
    assert (gx_runs, imported) == (2, [])
    docs = tmp_path / "gudang" / "data_docs"
    found = list(docs.rglob("validations/*/*/*/*.html"))
    pages = {p.parent.parent.parent.name for p in found}
    assert {"unggahan_wilayah", "unggahan_angka", "unggahan_nama", "unggahan_riwayat"} <= pages, pages
    # each under the run's id, which the Data Docs list as its "Run Name"
    assert {p.parent.parent.name for p in found} == {gx_run_name(run_id)}
    assert gx_run_name(run_id) in (docs / "index.html").read_text(encoding="utf-8")


def test_a_process_that_runs_one_flow_ends_its_validation_child_before_the_report(tmp_path, cli_env):
    # `ektp nightly` runs one flow: GX's child (~260 MB) is not kept for a next run, and the report
    # (a lone run's memory peak) runs without it. A process of many runs keeps it.
    landing, warehouse = tiny_landing(tmp_path / "landing"), tmp_path / "gudang" / "ektp.duckdb"
    probe = textwrap.dedent(f"""
        import json
        from datetime import date
        from pathlib import Path
        from expectations import child
        from flows import steps
        from flows.nightly import nightly
        from tests.uploads import run_settings
        alive, report = [], steps.report
        def watched(run, day):
            alive.append(child._CHILD.running())
            return report(run, day)
        steps.report = watched
        settings = run_settings({str(landing)!r}, {str(warehouse)!r})
        docs = Path({str(tmp_path / "gudang" / "data_docs")!r})
        def pages():
            return len(list(docs.rglob("validations/*/*/*/*.html")))
        first = nightly(tanggal=date.fromisoformat({D2.isoformat()!r}), settings=settings)
        before = pages()
        child.one_run()
        second = nightly(tanggal=date.fromisoformat({D3.isoformat()!r}), settings=settings)
        runs = [first["gx_runs"], second["gx_runs"]]
        print(json.dumps([alive, *runs, child._CHILD.running(), before, pages()]))
    """)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=cli_env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    alive, first_runs, second_runs, after, before, pages = json.loads(done.stdout.strip().splitlines()[-1])
    assert first_runs > 0 and second_runs > 0  # both runs validated in the child
    assert alive == [True, False] and after is False
    assert pages > before > 0  # the second run's Data Docs were built before its child ended


def test_a_killed_validation_child_fails_the_run_and_leaves_the_warehouse_whole(tmp_path, cli_env):
    landing, warehouse = tiny_landing(tmp_path / "landing"), tmp_path / "gudang" / "ektp.duckdb"
    env = cli_env

    def command(day):
        return [sys.executable, "-m", "ektp.cli", *nightly(landing, warehouse, day)]

    # The runs before and after the killed one run here (this process's own validation child):
    # only the killed run needs a process of its own, whose child the test can find.
    assert cli.main(nightly(landing, warehouse, D2)) == 0
    # cli.main in a process that goes on keeps the child for the next run (only the `ektp` program,
    # cli.entry, ends after its one command): an in-process caller is not slowed by a new child
    assert validation_child._CHILD.lingers
    before = dump(warehouse, "unggahan")
    run = subprocess.Popen(
        command(D3),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        child = _wait_for(
            lambda: _validation_child(run.pid) or (run.poll() is not None and -1), STARTED_TIMEOUT
        )
        assert child and child > 0, run.stderr.read() if run.stderr else ""
        os.kill(child, signal.SIGKILL)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 2
    assert err == f"ektp: galat: proses validasi GX berhenti tanpa menjawab (kode_keluar={-signal.SIGKILL})\n"
    assert dump(warehouse, "unggahan").equals(before)  # nothing of the stopped run was written
    # the next run finds a whole warehouse and the lock free, and decides D3's files
    assert cli.main(nightly(landing, warehouse, D3)) == 0
    assert one(warehouse, "select count(*) from unggahan where tanggal = ?", [D3]) == [(3,)]


def _validation_child(parent: int) -> int | None:
    """The validation child of process `parent`, from any of its threads (Prefect's task threads
    start it), by its command line."""
    return next(iter(children_of(parent, b"expectations.child")), None)


def _wait_for(found, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := found():
            return value
        time.sleep(0.02)
    return None

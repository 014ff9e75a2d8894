"""Analysts are never locked out or shown half a run; a killed run leaves the old warehouse whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest
from polars.testing import assert_frame_equal

from flows.backfill import backfill
from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, dumps, restore, run_settings, snapshot
from tests.warehouse.zygote_client import Zygote, gone

START = date(2018, 4, 1)
DAYS = [START + timedelta(days=i) for i in range(30)]

# Reads until the file `stop` exists (the test makes it when the writer is done), so that it reads
# all along both backfills however long they take, and not a moment longer.
READER = r"""
import json, os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
held = duckdb.connect(path, read_only=True)  # an analyst's idle connection, open all along
held.execute("select count(*) from progres_provinsi").fetchall()
print("connected", flush=True)
reads = errors = mismatches = 0
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
        bad = con.execute(
            "select count(*) from progres_provinsi p"
            " join (select tanggal, sum(sudah_rekam) s, sum(wajib_ktp) w from progres_kabupaten group by 1) k"
            " using (tanggal) where p.sudah_rekam <> k.s or p.wajib_ktp <> k.w"
        ).fetchone()[0]
        con.close()
        reads += 1
        mismatches += bad
    except Exception as exc:
        errors += 1
        print(repr(exc), file=sys.stderr)
    time.sleep(0.02)
held.close()
print(json.dumps({"reads": reads, "errors": errors, "mismatches": mismatches}))
"""


@pytest.fixture
def landing(tmp_path, prefect_server):
    land = tmp_path / "landing"
    for d in DAYS:
        day_file(land, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(land, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    return land


def test_readers_during_a_backfill(landing, tmp_path):
    wh = tmp_path / "w.duckdb"
    nightly(tanggal=DAYS[-1], settings=run_settings(landing, wh))
    stop = tmp_path / "selesai"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(wh), str(stop)], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "connected"  # before the writer starts
    # Twice, so that the writer swaps the file under the reader's open connection more than once.
    for _ in range(2):
        backfill(start=DAYS[0], end=DAYS[-1], settings=run_settings(landing, wh))
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    result = json.loads(out.strip().splitlines()[-1])
    # Every read succeeded and saw a complete state: the province equals the sum of its districts.
    assert result["reads"] > 20 and result["errors"] == 0 and result["mismatches"] == 0


def _state(wh):
    return dumps(wh, ("unggahan", "progres_provinsi", "progres_kecamatan"))


def _same(a, b) -> bool:
    try:
        for t in a:
            assert_frame_equal(a[t], b[t])
    except AssertionError:
        return False
    return True


@pytest.mark.timeout(400)
def test_sigkill_at_any_point_leaves_before_or_after(landing, tmp_path, cli_env):
    wh = tmp_path / "w.duckdb"
    env = {**cli_env, "EKTP_LANDING": str(landing), "EKTP_WAREHOUSE": str(wh)}
    args = ["nightly", "--date", DAYS[-1].isoformat()]
    nightly(tanggal=DAYS[14], settings=run_settings(landing, wh))
    kept = tmp_path / "before"
    snapshot(wh, kept)
    before = _state(wh)
    zygote = Zygote(env)
    try:
        assert zygote.run(args, wait=True)["status"] == 0  # warms what the first run caches
        after = _state(wh)
        restore(kept, wh)
        started = time.time()
        assert zygote.run(args, wait=True)["status"] == 0
        # The run publishes the warehouse, then writes receipts, Data Docs and the report:
        # the kill points are spread from the start of the run to just past the publication.
        window = (wh.stat().st_mtime - started) * 1.1
        outcomes = []
        for i in range(1, 11):
            restore(kept, wh)
            pid = zygote.run(args, wait=False)["pid"]
            time.sleep(window * i / 10)
            os.kill(pid, signal.SIGKILL)
            while not gone(pid):
                time.sleep(0.05)
            now = _state(wh)
            outcomes.append("before" if _same(now, before) else "after" if _same(now, after) else "torn")
        print(f"publication after {window / 1.1:.1f} s; outcomes {outcomes}", file=sys.stderr)
        assert "torn" not in outcomes, outcomes
        assert "before" in outcomes  # the kills did land inside runs
        # The next run completes and the figures are right.
        assert zygote.run(args, wait=True)["status"] == 0
    finally:
        zygote.close()
    assert _same(_state(wh), after)
    assert not [p for p in wh.parent.iterdir() if p.name.endswith(".katalog")]

"""Warehouse writers never interleave: a second writer process waits for the first."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from warehouse import store

HOLDER = """
import sys, time
from pathlib import Path
from warehouse import store
with store.writing(Path(sys.argv[1])) as session:
    print("holding", flush=True)
    time.sleep(3)
    session.con.execute("create table eerste as select 1 as a")
    session.publish()
"""


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    started = time.time()
    with store.writing(path) as session:
        waited = time.time() - started
        # The first writer's work is already published when the second one starts.
        assert session.con.execute("select a from eerste").fetchall() == [(1,)]
        session.publish()
    holder.wait(timeout=30)
    assert waited > 1.5

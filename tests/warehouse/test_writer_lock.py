"""Warehouse writers never interleave: a second writer process waits for the first."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from warehouse import store

# The first writer holds the warehouse until told to go on (a handshake, not a sleep).
HOLDER = """
import sys
from pathlib import Path
from warehouse import store
with store.writing(Path(sys.argv[1])) as session:
    print("holding", flush=True)
    sys.stdin.readline()
    session.con.execute("create table eerste as select 1 as a")
    session.publish()
"""


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first(tmp_path):
    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "holding"
    seen: list = []

    def second() -> None:
        with store.writing(path) as session:
            seen.extend(session.con.execute("select a from eerste").fetchall())
            session.publish()

    writer = threading.Thread(target=second)
    writer.start()
    writer.join(timeout=2)
    assert writer.is_alive() and not seen  # still waiting: the first writer holds the warehouse
    holder.stdin.write("go\n")
    holder.stdin.flush()
    writer.join(timeout=60)
    holder.wait(timeout=30)
    # The table exists only after the first writer went on: the second one entered after it published.
    assert not writer.is_alive() and seen == [(1,)]

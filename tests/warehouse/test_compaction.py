"""Compaction comes when the threshold says so: a night's own churn, which the next night reuses,
never rewrites the working file (real churn does: test_store.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, run_settings
from warehouse import compaction, publish

FIRST = [date(2018, 3, 25) + timedelta(days=i) for i in range(7)]
NIGHTS = [date(2018, 4, 1) + timedelta(days=i) for i in range(6)]


def _blocks(work: Path) -> tuple[int, int]:
    """(total, free) blocks of the working file, read while no run holds it."""
    with duckdb.connect() as con:
        con.execute("attach ? as kerja (read_only)", [str(work)])
        ((total, free),) = con.execute(
            "select total_blocks, free_blocks from pragma_database_size() where database_name = 'kerja'"
        ).fetchall()
    return total, free


def _night(landing: Path, warehouse: Path, day: date, correct: bool) -> None:
    """A night as a district office makes it: the day's files, sometimes a correction of the day before."""
    day_file(landing, "5272", KOTA_BIMA, day, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, day, base=7_000, step=20)
    if correct:
        day_file(
            landing,
            "5272",
            KOTA_BIMA,
            day - timedelta(days=1),
            base=5_000,
            step=11,
            name=f"koreksi_{day}.csv",
        )
    nightly(tanggal=day, settings=run_settings(landing, warehouse))


def test_nights_do_not_compact_the_working_file(tmp_path, prefect_server):
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    work = publish.folder_of(warehouse) / "kerja.duckdb"
    for d in FIRST:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    nightly(tanggal=FIRST[-1], settings=run_settings(landing, warehouse))
    compactions, loose = 0, 0
    for i, day in enumerate(NIGHTS):
        before = work.stat().st_ino
        _night(landing, warehouse, day, correct=i % 2 == 1)
        # A compaction writes a new file and renames it over the working file: a new inode.
        compactions += work.stat().st_ino != before
        total, free = _blocks(work)
        loose += free > compaction.COMPACT_FREE_SHARE * total
    assert compactions == 0
    # though each night left more than a tenth of this small file free (what it rewrote, which the
    # next night reuses): the share alone rewrote the file night after night
    assert loose >= len(NIGHTS) - 1

"""bench.archive: the landing archive a night scans, made from the ledger and timed, then removed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bench import archive
from warehouse import db, store

T0 = datetime(2018, 4, 2, 1, tzinfo=UTC)
PATHS = ("5272/lap 1.csv", "5272/arsip/lap 2.csv", "5208/lap 1.csv")


def test_every_ledger_path_is_in_the_archive_and_the_folder_goes_after(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with store.writing(warehouse) as session:
        with db.transaction(session.con):
            for path in PATHS:
                session.con.execute(
                    "insert into unggahan by name select ? as file, 'x' as sha256, ? as kode_kabupaten,"
                    " ? as tanggal, 'loaded' as status, ? as diproses_pada, 'r0' as run_id, 1 as ukuran,"
                    " ? as diubah_pada, 1 as diubah_pada_ns",
                    [path, path[:4], date(2018, 4, 1), T0, T0],
                )
        session.publish()
    found = archive.measure(warehouse)
    assert (found["files"], found["known"]) == (len(PATHS), len(PATHS))
    # the comparison is timed as on a night whose archive was all decided: nothing left to read
    assert found["unseen"] == 0
    # each figure rounded to the millisecond on its own
    parts = found["scan_s"] + found["ledger_s"] + found["compare_s"]
    assert found["total_s"] == pytest.approx(parts, abs=0.002)
    assert not (tmp_path / "arsip-landing").exists()
    kept = archive.measure(warehouse, keep=True)
    assert sorted(
        p.relative_to(tmp_path / "arsip-landing").as_posix()
        for p in (tmp_path / "arsip-landing").rglob("*.csv")
    ) == sorted(PATHS)
    assert kept["files"] == len(PATHS)

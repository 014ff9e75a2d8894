"""What the writer keeps for itself (warehouse/tercatat.py): arrivals, read by key."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from warehouse import db, store, tercatat

T0 = datetime(2018, 4, 2, 1, tzinfo=UTC)
T1 = datetime(2018, 4, 3, 2, tzinfo=UTC)


def ns(t: datetime) -> int:
    return int(t.timestamp()) * 1_000_000_000


def test_arrivals_are_those_of_the_versions_asked_for_decided_or_waiting(tmp_path):
    # a decided version, another version of the same file, one without a recorded arrival, and
    # one seen waiting: only the versions asked for come back, wherever their arrival is kept
    with store.writing(tmp_path / "w.duckdb") as session:
        con = session.con
        with db.transaction(con):
            versions = (("5201/a.csv", "x", T0), ("5201/a.csv", "y", T1), ("5201/b.csv", "z", None))
            for file, sha, tiba in versions:
                con.execute(
                    "insert into unggahan by name select ? as file, ? as sha256, '5201' as kode_kabupaten,"
                    " ? as tanggal, 'loaded' as status, ? as diproses_pada, 'r0' as run_id, 1 as ukuran,"
                    " ? as diubah_pada, 1 as diubah_pada_ns, ? as tiba_pada",
                    [file, sha, date(2018, 4, 1), T0, T0, tiba],
                )
            seen = pl.DataFrame({"file": ["5201/c.csv"], "sha256": ["w"], "tiba_ns": [ns(T1)]})
            tercatat.remember_arrivals(con, seen, db.versions())
        asked = [("5201/a.csv", "y"), ("5201/b.csv", "z"), ("5201/c.csv", "w"), ("5201/d.csv", "v")]
        assert tercatat.arrivals(con, asked) == {("5201/a.csv", "y"): ns(T1), ("5201/c.csv", "w"): ns(T1)}
        assert tercatat.arrivals(con, []) == {}

"""Each kecamatan's latest current report (`laporan_kecamatan_terakhir`), kept by the load.

A run needs each kecamatan's report before the first date it changes: the history check compares
a file with it, and the marts start their running figures from it. Found in the whole history, it
cost a window over every figure ever loaded, growing with the years behind a night (issue 23). A
run changes nothing before its first date, so a kecamatan whose latest report lies before that
date has it as its report before that date; only the others (a backfill, a correction of an
earlier date) read their history.

The table is brought up to date in the load's transaction, after the marts (which read it as it
stood before the load), so it never disagrees with the loaded rows; migration 010 builds it for
a warehouse an earlier release wrote, `bangun` after a working file read back from a catalog.
"""

from __future__ import annotations

import duckdb

from warehouse.read import sql

TABLE = "laporan_kecamatan_terakhir"


def perbarui(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """After the load of run `run_id` and its marts (the caller holds the transaction)."""
    con.execute(
        f"create or replace temp table {TABLE}_baru as " + sql("queries/laporan_terakhir_baru"),
        {"run_id": run_id},
    )
    _ganti(con)


def bangun(con: duckdb.DuckDBPyConnection) -> None:
    """The table made anew from the whole history (the caller holds the transaction)."""
    con.execute(f"create or replace temp table {TABLE}_baru as " + sql("asof/laporan_kecamatan_terakhir"))
    _ganti(con)


def _ganti(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"delete from {TABLE}")  # TABLE: ours
    con.execute(f"insert into {TABLE} by name select * from {TABLE}_baru")
    con.execute(f"drop table {TABLE}_baru")

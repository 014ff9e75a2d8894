"""Each kecamatan's latest and first current reports (`laporan_kecamatan_terakhir`,
`laporan_kecamatan_pertama`), kept by the load.

A run needs each kecamatan's report before the first date it changes: the history check compares
a file with it, and the marts start their running figures from it. Found in the whole history, it
cost a window over every figure ever loaded, growing with the years behind a night (issue 23). A
run changes nothing before its first date, so a kecamatan whose latest report lies before that
date has it as its report before that date, and one whose first report lies after the batch's
dates has none; only the others (a backfill among loaded days, a correction of an earlier date)
read their history.

The tables are brought up to date in the load's transaction, after the marts (which read them as
they stood before the load), so they never disagree with the loaded rows; migrations 010 and 013
build them for a warehouse an earlier release wrote, `bangun` after a working file read back from
a catalog.
"""

from __future__ import annotations

import duckdb

from warehouse.read import PERTAMA, sql

TABLE = "laporan_kecamatan_terakhir"
# Each table -> whether it keeps a kecamatan's first report (else its latest).
UJUNG = {TABLE: False, PERTAMA: True}


def perbarui(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """After the load of run `run_id` and its marts (the caller holds the transaction)."""
    # Both tables' new rows first: the query reads the tables as they stood before the load.
    con.execute(
        "create or replace temp table laporan_ujung_baru as " + sql("queries/laporan_ujung_baru"),
        {"run_id": run_id},
    )
    for table, pertama in UJUNG.items():
        _ganti(
            con, table, "select * exclude (pertama) from laporan_ujung_baru where pertama = $pertama", pertama
        )
    con.execute("drop table laporan_ujung_baru")


def bangun(con: duckdb.DuckDBPyConnection) -> None:
    """The tables made anew from the whole history (the caller holds the transaction)."""
    for table in UJUNG:
        _ganti(con, table, sql(f"asof/{table}"))


def _ganti(con: duckdb.DuckDBPyConnection, table: str, rows: str, pertama: bool | None = None) -> None:
    """`table`'s rows replaced by those of the query `rows`, which does not read `table`."""
    con.execute(f"delete from {table}")  # table: ours
    con.execute(f"insert into {table} by name {rows}", None if pertama is None else {"pertama": pertama})

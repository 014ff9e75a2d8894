"""How the large relations are cut for publishing: one Parquet file per table and month of
`tanggal` (rows without a date in one more), and the writer's record of which months a run changed.

A run marks the months it touched (`mark`) in the same transaction as its changes; publishing
(warehouse/publish.py) rewrites only those partitions. A run killed between its commit and its
publication leaves the marks for the next run to publish.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import duckdb
import polars as pl

from warehouse import db, models

# The tables the migrations make -> the order of their rows inside a partition (what analysts'
# filters are pruned by). A mart's order is its header's `partition` (warehouse.models).
STORED = {
    "unggahan": "file, sha256",
    "kualitas_data": "file, sha256, baris",
    "riwayat_kecamatan": "kode_kecamatan, tanggal, file",
    "riwayat_unggahan": "file, sha256, berlaku_sejak",
    "riwayat_temuan": "file, sha256, run_id, baris",
    "arsip_riwayat_kecamatan": "kode_kecamatan, tanggal, file",
}
NO_DATE = "tanpa-tanggal"
SCHEMA = "_skema"  # a partition of no rows, so that a table without data still has its columns
MONTH = f"coalesce(strftime(tanggal, '%Y-%m'), '{NO_DATE}')"


@cache
def partitioned() -> dict[str, str]:
    """Every table published in monthly partitions -> the order of its rows inside one."""
    marts = {m.name: ", ".join(m.partition) for m in models.every("marts")}
    # A mart's journal in its mart's order, each row's versions in the order they were in force.
    journals = {
        m.journal: ", ".join([*m.partition, "berlaku_sejak"]) for m in models.every("marts") if m.journal
    }
    return {**STORED, **marts, **journals}


def condition(month: str) -> str:
    """The rows of one partition, as a SQL condition (month: YYYY-MM of our own, or NO_DATE)."""
    if month == NO_DATE:
        return "tanggal is null"
    return f"tanggal >= date '{month}-01' and tanggal < date '{month}-01' + interval 1 month"


def months_of(dates: pl.Series) -> list[str]:
    """The partitions the given report dates fall in."""
    return sorted({d.strftime("%Y-%m") if d is not None else NO_DATE for d in dates.to_list()})


def mark(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...] | list[str], months: list[str]) -> None:
    """Record that these tables' partitions of these months changed (caller holds the transaction)."""
    if not months:
        return
    pairs = pl.DataFrame(
        [(t, m) for t in tables for m in months],
        schema={"tabel": pl.String, "bulan": pl.String},
        orient="row",
    )
    with db.registered(con, kotor_df=pairs):
        con.execute("insert into bagian_kotor select * from kotor_df except select * from bagian_kotor")


def mark_from(
    con: duckdb.DuckDBPyConnection, table: str, where: str = "true", params: list[object] | None = None
) -> None:
    """Mark every partition of `table` that holds a row matching `where`."""
    con.execute(
        f"insert into bagian_kotor select distinct ?, {MONTH} from {table} where {where}"
        f" except select * from bagian_kotor",
        [table, *(params or [])],
    )


def mark_table(con: duckdb.DuckDBPyConnection, table: str, since: date | None = None) -> None:
    """Mark the partitions of `table` from the month of `since` on (every one when None), those
    published too (a partition all of whose rows went disappears)."""
    start = f"{since:%Y-%m}" if since is not None else ""
    mark_from(
        con, table, "tanggal >= ?" if since is not None else "true", [since] if since is not None else []
    )
    con.execute(
        "insert into bagian_kotor select tabel, bulan from bagian"
        " where tabel = ? and bulan >= ? and bulan <> ? except select * from bagian_kotor",
        [table, start, SCHEMA],
    )


def mark_all(con: duckdb.DuckDBPyConnection) -> None:
    """Every partition of every table, and every one already published (emptied ones disappear)."""
    present = db.tables(con)
    for table in partitioned():
        if table in present:
            mark_from(con, table)
    con.execute(
        "insert into bagian_kotor select tabel, bulan from bagian where bulan <> ?"
        " except select * from bagian_kotor",
        [SCHEMA],
    )

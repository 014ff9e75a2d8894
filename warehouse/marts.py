"""The analysts' relations, one SQL file each under warehouse/sql/marts/, built in the order
their own SQL gives: a mart that reads another is built after it (as dbt orders by `ref()`).

A run brings them up to date incrementally: each mart's SQL computes the rows of the kabupaten and
dates named in `perubahan_mart` (kode_kabupaten, dari: every row dated on or after dari), and only
those rows are replaced. A run names the kabupaten and dates it decided files of; when it moves the
first or latest date the spines run between, it names every kabupaten from where the spine moved, or
rebuilds everything. A full rebuild (`ektp rebuild-marts`) names every kabupaten from the first day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from graphlib import TopologicalSorter

import duckdb
import polars as pl

from warehouse import partitions
from warehouse.read import SQL, sql

_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
CHANGES = "perubahan_mart"  # the relation each mart's SQL reads its kabupaten and dates from
FIRST_DAY = date(1, 1, 1)
# The same relation for a full rebuild, as a query (the analysts' macros of warehouse.asof embed it).
EVERYTHING = f"(select kode_kabupaten, date '{FIRST_DAY.isoformat()}' as dari from wilayah_kabupaten)"


def names() -> list[str]:
    return sorted(p.stem for p in (SQL / "marts").glob("*.sql"))


def reads(mart: str) -> set[str]:
    """The other marts that `mart`'s SQL reads."""
    found = {m.lower() for m in _READS.findall(sql(f"marts/{mart}"))}
    return (found & set(names())) - {mart}


def order() -> list[str]:
    """Every mart after the marts it reads."""
    return list(TopologicalSorter({m: reads(m) for m in names()}).static_order())


@dataclass(frozen=True)
class Bounds:
    """Where the marts' spines run: the first and latest loaded report, the latest valid-dated file."""

    pertama_laporan: date | None
    terakhir_laporan: date | None
    terakhir_berkas: date | None


def bounds(con: duckdb.DuckDBPyConnection) -> Bounds:
    return Bounds(*con.execute(sql("queries/rentang_mart")).fetchall()[0])


def changes(groups: pl.DataFrame, before: Bounds, after: Bounds, kabupaten: list[str]) -> pl.DataFrame | None:
    """The mart rows a run must recompute: per kabupaten, the first date (`dari`); None when the
    run moved the spines backwards or their start, which a full rebuild handles.

    `groups`: the kabupaten and dates of the files the run decided."""
    if before.pertama_laporan != after.pertama_laporan or _moved_back(before, after):
        return None
    dari = (
        groups.filter(pl.col("kode_kabupaten").is_in(kabupaten) & pl.col("tanggal").is_not_null())
        .group_by("kode_kabupaten")
        .agg(pl.col("tanggal").min().alias("dari"))
    )
    grown = [
        b
        for b, a in (
            (before.terakhir_laporan, after.terakhir_laporan),
            (before.terakhir_berkas, after.terakhir_berkas),
        )
        if a is not None and (b is None or a > b)
    ]
    if grown:
        if any(b is None for b in grown):
            return None
        spine = pl.DataFrame({"kode_kabupaten": kabupaten, "dari": min(grown) + timedelta(days=1)})
        dari = pl.concat([dari, spine]).group_by("kode_kabupaten").agg(pl.col("dari").min())
    return dari.sort("kode_kabupaten")


def _moved_back(before: Bounds, after: Bounds) -> bool:
    pairs = (
        (before.terakhir_laporan, after.terakhir_laporan),
        (before.terakhir_berkas, after.terakhir_berkas),
    )
    return any(b is not None and (a is None or a < b) for b, a in pairs)


def refresh(con: duckdb.DuckDBPyConnection, perubahan: pl.DataFrame | None = None) -> None:
    """Bring every mart up to date for `perubahan` (kode_kabupaten, dari), or rebuild every one
    (None); then store the analysts' macros over them (the caller holds the transaction)."""
    full = perubahan is None or not _built(con)
    if full:
        con.execute(f"create or replace temp table {CHANGES} as select * from {EVERYTHING}")
    else:
        con.execute(f"create or replace temp table {CHANGES} (kode_kabupaten varchar, dari date)")
        con.register("perubahan_df", perubahan.select("kode_kabupaten", "dari"))
        con.execute(f"insert into {CHANGES} select * from perubahan_df")
        con.unregister("perubahan_df")
    try:
        since = None if full else perubahan["dari"].min()
        for mart in order():
            if full:
                con.execute(
                    f"create or replace table {mart} as {sql('marts/' + mart)}"
                )  # mart: a file name of ours
            else:
                con.execute(_delete(mart))
                con.execute(f"insert into {mart} by name {sql('marts/' + mart)}")
            if since is not None or full:
                partitions.mark_table(con, mart, since)
    finally:
        con.execute(f"drop table if exists {CHANGES}")
    for macro in sorted(p.stem for p in (SQL / "macros").glob("*.sql")):
        con.execute(sql(f"macros/{macro}"))


def _built(con: duckdb.DuckDBPyConnection) -> bool:
    """Every mart exists (a new warehouse has none yet: its first refresh builds them whole)."""
    tables = {
        t
        for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    return set(names()) <= tables


def _delete(mart: str) -> str:
    """The statement that removes the rows `perubahan_mart` names from `mart`."""
    if mart == "progres_provinsi":  # keyed by province: its kabupaten's earliest date
        return (
            f"delete from {mart} using (select left(kode_kabupaten, 2) as kode_provinsi, min(dari) as dari"
            f" from {CHANGES} group by 1) as p where {mart}.kode_provinsi = p.kode_provinsi and {mart}.tanggal >= p.dari"
        )
    return f"delete from {mart} using {CHANGES} as p where {mart}.kode_kabupaten = p.kode_kabupaten and {mart}.tanggal >= p.dari"

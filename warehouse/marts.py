"""The analysts' relations, one SQL file each under warehouse/sql/marts/, built in the order their
headers give: a mart that reads another is built after it (warehouse.models, as dbt orders by `ref()`).

A run brings them up to date incrementally: each mart's SQL computes the rows of the kabupaten and
dates named in `perubahan_mart` (kode_kabupaten, dari: every row dated on or after dari), and only
the rows its header's `refresh` names are replaced (DELETES). A run names the kabupaten and dates it
decided files of; when it moves the first or latest date the spines run between, it names every
kabupaten from where the spine moved, or rebuilds everything. A full rebuild (`ektp rebuild-marts`)
names every kabupaten from the first day. The SQL is also given the spines' dates (`rentang_mart`,
keep_bounds) and the earliest dari (`$mulai`, params), so that a night reads no more history than
it changes; and a mart whose header names a journal has what changed journaled (warehouse.journal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import polars as pl

from warehouse import db, journal, macros, models, partitions
from warehouse.read import SQL, sql

CHANGES = models.CHANGES  # the relation each mart's SQL reads its kabupaten and dates from
BOUNDS = models.BOUNDS  # the one-row relation of the spines' dates each mart's SQL reads (keep_bounds)
FIRST_DAY = date(1, 1, 1)
# The same relation for a full rebuild, as a query (the analysts' macros of warehouse.asof embed it).
EVERYTHING = f"(select kode_kabupaten, date '{FIRST_DAY.isoformat()}' as dari from wilayah_kabupaten)"
MULAI = "mulai"  # the mart SQL's parameter: the earliest `dari` named (params)
# What a mart reads only for each kecamatan's latest report before `dari`: nothing before FIRST_DAY.
BEFORE_DARI = ("laporan_kecamatan_terakhir",)
# The rows of `{mart}` a run replaces, per `refresh` of the header (models.REFRESH); mart: ours.
DELETES = {
    "by_kabupaten_tanggal": (
        "delete from {mart} using perubahan_mart as p"
        " where {mart}.kode_kabupaten = p.kode_kabupaten and {mart}.tanggal >= p.dari"
    ),
    "by_provinsi_tanggal": (
        "delete from {mart} using (select left(kode_kabupaten, 2) as kode_provinsi, min(dari) as dari"
        " from perubahan_mart group by 1) as p"
        " where {mart}.kode_provinsi = p.kode_provinsi and {mart}.tanggal >= p.dari"
    ),
    "by_kabupaten": "delete from {mart} where kode_kabupaten in (select kode_kabupaten from perubahan_mart)",
    "full": "delete from {mart}",
}
_DATED = ("by_kabupaten_tanggal", "by_provinsi_tanggal")  # replace rows from a date on only


def names() -> list[str]:
    return list(models.names("marts"))


def reads(mart: str) -> set[str]:
    """The other marts that `mart`'s SQL reads."""
    return set(models.model("marts", mart).reads & set(names())) - {mart}


def order() -> list[str]:
    """Every mart after the marts it reads."""
    return models.order(models.every("marts"))


def downstream(table: str) -> set[str]:
    """The marts that read `table`, directly or through another mart: the only ones a change of
    `table` alone can change."""
    found: set[str] = set()
    for name in order():  # a mart after the marts it reads
        if table in (read := models.model("marts", name).reads) or read & found:
            found.add(name)
    return found


@dataclass(frozen=True)
class Bounds:
    """Where the marts' spines run: the first and latest loaded report, the latest valid-dated file."""

    pertama_laporan: date | None
    terakhir_laporan: date | None
    terakhir_berkas: date | None


def bounds(con: duckdb.DuckDBPyConnection) -> Bounds:
    return Bounds(*con.execute(sql("queries/rentang_mart")).fetchall()[0])


def keep_bounds(con: duckdb.DuckDBPyConnection, rentang: Bounds | None = None) -> None:
    """The temporary one-row `rentang_mart` the marts' SQL reads: `rentang` (the run has just
    computed them) or computed now. Each mart found them itself in the whole history, a scan of
    every report and file a night (~140 ms on three national years for mutu_kabupaten alone)."""
    found = rentang or bounds(con)
    con.execute(
        f"create or replace temp table {BOUNDS} as"
        " select ?::date as pertama_laporan, ?::date as terakhir_laporan, ?::date as terakhir_berkas",
        [found.pertama_laporan, found.terakhir_laporan, found.terakhir_berkas],
    )


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
        known = [b for b in grown if b is not None]
        if len(known) < len(grown):
            return None
        spine = pl.DataFrame({"kode_kabupaten": kabupaten, "dari": min(known) + timedelta(days=1)})
        dari = pl.concat([dari, spine]).group_by("kode_kabupaten").agg(pl.col("dari").min())
    return dari.sort("kode_kabupaten")


def _moved_back(before: Bounds, after: Bounds) -> bool:
    pairs = (
        (before.terakhir_laporan, after.terakhir_laporan),
        (before.terakhir_berkas, after.terakhir_berkas),
    )
    return any(b is not None and (a is None or a < b) for b, a in pairs)


def refresh(
    con: duckdb.DuckDBPyConnection,
    perubahan: pl.DataFrame | None = None,
    waktu: datetime | None = None,
    rentang: Bounds | None = None,
    only: set[str] | None = None,
) -> None:
    """Bring every mart up to date for `perubahan` (kode_kabupaten, dari), or rebuild every one
    (None), journaling what changed in the marts that keep a journal as known from `waktu` (the
    run's decision time, which its journal of decisions carries; None: the transaction's start);
    then store the analysts' macros over them (the caller holds the transaction). `rentang`: the
    spines' dates as the stored tables give them now, when the caller has them (`bounds`). `only`:
    just these marts (a change of one table: `downstream`); ignored while the marts are not all
    built, which builds every one whole."""
    macros.install(con)
    keep_bounds(con, rentang)
    full = perubahan is None or not _built(con)
    if full or perubahan is None:
        con.execute(f"create or replace temp table {CHANGES} as select * from {EVERYTHING}")
        since = None
    else:
        con.execute(f"create or replace temp table {CHANGES} (kode_kabupaten varchar, dari date)")
        with db.registered(con, perubahan_df=perubahan.select("kode_kabupaten", "dari")):
            con.execute(f"insert into {CHANGES} select * from perubahan_df")
        first = perubahan["dari"].min()
        since = first if isinstance(first, date) else None  # None: no kabupaten named
    for name in order():
        if only is not None and not full and name not in only:
            continue
        mart = models.model("marts", name)
        _refresh(con, mart, full, since)
        if mart.journal is not None:
            journal.keep_mart(con, mart, FIRST_DAY if full else since, waktu)
    # Dropped on success only: a failure aborts the caller's transaction, whose rollback takes the
    # table away, and a statement there would hide the failure (roomy retries on out-of-memory).
    con.execute(f"drop table if exists {CHANGES}")
    con.execute(f"drop table if exists {BOUNDS}")
    for macro in sorted(p.stem for p in (SQL / "macros").glob("*.sql")):
        con.execute(sql(f"macros/{macro}"))


def params(code: str, mulai: date | None) -> dict[str, object]:
    """A mart SQL's parameter: `$mulai`, the earliest `dari` of `perubahan_mart` (FIRST_DAY when
    every row is recomputed, or None named), a constant DuckDB prunes the history's row groups by.
    DuckDB refuses a parameter the statement does not use."""
    return {"mulai": mulai or FIRST_DAY} if f"${MULAI}" in code else {}


def _refresh(con: duckdb.DuckDBPyConnection, mart: models.Model, full: bool, since: date | None) -> None:
    """One mart built whole, or its rows of `perubahan_mart` replaced (from `since` on, the earliest
    date named); its partitions marked."""
    if full:
        # name: a file of ours
        con.execute(f"create or replace table {mart.name} as {mart.code}", params(mart.code, None))
        partitions.mark_table(con, mart.name)
        return
    assert mart.refresh is not None  # models.model requires it of a mart
    con.execute(DELETES[mart.refresh].format(mart=mart.name))
    con.execute(f"insert into {mart.name} by name {mart.code}", params(mart.code, since))
    if since is not None:  # None: nothing was named, nothing changed
        partitions.mark_table(con, mart.name, since if mart.refresh in _DATED else None)


def _built(con: duckdb.DuckDBPyConnection) -> bool:
    """Every mart exists (a new warehouse has none yet: its first refresh builds them whole)."""
    return set(names()) <= db.tables(con)

"""Sign-off, lock and unlock (CONTRACT §3 `setujui`, `kunci`, `buka-kunci`; §4 `persetujuan`).

Every action is a row of `persetujuan`, never changed nor deleted; what a district's figures are
now is replayed from those rows (warehouse/sql/helpers/batas_persetujuan.sql): a sign-off or lock
covers the dates up to its `sampai_tanggal`, a later opening uncovers the dates from its own on, so
what is signed off, and what is locked, is always a prefix of a district's dates.

The mart `status_data` reads them. An action names its kabupaten to the marts from the first day,
so `status_data` is brought up to date in the action's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse import db, marts, read
from warehouse.read import sql

DISETUJUI, DIKUNCI, DIBUKA = "disetujui", "dikunci", "dibuka"
PERSETUJUAN, KUNCI = "persetujuan", "kunci"  # `atas`: what an action signs, locks or opens
SISTEM = "sistem"  # `oleh` of a sign-off withdrawn by a run


@dataclass(frozen=True)
class Kunci:
    """Who locked a district's date: named in the receipt of a file refused for it."""

    oleh: str
    pada: datetime


@dataclass(frozen=True)
class Ditarik:
    """A sign-off withdrawn by a run: the district's figures from `dari` on changed."""

    kode_kabupaten: str
    dari: date
    files: tuple[str, ...]  # the loaded files whose figures differ


def record(
    con: duckdb.DuckDBPyConnection,
    kabupaten: list[str],
    sampai: date,
    tindakan: str,
    atas: str,
    oleh: str,
    alasan: str | None = None,
    run_id: str | None = None,
) -> None:
    """One row per kabupaten, then `status_data` brought up to date for them (the caller holds the
    transaction). For `dibuka`, `sampai` is the first date opened."""
    if tindakan not in (DISETUJUI, DIKUNCI, DIBUKA) or atas not in (PERSETUJUAN, KUNCI):
        raise ValueError(f"tindakan {tindakan!r} atas {atas!r}")
    for kode in sorted(set(kabupaten)):
        con.execute(
            "insert into persetujuan select ?, ?, ?, ?, now(), ?, ?,"
            " coalesce((select max(urutan) from persetujuan), 0) + 1, ?",
            [kode, sampai, tindakan, oleh, alasan, atas, run_id],
        )
    if kabupaten:
        frame = pl.DataFrame(
            {"kode_kabupaten": sorted(set(kabupaten)), "dari": [marts.FIRST_DAY] * len(set(kabupaten))}
        )
        # status_data alone reads persetujuan: the other marts would recompute the kabupaten's
        # whole history to the same rows, and publish them again.
        marts.refresh(con, frame, only=marts.downstream("persetujuan"))


def batas(con: duckdb.DuckDBPyConnection, atas: str) -> dict[str, date]:
    """Per kabupaten, the last date its locks (KUNCI) or sign-offs (PERSETUJUAN) cover."""
    found = con.execute(sql("queries/batas_persetujuan")).fetchall()
    return {kode: until for kind, kode, until in found if kind == atas}


def published_locks(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """`batas(con, KUNCI)` of a published warehouse, worked out once per published file (the
    locks change only with a publication; every receipt check reads them)."""
    return read.remembered(con, _LOCKS, lambda c: batas(c, KUNCI))


def published_locks_at(path: Path) -> dict[str, date]:
    """`published_locks` of the warehouse published at `path`, without a connection once known."""
    return read.remembered_at(path, _LOCKS, lambda c: batas(c, KUNCI))


_LOCKS = "batas_kunci"


def terkunci(
    con: duckdb.DuckDBPyConnection,
    groups: set[tuple[str, date]] | frozenset[tuple[str, date]],
    until: dict[str, date] | None = None,
) -> dict[tuple[str, date], Kunci]:
    """The given districts and dates that are locked, each with the lock that reaches it.
    `until`: `batas(con, KUNCI)` when the caller has it already."""
    until = batas(con, KUNCI) if until is None else until
    locked = {(k, d) for k, d in groups if k in until and d <= until[k]}
    if not locked:
        return {}
    locks = con.execute(sql("queries/penguncian")).fetchall()  # latest first
    found = {}
    for kode, tanggal in locked:
        oleh, pada = next((o, p) for k, s, o, p, _ in locks if k == kode and s >= tanggal)
        found[(kode, tanggal)] = Kunci(oleh, pada)
    return found


def waited(con: duckdb.DuckDBPyConnection) -> set[tuple[str, date]]:
    """Districts and dates with a file refused as locked that are open now: a run decides them."""
    found = con.execute(sql("queries/menunggu_kunci")).fetchall()
    return {(k, d) for k, d in found} - set(terkunci(con, {(k, d) for k, d in found}))


def signed_figures(con: duckdb.DuckDBPyConnection, groups: pl.DataFrame) -> pl.DataFrame:
    """The current figures of the signed-off districts and dates among `groups` (kode_kabupaten,
    tanggal): taken before a load, compared after it (withdraw_changed)."""
    until = batas(con, PERSETUJUAN)
    signed = groups.select("kode_kabupaten", "tanggal").filter(
        pl.col("tanggal")
        <= pl.col("kode_kabupaten").replace_strict(until, default=None, return_dtype=pl.Date)
    )
    return _figures(con, signed.unique())


def withdraw_changed(con: duckdb.DuckDBPyConnection, before: pl.DataFrame, run_id: str) -> list[Ditarik]:
    """Withdraw the sign-off of every district whose signed figures the load changed, from the first
    changed date on (a `dibuka` row by SISTEM naming the run); then `status_data` is brought up to
    date. Called in the load's transaction, after it."""
    if before.is_empty():
        return []
    after = _figures(con, before.select("kode_kabupaten", "tanggal").unique())
    changed = _changed(before, after)
    withdrawn = []
    for (kode,), rows in changed.partition_by("kode_kabupaten", as_dict=True, maintain_order=True).items():
        first: date = rows["tanggal"].min()  # type: ignore[assignment]  # a Date column's minimum
        files = tuple(sorted(set(rows["file"].drop_nulls().to_list())))
        alasan = (
            f"angka tanggal {first} berubah oleh berkas {', '.join(files) or '(tidak ada berkas dimuat)'}"
        )
        record(con, [kode], first, DIBUKA, PERSETUJUAN, SISTEM, alasan, run_id)
        withdrawn.append(Ditarik(kode, first, files))
    return withdrawn


KEYS = ["kode_kabupaten", "tanggal", "kode_kecamatan"]
FIGURES = ["wajib_ktp", "sudah_rekam", "belum_rekam", "rekam_hari_ini", "rekam_keliling", "sudah_cetak"]


def _figures(con: duckdb.DuckDBPyConnection, groups: pl.DataFrame) -> pl.DataFrame:
    with db.registered(con, kelompok_df=groups):
        return db.frame(con.sql(sql("queries/angka_disetujui")))


def _changed(before: pl.DataFrame, after: pl.DataFrame) -> pl.DataFrame:
    """Districts, dates and the file now loaded, where a kecamatan's figures differ, appeared or went."""
    both = before.join(after, on=KEYS, how="full", suffix="_baru", coalesce=True, nulls_equal=True)
    differs = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(f"{c}_baru")) for c in FIGURES]
        + [pl.col("file").is_null() != pl.col("file_baru").is_null()]
    )
    return (
        both.filter(differs)
        .select("kode_kabupaten", "tanggal", pl.col("file_baru").alias("file"))
        .sort("kode_kabupaten", "tanggal")
    )

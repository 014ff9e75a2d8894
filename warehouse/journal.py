"""The warehouse's journal: every decision, finding and figure kept, so that the figures of any
moment can be rebuilt (`warehouse.asof`). Written in the load's transaction, by the same writer."""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from warehouse import db, partitions
from warehouse.read import sql

VALID = ("loaded", "superseded")


def keep_figures(con: duckdb.DuckDBPyConnection, files: pl.DataFrame) -> None:
    """Archive the figures of the decided files that stop being valid, before they are replaced."""
    gone = files.filter(~pl.col("status").is_in(VALID)).select("file", "sha256")
    if gone.is_empty():
        return
    with db.registered(con, berkas_gugur=gone):
        con.execute(sql("jurnal/arsipkan_angka"))
    partitions.mark(
        con,
        ("arsip_riwayat_kecamatan",),
        partitions.months_of(files.filter(~pl.col("status").is_in(VALID))["tanggal"]),
    )


def record(con: duckdb.DuckDBPyConnection, run_id: str, decided_at: datetime, changed: pl.DataFrame) -> None:
    """Append to the history tables the ledger rows of the file versions `changed` (file, sha256:
    every version whose `unggahan` row this transaction wrote, retired, re-stat or removed) that
    differ from their journal, and the findings this run wrote."""
    with db.registered(con, berkas_berubah=changed.select("file", "sha256")):
        con.execute(sql("jurnal/catat_unggahan"), {"waktu": decided_at, "run_id": run_id})
    con.execute(sql("jurnal/catat_temuan"), {"run_id": run_id})
    partitions.mark_from(con, "riwayat_unggahan", "dicatat_oleh = ?", [run_id])
    partitions.mark_from(con, "riwayat_temuan", "run_id = ?", [run_id])


def keys(*parts: pl.DataFrame | list[tuple[str, str]]) -> pl.DataFrame:
    """The (file, sha256) of frames and key lists, as one frame for `record`."""
    frames = [p.select("file", "sha256") if isinstance(p, pl.DataFrame) else db.versions(p) for p in parts]
    return pl.concat(frames, how="vertical_relaxed") if frames else db.versions()

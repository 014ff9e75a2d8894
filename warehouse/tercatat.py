"""What the writer keeps for itself between runs (never published): the arrival of files seen and
not decided yet, and the receipts a run committed and has not written yet (CONTRACT §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import duckdb
import polars as pl

from warehouse import db


class Owed(NamedTuple):
    """One district's receipt of one run, committed with the run's decisions."""

    run_id: str
    kode_kabupaten: str
    dokumen: str  # JSON
    surat: str  # the letter


def arrivals(
    con: duckdb.DuckDBPyConnection, versions: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """(file, sha256) -> arrival in ns since the epoch, of those `versions` whose arrival is
    recorded: decided ones (unggahan) and those seen waiting (kedatangan). Read by key: the ledger
    holds every version ever decided (575,000 after three national years), a night brings 514."""
    with db.registered(con, versi_diminta=db.versions(versions)):
        found = con.execute(
            "select file, sha256, epoch_ns(tiba_pada) from unggahan semi join versi_diminta"
            " using (file, sha256) where tiba_pada is not null"
            " union all select file, sha256, epoch_ns(tiba_pada) from kedatangan semi join versi_diminta"
            " using (file, sha256)"
        ).fetchall()
    return {(file, sha): ns for file, sha, ns in found}


def remember_arrivals(con: duckdb.DuckDBPyConnection, seen: pl.DataFrame, decided: pl.DataFrame) -> None:
    """Record the arrival of file versions seen and not decided (`seen`: file, sha256, tiba_ns)
    unless already recorded, and forget those now decided (their arrival is in unggahan). Inside
    the caller's transaction."""
    arrived = pl.from_epoch(pl.col("tiba_ns"), time_unit="ns").dt.replace_time_zone("UTC").alias("tiba_pada")
    with db.registered(
        con,
        kedatangan_baru=seen.select("file", "sha256", arrived),
        kedatangan_diputuskan=decided.select("file", "sha256"),
    ):
        con.execute(
            "delete from kedatangan"
            " where (file, sha256) in (select (file, sha256) from kedatangan_diputuskan)"
        )
        con.execute(
            "insert into kedatangan select file, sha256, tiba_pada from kedatangan_baru"
            " where (file, sha256) not in (select (file, sha256) from kedatangan)"
        )


def owe(con: duckdb.DuckDBPyConnection, receipts: list[Owed], now: datetime) -> None:
    """Record the receipts a run owes, inside the transaction that commits its decisions."""
    con.executemany(
        "insert into tanda_terima_terutang values (?, ?, ?, ?, ?)",
        [(r.run_id, r.kode_kabupaten, r.dokumen, r.surat, now) for r in receipts],
    )


def owed(con: duckdb.DuckDBPyConnection) -> list[Owed]:
    """Every receipt committed and not written yet, oldest run first."""
    rows = con.execute(
        "select run_id, kode_kabupaten, dokumen, surat from tanda_terima_terutang"
        " order by dibuat_pada, run_id, kode_kabupaten"
    ).fetchall()
    return [Owed(*r) for r in rows]


def settle(con: duckdb.DuckDBPyConnection, receipts: Sequence[Owed]) -> None:
    """These receipts are written: they are no longer owed (one statement for them all)."""
    if not receipts:
        return
    written = pl.DataFrame(
        [(r.run_id, r.kode_kabupaten) for r in receipts],
        schema={"run_id": pl.String, "kode_kabupaten": pl.String},
        orient="row",
    )
    with db.registered(con, tertulis=written):
        con.execute(
            "delete from tanda_terima_terutang"
            " where (run_id, kode_kabupaten) in (select (run_id, kode_kabupaten) from tertulis)"
        )

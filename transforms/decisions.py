"""Which file of a district and date is current (CONTRACT §2)."""

from __future__ import annotations

from datetime import date

import polars as pl

GROUP = ["kode_kabupaten", "tanggal"]


def decide(files: pl.DataFrame, terkunci: frozenset[tuple[str, date]] = frozenset()) -> pl.DataFrame:
    """One row per file with its status: loaded, superseded, rejected or duplicate.

    `files` has file, sha256, kode_kabupaten, tanggal, tiba_ns (arrival) and has_error. Files are
    taken in order of report date, arrival, then path (plain code-point order). A file of a district
    and date in `terkunci` (locked by the province) is rejected, whatever it holds (CONTRACT §2,
    `periode_terkunci`); the run never re-decides the locked date's other files.
    """
    if terkunci:
        locked = pl.Series([f"{k}|{d}" for k, d in terkunci], dtype=pl.String)
        group = pl.concat_str(pl.col("kode_kabupaten"), pl.col("tanggal").cast(pl.String), separator="|")
        files = files.with_columns(
            has_error=pl.col("has_error") | group.is_in(locked.implode()).fill_null(False)
        )
    ordered = files.sort("tanggal", "tiba_ns", "file", nulls_last=True).with_columns(
        # Byte-identical to an earlier file of the same district and date, whatever its status;
        # a file whose date cannot be read is never a duplicate.
        duplicate=pl.col("tanggal").is_not_null() & (pl.int_range(pl.len()).over([*GROUP, "sha256"]) > 0),
    )
    valid = ~pl.col("has_error") & ~pl.col("duplicate")
    ranked = ordered.with_columns(
        # Among the valid ones the latest (arrival, then path) is current.
        last_valid=valid & (pl.col("file") == pl.col("file").filter(valid).last().over(GROUP)),
    )
    return ranked.with_columns(
        status=pl.when(pl.col("duplicate"))
        .then(pl.lit("duplicate"))
        .when(pl.col("has_error"))
        .then(pl.lit("rejected"))
        .when(pl.col("last_valid"))
        .then(pl.lit("loaded"))
        .otherwise(pl.lit("superseded"))
    ).drop("duplicate", "last_valid")

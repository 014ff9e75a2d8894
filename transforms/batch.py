"""The rows of a whole batch of uploads, ready for the row rules."""

from __future__ import annotations

import polars as pl

from contract import rules
from contract.columns import FINDING_SCHEMA, ROW_SCHEMA

FINDINGS = {"file_id": pl.Int64, **FINDING_SCHEMA}  # a finding of the batch, by file
BATCH_KEYS = {"file_id": pl.Int64, "file": pl.String, "kode_kabupaten": pl.String, "tanggal": pl.Date}


def _norm(name: pl.Expr) -> pl.Expr:
    return name.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def batch_rows(rows: pl.DataFrame, kecamatan: pl.DataFrame) -> pl.DataFrame:
    """One row per kecamatan row of every upload in the batch, with its reference facts."""
    ref = kecamatan.select(
        "kode_kecamatan",
        pl.col("kode_kabupaten").alias("kabupaten_referensi"),
        pl.col("nama").alias("nama_referensi"),
    )
    return (
        rows.with_row_index("row_id")
        .with_columns(pl.col("row_id").cast(pl.Int64))
        .join(ref, on="kode_kecamatan", how="left", maintain_order="left")
        .with_columns(
            belum_hitung=pl.col("wajib_ktp") - pl.col("sudah_rekam"),
            nama_norm=_norm(pl.col("nama_kecamatan")),
            nama_referensi_norm=_norm(pl.col("nama_referensi")),
        )
    )


def empty_rows() -> pl.DataFrame:
    """No rows, with the batch schema (keys + ROW_SCHEMA)."""
    return pl.DataFrame(schema={**BATCH_KEYS, **ROW_SCHEMA})


def missing_kecamatan(rows: pl.DataFrame, files: pl.DataFrame, kecamatan: pl.DataFrame) -> pl.DataFrame:
    """One kecamatan_tidak_lapor finding per file and kecamatan of its kabupaten the file does not report."""
    expected = files.select("file_id", "kode_kabupaten").join(
        kecamatan.select("kode_kecamatan", "kode_kabupaten", "nama"), on="kode_kabupaten"
    )
    missing = expected.join(
        rows.select("file_id", "kode_kecamatan"), on=["file_id", "kode_kecamatan"], how="anti"
    )
    return missing.sort("file_id", "kode_kecamatan").select(
        "file_id",
        pl.lit(None, pl.Int64).alias("baris"),
        "kode_kecamatan",
        pl.lit("kode_kecamatan").alias("kolom"),
        pl.lit(None, pl.String).alias("nilai"),
        pl.lit("kecamatan_tidak_lapor").alias("aturan"),
        pl.lit(rules.level("kecamatan_tidak_lapor")).alias("tingkat"),
        rules.message_expr(
            "kecamatan_tidak_lapor", "kode", kode=pl.col("kode_kecamatan"), nama=pl.col("nama")
        ).alias("pesan"),
    )

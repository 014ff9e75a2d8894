"""Each report beside the kecamatan's previous loaded report, for the history warnings."""

from __future__ import annotations

from datetime import timedelta

import polars as pl


def with_previous(rows: pl.DataFrame, loaded: pl.DataFrame) -> pl.DataFrame:
    """One row per report row, with the kecamatan's latest loaded report strictly before its date.

    `loaded` holds one row per kecamatan and date: kode_kecamatan, tanggal, sudah_rekam, wajib_ktp.
    """
    previous = loaded.select(
        "kode_kecamatan",
        pl.col("tanggal").alias("prev_tanggal"),
        pl.col("sudah_rekam").alias("prev_sudah_rekam"),
        pl.col("wajib_ktp").alias("prev_wajib_ktp"),
    ).sort("prev_tanggal")
    joined = rows.sort("tanggal").join_asof(
        previous,
        left_on="tanggal",
        right_on="prev_tanggal",
        by="kode_kecamatan",
        strategy="backward",
        check_sortedness=False,
        allow_exact_matches=False,
    )
    rise = pl.col("sudah_rekam") - pl.col("prev_sudah_rekam")
    return joined.with_columns(
        kenaikan_kemarin=pl.when(pl.col("prev_tanggal") == pl.col("tanggal") - timedelta(days=1)).then(rise),
        wajib_ktp_lonjakan=20 * (pl.col("wajib_ktp") - pl.col("prev_wajib_ktp")).abs()
        - pl.col("prev_wajib_ktp"),
    ).sort("row_id")

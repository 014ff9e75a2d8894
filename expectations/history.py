"""Warnings of CONTRACT §2 that compare a report with the kecamatan's previous loaded report.

The frame is transforms.history.with_previous(): upload rows with the previous report's figures.
"""

from __future__ import annotations

import polars as pl

from contract import rules
from contract.formats import tanggal
from expectations.engine import Expectation, Suite, n, where


def _persen(r: dict) -> str:
    change = 100 * (r["wajib_ktp"] - r["prev_wajib_ktp"]) / max(r["prev_wajib_ktp"], 1)
    # Two decimals: 10.000 -> 10.501 is "+5,01 %", never a "+5,0 %" that seems within the 5 %.
    return f"{change:+.2f}".replace(".", ",") + " %"


def _earlier(r: dict) -> dict:
    """The fields every history message names: where, and the previous report's date, written as
    the portal and the report write dates (`30 April 2018`)."""
    return {"where": where(r), "tanggal_sebelumnya": tanggal(r["prev_tanggal"])}


RIWAYAT = Suite(
    rules.HISTORY,
    (
        Expectation(
            aturan="rekam_menurun",
            kolom="sudah_rekam",
            kind="ExpectColumnPairValuesAToBeGreaterThanB",
            kwargs={
                "column_A": "sudah_rekam",
                "column_B": "prev_sudah_rekam",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            failing=pl.col("sudah_rekam") < pl.col("prev_sudah_rekam"),
            nilai=lambda r: str(r["sudah_rekam"]),
            pesan=lambda r: rules.message(
                "rekam_menurun",
                "baris",
                **_earlier(r),
                sudah_rekam=n(r["sudah_rekam"]),
                sebelumnya=n(r["prev_sudah_rekam"]),
            ),
        ),
        Expectation(
            aturan="rekam_harian_tidak_sesuai",
            kolom="rekam_hari_ini",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={
                "column_A": "rekam_hari_ini",
                "column_B": "kenaikan_kemarin",
                "ignore_row_if": "either_value_is_missing",
            },
            failing=pl.col("rekam_hari_ini") != pl.col("kenaikan_kemarin"),
            nilai=lambda r: str(r["rekam_hari_ini"]),
            pesan=lambda r: rules.message(
                "rekam_harian_tidak_sesuai",
                "baris",
                **_earlier(r),
                rekam_hari_ini=n(r["rekam_hari_ini"]),
                sebelumnya=n(r["prev_sudah_rekam"]),
                sudah_rekam=n(r["sudah_rekam"]),
                kenaikan=n(r["kenaikan_kemarin"]),
            ),
        ),
        Expectation(
            aturan="wajib_ktp_melonjak",
            kolom="wajib_ktp",
            kind="ExpectColumnValuesToBeBetween",
            # 20·|change| > previous  <=>  the change is more than 5 %, in whole numbers.
            kwargs={"column": "wajib_ktp_lonjakan", "max_value": 0},
            failing=pl.col("wajib_ktp_lonjakan") > 0,
            nilai=lambda r: str(r["wajib_ktp"]),
            pesan=lambda r: rules.message(
                "wajib_ktp_melonjak",
                "baris",
                **_earlier(r),
                wajib_ktp=n(r["wajib_ktp"]),
                persen=_persen(r),
                sebelumnya=n(r["prev_wajib_ktp"]),
            ),
        ),
    ),
)

SUITES = (RIWAYAT,)

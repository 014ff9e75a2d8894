"""Row rules of CONTRACT §2 on upload rows: the suites every batch of uploads goes through.

The frame is transforms.batch.batch_rows(): one row per kecamatan row of every file of the batch.
Each rule's level and wording come from contract.rules; a suite holds its GX expectation and the
same predicate in Polars.
"""

from __future__ import annotations

import polars as pl

from contract import rules
from contract.formats import visible
from expectations.engine import Expectation, Suite, n, where


def _pair_greater(aturan: str, a: str, b: str) -> Expectation:
    """`b` may not exceed `a` (both given)."""
    return Expectation(
        aturan=aturan,
        kolom=b,
        kind="ExpectColumnPairValuesAToBeGreaterThanB",
        kwargs={"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
        failing=pl.col(b) > pl.col(a),
        nilai=lambda r: str(r[b]),
        pesan=lambda r: rules.message(aturan, "baris", where=where(r), **{a: n(r[a]), b: n(r[b])}),
    )


def _unknown(r: dict) -> str:
    """An unknown code (one not even written as a code: 520101.0, 5201.01), or a row with figures
    and no code at all (named when it has a name)."""
    if (code := r["kode_kecamatan"]) is not None:
        case = "kode" if code.isascii() and code.isdigit() and len(code) == 6 else "bentuk"
        return rules.message("kecamatan_tidak_dikenal", case, where=where(r), kode=visible(code))
    if r["nama_kecamatan"] is not None:
        return rules.message(
            "kecamatan_tidak_dikenal", "tanpa_kode_bernama", where=where(r), nama=visible(r["nama_kecamatan"])
        )
    return rules.message("kecamatan_tidak_dikenal", "tanpa_kode", where=where(r))


WILAYAH = Suite(
    rules.WILAYAH,
    (
        Expectation(
            aturan="kecamatan_tidak_dikenal",
            kolom="kode_kecamatan",
            kind="ExpectColumnValuesToNotBeNull",
            kwargs={"column": "kabupaten_referensi"},
            failing=pl.col("kabupaten_referensi").is_null(),
            nilai=lambda r: r["kode_kecamatan"] or "",
            pesan=_unknown,
        ),
        Expectation(
            aturan="kecamatan_kabupaten_lain",
            kolom="kode_kecamatan",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={
                "column_A": "kabupaten_referensi",
                "column_B": "kode_kabupaten",
                "ignore_row_if": "either_value_is_missing",
            },
            failing=pl.col("kabupaten_referensi") != pl.col("kode_kabupaten"),
            nilai=lambda r: r["kode_kecamatan"],
            pesan=lambda r: rules.message(
                "kecamatan_kabupaten_lain",
                "kode",
                where=where(r),
                nama_referensi=r["nama_referensi"],
                kabupaten_referensi=r["kabupaten_referensi"],
                kabupaten=r["kode_kabupaten"],
            ),
        ),
        Expectation(
            aturan="kecamatan_ganda",
            kolom="kode_kecamatan",
            kind="ExpectCompoundColumnsToBeUnique",
            # Rows without a code are unknown (above), not twins of each other.
            kwargs={"column_list": ["file_id", "kode_kecamatan"], "ignore_row_if": "any_value_is_missing"},
            failing=(pl.len().over("file_id", "kode_kecamatan") > 1) & pl.col("kode_kecamatan").is_not_null(),
            nilai=lambda r: r["kode_kecamatan"],
            pesan=lambda r: rules.message(
                "kecamatan_ganda", "kode", where=where(r), kode=r["kode_kecamatan"]
            ),
        ),
    ),
)

ANGKA = Suite(
    rules.ANGKA,
    (
        _pair_greater("rekam_melebihi_wajib", "wajib_ktp", "sudah_rekam"),
        Expectation(
            aturan="belum_rekam_tidak_sesuai",
            kolom="belum_rekam",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={
                "column_A": "belum_rekam",
                "column_B": "belum_hitung",
                "ignore_row_if": "either_value_is_missing",
            },
            failing=pl.col("belum_rekam") != pl.col("belum_hitung"),
            nilai=lambda r: str(r["belum_rekam"]),
            pesan=lambda r: rules.message(
                "belum_rekam_tidak_sesuai",
                "baris",
                where=where(r),
                belum_rekam=n(r["belum_rekam"]),
                wajib_ktp=n(r["wajib_ktp"]),
                sudah_rekam=n(r["sudah_rekam"]),
                belum_hitung=n(r["belum_hitung"]),
            ),
        ),
        _pair_greater("cetak_melebihi_rekam", "sudah_rekam", "sudah_cetak"),
        _pair_greater("keliling_melebihi_harian", "rekam_hari_ini", "rekam_keliling"),
    ),
)

NAMA = Suite(
    rules.NAMA,
    (
        Expectation(
            aturan="nama_tidak_sesuai",
            kolom="nama_kecamatan",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={
                "column_A": "nama_norm",
                "column_B": "nama_referensi_norm",
                "ignore_row_if": "either_value_is_missing",
            },
            failing=pl.col("nama_norm") != pl.col("nama_referensi_norm"),
            nilai=lambda r: r["nama_kecamatan"],
            pesan=lambda r: rules.message(
                "nama_tidak_sesuai",
                "baris",
                where=where(r),
                nama=visible(r["nama_kecamatan"]),
                nama_referensi=r["nama_referensi"],
            ),
        ),
    ),
)

SUITES = (WILAYAH, ANGKA, NAMA)

"""Row rules of CONTRACT §2 on upload rows: the suites every batch of uploads goes through.

The frame is transforms.batch.batch_rows(): one row per kecamatan row of every file of the batch.
"""

from __future__ import annotations

import polars as pl

from ektp.schema import format_count as n
from expectations.engine import Rule, Suite
from expectations.engine import where as _where


def _pair_greater(aturan: str, a: str, b: str, kata: str) -> Rule:
    """`b` may not exceed `a` (both given)."""
    return Rule(
        aturan=aturan,
        kolom=b,
        kind="ExpectColumnPairValuesAToBeGreaterThanB",
        kwargs={"column_A": a, "column_B": b, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
        failing=pl.col(b) > pl.col(a),
        nilai=lambda r: str(r[b]),
        pesan=lambda r: f"{_where(r)}: {b} {n(r[b])} {kata} {a} {n(r[a])}",
    )


WILAYAH = Suite(
    "unggahan_wilayah",
    (
        Rule(
            aturan="kecamatan_tidak_dikenal",
            kolom="kode_kecamatan",
            kind="ExpectColumnValuesToNotBeNull",
            kwargs={"column": "kabupaten_referensi"},
            failing=pl.col("kabupaten_referensi").is_null(),
            nilai=lambda r: r["kode_kecamatan"],
            pesan=lambda r: f"{_where(r)}: kode kecamatan \"{r['kode_kecamatan']}\" tidak ada dalam daftar Kemendagri",
        ),
        Rule(
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
            pesan=lambda r: (
                f"{_where(r)}: kecamatan {r['nama_referensi']} milik kabupaten {r['kabupaten_referensi']},"
                f" bukan {r['kode_kabupaten']}"
            ),
        ),
        Rule(
            aturan="kecamatan_ganda",
            kolom="kode_kecamatan",
            kind="ExpectCompoundColumnsToBeUnique",
            kwargs={"column_list": ["file_id", "kode_kecamatan"]},
            failing=pl.len().over("file_id", "kode_kecamatan") > 1,
            nilai=lambda r: r["kode_kecamatan"],
            pesan=lambda r: f"{_where(r)}: kecamatan {r['kode_kecamatan']} muncul lebih dari sekali",
        ),
    ),
)

ANGKA = Suite(
    "unggahan_angka",
    (
        _pair_greater("rekam_melebihi_wajib", "wajib_ktp", "sudah_rekam", "lebih besar dari"),
        Rule(
            aturan="belum_rekam_tidak_sesuai",
            kolom="belum_rekam",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={"column_A": "belum_rekam", "column_B": "belum_hitung", "ignore_row_if": "either_value_is_missing"},
            failing=pl.col("belum_rekam") != pl.col("belum_hitung"),
            nilai=lambda r: str(r["belum_rekam"]),
            pesan=lambda r: (
                f"{_where(r)}: belum_rekam {n(r['belum_rekam'])} tidak sama dengan wajib_ktp - sudah_rekam"
                f" = {n(r['wajib_ktp'])} - {n(r['sudah_rekam'])} = {n(r['belum_hitung'])}"
            ),
        ),
        _pair_greater("cetak_melebihi_rekam", "sudah_rekam", "sudah_cetak", "lebih besar dari"),
        _pair_greater("keliling_melebihi_harian", "rekam_hari_ini", "rekam_keliling", "lebih besar dari"),
    ),
)

NAMA = Suite(
    "unggahan_nama",
    (
        Rule(
            aturan="nama_tidak_sesuai",
            kolom="nama_kecamatan",
            kind="ExpectColumnPairValuesToBeEqual",
            kwargs={"column_A": "nama_norm", "column_B": "nama_referensi_norm", "ignore_row_if": "either_value_is_missing"},
            failing=pl.col("nama_norm") != pl.col("nama_referensi_norm"),
            nilai=lambda r: r["nama_kecamatan"],
            pesan=lambda r: (
                f"{_where(r)}: nama kecamatan \"{r['nama_kecamatan']}\" berbeda dengan nama Kemendagri"
                f" \"{r['nama_referensi']}\""
            ),
        ),
    ),
)

SUITES = (WILAYAH, ANGKA, NAMA)

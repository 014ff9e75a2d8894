"""The rules of CONTRACT §2, each declared once: its name (`aturan`), its level, where it is
checked, and every sentence an operator reads when it fails.

A sentence is a template with named fields (`{baris}`, `{kolom}`, ...). Python fills it with
`message()`; the parser fills the same template with Polars expressions (`message_expr()`), so a
rule's wording lives here and nowhere else. `where` is the location phrase every row finding
starts with: `baris 7 (520304)`, or `baris 7` when the row has no readable 6-digit code.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from contract.filetypes import ACCEPTED

ERROR, WARNING = "error", "warning"

# Where a rule is checked. The GX suite names are those of expectations/.
FILE = "berkas"  # while reading and parsing one file (transforms/uploads.py, landing/)
WILAYAH = "unggahan_wilayah"  # GX suite over every row of the batch
ANGKA = "unggahan_angka"  # GX suite over every row of the batch
NAMA = "unggahan_nama"  # GX suite over every row of the batch
COVERAGE = "kelengkapan"  # the batch's files against the region reference (transforms/batch.py)
HISTORY = "unggahan_riwayat"  # GX suite: each row against the kecamatan's previous loaded report
LOCK = "kunci"  # the file's district and date against the province's locks (pipeline/runs.py)
SUITES = (WILAYAH, ANGKA, NAMA, HISTORY)

# Location phrases that start a row finding.
WHERE_CODE = "baris {baris} ({kode})"
WHERE_LINE = "baris {baris}"
# The row that stands for the findings of one rule in one file beyond the first ones kept.
MORE_FINDINGS = "dan {jumlah} temuan lain untuk aturan ini di berkas ini ({batas} pertama dicantumkan)"


@dataclass(frozen=True)
class Rule:
    aturan: str
    tingkat: str  # error rejects the file; warning is reported, the file is loaded
    diperiksa: str  # FILE, COVERAGE or a GX suite name
    arti: str  # what the rule means, in one Indonesian sentence
    pesan: Mapping[str, str]  # case -> the operator's sentence for one finding


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.aturan: r for r in rules}


RULES: dict[str, Rule] = _rules(
    Rule(
        "berkas_tidak_terbaca",
        ERROR,
        FILE,
        "berkas tidak dapat dibaca sebagai tabel laporan",
        {
            "kosong": "berkas kosong (0 byte)",
            "tanpa_sel": "{bagian} kosong: tidak ada sel yang terisi",
            "jenis": "jenis berkas {ekstensi} tidak diterima; kirim " + ACCEPTED,
            "utf16": "berkas ber-encoding UTF-16; simpan ulang sebagai CSV UTF-8 atau CSV biasa",
            "biner": "berkas berisi data biner, bukan teks CSV{petunjuk}",
            "encoding_campuran": (
                "encoding campuran: sebagian UTF-8, tetapi byte ke-{posisi} bukan UTF-8; "
                "simpan ulang seluruh berkas sebagai CSV UTF-8"
            ),
            "encoding": "berkas bukan teks UTF-8 maupun Windows-1252 (byte ke-{posisi} tidak dikenal)",
            "csv_rusak": "format CSV rusak mulai baris {baris}: {masalah}",
            "lebih_lebar": (
                "baris {baris} berisi lebih banyak kolom daripada baris judul kolom; di CSV "
                'berpemisah koma, angka ribuan harus diapit tanda kutip ("12,345") atau ditulis 12345'
            ),
            "terlalu_lebar": "baris {baris} berisi {lebar} kolom; paling banyak {batas}",
            "xls": (
                "berkas Excel lama (.xls) atau berkas xlsx berkata sandi; simpan ulang "
                "sebagai .xlsx tanpa kata sandi"
            ),
            "bukan_xlsx": "bukan berkas xlsx yang sah",
            "xlsx_rusak": "berkas xlsx rusak atau tidak dapat dibuka",
            "tanpa_judul_kolom": (
                "baris judul kolom tidak ditemukan di {batas} baris pertama yang terisi; "
                "harus ada kolom kode_kecamatan, wajib_ktp dan sudah_rekam"
            ),
            "tanpa_judul_kolom_lembar": (
                "baris judul kolom tidak ditemukan di {batas} baris pertama yang terisi pada lembar "
                "pertama yang tampak (hanya lembar itu yang dibaca); harus ada kolom kode_kecamatan, "
                "wajib_ktp dan sudah_rekam"
            ),
            "tanpa_kecamatan": "tidak ada baris kecamatan di bawah baris judul kolom (baris {baris})",
            "tautan": "tautan simbolik tidak diikuti",
            "bukan_berkas": "bukan berkas biasa ({jenis}); kirim berkas " + ACCEPTED,
            "di_landing": "berkas langsung di folder landing, bukan di folder kabupaten",
            "folder_asing": "folder {folder} bukan kode kabupaten/kota dalam cakupan",
            # What the portal refuses before writing a file (landing/sniff.py): contents that are
            # not what the name says. {jenis}: what they are, {format}: what the name says.
            "isi_lain": "isi berkas adalah {jenis}, bukan {format}",
            "bukan_buku_kerja": (
                "isi berkas bukan buku kerja XLSX ({jenis}); simpan ulang dari Excel sebagai .xlsx"
            ),
            "zip_rusak": "berkas ZIP rusak, bukan buku kerja XLSX",
            "zip_lain": "arsip ZIP yang bukan buku kerja XLSX",
        },
    ),
    Rule(
        "berkas_terlalu_besar",
        ERROR,
        FILE,
        "berkas melebihi batas ukuran, jumlah baris, atau isi lembar",
        {
            "ukuran": (
                "berkas {ukuran} byte, melebihi batas {batas} byte (20 MB); laporan "
                "satu kabupaten sekitar 30 baris"
            ),
            "baris": "berkas lebih dari {batas} baris; laporan satu kabupaten sekitar 30 baris",
            # {bagian}: `lembar Rekap` for a sheet, `bagian xl/sharedStrings.xml` for another part of the zip
            "bagian_ukuran": (
                "{bagian} berisi lebih dari {batas} byte setelah dibuka (50 "
                "MB); laporan satu kabupaten sekitar 30 baris"
            ),
            "isi_ukuran": (
                "{jumlah} bagian buku kerja bersama-sama berisi lebih dari {batas} "
                "byte setelah dibuka (100 MB); terbesar {bagian}"
            ),
            "daftar_isi": (
                "daftar isi arsip buku kerja {ukuran} byte, melebihi batas {batas} "
                "byte; buku kerja laporan hanya berisi belasan bagian"
            ),
            "lembar_baris": (
                "lembar {lembar} berisi lebih dari {batas} baris; laporan satu kabupaten sekitar 30 baris"
            ),
            # The portal's limit on one upload (EKTP_UPLOAD_MAX_BYTES), sizes written for a person.
            "unggahan": "berkas {ukuran}, lebih besar dari batas {batas}",
            "lembar_sel": (
                "lembar {lembar} terbentang {baris} baris x {kolom} kolom, terlalu "
                "luas untuk dibaca; hapus sel di luar tabel"
            ),
        },
    ),
    Rule(
        "kolom_hilang",
        ERROR,
        FILE,
        "kolom wajib tidak ada",
        {
            "kolom": "kolom {kolom} tidak ada",
            "mirip": 'kolom {kolom} tidak ada; kolom "{nama}" tidak dikenali: salah ketik? tulis {kolom}',
        },
    ),
    Rule(
        "kolom_ganda",
        ERROR,
        FILE,
        "dua kolom berarti sama",
        {
            "kolom": "kolom {nama} sama-sama berarti {kolom}; hapus salah satu",
        },
    ),
    Rule(
        "tanggal_tidak_valid",
        ERROR,
        FILE,
        "tanggal laporan tidak ada, tidak terbaca, tidak sepakat, atau di luar rentang",
        {
            "tidak_ada": (
                "tanggal laporan tidak ditemukan; isi kolom tanggal, tulis "
                '"Per tanggal 12 April 2018" di judul, atau beri nama berkas seperti 2018-04-12.csv'
            ),
            "sumber_berbeda": "tanggal {tanggal} di {sumber} berbeda dengan {sumber_lain} {tanggal_lain}",
            "sebelum_program": "tanggal {tanggal} sebelum {awal} (awal program e-KTP)",
            "setelah_hari_ini": "tanggal {tanggal} melewati hari ini ({hari_ini})",
            "beberapa": "{sumber} memuat beberapa tanggal berbeda: {daftar}",
            "sel": '{where}: tanggal "{nilai}" tidak terbaca, tulis seperti 12/04/2018 atau 2018-04-12',
            "sel_kalender": '{where}: tanggal "{nilai}" tidak ada di kalender; periksa hari dan bulannya',
            "sel_angka": (
                '{where}: tanggal "{nilai}" berupa angka (nomor tanggal Excel?); di Excel, format'
                " kolom tanggal sebagai tanggal, mis. 12/04/2018"
            ),
            "sel_tahun_pendek": (
                '{where}: tanggal "{nilai}": tulis tahunnya dengan empat angka, mis. 12/04/2018'
            ),
            "baris_berbeda": "{where}: tanggal {tanggal} berbeda dengan tanggal baris lain {tanggal_umum}",
        },
    ),
    Rule(
        "kecamatan_tidak_dikenal",
        ERROR,
        WILAYAH,
        "kode kecamatan tidak ada dalam daftar Kemendagri",
        {
            "kode": '{where}: kode kecamatan "{kode}" tidak ada dalam daftar Kemendagri',
            "bentuk": '{where}: kode kecamatan "{kode}" tidak berbentuk 520101 atau 52.01.01',
            "tanpa_kode": "{where}: baris berisi angka tetapi kode_kecamatan kosong",
            "tanpa_kode_bernama": '{where}: baris berisi angka tetapi kode_kecamatan kosong (nama "{nama}")',
        },
    ),
    Rule(
        "kecamatan_kabupaten_lain",
        ERROR,
        WILAYAH,
        "kecamatan milik kabupaten lain",
        {
            "kode": (
                "{where}: kecamatan {nama_referensi} milik kabupaten {kabupaten_referensi}, bukan {kabupaten}"
            ),
        },
    ),
    Rule(
        "kecamatan_ganda",
        ERROR,
        WILAYAH,
        "kecamatan muncul dua kali",
        {
            "kode": "{where}: kecamatan {kode} muncul lebih dari sekali",
        },
    ),
    Rule(
        "angka_tidak_valid",
        ERROR,
        FILE,
        "angka bukan bilangan bulat >= 0, atau angka wajib kosong",
        {
            "sel": "{where}: {kolom} {masalah}",
            "jumlah": "{where}: JUMLAH {kolom} {masalah}",
            # What is wrong with the cell (the {masalah} above).
            "kosong": "kosong, harus diisi bilangan bulat",
            "negatif": '"{nilai}" negatif, harus bilangan bulat >= 0',
            "strip": '"{nilai}" bukan angka; tulis 0 bila nilainya nol',
            "bukan_bulat": '"{nilai}" bukan bilangan bulat',
            "terlalu_besar": '"{nilai}" melebihi {batas}; tidak ada kecamatan sebesar itu (NIK tertempel?)',
            "sel_galat": '"{nilai}" adalah sel galat Excel, bukan angka',
            "rumus": "berisi rumus tanpa nilai tersimpan; simpan ulang berkas di Excel",
        },
    ),
    Rule(
        "rekam_melebihi_wajib",
        ERROR,
        ANGKA,
        "sudah_rekam lebih besar dari wajib_ktp",
        {
            "baris": "{where}: sudah_rekam {sudah_rekam} lebih besar dari wajib_ktp {wajib_ktp}",
        },
    ),
    Rule(
        "belum_rekam_tidak_sesuai",
        ERROR,
        ANGKA,
        "belum_rekam bukan wajib_ktp - sudah_rekam",
        {
            "baris": (
                "{where}: belum_rekam {belum_rekam} tidak sama dengan wajib_ktp - sudah_rekam"
                " = {wajib_ktp} - {sudah_rekam} = {belum_hitung}"
            ),
        },
    ),
    Rule(
        "cetak_melebihi_rekam",
        ERROR,
        ANGKA,
        "sudah_cetak lebih besar dari sudah_rekam",
        {
            "baris": "{where}: sudah_cetak {sudah_cetak} lebih besar dari sudah_rekam {sudah_rekam}",
        },
    ),
    Rule(
        "keliling_melebihi_harian",
        ERROR,
        ANGKA,
        "rekam_keliling lebih besar dari rekam_hari_ini",
        {
            "baris": (
                "{where}: rekam_keliling {rekam_keliling} lebih besar dari rekam_hari_ini {rekam_hari_ini}"
            ),
        },
    ),
    Rule(
        "jumlah_tidak_sesuai",
        ERROR,
        FILE,
        "baris JUMLAH tidak sama dengan jumlah kolomnya",
        {
            "kolom": "{where}: JUMLAH {kolom} {nilai} tidak sama dengan jumlah baris kecamatan {jumlah}",
        },
    ),
    Rule(
        "periode_terkunci",
        ERROR,
        LOCK,
        "angka kabupaten untuk tanggal laporan ini sudah dikunci provinsi",
        {
            "berkas": (
                "angka kabupaten {kabupaten} tanggal {tanggal} sudah dikunci oleh {oleh} pada {pada}; "
                "berkas ini disimpan dan diputuskan lagi setelah kunci dibuka. Bila angkanya perlu "
                "diubah, mintalah {oleh} (Dinas Dukcapil Provinsi) membuka kuncinya"
            ),
        },
    ),
    Rule(
        "kecamatan_tidak_lapor",
        WARNING,
        COVERAGE,
        "sebagian kecamatan kabupaten tidak ada dalam berkas",
        {
            "kode": "kecamatan {kode} ({nama}) tidak ada dalam berkas",
        },
    ),
    Rule(
        "rekam_menurun",
        WARNING,
        HISTORY,
        "sudah_rekam lebih rendah dari laporan sebelumnya",
        {
            "baris": (
                "{where}: sudah_rekam {sudah_rekam} turun dari {sebelumnya} pada laporan {tanggal_sebelumnya}"
            ),
        },
    ),
    Rule(
        "rekam_harian_tidak_sesuai",
        WARNING,
        HISTORY,
        "rekam_hari_ini bukan kenaikan sudah_rekam sejak kemarin",
        {
            "baris": (
                "{where}: rekam_hari_ini {rekam_hari_ini} tidak sama dengan kenaikan sudah_rekam"
                " sejak laporan {tanggal_sebelumnya}: {sebelumnya} menjadi {sudah_rekam} = {kenaikan}"
            ),
        },
    ),
    Rule(
        "wajib_ktp_melonjak",
        WARNING,
        HISTORY,
        "wajib_ktp berubah lebih dari 5% dari laporan sebelumnya",
        {
            "baris": (
                "{where}: wajib_ktp {wajib_ktp} berubah {persen} dari {sebelumnya} pada "
                "laporan {tanggal_sebelumnya}"
            ),
        },
    ),
    Rule(
        "nama_tidak_sesuai",
        WARNING,
        NAMA,
        "nama kecamatan berbeda dengan nama Kemendagri",
        {
            "baris": '{where}: nama kecamatan "{nama}" berbeda dengan nama Kemendagri "{nama_referensi}"',
        },
    ),
)


def level(aturan: str) -> str:
    return RULES[aturan].tingkat


def message(aturan: str, case: str, **fields: Any) -> str:
    """The operator's sentence of one finding, its fields filled in."""
    return RULES[aturan].pesan[case].format(**fields)


def message_expr(aturan: str, case: str, **fields: pl.Expr) -> pl.Expr:
    """The same sentence as a Polars expression, one per row: the fields are expressions."""
    return fill_expr(RULES[aturan].pesan[case], **fields)


def fill_expr(template: str, **fields: pl.Expr) -> pl.Expr:
    """A template of this module filled with Polars expressions."""
    literals, values = [], []
    for literal, name, _, _ in string.Formatter().parse(template):
        literals.append(literal)
        if name is not None:
            values.append(fields[name])
    if not values:
        return pl.lit(template)
    return pl.format("{}".join(literals) + ("" if len(literals) > len(values) else "{}"), *values)


def finding(
    aturan: str,
    pesan: str,
    baris: int | None = None,
    kolom: str | None = None,
    nilai: str | None = None,
    kode_kecamatan: str | None = None,
) -> dict[str, Any]:
    """One finding as a row of columns.FINDING_SCHEMA, its level from the registry."""
    return {
        "baris": baris,
        "kode_kecamatan": kode_kecamatan,
        "kolom": kolom,
        "nilai": nilai,
        "aturan": aturan,
        "tingkat": level(aturan),
        "pesan": pesan,
    }

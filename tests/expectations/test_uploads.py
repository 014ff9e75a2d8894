"""The upload row rules (expectations/uploads.py) through real GX, on tiny inline batches."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from contract import regions as reference
from contract.columns import COUNT_COLUMNS, FINDING_SCHEMA
from expectations import uploads
from expectations.engine import Expectation, Suite, ValidationMismatch, Validator
from transforms.batch import batch_rows

DAY = date(2018, 4, 12)


@pytest.fixture(scope="module")
def validator():
    """One GX context for the module: each test is one checkpoint run."""
    return Validator()


def batch(*rows: dict) -> pl.DataFrame:
    """Upload rows of Kota Bima (5272) files, as transforms.batch.batch_rows() hands them to GX.

    Each row: kode_kecamatan plus any counts; file_id (0), baris (2, 3, ...) and names optional.
    """
    full = [
        {
            "file_id": r.get("file_id", 0),
            "file": f"5272/rekap_{r.get('file_id', 0)}.csv",
            "kode_kabupaten": r.get("kode_kabupaten", "5272"),
            "tanggal": DAY,
            "baris": r.get("baris", i + 2),
            "kode_kecamatan": r["kode_kecamatan"],
            "nama_kecamatan": r.get("nama_kecamatan"),
            **{c: r.get(c) for c in COUNT_COLUMNS},
        }
        for i, r in enumerate(rows)
    ]
    schema = {
        "file_id": pl.Int64,
        "file": pl.String,
        "kode_kabupaten": pl.String,
        "tanggal": pl.Date,
        "baris": pl.Int64,
        "kode_kecamatan": pl.String,
        "nama_kecamatan": pl.String,
        **{c: pl.Int64 for c in COUNT_COLUMNS},
    }
    return batch_rows(pl.DataFrame(full, schema=schema), reference.load("52").kecamatan)


def findings(validator, *rows: dict) -> list[tuple]:
    """(aturan, tingkat, baris, kode_kecamatan, kolom, nilai, pesan) of every finding."""
    found = validator.validate("unggahan", uploads.SUITES, batch(*rows))
    assert found.schema == pl.Schema({"row_id": pl.Int64, **FINDING_SCHEMA})
    return found.select("aturan", "tingkat", "baris", "kode_kecamatan", "kolom", "nilai", "pesan").rows()


def ok(kode: str, wajib: int = 12_400, sudah: int = 10_000, **more) -> dict:
    """A row that breaks no rule."""
    return {"kode_kecamatan": kode, "wajib_ktp": wajib, "sudah_rekam": sudah, **more}


def test_clean_rows_give_no_finding(validator):
    # every rule holds, at its boundary too: sudah = wajib, cetak = sudah, keliling = harian,
    # belum = wajib - sudah, a name differing only in case and spacing
    rows = [
        ok("527201", 12_400, 12_400, belum_rekam=0, sudah_cetak=12_400, rekam_hari_ini=40, rekam_keliling=40),
        ok("527202", nama_kecamatan="  RASANAE   timur ", belum_rekam=2_400),
    ]
    assert findings(validator, *rows) == []


def test_empty_optional_counts_are_not_checked(validator):
    # belum_rekam, sudah_cetak, rekam_hari_ini, rekam_keliling null: the pair rules skip the row
    assert findings(validator, ok("527201", rekam_keliling=99)) == []


def test_kecamatan_tidak_dikenal(validator):
    # a 6-digit code that is not in the Kemendagri list
    assert findings(validator, ok("527201"), ok("527206")) == [
        (
            "kecamatan_tidak_dikenal",
            "error",
            3,
            "527206",
            "kode_kecamatan",
            "527206",
            'baris 3 (527206): kode kecamatan "527206" tidak ada dalam daftar Kemendagri',
        ),
    ]


@pytest.mark.parametrize("code", ["5272O1", "527201.0", "5272.01", "'527201", "52 72 01"])
def test_unreadable_code_is_named_in_the_message_not_in_the_code_column(validator, code):
    # `5272O1` (letter O) is not a code: kode_kecamatan stays null, the value and message show it,
    # and the message says what a code looks like (it said "not in the Kemendagri list", as of a
    # code that was merely unknown)
    assert findings(validator, ok(code)) == [
        (
            "kecamatan_tidak_dikenal",
            "error",
            2,
            None,
            "kode_kecamatan",
            code,
            f'baris 2: kode kecamatan "{code}" tidak berbentuk 520101 atau 52.01.01',
        ),
    ]


def test_row_with_figures_but_no_code_is_unknown(validator):
    # the parser hands such rows on without code or counts: unknown, named when it has a name,
    # never twins of each other, never checked by the count rules
    rows = [
        ok("527201"),
        {"kode_kecamatan": None, "nama_kecamatan": "Praya Barat Daya"},
        {"kode_kecamatan": None},
    ]
    assert findings(validator, *rows) == [
        (
            "kecamatan_tidak_dikenal",
            "error",
            3,
            None,
            "kode_kecamatan",
            "",
            'baris 3: baris berisi angka tetapi kode_kecamatan kosong (nama "Praya Barat Daya")',
        ),
        (
            "kecamatan_tidak_dikenal",
            "error",
            4,
            None,
            "kode_kecamatan",
            "",
            "baris 4: baris berisi angka tetapi kode_kecamatan kosong",
        ),
    ]


def test_kecamatan_kabupaten_lain(validator):
    # Ampenan (527101) is in Kota Mataram, not in the Kota Bima inbox
    assert findings(validator, ok("527201"), ok("527101")) == [
        (
            "kecamatan_kabupaten_lain",
            "error",
            3,
            "527101",
            "kode_kecamatan",
            "527101",
            "baris 3 (527101): kecamatan Ampenan milik kabupaten 5271, bukan 5272",
        ),
    ]


def test_kecamatan_ganda(validator):
    # twice in one file: both rows are named; once in each of two files is fine
    rows = [ok("527201"), ok("527203"), ok("527203", baris=9), ok("527201", file_id=1)]
    assert findings(validator, *rows) == [
        (
            "kecamatan_ganda",
            "error",
            3,
            "527203",
            "kode_kecamatan",
            "527203",
            "baris 3 (527203): kecamatan 527203 muncul lebih dari sekali",
        ),
        (
            "kecamatan_ganda",
            "error",
            9,
            "527203",
            "kode_kecamatan",
            "527203",
            "baris 9 (527203): kecamatan 527203 muncul lebih dari sekali",
        ),
    ]


def test_rekam_melebihi_wajib(validator):
    # sudah_rekam above wajib_ktp, numbers written the Indonesian way in the message
    assert findings(validator, ok("527201"), ok("527204", wajib=12_400, sudah=12_410)) == [
        (
            "rekam_melebihi_wajib",
            "error",
            3,
            "527204",
            "sudah_rekam",
            "12410",
            "baris 3 (527204): sudah_rekam 12.410 lebih besar dari wajib_ktp 12.400",
        ),
    ]


def test_belum_rekam_tidak_sesuai(validator):
    # belum_rekam given and not wajib_ktp - sudah_rekam: the message shows the sum
    assert findings(validator, ok("527205", belum_rekam=2_500)) == [
        (
            "belum_rekam_tidak_sesuai",
            "error",
            2,
            "527205",
            "belum_rekam",
            "2500",
            "baris 2 (527205): belum_rekam 2.500 tidak sama dengan wajib_ktp - sudah_rekam = "
            "12.400 - 10.000 = 2.400",
        ),
    ]


def test_cetak_melebihi_rekam(validator):
    # more cards printed than residents recorded
    assert findings(validator, ok("527202", sudah_cetak=10_001)) == [
        (
            "cetak_melebihi_rekam",
            "error",
            2,
            "527202",
            "sudah_cetak",
            "10001",
            "baris 2 (527202): sudah_cetak 10.001 lebih besar dari sudah_rekam 10.000",
        ),
    ]


def test_keliling_melebihi_harian(validator):
    # the mobile service recorded more than all of the day's recordings
    assert findings(validator, ok("527203", rekam_hari_ini=35, rekam_keliling=50)) == [
        (
            "keliling_melebihi_harian",
            "error",
            2,
            "527203",
            "rekam_keliling",
            "50",
            "baris 2 (527203): rekam_keliling 50 lebih besar dari rekam_hari_ini 35",
        ),
    ]


def test_nama_tidak_sesuai(validator):
    # a name other than the reference name is a warning
    assert findings(validator, ok("527203", nama_kecamatan="Asakota Baru")) == [
        (
            "nama_tidak_sesuai",
            "warning",
            2,
            "527203",
            "nama_kecamatan",
            "Asakota Baru",
            'baris 2 (527203): nama kecamatan "Asakota Baru" berbeda dengan nama Kemendagri "Asakota"',
        ),
    ]


def test_polars_and_gx_must_agree():
    # a rule whose Polars predicate counts other rows than GX is a bug, never a verdict
    wrong = Expectation(
        aturan="rekam_melebihi_wajib",
        kolom="sudah_rekam",
        kind="ExpectColumnPairValuesAToBeGreaterThanB",
        kwargs={
            "column_A": "wajib_ktp",
            "column_B": "sudah_rekam",
            "or_equal": True,
            "ignore_row_if": "either_value_is_missing",
        },
        failing=pl.col("sudah_rekam") >= pl.col("wajib_ktp"),  # counts the equal rows too
        nilai=lambda r: str(r["sudah_rekam"]),
        pesan=lambda r: "",
    )
    with pytest.raises(ValidationMismatch):
        Validator().validate(
            "salah", (Suite("salah", (wrong,)),), batch(ok("527201", 100, 100), ok("527202", 100, 101))
        )

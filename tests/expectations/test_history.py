"""The history warnings (expectations/history.py) through real GX, on tiny inline batches."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from contract import regions as reference
from contract.columns import COUNT_COLUMNS
from expectations import history
from expectations.engine import Validator
from transforms.batch import batch_rows
from transforms.history import with_previous

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


@pytest.fixture(scope="module")
def validator():
    return Validator()


def report(
    kode: str, tanggal: date, wajib: int, sudah: int, harian: int | None = None, baris: int = 2
) -> dict:
    return {
        "kode_kecamatan": kode,
        "tanggal": tanggal,
        "wajib_ktp": wajib,
        "sudah_rekam": sudah,
        "rekam_hari_ini": harian,
        "baris": baris,
    }


def findings(validator, rows: list[dict], loaded: list[dict]) -> list[tuple]:
    """(aturan, tingkat, baris, kode_kecamatan, kolom, nilai, pesan) of the rows against `loaded`."""
    full = [
        {
            "file_id": 0,
            "file": "5208/rekap.csv",
            "kode_kabupaten": "5208",
            "nama_kecamatan": None,
            **{c: None for c in COUNT_COLUMNS},
            **r,
        }
        for r in rows
    ]
    schema = {
        "file_id": pl.Int64,
        "file": pl.String,
        "kode_kabupaten": pl.String,
        "nama_kecamatan": pl.String,
        **{c: pl.Int64 for c in COUNT_COLUMNS},
        "kode_kecamatan": pl.String,
        "tanggal": pl.Date,
        "baris": pl.Int64,
    }
    frame = batch_rows(pl.DataFrame(full, schema=schema), reference.load("52").kecamatan)
    previous = pl.DataFrame(
        [{k: r[k] for k in ("kode_kecamatan", "tanggal", "sudah_rekam", "wajib_ktp")} for r in loaded],
        schema={
            "kode_kecamatan": pl.String,
            "tanggal": pl.Date,
            "sudah_rekam": pl.Int64,
            "wajib_ktp": pl.Int64,
        },
    )
    found = validator.validate("riwayat", history.SUITES, with_previous(frame, previous))
    return found.select("aturan", "tingkat", "baris", "kode_kecamatan", "kolom", "nilai", "pesan").rows()


def test_steady_progress_gives_no_warning(validator):
    # sudah_rekam rises, rekam_hari_ini is that rise, wajib_ktp moves by exactly 5 %
    loaded = [report("520801", D1, 10_000, 7_000)]
    assert findings(validator, [report("520801", D2, 10_500, 7_040, harian=40)], loaded) == []


def test_first_report_is_not_compared(validator):
    # no earlier loaded report of the kecamatan: nothing to compare with
    assert findings(validator, [report("520801", D1, 10_000, 7_000, harian=999)], []) == []


def test_rekam_menurun(validator):
    # sudah_rekam lower than in the previous loaded report
    loaded = [report("520801", D1, 10_000, 7_000)]
    assert findings(validator, [report("520801", D2, 10_000, 6_950, baris=4)], loaded) == [
        (
            "rekam_menurun",
            "warning",
            4,
            "520801",
            "sudah_rekam",
            "6950",
            "baris 4 (520801): sudah_rekam 6.950 turun dari 7.000 pada laporan 1 April 2018",
        ),
    ]


def test_rekam_harian_tidak_sesuai(validator):
    # rekam_hari_ini not the rise since the report of the day before
    loaded = [report("520802", D1, 10_000, 7_922)]
    assert findings(validator, [report("520802", D2, 10_000, 7_960, harian=53, baris=3)], loaded) == [
        (
            "rekam_harian_tidak_sesuai",
            "warning",
            3,
            "520802",
            "rekam_hari_ini",
            "53",
            "baris 3 (520802): rekam_hari_ini 53 tidak sama dengan kenaikan sudah_rekam"
            " sejak laporan 1 April 2018: 7.922 menjadi 7.960 = 38",
        ),
    ]


def test_rekam_harian_is_only_compared_with_the_day_before(validator):
    # the previous report is two days old: the rise spans two days, rekam_hari_ini is not checked
    loaded = [report("520802", D1, 10_000, 7_922)]
    assert findings(validator, [report("520802", D3, 10_000, 8_000, harian=40)], loaded) == []


def test_wajib_ktp_melonjak(validator):
    # wajib_ktp moved by more than 5 %, up or down
    loaded = [report("520803", D1, 10_000, 7_000), report("520804", D1, 10_000, 7_000)]
    rows = [report("520803", D2, 10_501, 7_000, baris=4), report("520804", D2, 9_400, 7_000, baris=5)]
    assert findings(validator, rows, loaded) == [
        (
            "wajib_ktp_melonjak",
            "warning",
            4,
            "520803",
            "wajib_ktp",
            "10501",
            "baris 4 (520803): wajib_ktp 10.501 berubah +5,01 % dari 10.000 pada laporan 1 April 2018",
        ),
        (
            "wajib_ktp_melonjak",
            "warning",
            5,
            "520804",
            "wajib_ktp",
            "9400",
            "baris 5 (520804): wajib_ktp 9.400 berubah -6,00 % dari 10.000 pada laporan 1 April 2018",
        ),
    ]


def test_compares_with_the_latest_earlier_report_only(validator):
    # a loaded report of the same date (the file being re-decided) or a later one is not "previous"
    loaded = [
        report("520805", D1, 10_000, 7_000),
        report("520805", D2, 10_000, 9_000),
        report("520805", D3, 10_000, 9_500),
    ]
    assert findings(validator, [report("520805", D2, 10_000, 7_100)], loaded) == []

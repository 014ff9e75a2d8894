"""Corrections, copies, idempotence and backfills: the figures do not depend on how files arrived."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from flows.backfill import backfill
from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, WITA, day_file, dump, dumps, one, row, run_settings, write
from tests.warehouse.kept import fixtures

DAYS = [date(2018, 4, d) for d in range(1, 6)]
TABLES = ("progres_kecamatan", "progres_kabupaten", "progres_provinsi", "riwayat_kecamatan", "kualitas_data")


def ledger(wh):
    """unggahan without the columns that name the run."""
    return dump(wh, "unggahan")


def snapshot(wh):
    return dumps(wh, TABLES) | {"unggahan": ledger(wh)}


def assert_same(a: dict, b: dict) -> None:
    """Every table of two snapshots equal, row for row."""
    assert a.keys() == b.keys()
    for table in a:
        assert_frame_equal(a[table], b[table]), table


def run_nightly(landing, wh, day=DAYS[-1]):
    return nightly(tanggal=day, settings=run_settings(landing, wh))


def build(landing: Path, warehouse: Path) -> None:
    """Five days of Kota Bima and four of Lombok Utara (nothing on the third), and one nightly."""
    for d in DAYS:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        if d != DAYS[2]:
            day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    run_nightly(landing, warehouse)


kept, loaded = fixtures(build, "backfill", name="loaded")


@pytest.fixture
def landing(loaded) -> Path:
    """The landing folder alone, as it was written (for tests that run into warehouses of their own)."""
    return loaded[0]


def test_nightly_twice_changes_nothing(loaded):
    landing, wh = loaded  # the first nightly made it
    before = snapshot(wh)
    second = run_nightly(landing, wh)
    # Nothing new: no file decided again, every table identical.
    assert second["berkas_diproses"] == 0
    assert_same(snapshot(wh), before)


def test_backfill_of_a_loaded_range_changes_nothing(loaded):
    landing, wh = loaded  # loaded by a nightly
    before = snapshot(wh)
    result = backfill(start=DAYS[0], end=DAYS[-1], settings=run_settings(landing, wh))
    assert result["berkas_diproses"] == 9
    assert_same(snapshot(wh), before)


def test_backfill_into_empty_warehouse_equals_nightly_runs(landing, tmp_path):
    nightly_wh, backfill_wh = tmp_path / "n.duckdb", tmp_path / "b.duckdb"
    for d in DAYS:  # one nightly per day, as the schedule would
        run_nightly(landing, nightly_wh, d)
    backfill(start=DAYS[0], end=DAYS[-1], settings=run_settings(landing, backfill_wh))
    assert_same(snapshot(backfill_wh), snapshot(nightly_wh))


def test_backfill_by_kabupaten_touches_only_those(landing, tmp_path):
    wh = tmp_path / "a.duckdb"
    backfill(start=DAYS[0], end=DAYS[-1], kabupaten=["5272"], settings=run_settings(landing, wh))
    assert one(wh, "select distinct kode_kabupaten from unggahan") == [("5272",)]


def test_late_correction_recomputes_what_it_affects(loaded, tmp_path):
    landing, wh = loaded  # loaded by a nightly
    # Three days later Kota Bima corrects 2 April: 527201 had 500 more recorded.
    lines = [
        row(DAYS[1], k, 10_000 + 100 * i, 5_000 + i + 10 + (500 if i == 0 else 0))
        for i, k in enumerate(KOTA_BIMA)
    ]
    write(
        landing, "5272", "lap_2018-04-02 revisi.csv", lines, datetime.combine(DAYS[4], time(9), tzinfo=WITA)
    )
    run_nightly(landing, wh)
    # The correction is current, the original superseded, and both versions stay in the history.
    assert one(
        wh,
        "select file, status from unggahan where tanggal = ? and kode_kabupaten = '5272' order by file",
        [DAYS[1]],
    ) == [("5272/lap_2018-04-02 revisi.csv", "loaded"), ("5272/lap_2018-04-02.csv", "superseded")]
    assert one(
        wh,
        "select sudah_rekam from riwayat_kecamatan where kode_kecamatan = '527201' and tanggal = ?"
        " order by sudah_rekam",
        [DAYS[1]],
    ) == [(5010,), (5510,)]
    # The next report's derived rekam_hari_ini is recomputed against the corrected figure.
    assert one(
        wh,
        "select tanggal, rekam_hari_ini from progres_kecamatan where kode_kecamatan = '527201'"
        " and tanggal in (?, ?) order by 1",
        DAYS[1:3],
    ) == [(DAYS[1], 510), (DAYS[2], -490)]
    # The same figures as a backfill of everything into an empty warehouse.
    other = tmp_path / "b.duckdb"
    backfill(start=DAYS[0], end=DAYS[-1], settings=run_settings(landing, other))
    for t in ("progres_kecamatan", "progres_kabupaten", "progres_provinsi"):
        assert_frame_equal(dump(other, t), dump(wh, t))


def test_copies_are_duplicates_and_invalid_files_stay_rejected(landing, tmp_path):
    wh = tmp_path / "a.duckdb"
    original = landing / "5272" / "lap_2018-04-03.csv"
    copy = original.with_name("lap_2018-04-03 (1).csv")
    shutil.copy2(original, copy)
    # Same bytes, uploaded a minute later. (With equal mtimes "(1).csv" would sort first: ' ' < '.')
    st = original.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns + 60 * 10**9))
    bad = landing / "5272" / "lap_2018-04-03 salah.csv"
    bad.write_text(original.read_text().replace("527201,,10000", "527201,,1"))
    later = (datetime.combine(DAYS[3], time(12), tzinfo=WITA)).timestamp()
    os.utime(bad, (later, later))  # the newest file, but invalid: it cannot become current
    run_nightly(landing, wh)
    assert one(
        wh,
        "select file, status from unggahan where tanggal = ? and kode_kabupaten = '5272' order by file",
        [DAYS[2]],
    ) == [
        ("5272/lap_2018-04-03 (1).csv", "duplicate"),
        ("5272/lap_2018-04-03 salah.csv", "rejected"),
        ("5272/lap_2018-04-03.csv", "loaded"),
    ]

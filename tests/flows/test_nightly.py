"""The nightly flow end to end on tiny landing folders: grain, carry-forward, rejections."""

from __future__ import annotations

import json
from datetime import date

import pytest

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, dump, one, row, run_settings, write
from warehouse import store

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


@pytest.fixture
def dirs(tmp_path, prefect_server):
    return tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"


def run(dirs, day):
    landing, warehouse = dirs
    return nightly(tanggal=day, settings=run_settings(landing, warehouse))


def test_carry_forward_over_a_missed_day(dirs):
    landing, wh = dirs
    for d in (D1, D2, D3):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
    for d in (D1, D3):  # Lombok Utara misses 2 April
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    run(dirs, D3)
    # One row per kecamatan and date it was reported.
    assert one(wh, "select count(*), count(distinct (tanggal, kode_kecamatan)) from progres_kecamatan") == [
        (25, 25)
    ]
    # On the missed day Lombok Utara keeps its 1 April stock, reports 0 kecamatan and 0 recorded.
    (k,) = one(
        wh,
        "select sudah_rekam, kecamatan_lapor, rekam_hari_ini from progres_kabupaten"
        " where kode_kabupaten = '5208' and tanggal = ?",
        [D2],
    )
    first = one(
        wh,
        "select sum(sudah_rekam) from progres_kecamatan where kode_kabupaten = '5208' and tanggal = ?",
        [D1],
    )
    assert k == (first[0][0], 0, 0)
    # The province has one row per date and counts the districts that reported that very date.
    assert one(wh, "select tanggal, kabupaten_lapor from progres_provinsi order by 1") == [
        (D1, 2),
        (D2, 1),
        (D3, 2),
    ]
    # Province stock on 2 April = Kota Bima's 2 April + Lombok Utara carried from 1 April.
    (p,) = one(wh, "select sudah_rekam from progres_provinsi where tanggal = ?", [D2])
    (s,) = one(wh, "select sum(sudah_rekam) from progres_kabupaten where tanggal = ?", [D2])
    assert p == s


def test_rekam_hari_ini_is_derived_when_absent(dirs):
    landing, wh = dirs
    for d in (D1, D2):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
    run(dirs, D2)
    # First report: null; then the rise of sudah_rekam since the previous loaded report.
    rows = one(
        wh, "select tanggal, rekam_hari_ini from progres_kecamatan where kode_kecamatan = '527201' order by 1"
    )
    assert rows == [(D1, None), (D2, 10)]
    # The district's figure for a date sums its kecamatan reports of that very date.
    assert one(wh, "select rekam_hari_ini from progres_kabupaten where tanggal = ?", [D2]) == [(50,)]


def test_district_rows_start_at_its_first_report(dirs):
    landing, wh = dirs
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, D2, base=7_000, step=20)
    run(dirs, D2)
    assert one(wh, "select tanggal from progres_kabupaten where kode_kabupaten = '5208'") == [(D2,)]
    # kecamatan_total comes from the reference, whatever was reported.
    assert one(
        wh, "select distinct kecamatan_total from progres_kabupaten where kode_kabupaten = '5208'"
    ) == [(5,)]


def test_a_kecamatan_missing_from_a_file_is_carried_and_warned(dirs):
    landing, wh = dirs
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10, skip=("527203",))
    run(dirs, D2)
    # The file loads (a warning is not an error) ...
    assert one(wh, "select status from unggahan where tanggal = ?", [D2]) == [("loaded",)]
    assert one(wh, "select aturan, tingkat, kode_kecamatan from kualitas_data where tanggal = ?", [D2]) == [
        ("kecamatan_tidak_lapor", "warning", "527203")
    ]
    # ... and 527203's 1 April figure still counts for the district on 2 April.
    (k,) = one(wh, "select sudah_rekam, kecamatan_lapor from progres_kabupaten where tanggal = ?", [D2])
    assert k == (sum(5_000 + i + 10 for i in range(5)) - 10, 4)


def test_a_rejected_file_leaves_no_trace_and_does_not_stop_others(dirs):
    landing, wh = dirs
    day_file(landing, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    write(landing, "5208", "lap_2018-04-02.csv", [row(D2, "520801", 100, 900)])  # sudah > wajib
    day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10)
    run(dirs, D2)
    assert one(wh, "select file, status from unggahan order by file") == [
        ("5208/lap_2018-04-01.csv", "loaded"),
        ("5208/lap_2018-04-02.csv", "rejected"),
        ("5272/lap_2018-04-02.csv", "loaded"),
    ]
    (reason,) = one(wh, "select alasan from unggahan where status = 'rejected'")
    # The reason names line, kecamatan, column and values (the negative belum_rekam is an error too).
    assert "baris 2 (520801): sudah_rekam 900 lebih besar dari wajib_ktp 100" in reason[0]
    assert one(
        wh, "select count(*) from progres_kecamatan where kode_kabupaten = '5208' and tanggal = ?", [D2]
    ) == [(0,)]


def test_files_dated_after_d_wait_for_a_later_run(dirs):
    landing, wh = dirs
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10)
    result = run(dirs, D1)
    # The 2 April file is not decided yet: no ledger row, no figures.
    assert one(wh, "select file from unggahan") == [("5272/lap_2018-04-01.csv",)]
    assert result["extra"]["menunggu_tanggal"] == ["5272/lap_2018-04-02.csv"]
    run(dirs, D2)
    assert one(wh, "select count(*) from unggahan where status = 'loaded'") == [(2,)]


def test_ledger_findings_and_receipts(dirs):
    landing, wh = dirs
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    write(landing, "5272", "catatan.docx", ["apa saja"])
    result = run(dirs, D1)
    rows = dump(wh, "unggahan").select("file", "kode_kabupaten", "tanggal", "status", "baris").rows()
    assert rows == [
        ("5272/catatan.docx", "5272", None, "rejected", 0),
        ("5272/lap_2018-04-01.csv", "5272", D1, "loaded", 5),
    ]
    assert one(wh, "select aturan from kualitas_data where file = '5272/catatan.docx'") == [
        ("berkas_tidak_terbaca",)
    ]
    # The district gets one receipt for the run, in JSON and in text, naming both files.
    receipts = sorted((wh.parent / "tanda_terima" / "5272").iterdir())
    assert [p.name for p in receipts] == [f"{result['run_id']}.json", f"{result['run_id']}.txt"]
    listed = json.loads(receipts[0].read_text())["berkas"]
    assert sorted((r["berkas"], r["status"]) for r in listed) == [
        ("5272/catatan.docx", "rejected"),
        ("5272/lap_2018-04-01.csv", "loaded"),
    ]
    letter = receipts[1].read_text().splitlines()
    assert (
        letter[0] == f"Tanda terima proses {result['run_id']} untuk kabupaten/kota 5272: 2 berkas, 1 ditolak."
    )
    assert letter[1] == "  DITOLAK: 5272/catatan.docx"  # what the office must act on comes first
    # The summary counts per district and names what did not report.
    assert result["per_kabupaten"][0]["loaded"] == 1 and result["per_kabupaten"][0]["rejected"] == 1
    assert {k["kode_kabupaten"] for k in result["kabupaten_tidak_lapor"]} == {
        "5201",
        "5202",
        "5203",
        "5204",
        "5205",
        "5206",
        "5207",
        "5208",
        "5271",
    }


def test_a_load_that_runs_out_of_duckdb_memory_is_done_again_whole_at_the_ceiling(dirs, monkeypatch, caplog):
    # A night's need can outgrow the writer's limit (store.writer_limit_mb): its load is rolled back
    # and done once more at the ceiling; nothing of the failed attempt stays
    landing, wh = dirs
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    run(dirs, D1)
    day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10)
    monkeypatch.setattr(store, "writer_limit_mb", lambda work, whole: 8)  # too little for the marts
    with caplog.at_level("INFO", logger="warehouse.store"):
        run(dirs, D2)
    assert "Memori DuckDB 8 MB tidak cukup" in caplog.text
    assert one(wh, "select file, status from unggahan order by file") == [
        ("5272/lap_2018-04-01.csv", "loaded"),
        ("5272/lap_2018-04-02.csv", "loaded"),
    ]
    assert one(wh, "select count(*) from riwayat_unggahan where tanggal = ?", [D2]) == [(1,)]
    assert one(wh, "select count(*) from progres_kecamatan where tanggal = ?", [D2]) == [(5,)]
    assert one(wh, "select kecamatan_lapor from progres_kabupaten where tanggal = ?", [D2]) == [(5,)]

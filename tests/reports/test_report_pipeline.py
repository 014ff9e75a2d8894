"""The report on a warehouse the real pipeline built: both files, the warehouse's numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, row, run_settings, write

D1, D2 = date(2018, 4, 1), date(2018, 4, 2)


def test_nightly_writes_the_report_with_the_warehouse_figures(tmp_path, prefect_server):
    landing, wh = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    for d in (D1, D2):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    write(landing, "5208", "lap_2018-04-02.csv", [row(D2, "520801", 100, 90, cetak=95)])  # cetak > rekam
    result = nightly(tanggal=D2, settings=run_settings(landing, wh))
    html_path, xlsx_path = map(Path, result["laporan"])
    assert (
        html_path.name == "laporan-ektp-2018-04-02.html" and xlsx_path.name == "laporan-ektp-2018-04-02.xlsx"
    )
    html = html_path.read_text()
    # The rejected file is listed with its reason, and Lombok Utara as not reporting on D.
    assert "lap_2018-04-02.csv" in html and "sudah_cetak 95 lebih besar dari sudah_rekam 90" in html
    assert "Kabupaten Lombok Utara" in html
    # The workbook's summary holds the warehouse's province figures for D.
    ((wajib, sudah, belum),) = one(
        wh, "select wajib_ktp, sudah_rekam, belum_rekam from progres_provinsi where tanggal = ?", [D2]
    )
    sheet = openpyxl.load_workbook(xlsx_path)["Ringkasan"]
    values = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    assert (values["Wajib KTP"], values["Sudah rekam"], values["Belum rekam"]) == (wajib, sudah, belum)


KOTA_KUPANG = ["537101", "537102", "537103", "537104", "537105", "537106"]  # province 53 (NTT)


def test_report_at_national_scope_and_for_one_province(tmp_path, prefect_server, monkeypatch):
    # EKTP_PROVINSI=all: one nightly over NTB and NTT files; the report covers the nation, and a
    # report asked for one province (52) on the same warehouse shows only that province
    from reports.daily import write_report

    monkeypatch.setenv("EKTP_PROVINSI", "all")
    landing, wh = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    day_file(landing, "5371", KOTA_KUPANG, D1, base=3_000, step=10)
    result = nightly(tanggal=D1, settings=run_settings(landing, wh))
    assert not any("laporan tidak dibuat" in c for c in result["catatan"]), result["catatan"]
    by_province = dict(
        (
            (p, (w, s))
            for p, w, s in one(
                wh,
                "select kode_provinsi, wajib_ktp, sudah_rekam from progres_provinsi where tanggal = ?",
                [D1],
            )
        )
    )
    assert set(by_province) == {"52", "53"}
    nation = openpyxl.load_workbook(result["laporan"][1])
    summary = {r[0].value: r[1].value for r in nation["Ringkasan"].iter_rows(min_row=2)}
    assert (summary["Wajib KTP"], summary["Sudah rekam"]) == tuple(
        map(sum, zip(*by_province.values(), strict=False))
    )
    assert "Riwayat Nasional" in nation.sheetnames
    html = Path(result["laporan"][0]).read_text()
    assert (
        "<title>Laporan Perekaman e-KTP Indonesia" in html
    )  # the scope is every province, not just those with data
    assert "Direktorat Jenderal Kependudukan" in html and "Kota Kupang" in html and "Kota Bima" in html
    # one province of the same warehouse: its own figures and districts only
    ntb = write_report(wh, D1, tmp_path / "ntb", provinsi="52")
    summary = {
        r[0].value: r[1].value for r in openpyxl.load_workbook(ntb.xlsx)["Ringkasan"].iter_rows(min_row=2)
    }
    assert (summary["Wajib KTP"], summary["Sudah rekam"]) == by_province["52"]
    html = ntb.html.read_text()
    assert "Provinsi Nusa Tenggara Barat" in html and "Kota Bima" in html and "Kota Kupang" not in html


def test_a_night_without_any_file_for_its_date_still_writes_the_report(tmp_path, prefect_server):
    # Nobody sent a file dated D2: the report of D2 is written all the same, with D1's figures carried
    # forward, nothing recorded, and every district of the province listed as not reporting
    landing, wh = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    day_file(landing, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    nightly(tanggal=D1, settings=run_settings(landing, wh))
    result = nightly(tanggal=D2, settings=run_settings(landing, wh))
    assert result["berkas_diproses"] == 0
    assert not any("laporan tidak dibuat" in c for c in result["catatan"]), result["catatan"]
    assert Path(result["laporan"][0]).name == "laporan-ektp-2018-04-02.html"
    book = openpyxl.load_workbook(result["laporan"][1])
    summary = {r[0].value: r[1].value for r in book["Ringkasan"].iter_rows(min_row=2)}
    ((sudah, belum),) = one(
        wh, "select sudah_rekam, belum_rekam from progres_provinsi where tanggal = ?", [D1]
    )
    assert (summary["Sudah rekam"], summary["Belum rekam"]) == (sudah, belum)
    assert (summary["Rekam hari ini"], summary["Kabupaten/kota lapor"], summary["Kabupaten/kota total"]) == (
        0,
        0,
        10,
    )
    missing = [r[0].value for r in book["Kabupaten Tidak Lapor"].iter_rows(min_row=2)]
    assert missing == ["5201", "5202", "5203", "5204", "5205", "5206", "5207", "5208", "5271", "5272"]
    # the run summary's province line is carried forward too
    assert [(p["sudah_rekam"], p["kabupaten_lapor"]) for p in result["provinsi"]] == [(sudah, 0)]

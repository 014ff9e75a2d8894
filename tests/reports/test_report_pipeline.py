"""The report on a warehouse the real pipeline built: both files, the warehouse's numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, row, write

D1, D2 = date(2018, 4, 1), date(2018, 4, 2)


def test_nightly_writes_the_report_with_the_warehouse_figures(tmp_path, prefect_server):
    landing, wh = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    for d in (D1, D2):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    write(landing, "5208", "lap_2018-04-02.csv", [row(D2, "520801", 100, 90, cetak=95)])  # cetak > rekam
    result = nightly(tanggal=D2, landing=str(landing), warehouse=str(wh))
    html_path, xlsx_path = map(Path, result["laporan"])
    assert html_path.name == "laporan-ektp-2018-04-02.html" and xlsx_path.name == "laporan-ektp-2018-04-02.xlsx"
    html = html_path.read_text()
    # The rejected file is listed with its reason, and Lombok Utara as not reporting on D.
    assert "lap_2018-04-02.csv" in html and "sudah_cetak 95 lebih besar dari sudah_rekam 90" in html
    assert "Kabupaten Lombok Utara" in html
    # The workbook's summary holds the warehouse's province figures for D.
    ((wajib, sudah, belum),) = one(wh, "select wajib_ktp, sudah_rekam, belum_rekam from progres_provinsi where tanggal = ?", [D2])
    sheet = openpyxl.load_workbook(xlsx_path)["Ringkasan"]
    values = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    assert (values["Wajib KTP"], values["Sudah rekam"], values["Belum rekam"]) == (wajib, sudah, belum)

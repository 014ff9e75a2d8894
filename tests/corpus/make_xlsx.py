"""The binary files of the corpus (XLSX and look-alikes), written into a landing folder.

They are not committed: the corpus fixture runs `make(landing)` on its temporary copy, so the
repository holds only this script. Run it by hand to look at the files:

    uv run python tests/corpus/make_xlsx.py /tmp/landing

Kabupaten Sumbawa Barat (5207) reports only in XLSX here; its figures follow the same rule as
the CSV files of the corpus (`figures` below), so its reports of 1-3 April agree with each other.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

import xlsxwriter

SUMBAWA_BARAT = [
    ("520701", "Jereweh"),
    ("520702", "Taliwang"),
    ("520703", "Seteluk"),
    ("520704", "Sekongkang"),
    ("520705", "Brang Rea"),
    ("520706", "Poto Tano"),
    ("520707", "Brang Ene"),
    ("520708", "Maluk"),
]
HEADER = [
    "Tanggal",
    "Kode Kecamatan",
    "Nama Kecamatan",
    "Wajib KTP",
    "Sudah Rekam",
    "Belum Rekam",
    "Sudah Cetak",
]
# Fixed document properties: the same bytes on every run (xlsxwriter stamps the time otherwise).
PROPERTIES = {"created": dt.datetime(2018, 4, 1, 8, 0), "author": "Dukcapil Sumbawa Barat"}


def figures(kode: str, day: int) -> tuple[int, int, int, int]:
    """wajib_ktp, sudah_rekam, belum_rekam, sudah_cetak of a kecamatan of 5207 on `day` April."""
    i = int(kode[4:]) - 1
    wajib = 8_000 + 1_237 * i + 311 * 2
    sudah = wajib - 2_400 + (35 + 3 * i) * (day - 1)
    return wajib, sudah, wajib - sudah, sudah - 450


def _book(path: Path) -> xlsxwriter.Workbook:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(path)
    book.set_properties(PROPERTIES)
    return book


def excel_dates(path: Path) -> None:
    """Dates as real Excel date cells shown dd/mm/yyyy; counts as numbers."""
    book = _book(path)
    sheet = book.add_worksheet("Rekap")
    shown = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for r, (kode, nama) in enumerate(SUMBAWA_BARAT, 1):
        sheet.write_datetime(r, 0, dt.datetime(2018, 4, 1), shown)
        sheet.write_row(r, 1, [kode, nama, *figures(kode, 1)])
    book.close()


def text_numbers(path: Path) -> None:
    """Every cell typed as text (the green-triangle cells): `8.622`, dates `02/04/2018`."""
    book = _book(path)
    sheet = book.add_worksheet("Rekap")
    sheet.write_row(0, 0, HEADER)
    for r, (kode, nama) in enumerate(SUMBAWA_BARAT, 1):
        counts = [f"{n:,}".replace(",", ".") for n in figures(kode, 2)]
        for c, text in enumerate(["02/04/2018", kode, nama, *counts]):
            sheet.write_string(r, c, text)
    book.close()


def title_and_total(path: Path) -> None:
    """Merged title rows with the date, a blank row, the header, rows, a merged JUMLAH with SUM formulas."""
    book = _book(path)
    sheet = book.add_worksheet("Rekap")
    bold = book.add_format({"bold": True, "align": "center"})
    sheet.merge_range("A1:G1", "REKAPITULASI PEREKAMAN KTP-EL", bold)
    sheet.merge_range("A2:G2", "DINAS DUKCAPIL KABUPATEN SUMBAWA BARAT", bold)
    sheet.merge_range("A3:G3", "Per tanggal 3 April 2018", bold)
    sheet.write_row(
        4, 0, ["No", "Kode Kec", "Kecamatan", "Wajib KTP", "Sudah Rekam", "Belum Rekam", "Sudah Cetak"]
    )
    rows = [figures(kode, 3) for kode, _ in SUMBAWA_BARAT]
    for r, ((kode, nama), counts) in enumerate(zip(SUMBAWA_BARAT, rows, strict=True), 5):
        sheet.write_row(r, 0, [r - 4, kode, nama, *counts])
    last = 5 + len(rows)  # 0-based row of JUMLAH: sheet row last + 1
    sheet.merge_range(last, 0, last, 2, "JUMLAH", bold)
    for c, col in enumerate("DEFG"):
        # Formulas with their cached result, as Excel saves them: the reader sees the value.
        sheet.write_formula(last, 3 + c, f"=SUM({col}6:{col}{last})", None, sum(row[c] for row in rows))
    book.close()


def empty_first_sheet(path: Path) -> None:
    """The report is on the second sheet; the first has only formatting."""
    book = _book(path)
    first = book.add_worksheet("Petunjuk")
    first.write_blank("A1", None, book.add_format({"bold": True}))
    data = book.add_worksheet("Rekap")
    data.write_row(0, 0, HEADER)
    for r, (kode, nama) in enumerate(SUMBAWA_BARAT, 1):
        data.write_row(r, 0, ["19/04/2018", kode, nama, *figures(kode, 19)])
    book.close()


def legacy_xls(path: Path) -> None:
    """The OLE2 signature of an Excel 97-2003 .xls, saved under an .xlsx name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def plain_zip(path: Path) -> None:
    """A zip archive of a CSV, renamed .xlsx."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("rekap.csv", date_time=(2018, 4, 18, 8, 0, 0))
        archive.writestr(info, "kode_kecamatan,wajib_ktp,sudah_rekam\n527201,100,90\n")


# file (relative to the landing folder) -> its writer; expected.csv gives each its verdict.
WRITERS = {
    "5207/rekap_2018-04-01.xlsx": excel_dates,
    "5207/rekap_2018-04-02.xlsx": text_numbers,
    "5207/rekap_2018-04-03.xlsx": title_and_total,
    "5207/lembar_kosong_2018-04-19.xlsx": empty_first_sheet,
    "5207/format_lama_2018-04-18.xlsx": legacy_xls,
    "5272/bukan_excel.xlsx": plain_zip,
}


def make(landing: Path) -> list[Path]:
    """Write every file of WRITERS under `landing`; returns their paths."""
    paths = []
    for name, writer in WRITERS.items():
        writer(landing / name)
        paths.append(landing / name)
    return paths


if __name__ == "__main__":
    for p in make(Path(sys.argv[1])):
        print(p)

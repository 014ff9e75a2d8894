"""How each district office writes its daily file: names, headers, date and number spellings,
CSV or XLSX (a Habit), and the bytes of one day's report written that way."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import xlsxwriter

from contract.dates import BULAN
from demo.simulate import COUNTS, PUSH


@dataclass(frozen=True)
class Habit:
    """A district's way of writing its daily report."""

    pattern: str  # file name, a strftime pattern
    columns: tuple[tuple[str, str], ...]  # (header, row key); "tanggal" is the report date
    kind: str = "csv"  # or "xlsx"
    delimiter: str = ","
    encoding: str = "utf-8"
    newline: str = "\n"
    number: str = "bare"  # "bare" 12345, "dot" 12.345, "comma" 12,345
    date_style: str = "iso"  # "iso", "slash" 12/04/2018, "dash" 12-04-2018, "long" 12 April 2018
    title: bool = False  # xlsx: provincial template with title block, No column and JUMLAH row


PLAIN = (
    ("tanggal", "tanggal"),
    ("kode_kecamatan", "kode"),
    ("nama_kecamatan", "nama"),
    ("wajib_ktp", "wajib"),
    ("sudah_rekam", "sudah"),
    ("belum_rekam", "belum"),
    ("rekam_hari_ini", "harian"),
    ("rekam_keliling", "keliling"),
    ("sudah_cetak", "cetak"),
)
TEMPLATE = (
    ("Kode Kec.", "kode_titik"),
    ("Kecamatan", "nama"),
    ("Wajib KTP", "wajib"),
    ("Sudah Rekam", "sudah"),
    ("Belum Rekam", "belum"),
    ("Rekam Hari Ini", "harian"),
    ("Rekam Keliling", "keliling"),
    ("Sudah Cetak", "cetak"),
)
TAB = (
    ("Tanggal", "tanggal"),
    ("Kode Wilayah", "kode"),
    ("Nama Kec", "nama"),
    ("WKTP", "wajib"),
    ("Perekaman", "sudah"),
    ("Belum", "belum"),
    ("Rekam Harian", "harian"),
    ("Keliling", "keliling"),
    ("Cetak", "cetak"),
)

HABITS = {
    "5201": Habit("ektp_5201_%Y-%m-%d.csv", PLAIN),
    "5202": Habit(
        "lap %d-%m-%Y.csv",
        (
            ("Tgl", "tanggal"),
            ("Kode Kec.", "kode"),
            ("Kecamatan", "NAMA"),
            *TEMPLATE[2:],
            ("Keterangan", "keterangan"),
        ),
        delimiter=";",
        encoding="cp1252",
        newline="\r\n",
        number="dot",
        date_style="slash",
    ),
    "5203": Habit("rekap_ktp_5203_%Y-%m-%d.xlsx", TEMPLATE, kind="xlsx", title=True),
    "5204": Habit("%Y%m%d_ektp.txt", TAB, delimiter="\t", newline="\r\n", date_style="dash"),
    "5205": Habit(
        "Dompu_%Y-%m-%d.csv",
        (
            ("Tanggal", "tanggal"),
            ("Kode", "kode"),
            ("Nama Kecamatan", "nama"),
            ("Jumlah Wajib KTP", "wajib"),
            ("Jumlah Rekam", "sudah"),
            ("Belum Rekam", "belum"),
            ("Rekam Harian", "harian"),
            ("Keliling", "keliling"),
            ("Cetak", "cetak"),
        ),
        delimiter=";",
        encoding="utf-8-sig",
        newline="\r\n",
        number="dot",
        date_style="long",
    ),
    "5206": Habit(
        "Rekap Bima %Y-%m-%d.xlsx",
        (("Tanggal", "tanggal"), ("Kode Kecamatan", "kode"), ("Nama Kecamatan", "nama"), *TEMPLATE[2:]),
        kind="xlsx",
    ),
    # Sumbawa Barat's sheet has no daily column and no date column: the file name carries the date.
    "5207": Habit(
        "KSB_ektp_%d-%m-%Y.csv",
        (
            ("Kode Kecamatan", "kode"),
            ("Nama Kecamatan", "nama"),
            ("Wajib KTP", "wajib"),
            ("Sudah Rekam", "sudah"),
            ("Sudah Cetak", "cetak"),
        ),
        encoding="utf-8-sig",
        newline="\r\n",
        number="comma",
    ),
    "5208": Habit("rekap_ktp_5208_%Y-%m-%d.xlsx", TEMPLATE, kind="xlsx", title=True),
    "5271": Habit("mataram_%Y-%m-%d.csv", (PLAIN[1], PLAIN[2], PLAIN[0], *PLAIN[3:])),
    "5272": Habit("%Y%m%d_ektp.txt", TAB, delimiter="\t", date_style="dash"),
}
# Kota Bima sent plain CSV until a new operator took over in March.
KOTA_BIMA_UNTIL_MARCH = Habit("kotabima_%Y%m%d.csv", PLAIN)


def habit(kab: str, day: date) -> Habit:
    if kab == "5272" and day < date(2018, 3, 1):
        return KOTA_BIMA_UNTIL_MARCH
    return HABITS[kab]


def date_text(day: date, style: str) -> str:
    return {
        "iso": day.isoformat(),
        "slash": day.strftime("%d/%m/%Y"),
        "dash": day.strftime("%d-%m-%Y"),
        "long": f"{day.day} {BULAN[day.month - 1]} {day.year}",
    }[style]


def number_text(value: int | str | None, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # a deliberately bad cell, written as typed
        return value
    return {"bare": str(value), "dot": f"{value:,}".replace(",", "."), "comma": f"{value:,}"}[style]


def cell(h: Habit, day: date, row: dict, key: str) -> object:
    """A cell's value: text for CSV; numbers and dates stay typed for xlsx."""
    if key == "tanggal":
        return day if h.kind == "xlsx" else date_text(day, h.date_style)
    if key in COUNTS:
        return row[key] if h.kind == "xlsx" else number_text(row[key], h.number)
    if key == "kode_titik":
        return f"{row['kode'][:2]}.{row['kode'][2:4]}.{row['kode'][4:]}"
    if key == "NAMA":
        return row["nama"].upper()
    if key == "keterangan":
        # Lombok Tengah's remarks carry an en dash: in Windows-1252 that is byte 0x96, not UTF-8.
        return "Layanan keliling – jemput bola" if day >= PUSH and row["keliling"] else ""
    return row[key]


def file_bytes(h: Habit, kab_name: str, day: date, rows: list[dict], total_fix: dict | None = None) -> bytes:
    if h.kind == "xlsx":
        return xlsx_bytes(h, kab_name, day, rows, total_fix or {})
    out = io.StringIO()
    writer = csv.writer(out, delimiter=h.delimiter, lineterminator=h.newline)
    writer.writerow([head for head, _ in h.columns])
    for row in rows:
        writer.writerow([cell(h, day, row, key) for _, key in h.columns])
    return out.getvalue().encode(h.encoding)


def xlsx_bytes(h: Habit, kab_name: str, day: date, rows: list[dict], total_fix: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    # A fixed creation time keeps the bytes reproducible (xlsxwriter otherwise stamps now()).
    book.set_properties(
        {"created": datetime.combine(day + timedelta(days=1), time(7, 30)), "author": f"Dukcapil {kab_name}"}
    )
    sheet = book.add_worksheet("Rekap")
    bold = book.add_format({"bold": True})
    as_date = book.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    if h.title:
        for line in (
            "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
            kab_name.upper(),
            "Rekapitulasi Perekaman KTP-el",
            f"Per tanggal {date_text(day, 'long')}",
        ):
            sheet.write_string(r, 0, line, bold)
            r += 1
        r += 1  # the template leaves a blank line above the header
    keys = [key for _, key in h.columns]
    sheet.write_row(r, 0, (["No"] if h.title else []) + [head for head, _ in h.columns], bold)
    for n, row in enumerate(rows, 1):
        r += 1
        values = ([n] if h.title else []) + [cell(h, day, row, key) for key in keys]
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime.combine(value, time()), as_date)
            elif value is not None:
                sheet.write(r, c, value)
    if h.title:
        r += 1
        sheet.write_string(r, 1 + keys.index("nama"), "JUMLAH", bold)
        for c, key in enumerate(keys, 1):
            if key in COUNTS:
                sheet.write_number(r, c, sum(row[key] for row in rows) + total_fix.get(key, 0), bold)
    book.close()
    return out.getvalue()

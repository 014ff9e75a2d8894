"""What an office fills in (issue #21 item 6): its report for one date as CSV and as XLSX, with
every kecamatan of the district, its code and name and the date already written, the counts
left empty; and the format page's rows, read from the contract's column table (contract.columns),
so the page cannot drift from what the pipeline accepts."""

from __future__ import annotations

import csv
import io
from datetime import date

import xlsxwriter

from contract import filetypes
from contract.columns import ALIASES, CANONICAL, COUNT_COLUMNS, MEANING, REQUIRED_COLUMNS
from contract.regions import Reference


def kecamatan_of(reference: Reference, kode: str) -> list[tuple[str, str]]:
    """(code, name) of the district's kecamatan, in code order."""
    rows = reference.kecamatan.filter(kode_kabupaten=kode).sort("kode_kecamatan")
    return list(zip(rows["kode_kecamatan"].to_list(), rows["nama"].to_list(), strict=True))


def file_name(kode: str, tanggal: date, ext: str) -> str:
    """The template's name also carries the date, the pipeline's second source for it."""
    return f"laporan_{kode}_{tanggal.isoformat()}.{ext}"


def as_csv(reference: Reference, kode: str, tanggal: date) -> bytes:
    """UTF-8 with a BOM (Excel then opens it with the names intact), comma-separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CANONICAL)
    for code, name in kecamatan_of(reference, kode):
        writer.writerow([tanggal.isoformat(), code, name, *([""] * len(COUNT_COLUMNS))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(reference: Reference, kode: str, tanggal: date) -> bytes:
    """One sheet: the header, a row per kecamatan (the date a real date cell, the code text so
    Excel keeps it as written), the counts empty and formatted as whole numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("laporan")
    bold, text = book.add_format({"bold": True}), book.add_format({"num_format": "@"})
    day, whole = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "0"})
    sheet.write_row(0, 0, CANONICAL, bold)
    for i, (code, name) in enumerate(kecamatan_of(reference, kode), start=1):
        sheet.write_datetime(i, 0, tanggal, day)  # type: ignore[arg-type]  # a date is written as one
        sheet.write_string(i, 1, code, text)
        sheet.write_string(i, 2, name)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 16, text)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 2 + len(COUNT_COLUMNS), 15, whole)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


def columns() -> list[dict]:
    """One row per column of CONTRACT §1 for the format page."""
    return [
        {
            "nama": name,
            "wajib": name in REQUIRED_COLUMNS or name == "tanggal",
            "arti": MEANING[name],
            "ejaan": [a for a in ALIASES[name] if a != name],
        }
        for name in CANONICAL
    ]


def limits() -> dict[str, int]:
    return {
        "berkas": filetypes.MAX_FILE_BYTES,
        "baris": filetypes.MAX_LINES,
        "bagian": filetypes.MAX_PART_BYTES,
    }

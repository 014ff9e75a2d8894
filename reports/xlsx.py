"""The workbook: the sheets of the report's sections (reports/sections.py), typed cells and never
a formula."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from contract import formats
from reports import sections, status
from reports.cells import Col
from reports.laporan import Laporan
from warehouse.read import Row

NUMBER_FORMATS = {
    "count": "#,##0",
    "percent": "0.00",
    "percent1": "0.0",
    "whole": "0",
    "pace": "#,##0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "text": "@",
}
MAX_WIDTH = 60


class Writer:
    """Typed cell writing with one cached format per number kind."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format(
            {
                "bold": True,
                "font_color": "#FFFFFF",
                "bg_color": status.NAVY,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.formats = {
            kind: book.add_format({"num_format": f, "valign": "top"}) for kind, f in NUMBER_FORMATS.items()
        }
        self.wrapped = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})

    def cell(self, ws: Worksheet, row: int, col: int, value: Any, kind: str, wrap: bool = False) -> None:
        """Write by Python type; strings always as text so `=...` never becomes a formula."""
        if value is None:
            ws.write_blank(row, col, None, self.formats[kind])
        elif isinstance(value, str):
            ws.write_string(row, col, value, self.wrapped if wrap else self.formats["text"])
        elif isinstance(value, bool):
            ws.write_string(row, col, "Ya" if value else "Tidak", self.formats["text"])
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.formats["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime.combine(value, datetime.min.time()), self.formats["date"])
        elif isinstance(value, int | float | Decimal):
            ws.write_number(
                row, col, float(value) if isinstance(value, Decimal) else value, self.formats[kind]
            )
        else:
            ws.write_string(row, col, str(value), self.formats["text"])

    def sheet(self, name: str, cols: list[Col], rows: list[Row]) -> None:
        """One table: header row frozen, filter on, widths fitted to the content."""
        ws = self.book.add_worksheet(name)
        for c, col in enumerate(cols):
            ws.write_string(0, c, col.header, self.header)
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(cols):
                kind = row["kind"] if col.kind == "auto" else col.kind
                self.cell(ws, r, c, col.value(row), kind, col.wrap)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)
        for c, col in enumerate(cols):
            ws.set_column(c, c, width(col, rows))


def shown(value: Any) -> str:
    """Roughly what Excel displays, to size a column."""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return formats.desimal(value, 1) if isinstance(value, float) else formats.angka(value)
    return "" if value is None else str(value)


def width(col: Col, rows: list[Row]) -> int:
    """Wide enough for the header words and the values, capped so reasons wrap instead."""
    longest_word = max(len(w) for w in col.header.split())
    values = [len(line) for row in rows for line in shown(col.value(row)).splitlines() or [""]]
    return min(MAX_WIDTH, max([longest_word + 2, min(len(col.header), 16) + 2, *(v + 2 for v in values)]))


def write(laporan: Laporan, path: Path) -> None:
    """Write the workbook for one report."""
    # in_memory: each sheet's XML is kept in memory rather than in a temporary file of its own
    # before the zip is written (~13% of a workbook's CPU; a national sheet's XML is a few MB).
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    book = xlsxwriter.Workbook(str(path), {**options, "in_memory": True})
    try:
        writer = Writer(book)
        for name, cols, rows in sections.sheets(laporan):
            writer.sheet(name, cols, rows)
    finally:
        book.close()

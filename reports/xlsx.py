"""The workbook: the sheets of the report's sections (reports/sections.py), typed cells and never
a formula."""

import math
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
        # Column by column: each value is taken from its row once, for its cell and its width.
        for c, col in enumerate(cols):
            ws.write_string(0, c, col.header, self.header)
            values = [col.value(row) for row in rows]
            kinds = [row["kind"] for row in rows] if col.kind == "auto" else [col.kind] * len(rows)
            for r, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
                self.cell(ws, r, c, value, kind, col.wrap)
            ws.set_column(c, c, width(col, values))
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)


def shown(value: Any) -> str:
    """Roughly what Excel displays, to size a column."""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, date):
        return "00/00/0000"
    if _number(value):
        return formats.desimal(value, 1) if isinstance(value, float) else formats.angka(value)
    return "" if value is None else str(value)


def width(col: Col, values: list[Any]) -> int:
    """Wide enough for the header words and the values, capped so reasons wrap instead."""
    longest_word = max(len(w) for w in col.header.split())
    return min(MAX_WIDTH, max(longest_word, min(len(col.header), 16), _longest(values)) + 2)


def _longest(values: list[Any]) -> int:
    """The longest line `shown` gives any of `values` (a national sheet's ~400,000), from a few of
    them: a column holds one or two exact types. Of the plain floats and ints only the extremes
    (a number's text grows with its size, plus a minus sign), of the texts each distinct one, of
    the dates and times any one (`shown` writes them all alike); `_widest` takes the rest as they
    are."""
    left: list[Any] = []
    for exact in {type(v) for v in values}:
        same = [v for v in values if type(v) is exact]
        if exact is float:
            finite = [v for v in same if v - v == 0]  # inf - inf and nan - nan are nan
            left += [v for v in same if v - v != 0]
            if finite:  # the most negative, the largest, and -0.0 when there is one
                left += [min(finite), max(finite)]
                if any(v == 0 and math.copysign(1.0, v) < 0 for v in finite):
                    left.append(-0.0)
        elif exact is int:
            left += [min(same), max(same)]
        elif exact is str:
            left += set(same)
        elif exact is datetime or exact is date:
            left.append(same[0])
        else:
            left += same
    return _widest(left)


def _widest(values: list[Any]) -> int:
    """`_longest` for any values: of the finite floats only the most negative (by sign, -0.0 too)
    and the largest other are shown, and likewise of the other numbers."""
    negative: list[float] = []
    positive: list[float] = []
    others: list[Any] = []
    rest: list[Any] = []
    for v in values:
        if isinstance(v, float) and math.isfinite(v):
            (negative if math.copysign(1.0, v) < 0 else positive).append(v)
        elif _number(v) and not isinstance(v, float):
            others.append(v)
        else:
            rest.append(v)
    picked = [min(negative)] if negative else []
    picked += [max(positive)] if positive else []
    picked += [min(others), max(others)] if others else []
    return max((len(line) for v in picked + rest for line in shown(v).splitlines() or [""]), default=0)


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


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

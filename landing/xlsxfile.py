"""XLSX uploads: the first visible sheet read through calamine (fastexcel), every cell as text,
once landing/sheets.py has bounded the archive."""

from __future__ import annotations

import fastexcel
import polars as pl

from contract.formats import HIDDEN_IN_CELL, visible
from landing import sniff
from landing.sheets import bounded_workbook, first_visible_sheet
from landing.table import Records, records_of, unreadable

# calamine renders date cells as `2018-04-12 00:00:00[.fff]`; the contract wants the date.
# (Text typed exactly like that is read as that date too: nothing else looks like it.)
_EXCEL_DATETIME = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?$"
# Hidden characters a cell never keeps raw (contract.formats.visible).
_CONTROLS = HIDDEN_IN_CELL


def read_xlsx_records(data: bytes) -> Records:
    """One (baris, cells) per non-blank row of the workbook's first visible sheet."""
    return records_of(_drop_blank_rows(read_xlsx(data)))


def read_xlsx(data: bytes) -> pl.DataFrame:
    """One row per row of the first visible sheet (empty rows included), every cell as text.

    The archive is inspected first (landing/sheets.py): every part of it is counted within the size
    limits and calamine reads the workbook rebuilt from those parts, a hidden sheet is never read,
    a sheet over the row and cell limits is refused before it is loaded, and error cells and
    formulas without a cached value show what they are instead of reading as empty."""
    if data.startswith(sniff.OLE):
        raise unreadable("xls")
    if not data.startswith(sniff.ZIP):
        raise unreadable("bukan_xlsx")
    data = bounded_workbook(data)  # from here on, the workbook as its parts were counted
    sheet = first_visible_sheet(data)
    try:
        workbook = fastexcel.read_excel(data)
        # header_row=None + skip_rows=0 keeps the sheet's leading empty rows, so row i of
        # the frame is sheet row i + 1 (the default would drop them and shift every number).
        frame = workbook.load_sheet(sheet.name, header_row=None, skip_rows=0, dtypes="string").to_polars()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine panics surface as pyo3's PanicException (a BaseException)
        raise unreadable("xlsx_rusak") from exc
    frame = frame.rename({old: f"c{i}" for i, old in enumerate(frame.columns)})
    if sheet.hidden_values:
        frame = _with_hidden_values(frame, sheet.hidden_values, sheet.first_column or 0)
    # Rare: control characters in a column are escaped cell by cell, once, at the door. Which
    # columns hold one is asked in one query (a query per column was a third of reading a file).
    found = frame.select(pl.all().str.contains(_CONTROLS.pattern).any()).row(0) if frame.width else ()
    hidden = [c for c, control in zip(frame.columns, found, strict=True) if control]
    if hidden:
        frame = frame.with_columns(
            pl.col(c).map_elements(lambda t: visible(t, whitespace=False), return_dtype=pl.String)
            for c in hidden
        )
    dates = [pl.col(c).str.replace(_EXCEL_DATETIME, "${1}") for c in frame.columns]
    return frame.select(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("baris"), *dates)


def _with_hidden_values(
    frame: pl.DataFrame, values: dict[tuple[int, int], str], first_column: int
) -> pl.DataFrame:
    """The sheet's cells with its error cells and valueless formulas written in (sheet row, column)."""
    height = max(frame.height, max(row for row, _ in values))
    width = max(frame.width, max(col - first_column + 1 for _, col in values))
    rows = [list(r) + [None] * (width - frame.width) for r in frame.rows()]
    rows += [[None] * width for _ in range(height - frame.height)]
    for (row, col), text in values.items():
        if col >= first_column:
            rows[row - 1][col - first_column] = text
    return pl.DataFrame(rows, schema=dict.fromkeys((f"c{i}" for i in range(width)), pl.String), orient="row")


def _drop_blank_rows(cells: pl.DataFrame) -> pl.DataFrame:
    """One row per record with at least one cell holding more than spaces."""
    columns = [c for c in cells.columns if c != "baris"]
    if not columns:
        return cells.clear()
    text = pl.concat_str(columns, ignore_nulls=True).str.strip_chars()
    return cells.filter(text.str.len_chars().fill_null(0) > 0)

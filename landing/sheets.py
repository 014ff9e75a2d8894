"""What an XLSX archive holds, read before any sheet is loaded: the first visible sheet, its
unpacked size, its rows and width, and the cells a table reader would show as empty though they
are not (Excel error cells, formulas without a cached value).

A zip bomb (288 KB that unpack to 2 million rows) must be refused from these facts, streaming,
with bounded memory: the sheet's XML is never held whole, and the scan stops at the first limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, iterparse, parse

from contract import rules
from contract.columns import MAX_LINES, MAX_SHEET_BYTES
from contract.errors import TooBig, UnreadableFile
from contract.formats import angka

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Cells a sheet may span (last row x columns in use): a table reader allocates the whole
# rectangle, so two far-apart cells in a small file would ask for billions of cells.
MAX_CELLS = 2_500_000
MAX_WORKBOOK_PART = 10 * 1024 * 1024  # workbook.xml and its relations: a few KB in real files
_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")


@dataclass
class Sheet:
    """The first visible sheet: its name, first used column, and its hidden cell values."""

    name: str
    first_column: int | None = None  # 0-based column of the leftmost cell with a value (where a reader's frame starts)
    last_row: int = 0
    last_column: int = 0
    # (sheet row, 0-based column) -> the text a person should see instead of an empty cell
    hidden_values: dict[tuple[int, int], str] = field(default_factory=dict)


def first_visible_sheet(data: bytes) -> Sheet:
    """The first sheet a person sees in Excel, checked against the size limits; TooBig or
    UnreadableFile when it cannot be read safely."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        name, part = _first_visible(archive)
        info = archive.getinfo(part)
    except (zipfile.BadZipFile, KeyError, ParseError, ValueError, EOFError):
        raise UnreadableFile(rules.message("berkas_tidak_terbaca", "xlsx_rusak")) from None
    if info.file_size > MAX_SHEET_BYTES:
        raise TooBig(rules.message("berkas_terlalu_besar", "lembar_ukuran", lembar=name,
                                   ukuran=angka(info.file_size), batas=angka(MAX_SHEET_BYTES)))
    sheet = Sheet(name)
    try:
        with archive.open(info) as stream:
            _scan(stream, sheet)
    except (zipfile.BadZipFile, ParseError, ValueError, EOFError):
        raise UnreadableFile(rules.message("berkas_tidak_terbaca", "xlsx_rusak")) from None
    return sheet


def _first_visible(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(name, zip part) of the first sheet that is not hidden."""
    book = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PACKAGE_REL}Relationship")}
    for sheet in book.iter(f"{MAIN}sheet"):
        if sheet.get("state") in ("hidden", "veryHidden"):
            continue
        target = targets[sheet.get(f"{REL}id")]
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return sheet.get("name", ""), part
    raise ValueError("no visible sheet")


def _small_xml(archive: zipfile.ZipFile, part: str):
    info = archive.getinfo(part)
    if info.file_size > MAX_WORKBOOK_PART:
        raise ValueError(part)
    with archive.open(info) as stream:
        return parse(stream).getroot()


def _scan(stream, sheet: Sheet) -> None:
    """Rows, width and hidden values of the sheet, stopping at the first limit it passes."""
    rows = 0
    for _, element in iterparse(stream, events=("end",)):
        if element.tag == f"{MAIN}c":
            _cell(element, sheet)
        elif element.tag == f"{MAIN}row":
            rows += 1
            sheet.last_row = max(sheet.last_row, int(element.get("r") or rows))
            if rows > MAX_LINES or sheet.last_row > MAX_LINES:
                raise _too_many_rows(sheet.name)
            element.clear()  # the row's cells are done: nothing of the sheet is kept
    if sheet.first_column is None:
        sheet.first_column = 0
    width = sheet.last_column - sheet.first_column + 1
    if sheet.last_row * width > MAX_CELLS:
        raise TooBig(rules.message("berkas_terlalu_besar", "lembar_sel", lembar=sheet.name,
                                   baris=angka(sheet.last_row), kolom=angka(width)))


def _cell(c, sheet: Sheet) -> None:
    match = _CELL.fullmatch(c.get("r") or "")
    if not match:
        return
    column, row = _column(match.group(1)), int(match.group(2))
    value, formula, inline = c.find(f"{MAIN}v"), c.find(f"{MAIN}f"), c.find(f"{MAIN}is")
    has_value = value is not None or inline is not None
    if has_value:
        sheet.first_column = column if sheet.first_column is None else min(sheet.first_column, column)
        sheet.last_column = max(sheet.last_column, column)
        sheet.last_row = max(sheet.last_row, row)
    if c.get("t") == "e" and value is not None:
        sheet.hidden_values[(row, column)] = value.text or "#ERROR"
    elif formula is not None and (value is None or value.text is None):
        sheet.hidden_values[(row, column)] = "=" + (formula.text or "")


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _too_many_rows(name: str) -> TooBig:
    return TooBig(rules.message("berkas_terlalu_besar", "lembar_baris", lembar=name, batas=angka(MAX_LINES)))

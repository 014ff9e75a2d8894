"""Plain CSV uploads read together: one Polars split over every line of a batch's ordinary files,
instead of Python's `csv` module and a list of records per file (issue 23: per-file work).

A file takes this path only when splitting its lines reads it exactly as `landing.csvfile.read_csv`
and `transforms.header.find_header_row` would: a CSV name, ASCII text without a quote or a hidden
control character, one delimiter in the whole file, `\\r` only in `\\r\\n`, the header on line 1
naming at least two columns and ending in a filled cell, and no later line wider than the header
or naming more columns than it could. Every other file, and every file a batch-wide check sends
back, is read one by one by `landing.records.read_records` (the same answer, dearer); the property
test in tests/landing/test_csvbatch.py holds the two paths to the same result.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from contract import filetypes
from contract.columns import count_known_columns
from contract.errors import TooBig
from contract.filetypes import MAX_COLUMNS
from contract.formats import HIDDEN_IN_CELL
from landing.csvfile import DELIMITERS, count_lines

# The ASCII characters a cell escapes when read (contract.formats.HIDDEN_IN_CELL), and the quote:
# a file holding one goes the per-file way (the CR is handled apart).
_HIDDEN_ASCII = bytes(b for b in range(128) if HIDDEN_IN_CELL.match(chr(b)))
_NOT_PLAIN = re.compile(b"[" + re.escape(_HIDDEN_ASCII + b'"') + b"]")
_BYTE_DELIMITERS = tuple(d.encode() for d in DELIMITERS)


@dataclass(frozen=True)
class PlainHeader:
    """The header line of a plain file: its cells and how many columns they name."""

    cells: tuple[str, ...]
    known: int


@dataclass(frozen=True)
class PlainCsv:
    """The batch's plain files: the header cells of each (by its position among the files given)
    and one row per non-blank body line of them all: `_file` (that position), `baris`, `sel`
    (its cells, List(String))."""

    headers: dict[int, PlainHeader]
    cells: pl.DataFrame


def read_plain(files: Sequence[tuple[str, bytes]]) -> PlainCsv:
    """The plain files among (name, bytes), read together; the others are left out."""
    headers: dict[int, PlainHeader] = {}
    columns: dict[str, list[object]] = {"_file": [], "baris": [], "_line": [], "_lebar": [], "_skor": []}
    for at, (name, data) in enumerate(files):
        plain = _plain_lines(name, data)
        if plain is None:
            continue
        header, body = plain
        headers[at] = header
        n = len(body)
        columns["_file"] += [at] * n
        columns["baris"] += range(2, n + 2)  # the header is line 1
        columns["_line"] += body
        columns["_lebar"] += [len(header.cells)] * n
        columns["_skor"] += [header.known] * n
    lines = pl.DataFrame(columns, schema=_LINE_SCHEMA).filter(_FILLED).with_columns(_CELLS)
    # A line wider than the header, or one that could name more columns than it (a header lower
    # down), is read as read_csv reads it, with the rest of its file.
    odd = lines.filter((pl.col("sel").list.len() > pl.col("_lebar")) | (pl.col("_skor") < _NAMES))
    if odd.height:
        for at in odd.get_column("_file").unique().to_list():
            del headers[at]
        lines = lines.filter(pl.col("_file").is_in(list(headers)))
    return PlainCsv(headers, lines.select("_file", "baris", "sel"))


_LINE_SCHEMA = {
    "_file": pl.Int64,
    "baris": pl.Int64,
    "_line": pl.String,
    "_lebar": pl.Int64,
    "_skor": pl.Int64,
}
# read_csv drops a record whose cells are all blank.
_FILLED = pl.col("_line").str.replace_all(",", "", literal=True).str.strip_chars() != ""
_CELLS = pl.col("_line").str.split(",").alias("sel")
# At most this many cells of a line can name a column: filled ones not starting with a digit
# (contract.columns.count_known_columns skips the others).
_NAMES = pl.col("sel").list.eval(pl.element().str.contains("^[^0-9]")).list.sum()


def _plain_lines(name: str, data: bytes) -> tuple[PlainHeader, list[str]] | None:
    """The header and the body lines (delimiter made `,`) of a plain file, else None."""
    kind = filetypes.file_type(name)
    if kind is not filetypes.CSV or not data or len(data) > csv.field_size_limit():
        return None
    if not data.isascii() or _NOT_PLAIN.search(data):
        return None
    present = [d for d in _BYTE_DELIMITERS if d in data]
    if len(present) != 1:
        return None
    try:
        count_lines(data)
    except TooBig:
        return None
    text = data.replace(b"\r\n", b"\n")
    if b"\r" in text:
        return None
    if present[0] != b",":  # the only delimiter of the file: `,` now splits the same cells
        text = text.replace(present[0], b",")
    first, _, rest = text.decode("ascii").partition("\n")
    header = _header(first)
    if header is None:
        return None
    return header, rest.split("\n")


@functools.lru_cache(maxsize=1024)  # a district sends the same template every day
def _header(line: str) -> PlainHeader | None:
    """The cells of a plain header line and how many columns they name, or None when it is no
    header read_csv would take on line 1."""
    cells = tuple(line.split(","))
    if len(cells) > MAX_COLUMNS or not cells[-1].strip():
        return None
    known = count_known_columns(cells)
    return PlainHeader(cells, known) if known >= 2 else None

"""CSV uploads (.csv, .txt): their bytes decoded and split into records, through Python's `csv`
module (per-file overhead matters at 15,000 files a night). A run reads the plain ones of a batch
together instead (landing/csvbatch.py), to the same records; this reader takes every other file."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Sequence

from contract.columns import MAX_TITLE_LINES, count_known_columns
from contract.filetypes import MAX_COLUMNS, MAX_LINES
from contract.formats import HIDDEN_IN_CELL, angka, visible
from landing import sniff
from landing.table import Records, too_big, unreadable

DELIMITERS = (",", ";", "\t")
SAMPLE_LINES = 40  # non-blank lines: 10 title lines, the header and some data rows

# A well-formed UTF-8 multi-byte sequence: seen in a file that is not valid UTF-8, it means
# mixed encodings, which cp1252 would turn into mojibake without a word.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def read_csv(data: bytes) -> Records:
    """One (baris, cells) per non-blank record of a CSV upload."""
    count_lines(data)
    starts, rows = csv_records(decode_text(data))
    # A filled first cell settles most records without joining the rest.
    return [
        (line, cells)
        for line, cells in zip(starts, rows, strict=True)
        if (cells and cells[0].strip()) or "".join(cells).strip()
    ]


def decode_text(data: bytes) -> str:
    """One text per CSV upload: strict UTF-8 (BOM stripped), else strict Windows-1252."""
    if data.startswith(sniff.UTF16_BOMS):
        raise unreadable("utf16")
    if b"\x00" in data:
        hint = " (berkas xlsx/zip yang diberi nama .csv?)" if data.startswith(sniff.ZIP) else ""
        raise unreadable("biner", petunjuk=hint)
    data = data.removeprefix(sniff.UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if _UTF8_SEQUENCE.search(data):
        raise unreadable("encoding_campuran", posisi=bad_at + 1)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise unreadable("encoding", posisi=exc.start + 1) from None


def count_lines(data: bytes) -> None:
    """A CSV of more than MAX_LINES lines is refused before it is decoded or split."""
    breaks = data.count(b"\n") or data.count(b"\r")
    if breaks + (not data.endswith((b"\n", b"\r"))) > MAX_LINES:
        raise too_big("baris", batas=angka(MAX_LINES))


# Hidden characters a cell never keeps raw (contract.formats.visible): controls other than tab and
# line breaks, format characters (zero-width, bidi, BOM), fillers. Its Unicode spaces (U+00A0, ...)
# stay, for parsing folds them like spaces; they are escaped where a finding shows a value.
_CONTROLS = HIDDEN_IN_CELL


def csv_records(text: str) -> tuple[Sequence[int], list[list[str]]]:
    """The CSV's records and the physical line each starts on; too wide a file is refused."""
    delimiter = detect_delimiter(text)
    # newline="" lets csv see \r\n, \r and \n itself, so quoted line breaks stay in their cell
    # and `line_num` counts physical lines (blank ones included).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    starts: Sequence[int] = []
    lines: list[int] = []
    records: list[list[str]] = []
    line, quoted = 1, '"' in text
    try:
        if quoted:
            starts = lines
            for record in reader:
                lines.append(line)
                records.append(record)
                line = reader.line_num + 1
        else:
            # Without quotes no record spans lines: record i starts on line i + 1 (blank lines
            # come back as empty records), and tracking `line_num` costs a third of the read.
            records = list(reader)
            starts = range(1, len(records) + 1)
    except csv.Error as exc:
        # Strict: a quote opened and never closed swallows every later line into one cell,
        # silently losing kecamatan rows; refusing names the line to fix instead.
        at = line if quoted else reader.line_num
        raise unreadable("csv_rusak", baris=at, masalah=_csv_problem(exc)) from None
    if delimiter == "," and (wide := _wider_than_header(records)) is not None:
        # Unquoted `12,345` in a comma file splits one count into two plausible ones.
        raise unreadable("lebih_lebar", baris=starts[wide])
    if _CONTROLS.search(text):  # rare: escape them cell by cell, once, at the door
        records = [[visible(cell, whitespace=False) for cell in record] for record in records]
    return starts, _narrow(starts, records)


def _wider_than_header(records: list[list[str]]) -> int | None:
    """One position (or None) per CSV: the first record with filled cells beyond the header's."""
    filled = (i for i, record in enumerate(records[:SAMPLE_LINES]) if "".join(record).strip())
    candidates = list(itertools.islice(filled, MAX_TITLE_LINES + 1))
    scores = [count_known_columns(records[i]) for i in candidates]
    if not scores or max(scores) < 2:
        return None
    header_at = candidates[scores.index(max(scores))]
    width = len(_trim_blank_tail(records[header_at]))
    for i in range(header_at + 1, len(records)):
        if len(records[i]) > width and len(_trim_blank_tail(records[i])) > width:
            return i
    return None


def detect_delimiter(text: str) -> str:
    """One delimiter per CSV text: the one that splits a header row into the most known columns."""
    # Counting characters is not enough: `12,345` is common in `;` files, `"12,345"` in `,`
    # files, and title lines hold commas. Field counts across the sample break ties.
    lines = (line for line in io.StringIO(text, newline="") if line.strip())
    sample = "".join(itertools.islice(lines, SAMPLE_LINES))
    present = [d for d in DELIMITERS if d in sample]
    if len(present) == 1:
        # The usual file: scoring would pick it anyway unless no delimiter finds a header,
        # and then the file is refused for that whichever is picked.
        return present[0]
    return max(DELIMITERS, key=lambda d: _delimiter_score(sample, d))


def _delimiter_score(sample: str, delimiter: str) -> tuple[int, int, int]:
    """One score per candidate delimiter: (known header names, rows of the usual width, width)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        return (-1, 0, 0)
    filled = [row for row in rows if any(cell.strip() for cell in row)]
    header = max((count_known_columns(row) for row in filled[: MAX_TITLE_LINES + 1]), default=0)
    # Rows of bare delimiters (Excel padding) are evidence too, so widths count every row.
    widths = [len(row) for row in rows if len(row) > 1]
    if not widths:
        return (header, 0, 1)
    usual = max(set(widths), key=widths.count)
    return (header, widths.count(usual), usual)


def _narrow(starts: Sequence[int], records: list[list[str]]) -> list[list[str]]:
    """The records, refused when one holds more than MAX_COLUMNS cells (blank tails aside)."""
    width = max(map(len, records), default=0)
    if width > MAX_COLUMNS:
        records = [_trim_blank_tail(r) for r in records]
        width = max(map(len, records), default=0)
        if width > MAX_COLUMNS:
            line = starts[next(i for i, r in enumerate(records) if len(r) == width)]
            raise unreadable("terlalu_lebar", baris=line, lebar=width, batas=MAX_COLUMNS)
    return records


def _trim_blank_tail(record: list[str]) -> list[str]:
    """One record without its trailing empty cells (Excel exports pad rows with delimiters)."""
    end = len(record)
    while end and not record[end - 1].strip():
        end -= 1
    return record[:end]


def _csv_problem(exc: csv.Error) -> str:
    """One Indonesian phrase per csv module error."""
    message = str(exc)
    if "unexpected end of data" in message:
        return 'tanda kutip (") dibuka tetapi tidak pernah ditutup'
    if "expected after" in message:
        return 'setelah tanda kutip (") penutup harus langsung ada pemisah kolom'
    if "field larger than field limit" in message:
        return "isi satu sel terlalu panjang"
    return message

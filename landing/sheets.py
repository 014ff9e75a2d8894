"""What an XLSX archive holds, read before any reader opens it: every part bounded, the first
visible sheet, its rows and width, and the cells a table reader would show as empty though they
are not (Excel error cells, formulas without a cached value).

A zip bomb (288 KB that unpack to 2 million rows, 1 MB whose shared strings unpack to 1 GB) must be
refused from these facts, streaming, with bounded memory: no part is ever held whole, and the
scan stops at the first limit (CONTRACT §1, berkas_terlalu_besar). The zip directory's sizes are
not trusted: calamine reads a member's whole stream whatever size the directory declares
(measured: a shared-strings part declared as 1,000 bytes that unpacks to 300 MB is read whole), so
every part is unpacked from its own stream, in pieces, and counted. A reader is then given the
workbook rebuilt from the parts exactly as counted (`bounded_workbook`), so what it opens is what
was bounded, whatever its own zip parser would make of the upload's directory.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse, parse

from contract import rules
from contract.errors import TooBig, UnreadableFile
from contract.filetypes import MAX_CELLS, MAX_LINES, MAX_PART_BYTES, MAX_UNPACKED_BYTES
from contract.formats import angka, visible

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_WORKBOOK_PART = 10 * 1024 * 1024  # workbook.xml and its relations: a few KB in real files
# The zip directory is parsed whole, ~500 bytes of Python objects per 50-byte entry: a 20 MB file
# of empty entries would take ~250 MB before anything is unpacked. A real workbook's directory
# holds a dozen or so entries, a few KB.
MAX_DIRECTORY_BYTES = 1024 * 1024
_PIECE_IN = 64 * 1024  # compressed bytes handed to the inflater at a time
_PIECE_OUT = 1024 * 1024  # the most unpacked bytes held at a time
# A workbook whose parts unpack to less (a district report: tens of KB) is rebuilt from the pieces
# kept while counting, uncompressed; a bigger one is unpacked again and compressed piece by piece.
_KEEP_BYTES = 4 * 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, fixed fields, name and extra lengths
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    ValueError,
    EOFError,
    OSError,
    OverflowError,
    NotImplementedError,
    struct.error,
)
_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")


@dataclass
class Sheet:
    """The first visible sheet: its name, first used column, and its hidden cell values."""

    name: str
    first_column: int | None = (
        None  # 0-based column of the leftmost cell with a value (where a reader's frame starts)
    )
    last_row: int = 0
    last_column: int = 0
    # (sheet row, 0-based column) -> the text a person should see instead of an empty cell
    hidden_values: dict[tuple[int, int], str] = field(default_factory=dict)


def bounded_workbook(data: bytes) -> bytes:
    """The XLSX rebuilt from its parts as they truly unpack, once every part is counted within the
    limits (TooBig naming the part otherwise); UnreadableFile when it is not a sound zip. Every
    path that reads an upload's workbook reads these bytes, never the upload's own."""
    archive = open_archive(data)
    view = memoryview(data)
    kept = _count(view, archive)
    # The entry a name reads as is the last one of that name, as for zipfile's own getinfo.
    latest = {info.filename: info for info in archive.infolist()}
    out = io.BytesIO()
    if kept is not None:  # the usual workbook, tens of KB: its parts as counted, stored
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
            for name, info in latest.items():
                rebuilt.writestr(name, b"".join(kept[info]))
        return out.getvalue()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as rebuilt:
        for name, info in latest.items():
            with rebuilt.open(name, "w") as part:
                for piece in _unpacked(view, info):
                    part.write(piece)
    return out.getvalue()


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The zip directory of an XLSX (nothing unpacked yet): UnreadableFile when it is not a zip,
    TooBig when the directory itself, or a size it declares, is over the limits."""
    try:
        # zipfile's own reading of the end record: the directory size ZipFile will parse whole.
        end = zipfile._EndRecData(io.BytesIO(data))  # type: ignore[attr-defined]
    except _ZIP_ERRORS:
        end = None
    if end is None:
        raise _broken()
    directory_size: int = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if directory_size > MAX_DIRECTORY_BYTES:
        raise TooBig(
            rules.message(
                "berkas_terlalu_besar",
                "daftar_isi",
                ukuran=angka(directory_size),
                batas=angka(MAX_DIRECTORY_BYTES),
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS:
        raise _broken() from None
    entries = archive.infolist()
    for info in entries:
        if info.file_size > MAX_PART_BYTES:
            raise _part_too_big(archive, info.filename)
    if sum(info.file_size for info in entries) > MAX_UNPACKED_BYTES:
        raise _all_too_big(archive, len(entries), max(entries, key=lambda i: i.file_size).filename)
    return archive


def _count(view: memoryview, archive: zipfile.ZipFile) -> dict[zipfile.ZipInfo, list[bytes]] | None:
    """Every entry unpacked from its own stream and counted, stopping at the first limit passed;
    the pieces themselves while all of them hold less than _KEEP_BYTES (else None)."""
    total, largest, biggest = 0, 0, ""
    kept: dict[zipfile.ZipInfo, list[bytes]] | None = {}
    for n, info in enumerate(archive.infolist(), start=1):
        size, pieces = 0, []
        for piece in _unpacked(view, info):
            size += len(piece)
            total += len(piece)
            if size > MAX_PART_BYTES:
                raise _part_too_big(archive, info.filename)
            if total > MAX_UNPACKED_BYTES:
                raise _all_too_big(archive, n, info.filename if size > largest else biggest)
            if kept is not None and total <= _KEEP_BYTES:
                pieces.append(piece)
            else:
                kept = None
        if kept is not None:
            kept[info] = pieces
        if size > largest:
            largest, biggest = size, info.filename
    return kept


def _unpacked(view: memoryview, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes as its stream unpacks, at most _PIECE_OUT at a time, whatever the
    directory says its size is; UnreadableFile when the stream is not sound (as for any reader)."""
    start = info.header_offset
    header = bytes(view[start : start + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size or info.flag_bits & 0x1:  # cut short, or encrypted
        raise _broken()
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise _broken()
    begin = start + _LOCAL_HEADER.size + name_length + extra_length
    stream = view[begin : begin + info.compress_size]
    crc = 0
    for piece in _pieces(stream, info.compress_type):
        crc = zlib.crc32(piece, crc)
        yield piece
    if crc != info.CRC:
        raise _broken()


def _pieces(stream: memoryview, method: int) -> Iterator[bytes]:
    if method == zipfile.ZIP_STORED:
        for at in range(0, len(stream), _PIECE_OUT):
            yield bytes(stream[at : at + _PIECE_OUT])
        return
    if method != zipfile.ZIP_DEFLATED:  # Excel writes no other; calamine reads no other
        raise _broken()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(stream), _PIECE_IN):
            rest = bytes(stream[at : at + _PIECE_IN])
            while rest and not inflater.eof:
                # max_length keeps what one call unpacks bounded: the input it could not unpack yet
                # comes back as unconsumed_tail.
                yield inflater.decompress(rest, _PIECE_OUT)
                rest = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error:
        raise _broken() from None
    if not inflater.eof:  # cut short
        raise _broken()


def _part_too_big(archive: zipfile.ZipFile, part: str) -> TooBig:
    return TooBig(
        rules.message(
            "berkas_terlalu_besar", "bagian_ukuran", bagian=_label(archive, part), batas=angka(MAX_PART_BYTES)
        )
    )


def _all_too_big(archive: zipfile.ZipFile, parts: int, largest: str) -> TooBig:
    return TooBig(
        rules.message(
            "berkas_terlalu_besar",
            "isi_ukuran",
            jumlah=parts,
            batas=angka(MAX_UNPACKED_BYTES),
            bagian=_label(archive, largest),
        )
    )


def _label(archive: zipfile.ZipFile, part: str) -> str:
    """A part as a person knows it: `lembar Rekap` for a sheet, else `bagian xl/sharedStrings.xml`
    (both hostile text: escaped and cut short)."""
    try:
        name = next((name for name, target, _ in _sheets(archive) if target == part), None)
    except (*_ZIP_ERRORS, KeyError, ParseError):
        name = None
    return f"lembar {_cut(name)}" if name is not None else f"bagian {_cut(part)}"


def _cut(text: str, limit: int = 100) -> str:
    shown = visible(text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _broken() -> UnreadableFile:
    return UnreadableFile(rules.message("berkas_tidak_terbaca", "xlsx_rusak"))


def first_visible_sheet(data: bytes) -> Sheet:
    """The first sheet a person sees in Excel, checked against the row and cell limits; TooBig or
    UnreadableFile when it cannot be read safely. `data` is a bounded workbook (bounded_workbook)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        name, part = _first_visible(archive)
        info = archive.getinfo(part)
    except (*_ZIP_ERRORS, KeyError, ParseError):
        raise _broken() from None
    sheet = Sheet(name)
    try:
        with archive.open(info) as stream:
            _scan(stream, sheet)
    except (*_ZIP_ERRORS, ParseError):
        raise _broken() from None
    return sheet


def _first_visible(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(name, zip part) of the first sheet that is not hidden."""
    for name, part, hidden in _sheets(archive):
        if not hidden:
            return name, part
    raise ValueError("no visible sheet")


def _sheets(archive: zipfile.ZipFile) -> Iterator[tuple[str, str, bool]]:
    """(name, zip part, hidden) of each sheet, in the workbook's order."""
    book = _small_xml(archive, "xl/workbook.xml")
    rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PACKAGE_REL}Relationship")}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = targets[sheet.get(f"{REL}id")]
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        yield sheet.get("name", ""), part, sheet.get("state") in ("hidden", "veryHidden")


def _small_xml(archive: zipfile.ZipFile, part: str) -> Element:
    info = archive.getinfo(part)
    if info.file_size > MAX_WORKBOOK_PART:
        raise ValueError(part)
    with archive.open(info) as stream:
        return parse(stream).getroot()


def _scan(stream: IO[bytes], sheet: Sheet) -> None:
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
        raise TooBig(
            rules.message(
                "berkas_terlalu_besar",
                "lembar_sel",
                lembar=sheet.name,
                baris=angka(sheet.last_row),
                kolom=angka(width),
            )
        )


def _cell(c: Element, sheet: Sheet) -> None:
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

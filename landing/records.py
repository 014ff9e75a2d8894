"""Read one upload's bytes into its records: (baris, cells) per non-blank record, `baris` being
the 1-based line of the file, or the sheet row as Excel shows it (landing/table.py).

The readers' registry: one `Format` per upload format of contract/filetypes.py, with the reader
of its bytes and the portal's quick look at them (landing/sniff.py). A new format is its
`FileType` there and its `Format` here (its reader in its own module when it is more than a few
lines, as landing/csvfile.py and landing/xlsxfile.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contract import filetypes
from contract.errors import UnreadableFile
from contract.filetypes import FileType
from landing import sniff
from landing.csvfile import read_csv
from landing.table import Records, records_of, unreadable
from landing.xlsxfile import read_xlsx_records

__all__ = ["FORMATS", "Format", "Records", "file_format", "read_records", "records_of", "refusal"]


@dataclass(frozen=True)
class Format:
    """How one upload format is read."""

    type: FileType
    read: Callable[[bytes], Records]  # raises UnreadableFile (or TooBig) with the rule's sentence
    refuse: Callable[[bytes], str | None]  # the portal's quick look: why these are not such bytes


FORMATS = {
    f.type.kind: f
    for f in (
        Format(filetypes.CSV, read_csv, sniff.not_text),
        Format(filetypes.XLSX, read_xlsx_records, sniff.not_workbook),
    )
}


def file_format(name: str) -> Format:
    """The format a file name declares, from its extension in any case; refused otherwise."""
    kind = filetypes.file_type(name)
    if kind is None:
        raise unreadable("jenis", file=name, ekstensi=filetypes.extension(name) or "tanpa ekstensi")
    return FORMATS[kind.kind]


def read_records(name: str, data: bytes) -> Records:
    """One (baris, cells) per non-blank record of the upload, what the batch parser takes."""
    kind = file_format(name)
    if not data:
        raise unreadable("kosong", file=name)
    try:
        records = kind.read(data)
    except UnreadableFile as exc:
        exc.context.setdefault("file", name)
        raise
    if not records:
        raise unreadable("tanpa_sel", file=name, bagian=kind.type.isi)
    return records


def refusal(name: str, data: bytes) -> str | None:
    """Why the portal refuses these contents under this name, or None when it takes them (the
    check then judges them as it judges any file of the landing folder)."""
    try:
        kind = file_format(name)
    except UnreadableFile as exc:
        return exc.message
    if not data:
        return unreadable("kosong").message
    return kind.refuse(data)

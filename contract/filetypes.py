"""The upload formats of CONTRACT §1, each declared once: the extensions that name it, the name an
office knows it by, and its limits. How a format's bytes are recognised and read is landing's
(`landing/formats.py`); the sentences that refuse a file are the rule registry's (`contract/rules.py`).

A new format is one `FileType` here and its reader in landing/formats.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# Limits of every upload (CONTRACT §1): an NTB district file is about 30 rows.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINES = 100_000  # CSV lines, or rows of the first visible sheet
# An XLSX is a zip: each of its parts (a sheet, the shared strings, the styles, any member), and
# all of them together, unpacked.
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Cells a sheet may span (last row x columns in use): a table reader allocates the whole
# rectangle, so two far-apart cells in a small file would ask for billions of cells.
MAX_CELLS = 2_500_000
# Cells a CSV record may hold: an upload has about ten; more means garbage, which must not eat memory.
MAX_COLUMNS = 256


@dataclass(frozen=True)
class FileType:
    """One upload format."""

    kind: str  # the reader's key in landing/formats.py
    extensions: tuple[str, ...]  # lower case, with the dot
    nama: str  # as an office knows it: "CSV", "XLSX"
    isi: str  # what holds the table, for "... kosong": "berkas", "lembar pertama"


CSV = FileType("csv", (".csv", ".txt"), "CSV", "berkas")
XLSX = FileType("xlsx", (".xlsx",), "XLSX", "lembar pertama")
FILE_TYPES = (CSV, XLSX)
BY_EXTENSION = {ext: t for t in FILE_TYPES for ext in t.extensions}
_EXTENSIONS = [ext for t in FILE_TYPES for ext in t.extensions]
# What the refusals ask an office to send: ".csv, .txt atau .xlsx".
ACCEPTED = ", ".join(_EXTENSIONS[:-1]) + " atau " + _EXTENSIONS[-1]


def extension(name: str) -> str:
    """The lower-case extension of a file name's last component, with its dot; '' without one."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    last = base.rsplit(".", 1)[-1] if "." in base else ""
    return "." + last.lower() if last else ""


def file_type(name: str) -> FileType | None:
    """The format a file name declares, or None when its extension is not an upload format."""
    return BY_EXTENSION.get(extension(name))

"""What an upload's first bytes say it is: the signatures (magic bytes) of the upload formats and
of the files an office sends by mistake, and the portal's quick look before it writes a file
(contents that are not what the name says are refused with a reason; everything else about a
file is the check's to judge, as for a file that reached the landing folder any other way)."""

from __future__ import annotations

import re

from contract import filetypes, rules
from contract.errors import TooBig, UnreadableFile
from landing import sheets

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP = b"PK\x03\x04"  # an XLSX is a zip archive
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc, or a password-protected .xlsx
# Leading bytes of formats that are certainly not a CSV or an XLSX workbook, as an office knows them.
SIGNATURES = (
    (b"%PDF", "PDF"),
    (OLE, "dokumen Office lama (.xls/.doc) atau berkas terkunci sandi"),
    (b"\x89PNG", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF8", "gambar GIF"),
    (b"MZ", "program Windows"),
    (b"\x7fELF", "program"),
    (b"\x1f\x8b", "arsip gzip"),
    (b"Rar!", "arsip RAR"),
    (b"7z\xbc\xaf", "arsip 7z"),
    (ZIP, "arsip ZIP"),
)
MARKUP_NAME = "halaman HTML/XML"
# A markup document starts with a tag, a doctype, a comment or an XML declaration.
_MARKUP = re.compile(rb"^\s*<\s*(?:[!?]|[a-zA-Z])")
BINARY_SAMPLE = 65536  # bytes looked at for a NUL


def signature(data: bytes) -> str | None:
    """What a known signature says the bytes are ("PDF", "gambar PNG", ...), or None."""
    return next((what for magic, what in SIGNATURES if data.startswith(magic)), None)


def markup(data: bytes) -> bool:
    """The bytes start like an HTML or XML document."""
    return bool(_MARKUP.match(data.removeprefix(UTF8_BOM)[:1024]))


def _refused(case: str, **fields: object) -> str:
    return rules.message("berkas_tidak_terbaca", case, **fields)


def not_text(data: bytes) -> str | None:
    """Why the bytes are no CSV at all, or None (encodings are the check's to name)."""
    if data.startswith(UTF16_BOMS):
        return None  # text after all: the check names its encoding as the reason
    if (what := signature(data)) is not None:
        return _refused("isi_lain", jenis=what, format=filetypes.CSV.nama)
    if b"\x00" in data[:BINARY_SAMPLE]:
        return _refused("biner", petunjuk="")
    if markup(data):
        return _refused("isi_lain", jenis=MARKUP_NAME, format=filetypes.CSV.nama)
    return None


def not_workbook(data: bytes) -> str | None:
    """Why the bytes are no XLSX workbook at all, or None (its sheets are the check's to judge)."""
    if not data.startswith(ZIP):
        what = signature(data) or (MARKUP_NAME if markup(data) else "teks atau data lain")
        return _refused("bukan_buku_kerja", jenis=what)
    try:
        # Only the directory, through the one door every XLSX reader uses (landing.sheets): its
        # size is bounded before it is parsed. The parts' sizes are the check's to judge.
        names = set(sheets.open_archive(data).namelist())
    except TooBig:
        return None  # a workbook: the check refuses it as berkas_terlalu_besar, with its receipt
    except UnreadableFile:
        return _refused("zip_rusak")
    if "xl/workbook.xml" not in names:
        return _refused("zip_lain")
    return None

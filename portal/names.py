"""What the portal accepts from a browser before anything is written: a safe file name, and
contents that are what the name says (a renamed binary or an HTML page is refused with a reason).

Everything else about a file (its encoding, columns, rows, size limits of the contract) is the
check's to judge, exactly as for a file that reached the landing folder any other way.
"""

from __future__ import annotations

import re
import unicodedata

from contract.errors import TooBig, UnreadableFile
from landing import sheets
from landing.records import FORMATS

# Characters that are no trouble on Linux but are on the Windows machines districts use, or in
# shells and URLs: replaced, so that the stored name is safe to copy anywhere. Path separators
# never survive (only the last component of a name is kept).
_REPLACED = set('<>:"/\\|?*')
MAX_STEM_BYTES = 150  # ext4 allows 255 bytes a name; room for " (123)" and the extension
FALLBACK_STEM = "unggahan"

# Leading bytes of formats that are certainly not a CSV or an XLSX workbook.
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "dokumen Office lama (.xls/.doc) atau berkas terkunci sandi"),
    (b"\x89PNG", "gambar PNG"),
    (b"\xff\xd8\xff", "gambar JPEG"),
    (b"GIF8", "gambar GIF"),
    (b"MZ", "program Windows"),
    (b"\x7fELF", "program"),
    (b"\x1f\x8b", "arsip gzip"),
    (b"Rar!", "arsip RAR"),
    (b"7z\xbc\xaf", "arsip 7z"),
    (b"PK\x03\x04", "arsip ZIP"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A markup document starts with a tag, a doctype, a comment or an XML declaration.
_MARKUP = re.compile(rb"^\s*<\s*(?:[!?]|[a-zA-Z])")


def extension(name: str) -> str:
    """The lower-case extension with its dot, or ''."""
    base = name.rsplit("/", 1)[-1]
    last = base.rsplit(".", 1)[-1] if "." in base else ""
    return "." + last.lower() if last else ""


def safe_name(original: str) -> str:
    """The name to store an upload under: its last path component, no control or format
    characters, no characters Windows forbids, no leading dot, dash or space, bounded length;
    the extension kept."""
    base = re.split(r"[/\\]", original)[-1]
    text = "".join(_safe_char(c) for c in unicodedata.normalize("NFC", base))
    text = re.sub(r"\s+", " ", text).strip()
    cut = len(text) - len(extension(text))
    stem, ext = text[:cut], text[cut:]  # the extension as the office wrote it
    stem = _cut(stem.lstrip(" .-").rstrip(" ."), MAX_STEM_BYTES).rstrip(" .") or FALLBACK_STEM
    return stem + ext


def _safe_char(c: str) -> str:
    if c in _REPLACED or unicodedata.category(c)[0] == "C":  # Cc, Cf (bidi overrides), Cs, Co, Cn
        return "_"
    return " " if unicodedata.category(c) in ("Zl", "Zp") else c


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes of `text`, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def numbered(name: str, n: int) -> str:
    """The n-th candidate for a name already taken: `rekap (2).csv`."""
    if n == 1:
        return name
    ext = extension(name)
    return f"{name[: len(name) - len(ext)]} ({n}){ext}"


def refusal(name: str, data: bytes) -> str | None:
    """Why the portal refuses these contents under this name, or None when it takes them."""
    ext = extension(name)
    if ext not in FORMATS:
        return f"jenis berkas {ext or 'tanpa ekstensi'} tidak diterima; kirim berkas CSV atau XLSX"
    if not data:
        return "berkas kosong"
    if FORMATS[ext] == "xlsx":
        return _not_workbook(data)
    return _not_text(data)


def _not_workbook(data: bytes) -> str | None:
    if not data.startswith(b"PK\x03\x04"):
        return (
            f"isi berkas bukan buku kerja XLSX ({_looks_like(data)}); simpan ulang dari Excel sebagai .xlsx"
        )
    try:
        # Only the directory, through the one door every XLSX reader uses (landing.sheets): its
        # size is bounded before it is parsed. The parts' sizes are the check's to judge.
        names = set(sheets.open_archive(data).namelist())
    except TooBig:
        return None  # a workbook: the check refuses it as berkas_terlalu_besar, with its receipt
    except UnreadableFile:
        return "berkas ZIP rusak, bukan buku kerja XLSX"
    if "xl/workbook.xml" not in names:
        return "arsip ZIP yang bukan buku kerja XLSX"
    return None


def _not_text(data: bytes) -> str | None:
    if data.startswith(_UTF16_BOMS):
        return None  # text after all: the check names its encoding as the reason
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"isi berkas adalah {what}, bukan CSV"
    if b"\x00" in data[:65536]:
        return "isi berkas biner, bukan teks CSV"
    if _MARKUP.match(data.removeprefix(b"\xef\xbb\xbf")[:1024]):
        return "isi berkas adalah halaman HTML/XML, bukan CSV"
    return None


def _looks_like(data: bytes) -> str:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if _MARKUP.match(data[:1024]):
        return "halaman HTML/XML"
    return "teks atau data lain"

"""The columns of CONTRACT §1: canonical names, their aliases, how a header cell is matched, and
the frames every stage passes on (kecamatan rows, findings)."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

import polars as pl

COUNT_COLUMNS = (
    "wajib_ktp",
    "sudah_rekam",
    "belum_rekam",
    "rekam_hari_ini",
    "rekam_keliling",
    "sudah_cetak",
)
REQUIRED_COUNTS = ("wajib_ktp", "sudah_rekam")
REQUIRED_COLUMNS = ("kode_kecamatan", *REQUIRED_COUNTS)
# The header row may follow up to this many non-blank title lines.
MAX_TITLE_LINES = 10
# No kecamatan has this many residents: a larger count is a typo (a NIK pasted into a count).
MAX_COUNT = 10_000_000
# The size limits of an upload: contract/filetypes.py.

# Canonical column -> accepted header spellings (after normalisation).
ALIASES: dict[str, tuple[str, ...]] = {
    "tanggal": ("tanggal", "tgl", "tanggal_laporan", "date"),
    "kode_kecamatan": ("kode_kecamatan", "kode_kec", "kode_wilayah", "kode"),
    "nama_kecamatan": ("nama_kecamatan", "kecamatan", "nama_kec"),
    "wajib_ktp": ("wajib_ktp", "jumlah_wajib_ktp", "wktp"),
    "sudah_rekam": ("sudah_rekam", "rekam", "jumlah_rekam", "perekaman"),
    "belum_rekam": ("belum_rekam", "belum"),
    "rekam_hari_ini": ("rekam_hari_ini", "rekam_harian"),
    "rekam_keliling": ("rekam_keliling", "keliling"),
    "sudah_cetak": ("sudah_cetak", "cetak"),
}
CANONICAL = tuple(ALIASES)  # tanggal, kode_kecamatan, nama_kecamatan and the six counts
# What each column means, as the portal's format page tells an office (CONTRACT §1, in Indonesian).
MEANING: dict[str, str] = {
    "tanggal": "tanggal keadaan angka (akhir hari itu)",
    "kode_kecamatan": "kode kecamatan Kemendagri: 520301 atau 52.03.01",
    "nama_kecamatan": "nama kecamatan, sebagai keterangan saja",
    "wajib_ktp": "penduduk yang wajib memiliki e-KTP",
    "sudah_rekam": "jumlah kumulatif yang sudah merekam",
    "belum_rekam": "yang belum merekam",
    "rekam_hari_ini": "yang merekam pada tanggal ini",
    "rekam_keliling": "dari jumlah itu, yang direkam oleh layanan keliling",
    "sudah_cetak": "jumlah kumulatif kartu yang sudah dicetak",
}

# Normalised header spelling -> canonical column.
HEADER_LOOKUP: dict[str, str] = {
    alias: canonical for canonical, aliases in ALIASES.items() for alias in aliases
}
_SEPARATORS = re.compile(r"[\s._\-]+")

# One row per finding inside one file; `file`/`kode_kabupaten` are added by the caller.
FINDING_SCHEMA = {
    "baris": pl.Int64,  # 1-based line of the file (sheet row for xlsx); null for file-level findings
    "kode_kecamatan": pl.String,  # 6-digit form when it could be read
    "kolom": pl.String,
    "nilai": pl.String,
    "aturan": pl.String,
    "tingkat": pl.String,
    "pesan": pl.String,  # short Indonesian sentence an operator can act on
}

# One row per kecamatan row of an upload, after parsing.
ROW_SCHEMA = {
    "baris": pl.Int64,
    "kode_kecamatan": pl.String,
    "nama_kecamatan": pl.String,
    **{c: pl.Int64 for c in COUNT_COLUMNS},
}


def normalise_name(text: str) -> str:
    """One normalised spelling per header cell: `KODE KEC.` -> `kode_kec`."""
    return _SEPARATORS.sub("_", text.strip().lower()).strip("_")


def canonical_column(text: object) -> str | None:
    """One canonical column (or None) per header cell."""
    if not isinstance(text, str):
        return None
    first = text.lstrip()[:1]
    # Header search and delimiter scoring see every cell of a file's first rows: figures and
    # codes (no column name starts with a digit) answer at once, names hit the cache.
    return None if not first or first.isdigit() else _canonical_name(text)


@functools.lru_cache(maxsize=65536)  # the same few header cells in every file; 7,285 kecamatan names
def _canonical_name(text: str) -> str | None:
    return HEADER_LOOKUP.get(normalise_name(text))


def resembling(canonical: str, headers: Iterable[str]) -> str | None:
    """Of the header cells no column is known by, the one that looks like a misspelling of
    `canonical` or of one of its names (`Wajib KPT` for wajib_ktp), if any."""
    names = {normalise_name(h): h for h in headers if h.strip() and not canonical_column(h)}
    close = difflib.get_close_matches(canonical, list(names), n=1, cutoff=0.8)
    for alias in ALIASES[canonical]:
        close = close or difflib.get_close_matches(alias, list(names), n=1, cutoff=0.8)
    return names[close[0]] if close else None


def count_known_columns(cells: Iterable[object]) -> int:
    """One number per candidate header row: how many distinct canonical columns it names."""
    # canonical_column inlined: this runs on every cell of a file's first rows.
    names = {_canonical_name(c) for c in cells if c and isinstance(c, str) and not c[0].isdigit()}
    names.discard(None)
    return len(names)

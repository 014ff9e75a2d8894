"""How numbers, dates and times are written for an Indonesian reader."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import Decimal

from contract.dates import BULAN, HARI, WITA

EMPTY = "–"
# Characters that must never reach a person raw: C0/C1 controls, DEL, and the bidirectional
# overrides that make text read otherwise than it is stored ("Trojan source").
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_HIDDEN_NOT_SPACE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str, whitespace: bool = True) -> str:
    """Uploaded text with every control character written as an escape: `a\\nb`, `\\x1b[31m`.

    Idempotent (what it writes holds no control character), and the identity on ordinary text.
    `whitespace=False` keeps tabs and line breaks (a cell's own, which parsing folds as spaces)."""
    hidden = _HIDDEN if whitespace else _HIDDEN_NOT_SPACE
    if not hidden.search(text):
        return text
    return hidden.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def path_text(name: str | bytes) -> str:
    """A file or folder name as it is stored and shown: bytes that are not UTF-8 (an old Windows
    client's `\\xe9`) and control characters written as escapes, never raw (CONTRACT §1)."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    return visible(raw.decode("utf-8", "backslashreplace"))


def angka(value: int | float | Decimal | None, empty: str = EMPTY) -> str:
    """1234567 -> '1.234.567'."""
    if value is None:
        return empty
    return f"{round(value):,}".replace(",", ".")


def desimal(value: float | Decimal | None, places: int = 2) -> str:
    """1234.5 -> '1.234,50'."""
    if value is None:
        return EMPTY
    text = f"{float(value):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def persen(value: float | Decimal | None) -> str:
    """92.45 -> '92,45 %'."""
    return EMPTY if value is None else f"{desimal(value)} %"


def tanggal(value: date | None) -> str:
    """date(2018, 4, 12) -> '12 April 2018'."""
    return EMPTY if value is None else f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_pendek(value: date | None) -> str:
    """date(2018, 4, 12) -> '12 Apr 2018', for narrow table cells."""
    return EMPTY if value is None else f"{value.day} {BULAN[value.month - 1][:3]} {value.year}"


def hari_tanggal(value: date) -> str:
    """date(2018, 4, 12) -> 'Kamis, 12 April 2018'."""
    return f"{HARI[value.weekday()]}, {tanggal(value)}"


def waktu_wita(value: datetime | None) -> datetime | None:
    """An aware time in Asia/Makassar, as a naive wall-clock time; a naive time is kept as it is."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(WITA).replace(tzinfo=None)


def waktu(value: datetime | None) -> str:
    """An aware time as '13 April 2018 02.05 WITA'; a naive one without the zone."""
    if value is None:
        return EMPTY
    zone = " WITA" if value.tzinfo is not None else ""
    local = waktu_wita(value)
    return f"{tanggal(local.date())} {local:%H.%M}{zone}"

"""How numbers, dates and times are written for an Indonesian reader."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, overload

from contract.dates import BULAN, HARI, WITA

if TYPE_CHECKING:
    import polars as pl

EMPTY = "–"
# Characters that must never reach a person raw, because they are invisible, pass for an ordinary
# space, or change how the text around them reads:
# - C0/C1 controls and DEL (tab and line breaks apart, see _LINES);
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# - the spaces that are not the ordinary one (no-break U+00A0, U+2000-U+200A, narrow no-break
#   U+202F, ...) and the line and paragraph separators: `12\xa0345` must not read as `12 345`.
#   Parsing treats these as spaces (stripped, or folded in names and dates), so a cell keeps them;
#   they are escaped where a value is shown;
_SPACES = "\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# - every format character (Unicode category Cf): the soft hyphen, zero-width space and joiners,
#   the bidirectional marks, embeddings, overrides and isolates ("Trojan source"), the byte order
#   mark, invisible operators, tags;
_FORMAT = (
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# - fillers and variation selectors, which render as nothing.
_BLANKS = "\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef"
_LINES = "\t\n\r"
# Every hidden character; and those a cell keeps when it is read (tabs, line breaks and spaces,
# which parsing folds): the patterns are plain character classes, valid for Polars as well.
HIDDEN = re.compile(f"[{_LINES}{_CONTROLS}{_SPACES}{_FORMAT}{_BLANKS}]")
HIDDEN_IN_CELL = re.compile(f"[{_CONTROLS}{_FORMAT}{_BLANKS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str, whitespace: bool = True) -> str:
    """Uploaded text with every hidden character written as an escape: `a\\nb`, `\\x1b[31m`,
    `12\\xa0345`, `\\u200b`.

    Idempotent (what it writes holds no hidden character), and the identity on ordinary text.
    `whitespace=False` keeps tabs, line breaks and Unicode spaces (a cell's own, which parsing
    folds as spaces)."""
    hidden = HIDDEN if whitespace else HIDDEN_IN_CELL
    if not hidden.search(text):
        return text
    return hidden.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def path_text(name: str | bytes) -> str:
    """A file or folder name as it is stored and shown: bytes that are not UTF-8 (an old Windows
    client's `\\xe9`), control characters and the other hidden characters of `visible` written as
    escapes, never raw (CONTRACT §1)."""
    raw = name if isinstance(name, bytes) else os.fsencode(name)
    return visible(raw.decode("utf-8", "backslashreplace"))


def path_texts(names: pl.Series) -> pl.Series:
    """`path_text` of a column of names (bytes) at once: a landing listing's 575,000 names are
    decoded together, and only those with a hidden character escaped one by one."""
    # Imported here: the rest of this module (visible, the dates) serves every command and log
    # line, which should not load Polars for it.
    import polars as pl

    try:
        texts = names.cast(pl.String)
    except pl.exceptions.ComputeError:  # a name that is not UTF-8 (Polars has no lossy decode)
        return pl.Series([path_text(name) for name in names], dtype=pl.String)
    hidden = texts.str.contains(HIDDEN.pattern).arg_true()
    if hidden.len():
        texts = texts.scatter(hidden, [visible(texts[i]) for i in hidden])
    return texts


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
    return EMPTY if value is None else f"{hari_bulan(value)} {value.year}"


def hari_bulan(value: date) -> str:
    """date(2018, 5, 6) -> '6 Mei', where the year is plain (a chart's time axis)."""
    return f"{value.day} {BULAN[value.month - 1][:3]}"


def hari_tanggal(value: date) -> str:
    """date(2018, 4, 12) -> 'Kamis, 12 April 2018'."""
    return f"{HARI[value.weekday()]}, {tanggal(value)}"


@overload
def waktu_wita(value: datetime) -> datetime: ...
@overload
def waktu_wita(value: None) -> None: ...
@overload
def waktu_wita(value: datetime | None) -> datetime | None: ...
def waktu_wita(value: datetime | None) -> datetime | None:
    """An aware time in Asia/Makassar, as a naive wall-clock time; a naive time is kept as it is."""
    if value is None or value.tzinfo is None:
        return value
    local = value.astimezone(WITA)
    # A plain datetime, whatever came in: Prefect's times are Pendulum's, whose `replace` is
    # deprecated and will return another type.
    return datetime(
        local.year, local.month, local.day, local.hour, local.minute, local.second, local.microsecond
    )


def waktu(value: datetime | None) -> str:
    """An aware time as '13 April 2018 02.05 WITA'; a naive one without the zone."""
    if value is None:
        return EMPTY
    zone = " WITA" if value.tzinfo is not None else ""
    local = waktu_wita(value)
    return f"{tanggal(local.date())} {local:%H.%M}{zone}"


def waktu_detik(value: datetime) -> str:
    """An aware moment to the second in WITA, '13 April 2018 02.05.09 WITA', for a refusal: two
    moments a minute apart look different."""
    local = waktu_wita(value)
    return f"{tanggal(local.date())} {local:%H.%M.%S} WITA"


def tanggal_iso(text: str | None, empty: str = EMPTY) -> str:
    """A date kept as ISO 8601 text (a receipt's, the portal database's), as `tanggal` says it."""
    return tanggal(date.fromisoformat(text)) if text else empty


def waktu_iso(text: str | None) -> str:
    """A time kept as ISO 8601 text (the portal database's), as `waktu` says it."""
    return waktu(datetime.fromisoformat(text)) if text else EMPTY

"""How numbers, dates and times are written for an Indonesian reader."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from contract.dates import BULAN, HARI, WITA

EMPTY = "–"


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

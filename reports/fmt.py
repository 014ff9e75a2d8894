"""Indonesian renderings of the report's forecast states (numbers and dates: contract.formats)."""

from datetime import date
from fractions import Fraction

from contract.formats import EMPTY, angka, desimal, tanggal_pendek
from reports.forecast import Forecast, Pace, Range, Status
from reports.status import verdict


def laju(value: Pace | None) -> str:
    """Recorded per day: whole numbers, one decimal below 10 so a slow pace does not read as 0."""
    if value is None:
        return EMPTY
    if abs(value.per_day) < 10:
        return desimal(value.per_day, 1)
    return angka(value.per_day)


def selesai(f: Forecast | None) -> str:
    """The forecast completion cell: a date, 'selesai', or 'tidak terhitung'."""
    if f is None:
        return EMPTY
    if f.status is Status.SELESAI:
        return "selesai"
    return tanggal_pendek(f.completion) if f.completion else "tidak terhitung"


def dibutuhkan(f: Forecast | None) -> str:
    """The needed-pace cell: a count a day, or why there is none."""
    if f is None or f.status is Status.SELESAI:
        return EMPTY
    return angka(f.needed_pace) if f.needed_pace is not None else "tenggat lewat"


def status(f: Forecast | None) -> str:
    """A short verdict against the target (reports/status.py)."""
    return verdict(f).label


def per_hari(value: float | Fraction | None) -> str:
    """A pace given as a number a day (the range's ends), written like `laju`."""
    if value is None:
        return EMPTY
    number = float(value)
    return desimal(number, 1) if abs(number) < 10 else angka(number)


def tanpa_rentang(f: Forecast | None) -> str | None:
    """Why a forecast has no range, in the page's words; None when it has one."""
    if f is None:
        return EMPTY
    if f.status is Status.SELESAI:
        return "selesai"
    if f.band is None:
        return "belum dapat dihitung"
    return None


def band_of(f: Forecast | None) -> Range:
    """The range of a forecast that has one (tanpa_rentang said None)."""
    assert f is not None and f.band is not None, "a forecast without a range"
    return f.band


def selesai_pada(value: date | None) -> str:
    """One end of the completion range."""
    return tanggal_pendek(value) if value else "tidak terhitung"


def rentang_selesai(f: Forecast | None) -> str:
    """The completion range: 'earliest – latest', or why there is none."""
    if (why := tanpa_rentang(f)) is not None:
        return why
    band = band_of(f)
    return f"{selesai_pada(band.early)} – {selesai_pada(band.late)}"


def rentang_laju(f: Forecast | None) -> str:
    """The pace band: 'slow – fast' a day, or why there is none."""
    if (why := tanpa_rentang(f)) is not None:
        return why
    band = band_of(f)
    return f"{per_hari(band.slow)} – {per_hari(band.fast)}"


def peluang(f: Forecast | None) -> str:
    """The chance of finishing by the target, or why there is none."""
    if (why := tanpa_rentang(f)) is not None:
        return why
    band = band_of(f)
    if band.chance is None:
        return "tenggat lewat"
    return f"{desimal(band.chance, 0)} % ({band.enough} dari {len(band.windows)})"

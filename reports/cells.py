"""The workbook's columns: a header, how a row gives its value, how the number is shown. Values
are typed (dates, numbers), or the page's own words where there is no number."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from reports import fmt
from reports.forecast import Forecast, Range, Status
from warehouse.read import Row


@dataclass(frozen=True)
class Col:
    """One column: Indonesian header, how to get the value, and how to show numbers."""

    header: str
    value: Callable[[Row], Any]
    kind: str = "text"  # a key of xlsx.NUMBER_FORMATS, or "auto": the row's own `kind`
    wrap: bool = False


def key(name: str) -> Callable[[Row], Any]:
    return lambda row: row[name]


def yes_no(name: str) -> Callable[[Row], str]:
    return lambda row: "Ya" if row[name] else "Tidak"


def forecast_attr(fn: Callable[[Forecast], Any]) -> Callable[[Row], Any]:
    """A value from the row's forecast, blank when the district never reported."""
    return lambda row: None if row["prakiraan"] is None else fn(row["prakiraan"])


def completion(f: Forecast) -> date | str:
    """A date cell when there is a date, otherwise the page's words."""
    return f.completion or fmt.selesai(f)


def band_value(fn: Callable[[Range], Any]) -> Callable[[Forecast | None], Any]:
    """A value of the forecast's range, or the page's words for why there is none."""

    def value(f: Forecast | None) -> Any:
        why = fmt.tanpa_rentang(f)
        return (None if f is None else why) if why is not None else fn(fmt.band_of(f))

    return value


def end_of(when: date | None) -> date | str:
    """One end of the completion range: a date cell, or the page's words."""
    return when or "tidak terhitung"


def chance(band: Range) -> float | str:
    return "tenggat lewat" if band.chance is None else band.chance


def needed(f: Forecast) -> int | str | None:
    """The needed pace, blank when done, or why there is none."""
    if f.needed_pace is not None or f.status is Status.SELESAI:
        return f.needed_pace
    return "tenggat lewat"


def ranked(rows: list[Row] | tuple[Row, ...]) -> list[Row]:
    """The rows numbered from 1 in their order, as `peringkat`."""
    return [{**r, "peringkat": i} for i, r in enumerate(rows, start=1)]


# The range's columns, for a district row ("prakiraan") and for the province's summary.
RANGE = (
    ("Laju 28 hari p10 (/hari)", band_value(lambda b: float(b.slow)), "pace"),
    ("Laju 28 hari p90 (/hari)", band_value(lambda b: float(b.fast)), "pace"),
    ("Selesai paling cepat", band_value(lambda b: end_of(b.early)), "date"),
    ("Selesai paling lambat", band_value(lambda b: end_of(b.late)), "date"),
    ("Peluang selesai pada target (%)", band_value(chance), "whole"),
    ("Laju 7 hari yang cukup", band_value(lambda b: b.enough), "count"),
    ("Laju 7 hari dinilai", band_value(lambda b: len(b.windows)), "count"),
)

"""Forecast arithmetic for the daily report: 7-day pace, completion date, pace needed by a target.

Definitions (all for a report date D, on a carried-forward daily series):

- value at a date X: the series point with the latest `tanggal` on or before X, so a gap in the
  series (a district that missed days) reads as "no change", as the warehouse's figures do.
- pace (`laju`, recorded per day) = (sudah_rekam at D - sudah_rekam at D-7) / 7. When the series
  starts after D-7, the window starts at its first point S instead: (sudah(D) - sudah(S)) / (D - S).
  No earlier point than D means no pace.
  Why the stock difference and not the mean of `rekam_hari_ini`: a district's `rekam_hari_ini` is
  0 on a day it did not report and may carry the catch-up on the next, districts may type it
  inconsistently with their stock (only a warning), and the forecast divides `belum_rekam`, a
  stock, so the pace has to be in the same stock units. A late correction that lowers
  `sudah_rekam` lowers the pace, which is what it should do.
- completion date = D + ceil(belum_rekam(D) / pace) days, computed in integers. No date when the
  pace is unknown, zero or negative, or the date is more than `HORIZON_DAYS` away (such a date is
  noise, and would otherwise run into year 9999): that is "tidak terhitung".
- needed pace = ceil(belum_rekam(D) / (target - D).days): recording at least this many a day from
  D+1 clears the rest by the end of the target date. None when the target is not after D.
- done: belum_rekam(D) <= 0; no completion date or needed pace is computed then.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

WINDOW_DAYS = 7
HORIZON_DAYS = 3650


@dataclass(frozen=True)
class Day:
    """One point of a daily series: cumulative recorded and still to record at end of `tanggal`."""

    tanggal: date
    sudah_rekam: int
    belum_rekam: int


class Status(StrEnum):
    """Where a region stands against the target."""

    SELESAI = "selesai"  # nothing left to record
    TERCAPAI = "tercapai"  # forecast on or before the target
    TERLAMBAT = "terlambat"  # forecast after the target
    TIDAK_TERHITUNG = "tidak terhitung"  # no positive pace, or a forecast beyond the horizon


@dataclass(frozen=True)
class Pace:
    """Recorded per day over `days` days ending at the report date."""

    per_day: float
    days: int
    recorded: int  # rise of sudah_rekam over those days


@dataclass(frozen=True)
class Forecast:
    """A region's forecast for one report date and target."""

    tanggal: date
    target: date
    belum_rekam: int
    pace: Pace | None
    completion: date | None
    needed_pace: int | None
    left_at_target: int | None  # what would remain at the target at this pace

    @property
    def status(self) -> Status:
        """Done, on track, late, or no forecast."""
        if self.belum_rekam <= 0:
            return Status.SELESAI
        if self.completion is None:
            return Status.TIDAK_TERHITUNG
        return Status.TERCAPAI if self.completion <= self.target else Status.TERLAMBAT

    @property
    def misses_target(self) -> bool:
        """True when the region will not finish by the target at its pace (unknown pace: not said)."""
        if self.status is Status.TIDAK_TERHITUNG:
            return self.pace is not None
        return self.status is Status.TERLAMBAT


def value_on(series: Iterable[Day], when: date) -> Day | None:
    """The carried-forward point for `when`: the latest point on or before it."""
    earlier = [d for d in series if d.tanggal <= when]
    return max(earlier, key=lambda d: d.tanggal) if earlier else None


def pace(series: Iterable[Day], tanggal: date, window: int = WINDOW_DAYS) -> Pace | None:
    """Recorded per day over the `window` days ending `tanggal` (see the module docstring)."""
    points = [d for d in series if d.tanggal <= tanggal]
    end = value_on(points, tanggal)
    if end is None:
        return None
    start = value_on(points, tanggal - timedelta(days=window))
    days = window
    if start is None:
        # The series starts inside the window: measure from its first point.
        start = min(points, key=lambda d: d.tanggal)
        days = (tanggal - start.tanggal).days
    if days <= 0:
        return None
    recorded = end.sudah_rekam - start.sudah_rekam
    return Pace(per_day=recorded / days, days=days, recorded=recorded)


def completion_date(belum_rekam: int, laju: Pace | None, tanggal: date) -> date | None:
    """First date by whose end the rest is recorded at this pace; None when it cannot be told."""
    if belum_rekam <= 0 or laju is None or laju.recorded <= 0:
        return None
    # ceil(belum / (recorded / days)) in integers: no float rounding at exact multiples.
    days_needed = -(-belum_rekam * laju.days // laju.recorded)
    if days_needed > HORIZON_DAYS:
        return None
    return tanggal + timedelta(days=days_needed)


def needed_pace(belum_rekam: int, tanggal: date, target: date) -> int | None:
    """Whole recordings a day from the day after `tanggal` that finish by the end of `target`."""
    days_left = (target - tanggal).days
    if belum_rekam <= 0 or days_left <= 0:
        return None
    return -(-belum_rekam // days_left)


def left_at_target(belum_rekam: int, laju: Pace | None, tanggal: date, target: date) -> int | None:
    """What would still be unrecorded at the end of `target` at this pace (never below 0)."""
    days_left = (target - tanggal).days
    if belum_rekam <= 0 or laju is None or laju.recorded <= 0 or days_left <= 0:
        return None
    return max(0, belum_rekam - (laju.recorded * days_left) // laju.days)


def forecast(series: Iterable[Day], tanggal: date, target: date) -> Forecast | None:
    """The region's forecast for `tanggal`; None when the series has no point on or before it."""
    points = list(series)
    today = value_on(points, tanggal)
    if today is None:
        return None
    laju = pace(points, tanggal)
    belum = today.belum_rekam
    return Forecast(
        tanggal=tanggal,
        target=target,
        belum_rekam=belum,
        pace=laju,
        completion=completion_date(belum, laju, tanggal),
        needed_pace=needed_pace(belum, tanggal, target),
        left_at_target=left_at_target(belum, laju, tanggal, target),
    )

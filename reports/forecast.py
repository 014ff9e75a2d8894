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

The range around the completion date (issue 14; docs/definitions.md says why this and not another):

- window paces: the 7-day pace ending on each of the 22 days D-21 .. D, each (sudah(E) - sudah(E-7)) / 7
  on the carried-forward series; together they cover the last 28 days. They exist only when the
  series has a point on or before D-28 (every window whole); otherwise there is no range, and the
  report says the range cannot be computed yet instead of inventing one.
- pace band: from the 10th to the 90th percentile of the window paces, with linear interpolation
  between the sorted values (Excel's PERCENTILE.INC; with 22 values: p10 = (9 r[2] + r[3]) / 70 and
  p90 = (r[18] + 9 r[19]) / 70 for the sorted 7-day rises r[0..21]), widened to take in the current
  7-day pace when it lies outside, so that the band always contains the forecast itself.
- completion band: the completion date at the band's fast end (earliest) and at its slow end
  (latest), D + ceil(belum_rekam(D) / pace) computed exactly; "tidak terhitung" for a pace <= 0 or a
  date beyond `HORIZON_DAYS`, as for the forecast itself.
- chance of finishing by the target: the share of the 22 window paces at which the rest would be
  recorded by the end of the target date (rise x days left >= 7 x belum_rekam(D)): how often, in
  the last 28 days, a week went fast enough. None when done, or when the target is not after D.

The province (or any region made of districts: `province_forecast`) is done when its last district
is done, so its dates are the districts' (issue 25; docs/definitions.md):

- completion date: the latest of its districts' completion dates, each district at its own 7-day
  pace; "tidak terhitung" when any district that is not done has none. Never before any district's.
- pace and needed pace: the region's own (the recordings of all its districts together), as shown.
- left at the target: the sum of what each district would leave at the target at its own pace, a
  pace that is unknown, zero or negative counting as nothing more recorded (`left_unrecorded`); None
  when the target is not after D. It is 0 exactly when every district finishes in time.
- completion band: the latest of the districts' earliest dates and the latest of their latest dates
  (either "tidak terhitung" when a district's is); the pace band is the region's own 28-day band.
  No band when a district that is not done has none (its series is shorter than 28 days).
- chance: the share of the 22 windows E (the same for every district) in which every district that is
  not done went fast enough: how often, in the last 28 days, a week was fast enough everywhere. Never
  above any district's chance.
Districts that are done constrain nothing; a district with no report on or before D is not in the
region's figures, so not in its forecast either.

The mobile-service ranking (`left_unrecorded`): what would still be unrecorded at the end of the
target at the current 7-day pace, max(0, belum_rekam - pace x days left), where a pace that is
unknown, zero or negative (a correction lowered sudah_rekam) counts as zero: nothing more recorded.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from math import ceil

WINDOW_DAYS = 7
HORIZON_DAYS = 3650
RANGE_DAYS = 28  # the range looks at the 7-day paces of the last 28 days
RANGE_WINDOWS = RANGE_DAYS - WINDOW_DAYS + 1  # 22 windows of 7 days end within them
BAND = (Fraction(1, 10), Fraction(9, 10))  # the 10th and 90th percentiles


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
class Range:
    """How far the completion date may move, from how the 7-day pace varied over the last 28 days."""

    windows: tuple[Pace, ...]  # the 22 window paces, the oldest first (the last is the current pace)
    slow: Fraction  # the band's slow end, recorded per day
    fast: Fraction  # its fast end
    late: date | None  # completion at the slow end (None: tidak terhitung)
    early: date | None  # completion at the fast end
    enough: int | None  # windows fast enough to finish by the target (None: target not after D)

    @property
    def chance(self) -> float | None:
        """Chance of finishing by the target, in percent."""
        return None if self.enough is None else 100 * self.enough / len(self.windows)


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
    band: Range | None = None  # None: done, or fewer than 28 days of series

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


def window_paces(series: Iterable[Day], tanggal: date) -> tuple[Pace, ...] | None:
    """The 22 7-day paces ending D-21 .. D, oldest first; None unless the series reaches back to D-28."""
    points = [d for d in series if d.tanggal <= tanggal]
    if not points or min(d.tanggal for d in points) > tanggal - timedelta(days=RANGE_DAYS):
        return None
    ends = [tanggal - timedelta(days=back) for back in range(RANGE_WINDOWS - 1, -1, -1)]
    return tuple(_known(pace(points, end)) for end in ends)


def _known(p: Pace | None) -> Pace:
    # every window starts on or after D-28, which the series reaches: each has a pace
    assert p is not None, "a window without a pace"
    return p


def percentile(values: list[Fraction], q: Fraction) -> Fraction:
    """The q-th quantile with linear interpolation between the sorted values (PERCENTILE.INC)."""
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    below = int(position)  # floor: position is never negative
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def completion_at(belum_rekam: int, per_day: Fraction, tanggal: date) -> date | None:
    """Like `completion_date`, for a pace that is a fraction rather than a rise over whole days."""
    if belum_rekam <= 0 or per_day <= 0:
        return None
    days_needed = ceil(belum_rekam / per_day)  # Fraction: exact
    return None if days_needed > HORIZON_DAYS else tanggal + timedelta(days=days_needed)


def finishes_by(w: Pace, belum_rekam: int, tanggal: date, target: date) -> bool:
    """Whether recording at pace `w` from D+1 clears `belum_rekam` by the end of the target."""
    return w.recorded * (target - tanggal).days >= belum_rekam * w.days


def band(
    series: Iterable[Day], belum_rekam: int, current: Pace | None, tanggal: date, target: date
) -> Range | None:
    """The forecast's range (see the module docstring); None when done or the series is too short."""
    windows = window_paces(series, tanggal)
    if belum_rekam <= 0 or windows is None or current is None:
        return None
    per_day = [Fraction(w.recorded, w.days) for w in windows]
    now = Fraction(current.recorded, current.days)
    slow, fast = min(percentile(per_day, BAND[0]), now), max(percentile(per_day, BAND[1]), now)
    enough = None
    if target > tanggal:
        enough = sum(finishes_by(w, belum_rekam, tanggal, target) for w in windows)
    return Range(
        windows=windows,
        slow=slow,
        fast=fast,
        late=completion_at(belum_rekam, slow, tanggal),
        early=completion_at(belum_rekam, fast, tanggal),
        enough=enough,
    )


def left_unrecorded(belum_rekam: int, laju: Pace | None, tanggal: date, target: date) -> int:
    """What would still be unrecorded at the end of `target`: the mobile-service ranking's measure."""
    days_left = max(0, (target - tanggal).days)
    if laju is None or laju.recorded <= 0:
        return max(0, belum_rekam)
    return max(0, belum_rekam - (laju.recorded * days_left) // laju.days)


def forecast(series: Iterable[Day], tanggal: date, target: date) -> Forecast | None:
    """The region's forecast for `tanggal`; None when the series has no point on or before it.

    `series` holds every point from D-28 to D, and the latest one before D-28 (the range needs them all).
    """
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
        band=band(points, belum, laju, tanggal, target),
    )


def _latest(dates: Iterable[date | None]) -> date | None:
    """The latest of the dates; None ("tidak terhitung") when any of them is None."""
    found = list(dates)
    return None if any(d is None for d in found) else max(d for d in found if d is not None)


def province_band(own: Range | None, open_: list[Forecast], tanggal: date, target: date) -> Range | None:
    """The region's range from its districts' that are not done (see the module docstring)."""
    bands = [f.band for f in open_]
    if own is None or any(b is None for b in bands):
        return None
    known = [b for b in bands if b is not None]
    enough = None
    if target > tanggal:
        enough = sum(
            all(
                finishes_by(b.windows[i], f.belum_rekam, tanggal, target)
                for b, f in zip(known, open_, strict=True)
            )
            for i in range(len(own.windows))
        )
    return Range(
        windows=own.windows,
        slow=own.slow,
        fast=own.fast,
        late=_latest(b.late for b in known),
        early=_latest(b.early for b in known),
        enough=enough,
    )


def province_forecast(
    series: Iterable[Day], districts: Iterable[Forecast | None], tanggal: date, target: date
) -> Forecast | None:
    """The forecast of a region made of `districts` (their forecasts for the same date and target):
    done when its last district is done (see the module docstring); None without a point on or before D.
    """
    own = forecast(series, tanggal, target)
    if own is None or own.belum_rekam <= 0:
        return own
    open_ = [f for f in districts if f is not None and f.belum_rekam > 0]
    if not open_:
        # Belum rekam left but no district holds it: the figures disagree; say nothing rather than guess.
        return Forecast(own.tanggal, target, own.belum_rekam, own.pace, None, own.needed_pace, None, None)
    return Forecast(
        tanggal=tanggal,
        target=target,
        belum_rekam=own.belum_rekam,
        pace=own.pace,
        completion=_latest(f.completion for f in open_),
        needed_pace=own.needed_pace,
        left_at_target=(
            sum(left_unrecorded(f.belum_rekam, f.pace, tanggal, target) for f in open_)
            if target > tanggal
            else None
        ),
        band=province_band(own.band, open_, tanggal, target),
    )

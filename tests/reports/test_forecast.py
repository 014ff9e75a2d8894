from datetime import date, timedelta
from fractions import Fraction

from reports.forecast import (
    HORIZON_DAYS,
    Day,
    Pace,
    Status,
    forecast,
    left_unrecorded,
    needed_pace,
    pace,
    percentile,
)

D = date(2018, 4, 12)
TARGET = date(2018, 6, 1)  # 50 days after D


def linear(days: int, start: int, per_day: int, wajib: int, end: date = D) -> list[Day]:
    """`days` consecutive points ending `end`, sudah rising by `per_day`."""
    out = []
    for i in range(days):
        sudah = start + per_day * i
        out.append(Day(end - timedelta(days=days - 1 - i), sudah, wajib - sudah))
    return out


def test_pace_is_the_seven_day_rise_of_sudah_rekam():
    # 100 a day for 10 days: pace 100, measured over 7 days.
    p = pace(linear(10, 1_000, 100, 10_000), D)
    assert (p.per_day, p.days, p.recorded) == (100, 7, 700)


def test_pace_carries_values_forward_over_gaps():
    # No point at D-7: the value of D-9 stands for it; the point of D-3 is irrelevant.
    series = [Day(D - timedelta(days=9), 500, 1500), Day(D - timedelta(days=3), 600, 1400), Day(D, 1200, 800)]
    assert pace(series, D).per_day == (1200 - 500) / 7


def test_pace_of_a_short_series_uses_its_span():
    # Series began 3 days before D: pace over 3 days.
    p = pace(linear(4, 0, 30, 1_000), D)
    assert (p.per_day, p.days) == (30, 3)


def test_points_after_the_report_date_are_ignored():
    # A later correction in the warehouse must not change the report of an earlier day.
    series = [*linear(10, 0, 10, 1000), Day(D + timedelta(days=1), 999, 1)]
    assert pace(series, D).per_day == 10


def test_single_point_has_no_pace_and_no_date():
    # Only D itself: nothing to measure against.
    f = forecast([Day(D, 10, 90)], D, TARGET)
    assert f.pace is None and f.completion is None and f.status is Status.TIDAK_TERHITUNG
    assert not f.misses_target  # unknown, not late
    assert f.needed_pace == 2  # ceil(90 / 50)


def test_completion_date_rounds_up_whole_days():
    # 1001 left at 100 a day: the last one is recorded on day 11.
    f = forecast(linear(8, 0, 100, 1_701), D, TARGET)
    assert f.belum_rekam == 1_001 and f.completion == D + timedelta(days=11)
    assert f.status is Status.TERCAPAI and not f.misses_target


def test_finishing_exactly_on_the_target_is_on_track():
    # 5000 left at 100 a day: done at the end of day 50, the target itself.
    f = forecast(linear(8, 0, 100, 5_700), D, TARGET)
    assert f.completion == TARGET and f.status is Status.TERCAPAI
    assert f.needed_pace == 100 and f.left_at_target == 0


def test_one_more_than_the_pace_allows_is_late():
    # 5001 left at 100 a day: day 51, after the target; 1 would remain at the target.
    f = forecast(linear(8, 0, 100, 5_701), D, TARGET)
    assert f.completion == TARGET + timedelta(days=1) and f.status is Status.TERLAMBAT
    assert f.misses_target and f.needed_pace == 101 and f.left_at_target == 1


def test_zero_pace_gives_no_date():
    # Stalled for a week.
    f = forecast(linear(10, 5_000, 0, 9_000), D, TARGET)
    assert f.pace.per_day == 0 and f.completion is None
    assert f.status is Status.TIDAK_TERHITUNG and f.misses_target


def test_negative_pace_gives_no_date():
    # sudah_rekam corrected downwards.
    f = forecast(linear(10, 5_000, -10, 9_000), D, TARGET)
    assert f.pace.per_day == -10 and f.completion is None and f.status is Status.TIDAK_TERHITUNG


def test_a_tiny_pace_gives_no_date_rather_than_year_9999():
    # 1 recording a week against a million left would be ~19,000 years away.
    series = [Day(D - timedelta(days=7), 0, 1_000_001), Day(D, 1, 1_000_000)]
    f = forecast(series, D, TARGET)
    assert f.completion is None and f.status is Status.TIDAK_TERHITUNG


def test_the_horizon_itself_still_gets_a_date():
    # Exactly HORIZON_DAYS away is a date; one more is not.
    series = [Day(D - timedelta(days=7), 0, 7 + HORIZON_DAYS), Day(D, 7, HORIZON_DAYS)]
    assert forecast(series, D, TARGET).completion == D + timedelta(days=HORIZON_DAYS)
    series = [Day(D - timedelta(days=7), 0, 8 + HORIZON_DAYS), Day(D, 7, HORIZON_DAYS + 1)]
    assert forecast(series, D, TARGET).completion is None


def test_done_is_done():
    # Nothing left: no date, no pace needed, not late even with zero pace.
    f = forecast(linear(10, 1_000, 0, 1_000), D, TARGET)
    assert f.status is Status.SELESAI and not f.misses_target
    assert f.completion is None and f.needed_pace is None


def test_needed_pace_after_the_target_is_none():
    # The target has passed: no pace can meet it.
    assert needed_pace(10, TARGET, TARGET) is None
    assert needed_pace(10, TARGET - timedelta(days=1), TARGET) == 10


def test_no_point_on_or_before_the_date_is_no_forecast():
    # The region's first report came after D.
    assert forecast([Day(D + timedelta(days=1), 1, 1)], D, TARGET) is None


# The range (issue 14): 22 7-day paces ending D-21 .. D, their 10th-90th percentile band, the chance.


def daily(rises: list[int], wajib: int, start: int = 0) -> list[Day]:
    """A point a day ending D, the first at D - len(rises) with `start` recorded, then these rises."""
    first = D - timedelta(days=len(rises))
    out, sudah = [Day(first, start, wajib - start)], start
    for i, rise in enumerate(rises, start=1):
        sudah += rise
        out.append(Day(first + timedelta(days=i), sudah, wajib - sudah))
    return out


def test_percentile_interpolates_between_sorted_values():
    # position q x (n - 1): 0.1 x 3 = 0.3 of the way from 1 to 2; 0.9 x 3 = 2.7 from 3 to 4
    values = [Fraction(v) for v in (4, 1, 3, 2)]
    assert percentile(values, Fraction(1, 10)) == Fraction(13, 10)
    assert percentile(values, Fraction(9, 10)) == Fraction(37, 10)
    assert percentile([Fraction(5)], Fraction(9, 10)) == 5


def test_a_steady_pace_has_no_spread():
    # 100 a day for 28 days: all 22 windows are 100, so the band is the forecast's own date
    f = forecast(daily([100] * 28, wajib=2_800 + 1_001), D, TARGET)
    assert [w.recorded for w in f.band.windows] == [700] * 22
    assert f.band.slow == f.band.fast == 100
    assert f.band.early == f.band.late == f.completion == D + timedelta(days=11)
    assert f.band.enough == 22 and f.band.chance == 100


def test_a_pace_that_doubled_two_weeks_ago():
    # 70 a day, then 140 a day for the last 14 days. Window rises, oldest first: 490 (8 windows
    # ending D-21..D-14), 560, 630, 700, 770, 840, 910, then 980 (8 windows ending D-7..D).
    # p10: position 2.1 -> 490; p90: position 18.9 -> 980. 7,000 left: at 140 a day 50 days (the
    # target itself), at 70 a day 100 days; only the 8 windows of 980 clear 7,000 in 50 days.
    f = forecast(daily([70] * 14 + [140] * 14, wajib=2_940 + 7_000), D, TARGET)
    assert [w.recorded for w in f.band.windows] == [490] * 8 + [560, 630, 700, 770, 840, 910] + [980] * 8
    assert (f.band.slow, f.band.fast) == (70, 140)
    assert f.completion == f.band.early == TARGET and f.band.late == D + timedelta(days=100)
    assert f.band.enough == 8 and round(f.band.chance, 2) == 36.36


def test_the_band_interpolates_and_takes_in_the_current_pace():
    # Day i of 28 records i: the windows rose 28, 35, ..., 175 (7 more each). p10 at position 2.1:
    # 42 + 0.1 x 7 = 42.7 a week, 6.1 a day; p90 at 18.9: 154 + 0.9 x 7 = 160.3, 22.9 a day. The
    # current pace, 175 / 7 = 25 a day, is faster than p90: the band's fast end is the current pace.
    f = forecast(daily(list(range(1, 29)), wajib=10_000), D, TARGET)
    assert [w.recorded for w in f.band.windows] == list(range(28, 176, 7))
    assert f.band.slow == Fraction(61, 10) and f.pace.per_day == 25 and f.band.fast == 25
    belum = 10_000 - sum(range(1, 29))  # 9,594
    assert f.band.early == f.completion == D + timedelta(days=384)  # ceil(9,594 / 25)
    assert f.band.late == D + timedelta(days=1_573)  # ceil(9,594 / 6.1) = ceil(1,572.8)
    assert belum == 9_594


def test_a_district_with_gaps_has_a_wide_range():
    # Reports only on D-28 (0), D-14 (1,400) and D (2,800): carried forward, 14 windows saw no rise
    # and 8 saw 1,400. p10 = 0, so the slow end never finishes; p90 = 1,400 / 7 = 200 a day.
    series = [
        Day(D - timedelta(days=28), 0, 10_000),
        Day(D - timedelta(days=14), 1_400, 8_600),
        Day(D, 2_800, 7_200),
    ]
    f = forecast(series, D, TARGET)
    assert sorted(w.recorded for w in f.band.windows) == [0] * 14 + [1_400] * 8
    assert (f.band.slow, f.band.fast) == (0, 200)
    assert f.band.late is None and f.band.early == D + timedelta(days=36)  # ceil(7,200 / 200)
    assert f.band.enough == 8  # 1,400 x 50 >= 7 x 7,200


def test_a_negative_correction_enters_the_band():
    # 100 a day, but a correction three days ago took 1,000 off: the 4 windows holding it rose -300.
    # p10 = -300 / 7 (no date at the slow end), p90 = 100 a day; 3,200 left at 100 a day: 32 days.
    rises = [100] * 24 + [100 - 1_000, 100, 100, 100]
    f = forecast(daily(rises, wajib=5_000), D, TARGET)
    assert sorted(w.recorded for w in f.band.windows) == [-300] * 4 + [700] * 18
    assert f.pace.recorded == -300 and f.status is Status.TIDAK_TERHITUNG
    assert (f.band.slow, f.band.fast) == (Fraction(-300, 7), 100)
    assert f.band.late is None and f.band.early == D + timedelta(days=32)
    assert f.band.enough == 18  # 700 x 50 >= 7 x 3,200


def test_fewer_than_28_days_have_no_range():
    # The series starts 27 days before D: a pace, a date, but no range; from 28 days on there is one
    assert forecast(daily([100] * 27, wajib=10_000), D, TARGET).band is None
    assert forecast(daily([100] * 27, wajib=10_000), D, TARGET).completion is not None
    assert forecast(daily([100] * 28, wajib=10_000), D, TARGET).band is not None


def test_a_finished_district_has_no_range():
    f = forecast(daily([100] * 28, wajib=2_800), D, TARGET)
    assert f.status is Status.SELESAI and f.band is None


def test_no_chance_once_the_target_has_passed():
    f = forecast(daily([100] * 28, wajib=10_000), D, D)
    assert f.band is not None and f.band.enough is None and f.band.chance is None


def test_left_unrecorded_is_the_rest_at_the_target_at_the_current_pace():
    week = lambda recorded: Pace(recorded / 7, 7, recorded)  # noqa: E731
    assert left_unrecorded(7_000, week(700), D, TARGET) == 2_000  # 7,000 - 100 x 50
    assert left_unrecorded(3_000, week(700), D, TARGET) == 0  # done before the target
    assert left_unrecorded(7_000, week(-300), D, TARGET) == 7_000  # a negative pace counts as zero
    assert left_unrecorded(7_000, week(0), D, TARGET) == 7_000
    assert left_unrecorded(7_000, None, D, TARGET) == 7_000  # no pace: nothing more assumed
    assert left_unrecorded(7_000, week(700), TARGET, TARGET) == 7_000  # no days left
    assert left_unrecorded(0, week(700), D, TARGET) == 0

from datetime import date, timedelta

from reports.forecast import (
    HORIZON_DAYS,
    Day,
    Status,
    forecast,
    needed_pace,
    pace,
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
    series = linear(10, 0, 10, 1_000) + [Day(D + timedelta(days=1), 999, 1)]
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

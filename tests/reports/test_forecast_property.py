"""The province's forecast over random district paces: never before its last district's, its range and
chance following the districts', and the analysts' `prakiraan` macro giving the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.forecast import Day, Forecast, Status, forecast, province_forecast, value_on

D = date(2018, 4, 30)
MACRO = Path(__file__).resolve().parents[2] / "warehouse" / "sql" / "macros" / "prakiraan.sql"
LATEST = date.max  # "tidak terhitung" sorts after every date


@dataclass(frozen=True)
class Story:
    """Districts' daily series ending on D, the province's sum of them carried forward, a target."""

    districts: dict[str, list[Day]]
    target: date

    @property
    def province(self) -> list[Day]:
        first = min(s[0].tanggal for s in self.districts.values())
        out = []
        for n in range((D - first).days + 1):
            day = first + timedelta(days=n)
            points = [p for s in self.districts.values() if (p := value_on(s, day)) is not None]
            out.append(Day(day, sum(p.sudah_rekam for p in points), sum(p.belum_rekam for p in points)))
        return out


@st.composite
def district(draw: st.DrawFn) -> list[Day]:
    """One district: a start 1 to 40 days before D, a daily rise (sometimes a negative correction),
    some days not reported (carried forward), clipped to 0 <= sudah <= wajib."""
    wajib = draw(st.integers(1_000, 200_000))
    sudah = draw(st.integers(wajib // 2, wajib))
    days = draw(st.one_of(st.integers(29, 40), st.integers(1, 40)))  # mostly long enough for a range
    typical = draw(st.integers(0, 3_000))
    out = []
    for n in range(days):
        tanggal = D - timedelta(days=days - 1 - n)
        if n:
            sudah = min(wajib, max(0, sudah + draw(st.integers(-typical // 4, typical))))
            if tanggal != D and draw(st.integers(0, 9)) == 0:
                continue  # no report that day
        out.append(Day(tanggal, sudah, wajib - sudah))
    return out


stories = st.builds(
    Story,
    districts=st.lists(district(), min_size=1, max_size=5).map(
        lambda ds: {f"52{n + 1:02d}": s for n, s in enumerate(ds)}
    ),
    target=st.integers(-5, 150).map(lambda n: D + timedelta(days=n)),
)


def forecasts(story: Story) -> tuple[Forecast, dict[str, Forecast]]:
    kabupaten = {k: forecast(s, D, story.target) for k, s in story.districts.items()}
    known = {k: f for k, f in kabupaten.items() if f is not None}
    province = province_forecast(story.province, known.values(), D, story.target)
    assert province is not None
    return province, known


def later(d: date | None) -> date:
    return LATEST if d is None else d


@settings(max_examples=300, deadline=None)
@given(stories)
def test_the_province_is_never_done_before_any_of_its_districts(story):
    province, kabupaten = forecasts(story)
    open_ = [f for f in kabupaten.values() if f.belum_rekam > 0]
    assert (province.status is Status.SELESAI) == (not open_)
    for f in open_:
        assert later(province.completion) >= later(f.completion)
    # and it is the last district's date, not a later one
    assert province.completion == (max(later(f.completion) for f in open_) if open_ else None) or (
        province.completion is None and any(f.completion is None for f in open_)
    )
    # on track only when every district is
    if province.status is Status.TERCAPAI:
        assert all(f.status in (Status.TERCAPAI, Status.SELESAI) for f in kabupaten.values())
    # what would remain at the target is nothing exactly when it finishes by the target
    if story.target > D and open_:
        finishes = province.completion is not None and province.completion <= story.target
        assert (province.left_at_target == 0) == finishes
        assert province.left_at_target == sum(
            f.left_at_target if f.left_at_target is not None else f.belum_rekam for f in open_
        )


@settings(max_examples=300, deadline=None)
@given(stories)
def test_the_province_s_range_and_chance_follow_its_districts(story):
    province, kabupaten = forecasts(story)
    open_ = [f for f in kabupaten.values() if f.belum_rekam > 0]
    band = province.band
    if band is None:
        return
    assert all(f.band is not None for f in open_)  # a range only when every open district has one
    # the range holds the forecast, and no end is before the same end of any district
    assert later(band.early) <= later(province.completion) <= later(band.late)
    for f in open_:
        assert f.band is not None
        assert later(band.early) >= later(f.band.early)
        assert later(band.late) >= later(f.band.late)
    if band.enough is None:
        assert story.target <= D
        return
    # every district's chance at least the province's: a week fast enough everywhere is fast enough
    # in each; and a province on track at the current paces had at least that one week
    assert all(f.band is not None and f.band.enough is not None for f in open_)
    assert band.enough <= min(f.band.enough for f in open_ if f.band and f.band.enough is not None)
    if province.status is Status.TERCAPAI:
        assert band.enough >= 1
    if band.enough == len(band.windows):
        assert province.status is Status.TERCAPAI


def _frame(rows: list[tuple], **schema: type[pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def macro_rows(story: Story) -> dict[tuple[str, str], dict]:
    """`prakiraan` on a warehouse holding exactly these series."""
    figures = {"sudah_rekam": pl.Int64, "belum_rekam": pl.Int64}
    kabupaten = _frame(
        [(k, f"Kabupaten {k}") for k in story.districts], kode_kabupaten=pl.String, nama=pl.String
    )
    series = _frame(
        [(p.tanggal, k, p.sudah_rekam, p.belum_rekam) for k, s in story.districts.items() for p in s],
        tanggal=pl.Date,
        kode_kabupaten=pl.String,
        **figures,
    )
    province = _frame(
        [(p.tanggal, "52", p.sudah_rekam, p.belum_rekam) for p in story.province],
        tanggal=pl.Date,
        kode_provinsi=pl.String,
        **figures,
    )
    # From frames, not row by row: DuckDB's executemany runs one statement a row (some 2,000 a
    # story, 8 of this test's 11 s).
    with duckdb.connect() as con:
        for table, frame in (
            ("wilayah_kabupaten", kabupaten),
            ("progres_kabupaten", series),
            ("progres_provinsi", province),
        ):
            con.register("baris", frame)
            con.execute(f"create table {table} as select * from baris")
            con.unregister("baris")
        con.execute(MACRO.read_text(encoding="utf-8"))
        result = con.execute("select * from prakiraan(?, ?)", [D, story.target])
        columns = [c[0] for c in result.description]
        return {(r[0], r[1]): dict(zip(columns, r, strict=True)) for r in result.fetchall()}


@settings(max_examples=40, deadline=None)
@given(stories)
def test_the_analysts_macro_gives_the_report_s_province_forecast(story):
    province, kabupaten = forecasts(story)
    rows = macro_rows(story)
    for key, f in [(("provinsi", "52"), province), *((("kabupaten", k), f) for k, f in kabupaten.items())]:
        m, band = rows[key], f.band
        assert (m["perkiraan_selesai"], m["dibutuhkan"], m["sisa_pada_target"]) == (
            f.completion,
            f.needed_pace,
            f.left_at_target,
        ), key
        assert m["laju_7_hari"] == (f.pace and f.pace.per_day), key
        assert (
            m["laju_p10"],
            m["laju_p90"],
            m["selesai_paling_cepat"],
            m["selesai_paling_lambat"],
            m["laju_cukup"],
            m["peluang_persen"],
        ) == (
            (float(band.slow), float(band.fast), band.early, band.late, band.enough, band.chance)
            if band
            else (None,) * 6
        ), key

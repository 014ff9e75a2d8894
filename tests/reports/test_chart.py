"""reports/chart.py and reports/draw.py: the report's two charts, drawn as SVG in Python. What a
reader relies on: each figure where the axes say it is, the districts in the report's order and
colours, round ticks whose labels never touch, and names from uploads shown as text."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from contract import formats
from reports import chart, data, draw, status
from tests.reports.conftest import D

TARGET = D.replace(month=12, day=31)
SVG = "{http://www.w3.org/2000/svg}"


def parsed(drawn: str) -> ET.Element:
    return ET.fromstring(drawn)  # raises on anything but well-formed XML


def find(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def figure(label: str) -> int:
    return int(label.replace(".", ""))


def y_axis(root: ET.Element) -> tuple[float, float, int]:
    """The value axis of the progress chart as drawn: the y of its lowest and its highest tick,
    and the value the highest one is labelled with."""
    ticks = sorted(float(line.get("y1")) for line in find(root, "line") if line.get("x2") == str(-draw.TICK))
    labels = [t for t in find(root, "text") if t.get("text-anchor") == "end" and (t.text or " ")[0].isdigit()]
    lowest, highest = (sorted(labels, key=lambda t: float(t.get("y")))[i] for i in (-1, 0))
    assert len(ticks) == len(labels) and lowest.text == "0"
    return ticks[-1], ticks[0], figure(highest.text)


@pytest.fixture(scope="module")
def laporan(warehouse):
    return data.load(warehouse, D, TARGET)


@pytest.mark.parametrize("draws", [chart.progress_chart, chart.district_chart], ids=["sisa", "kabupaten"])
def test_each_chart_is_one_self_contained_svg_named_for_screen_readers(laporan, draws):
    root = parsed(draws(laporan))
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root[0].tag == SVG + "title" and root[0].text.startswith("Grafik ")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert not find(root, "script") and not find(root, "image") and not find(root, "a")


def test_the_line_passes_through_each_days_figure_on_the_drawn_axis(laporan):
    root = parsed(chart.progress_chart(laporan))
    zero, top_y, top_value = y_axis(root)
    navy = next(p for p in find(root, "path") if p.get("stroke") == status.NAVY)
    points = [tuple(map(float, xy.split(","))) for xy in navy.get("d")[1:].split("L")]
    figures = [r["belum_rekam"] for r in laporan.riwayat if r["belum_rekam"] is not None]
    assert len(points) == len(figures) and points[0][0] == 0
    # each point's height against the axis's labels: 0 at the bottom, the top label at the top
    for (_, y), value in zip(points, figures, strict=True):
        assert y == pytest.approx(zero - (zero - top_y) * value / top_value, abs=0.02)
    assert top_value >= max(figures)
    # one dot a day on a short series, named on hover
    dots = find(root, "circle")
    assert len(dots) == len(figures)
    assert dots[-1].find(SVG + "title").text.endswith(f"{formats.angka(figures[-1])} belum rekam")


def test_the_projection_and_needed_path_have_their_colour_dash_and_legend(laporan):
    root = parsed(chart.progress_chart(laporan))
    strokes = {p.get("stroke"): p.get("stroke-dasharray") for p in find(root, "path")}
    assert strokes == {status.NAVY: None, status.ORANGE: "7,4", status.GREEN: "2,3"}
    # the legend: one stroke per series, same colour and dash, beside its name
    symbols = [line for line in find(root, "line") if line.get("stroke-width") == "2"]
    drawn = [(s.get("stroke"), s.get("stroke-dasharray")) for s in symbols]
    assert drawn == list(zip(chart.COLOURS, chart.DASHES, strict=True))
    names = [t.text for t in find(root, "text")]
    assert all(name in names for name in chart.legend_names(laporan))
    # both paths start at D's figure, where the line ends
    navy_end = (
        next(p for p in find(root, "path") if p.get("stroke") == status.NAVY).get("d").rsplit("L", 1)[1]
    )
    for colour in (status.ORANGE, status.GREEN):
        path = next(p for p in find(root, "path") if p.get("stroke") == colour).get("d")
        assert path[1:].split("L")[0] == navy_end


def test_the_target_rule_stands_on_the_target_date(laporan):
    root = parsed(chart.progress_chart(laporan))
    rule = next(line for line in find(root, "line") if line.get("stroke") == status.RED)
    start = laporan.riwayat[0]["tanggal"]
    end = max(TARGET, D) + timedelta(days=2)  # the time axis runs two days past the target
    assert float(rule.get("x1")) == pytest.approx(
        (TARGET - start).days / (end - start).days * chart.WIDTH, abs=0.01
    )
    assert f"Target {formats.tanggal_pendek(TARGET)}" in [t.text for t in find(root, "text")]


def test_district_bars_keep_the_reports_order_scale_and_verdict_colours(laporan):
    root = parsed(chart.district_chart(laporan))
    bars = [r for r in find(root, "rect") if r.find(SVG + "title") is not None]
    shown = [k for k in laporan.kabupaten if k["belum_rekam"] is not None]
    assert len(bars) == len(shown) >= 2
    tops = [float(b.get("y")) for b in bars]
    assert tops == sorted(tops)  # top to bottom in the report's ranking
    per_person = {
        float(b.get("width")) / k["belum_rekam"] for b, k in zip(bars, shown, strict=True) if k["belum_rekam"]
    }
    assert max(per_person) == pytest.approx(min(per_person), rel=1e-3)  # one scale for every bar
    for bar, k in zip(bars, shown, strict=True):
        verdict = status.verdict(k["prakiraan"])
        assert bar.get("fill") == verdict.colour
        assert bar.find(SVG + "title").text == (
            f"{k['nama_kabupaten']}: {formats.angka(k['belum_rekam'])} belum rekam ({verdict.label})"
        )
    legend = [t.text for t in find(root, "text")]
    assert "Pada laju 7 hari:" in legend
    assert {status.verdict(k["prakiraan"]).label for k in shown} <= set(legend)


def districts(*names: str, belum: int = 1000) -> SimpleNamespace:
    rows = [{"nama_kabupaten": n, "belum_rekam": belum - i, "prakiraan": None} for i, n in enumerate(names)]
    return SimpleNamespace(kabupaten=rows, tanggal=D)


def test_names_in_a_chart_are_text_never_markup():
    hostile = "<script>alert(1)</script> & \"Bima\" 'x'"
    drawn = chart.district_chart(districts(hostile))
    assert "<script" not in drawn and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in drawn
    texts = [t.text for t in find(parsed(drawn), "text")] + [t.text for t in find(parsed(drawn), "title")]
    assert hostile in texts  # the label, whole, and the same words in the bar's tooltip
    assert f"{hostile}: 1.000 belum rekam (Belum ada data)" in texts


def test_a_long_name_is_cut_to_fit_beside_its_bar_and_whole_in_its_tooltip():
    long = "Kabupaten " + "Panjang Sekali " * 12
    root = parsed(chart.district_chart(districts(long.strip(), "Kota Bima")))
    label = next(t.text for t in find(root, "text") if t.text and t.text.startswith("Kabupaten Panjang"))
    assert label.endswith("…") and draw.text_width(label) <= chart.NAME_LIMIT
    assert any(t.text.startswith(long.strip() + ":") for t in find(root, "title"))


def test_the_national_chart_draws_every_district_within_its_height():
    names = [f"Kabupaten {i:03d}" for i in range(514)]
    root = parsed(chart.district_chart(districts(*names, belum=90_000)))
    bars = [r for r in find(root, "rect") if r.find(SVG + "title") is not None]
    assert len(bars) == 514
    assert float(root.get("height")) > chart.ROW * 514
    assert len({float(b.get("y")) for b in bars}) == 514  # no two on the same row


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (76_800, [0, 20_000, 40_000, 60_000, 80_000]),
        (18_472, [0, 5_000, 10_000, 15_000, 20_000]),
        (62_000, [0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000]),
        (3, [0, 1, 2, 3]),  # people: never a tick between two whole numbers
        (0, [0, 1]),  # every district done: an axis still
    ],
)
def test_value_ticks_are_round_from_zero_to_the_highest_figure(highest, ticks):
    assert draw.linear_ticks(highest) == ticks


def test_value_ticks_are_one_two_or_five_times_a_power_of_ten_for_any_figure():
    for highest in [*range(0, 2_000), *range(2_000, 100_000_000, 99_991)]:
        ticks = draw.linear_ticks(highest)
        step = ticks[1] - ticks[0]
        mantissa = step / 10 ** math.floor(math.log10(step))
        assert (ticks[0] == 0 and ticks[-1] >= highest > ticks[-1] - step) or highest == 0
        assert mantissa in (1, 2, 5) and all(b - a == step for a, b in itertools.pairwise(ticks))
        assert 2 <= len(ticks) <= 11


@pytest.mark.parametrize(
    ("days", "boundary"),
    [
        (10, lambda d: True),  # every day
        (63, lambda d: d.weekday() == 6),  # Sundays
        (150, lambda d: d.day == 1),  # firsts of months
        (730, lambda d: d.day == 1 and d.month in (1, 4, 7, 10)),  # quarters
        (4000, lambda d: (d.day, d.month) == (1, 1)),  # years
    ],
)
def test_time_ticks_fall_on_round_dates(days, boundary):
    start = date(2018, 1, 1)
    ticks = draw.date_ticks(start, start + timedelta(days=days))
    assert 3 <= len(ticks) <= 20 and all(map(boundary, ticks))
    assert ticks == sorted(ticks) and start <= ticks[0] and ticks[-1] <= start + timedelta(days=days)


def test_time_axis_labels_never_touch_whatever_the_span():
    start = date(2018, 1, 1)
    for days in range(1, 1200):
        ticks = [
            ((d - start).days / days * chart.WIDTH, formats.hari_bulan(d))
            for d in draw.date_ticks(start, start + timedelta(days=days))
        ]
        shown = draw.labelled(ticks)
        assert shown and not any(draw._touch(a, b) for a, b in itertools.pairwise(shown)), days


def test_labels_too_close_are_thinned_and_the_ticks_stay():
    ticks = [(i * 10.0, "10.000.000") for i in range(10)]
    drawn = parsed(draw.svg(100, 50, "uji", [draw.bottom_axis(40, 90, ticks)]))
    assert len(find(drawn, "text")) < 10 and len(find(drawn, "line")) == 1 + 10  # the axis and every tick
    assert formats.hari_bulan(date(2018, 5, 6)) == "6 Mei"

"""The report's charts: Vega-Lite specs rendered offline to inline SVG by vl-convert (in a child
process: reports/svg.py).

The specs are plain dicts, not Altair objects: building them through Altair (its objects and the
deep copies of `to_dict`) cost ~0.2 s of a report's ~0.4 s on the demo's warehouse, in every
nightly. tests/reports/test_chart.py validates them against Vega-Lite's JSON schema."""

import re
from datetime import date, timedelta

from contract import formats
from contract.dates import BULAN, HARI
from reports import fmt, svg
from reports.forecast import Status
from reports.laporan import Laporan
from reports.status import GREEN, NAVY, ORANGE, RED, VERDICTS

FONT = "Segoe UI, Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 640
# The Vega-Lite version the specs are written against: the schema tests/reports/test_chart.py checks
# them with (informative for vl-convert, which renders with its own version).
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

# d3 locales: vl-convert ships no Indonesian one.
NUMBER_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}
TIME_LOCALE = {
    "dateTime": "%A, %e %B %Y %X",
    "date": "%d/%m/%Y",
    "time": "%H.%M.%S",
    "periods": ["AM", "PM"],
    "days": ["Minggu", *HARI[:6]],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": list(BULAN),
    "shortMonths": [b[:3] for b in BULAN],
}

SERIES = ("Realisasi", "Proyeksi laju 7 hari", "Jalur yang dibutuhkan")


def to_svg(spec: dict, prefix: str) -> str:
    """Render offline; ids get a prefix so two charts on one page never share a clip path."""
    drawn = svg.vegalite_to_svg(
        spec,
        format_locale=NUMBER_LOCALE,
        time_format_locale=TIME_LOCALE,
        allowed_base_urls=[],
    )
    drawn = re.sub(r'(\s)id="([^"]+)"', rf'\1id="{prefix}-\2"', drawn)
    return re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", drawn)


def iso(d: date) -> str:
    return d.isoformat()


def projection(laporan: Laporan) -> list[dict]:
    """The province's path from D at its 7-day pace, up to completion or the target."""
    f = laporan.prakiraan_provinsi
    if f is None or f.pace is None or f.status is Status.SELESAI or laporan.sisa_hari <= 0:
        return []
    end = min(f.completion or f.target, f.target)
    # The same rest as the page's text; a stalled or falling pace stays flat or rises.
    left = (
        f.left_at_target
        if f.left_at_target is not None
        else f.belum_rekam - f.pace.per_day * laporan.sisa_hari
    )
    left = 0 if end < f.target else left
    return [
        {"tanggal": iso(f.tanggal), "nilai": f.belum_rekam, "seri": SERIES[1]},
        {"tanggal": iso(end), "nilai": left, "seri": SERIES[1]},
    ]


def legend_names(laporan: Laporan) -> list[str]:
    """The series names, the projection's with what it leaves at the target (a label on the line
    would collide)."""
    path = projection(laporan)
    if path and path[-1]["nilai"] > 0:
        return [SERIES[0], f"{SERIES[1]} (sisa ± {formats.angka(path[-1]['nilai'])} pada target)", SERIES[2]]
    return list(SERIES)


def needed_path(laporan: Laporan) -> list[dict]:
    """The straight line from D's rest to zero on the target date."""
    f = laporan.prakiraan_provinsi
    if f is None or f.status is Status.SELESAI or laporan.sisa_hari <= 0:
        return []
    return [
        {"tanggal": iso(f.tanggal), "nilai": f.belum_rekam, "seri": SERIES[2]},
        {"tanggal": iso(f.target), "nilai": 0, "seri": SERIES[2]},
    ]


def band_area(laporan: Laporan) -> list[dict]:
    """The province's range from D to the target: belum rekam at the band's fast and slow paces, a
    day apart."""
    f = laporan.prakiraan_provinsi
    if f is None or f.band is None or laporan.sisa_hari <= 0:
        return []
    fast, slow = float(f.band.fast), max(float(f.band.slow), 0.0)
    return [
        {
            "tanggal": iso(f.tanggal + timedelta(days=t)),
            "cepat": max(0.0, f.belum_rekam - fast * t),
            "lambat": max(0.0, f.belum_rekam - slow * t),
        }
        for t in range(laporan.sisa_hari + 1)
    ]


def progress_chart(laporan: Laporan) -> str:
    """Belum rekam over time, with the projection, the needed path and the target date."""
    return to_svg(progress_spec(laporan), "grafik-sisa")


def progress_spec(laporan: Laporan) -> dict:
    actual = [
        {"tanggal": iso(r["tanggal"]), "nilai": r["belum_rekam"], "seri": SERIES[0]} for r in laporan.riwayat
    ]
    names = legend_names(laporan)
    rename = dict(zip(SERIES, names, strict=False))
    points = [{**p, "seri": rename[p["seri"]]} for p in actual + projection(laporan) + needed_path(laporan)]
    start = laporan.riwayat[0]["tanggal"]
    end = max(laporan.target, laporan.tanggal) + timedelta(days=2)
    x = {
        "axis": {"format": "%-d %b", "grid": False, "labelAngle": 0, "tickCount": 8},
        "field": "tanggal",
        "scale": {"domain": [iso(start), iso(end)]},
        "title": None,
        "type": "temporal",
    }
    y = {
        "axis": {"format": ",d", "tickCount": 5},
        "field": "nilai",
        "scale": {"zero": True},
        "title": "Belum rekam (orang)",
        "type": "quantitative",
    }
    series = {
        "data": {"values": points},
        "mark": {"type": "line", "point": False, "strokeWidth": 2.5},
        "encoding": {
            "color": {
                "field": "seri",
                "legend": {
                    "direction": "horizontal",
                    "labelLimit": 400,
                    "orient": "top",
                    "symbolType": "stroke",
                },
                "scale": {"domain": names, "range": [NAVY, ORANGE, GREEN]},
                "title": None,
                "type": "nominal",
            },
            "strokeDash": {
                "field": "seri",
                "legend": None,
                "scale": {"domain": names, "range": [[1, 0], [7, 4], [2, 3]]},
                "type": "nominal",
            },
            "x": x,
            "y": y,
        },
    }
    # Daily dots help a short series; on months of history they only thicken the line.
    dots = actual if len(actual) <= 45 else []
    marks = {
        "data": {"values": dots},
        "mark": {"type": "circle", "color": NAVY, "size": 28},
        "encoding": {"x": x, "y": y},
    }
    target = {
        "values": [
            {"tanggal": iso(laporan.target), "label": f"Target {formats.tanggal_pendek(laporan.target)}"}
        ]
    }
    on_target = {"field": "tanggal", "type": "temporal"}
    rule = {
        "data": target,
        "mark": {"type": "rule", "color": RED, "strokeDash": [4, 3], "strokeWidth": 1.5},
        "encoding": {"x": on_target},
    }
    label = {
        "data": target,
        "mark": {
            "type": "text",
            "align": "right",
            "baseline": "top",
            "color": RED,
            "dx": -4,
            "dy": 4,
            "fontWeight": "bold",
        },
        "encoding": {"text": {"field": "label", "type": "nominal"}, "x": on_target, "y": {"value": 0}},
    }
    # The range behind the lines: between the fast and the slow end of the 28-day pace band.
    bands = band_area(laporan)
    band = {
        "data": {"values": bands},
        "mark": {"type": "area", "color": ORANGE, "opacity": 0.18},
        "encoding": {
            "x": x,
            "y": {"field": "cepat", "title": "Belum rekam (orang)", "type": "quantitative"},
            "y2": {"field": "lambat"},
        },
    }
    # A layer without data draws nothing but still leaves an empty graphic without a name, which
    # a screen reader announces (axe: svg-img-alt): the band before 28 days, the dots after 45.
    layers = [*([band] if bands else []), series, *([marks] if dots else []), rule, label]
    return configure({"layer": layers, "height": 230, "width": WIDTH})


def district_chart(laporan: Laporan) -> str:
    """Belum rekam per district, coloured by whether it finishes by the target."""
    return to_svg(district_spec(laporan), "grafik-kabupaten")


def district_spec(laporan: Laporan) -> dict:
    values = [
        {"nama": k["nama_kabupaten"], "belum": k["belum_rekam"], "status": fmt.status(k["prakiraan"])}
        for k in laporan.kabupaten
        if k["belum_rekam"] is not None
    ]
    present = [v for v in VERDICTS if any(row["status"] == v.label for row in values)]
    x = {
        "axis": {"format": ",d", "tickCount": 5},
        "field": "belum",
        "title": "Belum rekam (orang)",
        "type": "quantitative",
    }
    # An explicit order: layered charts drop field sorts. The rows are already ranked.
    y = {
        "axis": {"labelLimit": 220},
        "field": "nama",
        "sort": [v["nama"] for v in values],
        "title": None,
        "type": "nominal",
    }
    bars = {
        "mark": {"type": "bar", "height": 14},
        "encoding": {
            "color": {
                "field": "status",
                "legend": {"direction": "horizontal", "orient": "top"},
                "scale": {"domain": [v.label for v in present], "range": [v.colour for v in present]},
                "title": "Pada laju 7 hari:",
                "type": "nominal",
            },
            "x": x,
            "y": y,
        },
    }
    text = {
        "mark": {"type": "text", "align": "left", "color": "#333", "dx": 4},
        "encoding": {"text": {"field": "belum", "format": ",d", "type": "quantitative"}, "x": x, "y": y},
    }
    return configure(
        {
            "layer": [bars, text],
            "data": {"values": values},
            "height": max(60, 22 * len(values)),
            "width": WIDTH - 200,
        }
    )


def configure(spec: dict) -> dict:
    """One quiet style for every chart, and the Vega-Lite version the specs are written for."""
    return {
        "config": {
            # Altair's default view size, kept so the charts are drawn as they were when Altair
            # built the specs (each chart gives its own width and height).
            "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
            "axis": {
                "gridColor": "#e6e6e6",
                "labelColor": "#333",
                "labelFontSize": 11,
                "titleColor": "#333",
                "titleFontSize": 11,
            },
            "background": "white",
            "font": FONT,
            "legend": {"labelColor": "#333", "labelFontSize": 11, "titleColor": "#333", "titleFontSize": 11},
            "padding": 6,
        },
        **spec,
        "$schema": SCHEMA,
    }

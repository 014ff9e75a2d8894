"""The report's charts: Altair specs rendered offline to inline SVG by vl-convert (in a child
process: reports/svg.py)."""

import re
from datetime import date, timedelta

import altair as alt

from contract import formats
from contract.dates import BULAN, HARI
from reports import fmt, svg
from reports.forecast import Status
from reports.laporan import Laporan
from reports.status import GREEN, NAVY, ORANGE, RED, VERDICTS

FONT = "Segoe UI, Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
WIDTH = 640

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


def to_svg(chart: alt.TopLevelMixin, prefix: str) -> str:
    """Render offline; ids get a prefix so two charts on one page never share a clip path.

    Not validated against Vega-Lite's JSON schema here (Altair's default): the specs are this
    module's, and tests/reports/test_chart.py validates them; here it cost ~0.1 s a report, more
    with every bar of the district chart."""
    drawn = svg.vegalite_to_svg(
        chart.to_dict(validate=False),
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


def progress_spec(laporan: Laporan) -> alt.TopLevelMixin:
    actual = [
        {"tanggal": iso(r["tanggal"]), "nilai": r["belum_rekam"], "seri": SERIES[0]} for r in laporan.riwayat
    ]
    names = legend_names(laporan)
    rename = dict(zip(SERIES, names, strict=False))
    points = [{**p, "seri": rename[p["seri"]]} for p in actual + projection(laporan) + needed_path(laporan)]
    start = laporan.riwayat[0]["tanggal"]
    end = max(laporan.target, laporan.tanggal) + timedelta(days=2)
    x = alt.X(
        "tanggal:T",
        title=None,
        scale=alt.Scale(domain=[iso(start), iso(end)]),
        axis=alt.Axis(format="%-d %b", labelAngle=0, tickCount=8, grid=False),
    )
    y = alt.Y(
        "nilai:Q",
        title="Belum rekam (orang)",
        scale=alt.Scale(zero=True),
        axis=alt.Axis(format=",d", tickCount=5),
    )
    series = (
        alt.Chart(alt.Data(values=points))
        .mark_line(strokeWidth=2.5, point=False)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "seri:N",
                title=None,
                scale=alt.Scale(domain=names, range=[NAVY, ORANGE, GREEN]),
                legend=alt.Legend(orient="top", direction="horizontal", symbolType="stroke", labelLimit=400),
            ),
            strokeDash=alt.StrokeDash(
                "seri:N", scale=alt.Scale(domain=names, range=[[1, 0], [7, 4], [2, 3]]), legend=None
            ),
        )
    )
    # Daily dots help a short series; on months of history they only thicken the line.
    dots = actual if len(actual) <= 45 else []
    marks = alt.Chart(alt.Data(values=dots)).mark_circle(size=28, color=NAVY).encode(x=x, y=y)
    target = alt.Data(
        values=[{"tanggal": iso(laporan.target), "label": f"Target {formats.tanggal_pendek(laporan.target)}"}]
    )
    rule = alt.Chart(target).mark_rule(color=RED, strokeWidth=1.5, strokeDash=[4, 3]).encode(x="tanggal:T")
    label = (
        alt.Chart(target)
        .mark_text(align="right", baseline="top", dx=-4, dy=4, color=RED, fontWeight="bold")
        .encode(x="tanggal:T", y=alt.value(0), text="label:N")
    )
    # The range behind the lines: between the fast and the slow end of the 28-day pace band.
    bands = band_area(laporan)
    band = (
        alt.Chart(alt.Data(values=bands))
        .mark_area(color=ORANGE, opacity=0.18)
        .encode(x=x, y=alt.Y("cepat:Q", title="Belum rekam (orang)"), y2="lambat:Q")
    )
    # A layer without data draws nothing but still leaves an empty graphic without a name, which
    # a screen reader announces (axe: svg-img-alt): the band before 28 days, the dots after 45.
    layers = [*([band] if bands else []), series, *([marks] if dots else []), rule, label]
    chart = alt.layer(*layers).properties(width=WIDTH, height=230)
    return configure(chart)


def district_chart(laporan: Laporan) -> str:
    """Belum rekam per district, coloured by whether it finishes by the target."""
    return to_svg(district_spec(laporan), "grafik-kabupaten")


def district_spec(laporan: Laporan) -> alt.TopLevelMixin:
    values = [
        {"nama": k["nama_kabupaten"], "belum": k["belum_rekam"], "status": fmt.status(k["prakiraan"])}
        for k in laporan.kabupaten
        if k["belum_rekam"] is not None
    ]
    present = [v for v in VERDICTS if any(row["status"] == v.label for row in values)]
    base = alt.Chart(alt.Data(values=values)).encode(
        # An explicit order: layered charts drop field sorts. The rows are already ranked.
        y=alt.Y("nama:N", title=None, sort=[v["nama"] for v in values], axis=alt.Axis(labelLimit=220)),
        x=alt.X("belum:Q", title="Belum rekam (orang)", axis=alt.Axis(format=",d", tickCount=5)),
    )
    bars = base.mark_bar(height=14).encode(
        color=alt.Color(
            "status:N",
            title="Pada laju 7 hari:",
            scale=alt.Scale(domain=[v.label for v in present], range=[v.colour for v in present]),
            legend=alt.Legend(orient="top", direction="horizontal"),
        ),
    )
    text = base.mark_text(align="left", dx=4, color="#333").encode(text=alt.Text("belum:Q", format=",d"))
    chart = alt.layer(bars, text).properties(width=WIDTH - 200, height=max(60, 22 * len(values)))
    return configure(chart)


def configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """One quiet style for every chart."""
    return (
        chart.configure(font=FONT, background="white", padding=6)
        .configure_view(stroke=None)
        .configure_axis(
            labelColor="#333", titleColor="#333", gridColor="#e6e6e6", labelFontSize=11, titleFontSize=11
        )
        .configure_legend(labelFontSize=11, titleFontSize=11, labelColor="#333", titleColor="#333")
    )

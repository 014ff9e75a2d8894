"""The report's two charts, drawn as inline SVG (reports/draw.py): the province's rest over time
with its projection, the needed path and the target, and each district's rest coloured by its
verdict."""

from datetime import date, timedelta

from contract import formats
from reports import draw, status
from reports.forecast import Status
from reports.laporan import Laporan
from reports.status import GREEN, NAVY, ORANGE, RED, VERDICTS

WIDTH = 640  # the progress chart's plot; the district chart's is 200 px narrower, for the names
SERIES = ("Realisasi", "Proyeksi laju 7 hari", "Jalur yang dibutuhkan")
COLOURS = (NAVY, ORANGE, GREEN)
DASHES = (None, "7,4", "2,3")
Y_TITLE = "Belum rekam (orang)"
LEGEND_GAP = 18  # between a legend and the plot
DOTS_UP_TO = 45  # daily dots help a short series; on months of history they only thicken the line
NAME_LIMIT = 220  # a district's name beside its bar, cut beyond this width
ROW = 22  # a district's row; its bar is 14 px high
BAR = 14


# A line's points: (date, belum rekam).
Points = list[tuple[date, float]]


def projection(laporan: Laporan) -> Points:
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
    return [(f.tanggal, f.belum_rekam), (end, left)]


def legend_names(laporan: Laporan) -> list[str]:
    """The series names, the projection's with what it leaves at the target (a label on the line
    would collide)."""
    path = projection(laporan)
    if path and path[-1][1] > 0:
        return [SERIES[0], f"{SERIES[1]} (sisa ± {formats.angka(path[-1][1])} pada target)", SERIES[2]]
    return list(SERIES)


def needed_path(laporan: Laporan) -> Points:
    """The straight line from D's rest to zero on the target date."""
    f = laporan.prakiraan_provinsi
    if f is None or f.status is Status.SELESAI or laporan.sisa_hari <= 0:
        return []
    return [(f.tanggal, f.belum_rekam), (f.target, 0)]


def band_area(laporan: Laporan) -> list[tuple[date, float, float]]:
    """The province's range from D to the target: (date, belum rekam at the band's fast pace, at
    its slow pace), a day apart."""
    f = laporan.prakiraan_provinsi
    if f is None or f.band is None or laporan.sisa_hari <= 0:
        return []
    fast, slow = float(f.band.fast), max(float(f.band.slow), 0.0)
    return [
        (
            f.tanggal + timedelta(days=t),
            max(0.0, f.belum_rekam - fast * t),
            max(0.0, f.belum_rekam - slow * t),
        )
        for t in range(laporan.sisa_hari + 1)
    ]


def progress_chart(laporan: Laporan) -> str:
    """Belum rekam over time, with the projection and its range, the needed path and the target."""
    actual = [(r["tanggal"], r["belum_rekam"]) for r in laporan.riwayat if r["belum_rekam"] is not None]
    lines = (actual, projection(laporan), needed_path(laporan))
    bands = band_area(laporan)
    start = laporan.riwayat[0]["tanggal"] if laporan.riwayat else laporan.tanggal
    end = max(laporan.target, laporan.tanggal) + timedelta(days=2)
    highest = max([v for line in lines for _, v in line] + [fast for _, fast, _ in bands], default=0)
    counts = draw.linear_ticks(highest)
    width, height, span = WIDTH, 230, max((end - start).days, 1)

    def x(day: date) -> float:
        return (day - start).days / span * width

    def y(value: float) -> float:
        return height - value / counts[-1] * height

    def at(day: date, value: float) -> str:
        return f"{draw.num(x(day))},{draw.num(y(value))}"

    y_ticks = [(y(c), formats.angka(c)) for c in counts]
    parts = [draw.rules(y_ticks, (0, width), across=True, stroke=draw.GRID)]
    if bands:
        ends = [(d, fast) for d, fast, _ in bands] + [(d, slow) for d, _, slow in reversed(bands)]
        area = {"points": " ".join(at(d, v) for d, v in ends), "fill": ORANGE, "opacity": 0.18}
        parts.append(draw.element("polygon", area))
    for line, colour, dash in zip(lines, COLOURS, DASHES, strict=True):
        if line:
            style = {
                "stroke": colour,
                "stroke-width": 2.5,
                "stroke-dasharray": dash,
                "stroke-linejoin": "round",
            }
            path = "M" + "L".join(at(d, v) for d, v in line)
            parts.append(draw.element("path", {"d": path, "fill": "none", **style}))
    if len(actual) <= DOTS_UP_TO:
        parts.extend(_dot(x(d), y(v), d, v) for d, v in actual)
    if start <= laporan.target <= end:
        parts.append(_target(laporan.target, x(laporan.target), height))
    x_ticks = [(x(d), formats.hari_bulan(d)) for d in draw.date_ticks(start, end)]
    parts.append(draw.bottom_axis(height, width, x_ticks))
    parts.append(draw.left_axis(height, y_ticks, Y_TITLE))
    entries = list(zip(legend_names(laporan), COLOURS, DASHES, strict=True))
    legend = draw.Legend(entries, stroke=True)
    left, right = draw.bottom_axis_overhang(width, x_ticks)
    beside = (max(left, draw.left_axis_width(y_ticks, Y_TITLE)), width + right)
    return _drawn(progress_title(laporan, start), parts, legend, *beside, height + draw.BOTTOM_AXIS_HEIGHT)


def progress_title(laporan: Laporan, start: date) -> str:
    """What the progress chart shows, for a screen reader (its `<title>`)."""
    title = (
        f"Grafik sisa wajib KTP yang belum rekam, {formats.tanggal_pendek(start)} sampai "
        f"{formats.tanggal_pendek(laporan.tanggal)}"
    )
    f = laporan.prakiraan_provinsi
    return title if f is None else f"{title}: {formats.angka(f.belum_rekam)} orang pada tanggal laporan"


def district_chart(laporan: Laporan) -> str:
    """Belum rekam per district, coloured by whether it finishes by the target, in the report's
    order (ranked by belum rekam)."""
    rows = [
        (k["nama_kabupaten"], k["belum_rekam"], status.verdict(k["prakiraan"]))
        for k in laporan.kabupaten
        if k["belum_rekam"] is not None
    ]
    counts = draw.linear_ticks(max((value for _, value, _ in rows), default=0))
    width, height = WIDTH - 200, max(60, ROW * len(rows))
    row = height / max(len(rows), 1)

    def across(value: float) -> float:
        return value / counts[-1] * width

    x_ticks = [(across(c), formats.angka(c)) for c in counts]
    y_ticks = [(row * (i + 0.5), draw.truncate(name, NAME_LIMIT)) for i, (name, _, _) in enumerate(rows)]
    parts = [draw.rules(x_ticks, (0, height), across=False, stroke=draw.GRID)]
    overhang = 0.0
    for (middle, _), (name, value, verdict) in zip(y_ticks, rows, strict=True):
        label = formats.angka(value)
        tip = draw.tip(f"{name}: {label} belum rekam ({verdict.label})")
        box = {"x": 0, "y": draw.num(middle - BAR / 2), "width": draw.num(across(value)), "height": BAR}
        parts.append(draw.element("rect", {**box, "fill": verdict.colour}, tip))
        parts.append(draw.text(across(value) + 4, middle + draw.FONT_SIZE * 0.35, label))
        overhang = max(overhang, across(value) + 4 + draw.text_width(label) - width)
    parts.append(draw.bottom_axis(height, width, x_ticks, Y_TITLE))
    parts.append(draw.left_axis(height, y_ticks))
    present = [v for v in VERDICTS if any(verdict == v for _, _, verdict in rows)]
    legend = draw.Legend([(v.label, v.colour, None) for v in present], title="Pada laju 7 hari:")
    title = f"Grafik sisa belum rekam per kabupaten/kota pada {formats.tanggal_pendek(laporan.tanggal)}"
    below = height + draw.BOTTOM_AXIS_HEIGHT + draw.BOTTOM_TITLE_HEIGHT
    left, right = draw.bottom_axis_overhang(width, x_ticks)
    beside = (max(left, draw.left_axis_width(y_ticks)), width + max(overhang, right))
    return _drawn(title, parts, legend, *beside, below)


def _dot(x: float, y: float, day: date, value: float) -> str:
    """A day's figure on the line, named on hover."""
    tip = f"{formats.tanggal_pendek(day)}: {formats.angka(value)} belum rekam"
    circle = {"cx": draw.num(x), "cy": draw.num(y), "r": 2.65, "fill": NAVY, "opacity": 0.7}
    return draw.element("circle", circle, draw.tip(tip))


def _target(target: date, x: float, height: float) -> str:
    """The target date: a dashed rule across the plot, its label at the top left of it."""
    rule = {"x1": draw.num(x), "x2": draw.num(x), "y1": 0, "y2": draw.num(height), "stroke": RED}
    dashed = {"stroke-width": 1.5, "stroke-dasharray": "4,3"}
    label = draw.text(
        x - 4, 4 + draw.FONT_SIZE, f"Target {formats.tanggal_pendek(target)}", "end", bold=True, fill=RED
    )
    return draw.element("line", {**rule, **dashed}) + label


def _drawn(title: str, parts: list[str], legend: draw.Legend, left: float, right: float, below: float) -> str:
    """The chart: the legend above the plot, `left` and `right` of its origin, `below` its top."""
    legend_height, legend_markup = legend.laid_out(right)
    top = draw.PADDING + legend_height + LEGEND_GAP
    plot = draw.group(
        draw.PADDING + left, top, [*parts, draw.group(0, -legend_height - LEGEND_GAP, [legend_markup])]
    )
    return draw.svg(2 * draw.PADDING + left + right, top + below + draw.PADDING, title, [plot])

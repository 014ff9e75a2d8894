"""SVG primitives for the report's two charts: round ticks, text widths, escaped elements.

The charts are drawn here in Python rather than by a charting engine: a few hundred elements at
national scale (514 bars), in milliseconds, in the run's own process. vl-convert (Vega in V8)
took 43-62 ms a chart on NTB and 8-17 s for the national district chart, holding the GIL, in a
child process of ~90 MB that every process drawing a report started (~1 s of CPU each)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from html import escape

FONT = "Segoe UI, Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 11
INK = "#333"  # labels and titles
AXIS = "#888"  # axis lines and ticks
GRID = "#e6e6e6"
PADDING = 6  # around the whole chart
TICK = 5  # an axis tick's length
LABEL_GAP = 7  # from the axis line to a label's edge

# Helvetica's advance widths (per 1,000 of the font size) for printable ASCII, from its AFM file,
# times `_WIDER`: the widest font of FONT's list, DejaVu Sans, runs 10-15% wider (its digits 0.636
# of the size against 0.556), and a label estimated too narrow would overlap its neighbour or be
# cut at the chart's edge. Other characters: a digit's width.
_CHARACTERS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)
_ADVANCES = """
278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278
556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556
1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778
667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556
333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556
556 556 333 500 278 556 500 722 500 500 500 334 260 334 584
"""
_WIDTHS = dict(zip(_CHARACTERS, map(int, _ADVANCES.split()), strict=True))
_WIDER = 1.15


def text_width(text: str) -> float:
    """The width of a label of FONT_SIZE in pixels, estimated from Helvetica's metrics."""
    return sum(_WIDTHS.get(c, 556) for c in text) * FONT_SIZE / 1000 * _WIDER


def truncate(text: str, limit: float) -> str:
    """`text`, cut with an ellipsis to fit `limit` pixels (a district's name beside its bar)."""
    if text_width(text) <= limit:
        return text
    while text and text_width(text + "…") > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def num(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def element(tag: str, attrs: Mapping[str, object], content: str = "") -> str:
    """`<tag attrs>content</tag>`; attribute values escaped here, `content` already markup."""
    written = "".join(f' {k}="{escape(str(v), quote=True)}"' for k, v in attrs.items() if v is not None)
    return f"<{tag}{written}>{content}</{tag}>" if content else f"<{tag}{written}/>"


def text(
    x: float, y: float, words: str, anchor: str = "start", bold: bool = False, fill: str = INK, **more
) -> str:
    """A label; its words escaped (district names come from uploads)."""
    attrs = {
        "x": num(x),
        "y": num(y),
        "text-anchor": anchor,
        "font-weight": "bold" if bold else None,
        "fill": fill,
        **more,
    }
    return element("text", attrs, escape(words, quote=False))


def tip(words: str) -> str:
    """A mark's `<title>`: what a browser shows when the pointer rests on it."""
    return element("title", {}, escape(words, quote=False))


def group(x: float, y: float, parts: Iterable[str], **attrs) -> str:
    return element("g", {"transform": f"translate({num(x)},{num(y)})", **attrs}, "".join(parts))


def svg(width: float, height: float, title: str, parts: Iterable[str]) -> str:
    """The chart: a fixed-size drawing that scales with the page, named for screen readers by its
    `<title>` (the page's tables hold the same figures)."""
    w, h = math.ceil(width), math.ceil(height)
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "width": w,
        "height": h,
        "viewBox": f"0 0 {w} {h}",
        "role": "img",
        "font-family": FONT,
        "font-size": f"{FONT_SIZE}px",
    }
    body = tip(title) + element("rect", {"width": w, "height": h, "fill": "white"})
    return element("svg", attrs, body + "".join(parts))


def linear_ticks(maximum: float, count: int = 5) -> list[int]:
    """Round ticks from 0 to `maximum` or just past it, about `count` steps of 1, 2 or 5 times a
    power of ten (d3's rule), never less than 1 (the charts count people)."""
    highest = max(float(maximum), 1.0)
    step = _step(highest, count)
    step = _step(math.ceil(highest / step) * step, count)  # the rounded-up top may ask more (d3's `nice`)
    return [i * step for i in range(math.ceil(highest / step) + 1)]


def _step(top: float, count: int) -> int:
    rough = top / count
    power = 10 ** math.floor(math.log10(rough))
    error = rough / power
    factor = (
        10 if error >= math.sqrt(50) else 5 if error >= math.sqrt(10) else 2 if error >= math.sqrt(2) else 1
    )
    return max(1, round(factor * power))


# Tick intervals a time axis chooses from (d3's days, weeks, months and years), in days.
_INTERVALS = (("hari", 1), ("2 hari", 2), ("pekan", 7), ("bulan", 30.4), ("3 bulan", 91.3), ("tahun", 365.2))


def date_ticks(start: date, end: date, count: int = 8) -> list[date]:
    """The dates of about `count` ticks from `start` to `end`, on d3's boundaries: every day or
    second day, Sundays, firsts of months, of quarters or of years."""
    target = max((end - start).days, 1) / count
    durations = [d for _, d in _INTERVALS]
    i = next((k for k, d in enumerate(durations) if d > target), len(durations))
    if i == len(durations):
        name = "tahun"
    elif i == 0:
        name = "hari"
    else:
        name = _INTERVALS[i - 1 if target / durations[i - 1] < durations[i] / target else i][0]
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [d for d in days if _on_boundary(d, name)]


def _on_boundary(d: date, interval: str) -> bool:
    match interval:
        case "hari":
            return True
        case "2 hari":
            return (d.day - 1) % 2 == 0 and d.day < 31  # d3: days 1, 3, ..., 29 of each month
        case "pekan":
            return d.weekday() == 6  # Sunday
        case "bulan":
            return d.day == 1
        case "3 bulan":
            return d.day == 1 and d.month in (1, 4, 7, 10)
        case _:
            return d.day == 1 and d.month == 1


def rules(ticks: Iterable[tuple[float, str]], span: tuple[float, float], across: bool, stroke: str) -> str:
    """A line at each tick, from `span[0]` to `span[1]`: across the chart (at a height) or up and
    down (at an x). An axis's tick marks, and the grid at a value axis's ticks."""
    a, b = num(span[0]), num(span[1])
    if across:
        lines = (element("line", {"x1": a, "x2": b, "y1": num(p), "y2": num(p)}) for p, _ in ticks)
    else:
        lines = (element("line", {"x1": num(p), "x2": num(p), "y1": a, "y2": b}) for p, _ in ticks)
    return element("g", {"stroke": stroke}, "".join(lines))


def bottom_axis(at: float, width: float, ticks: list[tuple[float, str]], title: str | None = None) -> str:
    """A horizontal axis at `at`: its line, ticks, labels centred under them, and a bold title
    under those."""
    parts = [
        element("line", {"x1": 0, "x2": num(width), "y1": 0, "y2": 0, "stroke": AXIS}),
        rules(ticks, (0, TICK), across=False, stroke=AXIS),
    ]
    parts.extend(text(position, TICK + FONT_SIZE, label, "middle") for position, label in labelled(ticks))
    if title:
        parts.append(text(width / 2, TICK + 2 * FONT_SIZE + 6, title, "middle", bold=True))
    return group(0, at, parts)


def left_axis(height: float, ticks: list[tuple[float, str]], title: str | None = None) -> str:
    """A vertical axis at the plot's left edge: its line, ticks, labels ending `LABEL_GAP` from
    it, and a title turned upright beyond the widest label."""
    parts = [
        element("line", {"x1": 0, "x2": 0, "y1": 0, "y2": num(height), "stroke": AXIS}),
        rules(ticks, (0, -TICK), across=True, stroke=AXIS),
    ]
    parts.extend(text(-LABEL_GAP, position + FONT_SIZE * 0.35, label, "end") for position, label in ticks)
    if title:
        across = -(left_axis_width(ticks) + 6)
        parts.append(
            text(
                0,
                0,
                title,
                "middle",
                bold=True,
                transform=f"translate({num(across)},{num(height / 2)}) rotate(-90)",
            )
        )
    return element("g", {}, "".join(parts))


def labelled(ticks: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Every tick, or every second, fourth, ... where neighbouring labels would touch (Vega's
    `parity` rule): the marks stay, the labels thin out."""
    every = 1
    while any(_touch(a, b) for a, b in zip(ticks[::every], ticks[every::every], strict=False)):
        every *= 2
    return ticks[::every]


def _touch(a: tuple[float, str], b: tuple[float, str]) -> bool:
    return b[0] - a[0] < (text_width(a[1]) + text_width(b[1])) / 2 + 4


def bottom_axis_overhang(width: float, ticks: list[tuple[float, str]]) -> tuple[float, float]:
    """How far `bottom_axis`'s labels (those it keeps) reach left of the plot and right of it."""
    shown = labelled(ticks)
    left = max((text_width(label) / 2 - position for position, label in shown), default=0)
    right = max((position + text_width(label) / 2 - width for position, label in shown), default=0)
    return max(left, 0), max(right, 0)


def left_axis_width(ticks: list[tuple[float, str]], title: str | None = None) -> float:
    """What `left_axis` draws left of the plot."""
    widest = max((text_width(label) for _, label in ticks), default=0)
    return LABEL_GAP + widest + (6 + FONT_SIZE if title else 0)


BOTTOM_AXIS_HEIGHT = TICK + FONT_SIZE + 4  # ticks and labels
BOTTOM_TITLE_HEIGHT = FONT_SIZE + 6


class Legend:
    """A horizontal legend above a plot: an optional bold title, then its entries left to right,
    wrapping to a new row where the plot's width ends. An entry is a label, a colour and a dash
    pattern: a stroke for a series (`stroke=True`), a square for a category."""

    ROW = 16
    GAP = 12  # between two entries

    def __init__(
        self, entries: list[tuple[str, str, str | None]], title: str | None = None, stroke: bool = False
    ):
        self.entries, self.title, self.stroke = entries, title, stroke

    def laid_out(self, room: float) -> tuple[float, str]:
        """The legend's height and its markup, its top at 0."""
        parts, y = [], 0.0
        if self.title:
            parts.append(text(0, FONT_SIZE * 0.8, self.title, bold=True))
            y += self.ROW
        x = 0.0
        for label, colour, dash in self.entries:
            width = 16 + text_width(label)
            if x > 0 and x + width > room:
                x, y = 0.0, y + self.ROW
            parts.append(group(x, y, [self._symbol(colour, dash), text(16, FONT_SIZE * 0.8, label)]))
            x += width + self.GAP
        height = y + FONT_SIZE if self.entries else max(y - self.ROW + FONT_SIZE, 0)
        return height, "".join(parts)

    def _symbol(self, colour: str, dash: str | None) -> str:
        if self.stroke:
            attrs = {
                "x1": 1,
                "x2": 11,
                "y1": 6,
                "y2": 6,
                "stroke": colour,
                "stroke-width": 2,
                "stroke-dasharray": dash,
            }
            return element("line", attrs)
        return element("rect", {"x": 1, "y": 1, "width": 10, "height": 10, "fill": colour})

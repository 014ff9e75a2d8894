"""The self-contained HTML page: one Jinja2 template and a partial per section (templates/bagian/,
in the order of reports/sections.py), inline CSS and SVG, everything escaped. A partial sees the
report as `l`, its headline figures as `p` and forecast as `f`, and the charts."""

from functools import cache
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from contract import formats
from reports import chart, fmt, jinja, sections, status
from reports.forecast import Forecast
from reports.laporan import Laporan

TEMPLATES = Path(__file__).parent / "templates"


def badge(f: Forecast | None) -> Markup:
    """The status as a coloured label; Markup.format escapes the text."""
    v = status.verdict(f)
    return Markup('<span class="tanda {}">{}</span>').format(v.warna, v.label)


def data_badge(value: str | None) -> Markup:
    """A district's figures for D marked `sementara`, `disetujui` or `dikunci` (CONTRACT §5), the
    word as the contract spells it; a dash for a district with no figures for D."""
    if value is None:
        return Markup("–")
    return Markup('<span class="tanda {}">{}</span>').format(status.BY_DATA_STATUS[value].warna, value)


def colour(f: Forecast) -> str:
    """The page's colour class of a forecast's status (the province's verdict box)."""
    return status.BY_FORECAST[f.status].warna


@cache
def environment() -> Environment:
    """The report's templates with their filters, compiled at the first report (reports.jinja)."""
    return jinja.environment(
        TEMPLATES,
        desimal=formats.desimal,
        laju=fmt.laju,
        selesai=fmt.selesai,
        dibutuhkan=fmt.dibutuhkan,
        rentang_laju=fmt.rentang_laju,
        rentang_selesai=fmt.rentang_selesai,
        peluang=fmt.peluang,
        tanda=badge,
        status_data=data_badge,
        warna=colour,
    )


def page(laporan: Laporan) -> str:
    """The page for one report."""
    return (
        environment()
        .get_template("laporan.html.j2")
        .render(
            l=laporan,
            partials=sections.PARTIALS,
            status_data=status.DATA_STATUSES,
            # Trusted markup: reports/draw.py escapes every word it writes (tests/reports/test_chart.py).
            grafik_sisa=Markup(chart.progress_chart(laporan)),
            grafik_kabupaten=Markup(chart.district_chart(laporan)),
        )
    )

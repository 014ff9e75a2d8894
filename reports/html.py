"""The self-contained HTML page: one Jinja2 template, inline CSS and SVG, everything escaped."""

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from contract import formats
from reports import chart, fmt
from reports.data import Laporan
from reports.forecast import Forecast

TEMPLATES = Path(__file__).parent / "templates"

BADGE_CLASS = {
    "Selesai": "hijau",
    "Sesuai target": "hijau",
    "Tidak tercapai": "merah",
}


def badge(f: Forecast | None) -> Markup:
    """The status as a coloured label; Markup.format escapes the text."""
    label = fmt.status(f)
    return Markup('<span class="tanda {}">{}</span>').format(BADGE_CLASS.get(label, "abu"), label)


@cache
def environment() -> Environment:
    """Autoescaping everywhere: names and reasons come from district files."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        angka=formats.angka,
        desimal=formats.desimal,
        persen=formats.persen,
        tanggal=formats.tanggal,
        tanggal_pendek=formats.tanggal_pendek,
        hari_tanggal=formats.hari_tanggal,
        waktu=formats.waktu,
        laju=fmt.laju,
        selesai=fmt.selesai,
        dibutuhkan=fmt.dibutuhkan,
        rentang_laju=fmt.rentang_laju,
        rentang_selesai=fmt.rentang_selesai,
        peluang=fmt.peluang,
        tanda=badge,
    )
    return env


def render(laporan: Laporan) -> str:
    """The page for one report."""
    return (
        environment()
        .get_template("laporan.html.j2")
        .render(
            l=laporan,
            # Trusted markup: vl-convert escapes every label it draws (see test_chart_labels_are_escaped).
            grafik_sisa=Markup(chart.progress_chart(laporan)),
            grafik_kabupaten=Markup(chart.district_chart(laporan)),
        )
    )

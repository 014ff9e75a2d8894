"""Figures as known on a date: nightly, report; a late correction arrives; nightly again; the
report `--as-known-on` the first run reproduces the first report's tables exactly."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from contract import formats
from contract.dates import WITA
from ektp import app, cli
from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, row, run_settings, write

D1, D2 = date(2018, 4, 1), date(2018, 4, 2)
# Files of three days before D1, so the first report has a 7-day pace, kecamatan series and a scorecard.
DAYS = [D1 - timedelta(days=n) for n in range(3, 0, -1)] + [D1]


class Tables(HTMLParser):
    """The text of every table of the page, cell by cell, and nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, text):
        if self.cell is not None:
            self.cell += text


def tables_of(html: Path) -> list:
    parser = Tables()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.tables


def sheets_of(xlsx: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows; the summary's "as known on" row (only in a rebuilt report) left out."""
    book = openpyxl.load_workbook(xlsx)
    return {
        ws.title: [r for r in ws.iter_rows(values_only=True) if r[0] != "Sebagaimana diketahui pada"]
        for ws in book.worksheets
    }


@pytest.fixture(scope="module")
def story(tmp_path_factory, prefect_server):
    base = tmp_path_factory.mktemp("diketahui")
    landing, wh = base / "landing", base / "gudang" / "ektp.duckdb"
    for d in DAYS:
        evening = datetime.combine(d, time(17), tzinfo=WITA)
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10, when=evening)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20, when=evening)
    # The first run's clock two minutes back: the end of its minute has passed, so a test can ask
    # for it (a moment in the future is refused) without waiting for the clock.
    earlier = datetime.now(WITA) - timedelta(minutes=2)
    first = nightly(tanggal=D1, settings=run_settings(landing, wh, now=earlier))
    first_report = [Path(p) for p in first["laporan"]]
    # The first report, kept as it was sent.
    kept = base / "pertama"
    kept.mkdir()
    first_report = [p.rename(kept / p.name) for p in first_report]
    # Two days later Kota Bima corrects 1 April (527201 had 700 fewer recorded), and D2 arrives.
    lines = [
        row(D1, k, 10_000 + 100 * i, 5_000 + i - (700 if i == 0 else 0)) for i, k in enumerate(KOTA_BIMA)
    ]
    write(
        landing,
        "5272",
        "lap_2018-04-01 revisi.csv",
        lines,
        datetime.combine(D1 + timedelta(days=2), time(9), tzinfo=WITA),
    )
    day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10)
    second = nightly(tanggal=D2, settings=run_settings(landing, wh))
    return base, landing, wh, first, first_report, second


def report_as_known_on(story, when: str, out: Path) -> tuple[Path, Path]:
    _, landing, wh, *_ = story
    assert (
        cli.main(
            [
                "report",
                "--date",
                D1.isoformat(),
                "--as-known-on",
                when,
                "--out",
                str(out),
                "--landing",
                str(landing),
                "--warehouse",
                str(wh),
            ]
        )
        == 0
    )
    html, xlsx = sorted(out.glob("laporan-ektp-2018-04-01-diketahui-*"))
    return html, xlsx


def test_the_correction_changed_the_figures_of_the_first_day(story):
    _, _, wh, *_ = story
    assert one(
        wh, "select file_sumber from progres_kecamatan where kode_kecamatan = '527201' and tanggal = ?", [D1]
    ) == [("5272/lap_2018-04-01 revisi.csv",)]


def test_as_known_on_the_first_run_reproduces_the_first_report(story, tmp_path):
    _, _, _, first, (first_html, first_xlsx), _ = story
    html, xlsx = report_as_known_on(story, first["run_id"], tmp_path)
    # every sheet and every table of the page, cell for cell; today's report differs (the correction)
    assert sheets_of(xlsx) == sheets_of(first_xlsx)
    assert tables_of(html) == tables_of(first_html)
    # the whole page too, chart and text, but for the notice that it was rebuilt
    text = html.read_text(encoding="utf-8")
    notice = re.search(r'<div class="rekonstruksi".*?</div>\n', text, re.DOTALL)
    assert notice and text.replace(notice.group(0), "") == first_html.read_text(encoding="utf-8")
    today = tmp_path / "hari_ini"
    assert (
        cli.main(
            [
                "report",
                "--date",
                D1.isoformat(),
                "--out",
                str(today),
                "--landing",
                str(story[1]),
                "--warehouse",
                str(story[2]),
            ]
        )
        == 0
    )
    assert sheets_of(today / "laporan-ektp-2018-04-01.xlsx") != sheets_of(first_xlsx)
    # the rebuilt report says what it is
    text = html.read_text(encoding="utf-8")
    assert "Rekonstruksi." in text and "sebagaimana diketahui pada" in text
    assert "Rekonstruksi." not in first_html.read_text(encoding="utf-8")


def test_a_time_to_the_second_names_the_moment_after_its_run(story, tmp_path):
    # A time means the end of what it names: the second of the first run's decisions includes them.
    # (The report shows minutes; nightly runs are a day apart, but this test's runs share a minute.)
    _, _, wh, first, (_, first_xlsx), _ = story
    decided = one(
        wh, "select max(berlaku_sejak) from riwayat_unggahan where dicatat_oleh = ?", [first["run_id"]]
    )[0][0]
    _, xlsx = report_as_known_on(story, decided.astimezone(WITA).strftime("%Y-%m-%dT%H:%M:%S"), tmp_path)
    assert sheets_of(xlsx) == sheets_of(first_xlsx)


def test_a_time_means_the_end_of_what_it_names():
    assert app.known_on("2018-04-13") == datetime(2018, 4, 13, 23, 59, 59, 999_999, tzinfo=WITA)
    assert app.known_on("2018-04-13T02:05") == datetime(2018, 4, 13, 2, 5, 59, 999_999, tzinfo=WITA)
    assert app.known_on("2018-04-13T02:05:33") == datetime(2018, 4, 13, 2, 5, 33, 999_999, tzinfo=WITA)
    assert app.known_on("2018-04-12T18:05:33.250000+00:00") == datetime(
        2018, 4, 13, 2, 5, 33, 250_000, tzinfo=WITA
    )
    assert app.known_on("2018-04-12T18:05Z") == datetime(2018, 4, 13, 2, 5, 59, 999_999, tzinfo=WITA)
    assert app.known_on("20180412T180533Z-1a2b3c") == "20180412T180533Z-1a2b3c"  # a run id
    with pytest.raises(Exception, match="bukan waktu"):
        app.known_on("kemarin")


def test_a_moment_before_anything_was_decided_is_a_clear_error(story, capsys):
    base, landing, wh, *_ = story
    code = cli.main(
        [
            "report",
            "--date",
            D1.isoformat(),
            "--as-known-on",
            "2018-04-01",
            "--out",
            str(base / "x"),
            "--landing",
            str(landing),
            "--warehouse",
            str(wh),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("ektp: galat: ") and "riwayat keputusan" in err, err


def test_the_rebuilt_report_names_its_moment(story, tmp_path):
    _, _, wh, first, *_ = story
    decided = one(
        wh, "select max(berlaku_sejak) from riwayat_unggahan where dicatat_oleh = ?", [first["run_id"]]
    )[0][0]
    html, xlsx = report_as_known_on(story, first["run_id"], tmp_path)
    assert html.name == f"laporan-ektp-2018-04-01-diketahui-{decided.astimezone(WITA):%Y%m%dT%H%M%S}.html"
    summary = {r[0].value: r[1].value for r in openpyxl.load_workbook(xlsx)["Ringkasan"].iter_rows(min_row=2)}
    # one moment, in the same words on the page and in the workbook
    assert summary["Sebagaimana diketahui pada"] == formats.waktu(decided)
    assert f"sebagaimana diketahui pada <strong>{formats.waktu(decided)}</strong>" in html.read_text("utf-8")


def test_the_end_of_a_minute_is_the_same_moment_on_the_page_and_in_the_workbook(story, tmp_path):
    # HH:MM means HH:MM:59.999999 WITA: a time cell would show the next minute in a spreadsheet
    _, _, wh, first, *_ = story
    decided = one(
        wh, "select max(berlaku_sejak) from riwayat_unggahan where dicatat_oleh = ?", [first["run_id"]]
    )[0][0]
    minute = decided.astimezone(WITA).replace(second=0, microsecond=0)
    end = minute + timedelta(minutes=1, microseconds=-1)
    assert end < datetime.now(WITA)  # the story's first run is two minutes back (see `story`)
    html, xlsx = report_as_known_on(story, minute.strftime("%Y-%m-%dT%H:%M"), tmp_path)
    assert html.name.endswith(f"-diketahui-{end:%Y%m%dT%H%M%S}.html")
    summary = {r[0].value: r[1].value for r in openpyxl.load_workbook(xlsx)["Ringkasan"].iter_rows(min_row=2)}
    assert summary["Sebagaimana diketahui pada"] == formats.waktu(end) == formats.waktu(minute)
    assert f"<strong>{formats.waktu(end)}</strong>" in html.read_text("utf-8")

"""The report's decision sections on a warehouse the real pipeline built from 35 days of uploads:
the HTML page and the workbook agree on every new number (range, mobile-service targets, data-quality
scorecard), and the analysts' `prakiraan` macro gives the report's forecasts and ranges."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest

from contract import formats
from flows.nightly import nightly
from reports import data, fmt
from reports.daily import write_report
from reports.laporan import TOP_KELILING
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, WITA, day_file, row, run_settings, write
from warehouse.read import connect

FIRST = date(2018, 4, 1)
D = FIRST + timedelta(days=34)  # 5 May: 35 days of reports, enough for the 28-day range
TARGET = date(2018, 6, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_server):
    base = tmp_path_factory.mktemp("keputusan")
    landing, wh = base / "landing", base / "gudang" / "ektp.duckdb"
    for n in range(35):
        day = FIRST + timedelta(days=n)
        evening = datetime.combine(day, time(17), tzinfo=WITA)
        # Kota Bima: every day, on time, speeding up in the last two weeks
        day_file(landing, "5272", KOTA_BIMA, day, base=5_000, step=10 if n < 21 else 25, when=evening)
        # Lombok Utara: misses every fourth day, its weekend reports come late, and 520805 stops
        # reporting after day 26
        if n % 4 != 3:
            late = day.weekday() >= 5
            when = datetime.combine(day + timedelta(days=1), time(8), tzinfo=WITA) if late else evening
            day_file(
                landing,
                "5208",
                LOMBOK_UTARA,
                day,
                base=7_000,
                step=20,
                when=when,
                skip=("520805",) if n > 26 else (),
            )
    # a negative correction of Kota Bima's report of 2 May, two days late
    corrected = D - timedelta(days=3)
    lines = [
        row(corrected, k, 10_000 + 100 * i, 5_000 + i + 10 * 21 + 25 * 10 - 300)
        for i, k in enumerate(KOTA_BIMA)
    ]
    write(landing, "5272", "koreksi.csv", lines, datetime.combine(D, time(9), tzinfo=WITA))
    nightly(tanggal=D, settings=run_settings(landing, wh))
    paths = write_report(wh, D, base / "laporan", TARGET)
    return wh, paths


class Tables(HTMLParser):
    """The text of every body cell of the tables of each <section id=...>, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.section, self.rows, self.cell, self.in_body, self.text = None, {}, None, False, {}

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.section = dict(attrs)["id"]
            self.text[self.section] = ""
        elif tag in ("tbody", "tfoot"):
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.setdefault(self.section, []).append([])
        elif tag == "td" and self.in_body:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("tbody", "tfoot"):
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[self.section][-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, text):
        if self.cell is not None:
            self.cell += text
        if self.section:
            self.text[self.section] += text


@pytest.fixture(scope="module")
def page(built):
    parser = Tables()
    parser.feed(built[1].html.read_text(encoding="utf-8"))
    parser.text = {k: " ".join(v.split()) for k, v in parser.text.items()}
    return parser


@pytest.fixture(scope="module")
def book(built):
    return openpyxl.load_workbook(built[1].xlsx)


def records(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


def day(value) -> str:
    """A workbook cell as the page writes a date, or the page's words."""
    return formats.tanggal_pendek(value.date()) if isinstance(value, datetime) else value


NUMBER = (int, float)  # openpyxl reads a whole number back as an int


def pace(value) -> str:
    return fmt.per_hari(value) if isinstance(value, NUMBER) else (value or formats.EMPTY)


def test_the_story_gives_every_case(book):
    rentang = {r["Kode"]: r for r in records(book["Rentang Perkiraan"])}
    assert isinstance(rentang["5272"]["Peluang selesai pada target (%)"], NUMBER)
    assert rentang["5201"]["Selesai paling cepat"] is None  # never reported: no forecast at all
    keliling = records(book["Prioritas Keliling"])
    assert [r["Kode"] for r in keliling if r["Berhenti lapor"] == "Ya"] == ["520805"]
    mutu = {r["Kode"]: r for r in records(book["Mutu Kabupaten"])}
    assert mutu["5208"]["Lapor 7 hari (%)"] < 100 and mutu["5208"]["Terlambat 30 hari"] > 0
    assert mutu["5272"]["Koreksi 30 hari"] == 1


def test_range_section_agrees_with_its_sheet(page, book):
    sheet = records(book["Rentang Perkiraan"])
    rows = page.rows["rentang"]
    assert len(rows) == len(sheet) + 1  # the province's row at the foot
    for cells, r in zip(rows, sheet, strict=False):
        assert cells[1] == r["Kabupaten/kota"]
        assert cells[2] == formats.angka(r["Belum rekam"])
        assert cells[3] == pace(r["Laju 7 hari (/hari)"])
        slow, fast = r["Laju 28 hari p10 (/hari)"], r["Laju 28 hari p90 (/hari)"]
        assert cells[4] == (f"{pace(slow)} – {pace(fast)}" if isinstance(slow, NUMBER) else pace(slow))
        assert cells[5] == (day(r["Perkiraan selesai"]) or formats.EMPTY)
        early, late = r["Selesai paling cepat"], r["Selesai paling lambat"]
        assert cells[6] == (
            f"{day(early)} – {day(late)}" if isinstance(early, datetime) else (early or formats.EMPTY)
        )
        chance = r["Peluang selesai pada target (%)"]
        expected = (
            f"{formats.desimal(chance, 0)} % ({r['Laju 7 hari yang cukup']} dari {r['Laju 7 hari dinilai']})"
            if isinstance(chance, NUMBER)
            else (chance or formats.EMPTY)
        )
        assert cells[7] == expected


def test_province_range_agrees_with_the_summary_sheet(page, book):
    summary = {r["Uraian"]: r["Nilai"] for r in records(book["Ringkasan"])}
    foot = page.rows["rentang"][-1]
    assert (
        foot[4]
        == f"{pace(summary['Laju 28 hari p10 (/hari)'])} – {pace(summary['Laju 28 hari p90 (/hari)'])}"
    )
    assert foot[6] == f"{day(summary['Selesai paling cepat'])} – {day(summary['Selesai paling lambat'])}"
    chance = formats.desimal(summary["Peluang selesai pada target (%)"], 0)
    assert foot[7].startswith(f"{chance} % ") and f"{chance} %" in page.text["ringkasan"]
    assert (
        f"{day(summary['Selesai paling cepat'])} – {day(summary['Selesai paling lambat'])}"
        in page.text["ringkasan"]
    )


def test_mobile_service_section_agrees_with_its_sheet(page, book):
    sheet = records(book["Prioritas Keliling"])
    rows = page.rows["prioritas-keliling"]
    assert len(rows) == min(TOP_KELILING, len(sheet)) and len(sheet) > len(rows)
    for cells, r in zip(rows, sheet, strict=False):
        assert (
            cells[0] == str(r["Peringkat"]) and cells[1] == r["Kecamatan"] and cells[2] == r["Kabupaten/kota"]
        )
        assert cells[3] == formats.angka(r["Belum rekam"])
        assert cells[5] == formats.angka(r["Dibutuhkan (/hari)"])
        assert cells[6] == formats.angka(r["Sisa pada target"])
        last = r["Terakhir lapor"]
        if r["Berhenti lapor"] == "Ya":
            assert cells[7] == f"berhenti lapor {day(last)}"
        elif isinstance(last, datetime):
            assert cells[7] == ("hari ini" if last.date() == D else day(last))


def test_mobile_service_paces_agree_with_the_sheet(page, book):
    # the page writes a pace as `fmt.laju` does: one decimal below 10, else a whole number
    sheet = records(book["Prioritas Keliling"])
    for cells, r in zip(page.rows["prioritas-keliling"], sheet, strict=False):
        value = r["Laju 7 hari (/hari)"]
        assert cells[4] == (formats.EMPTY if value is None else fmt.per_hari(value))


def test_scorecard_section_agrees_with_its_sheet(page, book):
    sheet = records(book["Mutu Kabupaten"])
    rows = page.rows["mutu"]
    assert len(rows) == len(sheet) == 10
    one = lambda v: formats.desimal(v, 1)  # noqa: E731
    for cells, r in zip(rows, sheet, strict=False):
        assert cells[1] == r["Kabupaten/kota"]
        assert cells[2:] == [
            one(r["Lapor 7 hari (%)"]),
            one(r["Lapor 30 hari (%)"]),
            one(r["Tepat waktu 7 hari (%)"]),
            one(r["Tepat waktu 30 hari (%)"]),
            one(r["Lengkap 30 hari (%)"]),
            one(r["Ditolak 30 hari (%)"]),
            formats.angka(r["Koreksi 30 hari"]),
            formats.angka(r["Terlambat 30 hari"]),
            formats.desimal(r["Peringatan per laporan 30 hari"]),
            one(r["Skor 30 hari"]),
        ]


def test_the_daily_scorecard_sheet_ends_with_the_ranked_day(book):
    ranked = {r["Kode"]: r for r in records(book["Mutu Kabupaten"])}
    daily = [r for r in records(book["Mutu Harian"]) if r["Tanggal"].date() == D]
    assert {r["Kode"] for r in daily} == set(ranked)
    for r in daily:
        assert r["Skor 30 hari"] == ranked[r["Kode"]]["Skor 30 hari"]
    assert len({r["Tanggal"] for r in records(book["Mutu Harian"])}) == 30


def test_the_analysts_forecast_macro_gives_the_report_s_numbers(built):
    wh, _ = built
    laporan = data.load(wh, D, TARGET)
    python = {("provinsi", "52"): laporan.prakiraan_provinsi}
    python |= {
        ("kabupaten", k["kode_kabupaten"]): k["prakiraan"] for k in laporan.kabupaten if k["prakiraan"]
    }
    for day_ in (D, D - timedelta(days=10), FIRST + timedelta(days=3)):
        laporan = data.load(wh, day_, TARGET)
        python = {("provinsi", "52"): laporan.prakiraan_provinsi}
        python |= {
            ("kabupaten", k["kode_kabupaten"]): k["prakiraan"] for k in laporan.kabupaten if k["prakiraan"]
        }
        with connect(wh) as con:
            result = con.execute("select * from prakiraan(?, ?)", [day_, TARGET])
            columns = [c[0] for c in result.description]
            macro = {
                (r["tingkat"], r["kode"]): r
                for r in (dict(zip(columns, x, strict=False)) for x in result.fetchall())
            }
        assert macro.keys() == python.keys()
        for key, f in python.items():
            m, band = macro[key], python[key].band
            assert (
                m["belum_rekam"],
                m["laju_7_hari"],
                m["perkiraan_selesai"],
                m["dibutuhkan"],
                m["sisa_pada_target"],
            ) == (f.belum_rekam, f.pace and f.pace.per_day, f.completion, f.needed_pace, f.left_at_target), (
                day_,
                key,
            )
            assert (
                m["laju_p10"],
                m["laju_p90"],
                m["selesai_paling_cepat"],
                m["selesai_paling_lambat"],
                m["laju_cukup"],
                m["laju_dinilai"],
                m["peluang_persen"],
            ) == (
                (
                    float(band.slow),
                    float(band.fast),
                    band.early,
                    band.late,
                    band.enough,
                    len(band.windows),
                    band.chance,
                )
                if band
                else (None,) * 7
            ), (day_, key)

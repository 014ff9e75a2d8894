import math
import re
import shutil
from datetime import date, timedelta
from html.parser import HTMLParser

import duckdb
import pytest

from contract.errors import EktpError, ReportError, WarehouseError
from reports.daily import write_report

D = date(2018, 4, 12)  # the fixture's report date (conftest `story`)
BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus"]


def ribuan(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def tanggal(d: date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


class Sections(HTMLParser):
    """The visible text of each <section id=...>, and the text of each table row."""

    def __init__(self) -> None:
        super().__init__()
        self.current, self.text, self.rows, self.rows_of, self.row = None, {}, [], {}, None

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            self.current = dict(attrs)["id"]
            self.text[self.current] = ""
        if tag == "tr":
            self.row = []

    def handle_endtag(self, tag):
        if tag == "tr" and self.row is not None:
            self.rows.append(" ".join(self.row))
            self.rows_of.setdefault(self.current, []).append(self.rows[-1])
            self.row = None
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.text[self.current] += " " + data
        if self.row is not None and data.strip():
            self.row.append(data.strip())


def parse(html: str) -> Sections:
    parser = Sections()
    parser.feed(html)
    parser.text = {k: " ".join(v.split()) for k, v in parser.text.items()}
    return parser


def row_with(page: Sections, needle: str) -> str:
    return next(r for r in page.rows if needle in r)


@pytest.fixture(scope="module")
def report(warehouse, tmp_path_factory):
    paths = write_report(warehouse, D, tmp_path_factory.mktemp("report") / "out")
    return paths, paths.html.read_text(encoding="utf-8")


def test_writes_both_files_named_by_date(warehouse, tmp_path):
    # laporan-ektp-YYYY-MM-DD.{html,xlsx} in a new output folder, nothing else left behind.
    paths = write_report(warehouse, D, tmp_path / "out")
    assert paths.html == tmp_path / "out" / "laporan-ektp-2018-04-12.html"
    assert paths.xlsx == tmp_path / "out" / "laporan-ektp-2018-04-12.xlsx"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [paths.html.name, paths.xlsx.name]
    assert paths.html.stat().st_size > 10_000 and paths.xlsx.stat().st_size > 5_000


def test_province_figures_come_from_the_warehouse(report, query):
    # Every card figure of the province for D, in Indonesian notation.
    wajib, sudah, belum, hari_ini, persen, lapor = query(
        "select wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, persen_rekam, kabupaten_lapor "
        "from progres_provinsi where tanggal = ?",
        D,
    )[0]
    text = parse(report[1]).text["ringkasan"]
    for n in (wajib, sudah, belum, hari_ini):
        assert ribuan(n) in text
    assert f"{persen:.2f}".replace(".", ",") + " %" in text
    assert f"{lapor} / 3" in text


def test_province_forecast_uses_the_seven_day_rise(report, query):
    # The pace: (sudah(D) - sudah(D-7)) / 7 against belum(D), needed pace over 50 days. The date is
    # its last district's (issue 25): stalled Lombok Utara has none, so neither has the province,
    # although the province's own pace would finish it.
    ((sudah, belum),) = query("select sudah_rekam, belum_rekam from progres_provinsi where tanggal = ?", D)
    ((sudah7,),) = query("select sudah_rekam from progres_provinsi where tanggal = ?", D - timedelta(days=7))
    ((utara, utara7),) = query(
        "select sum(sudah_rekam) filter (where tanggal = ?), sum(sudah_rekam) filter (where tanggal = ?) "
        "from progres_kabupaten where kode_kabupaten = '5208'",
        D,
        D - timedelta(days=7),
    )
    assert sudah > sudah7 and utara == utara7
    text = parse(report[1]).text["ringkasan"]
    assert f"Laju 7 hari terakhir {ribuan(round((sudah - sudah7) / 7))} perekaman/hari" in text
    assert "tanggal selesai tidak terhitung" in text
    assert f"{ribuan(math.ceil(belum / 50))} perekaman/hari" in text


def test_districts_are_ranked_by_belum_rekam_with_their_forecast(report, query):
    # Stalled Lombok Utara first and "tidak terhitung"; Lombok Barat on track.
    expected = query(
        "select nama_kabupaten, belum_rekam from progres_kabupaten where tanggal = ? "
        "order by belum_rekam desc",
        D,
    )
    page = parse(report[1])
    text = page.text["kabupaten"]
    positions = [text.index(nama) for nama, _ in expected]
    assert positions == sorted(positions)
    utara = row_with(page, "Lombok Utara tidak lapor")
    assert ribuan(expected[0][1]) in utara and "tidak terhitung" in utara and "Tidak tercapai" in utara
    assert "Sesuai target" in row_with(page, "Kabupaten Lombok Barat 174.430")


def test_hostile_names_are_escaped(report, story):
    # A kecamatan called <script>alert(1)</script> is text, and the page has no script at all.
    html = report[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    assert story.script_name in parse(html).text["kecamatan-terbanyak"]


def test_top_kecamatan_are_carried_forward_and_ranked(report, query):
    # Narmada did not report on D: it is shown at its last report, with that date.
    page = parse(report[1])
    narmada = row_with(page, "Narmada Kabupaten Lombok Barat 72.345")
    ((belum,),) = query(
        "select belum_rekam from progres_kecamatan where kode_kecamatan = '520103' and tanggal = ?",
        D - timedelta(days=1),
    )
    assert ribuan(belum) in narmada and "11 Apr 2018" in narmada


def test_missing_district_and_kecamatan_are_listed(report):
    # Lombok Utara sent nothing for D (listed once, not per kecamatan); Narmada is missing in Lombok Barat.
    page = parse(report[1])
    assert "Kabupaten Lombok Utara 2 11 April 2018" in page.rows_of["tidak-lapor"]
    assert "Narmada Kabupaten Lombok Barat 11 April 2018" in page.rows_of["tidak-lapor"]
    assert "Tanjung" not in page.text["tidak-lapor"] and "Gangga" not in page.text["tidak-lapor"]


def test_rejected_file_and_warnings_for_d(report, story):
    # Only D's rejected file, with its reason; two warnings for D, the error and D-1's warning not counted.
    text = parse(report[1]).text["berkas-ditolak"]
    assert story.rejected_file in text and story.formula_reason in text
    assert "lama.csv" not in text
    assert "Peringatan kualitas data: 2" in text


def test_footer_names_the_data_time_and_run(report, story):
    # Latest diproses_pada in WITA, and its run.
    assert "13 April 2018 02.05 WITA" in report[1] and story.last_run in report[1]


def test_page_is_self_contained(report):
    # Inline CSS and SVG only: no external stylesheet, script, image or font.
    html = report[1]
    assert html.count("<svg") == 2 and "<style>" in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "<link" not in html and "@import" not in html and "url(http" not in html


def test_target_already_passed_still_renders(warehouse, tmp_path):
    # A target before D: no needed pace, said in words.
    html = write_report(warehouse, D, tmp_path, target=date(2018, 4, 1)).html.read_text(encoding="utf-8")
    assert "sudah lewat 11 hari" in html and "tenggat lewat" in html


def test_first_day_has_no_pace(warehouse, tmp_path, story):
    # The first loaded day: no earlier point, so no pace and no date.
    page = parse(write_report(warehouse, story.first, tmp_path).html.read_text(encoding="utf-8"))
    assert "tanggal selesai tidak terhitung" in page.text["ringkasan"]
    assert "Laju belum ada" in page.text["kabupaten"]


def test_a_district_that_never_reported(warehouse, tmp_path):
    # In the reference but never loaded: no figures, "belum pernah", and counted in the total.
    copy = tmp_path / "ektp.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("insert into wilayah_kabupaten values ('5271', 'Kota Mataram')")
        con.execute("insert into wilayah_kecamatan values ('527101', '5271', 'Ampenan')")
    page = parse(write_report(copy, D, tmp_path / "out").html.read_text(encoding="utf-8"))
    assert "Kota Mataram 1 belum pernah" in page.rows_of["tidak-lapor"]
    assert next(r for r in page.rows_of["kabupaten"] if "Kota Mataram" in r).endswith("Belum ada data –")
    assert "2 / 4" in page.text["ringkasan"]


def test_readers_may_hold_the_warehouse_open(warehouse, tmp_path):
    # An analyst's read-only connection does not stop the report.
    analyst = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert write_report(warehouse, D, tmp_path).html.exists()
    finally:
        analyst.close()


def test_missing_warehouse_is_a_warehouse_error(tmp_path):
    # A clear error, of the project's error family, naming the file.
    with pytest.raises(WarehouseError, match="gudang data belum ada") as raised:
        write_report(tmp_path / "nope.duckdb", D, tmp_path)
    assert isinstance(raised.value, EktpError) and "nope.duckdb" in str(raised.value)


def test_date_before_the_data_is_a_report_error(warehouse, tmp_path):
    # Before the first loaded date there is nothing to carry: the error names the covered range.
    with pytest.raises(ReportError, match=r"mencakup 2018-04-03 s\.d\. 2018-04-12"):
        write_report(warehouse, D - timedelta(days=30), tmp_path)
    assert not list(tmp_path.glob("laporan-*"))


def test_a_day_nobody_reported_is_still_a_report(warehouse, tmp_path, query):
    # The day after the last loaded report: figures carried forward, nothing recorded, every
    # district listed as not reporting, the pace measured over the carried series as any day
    html = write_report(warehouse, D + timedelta(days=1), tmp_path).html.read_text()
    page = parse(html)
    assert "Jumat, 13 April 2018" in html
    for name in ("Kabupaten Lombok Barat", "Kabupaten Lombok Timur", "Kabupaten Lombok Utara"):
        assert name in page.text["tidak-lapor"]
    assert "Semua kabupaten/kota melapor" not in page.text["tidak-lapor"]
    assert "0 / 3" in page.text["ringkasan"] and "3 tidak lapor" in page.text["ringkasan"]
    # the carried figures of 12 April; the 7-day pace is still a pace, not "belum ada"
    (belum,) = query("select sum(belum_rekam) from progres_kabupaten where tanggal = ?", D)[0]
    assert ribuan(belum) in page.text["ringkasan"] and "laju 7 hari belum ada" not in page.text["ringkasan"]


def test_a_file_that_is_not_a_warehouse_is_a_warehouse_error(tmp_path):
    # Garbage bytes: WarehouseError naming the file, not a DuckDB traceback.
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(WarehouseError, match=r"bad\.duckdb"):
        write_report(bad, D, tmp_path)


def test_each_district_s_figures_are_marked_with_their_status(report, story, query):
    # CONTRACT §5: the last cell of each district's row is its status_data for D
    page = parse(report[1])
    names = dict(query("select kode_kabupaten, nama from wilayah_kabupaten"))
    for kab, mark in story.status_data.items():
        (row,) = [r for r in page.rows_of["kabupaten"] if names[kab] in r]
        assert row.endswith(f" {mark}"), kab


def test_the_report_templates_are_compiled_once_and_not_read_again():
    # A portal builds reports on demand for as long as it runs: a release replacing the template
    # files under it must not pair the new templates with the old code (portal/render.py).
    from reports import html

    env = html.environment()
    assert env.auto_reload is False
    assert set(env.list_templates()) <= {t.name for t in env.cache.values()}

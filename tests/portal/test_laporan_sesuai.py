"""The daily report of any date from the portal (issue #21 item 9): built on demand with the code of
`ektp report`, kept per date and publication, built once for requests that come together, a bad
date told in Indonesian, and readable on a phone.

The shared world (tests/portal/conftest.py): its nightly wrote the report of D3 only. The one test
that publishes (a sign-off) signs Lombok Utara's first day, which no other test of that world reads.
"""

from __future__ import annotations

import io
import logging
import os
import re
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import openpyxl
import pytest

from contract import formats
from pipeline import tindakan
from portal import db, laporan_sesuai
from tests import web_client
from tests.portal import axe
from tests.portal.support import D1, D2, D3, PHONE, Browser, build_world, fits, portal
from warehouse import read

LOGGER = logging.getLogger(laporan_sesuai.__name__)
WAITING = 20.0  # seconds a handshake may take before the test fails (never reached when it works)


class Builds(logging.Filter):
    """Counts the reports built and the requests that waited for a build under way, from the
    module's log lines; with `hold`, the first build waits (on its own thread, in a logger filter,
    which runs without logging's locks) until `waiters` requests wait for it."""

    def __init__(self, hold: bool = False, waiters: int = 0) -> None:
        super().__init__()
        self.built: list[str] = []
        self.waited = 0
        self.hold, self.waiters = hold, waiters
        self.building = threading.Event()
        self.release = threading.Event()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg.startswith("laporan %s dibangun"):
            self.built.append(record.getMessage())
            self.building.set()
            if self.hold and len(self.built) == 1:
                self.release.wait(WAITING)
        elif "ditunggu" in record.msg:
            self.waited += 1
            if self.waited >= self.waiters:
                self.release.set()
        return True


@pytest.fixture
def builds():
    found = Builds()
    level = LOGGER.level
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.addFilter(found)
    yield found
    LOGGER.removeFilter(found)
    LOGGER.setLevel(level)


@pytest.fixture(scope="module")
def prov(base_url):
    with Browser(base_url) as b:
        assert b.login("prov").status_code == 303
        yield b


def cache_of(world) -> Path:
    return laporan_sesuai.folder_of(db.path_of(world.settings))


def cached(world, tanggal: date, bentuk: str = "html") -> list:
    folder = cache_of(world)
    return sorted(folder.glob(f"laporan-ektp-{tanggal}.*.{bentuk}")) if folder.is_dir() else []


def warehouse_rows(world, query: str, *params) -> list[tuple]:
    with read.connect(world.warehouse) as con:
        return con.execute(query, list(params)).fetchall()


def district_row(page: str, nama: str) -> str:
    """The row of one district in the report's district table."""
    table = page.split('<section id="kabupaten">', 1)[1].split("</table>", 1)[0]
    return next(r for r in table.split("<tr") if nama in r)


def test_the_list_offers_a_date_between_the_first_and_last_reported_day(world, prov):
    ((first, last),) = warehouse_rows(world, "select min(tanggal), max(tanggal) from progres_provinsi")
    page = prov.get("/provinsi/laporan")
    assert page.status_code == 200
    assert '<label for="tanggal">Tanggal laporan</label>' in page.text
    field = re.search(r'<input id="tanggal"[^>]*>', page.text)[0]
    assert 'type="date"' in field and f'min="{first}"' in field and f'max="{last}"' in field
    assert f"/provinsi/laporan/laporan-ektp-{D3}.html" in page.text  # the nightly's still listed


def test_a_date_the_nightly_did_not_write_is_built_then_served_from_the_cache(world, prov, builds):
    assert not (world.settings.reports / f"laporan-ektp-{D2}.html").exists()
    for path in cached(world, D2):  # whatever an earlier test left: this one builds
        path.unlink()
    asked = prov.get(f"/provinsi/laporan?tanggal={D2}&bentuk=html")
    assert asked.status_code == 303 and asked.headers["location"] == f"/provinsi/laporan/tanggal/{D2}.html"
    first = prov.get(asked.headers["location"])
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/html")
    assert "sandbox" in first.headers["content-security-policy"]
    ((sudah_rekam,),) = warehouse_rows(
        world, "select sudah_rekam from progres_provinsi where tanggal = ? and kode_provinsi = '52'", D2
    )
    assert f"Data per <strong>{formats.hari_tanggal(D2)}</strong>" in first.text
    assert formats.angka(sudah_rekam) in first.text
    assert len(builds.built) == 1
    (kept,) = cached(world, D2)
    identity = (kept.stat().st_ino, kept.stat().st_mtime_ns)
    assert kept.read_bytes() == first.content

    again = prov.get(f"/provinsi/laporan/tanggal/{D2}.html")
    assert again.status_code == 200 and again.content == first.content
    assert len(builds.built) == 1  # nothing built: the kept file was served
    assert cached(world, D2) == [kept] and (kept.stat().st_ino, kept.stat().st_mtime_ns) == identity


def test_the_workbook_of_a_date_opens_and_holds_that_dates_figures(world, prov):
    asked = prov.get(f"/provinsi/laporan?tanggal={D2}&bentuk=xlsx")
    assert asked.headers["location"] == f"/provinsi/laporan/tanggal/{D2}.xlsx"
    got = prov.get(asked.headers["location"])
    assert got.status_code == 200
    assert got.headers["content-disposition"] == f'attachment; filename="laporan-ektp-{D2}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(got.content), read_only=True)
    ringkasan = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    ((wajib, sudah),) = warehouse_rows(
        world,
        "select wajib_ktp, sudah_rekam from progres_provinsi where tanggal = ? and kode_provinsi = '52'",
        D2,
    )
    assert ringkasan["Tanggal laporan"] == datetime.combine(D2, datetime.min.time())
    assert (ringkasan["Wajib KTP"], ringkasan["Sudah rekam"]) == (wajib, sudah)
    sheet = list(book["Kabupaten"].iter_rows(values_only=True))
    columns = sheet[0]
    found = {r[columns.index("Kode")]: r[columns.index("Sudah rekam")] for r in sheet[1:]}
    expected = dict(
        warehouse_rows(
            world, "select kode_kabupaten, sudah_rekam from progres_kabupaten where tanggal = ?", D2
        )
    )
    assert expected and {k: found[k] for k in expected} == expected


def test_a_new_publication_is_never_served_a_report_built_before_it(world, prov, builds):
    before = prov.get(f"/provinsi/laporan/tanggal/{D1}.html")
    (old,) = cached(world, D1)
    assert ">sementara<" in district_row(before.text, "Lombok Utara")
    # the district head of Lombok Utara signs off its first day: a new publication
    tindakan.setujui(world.settings, "5208", D1, "Kepala Dinas KLU")
    built = len(builds.built)
    after = prov.get(f"/provinsi/laporan/tanggal/{D1}.html")
    assert after.status_code == 200 and len(builds.built) == built + 1
    assert ">disetujui<" in district_row(after.text, "Lombok Utara")
    (new,) = cached(world, D1)
    assert new.name != old.name and not old.exists()  # the old one is gone, not only unused
    workbook = openpyxl.load_workbook(io.BytesIO(prov.get(f"/provinsi/laporan/tanggal/{D1}.xlsx").content))
    rows = list(workbook["Kabupaten"].iter_rows(values_only=True))
    status = {r[rows[0].index("Kode")]: r[rows[0].index("Status data")] for r in rows[1:]}
    assert status["5208"] == "disetujui" and len(builds.built) == built + 1


def test_requests_that_come_together_build_once(world, prov, base_url):
    others = 3
    for path in cached(world, D3) + cached(world, D3, "xlsx"):
        path.unlink()
    found = Builds(hold=True, waiters=others)
    level = LOGGER.level
    LOGGER.setLevel(logging.DEBUG)
    LOGGER.addFilter(found)
    answers: list[httpx.Response] = []

    def fetch(bentuk: str) -> None:
        with web_client.client(base_url=base_url, cookies=prov.http.cookies, timeout=120) as http:
            answers.append(http.get(f"/provinsi/laporan/tanggal/{D3}.{bentuk}"))

    try:
        first = threading.Thread(target=fetch, args=("html",))
        first.start()
        assert found.building.wait(WAITING)  # the first request is building, and holds
        rest = [threading.Thread(target=fetch, args=(b,)) for b in ("html", "xlsx", "html")[:others]]
        for t in rest:
            t.start()
        for t in [first, *rest]:
            t.join()
    finally:
        LOGGER.removeFilter(found)
        LOGGER.setLevel(level)
    assert found.waited == others and len(found.built) == 1
    assert [a.status_code for a in answers] == [200] * (others + 1)
    pages = {a.content for a in answers if a.headers["content-type"].startswith("text/html")}
    assert len(pages) == 1 and pages == {cached(world, D3)[0].read_bytes()}


def test_a_bad_date_is_told_in_indonesian_beside_the_form(world, prov):
    ((first, last),) = warehouse_rows(world, "select min(tanggal), max(tanggal) from progres_provinsi")
    cases = {
        "2018-13-45": (400, "Tanggal harus berbentuk TTTT-BB-HH."),
        "": (400, "Pilih tanggal laporan."),
        "1999-12-31": (400, "Tanggal harus antara 2000-01-01 dan 2099-12-31."),
        str(first - timedelta(days=1)): (
            404,
            f"Tidak ada data untuk {formats.tanggal(first - timedelta(days=1))}: gudang data berisi "
            f"laporan {formats.tanggal(first)} sampai {formats.tanggal(last)}.",
        ),
        str(last + timedelta(days=30)): (
            404,
            f"Tidak ada data untuk {formats.tanggal(last + timedelta(days=30))}",
        ),
    }
    for value, (status, message) in cases.items():
        page = prov.get("/provinsi/laporan", params={"tanggal": value, "bentuk": "html"})
        assert page.status_code == status, value
        assert message in page.text and 'role="alert"' in page.text and 'id="tanggal"' in page.text, value
        assert "Traceback" not in page.text
    wrong_kind = prov.get("/provinsi/laporan", params={"tanggal": str(D2), "bentuk": "pdf"})
    assert wrong_kind.status_code == 400 and "HTML" in wrong_kind.text
    # the report's own address: the portal's error page, never a traceback
    direct = {
        "/provinsi/laporan/tanggal/2018-02-30.html": (400, "TTTT-BB-HH"),
        f"/provinsi/laporan/tanggal/{last + timedelta(days=1)}.xlsx": (404, "Tidak ada data untuk"),
        f"/provinsi/laporan/tanggal/{D2}.pdf": (404, ".html atau .xlsx"),
    }
    for path, (status, message) in direct.items():
        page = prov.get(path)
        assert page.status_code == status and message in page.text, path
        assert "<h1>" in page.text and "Traceback" not in page.text


def test_before_the_first_nightly_the_list_and_the_report_say_there_is_no_data(tmp_path):
    world = build_world(tmp_path, nightly=False)
    with portal(world.settings, warm=False) as url, Browser(url) as b:
        b.login("prov")
        page = b.get("/provinsi/laporan")
        report = b.get(f"/provinsi/laporan/tanggal/{D2}.html")
        asked = b.get("/provinsi/laporan", params={"tanggal": str(D2)})
    assert page.status_code == 200 and "Belum ada data" in page.text and 'id="tanggal"' not in page.text
    assert report.status_code == 404 and "Belum ada data: proses malam belum pernah berjalan." in report.text
    assert asked.status_code == 404 and "Belum ada data" in asked.text


def test_the_list_shows_a_month_of_the_nightly_s_reports_and_says_how_many_older_ones(tmp_path):
    # a page of every report the nightly ever wrote grew by a line a night, for years
    world = build_world(tmp_path, nightly=False)
    folder = world.settings.reports
    folder.mkdir(parents=True, exist_ok=True)
    days = [date(2018, 1, 1) + timedelta(days=i) for i in range(40)]
    for day in days:
        for suffix in ("html", "xlsx"):
            (folder / f"laporan-ektp-{day}.{suffix}").write_text(f"laporan {day}", encoding="utf-8")
    with portal(world.settings, warm=False) as url, Browser(url) as b:
        b.login("prov")
        page = b.get("/provinsi/laporan").text
        oldest = b.get(f"/provinsi/laporan/laporan-ektp-{days[0]}.html")
    listed = re.findall(r'href="/provinsi/laporan/laporan-ektp-([0-9-]+)\.html"', page)
    assert listed == [str(d) for d in sorted(days, reverse=True)[:31]]
    said = re.search(r'<p class="catatan" id="laporan-lama">(.*?)</p>', page, re.S)
    assert said is not None and said[1].split()[:5] == ["9", "laporan", "proses", "malam", "yang"]
    assert "formulir di atas" in said[1]
    assert oldest.status_code == 200 and oldest.text == f"laporan {days[0]}"  # still at its address


def test_on_a_phone_the_reports_do_not_scroll_sideways(world, base_url, chromium):
    source = axe.script()
    page = chromium.new_page(viewport=PHONE, is_mobile=True)
    page.goto(base_url + "/provinsi/laporan")
    page.fill("#nama", "prov")
    page.fill("#sandi", "sandi-prov-1234")
    page.click("main button[type=submit]")
    page.wait_for_url(base_url + "/provinsi/laporan")
    assert fits(page) and axe.violations(page, source) == []
    page.fill("#tanggal", D2.isoformat())
    page.click("button[value=html]")
    page.wait_for_url(base_url + f"/provinsi/laporan/tanggal/{D2}.html")
    assert page.inner_text("h1") == "Laporan Harian Perekaman e-KTP"
    # the widest table is wider than the phone: it scrolls in its own box, the page does not
    assert page.evaluate("document.querySelector('#kabupaten table').scrollWidth") > PHONE["width"]
    assert fits(page), page.evaluate("document.documentElement.scrollWidth")
    assert axe.report_violations(page, source) == []
    page.goto(base_url + f"/provinsi/laporan/laporan-ektp-{D3}.html")  # the nightly's own file
    assert fits(page) and axe.report_violations(page, source) == []
    page.goto(base_url + f"/provinsi/laporan?tanggal={D1 - timedelta(days=1)}")  # a date without data
    assert "Tidak ada data untuk" in page.inner_text("[role=alert]")
    assert fits(page) and axe.violations(page, source) == []


def test_the_cache_keeps_the_reports_built_last_and_drops_a_dates_older_publication(tmp_path):
    old, new = "t1-0123456789", "t2-abcdef0123"
    days = [D1 + timedelta(days=i) for i in range(4)]

    def made(day: date, kunci: str, moment: int) -> set[str]:
        names = set()
        for bentuk in laporan_sesuai.BENTUK:
            path = laporan_sesuai.path_of(tmp_path, day, kunci, bentuk)
            path.write_bytes(b"laporan")
            os.utime(path, ns=(moment, moment))  # the order they were built in
            names.add(path.name)
        return names

    first, second, third = (made(day, old, i) for i, day in enumerate(days[:3], start=1))
    again = made(days[2], new, 4)  # the third day built again from a new publication
    (tmp_path / "catatan.txt").write_text("bukan laporan")
    removed = laporan_sesuai.prune(tmp_path, keep=(days[2], new), simpan=2)
    assert {p.name for p in removed} == first | third  # the oldest, and the day's old publication
    assert {p.name for p in tmp_path.iterdir()} == second | again | {"catatan.txt"}


def test_the_temporary_files_of_a_killed_build_are_removed_once_old(tmp_path):
    kunci = "t1-0123456789"
    workbook = laporan_sesuai.path_of(tmp_path, D1, kunci, "xlsx")
    page = laporan_sesuai.path_of(tmp_path, D1, kunci, "html")
    # what a build killed mid-way leaves: reports.daily.write_atomically's and write_atomic's names
    killed = [workbook.with_name(f".{workbook.name}.tmp"), page.with_name(f".{page.name}.4242.sementara")]
    building = workbook.with_name(f".{workbook.name.replace('2018', '2017')}.tmp")  # a build under way
    long_ago = time.time() - laporan_sesuai.SISA_SECONDS - 60
    for path in [*killed, building]:
        path.write_bytes(b"setengah")
    for path in killed:
        os.utime(path, (long_ago, long_ago))
    (tmp_path / ".lain.tmp").write_bytes(b"bukan milik portal")
    os.utime(tmp_path / ".lain.tmp", (long_ago, long_ago))
    removed = laporan_sesuai.prune(tmp_path, keep=(D1, kunci))
    assert sorted(removed) == sorted(killed)
    assert {p.name for p in tmp_path.iterdir()} == {building.name, ".lain.tmp"}

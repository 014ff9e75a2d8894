"""Every portal page in Chromium, by role, with axe-core injected (issue #21: no serious or
critical violation), walked as the people who use it: an office on a phone (390×844), the
province and the admin at a desk (1366×768).

The same journeys take the README's screenshots: with EKTP_SCREENSHOTS=1 they are written to
docs/gambar/ (viewport only, to keep the committed PNGs small); without it the journeys and their
assertions run all the same.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pipeline import kontak
from portal import db
from tests.portal import axe
from tests.portal.support import (
    D3,
    DESKTOP,
    PHONE,
    TODAY,
    add_account,
    build_world,
    fits,
    portal,
    valid_report,
)

KADIS = ("kadis-lobar", "kepala-dinas-lombok-barat-7")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "gambar"


@pytest.fixture(scope="module")
def axe_js() -> str:
    return axe.script()


@pytest.fixture(scope="module")
def url(tmp_path_factory, prefect_server):
    world = build_world(tmp_path_factory.mktemp("a11y"))
    path = db.path_of(world.settings)
    add_account(path, world.settings, KADIS[0], "kabupaten", "5201", KADIS[1])
    kontak.set_contact(path, KADIS[0], "kabupaten", None, True)
    with portal(world.settings) as found:
        yield found


class Walk:
    """One person's pages: each checked by axe as it is reached, a screenshot when asked."""

    def __init__(self, page, url: str, js: str) -> None:
        self.page, self.url, self.js = page, url, js
        self.found: dict[str, list[str]] = {}
        self.offsite: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(url) else self.offsite.append(r.url))

    def check(self, name: str, shot: str | None = None) -> None:
        self.page.wait_for_load_state("load")
        if problems := axe.violations(self.page, self.js):
            self.found[name] = problems
        assert fits(self.page), name
        if shot and os.environ.get("EKTP_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))

    def sign_in(self, nama: str, sandi: str) -> None:
        self.page.fill("#nama", nama)
        self.page.fill("#sandi", sandi)
        self.page.click("main button[type=submit]")


def signed_in(chromium, url: str, js: str, viewport: dict, home: str, nama: str, sandi: str) -> Walk:
    """A walk on a new page of `viewport`, signed in as `nama` from `home`, where it lands."""
    page = chromium.new_page(viewport=viewport, is_mobile=viewport == PHONE)
    walk = Walk(page, url, js)
    page.goto(url + home)
    walk.sign_in(nama, sandi)
    page.wait_for_url(url + home)
    return walk


def small_targets(page, selector: str) -> list[str]:
    """Visible links and buttons under `selector` less than 44 px high."""
    return page.eval_on_selector_all(
        selector,
        "els => els.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
        ".map(e => e.outerHTML.slice(0, 80))",
    )


def broken_words(page, selector: str) -> list[str]:
    """Visible cells under `selector` whose single word is drawn over more than one line."""
    return page.eval_on_selector_all(
        selector,
        """cells => cells.filter(c => c.offsetParent !== null && !/\\s/.test(c.textContent.trim()))
          .filter(c => { const r = document.createRange(); r.selectNodeContents(c);
                         return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1; })
          .map(c => c.textContent.trim())""",
    )


def test_an_office_on_a_phone_meets_no_serious_accessibility_violation(url, chromium, axe_js, tmp_path):
    page = chromium.new_page(viewport=PHONE, is_mobile=True)
    walk = Walk(page, url, axe_js)
    page.goto(url + "/masuk")
    walk.check("login", "kantor-1-masuk")
    walk.sign_in("lobar", "sandi-lobar-123")
    page.wait_for_url(url + "/kabupaten/5201")
    walk.check("office home", "kantor-2-beranda")
    # The kecamatan table fits the phone with its codes and names whole (527101 was 52710 over 1)
    assert page.locator("table.utuh tbody tr").count() > 1
    assert broken_words(page, "table.utuh td") == []
    # links in a sentence are exempt (WCAG 2.5.8); those in tables, the nav and buttons are not
    assert small_targets(page, "nav a, header a, header button, main td a, main th a, main button") == []

    sent = tmp_path / "laporan hari ini.csv"
    sent.write_bytes(valid_report(TODAY))
    page.set_input_files("#berkas", str(sent))
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url(url + "/kabupaten/5201/kiriman/*")
    walk.check("submission", "kantor-3-tanda-terima")
    detail = page.locator("main a[href*='/unggahan/']").first
    assert detail.bounding_box()["height"] >= 44  # "Rincian" was 17 px
    detail.click()
    page.wait_for_url(re.compile(r".*/kabupaten/5201/unggahan/\d+$"))
    walk.check("upload page")
    page.goto(url + "/format")
    walk.check("format page")
    # The example's column names and dates stay on one line (kode_kecamatan was kode_kecamat over an)
    assert broken_words(page, "table.sebaris th, table.sebaris td") == []
    page.goto(url + "/akun/sandi")
    walk.check("password page")
    page.click("form.keluar button")
    page.wait_for_url(url + "/masuk?keluar=1")
    walk.check("login after logout")

    page.goto(url + "/kabupaten/5201/persetujuan")  # the district head: asked to sign in, then back
    walk.sign_in(*KADIS)
    page.wait_for_url(url + "/kabupaten/5201/persetujuan")
    walk.check("sign-off page", "kantor-4-persetujuan")
    assert walk.found == {}, "\n".join(f"{k}: {v}" for k, v in walk.found.items())
    assert walk.offsite == []


def test_the_province_at_a_desk_meets_no_serious_accessibility_violation(url, chromium, axe_js):
    page = chromium.new_page(viewport=DESKTOP)
    walk = Walk(page, url, axe_js)
    page.goto(url + f"/provinsi?sampai={D3}")  # asked before the login, reached after it
    walk.sign_in("prov", "sandi-prov-1234")
    page.wait_for_url(url + f"/provinsi?sampai={D3}")
    page.goto(url + "/provinsi")
    walk.check("province grid", "provinsi-1-kisi")
    assert small_targets(page, "table.kisi a, nav a") == []
    cell = page.locator("table.kisi tr:has(a[href='/kabupaten/5201']) td a").nth(1)  # yesterday
    cell.click()
    page.wait_for_url(url + f"/kabupaten/5201?tanggal={D3}")
    walk.check("district day from the grid", "provinsi-2-kabupaten")
    page.goto(url + "/provinsi/kunci")
    walk.check("lock page")
    page.goto(url + "/provinsi/laporan")
    walk.check("report list", "provinsi-3-laporan")
    page.fill("#tanggal", D3.isoformat())  # the report of any date, built on demand
    page.click("button[value=html]")
    page.wait_for_url(url + f"/provinsi/laporan/tanggal/{D3}.html")
    assert fits(page)
    if problems := axe.report_violations(page, axe_js):  # served sandboxed: see axe.report_violations
        walk.found["report of a date"] = problems
    page.goto(url + "/provinsi/laporan?tanggal=2018-03-01")  # before the first report: told so
    assert "Tidak ada data untuk 1 Maret 2018" in page.inner_text("[role=alert]")
    walk.check("report list, a date without data")
    assert walk.found == {}, "\n".join(f"{k}: {v}" for k, v in walk.found.items())
    assert walk.offsite == []


def test_the_province_on_a_phone_scrolls_the_grid_in_its_box_not_the_page(url, chromium, axe_js):
    # Each grid cell's words for a screen reader are positioned out of sight: placed against the
    # page, the far columns' ones made the whole page 885 px wide on a 390 px phone.
    walk = signed_in(chromium, url, axe_js, PHONE, "/provinsi", "prov", "sandi-prov-1234")
    page = walk.page
    for path in ("/provinsi", "/provinsi/kunci"):
        page.goto(url + path)
        walk.check(path)  # fits the phone
        box = page.locator(".gulir:has(table.kisi)")
        assert box.evaluate("b => b.scrollWidth > b.clientWidth"), path  # the grid is wider: it scrolls
    assert walk.found == {}, "\n".join(f"{k}: {v}" for k, v in walk.found.items())


def test_the_admin_at_a_desk_meets_no_serious_accessibility_violation(url, chromium, axe_js):
    page = chromium.new_page(viewport=DESKTOP)
    walk = Walk(page, url, axe_js)
    page.goto(url + "/admin")
    walk.sign_in("adm", "sandi-admin-123")
    page.wait_for_url(url + "/admin")
    walk.check("admin", "admin-1-akun")
    page.fill("#baru-nama", "lotim")
    page.select_option("#baru-kabupaten", "5203")
    page.fill("#baru-surel", "dukcapil@lomboktimurkab.go.id")
    page.fill("#baru-sandi", "kabut-pagi-senggigi-41")
    page.fill("#baru-ulang", "kabut-pagi-senggigi-41")
    page.click("form.akun-baru button")
    page.wait_for_url(url + "/admin?pesan=dibuat")
    assert page.inner_text("p.pesan") == "Akun dibuat."
    assert "akun dibuat" in page.inner_text("#catatan-admin + .gulir")
    walk.check("admin after adding an account")
    page.goto(url + "/admin/nightly")
    walk.check("admin nightly")
    assert walk.found == {}, "\n".join(f"{k}: {v}" for k, v in walk.found.items())
    assert walk.offsite == []


def test_the_admin_on_a_phone_reads_dates_names_and_actions_whole(url, chromium, axe_js):
    # The admin's tables squeezed every word into a phone's width: "cli:r / oot", "Ole / h",
    # "lomb / okbar / at". Now only typed and uploaded text wraps anywhere; a table wider than
    # the phone scrolls in its own box, which a keyboard reaches.
    walk = signed_in(chromium, url, axe_js, PHONE, "/admin", "adm", "sandi-admin-123")
    page = walk.page
    page.fill("#baru-nama", "ksb")  # an action of its own: the log has a row whatever ran before
    page.select_option("#baru-kabupaten", "5207")
    page.fill("#baru-sandi", "kabut-pagi-senggigi-41")
    page.fill("#baru-ulang", "kabut-pagi-senggigi-41")
    page.click("form.akun-baru button")
    page.wait_for_url(url + "/admin?pesan=dibuat")
    walk.check("admin on a phone")
    assert page.locator("#catatan-admin + .gulir tbody tr").count() >= 1
    # (a cell holding a link is left out: its 44 px box and its text start at different heights)
    tables = ("#catatan-admin + .gulir", "#unggahan-terakhir + .gulir")
    whole = ", ".join(f"{t} th, {t} td:not(.teks):not(:has(a))" for t in tables)
    assert broken_words(page, whole) == []
    regions = page.locator(".gulir[tabindex='0'][role=region]")
    assert regions.count() >= 2  # the admin log and the last uploads
    assert walk.found == {}, "\n".join(f"{k}: {v}" for k, v in walk.found.items())

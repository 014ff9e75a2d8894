"""Sign-off and lock in a real browser (issue #22 items 1-3): Debian's headless Chromium through
Playwright, a real uvicorn server on loopback, a world of its own (these journeys sign and lock).

The district head of Lombok Barat signs its figures on a phone (390×844); a province officer locks
Kota Bima's figures at a desk (1366×768), sees the marks in the grid, and unlocks with a reason.
Screenshots are kept in tests/artifacts/portal/ (git-ignored).
"""

from __future__ import annotations

import pytest

from pipeline import kontak
from portal import db
from tests.portal.support import ARTIFACTS, D2, D3, DESKTOP, PHONE, add_account, build_world, fits, portal

KADIS = ("kadis-lobar", "sandi-kadis-lobar-1")


@pytest.fixture(scope="module")
def url(tmp_path_factory, prefect_server):
    world = build_world(tmp_path_factory.mktemp("persetujuan-browser"))
    path = db.path_of(world.settings)
    add_account(path, world.settings, KADIS[0], "kabupaten", "5201", KADIS[1])
    kontak.set_contact(path, KADIS[0], "kabupaten", None, True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with portal(world.settings) as found:
        yield found


def watched(page, url: str) -> list[str]:
    """What must not happen on any page: console errors, dialogs, requests leaving the portal."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(url) else problems.append(f"request: {r.url}"))
    return problems


def sign_in(page, url: str, nama: str, sandi: str) -> None:
    page.goto(url + "/masuk")
    page.fill("#nama", nama)
    page.fill("#sandi", sandi)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def grid_marks(page, kode: str) -> list[str]:
    """The statuses of the grid row of one kabupaten, for the days that have figures."""
    row = page.locator(f"table.kisi tr:has(a[href='/kabupaten/{kode}'])")
    return row.locator("td[data-status]").evaluate_all("cells => cells.map(c => c.dataset.status)")


def test_the_district_head_signs_the_figures_on_a_phone(url, chromium):
    page = chromium.new_page(viewport=PHONE, is_mobile=True)
    problems = watched(page, url)
    sign_in(page, url, *KADIS)
    page.wait_for_url(url + "/kabupaten/5201")
    home = page.locator("section:has(#status-angka)")
    assert "sementara" in home.inner_text()  # the office's dates, marked with a word
    page.click("text=Periksa dan setujui angka")
    page.wait_for_url(url + "/kabupaten/5201/persetujuan")

    assert "belum pernah disetujui" in page.inner_text("dd.disetujui-sampai")
    assert "1 April 2018 sampai 3 April 2018" in page.inner_text("h2#rentang")
    assert "1 kecamatan tidak melapor pada 3 April 2018" in page.inner_text("p.lengkap-tidak")
    assert page.locator("table.kecamatan-rentang tbody tr.hilang").count() == 1
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "persetujuan-1-sebelum.png"), full_page=True)

    page.click("form.setujui button")
    page.wait_for_url(url + f"/kabupaten/5201/persetujuan?sampai={D3}&pesan=disetujui")
    assert page.inner_text("p.pesan.berhasil") == "Persetujuan tersimpan."
    signed = page.inner_text("dd.disetujui-sampai")
    assert signed.startswith("3 April 2018") and f"disetujui oleh {KADIS[0]} pada" in signed
    assert "disetujui sampai 3 April 2018" in page.inner_text("ul.riwayat")
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "persetujuan-2-disetujui.png"), full_page=True)

    page.goto(url + f"/kabupaten/5201?tanggal={D3}")
    marks = page.locator("ul.status-hari li").all_inner_texts()
    assert marks[:3] == ["3 Apr 2018 ☑ disetujui", "2 Apr 2018 ☑ disetujui", "1 Apr 2018 ☑ disetujui"]
    assert problems == []


def test_a_province_officer_locks_sees_the_grid_and_unlocks_at_a_desk(url, chromium):
    page = chromium.new_page(viewport=DESKTOP)
    problems = watched(page, url)
    sign_in(page, url, "prov", "sandi-prov-1234")
    page.goto(url + f"/provinsi?sampai={D3}")
    before = grid_marks(page, "5272")
    assert before and "dikunci" not in before
    page.click("text=Kunci atau buka kunci angka kabupaten/kota")
    page.wait_for_url(url + f"/provinsi/kunci?sampai={D3}")

    page.fill("#kunci-sampai", D2.isoformat())
    for box in page.locator("input[name=kabupaten]").all():
        if box.get_attribute("value") != "5272":
            box.uncheck()
    page.click("form.kunci button")
    page.wait_for_url(url + f"/provinsi/kunci?sampai={D2}&pesan=dikunci")
    assert page.inner_text("p.pesan.berhasil") == "Kunci tersimpan."
    row = page.inner_text("#kunci-5272")
    assert "2 April 2018" in row and "prov," in row  # locked up to, by whom and when
    assert "tidak dikunci" in page.inner_text("#kunci-5201")

    page.goto(url + f"/provinsi?sampai={D3}")
    assert grid_marks(page, "5272") == ["sementara", "dikunci", "dikunci"]  # newest first
    locked = page.locator("table.kisi tr:has(a[href='/kabupaten/5272']) td[data-status=dikunci]").first
    # an icon shown, and its word for a screen reader (and as a tooltip): not colour alone
    assert locked.locator(".status [aria-hidden=true]").inner_text() == "▣"
    assert locked.locator(".status .sr").text_content() == "dikunci"
    assert "dikunci" in (locked.get_attribute("title") or "")
    assert "▣ dikunci" in page.inner_text("dl.status-legenda")  # the legend names the icon
    page.screenshot(path=str(ARTIFACTS / "kunci-1-kisi.png"), full_page=True)

    page.goto(url + "/provinsi/kunci")
    page.select_option("#buka-kabupaten", "5272")
    page.fill("#buka-dari", D2.isoformat())
    page.fill("#buka-alasan", "koreksi data ganda dari kecamatan")
    page.click("form.buka button")
    page.wait_for_url(url + "/provinsi/kunci?pesan=dibuka")
    history = page.inner_text("table.riwayat tbody tr:first-child")
    assert "kunci dibuka mulai 2 April 2018" in history and "koreksi data ganda dari kecamatan" in history
    assert "1 April 2018" in page.inner_text("#kunci-5272")  # still locked before the opening
    page.screenshot(path=str(ARTIFACTS / "kunci-2-dibuka.png"), full_page=True)

    page.goto(url + f"/provinsi?sampai={D3}")
    assert grid_marks(page, "5272") == ["sementara", "sementara", "dikunci"]
    assert problems == []

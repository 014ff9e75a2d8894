"""The portal in a real browser: Debian's headless Chromium through Playwright (nothing downloaded),
a phone-sized screen, a real uvicorn server on loopback, the real nightly.

Log in as Lombok Barat (5201) → send a valid and a rejected file in one go → both receipts on the
page → the nightly runs → the statuses appear → log out. Screenshots are kept in
tests/artifacts/portal/ (git-ignored).
"""

from __future__ import annotations

from tests.portal.support import (
    ARTIFACTS,
    PHONE,
    TODAY,
    build_world,
    csv_bytes,
    fits,
    portal,
    run_nightly,
    valid_report,
)
from tests.uploads import row

HOSTILE = "<img src=x onerror=alert(1)>.csv"


def test_an_office_sends_its_files_and_sees_the_nightly_decide_them(tmp_path, prefect_server, chromium):
    world = build_world(tmp_path)
    files = tmp_path / "dari-kantor"
    files.mkdir()
    (files / "lap 4 april.csv").write_bytes(valid_report(TODAY))
    (files / HOSTILE).write_bytes(
        csv_bytes(TODAY, [row(TODAY, "520101", 100, 900)])
    )  # sudah_rekam > wajib_ktp
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with portal(world.settings) as url:
        page = chromium.new_page(viewport=PHONE, is_mobile=True)
        problems: list[str] = []
        page.on(
            "console",
            lambda m: (
                problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
            ),
        )
        page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: None if r.url.startswith(url) else problems.append(f"request: {r.url}"))

        page.goto(url + "/")
        assert page.url == url + "/masuk"
        page.fill("#nama", "lobar")
        page.fill("#sandi", "sandi-lobar-123")
        page.click("main button[type=submit]")
        page.wait_for_url(url + "/kabupaten/5201")
        assert page.inner_text("h1").startswith("Kabupaten Lombok Barat")

        page.set_input_files("#berkas", [str(files / "lap 4 april.csv"), str(files / HOSTILE)])
        page.click("main form[enctype] button[type=submit]")
        page.wait_for_url(url + "/kabupaten/5201/kiriman/*")
        receipts = page.locator("article.tanda-terima")
        assert receipts.count() == 2
        good, bad = receipts.nth(0), receipts.nth(1)
        assert "LOLOS pemeriksaan" in good.inner_text() and "menunggu proses malam" in good.inner_text()
        assert bad.locator("h3").inner_text() == HOSTILE  # the name as sent, shown as text
        assert "DITOLAK" in bad.inner_text()
        rows = bad.locator("table.temuan tbody tr")
        findings = [rows.nth(i).locator("td").all_inner_texts()[:5] for i in range(rows.count())]
        assert [
            "2",
            "520101\nGerung",  # the kecamatan's code and name
            "sudah_rekam",
            "900",
            "kesalahan",
        ] in findings  # line, kecamatan, column, value
        assert page.locator("img").count() == 0  # the hostile name stayed text
        assert fits(page)  # fits the phone
        page.screenshot(path=str(ARTIFACTS / "1-tanda-terima.png"), full_page=True)

        summary = run_nightly(world.settings, tanggal=TODAY)
        assert summary["run_id"]

        page.goto(url + f"/kabupaten/5201?tanggal={TODAY}")
        uploads = page.locator("section:has(h2:text('Unggahan lewat portal')) tbody tr")
        statuses = sorted(uploads.nth(i).locator("td.malam").inner_text() for i in range(uploads.count()))
        assert statuses == ["DITERIMA (dimuat)", "DITOLAK"]
        assert "10 dari 10 kecamatan dilaporkan" in page.inner_text("p.ringkas")
        page.screenshot(path=str(ARTIFACTS / "2-setelah-proses-malam.png"), full_page=True)

        page.click("form.keluar button")
        page.wait_for_url(url + "/masuk?keluar=1")
        assert "Anda sudah keluar" in page.inner_text("main")
        page.goto(url + "/kabupaten/5201")
        assert page.url == url + "/masuk?lanjut=%2Fkabupaten%2F5201"
        assert problems == []

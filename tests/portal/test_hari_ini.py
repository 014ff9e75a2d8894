"""An office's "today" (issue #21 item 3): the date it reports for now, the time left to the 02:00
nightly, and per kecamatan loaded / waiting for the nightly / missing, on a phone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contract.dates import NIGHTLY_HOUR, WITA, report_day
from tests.portal.support import (
    ARTIFACTS,
    LOMBOK_BARAT,
    PHONE,
    TODAY,
    build_world,
    fits,
    portal,
    valid_report,
)


@pytest.mark.parametrize(
    ("now", "tanggal", "left"),
    [
        # before the nightly of 2 May: still 1 May, half an hour left
        (datetime(2018, 5, 2, NIGHTLY_HOUR - 1, 30, tzinfo=WITA), date(2018, 5, 1), timedelta(minutes=30)),
        # the nightly took 1 May: 2 May, a whole day left
        (datetime(2018, 5, 2, NIGHTLY_HOUR, tzinfo=WITA), date(2018, 5, 2), timedelta(days=1)),
        # an evening: the same date, until 02:00 the next night
        (datetime(2018, 5, 2, 19, 15, tzinfo=WITA), date(2018, 5, 2), timedelta(hours=6, minutes=45)),
        # any zone: the WITA wall clock counts (17:00 UTC is 01:00 WITA the next day)
        (datetime(2018, 5, 1, 17, tzinfo=UTC), date(2018, 5, 1), timedelta(hours=1)),
    ],
)
def test_the_report_date_is_today_until_the_nightly_takes_it(now, tanggal, left):
    assert report_day(now) == (tanggal, left)


def test_a_fixed_today_is_the_report_date_at_any_hour():
    fixed = date(2018, 4, 4)
    early = report_day(datetime(2030, 1, 1, 1, tzinfo=WITA), fixed)
    late = report_day(datetime(2030, 1, 1, 23, tzinfo=WITA), fixed)
    assert early == (fixed, timedelta(hours=25))
    assert late == (fixed, timedelta(hours=3))


def test_after_a_valid_upload_the_phone_home_says_the_kecamatan_are_waiting(
    tmp_path, prefect_server, chromium
):
    world = build_world(tmp_path)
    sent = tmp_path / "laporan hari ini.csv"
    sent.write_bytes(valid_report(TODAY))
    n = len(LOMBOK_BARAT)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with portal(world.settings) as url:
        page = chromium.new_page(viewport=PHONE, is_mobile=True)
        page.goto(url + "/masuk")
        page.fill("#nama", "lobar")
        page.fill("#sandi", "sandi-lobar-123")
        page.click("main button[type=submit]")
        page.wait_for_url(url + "/kabupaten/5201")
        today = page.locator("section.hari-ini")
        assert today.locator("h2").inner_text() == "Hari ini: laporan tanggal 4 April 2018"
        assert "Sisa waktu sampai proses malam pukul 02.00 WITA" in today.inner_text()
        assert (
            today.locator("p.ringkas-hari")
            .inner_text()
            .startswith(f"0 dimuat · 0 menunggu proses malam · {n} belum ada")
        )

        page.set_input_files("#berkas", [str(sent)])
        page.click("main form[enctype] button[type=submit]")
        page.wait_for_url(url + "/kabupaten/5201/kiriman/*")
        assert "LOLOS pemeriksaan" in page.inner_text("article.tanda-terima")

        page.goto(url + "/kabupaten/5201")
        today = page.locator("section.hari-ini")
        text = today.inner_text()
        assert (
            today.locator("p.ringkas-hari")
            .inner_text()
            .startswith(f"0 dimuat · {n} menunggu proses malam · 0 belum ada")
        )
        states = today.locator("ul.kecamatan-hari .keadaan-hari").all_inner_texts()
        assert states == ["menunggu proses malam"] * n
        assert "laporan hari ini.csv" in text and f"0 dari {n}" not in text
        assert fits(page)
        page.screenshot(path=str(ARTIFACTS / "hari-ini-menunggu.png"), full_page=True)

"""The province grid (issue #21 item 3): today's column, newest first, the kecamatan completeness
in each cell, a valid file sent today shown as waiting for the nightly, and each cell a link to
that district and day."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.portal.support import D1, D2, D3, TODAY, Browser, csv_bytes
from tests.uploads import KOTA_BIMA, row


def row_of(page: str, kode: str) -> str:
    return page.split(f'<a href="/kabupaten/{kode}">', 1)[1].split("</tr>", 1)[0]


def test_the_grid_starts_with_today_and_counts_the_kecamatan_of_each_day(base_url):
    with Browser(base_url) as b:
        b.login("prov")
        page = b.get("/provinsi").text
    days = re.findall(r'<th class="hari" title="[^"]*">(\d+)/(\d+)</th>', page)
    expected = [TODAY - timedelta(days=i) for i in range(14)]
    assert [(int(d), int(m)) for d, m in days] == [(d.day, d.month) for d in expected]
    assert "(hari ini)" in page.split("</h1>", 1)[0]
    lobar = row_of(page, "5201")
    # Lombok Barat left one kecamatan out of its D3 file: 9 of 10; the other days are whole
    counts = re.findall(
        r'<span class="lengkap"><span class="sr">, kecamatan </span>(\d+)/(\d+)</span>', lobar
    )
    assert counts == [("9", "10"), ("10", "10"), ("10", "10")]
    assert 'class="dimuat kurang"' in lobar  # the incomplete day is marked, not only its colour
    # every cell opens that district and day
    links = re.findall(r'href="/kabupaten/5201\?tanggal=([0-9-]+)"', lobar)
    assert links == [d.isoformat() for d in expected]


def test_a_valid_file_sent_today_waits_for_the_nightly_in_todays_column(base_url):
    report = csv_bytes(TODAY, [row(TODAY, k, 10_000 + 100 * i, 5_100 + i) for i, k in enumerate(KOTA_BIMA)])
    with Browser(base_url) as kobi:
        kobi.login("kobi")
        sent = kobi.upload("5272", ("bima-hari-ini.csv", report))
        assert sent.status_code == 200 and "LOLOS" in sent.text
    with Browser(base_url) as prov:
        prov.login("prov")
        page = prov.get("/provinsi").text
        opened = prov.get(f"/kabupaten/5272?tanggal={TODAY}")
    bima = row_of(page, "5272")
    first = re.search(r'<td class="([a-z_ ]+)"', bima)
    assert first is not None and first[1] == "menunggu"
    assert "menunggu proses malam" in bima.split("</td>", 1)[0]
    assert "… menunggu" in page  # the legend names it
    assert opened.status_code == 200


def test_an_older_range_keeps_its_order_and_links(base_url):
    with Browser(base_url) as b:
        b.login("prov")
        page = b.get(f"/provinsi?sampai={D3}").text
    links = re.findall(r'href="/kabupaten/5208\?tanggal=([0-9-]+)"', row_of(page, "5208"))
    assert links[:3] == [D3.isoformat(), D2.isoformat(), D1.isoformat()]

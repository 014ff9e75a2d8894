"""Sign-off and lock in the portal (issue #22 items 1-3): the district head's account reads the
range's figures and completeness, signs, and is told when a later file withdrew the sign-off; the
province locks and unlocks (a reason required), every action a row of `persetujuan`; the grid and
the office's home mark each date; an upload for a locked date is told so at once.

A world of its own: these tests sign and lock, which the shared world's other tests must not see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from contract.formats import tanggal
from pipeline import kontak
from portal import db, views
from portal.guards import REFUSED
from tests.portal.support import (
    D1,
    D2,
    D3,
    LOMBOK_BARAT,
    TODAY,
    Browser,
    add_account,
    build_world,
    portal,
    run_nightly,
    valid_report,
)
from tests.uploads import KOTA_BIMA
from warehouse import read

KADIS = ("kadis-lobar", "sandi-kadis-lobar-1")  # the district head of Lombok Barat (5201)


@pytest.fixture(scope="module")
def signed_world(tmp_path_factory, prefect_server):
    world = build_world(tmp_path_factory.mktemp("persetujuan"))
    path = db.path_of(world.settings)
    add_account(path, world.settings, KADIS[0], "kabupaten", "5201", KADIS[1])
    kontak.set_contact(path, KADIS[0], "kabupaten", None, True)
    return world


@pytest.fixture(scope="module")
def url(signed_world):
    with portal(signed_world.settings) as found:
        yield found


def rows_of(world, kode: str) -> list[tuple]:
    with read.connect(world.warehouse) as con:
        return con.execute(
            "select tindakan, atas, sampai_tanggal, oleh, alasan from persetujuan"
            " where kode_kabupaten = ? order by urutan",
            [kode],
        ).fetchall()


def statuses(world, kode: str) -> dict:
    with read.connect(world.warehouse) as con:
        found = con.execute(
            "select tanggal, status from status_data where kode_kabupaten = ? order by tanggal", [kode]
        ).fetchall()
    return dict(found)


def test_the_district_head_reads_the_range_then_signs_and_sees_who_and_when(signed_world, url):
    with Browser(url) as kadis:
        assert kadis.login(*KADIS).status_code == 303
        home = kadis.get("/kabupaten/5201").text
        assert 'href="/kabupaten/5201/persetujuan"' in home  # the home leads the head to sign
        page = kadis.get(f"/kabupaten/5201/persetujuan?sampai={D3}").text
        # the range not yet signed, D1..D3, its totals and completeness on D3 (520115 missing)
        assert "belum pernah disetujui" in page
        assert "1 April 2018 sampai 3 April 2018" in page
        assert (
            f"Tanggal 3 April 2018: {len(LOMBOK_BARAT) - 1} dari {len(LOMBOK_BARAT)} kecamatan melapor"
            in page
        )
        assert "1 kecamatan tidak melapor pada 3 April 2018" in page
        assert page.count("✗ tidak") == 1 and page.count("✓ dilaporkan") == len(LOMBOK_BARAT) - 1

        signed = kadis.post("/kabupaten/5201/persetujuan", {"sampai": str(D2)})
        assert signed.status_code == 303
        page = kadis.get(signed.headers["location"]).text
    assert "Persetujuan tersimpan." in page
    shown = re.search(r'<dd class="disetujui-sampai">(.*?)</dd>', page, re.S)[1]
    assert "2 April 2018" in shown and f"disetujui oleh {KADIS[0]} pada" in shown
    assert rows_of(signed_world, "5201") == [("disetujui", "persetujuan", D2, KADIS[0], None)]
    assert statuses(signed_world, "5201") == {D1: "disetujui", D2: "disetujui", D3: "sementara"}


def test_a_later_file_that_changes_a_signed_figure_withdraws_it_and_the_page_says_so(signed_world, url):
    with Browser(url) as kadis:
        kadis.login(*KADIS)
        kadis.get("/kabupaten/5201/persetujuan")
        assert kadis.post("/kabupaten/5201/persetujuan", {"sampai": str(D1)}).status_code == 303
    with Browser(url) as office:
        office.login("lobar")
        # a correction of D1 with other figures, confirmed as the office does
        office.upload("5201", ("koreksi 1 april.csv", valid_report(D1, base=5_100)), ganti=True)
    run_nightly(signed_world.settings, tanggal=D3)
    with Browser(url) as kadis:
        kadis.login(*KADIS)
        page = kadis.get("/kabupaten/5201/persetujuan").text
    notice = re.search(r'<p class="pesan galat ditarik"[^>]*>(.*?)</p>', page, re.S)[1]
    assert "Persetujuan ditarik" in notice and "1 April 2018" in notice and "oleh proses malam" in notice
    assert "koreksi 1 april.csv" in notice  # the file that changed it
    assert statuses(signed_world, "5201")[D1] == "sementara"


@pytest.mark.parametrize("nama", ["lobar", "kobi", "prov", "adm", "kadis"])
def test_only_the_district_head_of_that_district_signs(signed_world, url, nama):
    before = rows_of(signed_world, "5272")
    with Browser(url) as b:
        if nama == "kadis":
            b.login(*KADIS)
            kode = "5272"  # a head signs only for its own district
        else:
            b.login(nama)
            kode = "5201"
        b.get("/")
        page = b.get(f"/kabupaten/{kode}/persetujuan")
        sent = b.post(f"/kabupaten/{kode}/persetujuan", {"sampai": str(D2)})
    assert page.status_code == sent.status_code == 403
    assert REFUSED in page.text and REFUSED in sent.text
    assert rows_of(signed_world, "5272") == before
    assert not [r for r in rows_of(signed_world, "5201") if r[3] == nama]


def test_the_province_locks_and_unlocks_with_a_reason_and_the_grid_marks_it(signed_world, url):
    with Browser(url) as prov:
        prov.login("prov")
        page = prov.get(f"/provinsi/kunci?sampai={D3}").text
        assert 'name="kabupaten" value="5272"' in page
        # nothing locked yet: nothing to unlock, no form
        assert 'id="tidak-terkunci"' in page and 'action="/provinsi/buka-kunci"' not in page
        locked = prov.post("/provinsi/kunci", {"sampai": str(D2), "kabupaten": "5272"})
        assert locked.status_code == 303
        page = prov.get(locked.headers["location"]).text
        # the unlock form offers the locked district only, with the day its lock ends
        unlock = page.split('action="/provinsi/buka-kunci"', 1)[1].split("</select>", 1)[0]
        assert re.findall(r'<option value="(\d+)">([^<]*)</option>', unlock) == [
            ("5272", "Kota Bima (5272), terkunci sampai 2 April 2018")
        ]
        # its first day is chosen, not prefilled with the grid's date (after the lock: refused)
        assert re.search(r'<input id="buka-dari" name="dari" type="date" required>', page)
        row = re.search(r'<tr id="kunci-5272">(.*?)</tr>', page, re.S)[1]
        assert "2 April 2018" in row and "prov, " in row  # up to when, who and when
        grid = prov.get(f"/provinsi?sampai={D3}").text
        cells = re.findall(
            r'data-status="([a-z]+)"', grid.split('href="/kabupaten/5272"', 1)[1].split("</tr>")[0]
        )
        assert cells == ["sementara", "dikunci", "dikunci"]  # newest first
        assert '▣</span><span class="sr">dikunci' in grid  # an icon with its word, not colour alone

        # unlocking needs a reason
        refused = prov.post("/provinsi/buka-kunci", {"kabupaten": "5272", "dari": str(D2), "alasan": "  "})
        assert refused.status_code == 400 and "Alasan wajib" in refused.text
        # a reason is kept and shown for good: a direction mark that would turn what follows is
        # refused, and the refusal writes it out
        hidden = {"kabupaten": "5272", "dari": str(D2), "alasan": "koreksi \u202eadnag atad"}
        refused = prov.post("/provinsi/buka-kunci", hidden)
        assert refused.status_code == 400 and "\u202e" not in refused.text
        assert "alasan memuat karakter tersembunyi: &#39;koreksi \\u202eadnag atad&#39;" in refused.text
        opened = prov.post(
            "/provinsi/buka-kunci", {"kabupaten": "5272", "dari": str(D2), "alasan": "koreksi data ganda"}
        )
        assert opened.status_code == 303
        page = prov.get(opened.headers["location"]).text
    assert "koreksi data ganda" in page and "kunci dibuka mulai 2 April 2018" in page
    assert rows_of(signed_world, "5272") == [
        ("dikunci", "kunci", D2, "prov", None),
        ("dibuka", "kunci", D2, "prov", "koreksi data ganda"),
    ]
    assert statuses(signed_world, "5272") == {D1: "dikunci", D2: "sementara", D3: "sementara"}


def test_an_upload_for_a_locked_date_is_told_at_once_who_locked_it(signed_world, url):
    day = D3 - timedelta(days=2)  # D1: locked below
    with Browser(url) as prov:
        prov.login("prov")
        prov.get("/provinsi/kunci")
        assert prov.post("/provinsi/kunci", {"sampai": str(day), "kabupaten": "5272"}).status_code == 303
    with Browser(url) as office:
        office.login("kobi")
        page = office.upload(
            "5272", ("bima 1 april.csv", valid_report(day, codes=KOTA_BIMA, base=5_300))
        ).text
        home = office.get(f"/kabupaten/5272?tanggal={D3}").text
    assert "akan dimuat" not in page and "DITOLAK" in page
    # nothing to fix: the headline does not ask for a new file (portal/views.py LOCKED)
    assert views.LOCKED in page and views.CHECKED["rejected"] not in page
    assert "periode_terkunci" in page
    assert (
        "sudah dikunci oleh prov" in page
        and "mintalah prov (Dinas Dukcapil Provinsi) membuka kuncinya" in page
    )
    assert "5272/bima 1 april.csv" in page  # kept in the inbox: decided again once unlocked
    # the office's home marks its dates
    marks = re.findall(
        r'<span class="status ([a-z]+)"', home.split('id="status-angka"', 1)[1].split("</ul>")[0]
    )
    assert marks[-14:][-1] == "kosong" and "dikunci" in marks


def test_an_office_s_today_says_when_the_province_has_locked_it(signed_world, url):
    # the home's "today" said nothing of a lock: the office learnt it only from a refused upload
    with Browser(url) as prov:
        prov.login("prov")
        prov.get("/provinsi/kunci")
        assert prov.post("/provinsi/kunci", {"sampai": str(TODAY), "kabupaten": "5272"}).status_code == 303
    with Browser(url) as kobi, Browser(url) as lobar:
        kobi.login("kobi")
        lobar.login("lobar")
        locked, open_ = kobi.get("/kabupaten/5272").text, lobar.get("/kabupaten/5201").text
    notice = re.search(r'<p class="pesan galat" id="dikunci" role="status">(.*?)</p>', locked, re.S)
    assert notice is not None and f"dikunci provinsi (sampai {tanggal(TODAY)})" in notice[1]
    assert 'id="dikunci"' not in open_
    # opened again from D2 (the lock through D1 of the test above stays as it was)
    with Browser(url) as prov:
        prov.login("prov")
        prov.get("/provinsi/kunci")
        opened = prov.post("/provinsi/buka-kunci", {"kabupaten": "5272", "dari": str(D2), "alasan": "uji"})
        assert opened.status_code == 303
    with Browser(url) as kobi:
        kobi.login("kobi")
        assert 'id="dikunci"' not in kobi.get("/kabupaten/5272").text


def test_the_lock_page_names_the_waiting_files_a_lock_will_refuse(signed_world, url):
    # A district's correction waits for the nightly; the province locks its date. The lock page
    # said nothing: the office learnt it the next morning from a refused file, the province never.
    with Browser(url) as office:
        office.login("lobar")
        sent = office.upload("5201", ("koreksi 2 april.csv", valid_report(D2, base=5_120)), ganti=True)
        assert "akan dimuat" in sent.text
    with Browser(url) as prov:
        prov.login("prov")
        prov.get("/provinsi/kunci")
        before = prov.get("/provinsi/kunci").text
        assert 'id="berkas-tertahan"' not in before  # waiting, but its date is open
        locked = prov.post("/provinsi/kunci", {"sampai": str(D2), "kabupaten": "5201"})
        page = prov.get(locked.headers["location"]).text
        held = page.split('id="berkas-tertahan"', 1)[1].split("</section>", 1)[0]
        items = [re.sub(r"<[^>]+>", "", i).split() for i in re.findall(r"<li>(.*?)</li>", held, re.S)]
        assert items == [
            [
                "Kabupaten",
                "Lombok",
                "Barat",
                "5201:",
                "koreksi",
                "2",
                "april.csv,",
                "laporan",
                "2",
                "April",
                "2018",
            ]
        ]
        assert "periode_terkunci" in held
        # once the nightly has decided it (refused: its date is locked), nothing waits
        run_nightly(signed_world.settings)
        assert 'id="berkas-tertahan"' not in prov.get("/provinsi/kunci").text
        opened = prov.post("/provinsi/buka-kunci", {"kabupaten": "5201", "dari": str(D2), "alasan": "uji"})
        assert opened.status_code == 303

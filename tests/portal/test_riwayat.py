"""Receipts follow the decision (issue #21 items 5, 7, 8): an upload's timeline, the downloadable
letter before and after the nightly, what changed since the office's last visit, the upload list
by report date and status, plain findings, and a receipt that prints on one A4 page.

One world of its own: the office sends three files for "today" (a first valid one, a replacement it
confirms, a rejected one), then the nightly of that date decides them."""

from __future__ import annotations

import re

import pytest

from tests.portal.support import (
    ARTIFACTS,
    TODAY,
    Browser,
    build_world,
    csv_bytes,
    portal,
    run_nightly,
    valid_report,
)
from tests.uploads import row

FIRST, SECOND, BAD = "pertama.csv", "pengganti.csv", "salah.csv"
DETAILS = re.compile(r"<details.*?</details>", re.S)
UPLOAD_LINK = re.compile(r'href="/kabupaten/5201/unggahan/(\d+)"')


def main_text(html: str) -> str:
    """The page an office reads: without the technicians' details, tags, links and form values."""
    html = DETAILS.sub("", html)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def upload_id(page: str) -> str:
    (found,) = set(UPLOAD_LINK.findall(page))
    return found


@pytest.fixture(scope="module")
def story(tmp_path_factory, prefect_server):
    world = build_world(tmp_path_factory.mktemp("riwayat"))
    with portal(world.settings) as url, Browser(url) as b:
        b.login("lobar")
        first_visit = b.get("/kabupaten/5201").text
        ids = {
            FIRST: upload_id(b.upload("5201", (FIRST, valid_report(TODAY))).text),
            SECOND: upload_id(b.upload("5201", (SECOND, valid_report(TODAY, base=5_001)), ganti=True).text),
            BAD: upload_id(b.upload("5201", (BAD, csv_bytes(TODAY, [row(TODAY, "520101", 100, 900)]))).text),
        }
        before = {
            "letter": b.get(f"/kabupaten/5201/unggahan/{ids[SECOND]}/tanda-terima.txt").text,
            "json": b.get(f"/kabupaten/5201/unggahan/{ids[SECOND]}/tanda-terima.json").json(),
            "page": b.get(f"/kabupaten/5201/unggahan/{ids[SECOND]}").text,
        }
        summary = run_nightly(world.settings, tanggal=TODAY)
        yield {
            "url": url,
            "browser": b,
            "ids": ids,
            "first_visit": first_visit,
            "before": before,
            "run_id": summary["run_id"],
        }


def test_each_upload_page_shows_its_timeline(story):
    b, ids = story["browser"], story["ids"]
    pages = {name: b.get(f"/kabupaten/5201/unggahan/{i}").text for name, i in ids.items()}
    steps = {
        name: [re.sub(r"\s+", " ", s).strip() for s in re.findall(r'<span class="langkah">(.*?)</span>', p)]
        for name, p in pages.items()
    }
    assert steps[FIRST] == ["diterima portal", "digantikan oleh 5201/pengganti.csv"]
    assert steps[SECOND] == ["diterima portal", "dimuat"]
    assert steps[BAD] == ["diterima portal", "ditolak"]
    # the run and its time: the time in the text, the run's id only in the technicians' details
    assert "proses malam, " in main_text(pages[SECOND])
    assert story["run_id"] not in main_text(pages[SECOND]) and story["run_id"] in pages[SECOND]
    # before the nightly: received, then waiting
    assert "menunggu proses malam pukul 02.00 WITA" in story["before"]["page"]


def test_the_letter_says_not_loaded_before_the_nightly_and_the_decision_after(story):
    b, ids = story["browser"], story["ids"]
    before = story["before"]
    assert "DITERIMA (dimuat)" not in before["letter"] and "BELUM DIMUAT" in before["letter"]
    assert before["json"]["berkas"][0]["keterangan"].startswith("LOLOS PEMERIKSAAN, BELUM DIMUAT")
    letters = {n: b.get(f"/kabupaten/5201/unggahan/{i}/tanda-terima.txt").text for n, i in ids.items()}
    documents = {n: b.get(f"/kabupaten/5201/unggahan/{i}/tanda-terima.json").json() for n, i in ids.items()}
    assert "Status: DITERIMA (dimuat)" in letters[SECOND]
    assert "Status: DITERIMA, digantikan berkas yang lebih baru" in letters[FIRST]
    assert "digantikan oleh 5201/pengganti.csv" in letters[FIRST]
    assert "Status: DITOLAK" in letters[BAD]
    statuses = {n: d["berkas"][0]["status"] for n, d in documents.items()}
    assert statuses == {FIRST: "superseded", SECOND: "loaded", BAD: "rejected"}
    assert {d["berkas"][0]["diputuskan_oleh"] for d in documents.values()} == {story["run_id"]}


def test_the_home_lists_what_changed_since_the_last_visit(story):
    b = story["browser"]
    # signing in opened the home once: nothing was decided between that and the next visit
    assert "Tidak ada keputusan baru dari proses malam." in story["first_visit"]
    with Browser(story["url"]) as province:  # a first visit has nothing to compare with
        province.login("prov")
        assert "Sejak kunjungan terakhir" not in province.get("/kabupaten/5201").text
    home = b.get("/kabupaten/5201").text
    section = home[home.index('id="perubahan"') : home.index("</section>", home.index('id="perubahan"'))]
    lines = [re.sub(r"\s+", " ", main_text(li)).strip() for li in re.findall(r"<li>.*?</li>", section, re.S)]
    assert any(line.startswith("5201/pengganti.csv (laporan 4 April 2018): dimuat") for line in lines)
    assert any(
        "5201/pertama.csv (laporan 4 April 2018): digantikan oleh 5201/pengganti.csv" in x for x in lines
    )
    assert any(line.startswith("5201/salah.csv (laporan 4 April 2018): ditolak") for line in lines)
    again = b.get("/kabupaten/5201").text  # the visit just made is the new last one
    assert "Tidak ada keputusan baru dari proses malam." in again


def listed(page: str) -> list[str]:
    body = page[page.index('id="daftar-unggahan"') :]
    return re.findall(r'<td data-label="Berkas">([^<]*)</td>', body)


def test_the_upload_list_filters_by_report_date_and_status(story):
    b = story["browser"]
    everything = b.get("/kabupaten/5201").text
    assert everything.count('<td data-label="Tanggal laporan" class="tanggal-laporan">4 April 2018</td>') == 3
    assert sorted(listed(everything)) == sorted([FIRST, SECOND, BAD])
    assert listed(b.get(f"/kabupaten/5201?tanggal_laporan={TODAY}&status=dimuat").text) == [SECOND]
    assert listed(b.get("/kabupaten/5201?status=digantikan").text) == [FIRST]
    assert listed(b.get("/kabupaten/5201?tanggal_laporan=2018-04-03").text) == []
    bad_status = b.get("/kabupaten/5201?status=loaded%27--")
    bad_date = b.get("/kabupaten/5201?tanggal_laporan=4-4-2018")
    assert bad_status.status_code == 400 and "Status harus salah satu dari" in bad_status.text
    assert bad_date.status_code == 400 and "TTTT-BB-HH" in bad_date.text


def test_findings_read_plainly_and_technical_ids_stay_in_the_details(story):
    b, ids = story["browser"], story["ids"]
    page = b.get(f"/kabupaten/5201/unggahan/{ids[BAD]}").text
    text = main_text(page)
    sha = re.search(r'<code class="hash">([0-9a-f]{64})</code>', page)
    assert sha and sha[1] not in text  # the hash is there, for a technician, in the details
    assert story["run_id"] not in text
    assert re.search(r'520101 <span class="nama-kec">Gerung</span>', page)
    assert "(rekam_melebihi_wajib)" not in page and "aturan rekam_melebihi_wajib" in page
    assert "Tanggal laporan</dt><dd>4 April 2018" in page and "2018-04-04" not in text


def test_an_upload_page_prints_on_one_a4_page(story, chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(story["url"] + "/masuk")
    page.fill("#nama", "lobar")
    page.fill("#sandi", "sandi-lobar-123")
    page.click("main button[type=submit]")
    page.wait_for_url(story["url"] + "/kabupaten/5201")
    page.goto(story["url"] + f"/kabupaten/5201/unggahan/{story['ids'][SECOND]}")
    pdf = page.pdf(format="A4")
    (ARTIFACTS / "tanda-terima-cetak.pdf").write_bytes(pdf)
    context.close()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

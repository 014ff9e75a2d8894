"""Receipts follow the decision (issue #21 items 5, 7, 8): an upload's timeline, the downloadable
letter before and after the nightly, what changed since the office's last visit, the upload list
by report date and status, plain findings (with the file's own header of each column), and a
receipt that prints on one A4 page.

One world of its own: the office sends three files for "today" (a first valid one, a replacement it
confirms, a rejected one), Kota Bima a rejected file for D2 whose headers are spelled its own way,
then the nightly of that date decides them."""

from __future__ import annotations

import re

import pytest

from tests.portal.support import (
    ARTIFACTS,
    D2,
    TODAY,
    Browser,
    build_world,
    csv_bytes,
    portal,
    run_nightly,
    valid_report,
)
from tests.uploads import KOTA_BIMA, row
from transforms.header import HEADER_SHOWN

FIRST, SECOND, BAD = "pertama.csv", "pengganti.csv", "salah.csv"
DETAILS = re.compile(r"<details.*?</details>", re.S)
UPLOAD_LINK = re.compile(r'href="/kabupaten/5201/unggahan/(\d+)"')
SPELLED = "rekap kobi.csv"
LONG = "Sudah" + "_" * 4990 + "Cetak"  # 5,000 characters that still read as sudah_cetak


def spelled_report() -> bytes:
    """Kota Bima's report of D2 under its own headers, with a finding on each spelled column: a
    text count under "Sudah Rekam", a no-break space in a count under "Wajib\\xa0KTP", more cards
    than recordings under a 5,000-character header, an unknown code under "KODE_KEC"; and a wrong
    name under `nama_kecamatan`, the canonical name itself."""
    header = f"Tanggal,KODE_KEC,nama_kecamatan,Wajib\xa0KTP,Sudah Rekam,belum_rekam,{LONG}"
    a, b, c, d, e = KOTA_BIMA
    rows = [
        f"{D2},{a},,1000,abc,,10",
        f"{D2},{b},,1000,900,100,950",
        f"{D2},{c},,12\xa0345,900,,900",
        f"{D2},{d},Bukan Nama,1000,900,100,900",
        f"{D2},{e},,1000,900,100,900",
        f"{D2},527299,,1000,900,100,900",
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


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
    with portal(world.settings) as url, Browser(url) as b, Browser(url) as kobi:
        b.login("lobar")
        kobi.login("kobi")
        (spelled,) = set(
            re.findall(
                r'href="/kabupaten/5272/unggahan/(\d+)"',
                kobi.upload("5272", (SPELLED, spelled_report())).text,
            )
        )
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
            "spelled_page": kobi.get(f"/kabupaten/5272/unggahan/{spelled}").text,
            "spelled_letter": kobi.get(f"/kabupaten/5272/unggahan/{spelled}/tanda-terima.txt").text,
        }
        summary = run_nightly(world.settings, tanggal=TODAY)
        yield {
            "url": url,
            "browser": b,
            "ids": ids,
            "first_visit": first_visit,
            "before": before,
            "run_id": summary["run_id"],
            "kobi": kobi,
            "spelled": spelled,
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


# --- the file's own header beside the canonical column ------------------------------------------------


def spelled_columns(page: str) -> list[tuple[str, str | None]]:
    """(canonical column, the file's header shown beside it or None) of each finding listed."""
    cells = re.findall(r'<td data-label="Kolom">(.*?)</td>', page, re.S)
    found = [
        re.fullmatch(r'([a-z_]+)(?: <span class="kolom-berkas">di berkas: "(.*)"</span>)?', c) for c in cells
    ]
    assert all(found), cells
    return [(m[1], m[2]) for m in found if m]


def test_each_finding_shows_the_files_own_header_beside_the_column(story):
    # before the nightly (the check) and after it (the check's and the nightly's findings), the
    # page shows each spelled column's header beside its canonical name, escaped and bounded; the
    # canonical name spelled as it is (nama_kecamatan) is not repeated
    kobi, spelled = story["kobi"], story["spelled"]
    after = kobi.get(f"/kabupaten/5272/unggahan/{spelled}").text
    for page, tables in ((story["before"]["spelled_page"], 1), (after, 2)):
        shown = dict(spelled_columns(page))
        assert shown["sudah_rekam"] == "Sudah Rekam"
        assert shown["kode_kecamatan"] == "KODE_KEC"
        assert shown["wajib_ktp"] == "Wajib\\xa0KTP"  # the no-break space written visibly
        assert shown["nama_kecamatan"] is None
        long = shown["sudah_cetak"]
        assert long is not None and len(long) == HEADER_SHOWN and long.endswith("…")
        assert LONG.startswith(long[:-1])
        assert "\xa0" not in page and "_" * HEADER_SHOWN not in page
        assert [kolom for kolom, _ in spelled_columns(page)].count("sudah_rekam") == tables


def test_the_letter_shows_the_files_own_header_and_the_json_keeps_its_keys(story):
    # the downloadable letter, before and after the nightly; the JSON document and the API's keys stay
    kobi, spelled = story["kobi"], story["spelled"]
    after = kobi.get(f"/kabupaten/5272/unggahan/{spelled}/tanda-terima.txt").text
    for letter in (story["before"]["spelled_letter"], after):
        assert (
            'sudah_rekam "abc" bukan bilangan bulat (kolom sudah_rekam; di berkas: "Sudah Rekam")' in letter
        )
        assert '(kolom kode_kecamatan; di berkas: "KODE_KEC")' in letter
        assert '(kolom wajib_ktp; di berkas: "Wajib\\xa0KTP")' in letter
        assert "nama_kecamatan; di berkas" not in letter and "\xa0" not in letter
        assert "_" * HEADER_SHOWN not in letter
    assert "Status: DITOLAK" in after
    document = kobi.get(f"/kabupaten/5272/unggahan/{spelled}/tanda-terima.json").text
    assert "kolom_berkas" not in document and "Sudah Rekam" not in document and "KODE_KEC" not in document


def test_a_stored_hostile_header_is_escaped_and_bounded_on_the_page():
    # a receipt read back from the upload log holds whatever was stored: markup and a right-to-left
    # override are escaped (autoescape, formats.visible) and the header bounded, on a finding's line
    from portal import riwayat
    from portal.render import _env

    hostile = "<script>alert(1)</script>\u202eSudah\xa0Rekam" + "x" * 5000
    finding = {
        "baris": 2,
        "kode_kecamatan": "520101",
        "kolom": "sudah_rekam",
        "nilai": "abc",
        "aturan": "angka_tidak_valid",
        "tingkat": "error",
        "pesan": 'baris 2 (520101): sudah_rekam "abc" bukan bilangan bulat',
    }
    shown = riwayat.plain([finding], {}, {"kolom_berkas": {"sudah_rekam": hostile}})
    html = str(_env.get_template("_tanda_terima.html.j2").module.daftar_temuan(shown, "Temuan"))
    ((kolom, header),) = spelled_columns(html)
    assert kolom == "sudah_rekam" and header is not None
    assert header.startswith("&lt;script&gt;alert(1)&lt;/script&gt;\\u202eSudah\\xa0Rekam")
    assert "<script>" not in html and "\u202e" not in html and "\xa0" not in html
    assert len(header.replace("&lt;", "<").replace("&gt;", ">")) == HEADER_SHOWN

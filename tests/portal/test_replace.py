"""No silent replacement (issue #21 item 4), on the office's pages: a valid file for a date that
already has one is checked but held, its receipt shows what would change and a button; only the
office's confirmation stores it; a byte-identical file is not stored again."""

from __future__ import annotations

import re
from datetime import date

from tests.portal.support import ARTIFACTS, LOMBOK_BARAT, PHONE, Browser, fits, valid_report

# Report dates no other portal test sends for.
DAY, SAME_FORM = date(2018, 1, 20), date(2018, 1, 21)


def inbox(world) -> set[str]:
    return {p.name for p in (world.landing / "5201").iterdir()}


def held_action(page: str) -> str:
    (action,) = re.findall(r'action="(/kabupaten/5201/unggahan/\d+/ganti)"', page)
    return action


def test_a_partial_file_is_held_loudly_until_the_office_confirms(world, base_url):
    with Browser(base_url) as office:
        office.login("lobar")
        first = office.upload("5201", ("lengkap 20 jan.csv", valid_report(DAY)))
        assert "LOLOS pemeriksaan" in first.text and "lengkap 20 jan.csv" in inbox(world)
        before = inbox(world)

        partial = valid_report(DAY, codes=LOMBOK_BARAT[:-3], base=5_200)
        page = office.upload("5201", ("sebagian 20 jan.csv", partial)).text
        assert inbox(world) == before  # held, not stored
        assert "BELUM DISIMPAN" in page
        assert "PERHATIAN: berkas baru memuat lebih sedikit kecamatan" in page
        assert "3 kecamatan ada di berkas lama tetapi tidak ada di berkas baru" in page
        assert all(f"({k})" in page for k in LOMBOK_BARAT[-3:])
        assert "5201/lengkap 20 jan.csv" in page and "menunggu proses malam" in page
        action = held_action(page)

        # another district, the province and the admin cannot confirm it
        for nama in ("kobi", "prov", "adm"):
            with Browser(base_url) as other:
                other.login(nama)
                assert other.post(action).status_code == 403
        assert inbox(world) == before

        confirmed = office.post(action)
        assert confirmed.status_code == 303
        page = office.get(confirmed.headers["location"]).text
        assert "sebagian 20 jan.csv" in inbox(world)
        assert "LOLOS pemeriksaan: akan dimuat proses malam" in page and "/ganti" not in page
        assert office.post(action).status_code == 404  # confirmed once, never twice

        # the same bytes again: not stored, said plainly
        again = office.upload("5201", ("sebagian lagi.csv", partial)).text
        assert "sama persis dengan berkas yang sudah ada" in again and "sebagian lagi.csv" not in inbox(world)


def test_a_comparison_with_as_many_kecamatan_is_not_loud(world, base_url):
    with Browser(base_url) as office:
        office.login("lobar")
        # two valid files of one date in one form: the first is stored, the second compared with it
        page = office.upload(
            "5201",
            ("pagi.csv", valid_report(SAME_FORM)),
            ("sore.csv", valid_report(SAME_FORM, base=5_010)),
        ).text
    assert "pagi.csv" in inbox(world) and "sore.csv" not in inbox(world)
    assert "Sudah ada berkas untuk tanggal ini" in page and "PERHATIAN" not in page
    assert "tidak ada di berkas baru" not in page
    held_action(page)  # one button, for the second file


PHONE_DAY = date(2018, 1, 22)


def test_on_a_phone_the_office_reads_the_comparison_and_confirms(world, base_url, chromium):
    files = world.landing.parent / "telepon"
    files.mkdir(exist_ok=True)
    (files / "lengkap.csv").write_bytes(valid_report(PHONE_DAY))
    (files / "kurang.csv").write_bytes(valid_report(PHONE_DAY, codes=LOMBOK_BARAT[:-1], base=5_300))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport=PHONE, is_mobile=True)
    page.goto(base_url + "/masuk")
    page.fill("#nama", "lobar")
    page.fill("#sandi", "sandi-lobar-123")
    page.click("main button[type=submit]")
    page.wait_for_url(base_url + "/kabupaten/5201")
    page.set_input_files("#berkas", [str(files / "lengkap.csv"), str(files / "kurang.csv")])
    page.click("form[action='/kabupaten/5201/unggah'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/kabupaten/5201/kiriman/.*"))
    loud = page.locator(".perbandingan.keras")
    assert "PERHATIAN" in loud.inner_text()
    button = page.locator("button.ganti")
    assert button.bounding_box()["height"] >= 44  # a tap target
    # nothing scrolls sideways on a phone
    assert fits(page)
    page.screenshot(path=str(ARTIFACTS / "ganti-berkas-telepon.png"), full_page=True)
    button.click()
    page.wait_for_url(re.compile(r".*/kabupaten/5201/kiriman/.*"))
    assert page.locator("button.ganti").count() == 0
    assert "kurang.csv" in inbox(world)
    page.close()

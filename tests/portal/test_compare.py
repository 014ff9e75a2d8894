"""What a new file for a date would replace (portal.compare): the waiting file, else the loaded
figures the warehouse gives for the date, read only for a date that has a loaded file."""

from __future__ import annotations

from datetime import date, timedelta

from portal import compare, db, deliver, pages
from portal.checker import Checker
from portal.state import Portal
from tests.portal.support import D1, D2, D3, Browser, valid_report
from tests.uploads import KOTA_BIMA

# Loaded every day; loaded on D1 and D2 and late on D3; loaded on D1, rejected on D3, missing on D2.
DISTRICTS = ("5201", "5272", "5208")
DAYS = (D1, D2, D3, D3 + timedelta(days=1), date(2017, 6, 1))


def _portal(world) -> Portal:
    path = db.path_of(world.settings)
    staging = deliver.staging_of(path)
    return Portal(world.settings, path, staging, Checker(world.settings, staging), None, {})


def test_the_answer_is_the_loaded_figures_the_warehouse_gives_for_the_date(world):
    portal = _portal(world)
    seen = set()
    for kode in DISTRICTS:
        for day in DAYS:
            found = compare.existing(portal, kode, day)
            if found is not None and found.keadaan == "menunggu":
                continue  # another test's upload waits for the nightly on that date
            rows = [k for k in pages.kecamatan(world.settings, kode, day) or [] if k["dilaporkan"]]
            expected = (
                compare.Figures(
                    rows[0]["file_sumber"],
                    "dimuat",
                    {k["kode_kecamatan"]: (k["wajib_ktp"], k["sudah_rekam"]) for k in rows},
                )
                if rows
                else None
            )
            assert found == expected, (kode, day)
            seen.add(found.keadaan if found else None)
    assert {"dimuat", None} <= seen  # both kinds of answer were compared


def test_the_loaded_figures_are_read_only_for_a_date_with_a_loaded_file(world, monkeypatch):
    portal = _portal(world)
    read: list[tuple[str, date]] = []
    kecamatan = pages.kecamatan

    def counted(settings, kode, tanggal):
        read.append((kode, tanggal))
        return kecamatan(settings, kode, tanggal)

    monkeypatch.setattr(pages, "kecamatan", counted)
    for kode, day in (("5208", D3), ("5208", D2), ("5201", date(2017, 6, 1))):  # rejected, none, none
        assert compare.existing(portal, kode, day) is None
    assert read == []
    loaded = compare.existing(portal, "5201", D2)
    assert loaded is not None and loaded.keadaan == "dimuat" and read == [("5201", D2)]


def test_a_waiting_file_is_found_and_one_gone_from_the_inbox_is_passed_over(world, base_url):
    """A file sent through the portal waits for the nightly: it is what a new file would replace;
    once it left the inbox, the date has nothing to replace (no run decided a file of it)."""
    portal, day = _portal(world), date(2018, 3, 7)  # a date no other portal test sends for
    with Browser(base_url) as office:
        office.login("lobar")
        page = office.upload("5201", ("menunggu 7 mar.csv", valid_report(day)))
    assert "LOLOS pemeriksaan" in page.text
    assert pages.decided(world.settings, "5201", tanggal=day) == []
    found = compare.existing(portal, "5201", day)
    assert found is not None and found.keadaan == "menunggu" and found.berkas == "5201/menunggu 7 mar.csv"

    (world.landing / "5201" / "menunggu 7 mar.csv").unlink()
    assert compare.existing(portal, "5201", day) is None


def test_a_waiting_file_gone_from_the_inbox_leaves_the_loaded_one_to_replace(world, base_url):
    """Kota Bima's D1 is loaded; a correction confirmed through the portal waits, then leaves the
    inbox: what a new file would replace is the loaded one again."""
    portal = _portal(world)
    with Browser(base_url) as office:
        office.login("kobi")
        page = office.upload(
            "5272", ("koreksi 1 april.csv", valid_report(D1, codes=KOTA_BIMA, base=6_000)), ganti=True
        )
    assert "LOLOS pemeriksaan" in page.text
    waiting = compare.existing(portal, "5272", D1)
    assert waiting is not None and waiting.keadaan == "menunggu"

    (world.landing / "5272" / "koreksi 1 april.csv").unlink()
    loaded = compare.existing(portal, "5272", D1)
    assert loaded is not None and loaded.keadaan == "dimuat" and loaded.berkas.startswith("5272/")
    assert len(loaded.kecamatan) == len(KOTA_BIMA)

"""What a new file for a date would replace (portal.compare), read with the date's decided files
once: the answer is the one the warehouse gives without them, and the loaded figures are read
only for a date that has a loaded file."""

from __future__ import annotations

from datetime import date, timedelta

from portal import compare, db, deliver, pages
from portal.checker import Checker
from portal.state import Portal
from tests.portal.support import D1, D2, D3

# Loaded every day; loaded on D1 and D2 and late on D3; loaded on D1, rejected on D3, missing on D2.
DISTRICTS = ("5201", "5272", "5208")
DAYS = (D1, D2, D3, D3 + timedelta(days=1), date(2017, 6, 1))


def _portal(world) -> Portal:
    path = db.path_of(world.settings)
    staging = deliver.staging_of(path)
    return Portal(world.settings, path, staging, Checker(world.settings, staging), None, {})


def test_the_date_s_decided_files_give_the_answer_the_warehouse_gives(world):
    portal = _portal(world)
    seen = set()
    for kode in DISTRICTS:
        for day in DAYS:
            decided = pages.decided(world.settings, kode, tanggal=day)
            found = compare.existing(portal, kode, day, decided)
            assert found == compare.existing(portal, kode, day), (kode, day)
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
        assert compare.existing(portal, kode, day, pages.decided(world.settings, kode, tanggal=day)) is None
    assert read == []
    loaded = compare.existing(portal, "5201", D2, pages.decided(world.settings, "5201", tanggal=D2))
    assert loaded is not None and loaded.keadaan == "dimuat" and read == [("5201", D2)]

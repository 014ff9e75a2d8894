"""Writing an upload into the landing folder: whole, never over another file, nothing left behind."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest

from contract.errors import UsageError
from portal.deliver import deliver, prepare

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


@pytest.fixture
def folders(tmp_path):
    landing, staging = tmp_path / "landing", tmp_path / "portal-sementara"
    landing.mkdir()
    prepare(landing, staging)
    return landing, staging


def test_a_taken_name_gets_a_number_and_nothing_is_overwritten(folders):
    landing, staging = folders
    (landing / "5201").mkdir()
    (landing / "5201" / "rekap.csv").write_bytes(b"yang lama")
    assert deliver(landing, staging, "5201", "rekap.csv", b"baru 1") == "5201/rekap (2).csv"
    assert deliver(landing, staging, "5201", "rekap.csv", b"baru 2") == "5201/rekap (3).csv"
    assert (landing / "5201" / "rekap.csv").read_bytes() == b"yang lama"
    assert (landing / "5201" / "rekap (3).csv").read_bytes() == b"baru 2"
    assert list(staging.iterdir()) == []  # no temporary file left


def test_many_uploads_of_one_name_at_once_each_land_whole(folders):
    # ten offices' worth of the same name at the same moment: ten files, each with its own bytes
    landing, staging = folders
    payloads = [bytes([i]) * 200_000 for i in range(10)]
    with ThreadPoolExecutor(10) as pool:
        stored = list(pool.map(lambda data: deliver(landing, staging, "5201", "rekap.csv", data), payloads))
    assert len(set(stored)) == 10
    on_disk = {hashlib.sha256((landing / s).read_bytes()).hexdigest() for s in stored}
    assert on_disk == {hashlib.sha256(p).hexdigest() for p in payloads}
    assert sorted(p.name for p in (landing / "5201").iterdir())[:2] == ["rekap (10).csv", "rekap (2).csv"]


def test_a_missing_landing_folder_is_one_clear_error(tmp_path):
    with pytest.raises(UsageError, match="folder landing tidak ada"):
        prepare(tmp_path / "tidak-ada", tmp_path / "sementara")


def test_stale_leftovers_of_a_killed_portal_are_removed(folders, tmp_path):
    import os

    landing, staging = folders
    old = staging / ".unggah-abc"
    old.write_bytes(b"setengah")
    os.utime(old, (1, 1))
    fresh = staging / ".unggah-def"  # perhaps another portal's upload in progress: kept
    fresh.write_bytes(b"sedang ditulis")
    prepare(landing, staging)
    assert [p.name for p in staging.iterdir()] == [".unggah-def"]

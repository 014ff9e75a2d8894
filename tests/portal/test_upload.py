"""portal/upload.py without a server: the staged files reach the disk while they are checked, and
one whose bytes cannot be written is refused with its reason while the others land."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from portal import db, deliver, store, upload
from portal.accounts import Akun

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


@pytest.fixture
def portal(tmp_path):
    landing, staging = tmp_path / "landing", tmp_path / "portal-sementara"
    landing.mkdir()
    deliver.prepare(landing, staging)
    return SimpleNamespace(
        settings=SimpleNamespace(landing=landing), staging=staging, db=db.create(tmp_path / "portal.sqlite")
    )


def _received(name: str, data: bytes) -> upload.Received:
    return upload.Received(name, name, data, len(data), "0" * 64, None)


def _refused_receipt(name: str) -> dict:
    """A check's receipt that needs no warehouse to settle: a file refused for its contents."""
    return {"tanggal": None, "status": "rejected", "alasan": f"isi {name}", "kesalahan": 1, "peringatan": 0}


def test_a_staged_file_waits_for_the_disk_only_when_it_is_synced_and_then_lands_whole(portal):
    received = [_received("a.csv", b"isi a"), _received("b.csv", b"isi b")]
    upload.stage(portal, received)
    assert all(r.staged is not None and r.staged.read_bytes() == r.data for r in received)
    upload.sync(received)
    assert [r.alasan for r in received] == [None, None]
    upload.settle(portal, "5201", received, iter(map(_refused_receipt, "ab")), None, False)
    assert [r.berkas for r in received] == ["5201/a.csv", "5201/b.csv"]
    assert (portal.settings.landing / "5201" / "b.csv").read_bytes() == b"isi b"
    assert list(portal.staging.iterdir()) == []


def test_a_file_whose_bytes_cannot_reach_the_disk_is_refused_and_the_others_land(portal):
    received = [_received(f"{n}.csv", f"isi {n}".encode()) for n in "abc"]
    upload.stage(portal, received)
    # Its fsync fails for real: a loop of links cannot be opened. (A link to it cannot be made
    # either, so this does not show the settle's own refusal, which keeps a file whose fsync
    # failed with EIO, and which could still be linked, out of the inbox.)
    received[1].staged.unlink()
    received[1].staged.symlink_to(received[1].staged.name)
    upload.sync(received)
    assert received[1].alasan is not None and "tidak dapat disimpan di server" in received[1].alasan
    assert received[0].alasan is None and received[2].alasan is None
    # each file still meets its own receipt: the check answered for all three
    upload.settle(portal, "5201", received, iter(map(_refused_receipt, "abc")), None, False)
    assert [r.berkas for r in received] == ["5201/a.csv", None, "5201/c.csv"]
    assert received[2].receipt is not None and received[2].receipt["alasan"] == "isi c"
    assert received[1].receipt is None and received[1].staged is None
    akun = Akun("kab5201", "kabupaten", "5201")
    ids = upload.record(portal, akun, "5201", "k1", "10.0.0.1", received, None)
    logged = {r["nama_asli"]: r for r in store.of_submission(portal.db, "5201", "k1")}
    assert len(ids) == 3
    assert logged["b.csv"]["hasil"] == "ditolak_portal"
    assert "tidak dapat disimpan di server" in logged["b.csv"]["alasan"]
    assert [logged[n]["hasil"] for n in ("a.csv", "c.csv")] == ["rejected", "rejected"]
    assert list(portal.staging.iterdir()) == []

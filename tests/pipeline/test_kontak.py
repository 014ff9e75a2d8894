"""pipeline/kontak.py: contacts in the portal's database, each connection closed when its work ends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from contract.errors import UsageError
from pipeline import kontak
from portal import db


def _open_descriptors(path: Path) -> list[str]:
    """This process's descriptors on the file (or its WAL and shared memory)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed meanwhile (the listing's own)
        if target.startswith(str(path)):
            found.append(target)
    return found


def test_contacts_are_kept_read_and_their_connections_closed(tmp_path):
    # the portal's process keeps its own connections to this file: one left open here, to be
    # closed whenever it is collected, would be a descriptor of it closing at an unknown moment
    path = db.create(tmp_path / "portal.sqlite")
    with db.connect(path) as con:
        con.execute(
            "insert into akun values ('lobar', 'kabupaten', '5201', 'h', 't', 't', 0, 0),"
            " ('prov', 'provinsi', null, 'h', 't', 't', 0, 0)"
        )
    kontak.set_contact(path, "lobar", "kabupaten", "kadis@lombokbaratkab.go.id", True)
    kontak.set_contact(path, "prov", "provinsi", "dukcapil@ntbprov.go.id", False)
    assert kontak.addresses(path) == [
        ("lobar", "kabupaten", "5201", "kadis@lombokbaratkab.go.id"),
        ("prov", "provinsi", None, "dukcapil@ntbprov.go.id"),
    ]
    assert kontak.may_sign_off(path, "lobar") and not kontak.may_sign_off(path, "prov")
    assert _open_descriptors(path) == []


def test_a_province_account_may_not_sign_off(tmp_path):
    path = db.create(tmp_path / "portal.sqlite")
    with pytest.raises(UsageError, match="hanya untuk akun kabupaten"):
        kontak.set_contact(path, "prov", "provinsi", None, True)


@pytest.mark.parametrize(
    ("surel", "shown"),
    [
        # an escape sequence or a direction mark was taken as part of an address, and printed as
        # it was by `ektp akun surel` and `daftar`
        ("kadis\x1b[2J@lombokbaratkab.go.id", "kadis\\x1b[2J@lombokbaratkab.go.id"),
        ("kadis\u202e@lombokbaratkab.go.id", "kadis\\u202e@lombokbaratkab.go.id"),
        ("kadis\u200b@lombokbaratkab.go.id", "kadis\\u200b@lombokbaratkab.go.id"),
        ("kadis@lombokbaratkab", "kadis@lombokbaratkab"),
        ("a@b.id,c@d.id", "a@b.id,c@d.id"),
        ("", ""),
    ],
)
def test_an_address_is_one_plain_address(tmp_path, surel, shown):
    path = db.create(tmp_path / "portal.sqlite")
    with pytest.raises(UsageError) as refused:
        kontak.set_contact(path, "lobar", "kabupaten", surel, False)
    assert refused.value.message == (
        f"alamat surel harus satu alamat, mis. dukcapil@lombokbaratkab.go.id (tertulis: '{shown}')"
    )
    assert kontak.addresses(path) == []

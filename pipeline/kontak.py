"""Who is told (CONTRACT §3 `ektp akun --surel`, `--boleh-setujui`): an account's e-mail address,
and whether a `kabupaten` account is the district head's, who may sign off.

Kept in the portal's own database (never the warehouse, which analysts read), in a table of its
own beside the portal's `akun`: reminders read it with the accounts' role and district."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

from contract.errors import UsageError
from contract.formats import visible

SCHEMA = """
create table if not exists akun_kontak (
    nama text primary key,
    surel text,
    boleh_setujui integer not null default 0
);
"""
# One address, no display name, no spaces or line breaks (it goes into a mail header).
SUREL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def check_address(surel: str | None) -> None:
    """A UsageError unless `surel` is None or one e-mail address; what was written is shown with
    its hidden characters escaped (the same words for `--surel`, `ektp akun surel` and /admin)."""
    # A control or direction character (an escape sequence, U+202E) is never part of an address:
    # it would reach a terminal, a page or a mail header as it is.
    if surel is not None and not (surel.isprintable() and SUREL.match(surel)):
        raise UsageError(
            "alamat surel harus satu alamat, mis. dukcapil@lombokbaratkab.go.id"
            f" (tertulis: '{visible(surel)}')"
        )


def set_contact(path: Path, nama: str, peran: str, surel: str | None, boleh_setujui: bool) -> None:
    """Record the account's address and sign-off right (after the account was made)."""
    check_address(surel)
    if boleh_setujui and peran != "kabupaten":
        raise UsageError("--boleh-setujui hanya untuk akun kabupaten (kepala dinas kabupaten/kota)")
    with closing(sqlite3.connect(path)) as con, con:  # closed, not only committed
        con.executescript(SCHEMA)
        con.execute(
            "insert into akun_kontak values (?, ?, ?) on conflict (nama) do update"
            " set surel = excluded.surel, boleh_setujui = excluded.boleh_setujui",
            [nama, surel, int(boleh_setujui)],
        )


def addresses(path: Path) -> list[tuple[str, str, str | None, str]]:
    """(nama, peran, kode_kabupaten, surel) of every account that has an address."""
    if not path.exists():
        return []
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        tables = {n for (n,) in con.execute("select name from sqlite_master where type = 'table'")}
        if not {"akun", "akun_kontak"} <= tables:
            return []
        return con.execute(
            "select akun.nama, akun.peran, akun.kode_kabupaten, akun_kontak.surel from akun"
            " join akun_kontak using (nama) where akun_kontak.surel is not null order by akun.nama"
        ).fetchall()


def may_sign_off(path: Path, nama: str) -> bool:
    """The account is a district head's (the portal's sign-off page asks this)."""
    if not path.exists():
        return False
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        tables = {n for (n,) in con.execute("select name from sqlite_master where type = 'table'")}
        if "akun_kontak" not in tables:
            return False
        found = con.execute("select boleh_setujui from akun_kontak where nama = ?", [nama]).fetchall()
    return bool(found and found[0][0])

"""API tokens: one per kabupaten office, for its own systems (many export from SIAK) to send files
through /api/v1 (portal.routes.api). A token is shown once, when it is made (`ektp akun token
NAMA`, or the admin page), and stored only as its SHA-256: a copy of the database opens nothing.
A new token replaces the old one; `--cabut` (or the admin page) revokes it.

SHA-256, not argon2: a token is 256 random bits, which no dictionary guesses, and it is checked
on every API call.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from contract.errors import UsageError
from portal import accounts, auth, db, store
from portal.accounts import Akun

PREFIX = "ektp_"  # so that a token pasted somewhere it should not be is recognisable
MAX_LENGTH = 100


def create(path: Path, nama: str) -> str:
    """A new token for the office account `nama` (its old one stops working); returned once."""
    akun = accounts.get(path, nama)
    if akun is None:
        raise UsageError("akun tidak ada", nama=nama)
    if akun.peran != "kabupaten":
        raise UsageError("token API hanya untuk akun kabupaten (kantor yang mengirim berkas)", nama=nama)
    token = PREFIX + secrets.token_urlsafe(32)
    with db.connect(path) as con:
        con.execute(
            store.sql("token_simpan"),
            {"akun": nama, "token_hash": auth.digest(token), "pada": accounts.now_iso()},
        )
    return token


def revoke(path: Path, nama: str) -> bool:
    """Revoke the account's token; False when it had none."""
    if accounts.get(path, nama) is None:
        raise UsageError("akun tidak ada", nama=nama)
    with db.connect(path) as con:
        return con.execute("delete from token_api where akun = ?", [nama]).rowcount > 0


def holders(path: Path) -> dict[str, str]:
    """Account name -> when its token was made, for every account that has one."""
    with db.connect(path) as con:
        return {r["akun"]: r["dibuat_pada"] for r in con.execute("select akun, dibuat_pada from token_api")}


def account(path: Path, token: str | None) -> Akun | None:
    """The office a token belongs to, or None (no token, unknown, revoked, disabled account)."""
    if not token or len(token) > MAX_LENGTH or not token.startswith(PREFIX):
        return None
    with db.connect(path) as con:
        row = con.execute(store.sql("token_akun"), {"token_hash": auth.digest(token)}).fetchone()
    return Akun(row["nama"], row["peran"], row["kode_kabupaten"]) if row else None

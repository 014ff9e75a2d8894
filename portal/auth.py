"""Sessions and CSRF tokens (login throttling: portal.throttle).

A session is a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
SHA-256, so a copy of the database opens no session. Each session has its own CSRF token, which
every form carries and every POST must present. The login form, before any session, carries a
token that must equal a cookie of its own (double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from portal import db
from portal.accounts import Akun

SESSION_COOKIE = "ektp_sesi"
LOGIN_COOKIE = "ektp_masuk"
IDLE_SECONDS = 2 * 3600  # a session unused this long ends
LIFETIME_SECONDS = 12 * 3600  # and any session ends after a working day


@dataclass(frozen=True)
class Session:
    akun: Akun
    csrf: str
    token_hash: str


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(expected: str | None, given: str | None) -> bool:
    """Constant-time equality of two tokens; a missing one is never equal."""
    if not expected or not given:
        return False
    return hmac.compare_digest(
        expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass")
    )


def start(path: Path, akun: Akun) -> tuple[str, str]:
    """A new session for `akun`: (cookie token, CSRF token)."""
    token, csrf, now = new_token(), new_token(), time.time()
    with db.connect(path) as con:
        con.execute("insert into sesi values (?, ?, ?, ?, ?)", [digest(token), akun.nama, csrf, now, now])
        con.execute(
            "delete from sesi where dipakai_pada < ? or dibuat_pada < ?",
            [now - IDLE_SECONDS, now - LIFETIME_SECONDS],
        )
    return token, csrf


def current(path: Path, token: str | None) -> Session | None:
    """The live session of a cookie token, touched; None when absent, unknown or expired."""
    if not token or len(token) > 100:
        return None
    now = time.time()
    with db.connect(path) as con:
        row = con.execute(
            "select s.token_hash, s.csrf, s.dibuat_pada, s.dipakai_pada, a.nama, a.peran, a.kode_kabupaten,"
            " a.harus_ganti"
            " from sesi s join akun a on a.nama = s.akun where s.token_hash = ?",
            [digest(token)],
        ).fetchone()
        if row is None:
            return None
        if row["dipakai_pada"] < now - IDLE_SECONDS or row["dibuat_pada"] < now - LIFETIME_SECONDS:
            con.execute("delete from sesi where token_hash = ?", [row["token_hash"]])
            return None
        if now - row["dipakai_pada"] > 60:  # one write a minute is enough to keep it alive
            con.execute("update sesi set dipakai_pada = ? where token_hash = ?", [now, row["token_hash"]])
    akun = Akun(row["nama"], row["peran"], row["kode_kabupaten"], bool(row["harus_ganti"]))
    return Session(akun, row["csrf"], row["token_hash"])


def end(path: Path, session: Session) -> None:
    with db.connect(path) as con:
        con.execute("delete from sesi where token_hash = ?", [session.token_hash])

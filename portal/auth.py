"""Sessions, CSRF tokens and login throttling.

A session is a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
SHA-256, so a copy of the database opens no session. Each session has its own CSRF token, which
every form carries and every POST must present. The login form, before any session, carries a
token that must equal a cookie of its own (double submit).

Throttling: 5 failed logins for one account from one address within 15 minutes lock that pair for
15 minutes from the last failure; 20 from any address lock the account itself (against a guesser
who changes address). A locked login is refused before its password is looked at.
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
FAILURES_PER_ADDRESS = 5
FAILURES_PER_ACCOUNT = 20
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


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
            "select s.token_hash, s.csrf, s.dibuat_pada, s.dipakai_pada, a.nama, a.peran, a.kode_kabupaten"
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
    return Session(Akun(row["nama"], row["peran"], row["kode_kabupaten"]), row["csrf"], row["token_hash"])


def end(path: Path, session: Session) -> None:
    with db.connect(path) as con:
        con.execute("delete from sesi where token_hash = ?", [session.token_hash])


def locked_until(path: Path, nama: str, ip: str) -> float | None:
    """Until when (Unix seconds) logins of `nama` from `ip` are refused, or None."""
    now = time.time()
    with db.connect(path) as con:
        pair = _recent(con, "akun = ? and ip = ?", [nama, ip], now)
        anywhere = _recent(con, "akun = ?", [nama], now)
    until = [
        times[0] + LOCKOUT_SECONDS
        for times, limit in ((pair, FAILURES_PER_ADDRESS), (anywhere, FAILURES_PER_ACCOUNT))
        if len(times) >= limit
    ]
    later = max(until, default=None)
    return later if later and later > now else None


def _recent(con, where: str, params: list, now: float) -> list[float]:
    """Failure times within the window, newest first."""
    rows = con.execute(
        f"select pada from gagal_masuk where {where} and pada > ? order by pada desc",  # where: our constants
        [*params, now - WINDOW_SECONDS],
    ).fetchall()
    return [r[0] for r in rows]


def failed(path: Path, nama: str, ip: str) -> None:
    """Record a failed login (and forget failures older than a day)."""
    now = time.time()
    with db.connect(path) as con:
        con.execute("insert into gagal_masuk values (?, ?, ?)", [nama, ip, now])
        con.execute("delete from gagal_masuk where pada < ?", [now - 86400])


def succeeded(path: Path, nama: str, ip: str) -> None:
    with db.connect(path) as con:
        con.execute("delete from gagal_masuk where akun = ? and ip = ?", [nama, ip])

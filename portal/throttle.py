"""Login throttling: atomic, per account and address, and never a lockout by strangers.

Every attempt is recorded *before* its password is hashed, in the same transaction that decides
whether it may proceed (SQLite `begin immediate`: one writer at a time), so N allowed attempts
are at most N password checks however many arrive at once. A running attempt counts as a failure
until it ends; a success removes it and the failures of that account from that address.

The policy (OWASP's "slow down online guessing" without an account lockout):
- per account and address: 5 failures within a day, then a growing delay from the last failure
  (5 minutes, doubling with each further failure, at most an hour);
- per address, across every account name: 20 failures within 15 minutes, then the same kind of
  delay (a guesser trying every office from one machine);
- per account, across addresses: once 20 failures arrived within 15 minutes (the account is under
  attack), an address that has failed for it waits from its first failure, not its fifth.
An address that has not been failing for the account is never refused because of other
addresses: the office's right password always signs it in. An admin sees and clears throttles
(the admin page, `listing`/`clear`).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from portal import db

PAIR_FAILURES = 5
ADDRESS_FAILURES = 20
ACCOUNT_FAILURES = 20  # from any address: the account is under attack
PAIR_WINDOW = 24 * 3600
WINDOW = 15 * 60
FIRST_DELAY = 5 * 60
MAX_DELAY = 3600
KEPT = 24 * 3600  # failures older than this are forgotten


@dataclass(frozen=True)
class Attempt:
    """An attempt allowed to check its password (`id`), or refused until `until` (Unix seconds)."""

    id: int | None
    until: float | None = None


def delay(failures: int, limit: int) -> float:
    """Seconds to wait after the last failure, once `failures` reached `limit` (0 before)."""
    if failures < limit:
        return 0.0
    return float(min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - limit)))


def begin(path: Path, nama: str, ip: str, now: float | None = None) -> Attempt:
    """Decide an attempt of `nama` from `ip` and, when it may go on, record it as running."""
    now = time.time() if now is None else now
    with db.connect(path) as con, db.transaction(con):
        until = _refused_until(con, nama, ip, now)
        if until is not None:
            return Attempt(None, until)
        cursor = con.execute(
            "insert into percobaan_masuk (akun, ip, pada, berjalan) values (?, ?, ?, 1)", [nama, ip, now]
        )
        con.execute("delete from percobaan_masuk where pada < ?", [now - KEPT])
        return Attempt(cursor.lastrowid)


def _refused_until(con: sqlite3.Connection, nama: str, ip: str, now: float) -> float | None:
    pair = _times(con, "akun = ? and ip = ?", [nama, ip], now - PAIR_WINDOW)
    address = _times(con, "ip = ?", [ip], now - WINDOW)
    attacked = len(_times(con, "akun = ?", [nama], now - WINDOW)) >= ACCOUNT_FAILURES
    pair_limit = 1 if attacked else PAIR_FAILURES
    until = [
        times[0] + delay(len(times), limit)
        for times, limit in ((pair, pair_limit), (address, ADDRESS_FAILURES))
        if len(times) >= limit
    ]
    later = max(until, default=None)
    return later if later is not None and later > now else None


def _times(con: sqlite3.Connection, where: str, params: list, since: float) -> list[float]:
    """Failure (and running attempt) times since `since`, newest first."""
    rows = con.execute(
        f"select pada from percobaan_masuk where {where} and pada > ? order by pada desc",  # where: ours
        [*params, since],
    ).fetchall()
    return [r[0] for r in rows]


def failed(path: Path, attempt: Attempt) -> None:
    with db.connect(path) as con:
        con.execute("update percobaan_masuk set berjalan = 0 where id = ?", [attempt.id])


def succeeded(path: Path, attempt: Attempt, nama: str, ip: str) -> None:
    """The attempt and the account's failures from that address are forgotten."""
    with db.connect(path) as con:
        con.execute(
            "delete from percobaan_masuk where id = ? or (akun = ? and ip = ?)", [attempt.id, nama, ip]
        )


def abandoned(path: Path, attempt: Attempt) -> None:
    """An attempt whose password was never checked (the request ended first) does not count."""
    with db.connect(path) as con:
        con.execute("delete from percobaan_masuk where id = ? and berjalan = 1", [attempt.id])


def listing(path: Path, now: float | None = None) -> list[dict]:
    """Every account and address with failures of the last day, and until when each is refused."""
    now = time.time() if now is None else now
    with db.connect(path) as con:
        rows = con.execute(
            "select akun, ip, count(*) as gagal, max(pada) as terakhir from percobaan_masuk"
            " where berjalan = 0 and pada > ? group by akun, ip order by terakhir desc",
            [now - KEPT],
        ).fetchall()
        found = []
        for r in rows:
            until = _refused_until(con, r["akun"], r["ip"], now)
            found.append({**dict(r), "sampai": until})
    return found


def clear(path: Path, nama: str | None = None, ip: str | None = None) -> int:
    """Forget the failures of an account, of an address, or of both together; how many."""
    if nama is None and ip is None:
        raise ValueError("clear what: an account, an address or both")
    clauses = [c for c, v in (("akun = ?", nama), ("ip = ?", ip)) if v is not None]
    with db.connect(path) as con:
        return con.execute(
            f"delete from percobaan_masuk where {' and '.join(clauses)}",  # clauses: ours
            [v for v in (nama, ip) if v is not None],
        ).rowcount

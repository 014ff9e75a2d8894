"""The upload log (table `unggahan` of the portal database): every file sent through the portal,
who sent it, its bytes' hash and what the check said. Its SQL lives in portal/sql/, parameters
always bound.

An id is looked up only within the district of the path, so another district's upload is
"not found", exactly like a missing one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from portal import db

SQL = Path(__file__).resolve().parent / "sql"
# SQLite integers are signed 64-bit: a larger id is no row (and must not reach the driver,
# which raises OverflowError for it).
MAX_ID = 2**63 - 1
HELD = "menunggu_konfirmasi"  # a valid file for a date that has one, held until its office confirms
SAME = "sama_persis"  # byte-identical to a file the district sent for that date: not stored again

Row = dict[str, Any]
COLUMNS = (
    "kiriman",
    "akun",
    "kode_kabupaten",
    "nama_asli",
    "berkas",
    "sha256",
    "ukuran",
    "diunggah_pada",
    "ip",
    "hasil",
    "alasan",
    "kesalahan",
    "peringatan",
    "tanda_terima",
    "tanggal",
    "perbandingan",
    "tunda",
)


@cache
def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def _rows(path: Path, name: str, **params: object) -> list[Row]:
    with db.connect(path) as con:
        return [dict(r) for r in con.execute(sql(name), params).fetchall()]


def add(path: Path, rows: Iterable[Row]) -> list[int]:
    """Rows of one submission, all or none; their ids, in order."""
    rows = list(rows)
    missing = [c for r in rows for c in COLUMNS if c not in r]
    if missing:
        raise ValueError(f"upload log rows lack {sorted(set(missing))}")

    def insert(con: sqlite3.Connection) -> list[int | None]:
        return [con.execute(sql("unggahan_tambah"), {c: r[c] for c in COLUMNS}).lastrowid for r in rows]

    # Committed with the other submissions logged at the same moment (a round's offices): one
    # wait for the disk for all.
    ids = db.together(path, insert)
    return [i for i in ids if i is not None]  # an insert always has its row id


def of_district(path: Path, kode: str, limit: int) -> list[Row]:
    return _rows(path, "unggahan_kabupaten", kode=kode, batas=limit)


def filtered(path: Path, kode: str, tanggal: date | None, limit: int) -> list[Row]:
    """The district's latest uploads of report date `tanggal` (None: any)."""
    return _rows(path, "unggahan_saring", kode=kode, tanggal=tanggal and tanggal.isoformat(), batas=limit)


def of_submission(path: Path, kode: str, kiriman: str) -> list[Row]:
    return _rows(path, "unggahan_kiriman", kode=kode, kiriman=kiriman)


def one(path: Path, kode: str, upload_id: int) -> Row | None:
    if not 0 <= upload_id <= MAX_ID:
        return None
    found = _rows(path, "unggahan_satu", kode=kode, id=upload_id)
    return found[0] if found else None


def latest(path: Path, limit: int) -> list[Row]:
    return _rows(path, "unggahan_terbaru", batas=limit)


def waiting(path: Path, kode: str, tanggal: date) -> list[Row]:
    """The district's valid uploads of `tanggal` that landed, newest first (portal.compare leaves
    out those a run decided)."""
    return _rows(path, "unggahan_menunggu", kode=kode, tanggal=tanggal.isoformat())


def recent_valid(path: Path, sejak: datetime) -> list[Row]:
    """The valid uploads that landed since `sejak`, oldest first (some may be decided already)."""
    return _rows(path, "unggahan_sah_terbaru", sejak=sejak.astimezone(UTC).isoformat(timespec="seconds"))


def same_bytes(path: Path, kode: str, tanggal: date, sha256: str) -> Row | None:
    found = _rows(path, "unggahan_sama", kode=kode, tanggal=tanggal.isoformat(), sha256=sha256)
    return found[0] if found else None


def held(path: Path, kode: str, upload_id: int) -> Row | None:
    """An upload of the district waiting for its office to confirm a replacement, or None."""
    row = one(path, kode, upload_id)
    return row if row is not None and row["hasil"] == HELD and row["tunda"] else None


def claim(path: Path, upload_id: int, tunda: str) -> bool:
    """Take a held upload for landing; False when another request took it first."""
    with db.connect(path) as con:
        return con.execute(sql("unggahan_ambil"), {"id": upload_id, "tunda": tunda}).rowcount == 1


def landed(
    path: Path, upload_id: int, berkas: str | None, hasil: str, alasan: str | None, tanda_terima: str | None
) -> None:
    """A held upload once confirmed: where it landed and what the check said."""
    with db.connect(path) as con:
        con.execute(
            sql("unggahan_dimuat"),
            {
                "id": upload_id,
                "berkas": berkas,
                "hasil": hasil,
                "alasan": alasan,
                "tanda_terima": tanda_terima,
            },
        )

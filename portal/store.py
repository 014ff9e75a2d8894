"""The upload log (table `unggahan` of the portal database): every file sent through the portal,
who sent it, its bytes' hash and what the check said. Its SQL lives in portal/sql/, parameters
always bound.

An id is looked up only within the district of the path, so another district's upload is
"not found", exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from portal import db

SQL = Path(__file__).resolve().parent / "sql"
# SQLite integers are signed 64-bit: a larger id is no row (and must not reach the driver,
# which raises OverflowError for it).
MAX_ID = 2**63 - 1

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
)


@cache
def sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


def _rows(path: Path, name: str, **params: object) -> list[Row]:
    with db.connect(path) as con:
        return [dict(r) for r in con.execute(sql(name), params).fetchall()]


def add(path: Path, rows: Iterable[Row]) -> None:
    """Rows of one submission, all or none."""
    rows = list(rows)
    missing = [c for r in rows for c in COLUMNS if c not in r]
    if missing:
        raise ValueError(f"upload log rows lack {sorted(set(missing))}")
    with db.connect(path) as con, db.transaction(con):
        con.executemany(sql("unggahan_tambah"), [{c: r[c] for c in COLUMNS} for r in rows])


def of_district(path: Path, kode: str, limit: int) -> list[Row]:
    return _rows(path, "unggahan_kabupaten", kode=kode, batas=limit)


def of_submission(path: Path, kode: str, kiriman: str) -> list[Row]:
    return _rows(path, "unggahan_kiriman", kode=kode, kiriman=kiriman)


def one(path: Path, kode: str, upload_id: int) -> Row | None:
    if not 0 <= upload_id <= MAX_ID:
        return None
    found = _rows(path, "unggahan_satu", kode=kode, id=upload_id)
    return found[0] if found else None


def latest(path: Path, limit: int) -> list[Row]:
    return _rows(path, "unggahan_terbaru", batas=limit)

"""The log of every admin action (issue #21): who did what to which account, on the web or with
`ektp akun`. Rows are only ever added."""

from __future__ import annotations

from pathlib import Path

from portal import accounts, db, store

SHOWN = 100


def add(
    path: Path, oleh: str, tindakan: str, sasaran: str | None = None, keterangan: str | None = None
) -> None:
    with db.connect(path) as con:
        con.execute(
            store.sql("log_admin_tambah"),
            {
                "pada": accounts.now_iso(),
                "oleh": oleh,
                "tindakan": tindakan,
                "sasaran": sasaran,
                "keterangan": keterangan,
            },
        )


def latest(path: Path, limit: int = SHOWN) -> list[dict]:
    with db.connect(path) as con:
        return [dict(r) for r in con.execute(store.sql("log_admin_terbaru"), {"batas": limit})]

"""Read-only queries on the published warehouse, as an analyst would run them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ektp.errors import WarehouseError
from warehouse.store import sql


@contextmanager
def connect(path: Path):
    """A read-only connection; never blocks a run, never blocked by one (see warehouse.store)."""
    if not path.exists():
        raise WarehouseError("gudang data belum ada; jalankan `ektp nightly` dulu", path=path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError("gudang data tidak dapat dibuka", path=path, reason=str(exc).splitlines()[0]) from exc
    try:
        yield con
    finally:
        con.close()


def query(path: Path, name: str, **params: object) -> pl.DataFrame:
    """Run warehouse/sql/queries/<name>.sql with named parameters."""
    with connect(path) as con:
        return con.sql(sql(f"queries/{name}"), params=params).pl()


def province_on(path: Path, tanggal: date) -> pl.DataFrame:
    return query(path, "province_on", tanggal=tanggal)

"""The warehouse's scope (`cakupan`, CONTRACT §2): the province (or `all`) the first run recorded.
A run with another scope is refused before anything changes, unless it asks to change it
(`--ubah-cakupan`); the writer checks its working file (`bind`), and the CLI the published
warehouse before a run starts (`check`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from contract import regions
from contract.errors import UsageError, WarehouseError
from warehouse import read


def bind(con: duckdb.DuckDBPyConnection, scope: str, change: bool) -> bool:
    """Refuse a scope other than the warehouse's unless asked to change it; True when it changes.
    (The run records its scope with its regions: load_reference.)"""
    return _another_scope(_recorded_scope(con), scope, change)


def check(path: Path, scope: str, change: bool) -> None:
    """`bind`'s refusal, read from the published warehouse before a run starts (the CLI asks:
    no Prefect server is started for a run that would be refused). A warehouse that is not there
    or cannot be read is left to the writer, which checks the scope again on its working file."""
    if change or not path.is_file():
        return
    try:
        with read.connect(path) as con:
            recorded = _recorded_scope(con)
    except (duckdb.Error, WarehouseError):
        return
    _another_scope(recorded, scope, change)


def _recorded_scope(con: duckdb.DuckDBPyConnection) -> str | None:
    ((recorded,),) = con.execute("select max(provinsi) from cakupan").fetchall()
    if recorded is None:  # a warehouse from before the scope was recorded: its regions tell
        return _scope_of_regions(con)
    return str(recorded)


def _another_scope(recorded: str | None, scope: str, change: bool) -> bool:
    if recorded is None or recorded == scope:
        return False
    if not change:
        raise UsageError(
            f"gudang data ini berisi cakupan provinsi {recorded}, perintah ini memakai {scope}; "
            "tidak ada yang diubah (tambahkan --ubah-cakupan bila cakupan memang hendak diganti)"
        )
    return True


def _scope_of_regions(con: duckdb.DuckDBPyConnection) -> str | None:
    """The canonical scope whose regions the warehouse holds (None when it holds none)."""
    provinces = [
        p
        for (p,) in con.execute("select distinct kode_provinsi from wilayah_kabupaten order by 1").fetchall()
    ]
    return regions.canonical(",".join(provinces)) if provinces else None

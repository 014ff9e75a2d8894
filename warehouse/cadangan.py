"""A backup: the warehouse as analysts see it now, in one standalone DuckDB file.

It is read from the published catalog, never from the writer's working file, so it can be taken
while a run writes and analysts read: it holds one whole publication (the files a catalog names
stay for publish.GRACE_HOURS after they are replaced). The file opens in DuckDB 1.4+ clients as it
is, and put at the warehouse path it becomes the warehouse again (the writer converts it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import duckdb

from contract import files
from contract.dates import today_wita
from contract.errors import UsageError, WarehouseError, os_reason
from warehouse import db, katalog, publish, store

log = logging.getLogger(__name__)


def write(warehouse: Path, out: Path, progress: Callable[[str], None] = lambda table: None) -> list[str]:
    """Write the backup to `out` (a new file; never one that exists); returns the relations copied."""
    warehouse, out = warehouse.resolve(), out.resolve()
    _check(warehouse, out)
    temporary = out.with_name(f".{out.name}.sementara")
    temporary.unlink(missing_ok=True)
    con = db.connect(memory_limit=store.WRITER_MEMORY_LIMIT)
    try:
        con.execute("set enable_progress_bar = false")
        con.execute("attach ? as terbit (read_only)", [str(warehouse)])
        con.execute("attach ? as gudang (storage_version ?)", [str(temporary), katalog.STORAGE_VERSION])
        con.execute("use gudang")
        store.migrate(con)
        copied = _copy(con, progress)
        katalog.install_macros(con)
        con.execute("use memory")
        con.execute("detach gudang")
    except duckdb.Error as exc:
        temporary.unlink(missing_ok=True)
        raise WarehouseError(
            "cadangan tidak dapat ditulis", path=out, reason=str(exc).splitlines()[0]
        ) from exc
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WarehouseError("cadangan tidak dapat ditulis", path=out, reason=os_reason(exc)) from exc
    finally:
        con.close()
    files.replace(temporary, out)
    return copied


def _check(warehouse: Path, out: Path) -> None:
    if not warehouse.is_file():
        raise UsageError(f"gudang data belum ada: {warehouse}")
    if out.is_dir():  # the backup is one file: name it, in that folder
        raise UsageError(
            f"{out} adalah folder; tulis nama berkas cadangan, mis. {out / f'ektp-{today_wita()}.duckdb'}"
        )
    if out.exists():
        raise UsageError(f"{out} sudah ada; cadangan tidak menimpa berkas (pilih nama lain)")
    if not out.parent.is_dir():
        raise UsageError(f"folder {out.parent} tidak ada")
    if out.parent == publish.folder_of(warehouse) or publish.folder_of(warehouse) in out.parents:
        raise UsageError(
            f"cadangan tidak boleh di dalam {publish.folder_of(warehouse)} (folder milik gudang data)"
        )


def _copy(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None]) -> list[str]:
    """Every relation of the catalog as a table, except the views the migrations made again."""
    relations = sorted(db.relations(con, "terbit"))
    views, tables = db.views(con, "gudang"), db.tables(con, "gudang")
    copied = []
    with db.transaction(con):
        for name in relations:
            if name in views or name == "schema_migrations":
                continue
            progress(name)
            if name in tables:
                con.execute(f'delete from gudang.main."{name}"')
                con.execute(f'insert into gudang.main."{name}" by name select * from terbit.main."{name}"')
            else:
                con.execute(f'create table gudang.main."{name}" as select * from terbit.main."{name}"')
            copied.append(name)
    return copied

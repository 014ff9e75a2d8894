"""The DuckDB warehouse: migrations, loads and marts, written to a private copy and published whole.

DuckDB's file lock works both ways: a writer locks analysts out, and an analyst's open read-only
connection makes a writer fail. So a run never writes the analysts' file. It copies it, writes the
copy, CHECKPOINTs and closes it, and then os.replace() swaps it in. Open readers keep the old
snapshot, new readers see the new file, and a run killed at any point leaves the old file whole.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from contract.errors import UsageError, WarehouseError
from contract import regions
from contract.regions import Reference
from warehouse.read import SQL, sql

log = logging.getLogger(__name__)
# Files analysts open must stay readable by DuckDB 1.4+ clients (duckdb-cli, DBeaver, JDBC, ODBC).
STORAGE_VERSION = "v1.4.0"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every numbered migration, in order."""
    found = []
    for path in sorted((SQL / "migrations").glob("*.sql")):
        version = int(path.name.split("_", 1)[0])
        found.append((version, path.stem, path.read_text()))
    return found


def migrate(con: duckdb.DuckDBPyConnection, upto: int | None = None) -> list[str]:
    """Apply the migrations this file has not recorded yet (up to `upto`); returns their names."""
    con.execute(
        "create table if not exists schema_migrations"
        " (versi integer not null, nama varchar not null, diterapkan_pada timestamptz not null)"
    )
    done = {v for (v,) in con.execute("select versi from schema_migrations").fetchall()}
    applied = []
    for version, name, text in migrations():
        if version in done or (upto is not None and version > upto):
            continue
        con.execute("begin")
        con.execute(text)
        con.execute("insert into schema_migrations values (?, ?, now())", [version, name])
        con.execute("commit")
        applied.append(name)
    return applied


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """One writer at a time: a second run waits for the first instead of interleaving."""
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("Menunggu proses lain yang sedang menulis %s ...", path.name)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class WriteSession:
    """A private, migrated copy of the warehouse; `publish()` makes it the analysts' file."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, work: Path) -> None:
        self.path = path
        self.con = con
        self.work = work
        self.published = False
        self.scope_changed = False  # the operator changed the scope on purpose: publish even with no file

    def publish(self) -> None:
        self.con.execute("checkpoint")
        self.con.close()
        _fsync(self.work)
        os.replace(self.work, self.path)
        _fsync(self.path.parent)
        self.published = True


# The writer's DuckDB memory: enough for a national backfill's insert and marts without spilling.
WRITER_MEMORY_LIMIT = "512MB"


@contextmanager
def writing(path: Path, scope: str | None = None, change_scope: bool = False) -> Iterator[WriteSession]:
    """Lock, copy, migrate, check the scope; the copy is dropped unless the caller publishes it.

    Every failure names the operator's file, never the private copy. `scope` is the run's
    (canonical) scope: the warehouse remembers the first one, and a run with another one is
    refused before anything changes, unless `change_scope` (CONTRACT §2)."""
    path = path.resolve()
    _check_target(path)
    with _lock(path):
        work = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        spill = path.with_name(f".{path.name}.spill")
        _remove_stale(path)
        session = None
        try:
            session = WriteSession(path, _open_copy(path, work, spill), work)
            if scope is not None:
                session.scope_changed = bind_scope(session.con, scope, change_scope)
            yield session
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0].replace(str(work), str(path))
            raise WarehouseError("gudang data tidak dapat ditulis", path=path, reason=reason) from exc
        except OSError as exc:
            raise WarehouseError("gudang data tidak dapat ditulis", path=path, reason=exc.strerror or str(exc)) from exc
        finally:
            if session is None or not session.published:
                try:
                    (session.con if session else None) and session.con.close()
                except duckdb.Error:
                    pass
                for leftover in (work, work.with_name(work.name + ".wal")):
                    leftover.unlink(missing_ok=True)
            shutil.rmtree(spill, ignore_errors=True)


def _check_target(path: Path) -> None:
    """The warehouse must be a file in a folder this process can write."""
    if path.is_dir():
        raise WarehouseError("gudang data adalah sebuah folder, bukan berkas DuckDB", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError("folder gudang data tidak dapat dibuat", path=path.parent, reason=exc.strerror) from exc
    if not os.access(path.parent, os.W_OK):
        raise WarehouseError("folder gudang data tidak dapat ditulis", path=path.parent)


def _open_copy(path: Path, work: Path, spill: Path) -> duckdb.DuckDBPyConnection:
    """A connection to a migrated private copy of the warehouse (a new one if there is none)."""
    if path.exists():
        shutil.copyfile(path, work)
    # DuckDB's buffer pool defaults to 80 % of RAM and keeps what it touched: a national
    # nightly on a year of data (marts rebuilt over 2.6 million rows) held 1.77 GB; bounded,
    # the process peaks near 1 GB in the same time, spilling beside the warehouse if needed.
    con = duckdb.connect(config={"memory_limit": WRITER_MEMORY_LIMIT, "temp_directory": str(spill)})
    try:
        # A year of national figures takes seconds to rebuild: no progress bar in the run's output.
        con.execute("set enable_progress_bar = false")
        con.execute("attach ? as gudang (storage_version ?)", [str(work), STORAGE_VERSION])
        con.execute("use gudang")
        migrate(con)
    except duckdb.Error:
        con.close()
        raise
    return con


def bind_scope(con: duckdb.DuckDBPyConnection, scope: str, change: bool) -> bool:
    """Record the warehouse's scope on its first run; refuse another one unless asked to change
    it. True when it was changed."""
    ((recorded,),) = con.execute("select max(provinsi) from cakupan").fetchall()
    if recorded is None:  # a warehouse from before the scope was recorded: its regions tell
        recorded = _scope_of_regions(con)
    if recorded == scope:
        _record_scope(con, scope)
        return False
    if recorded is not None and not change:
        raise UsageError(
            f"gudang data ini berisi cakupan provinsi {recorded}, perintah ini memakai {scope}; "
            "tidak ada yang diubah (tambahkan --ubah-cakupan bila cakupan memang hendak diganti)"
        )
    _record_scope(con, scope)
    return recorded is not None


def _record_scope(con: duckdb.DuckDBPyConnection, scope: str) -> None:
    if con.execute("select count(*) from cakupan where provinsi = ?", [scope]).fetchall() == [(1,)]:
        return
    con.execute("delete from cakupan")
    con.execute("insert into cakupan values (?, now())", [scope])


def _scope_of_regions(con: duckdb.DuckDBPyConnection) -> str | None:
    """The canonical scope whose regions the warehouse holds (None when it holds none)."""
    provinces = [p for (p,) in con.execute("select distinct kode_provinsi from wilayah_kabupaten order by 1").fetchall()]
    return regions.canonical(",".join(provinces)) if provinces else None


def _remove_stale(path: Path) -> None:
    """Copies left by a run that was killed: only the lock holder may remove them."""
    for stale in path.parent.glob(f".{path.name}.*.tmp*"):
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_reference(con: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """Replace the region tables with the reference in scope."""
    kabupaten = reference.kabupaten.select("kode_kabupaten", "kode_provinsi", "nama")
    kecamatan = reference.kecamatan.select("kode_kecamatan", "kode_kabupaten", "nama")
    for table, frame in (("wilayah_kabupaten", kabupaten), ("wilayah_kecamatan", kecamatan)):
        con.register("seed", frame)
        con.execute(f"delete from {table}")  # table: our constant
        con.execute(f"insert into {table} by name select * from seed")
        con.unregister("seed")


def restat(con: duckdb.DuckDBPyConnection, stats: pl.DataFrame) -> None:
    """The stat last seen of files whose bytes did not change (caller holds the transaction)."""
    con.register("stats_df", stats)
    try:
        con.execute(sql("queries/restat"))
    finally:
        con.unregister("stats_df")


def replace_files(
    con: duckdb.DuckDBPyConnection,
    cleared: pl.DataFrame,
    unggahan: pl.DataFrame,
    kualitas: pl.DataFrame,
    riwayat: pl.DataFrame,
) -> None:
    """Swap the ledger, findings and figures of the re-decided files (caller holds the transaction)."""
    frames = {"cleared": cleared.select("file", "sha256", "kode_kabupaten", "tanggal"), "unggahan_df": unggahan, "kualitas_df": kualitas, "riwayat_df": riwayat}
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        for table in ("unggahan", "kualitas_data", "riwayat_kecamatan"):  # our constants
            con.execute(f"delete from {table} where (file, sha256) in (select (file, sha256) from cleared)")
        # An older version of a re-decided file (same path, other bytes) is no longer current.
        con.execute(sql("queries/retire_replaced"))
        con.execute("insert into unggahan by name select * from unggahan_df")
        con.execute("insert into kualitas_data by name select * from kualitas_df")
        con.execute("insert into riwayat_kecamatan by name select * from riwayat_df")
    finally:
        for name in frames:
            con.unregister(name)

"""The DuckDB warehouse's writer: its working file, migrations, the scope, and the loads.

DuckDB's file lock works both ways: a writer locks analysts out, and an analyst's open read-only
connection makes a writer fail. So a run never writes what analysts open. It keeps the whole
warehouse in a working file of its own (`<warehouse>.bagian/kerja.duckdb`), changes it in one
transaction, and publishes (warehouse/publish.py): the months it changed as new Parquet files, and
a small catalog renamed over the warehouse path. A run killed at any point leaves the published
catalog whole; a run killed after its commit leaves its changes marked, published by the next run.
"""

from __future__ import annotations

import fcntl
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from contract import files
from contract.errors import WarehouseError, os_reason
from contract.regions import Reference
from warehouse import (
    cakupan,
    compaction,
    db,
    journal,
    katalog,
    macros,
    marts,
    partitions,
    publish,
    repair,
    terakhir,
)
from warehouse.katalog import STORAGE_VERSION
from warehouse.read import sql
from warehouse.versions import migrations, refuse_newer

log = logging.getLogger(__name__)

T = TypeVar("T")


def migrate(
    con: duckdb.DuckDBPyConnection,
    upto: int | None = None,
    path: Path | None = None,
    at: datetime | None = None,
) -> list[str]:
    """Apply the migrations this file has not recorded yet (up to `upto`); returns their names.
    A file that records a migration this release does not know is refused (`path`: named). `at`:
    the run's pinned clock (Settings.now), so that its journal does not begin after its decisions."""
    con.execute(
        "create table if not exists schema_migrations"
        " (versi integer not null, nama varchar not null, diterapkan_pada timestamptz not null)"
    )
    done = {v for (v,) in con.execute("select versi from schema_migrations").fetchall()}
    refuse_newer(max(done, default=None), path)
    applied = []
    for version, name, text in migrations():
        if version in done or (upto is not None and version > upto):
            continue
        with db.transaction(con):
            # A migration that writes journal rows dates them with `getvariable('waktu_migrasi')`.
            con.execute("set variable waktu_migrasi = coalesce(?::timestamptz, now())", [at])
            con.execute(text)
            con.execute(
                "insert into schema_migrations values (?, ?, getvariable('waktu_migrasi'))", [version, name]
            )
        applied.append(name)
    return applied


def _build_new_marts(con: duckdb.DuckDBPyConnection) -> None:
    """A mart this release declares and the file lacks (a warehouse an earlier release wrote) is
    built now and published by this session even when the run has no file to load: readers of
    the publication (the summary, the report, the portal) can rely on every declared mart."""
    if set(marts.names()) <= db.tables(con) or con.execute("select count(*) from unggahan").fetchone() == (
        0,
    ):
        return  # all there, or a new warehouse (its first load builds them whole)
    with db.transaction(con):
        marts.refresh(con)


def _recorded_version(path: Path) -> int | None:
    """The newest migration the file at the warehouse path records (a catalog or a whole warehouse)."""
    with katalog.opened(path) as con:
        if "schema_migrations" not in db.tables(con, "katalog"):
            return None
        ((newest,),) = con.execute("select max(versi) from katalog.main.schema_migrations").fetchall()
    return int(newest) if newest is not None else None


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


# The writer's DuckDB memory. DuckDB keeps what it read up to its limit, so the limit is most of what
# a load adds to the run: on three years of national data a nightly's flow process reached 1.05 GB
# with 512 MB and 0.80 GB with 256 MB, in the same time; 50,000 one-row files on a new warehouse
# (bench/many_files.py) 689 MB with 256 MB, 574 MB with 96 MB. What a night needs grows with the
# warehouse it reads (the marts' refresh, the publication's sorted COPY of a month: a year's refresh
# fails at 96 MB, three years' nightly at 128 MB), so the limit starts at the working file's size
# between these two (writer_limit_mb); work that still runs out is done again at the ceiling
# (WriteSession.roomy). What does not fit spills beside the warehouse.
WRITER_FLOOR_MB = 96
WRITER_LIMIT_MB = 256
WRITER_MEMORY_LIMIT = f"{WRITER_LIMIT_MB}MB"


def writer_limit_mb(work: Path, whole: bool) -> int:
    """The writer's DuckDB memory for the working file `work` (MB); the ceiling when the run first
    reads a whole warehouse into it (`whole`: a catalog read back, a whole DuckDB copied in)."""
    if whole:
        return WRITER_LIMIT_MB
    size_mb = work.stat().st_size // 10**6 if work.exists() else 0
    return min(WRITER_LIMIT_MB, max(WRITER_FLOOR_MB, size_mb))


class WriteSession:
    """The writer's working file, migrated; `publish()` makes its changes what analysts see."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, limit_mb: int = WRITER_LIMIT_MB) -> None:
        self.path = path
        self.con = con
        self.limit_mb = limit_mb  # the writer's DuckDB memory now (writer_limit_mb)
        self.published = False
        self.cakupan_diubah = False  # the operator changed the scope on purpose: publish even with no file
        # What the writer found damaged in the publication and published again before the run's
        # work (warehouse/repair.py): at most one line, for the run's summary.
        self.repaired: list[str] = []

    def publish(self) -> None:
        self.con.execute("checkpoint")
        self.roomy(lambda: publish.publish(self.con, self.path))
        self.published = True

    def transaction(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(con)` in one transaction: committed whole or rolled back, and done once more at
        the ceiling when DuckDB runs out of memory (roomy)."""

        def attempt() -> T:
            with db.transaction(self.con):
                return work(self.con)

        return self.roomy(attempt)

    def roomy(self, work: Callable[[], T]) -> T:
        """Do `work` (whole or not at all: a transaction, a publication); when DuckDB runs out of
        memory under a limit below the ceiling, once more at WRITER_LIMIT_MB (writer_limit_mb)."""
        try:
            return work()
        except duckdb.OutOfMemoryException as exc:
            if self.limit_mb >= WRITER_LIMIT_MB:
                raise
            log.info(
                "Memori DuckDB %d MB tidak cukup (%s); diulang dengan %d MB",
                self.limit_mb,
                str(exc).splitlines()[0],
                WRITER_LIMIT_MB,
            )
            self.limit_mb = WRITER_LIMIT_MB
            self.con.execute(f"set memory_limit = '{WRITER_LIMIT_MB}MB'")  # our constant
            return work()

    def pending(self) -> bool:
        """Changes committed and not yet published (a run killed after its commit or before its
        catalog was swapped in, a conversion, a migration)."""
        if self.con.execute("select count(*) from bagian_kotor").fetchall() != [(0,)]:
            return True
        if publish.stale_schemas(self.con, publish.folder_of(self.path)):
            return True  # a migration changed a table's columns
        return (
            publish.published_number(self.path) != publish.last_number(self.con)
            or publish.last_number(self.con) == 0
        )


@contextmanager
def writing(
    path: Path, scope: str | None = None, ubah_cakupan: bool = False, at: datetime | None = None
) -> Iterator[WriteSession]:
    """Lock, open the working file (made from the warehouse when there is none), migrate, check
    the scope. The caller changes it in a transaction and publishes; a change it did not commit is
    rolled back.

    Every failure names the operator's file. `scope` is the run's (canonical) scope: the warehouse
    remembers the first one, and a run with another one is refused before anything changes, unless
    `ubah_cakupan` (CONTRACT §2). `at`: the run's pinned clock, for the migrations it applies."""
    path = path.resolve()
    check_target(path)
    folder = publish.folder_of(path)
    with _lock(path):
        spill = folder / "spill"
        session = None
        try:
            found = publish.inspect(path)  # before the working file: a damaged catalog may need it
            con, origin, limit_mb = _open_work(path, folder, spill, found, at)
            session = WriteSession(path, con, limit_mb)
            if scope is not None:
                session.cakupan_diubah = cakupan.bind(session.con, scope, ubah_cakupan)
            line = repair.repair(session.con, path, found, origin)
            session.repaired = [line] if line else []
            yield session
            if not session.published and session.pending():
                session.publish()  # what an earlier run committed and could not publish
            compaction.compact_if_loose(session.con, folder / "kerja.duckdb")
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            raise WarehouseError("gudang data tidak dapat ditulis", path=path, reason=reason) from exc
        except OSError as exc:
            raise WarehouseError("gudang data tidak dapat ditulis", path=path, reason=os_reason(exc)) from exc
        finally:
            if session is not None:
                with suppress(duckdb.Error):
                    session.con.close()
            shutil.rmtree(spill, ignore_errors=True)


def check_target(path: Path) -> None:
    """The warehouse must be a file in a folder this process can write: tried with a file of its
    own, not read from the permission bits (root ignores them; an immutable folder refuses even
    root). The CLI asks before a run starts (no Prefect server started for nothing); the writer
    again when it opens the warehouse."""
    if path.is_dir():
        raise WarehouseError("gudang data adalah sebuah folder, bukan berkas DuckDB", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            "folder gudang data tidak dapat dibuat", path=path.parent, reason=os_reason(exc)
        ) from exc
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".ektp-coba-tulis-"):
            pass
    except OSError as exc:
        raise WarehouseError(
            "folder gudang data tidak dapat ditulis", path=path.parent, reason=os_reason(exc)
        ) from exc


def _open_work(
    path: Path, folder: Path, spill: Path, found: publish.Found, at: datetime | None = None
) -> tuple[duckdb.DuckDBPyConnection, str, int]:
    """A connection to the migrated working file, attached as `gudang`, where that file came from,
    and the connection's memory limit (MB, writer_limit_mb). Where from: "ada" (there already),
    "baru" (a new warehouse), "disalin" (a whole DuckDB warehouse copied in), "dipulihkan" (lost,
    read back from the catalog).

    Made from the warehouse when there is none: a whole DuckDB warehouse (one written before the
    catalog, or restored from `ektp cadangan`) is copied; a catalog is read back from its files. A
    damaged catalog, or one naming a damaged file, cannot be: nothing is changed (repair.lost)."""
    work = folder / "kerja.duckdb"
    kind = found.kind
    if not work.exists() and (error := repair.lost(path, found)):
        raise error
    if kind in ("katalog", "lengkap"):
        refuse_newer(_recorded_version(path), path)
    folder.mkdir(parents=True, exist_ok=True)
    compaction.remove(work.with_name(work.name + ".baru"))  # a copy a killed run did not finish
    if kind == "lengkap" or (kind == "katalog" and not work.exists()):
        compaction.remove(work)
    if kind == "lengkap":
        shutil.copyfile(path, work.with_name(work.name + ".baru"))
        files.replace(work.with_name(work.name + ".baru"), work)
    # DuckDB's buffer pool defaults to 80 % of RAM and keeps what it touched: a national
    # nightly on a year of data held 1.77 GB; bounded, the process stays near 1 GB, spilling
    # beside the warehouse if needed.
    fresh = not work.exists()
    limit_mb = writer_limit_mb(work, whole=fresh and kind == "katalog")
    con = db.connect(memory_limit=f"{limit_mb}MB", temp_directory=str(spill))
    try:
        # A year of national figures takes seconds to rebuild: no progress bar in the run's output.
        con.execute("set enable_progress_bar = false")
        con.execute("attach ? as gudang (storage_version ?)", [str(work), STORAGE_VERSION])
        con.execute("use gudang")
        macros.install(con)
        if not fresh and db.has_table(con, "riwayat_unggahan"):  # before a migration stamps `at`
            journal.clock_not_behind(con, path, at)
        migrate(con, path=path, at=at)
        if fresh and kind == "katalog":
            _restore(con, path)
            journal.clock_not_behind(con, path, at)  # the journal read back with it
        _build_new_marts(con)
        # The working file and the catalog do not come from each other (a whole warehouse copied
        # in, a working file read back from the catalog): publish everything anew. A catalog gone
        # or damaged beside a working file is written again from it (repair.repair), numbered
        # after every file in the folder (one may be newer than the working file says).
        if kind == "lengkap" or (kind == "katalog" and fresh):
            with db.transaction(con):
                publish.continue_numbering(con, folder)
                partitions.mark_all(con)
        elif kind in (None, "rusak") and not fresh:
            publish.continue_numbering(con, folder)
    except BaseException:  # a DuckDB error, or a clock behind the journal (journal.clock_not_behind)
        con.close()
        if fresh:
            compaction.remove(work)  # half made: the next run must not take it for the warehouse
        raise
    if not fresh:
        return con, "disalin" if kind == "lengkap" else "ada", limit_mb
    return con, "dipulihkan" if kind == "katalog" else "baru", limit_mb


def _restore(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A working file lost: read its tables back from the published catalog and its files (the
    marts too, which the migrations do not make)."""
    with db.attached(con, path, "terbit"), db.transaction(con):
        published = db.relations(con, "terbit")
        present = db.tables(con)
        for table in [*katalog.CATALOG_TABLES, *partitions.partitioned()]:
            if table == "schema_migrations" or table not in published:
                continue
            if table in present:
                con.execute(f"delete from {table}")  # table: ours
                con.execute(f"insert into {table} by name select * from terbit.{table}")
            else:
                con.execute(f"create table {table} as select * from terbit.{table}")
        # Made by the migrations over tables still empty then; a catalog may predate it.
        terakhir.bangun(con)


def load_reference(con: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """Replace the region tables with the reference in scope, and record that scope (caller
    holds the transaction)."""
    kabupaten = reference.kabupaten.select("kode_kabupaten", "kode_provinsi", "nama")
    kecamatan = reference.kecamatan.select("kode_kecamatan", "kode_kabupaten", "nama")
    for table, frame in (("wilayah_kabupaten", kabupaten), ("wilayah_kecamatan", kecamatan)):
        with db.registered(con, seed=frame):
            con.execute(f"delete from {table}")  # table: our constant
            con.execute(f"insert into {table} by name select * from seed")
    if con.execute("select count(*) from cakupan where provinsi = ?", [reference.scope]).fetchall() != [(1,)]:
        con.execute("delete from cakupan")
        con.execute("insert into cakupan values (?, now())", [reference.scope])


def restat(con: duckdb.DuckDBPyConnection, stats: pl.DataFrame) -> None:
    """The stat last seen of files whose bytes did not change (caller holds the transaction)."""
    with db.registered(con, stats_df=stats):
        con.execute(sql("queries/restat"))
        partitions.mark_from(con, "unggahan", "(file, sha256) in (select (file, sha256) from stats_df)")


def replace_files(
    con: duckdb.DuckDBPyConnection,
    cleared: pl.DataFrame,
    unggahan: pl.DataFrame,
    kualitas: pl.DataFrame,
    riwayat: pl.DataFrame,
) -> list[tuple[str, str]]:
    """Swap the ledger, findings and figures of the re-decided files (caller holds the transaction);
    returns (file, sha256) of the loaded files this retired (their path now holds other bytes)."""
    with db.registered(
        con,
        cleared=cleared.select("file", "sha256", "kode_kabupaten", "tanggal"),
        unggahan_df=unggahan,
        kualitas_df=kualitas,
        riwayat_df=riwayat,
    ):
        for table in ("unggahan", "kualitas_data", "riwayat_kecamatan"):  # our constants
            con.execute(f"delete from {table} where (file, sha256) in (select (file, sha256) from cleared)")
        # An older version of a re-decided file (same path, other bytes) is no longer current.
        retired: list[tuple[str, str]] = con.execute(sql("queries/retire_replaced")).fetchall()
        con.execute("insert into unggahan by name select * from unggahan_df")
        con.execute("insert into kualitas_data by name select * from kualitas_df")
        con.execute("insert into riwayat_kecamatan by name select * from riwayat_df")
        partitions.mark(
            con, ("unggahan", "kualitas_data", "riwayat_kecamatan"), partitions.months_of(cleared["tanggal"])
        )
    return retired

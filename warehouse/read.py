"""Reading the warehouse: the SQL files, and the one read-only connection that reports, the run
summary, `ektp check` and the portal use. A read-only connection never blocks a run and is never
blocked by one (see warehouse.store)."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import duckdb
import polars as pl

from contract.errors import WarehouseError
from warehouse import db, macros
from warehouse.versions import refuse_newer, refuse_older

SQL = Path(__file__).resolve().parent / "sql"

Row = dict[str, Any]
T = TypeVar("T")


@cache
def sql(name: str) -> str:
    """The text of warehouse/sql/<name>.sql (`marts/progres_kabupaten`, `queries/kabupaten`, ...)."""
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse published now, or a WarehouseError saying why not.

    The file is attached, under a name of its own, to one in-memory DuckDB kept for the process,
    and stays attached while it is the file at that path: a connection is a cursor on it. Not
    `duckdb.connect(path)`: DuckDB keeps one instance per path and process, so in a long-running
    process (the portal) a connection still open elsewhere would hand every new connection the
    snapshot it was opened on, and a run's newly published file would never be seen. A publication
    renames a new file over the old (a new inode): the next connection attaches it, and the old
    one is detached once its last connection ends. Attaching anew for every connection cost a
    portal page ~5 ms and its first query ~9 ms more (the catalog read again, cold).
    """
    path = Path(path)
    key = _file_key(path)
    alias = _ATTACHED.take(key, path)
    con = _readers().cursor()
    try:
        try:
            con.execute(f"use {alias}")  # alias: ours, digits only
            # The SQL's macros: the warehouse's own when it stores them, else the process's (a whole
            # DuckDB warehouse, a backup of an older version).
            con.execute(f"set search_path = '{alias}.main,memory.main'")
        except duckdb.Error as exc:
            raise WarehouseError(
                "gudang data tidak dapat dibuka", warehouse=path, reason=_first_line(exc)
            ) from exc
        yield con
    finally:
        con.close()
        _ATTACHED.release(key)


Key = tuple[str, int, int, int]  # a file at a path: (path, inode, mtime, size)


def _file_key(path: Path) -> Key:
    """The file published at `path` now, or a WarehouseError when there is none."""
    if not path.is_file():
        raise WarehouseError("gudang data belum ada; jalankan `ektp nightly` dulu", warehouse=path)
    stat = path.stat()
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@dataclass
class _Attached:
    alias: str
    users: int = 0
    current: bool = True  # still the file at its path
    used: int = 0  # when its last connection ended
    remembered: dict[str, Any] = field(default_factory=dict)  # small results worked out on it (remembered)


def remembered(
    con: duckdb.DuckDBPyConnection, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T]
) -> T:
    """`compute(con)` once per published file (`name` tells results apart): for a small result that
    only a new publication changes, read by every check (the locks: one query of ~4 ms a round). A
    publication is a new file, attached under a new alias, so a result is never carried to it."""
    ((alias,),) = con.execute("select current_database()").fetchall()
    return _ATTACHED.remembered(alias, name, lambda: compute(con))


def remembered_at(path: Path, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """`remembered` for the warehouse published at `path`, without a connection once the result is
    known for the file there now: the portal asks twice on every upload, and the connection and the
    query naming its file cost more than the answer (~0.7 ms of CPU each on the demo's warehouse,
    against ~0.01 ms; with ten offices sending at once each call also waits its turn for the
    interpreter)."""
    path = Path(path)
    found = _ATTACHED.known(_file_key(path), name)
    if found is not _UNKNOWN:
        return cast(T, found)
    with connect(path) as con:
        return remembered(con, name, compute)


_UNKNOWN = object()


# Files kept attached with no connection on them: the portal and a run read one warehouse; a
# process that reads many (the tests) would otherwise keep every one open.
KEPT_IDLE = 4
_uses = itertools.count(1)


class _Attachments:
    """The published files attached to the readers' DuckDB, with how many connections use each;
    one whose path now holds another file is detached when unused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid = 0
        self._by_key: dict[Key, _Attached] = {}

    def take(self, key: Key, path: Path) -> str:
        with self._lock:
            if self._pid != os.getpid():  # a forked child: its readers' DuckDB is a new one
                self._pid, self._by_key = os.getpid(), {}
            found = self._by_key.get(key)
            if found is None:
                for other, entry in list(self._by_key.items()):
                    if other[0] == key[0] and entry.current:  # the path holds another file now
                        entry.current = False
                        self._drop_if_unused(other)
                found = self._by_key[key] = _Attached(self._attach(path))
            found.users += 1
            return found.alias

    def release(self, key: Key) -> None:
        with self._lock:
            entry = self._by_key.get(key)
            if entry is not None and self._pid == os.getpid():
                entry.users -= 1
                entry.used = next(_uses)
                self._drop_if_unused(key)
                idle = sorted((e.used, k) for k, e in self._by_key.items() if e.users == 0)
                for _, old in idle[:-KEPT_IDLE]:  # a process that read many warehouses (tests)
                    self._by_key[old].current = False
                    self._drop_if_unused(old)

    def known(self, key: Key, name: str) -> object:
        """What is remembered as `name` for the file `key`, or _UNKNOWN."""
        with self._lock:
            entry = self._by_key.get(key) if self._pid == os.getpid() else None
            return entry.remembered.get(name, _UNKNOWN) if entry is not None else _UNKNOWN

    def remembered(self, alias: str, name: str, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = next((e for e in self._by_key.values() if e.alias == alias), None)
            if entry is not None and name in entry.remembered:
                return cast(T, entry.remembered[name])
        value = compute()  # outside the lock: a query; two threads may both work it out once
        if entry is not None:
            with self._lock:
                entry.remembered[name] = value
        return value

    def _attach(self, path: Path) -> str:
        alias = f"gudang_{next(_aliases)}"
        with _readers().cursor() as con:
            try:
                con.execute(f"attach ? as {alias} (read_only)", [str(path)])
            except duckdb.Error as exc:
                raise WarehouseError(
                    "gudang data tidak dapat dibuka", warehouse=path, reason=_first_line(exc)
                ) from exc
            try:
                _refuse_unknown(con, alias, path)
            except BaseException:
                db.quietly(con.execute, f"detach {alias}")
                raise
        return alias

    def _drop_if_unused(self, key: Key) -> None:
        entry = self._by_key[key]
        if entry.users == 0 and not entry.current:
            del self._by_key[key]
            with _readers().cursor() as con:
                db.quietly(con.execute, f"detach {entry.alias}")


_aliases = itertools.count()
_ATTACHED = _Attachments()


def _refuse_unknown(con: duckdb.DuckDBPyConnection, alias: str, path: Path) -> None:
    """A warehouse a newer release wrote, or one older than the queries need, is refused before any
    query reads it as this release knows it (once per file: it stays attached while it is the file
    at its path)."""
    if "schema_migrations" in db.tables(con, alias):
        ((newest,),) = con.execute(f"select max(versi) from {alias}.main.schema_migrations").fetchall()
        refuse_newer(newest, path)
        refuse_older(newest, path)


# DuckDB keeps what it read (the Parquet files too) up to its memory limit, 80 % of RAM by default:
# bounded, so that a report or the portal over years of data stays a small process.
READER_MEMORY_LIMIT = "256MB"


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    # The large relations are views over Parquet files that are never rewritten (a new
    # publication writes new ones): their footers are read once per process, not per query
    # (the portal's receipt with history warnings: ~90 ms less).
    con.execute("set parquet_metadata_cache = true")
    macros.install(con, stored=True)  # in this in-memory database, for every cursor


_READERS = db.ProcessInstance(_prepare, memory_limit=READER_MEMORY_LIMIT)


def _readers() -> duckdb.DuckDBPyConnection:
    """The process's in-memory DuckDB for reading (a new one in a forked child)."""
    return _READERS.get()


def rows(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> list[Row]:
    """Run warehouse/sql/queries/<name>.sql with `$name` parameters; rows as dicts."""
    try:
        result = con.execute(sql(f"queries/{name}"), params)
        columns = [c[0] for c in result.description or ()]
        return [dict(zip(columns, r, strict=True)) for r in result.fetchall()]
    except duckdb.Error as exc:
        raise WarehouseError("kueri gudang data gagal", query=f"{name}.sql", reason=_first_line(exc)) from exc


def known_files(con: duckdb.DuckDBPyConnection, files: Sequence[str] | pl.Series) -> pl.DataFrame:
    """One row per file version already decided at the given paths (relative to the landing
    folder): its stat, hash, date and status."""
    paths = pl.DataFrame({"file": files}, schema={"file": pl.String})
    with db.registered(con, berkas_landing=paths):
        return _frame(con, sql("queries/berkas_dikenal"))


def ledger_rows(
    con: duckdb.DuckDBPyConnection, keys: list[tuple[str, str]], schema: pl.Schema
) -> pl.DataFrame:
    """The `unggahan` rows of the given (file, sha256), in the given schema (the run's frames')."""
    with db.registered(con, baris_diminta=db.versions(keys)):
        found = _frame(con, "select unggahan.* from unggahan semi join baris_diminta using (file, sha256)")
    return found.select(schema.names()).cast(schema)


def loaded_reports(con: duckdb.DuckDBPyConnection, except_groups: pl.DataFrame) -> pl.DataFrame:
    """Current figures per kecamatan and date, leaving out the districts and dates being re-decided."""
    groups = except_groups.select("kode_kabupaten", "tanggal")
    scope = (
        groups.drop_nulls()
        .group_by("kode_kabupaten")
        .agg(dari=pl.col("tanggal").min(), sampai=pl.col("tanggal").max())
    )
    latest = _latest_in_scope(remembered(con, "laporan_ujung", _ends), scope)
    # A district's history is read (~15 ms of a receipt's round on the demo's) only when one of its
    # kecamatan has a report on or after the district's first date re-decided and one before its
    # last: a kecamatan whose latest report lies before the first date needs that report alone,
    # one whose first report lies after the last date needs none.
    dibaca = scope.join(
        latest.filter(pl.col("dari_atau_sesudah") & pl.col("pertama_sebelum_sampai")),
        on="kode_kabupaten",
        how="semi",
    )
    found = (
        latest.join(dibaca, on="kode_kabupaten", how="anti")
        .filter(~pl.col("dari_atau_sesudah"))
        .select(_REPORT_COLUMNS)
    )
    if dibaca.is_empty():
        return found
    with db.registered(con, except_groups=groups, kabupaten_dibaca=dibaca):
        return pl.concat([found, _frame(con, sql("queries/loaded_reports"))], how="vertical_relaxed")


def _latest_in_scope(ends: pl.DataFrame, scope: pl.DataFrame) -> pl.DataFrame:
    """Each kecamatan's latest report in the batch's districts (`ends`: queries/laporan_ujung;
    `scope`: each district's first and last date in the batch), whether it lies on or after the
    district's first date, and whether the kecamatan's first report lies before its last (unknown:
    true)."""
    return ends.join(scope, on="kode_kabupaten").with_columns(
        dari_atau_sesudah=pl.col("tanggal") >= pl.col("dari"),
        pertama_sebelum_sampai=(pl.col("pertama") < pl.col("sampai")).fill_null(True),
    )


# Each kecamatan's first report: migration 013, kept by warehouse.terakhir.
PERTAMA = "laporan_kecamatan_pertama"


def _ends(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """queries/laporan_ujung; in a catalog published before migration 013, which has no first
    reports, with an empty stand-in for them: each first report unknown (its district's history is
    then read, as before), until the next run publishes the table."""
    missing = {} if PERTAMA in db.relations(con) else {PERTAMA: _NO_PERTAMA}
    with db.registered(con, **missing):
        return _frame(con, sql("queries/laporan_ujung"))


_NO_PERTAMA = pl.DataFrame(schema={"kode_kecamatan": pl.String, "tanggal": pl.Date})


_REPORT_COLUMNS = ("kode_kecamatan", "tanggal", "sudah_rekam", "wajib_ktp")


def _frame(con: duckdb.DuckDBPyConnection, query: str) -> pl.DataFrame:
    """A query's rows as a Polars frame."""
    return db.frame(con.sql(query))


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__

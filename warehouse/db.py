"""The DuckDB plumbing every warehouse module shares: a transaction that rolls back on failure,
frames registered for one block and a query's rows as a frame (both through Arrow's C stream
interface), a database attached for one block, what a catalog holds, and an in-memory DuckDB kept
for the process."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from contract.settings import duckdb_threads

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

log = logging.getLogger(__name__)


Config = str | bool | int | float | list[str]  # a DuckDB setting's value


def connect(database: str = ":memory:", **config: Config) -> duckdb.DuckDBPyConnection:
    """A new DuckDB: the program makes every one here, so that each has the process's threads
    (contract.settings.duckdb_threads) as well as its own `config`."""
    threads = duckdb_threads()
    if threads is not None:
        config = {"threads": threads, **config}
    return duckdb.connect(database, config=config)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit what the block did, or roll it back when the block fails (an interrupt too). A rollback
    that fails itself (the connection is gone) never hides the block's own error."""
    con.execute("begin")
    try:
        yield con
    except BaseException as exc:
        try:
            con.execute("rollback")
        except duckdb.Error as rollback_error:
            exc.add_note(f"rollback gagal juga: {_first_line(rollback_error)}")
        raise
    con.execute("commit")


# A file version's key, wherever one is handed to a query: (file, sha256).
VERSION = {"file": pl.String, "sha256": pl.String}


def versions(keys: Iterable[tuple[str, str]] = ()) -> pl.DataFrame:
    """(file, sha256) keys as a frame to register (none: an empty one of the same columns)."""
    return pl.DataFrame(list(keys), schema=VERSION, orient="row")


class _Stream:
    """A frame as nothing but an Arrow C stream (`__arrow_c_stream__`), for DuckDB to scan.

    DuckDB converts a Polars frame it is given with `to_arrow`, which imports pyarrow (36 MB of
    every process that queries: the run, the portal and its check process, ~13% of an empty
    nightly's peak); an object with only the stream interface is read through it, each query
    asking for a new stream. Polars exports strings as Arrow string views, its own layout, so none
    is copied (issue 18: contiguous strings cost a run's 241,645 findings 70 MB, views 38 MB)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


def frame(relation: duckdb.DuckDBPyRelation) -> pl.DataFrame:
    """A query's rows as a Polars frame, through Arrow's C stream (DuckDB's `.pl()` imports
    pyarrow; the types are the same, tests/warehouse/test_db.py)."""
    return pl.DataFrame(relation)


def _scannable(frame: pl.DataFrame) -> object:
    """What DuckDB is given to scan a frame: its C stream (`_Stream`), or, for a frame with a
    column of Polars' Null type (every value None and no type given, as a list of rows can make),
    Arrow through pyarrow, as before: DuckDB 2.0.1 refuses Polars' export of such a column (an Arrow
    null array without a validity bitmap, which the Arrow format allows) and pyarrow's is taken,
    typed NULL in DuckDB. A frame without rows has no null to carry and streams as the others."""
    if frame.height and any(_holds_null_type(dtype) for dtype in frame.schema.values()):
        return frame.to_arrow(compat_level=pl.CompatLevel.newest())
    return _Stream(frame)


def _holds_null_type(dtype: PolarsDataType) -> bool:
    if dtype == pl.Null:
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return _holds_null_type(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_holds_null_type(field.dtype) for field in dtype.fields)
    return False


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: pl.DataFrame) -> Iterator[None]:
    """The frames as relations of `con` (named by the keywords) for the block (`_scannable`)."""
    done = []
    try:
        for name, data in frames.items():
            con.register(name, _scannable(data))
            done.append(name)
        yield
    finally:
        for name in reversed(done):
            quietly(con.unregister, name)


@contextmanager
def attached(
    con: duckdb.DuckDBPyConnection, path: Path, alias: str, read_only: bool = True
) -> Iterator[None]:
    """The DuckDB file at `path` attached as `alias` (ours) for the block. A detach that fails
    while the block fails is logged, not raised: the block's error is the one to tell."""
    mode = " (read_only)" if read_only else ""
    con.execute(f"attach ? as {alias}{mode}", [str(path)])  # alias: our constant
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        if failed:
            quietly(con.execute, f"detach {alias}")
        else:
            con.execute(f"detach {alias}")


class ProcessInstance:
    """An in-memory DuckDB made on first use and kept for the process (a new one in a forked
    child, which must not use its parent's). Making a DuckDB costs ~12 ms of CPU (its catalog of
    built-in functions), a cursor on it nothing: a run that made one for each short look at a
    file spent more on that than on the look."""

    def __init__(
        self, prepare: Callable[[duckdb.DuckDBPyConnection], None] = lambda con: None, **config: str
    ) -> None:
        self._prepare = prepare
        self._config: dict[str, Config] = dict(config)
        self._lock = threading.Lock()
        self._made: tuple[int, duckdb.DuckDBPyConnection] | None = None

    def get(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._made is None or self._made[0] != os.getpid():
                con = connect(":memory:", **self._config)
                self._prepare(con)
                self._made = (os.getpid(), con)
            return self._made[1]


def tables(con: duckdb.DuckDBPyConnection, database: str | None = None) -> set[str]:
    """The tables of `database` (the current one when None)."""
    return _names(con, "select table_name from duckdb_tables() where database_name = {db}", database)


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of `table` in the current database, in their order."""
    found = con.execute(
        "select column_name from duckdb_columns() where database_name = current_database()"
        " and schema_name = 'main' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    return [name for (name,) in found]


def views(con: duckdb.DuckDBPyConnection, database: str | None = None) -> set[str]:
    """The views of `database` (the current one when None) that a user made (not DuckDB's own)."""
    return _names(
        con, "select view_name from duckdb_views() where database_name = {db} and not internal", database
    )


def relations(con: duckdb.DuckDBPyConnection, database: str | None = None) -> set[str]:
    """The tables and views of `database` (the current one when None)."""
    return tables(con, database) | views(con, database)


def view_sql(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, str]:
    """Each view of `database` that a user made, and the statement that makes it."""
    found = con.execute(
        "select view_name, sql from duckdb_views() where database_name = ? and not internal order by 1",
        [database],
    ).fetchall()
    return {name: text for name, text in found}


def has_table(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> bool:
    return table in tables(con, database)


def _names(con: duckdb.DuckDBPyConnection, query: str, database: str | None) -> set[str]:
    if database is None:
        found = con.execute(query.format(db="current_database()")).fetchall()
    else:
        found = con.execute(query.format(db="?"), [database]).fetchall()
    return {name for (name,) in found}


def quietly(action: Callable[[str], object], *args: str) -> None:
    """Undo a registration or an attachment; a failure here is logged (the connection may be gone)."""
    try:
        action(*args)
    except duckdb.Error as exc:
        log.debug("tidak dapat dilepas: %s (%s)", args, _first_line(exc))


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def literal(path: Path | str) -> str:
    """A path as a SQL string literal (COPY TO and a view's file list take no parameters; the
    warehouse's folder is the operator's and may hold a quote)."""
    return "'" + str(path).replace("'", "''") + "'"

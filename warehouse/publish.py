"""Publishing the warehouse without copying its history.

The writer keeps the whole warehouse in a working DuckDB file of its own (`<warehouse>.bagian/
kerja.duckdb`), which analysts never open. What analysts open, the warehouse path itself, is a
small catalog: the region tables, the scope and the migrations as tables, and every large relation
as a view over Parquet files, one per table and month (`<warehouse>.bagian/<table>/<month>.<n>.parquet`).

A publication writes the partitions the run changed as new files (never rewriting a published one),
writes a new catalog beside the old one (warehouse/katalog.py: a copy of the last, brought up to
date, or written whole), and renames it over the warehouse path. An analyst's open
connection keeps reading the catalog and files it opened; a new one reads the new catalog; a run
killed at any moment leaves the previous catalog and its files whole. So a night costs the months
it touched, not the years behind them (docs/gudang-data.md has the measurements).

A file a publication replaces is removed GRACE_HOURS after it was replaced, so that an analyst's
connection opened before that publication keeps working for that long.

The catalog also holds `terbitan` (nomor, diterbitkan_pada): which publication an analyst reads and
when it was published; the writer compares it with its own to republish after a run killed between
its commit and its catalog.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from contract import files
from contract.errors import os_reason
from contract.formats import angka
from warehouse import db, katalog
from warehouse.katalog import named_files, opened
from warehouse.partitions import SCHEMA, condition, partitioned

log = logging.getLogger(__name__)
GRACE_HOURS = 72
# A national month of `progres_kecamatan` is ~220,000 rows: DuckDB's default groups (122,880) made
# it two, and one kecamatan's three years read half of each month's rows. Smaller groups let such a
# filter skip the rest; a filter on a date, which reads every group of its month, pays for each
# group. 32,768 is the balance measured (bench/RESULTS.md); the files are written as fast.
ROW_GROUP_ROWS = 32_768


def folder_of(warehouse: Path) -> Path:
    """The folder beside the warehouse that holds its working file and its Parquet partitions."""
    return warehouse.with_name(warehouse.name + ".bagian")


def publish(con: duckdb.DuckDBPyConnection, warehouse: Path) -> int:
    """Write the changed partitions and a new catalog, and swap it in; returns the publication's
    number. `con` is the writer's connection to its working file (attached as `gudang`)."""
    export_changes(con, folder_of(warehouse))
    _write_catalog(con, warehouse, last_number(con))
    collect_garbage(con, folder_of(warehouse))
    return last_number(con)


def export_changes(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """The first half of a publication: the changed partitions as new files, listed in `bagian`
    in one transaction with a new number. Until the catalog is swapped in, analysts see the last."""
    present = db.tables(con)  # one look at the catalog, not one per partition
    stale = stale_schemas(con, folder)
    if (
        con.execute("select count(*) from bagian_kotor").fetchall() == [(0,)]
        and not stale
        and last_number(con) > 0
    ):
        return  # nothing changed since the last publication (its catalog may still be missing)
    number = last_number(con) + 1
    with db.transaction(con):
        for table, month in con.execute("select tabel, bulan from bagian_kotor order by 1, 2").fetchall():
            _export(con, folder, table, month, number, table in present)
        for table in stale:
            _export_schema(con, folder, table, number)
        con.execute("delete from bagian_kotor")
        con.execute("insert into terbitan values (?, now())", [number])


def last_number(con: duckdb.DuckDBPyConnection) -> int:
    """The writer's last publication (0 before the first)."""
    ((last,),) = con.execute("select coalesce(max(nomor), 0) from gudang.main.terbitan").fetchall()
    return int(last)


def published_number(warehouse: Path) -> int | None:
    """The publication the catalog at `warehouse` holds; None when it is not a whole catalog, or
    when any of its views names a file outside its own folder (the warehouse was moved or copied:
    publish it again)."""
    found = inspect(warehouse)
    if found.kind != "katalog" or found.foreign(folder_of(warehouse)):
        return None
    return found.number


# DuckDB's file: three 4 KiB headers, then `total_blocks` blocks of `block_size` bytes, less the
# free ones at its end, which DuckDB's checkpoint cuts off (measured on catalogs and working files).
DUCKDB_HEADERS = 3 * 4096
# A Parquet file starts and ends with these bytes; the footer's length sits just before the end.
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Found:
    """What the warehouse path holds, read from its header and its views' text, never its data.

    kind: None (nothing), "katalog", "lengkap" (a whole DuckDB warehouse: one from before the
    catalog, or a backup put back) or "rusak" (`problem` says why: not DuckDB, or truncated)."""

    kind: str | None
    problem: str = ""
    number: int | None = None  # the catalog's publication
    files: tuple[Path, ...] = ()  # the Parquet files the catalog's views name

    def foreign(self, folder: Path) -> list[Path]:
        """The files it names outside `folder` (another warehouse's: a copy or a move)."""
        return [f for f in self.files if not f.is_relative_to(folder)]


def inspect(warehouse: Path) -> Found:
    """Open the file at the warehouse path read-only and tell what it is, and whether it is whole."""
    if not warehouse.exists():
        return Found(None)
    try:
        with opened(warehouse) as con:
            problem = _short(con, warehouse)
            if problem:
                return Found("rusak", problem)
            views = db.view_sql(con, "katalog")
            if "unggahan" not in views:
                return Found("lengkap")
            number = None
            if db.has_table(con, "terbitan", "katalog"):
                ((number,),) = con.execute("select max(nomor) from katalog.main.terbitan").fetchall()
    except duckdb.Error as exc:
        reason = str(exc).splitlines()[0]
        if _READ_PAST_END in reason:  # a block DuckDB needs lies past the end: cut short, not garbage
            return Found("rusak", f"terpotong: {angka(warehouse.stat().st_size)} bita ({reason})")
        return Found("rusak", f"tidak terbaca sebagai berkas DuckDB: {reason}")
    return Found("katalog", number=number, files=tuple(named_files(" ".join(views.values()))))


# DuckDB's words when a file ends before a block its header points to (the attach itself fails).
_READ_PAST_END = "Could not read enough bytes"


def _short(con: duckdb.DuckDBPyConnection, warehouse: Path) -> str:
    """Why the attached file is shorter than it was written ('' when it is whole). A file with a
    write-ahead log beside it (an old whole warehouse) may count blocks the log holds: not judged.

    The catalog's recipe (warehouse.katalog) records its size; without it, the file must hold at
    least its used blocks (DuckDB cuts free blocks off a file's end: a catalog carried forward has
    some; one written whole has none, and is then exactly its header's length)."""
    if warehouse.with_name(warehouse.name + ".wal").exists():
        return ""
    blocks = katalog.blocks_of(con, "katalog")
    ((block_size,),) = con.execute(
        "select block_size from pragma_database_size() where database_name = 'katalog'"
    ).fetchall()
    expected = katalog.written_size(folder_of(warehouse), blocks) or DUCKDB_HEADERS + blocks[1] * block_size
    actual = warehouse.stat().st_size
    return f"terpotong: {angka(actual)} dari {angka(expected)} bita" if actual < expected else ""


def flaw(path: Path) -> str:
    """Why a published Parquet file cannot be read ('' when it looks whole): gone, or not whole
    (its first and last bytes, and its footer's length; never its data)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(4)
            handle.seek(max(size - 8, 0))
            tail = handle.read(8)
    except FileNotFoundError:
        return "hilang"
    except OSError as exc:
        return f"tidak terbaca ({os_reason(exc)})"
    footer = int.from_bytes(tail[:4], "little") if len(tail) == 8 else size
    if size < 12 or head != PARQUET_MAGIC or tail[4:] != PARQUET_MAGIC or footer > size - 12:
        return "tidak utuh"
    return ""


def continue_numbering(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """A working file made anew (restored, converted) numbers its publications after every file
    already in the folder: a published file is never written over while a catalog may name it."""
    highest = max(
        (int(p.name.split(".")[-2]) for p in folder.glob("*/*.parquet") if p.name.split(".")[-2].isdigit()),
        default=0,
    )
    if highest > last_number(con):
        con.execute("insert into terbitan values (?, now())", [highest])


def _export(
    con: duckdb.DuckDBPyConnection, folder: Path, table: str, month: str, number: int, table_exists: bool
) -> None:
    """One partition as a new file (none when it has no row any more), listed in `bagian`."""
    _release(con, folder, table, month)
    if not table_exists:
        return
    target = folder / table / f"{month}.{number}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    order = partitioned()[table]
    query = f"select * from {table} where {condition(month)} order by {order}"  # table, month: ours
    if write_partition(con, query, target):
        files.fsync(target)
        con.execute("insert into bagian values (?, ?, ?)", [table, month, _relative(target, folder)])
    else:
        target.unlink(missing_ok=True)


def write_partition(con: duckdb.DuckDBPyConnection, query: str, target: Path) -> int:
    """The rows of `query` (ours, ordered) as one Parquet file; how many. In row groups of
    ROW_GROUP_ROWS: an analyst's filter on a partition's leading column (one kecamatan's three
    years) then reads one small group of each file, not half of it."""
    ((rows,),) = con.execute(
        f"copy ({query}) to {db.literal(target)}"
        f" (format parquet, compression zstd, row_group_size {ROW_GROUP_ROWS})"
    ).fetchall()
    return int(rows)


def stale_schemas(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """The partitioned tables whose published schema file is missing or has other columns (new, or
    changed by a migration): written again, not every publication."""
    present = db.tables(con)
    listed = dict(con.execute("select tabel, berkas from bagian where bulan = ?", [SCHEMA]).fetchall())
    now: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where database_name = current_database() and schema_name = 'main' order by table_name, column_index"
    ).fetchall():
        now.setdefault(table, []).append((column, kind))
    return [
        t
        for t in partitioned()
        if t in present and (t not in listed or now[t] != _published_columns(con, folder / listed[t]))
    ]


# The columns of each published schema file read so far: a file is never rewritten (a new
# publication writes a new one), so it is read once per process, by (path, mtime, size).
_published: dict[tuple[str, int, int], list[tuple[str, str]]] = {}


def _published_columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[str, str]] | None:
    """The columns of a published schema file (None when it is gone)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _published:
        query = (
            f"select column_name, column_type from (describe select * from read_parquet({db.literal(path)}))"
        )
        _published[key] = [(name, kind) for name, kind in con.execute(query).fetchall()]
    return _published[key]


def _export_schema(con: duckdb.DuckDBPyConnection, folder: Path, table: str, number: int) -> None:
    """A file of no rows, so that the view of a table with no data yet still has its columns."""
    target = folder / table / f"{SCHEMA}.{number}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy (select * from {table} limit 0) to {db.literal(target)} (format parquet)"
    )  # table: ours
    _release(con, folder, table, SCHEMA)
    con.execute("insert into bagian values (?, ?, ?)", [table, SCHEMA, _relative(target, folder)])


def _relative(path: Path, folder: Path) -> str:
    """How `bagian` names a file: relative to the folder, so that a warehouse moved with its
    folder still knows its files (the catalog names them by absolute path, written anew)."""
    return path.relative_to(folder).as_posix()


def _release(con: duckdb.DuckDBPyConnection, folder: Path, table: str, month: str) -> None:
    """Unlist a partition's published file; its time stamp now says when it was replaced, which
    is when its grace starts (collect_garbage)."""
    for (path,) in con.execute(
        "select berkas from bagian where tabel = ? and bulan = ?", [table, month]
    ).fetchall():
        with suppress(FileNotFoundError):
            os.utime(folder / path)
    con.execute("delete from bagian where tabel = ? and bulan = ?", [table, month])


def _write_catalog(con: duckdb.DuckDBPyConnection, warehouse: Path, number: int) -> None:
    """The small file analysts open, with the files of every partition listed (warehouse.katalog)."""
    listing: dict[str, list[str]] = {}
    folder = folder_of(warehouse)
    for table, path in con.execute("select tabel, berkas from bagian order by tabel, bulan").fetchall():
        listing.setdefault(table, []).append(str(folder / path))
    katalog.write(con, warehouse, folder, number, listing)


def collect_garbage(
    con: duckdb.DuckDBPyConnection, folder: Path, grace_hours: float = GRACE_HOURS
) -> list[Path]:
    """Remove Parquet files the current catalog does not list, replaced longer ago than the grace."""
    kept = {str(folder / path) for (path,) in con.execute("select berkas from bagian").fetchall()}
    cutoff = time.time() - grace_hours * 3600
    removed = []
    for table in partitioned():
        for path in (folder / table).glob("*.parquet") if (folder / table).is_dir() else ():
            if str(path) not in kept and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed

"""Tiny district uploads for tests, written the way a district office writes them."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl

from contract.settings import Settings
from landing import inbox
from landing.inbox import LandingFile
from landing.records import read_records
from pipeline.batch import parse_files
from transforms.uploads import ParsedUpload
from warehouse import db, publish, store

HEADER = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam,sudah_cetak"
# Kota Bima (5272) has five kecamatan; Lombok Utara (5208) too: small, real districts.
KOTA_BIMA = ["527201", "527202", "527203", "527204", "527205"]
LOMBOK_UTARA = ["520801", "520802", "520803", "520804", "520805"]
WITA = timezone(timedelta(hours=8))


def discovered(root: Path, inboxes: frozenset[str]) -> list[LandingFile]:
    """Every entry of a landing folder as a LandingFile (a run makes them only for what it reads)."""
    return inbox.files(inbox.listing(root, inboxes))


def row(day: date, kode: str, wajib: int, sudah: int, cetak: int | None = None) -> str:
    cetak = sudah if cetak is None else cetak
    return f"{day.isoformat()},{kode},,{wajib},{sudah},{wajib - sudah},{cetak}"


def write(
    landing: Path, kab: str, name: str, lines: list[str], when: datetime | None = None, header: str = HEADER
) -> Path:
    """Write one CSV upload into the inbox of `kab`, with a chosen modification time."""
    path = landing / kab / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *lines]) + "\n")
    stamp = (when or datetime(2018, 4, 20, 8, 0, tzinfo=WITA)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def day_file(
    landing: Path,
    kab: str,
    codes: list[str],
    day: date,
    base: int,
    step: int,
    name: str | None = None,
    when: datetime | None = None,
    skip: tuple[str, ...] = (),
) -> Path:
    """A valid report of `kab` for `day`: sudah_rekam rises by `step` a day from `base`."""
    n = (day - date(2018, 4, 1)).days
    lines = [row(day, k, 10_000 + 100 * i, base + i + step * n) for i, k in enumerate(codes) if k not in skip]
    stamp = when or datetime.combine(day + timedelta(days=1), time(8), tzinfo=WITA)
    return write(landing, kab, name or f"lap_{day.isoformat()}.csv", lines, stamp)


_LOOKS = db.ProcessInstance()
_aliases = itertools.count()


@contextmanager
def reading(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse file attached read-only, as the connection's default database, to one
    in-memory DuckDB kept for the test process: `duckdb.connect(path)` makes a DuckDB each time,
    ~12 ms of CPU, thousands of times a suite. Detached after the block, unlike
    `warehouse.read.connect`, which keeps the file attached: a test that then changes the file
    in this process would be refused."""
    alias = f"dilihat_{next(_aliases)}"
    con = _LOOKS.get().cursor()
    try:
        con.execute(f"attach ? as {alias} (read_only)", [str(warehouse)])
        try:
            con.execute(f"use {alias}")
            yield con
        finally:
            con.execute("use memory")
            con.execute(f"detach {alias}")
    finally:
        con.close()


@contextmanager
def older_warehouse(path: Path, upto: int) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse file as an earlier release left it: DuckDB 1.4's storage, migrated up to
    migration `upto`. The block writes its rows on the connection, closed after it, so that the
    release under test opens the file next."""
    con = duckdb.connect()
    try:
        con.execute("attach ? as gudang (storage_version 'v1.4.0')", [str(path)])
        con.execute("use gudang")
        store.migrate(con, upto=upto)
        yield con
    finally:
        con.close()


def as_another_process(path: Path, *statements: str) -> None:
    """The statements run on the DuckDB file at `path` opened for writing by another process, as
    an analyst's DuckDB opens it: this process's readers keep published files attached
    (warehouse.read), and DuckDB refuses a process to open for writing a file it has attached."""
    script = (
        "import duckdb, sys\nwith duckdb.connect(sys.argv[1]) as c:\n    [c.execute(s) for s in sys.argv[2:]]"
    )
    subprocess.run([sys.executable, "-c", script, str(path), *statements], check=True)


def dump(warehouse: Path, table: str, drop: tuple[str, ...] = ("run_id", "diproses_pada")) -> pl.DataFrame:
    """The whole table, sorted, without the columns that name the run."""
    return dumps(warehouse, (table,), drop)[table]


def dumps(
    warehouse: Path, tables: Iterable[str], drop: tuple[str, ...] = ("run_id", "diproses_pada")
) -> dict[str, pl.DataFrame]:
    """`dump` of each table, through one connection (opening the catalog is most of a small dump)."""
    found = {}
    with reading(warehouse) as con:
        for table in tables:
            frame = con.sql(f"select * from {table}").pl()
            frame = frame.drop([c for c in drop if c in frame.columns])
            found[table] = frame.sort(frame.columns, nulls_last=True)
    return found


def snapshot(warehouse: Path, to: Path) -> None:
    """Keep the whole warehouse (catalog, working file, partitions) to put back with `restore`."""
    to.mkdir(parents=True)
    shutil.copyfile(warehouse, to / "katalog")
    shutil.copytree(publish.folder_of(warehouse), to / "bagian")


def restore(kept: Path, warehouse: Path) -> None:
    """Put back a warehouse kept by `snapshot` (at the same path: the catalog names its files)."""
    shutil.rmtree(publish.folder_of(warehouse), ignore_errors=True)
    shutil.copytree(kept / "bagian", publish.folder_of(warehouse))
    shutil.copyfile(kept / "katalog", warehouse)


def one(warehouse: Path, query: str, params: list | None = None):
    with reading(warehouse) as con:
        return con.execute(query, params or []).fetchall()


def run_settings(landing: Path, warehouse: Path, **flags: object) -> Settings:
    """The settings a run gets from the CLI: the environment (EKTP_TODAY, ...) and these flags."""
    return Settings.load(landing=Path(landing), warehouse=Path(warehouse), **flags)


def parse_file(name: str, data: bytes, today: date) -> ParsedUpload:
    """One upload read and parsed exactly as a run does (alone in its batch)."""
    return parse_files([(name, data)], today)[0]


def read_cells(name: str, data: bytes) -> pl.DataFrame:
    """The records of an upload as a table to read by eye: `baris` plus text columns `c0..cN`
    (short records padded, empty cells null)."""
    records = read_records(name, data)
    width = max((len(cells) for _, cells in records), default=0)
    padded = [list(cells) + [None] * (width - len(cells)) for _, cells in records]
    names = [f"c{i}" for i in range(width)]
    frame = pl.DataFrame(padded, schema=dict.fromkeys(names, pl.String), orient="row")
    cells = [pl.when(pl.col(names) != "").then(pl.col(names)).name.keep()] if names else []
    return frame.select(pl.Series("baris", [line for line, _ in records], dtype=pl.Int64), *cells)

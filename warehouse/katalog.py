"""The catalog analysts open (warehouse.publish): written whole, or carried forward from the last.

Writing one whole cost a publication most of its fixed time: the analysts' macros and as-of macros
are bound as DuckDB creates them (through the views, to their Parquet files: more of them every
month), and ~260 COMMENT statements follow (a small nightly: 0.37 s of 2.2 s; a national one:
1.9 s of its 3.0 s publication). What changes from one publication to the next is small: the rows
of the catalog's own tables, and the views over the partitions the run rewrote. So the last catalog
is copied and brought up to date in one transaction: its tables' rows replaced (their comments
stay), each view whose files changed made anew and described again; its macros and everything
else kept.

It is written whole instead when its recipe changed (the SQL of its macros, views and comments, the
columns of its tables, which partitioned relations it has, DuckDB's version), or when the catalog at
the warehouse path is not the one the recipe beside it names (another publication, a catalog put
back, missing or damaged) or holds other things than it did when it was written. The recipe, its
publication and the catalog's contents are kept in `<warehouse>.bagian/katalog.resep`, written
after the catalog is in place: a run killed between the two leaves a stale recipe, and the next
publication writes the catalog whole.

A process that writes the catalogs of several warehouses (the test workers, a demo in a fresh
folder) writes one whole per recipe: the next whole write of the same recipe starts from a copy of
that one (`_TEMPLATES`), brought up to date as a carried catalog is (every view's files differ).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from contract import files
from warehouse import asof, db, komentar, macros, marts
from warehouse.read import SQL, sql

# Files analysts open must stay readable by DuckDB 1.4+ clients (duckdb-cli, DBeaver, JDBC, ODBC).
STORAGE_VERSION = "v1.4.0"
# Small tables the catalog holds itself.
CATALOG_TABLES = (
    "wilayah_kabupaten",
    "wilayah_kecamatan",
    "cakupan",
    "schema_migrations",
    "persetujuan",  # sign-offs, locks and unlocks: a few rows a month per district
    "pengingat",  # reminders tried: a few rows a day per district
    "laporan_kecamatan_terakhir",  # one row per kecamatan: the history check of `ektp check` reads it
    "laporan_kecamatan_pertama",  # one row per kecamatan: so does the history check
    "jurnal_mart",  # since when each journaled mart's journal runs: its `_per` macro reads it
)
RECIPE = "katalog.resep"  # in the warehouse's folder (warehouse.publish.folder_of)


def write(
    con: duckdb.DuckDBPyConnection, warehouse: Path, folder: Path, number: int, listing: dict[str, list[str]]
) -> None:
    """The catalog of publication `number` at `warehouse`: written beside it, then renamed over it.
    `listing` names each partitioned relation's files; `con` is the writer's (`gudang` in use)."""
    temporary = warehouse.with_name(f".{warehouse.name}.{number}.katalog")
    for leftover in warehouse.parent.glob(f".{glob.escape(warehouse.name)}.*.katalog*"):
        leftover.unlink(missing_ok=True)  # a catalog a killed run did not finish
    views = db.view_sql(con, "gudang")
    recipe = _recipe(con, views, listing)
    contents = _copy_last(warehouse, folder / RECIPE, recipe, temporary)
    if contents is None:
        contents = _TEMPLATES.copy(recipe, temporary)
    carried = contents is not None
    con.execute("attach ? as katalog (storage_version ?)", [str(temporary), STORAGE_VERSION])
    try:
        with db.transaction(con):  # one commit, not one per statement
            _tables(con, number, carried)
            con.execute("use katalog")
            if carried:
                _bring_up_to_date(con, listing)  # same recipe: the same relations, columns, macros
            else:
                _write_whole(con, listing, views)
        if contents is None:
            contents = _contents(con)
        con.execute("checkpoint")
        blocks = blocks_of(con, "katalog")
    finally:
        con.execute("use gudang")
        con.execute("detach katalog")
    if not carried:
        _TEMPLATES.keep(recipe, temporary, contents)
    size = temporary.stat().st_size
    files.replace(temporary, warehouse)
    kept = {"nomor": number, "resep": recipe, "isi": contents, "blok": blocks, "ukuran": size}
    files.write_atomic(folder / RECIPE, json.dumps(kept))


class _Templates:
    """Whole catalogs this process wrote, by recipe, in a temporary folder of its own (removed when
    it ends): a whole write costs ~0.2 s of CPU (its macros and ~260 comments), a copy a few ms. A
    forked process starts a folder of its own rather than share its parent's."""

    KEPT = 4  # recipes (without marts, with them, ...): the oldest is dropped

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner = 0
        self._folder: Path | None = None
        self._kept: dict[str, list[list[str]]] = {}

    def copy(self, recipe: str, to: Path) -> list[list[str]] | None:
        """The contents of the template of `recipe`, copied to `to`; None if there is none."""
        with self._lock:
            if self._owner != os.getpid() or recipe not in self._kept or self._folder is None:
                return None
            shutil.copyfile(self._folder / recipe, to)
            return self._kept[recipe]

    def keep(self, recipe: str, catalog: Path, contents: list[list[str]]) -> None:
        with self._lock:
            folder = self._own_folder()  # this process's alone, and the lock held: a plain copy
            shutil.copyfile(catalog, folder / recipe)
            self._kept.pop(recipe, None)
            self._kept[recipe] = contents
            while len(self._kept) > self.KEPT:
                oldest = next(iter(self._kept))
                del self._kept[oldest]
                (folder / oldest).unlink(missing_ok=True)

    def _own_folder(self) -> Path:
        if self._owner != os.getpid() or self._folder is None:
            self._owner, self._kept = os.getpid(), {}
            self._folder = files.process_folder("ektp-katalog")  # removed at the process's end
        return self._folder


_TEMPLATES = _Templates()


def blocks_of(con: duckdb.DuckDBPyConnection, database: str) -> list[int]:
    """[total, used, free] blocks of an attached DuckDB file, from its header (no data read)."""
    ((total, used, free),) = con.execute(
        "select total_blocks, used_blocks, free_blocks from pragma_database_size() where database_name = ?",
        [database],
    ).fetchall()
    return [total, used, free]


def written_size(folder: Path, blocks: list[int]) -> int | None:
    """The size the catalog had when it was written, if the recipe beside it describes a catalog
    with these blocks (its header: the same file, as far as the header can tell)."""
    try:
        last = json.loads((folder / RECIPE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("blok") != blocks or not isinstance(last.get("ukuran"), int):
        return None
    return int(last["ukuran"])


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The analysts' macros, in the catalog or a backup (the default database is it), with the
    macros their SQL calls (warehouse.macros); then the description of every relation, column
    and macro there (warehouse.komentar: a copied table or a new view carries none)."""
    for text in _macro_statements(set(marts.names()) <= db.relations(con), asof.complete(con)):
        con.execute(text)
    komentar.apply(con)


def named_files(view_sql: str) -> list[Path]:
    """The Parquet files a catalog's view definitions name (each a quoted absolute path)."""
    return [Path(m.replace("''", "'")) for m in re.findall(r"'((?:[^']|'')*\.parquet)'", view_sql)]


def _macro_statements(marts_there: bool, lengkap: set[str]) -> list[str]:
    """The macros a catalog holds: the helpers, and the analysts' and `_per` macros once it has
    the marts (without them, those macros would read nothing); `lengkap`: the journaled marts whose
    journal holds their every state (asof.complete)."""
    found = list(macros.statements())
    if marts_there:
        found += [sql(f"macros/{m}") for m in sorted(p.stem for p in (SQL / "macros").glob("*.sql"))]
        found += asof.statements(lengkap)
    return found


def _recipe(con: duckdb.DuckDBPyConnection, views: dict[str, str], listing: dict[str, list[str]]) -> str:
    """What the catalog's shape follows from: equal recipes, catalogs alike but for rows and files."""
    columns = con.execute(
        "select table_name, column_name, data_type from duckdb_columns()"
        " where database_name = 'gudang' and table_name in ? order by all",
        [[*CATALOG_TABLES, "terbitan"]],
    ).fetchall()
    present = db.tables(con)
    relations = {*views, *listing, *(t for t in CATALOG_TABLES if t in present)}
    parts = {
        "duckdb": duckdb.__version__,
        "storage": STORAGE_VERSION,
        "columns": columns,
        "partitioned": sorted(listing),
        "views": sorted(views.items()),
        "macros": _macro_statements(set(marts.names()) <= relations, asof.complete(con)),
        "comments": [k.statement("katalog") for k in komentar.declared()],
    }
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _copy_last(warehouse: Path, kept: Path, recipe: str, temporary: Path) -> list[list[str]] | None:
    """Copy the catalog at `warehouse` to `temporary` when it is the one `kept` describes, written
    by the same recipe and holding what it held then; its contents, or None (nothing copied)."""
    try:
        last = json.loads(kept.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(last, dict) or last.get("resep") != recipe or not warehouse.is_file():
        return None
    try:
        with opened(warehouse) as old:
            if "unggahan" not in db.view_sql(old, "katalog"):
                return None  # a whole warehouse put back (its relations are tables), not a catalog
            ((number,),) = old.execute("select max(nomor) from katalog.main.terbitan").fetchall()
            contents = _contents(old)
    except duckdb.Error:
        return None
    if number != last.get("nomor") or contents != last.get("isi"):
        return None
    shutil.copyfile(warehouse, temporary)
    return contents


def _tables(con: duckdb.DuckDBPyConnection, number: int, carried: bool) -> None:
    """The catalog's own tables, from the working file: made, or their rows replaced (a table's
    comments stay with it)."""
    present = db.tables(con)  # the working file's (the current database)
    for table in CATALOG_TABLES:
        if table in present:
            _table(con, table, f"select * from gudang.main.{table}", [], carried)  # ours
    _table(con, "terbitan", "select * from gudang.main.terbitan where nomor = ?", [number], carried)


def _table(
    con: duckdb.DuckDBPyConnection, table: str, query: str, params: list[object], carried: bool
) -> None:
    if carried:
        con.execute(f"delete from katalog.main.{table}")
        con.execute(f"insert into katalog.main.{table} {query}", params)
    else:
        con.execute(f"create table katalog.main.{table} as {query}", params)


def _view(table: str, paths: list[str]) -> str:
    quoted = ", ".join(db.literal(f) for f in paths)
    return f"create or replace view {table} as select * from read_parquet([{quoted}], union_by_name = true)"


def _write_whole(
    con: duckdb.DuckDBPyConnection, listing: dict[str, list[str]], views: dict[str, str]
) -> None:
    for table, paths in listing.items():
        con.execute(_view(table, paths))
    for text in views.values():
        con.execute(text)
    install_macros(con)


def _bring_up_to_date(con: duckdb.DuckDBPyConnection, listing: dict[str, list[str]]) -> None:
    """The views whose files changed, made anew and described again (the recipe holds the rest)."""
    old = db.view_sql(con, "katalog")
    changed = {t for t, paths in listing.items() if [Path(p) for p in paths] != named_files(old.get(t, ""))}
    for table in sorted(changed):
        con.execute(_view(table, listing[table]))
    if changed:
        komentar.apply(con, relations=changed)


def _contents(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """What the attached `katalog` holds: relations, columns, macros (JSON-ready, sorted). Leaves
    `katalog` the connection's default database."""
    con.execute("use katalog")
    return sorted([kind, name] for kind, name in con.execute(sql("katalog_isi"), [True]).fetchall())


# The DuckDB the looks at a published file share (three a run: what the file is, its version, the
# catalog to carry): one caller at a time, since the file is attached under the one name `katalog`.
_LOOKS = db.ProcessInstance(memory_limit="256MB")
_looking = threading.Lock()
_within = threading.local()


@contextmanager
def opened(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file at the warehouse path, attached read-only as `katalog` (not `duckdb.connect(path)`,
    which hands back an instance this process may hold open, and stale); detached after the block."""
    if getattr(_within, "look", False):  # a look within a look: a DuckDB of its own
        with db.connect() as con:
            con.execute("attach ? as katalog (read_only)", [str(warehouse)])
            yield con
        return
    with _looking:
        _within.look = True
        con = _LOOKS.get().cursor()
        try:
            con.execute("attach ? as katalog (read_only)", [str(warehouse)])
            try:
                yield con
            except BaseException:
                db.quietly(con.execute, "use memory; detach katalog")  # the block's error is the one to tell
                raise
            con.execute("use memory")  # the block may have made `katalog` the default
            con.execute("detach katalog")
        finally:
            con.close()
            _within.look = False

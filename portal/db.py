"""The portal's own state: one SQLite file beside the warehouse, never the warehouse itself (a run
replaces the warehouse file whole, and the portal must never open it for writing).

SQLite, not DuckDB: the portal makes many tiny writes from several threads (a session touched per
page, a failed login, an upload logged), which is what SQLite's WAL mode is for; DuckDB allows one
writing process per file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from contract.errors import UsageError
from contract.settings import Settings

SCHEMA = """
create table if not exists akun (
    nama text primary key,
    peran text not null check (peran in ('kabupaten', 'provinsi', 'admin')),
    kode_kabupaten text,
    sandi_hash text not null,               -- argon2id
    dibuat_pada text not null,              -- ISO 8601, UTC
    diubah_pada text not null,
    check ((peran = 'kabupaten') = (kode_kabupaten is not null))
);

-- A session is known by the SHA-256 of its cookie token: the database never holds the token.
create table if not exists sesi (
    token_hash text primary key,
    akun text not null references akun (nama) on delete cascade,
    csrf text not null,
    dibuat_pada real not null,              -- Unix seconds
    dipakai_pada real not null
);

-- Login attempts (portal.throttle): recorded before the password is checked; a running one
-- (berjalan = 1) counts as a failure until it ends, a success is deleted.
drop table if exists gagal_masuk;
create table if not exists percobaan_masuk (
    id integer primary key,
    akun text not null,                     -- the name typed, known or not
    ip text not null,
    pada real not null,                     -- Unix seconds
    berjalan integer not null default 0
);
create index if not exists percobaan_masuk_akun on percobaan_masuk (akun, pada);
create index if not exists percobaan_masuk_ip on percobaan_masuk (ip, pada);

-- Every file sent through the portal: who, when, its bytes' hash and what the check said.
create table if not exists unggahan (
    id integer primary key,
    kiriman text not null,                  -- one form submission (one or several files)
    akun text not null,
    kode_kabupaten text not null,
    nama_asli text not null,                -- the name the browser sent (shown escaped)
    berkas text,                            -- unggahan.file in the warehouse; null when refused
    sha256 text not null,
    ukuran integer not null,
    diunggah_pada text not null,            -- ISO 8601, UTC
    ip text,
    hasil text not null,                    -- the check's status, 'ditolak_portal' or 'gagal_periksa'
    alasan text,
    kesalahan integer,
    peringatan integer,
    tanda_terima text                       -- the check's receipt as JSON
);
create index if not exists unggahan_kabupaten on unggahan (kode_kabupaten, id);
create index if not exists unggahan_kiriman on unggahan (kiriman);
-- The lock page's files sent in the last week (unggahan_sah_terbaru.sql).
create index if not exists unggahan_diunggah on unggahan (diunggah_pada);

-- An office's token for the API (portal.tokens): one per account, stored only as its SHA-256.
create table if not exists token_api (
    akun text primary key references akun (nama) on delete cascade,
    token_hash text not null unique,
    dibuat_pada text not null               -- ISO 8601, UTC
);

-- Every action an admin took (on the web or with `ektp akun`), never deleted.
create table if not exists log_admin (
    id integer primary key,
    pada text not null,                     -- ISO 8601, UTC
    oleh text not null,                     -- the admin account, or `cli:<user>` for `ektp akun`
    tindakan text not null,
    sasaran text,                           -- the account (or address) acted on
    keterangan text
);

-- When each account last opened a district's home page: the page lists what changed since.
create table if not exists kunjungan (
    akun text not null references akun (nama) on delete cascade,
    kode_kabupaten text not null,
    pada text not null,                     -- ISO 8601, UTC
    primary key (akun, kode_kabupaten)
);
"""
# Columns added after the first portals were set up: (table, column, declaration).
ADDED = (
    # unggahan: the report date the check read, the comparison shown before a replacement, and
    # the staged file held until the office confirms it (portal.upload)
    ("unggahan", "tanggal", "text"),
    ("unggahan", "perbandingan", "text"),
    ("unggahan", "tunda", "text"),
    # akun: a one-time password must be changed at the next login; a disabled account signs not in
    ("akun", "harus_ganti", "integer not null default 0"),
    ("akun", "nonaktif", "integer not null default 0"),
)


# Indexes over columns of ADDED, made after them: the province's grid reads the uploads of a range
# of report dates, a search rather than a read of every upload the portal ever took.
ADDED_INDEXES = ("create index if not exists unggahan_tanggal on unggahan (tanggal, kode_kabupaten)",)


def path_of(settings: Settings) -> Path:
    """The portal database of these settings; refused when it would be the warehouse."""
    path = settings.portal_database
    if path.resolve() == settings.warehouse.resolve():
        raise UsageError("EKTP_PORTAL_DB tidak boleh berkas gudang data", portal_db=path)
    return path


def create(path: Path) -> Path:
    """Create the file (owner-only: it holds password hashes) and its tables if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    with connect(path) as con:
        con.execute("pragma journal_mode = wal")  # readers never wait for a writer
        con.executescript(SCHEMA)
        with transaction(con):  # two portals starting at once add each column once
            _add_columns(con)
    return path


def _add_columns(con: sqlite3.Connection) -> None:
    """Bring a portal database made by an older version up to date (ADDED: our own names), and
    index what needs those columns."""
    for table, column, declaration in ADDED:
        present = {r["name"] for r in con.execute(f"pragma table_info({table})")}
        if column not in present:
            con.execute(f"alter table {table} add column {column} {declaration}")
    for statement in ADDED_INDEXES:
        con.execute(statement)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for one piece of work (threads never share one).

    In the portal's own process (`keep`), the calling thread's connection, kept for its next piece
    of work on the same file: a new connection reads the schema at its first statement (~0.3-0.5
    ms of CPU), and a request opened several. Elsewhere (the commands) a new one each time.

    Autocommit; a change of several statements goes in `with transaction(con):`. A piece of work
    that fails, or leaves a transaction open, closes its connection: the next one starts clean.
    """
    if os.path.abspath(path) not in _KEEP:
        con = _open(path)
        try:
            yield con
        finally:
            con.close()
        return
    key, con = _kept(path)
    try:
        yield con
    except BaseException:
        _drop(key, con)
        raise
    if con.in_transaction:
        _drop(key, con)


def keep(path: Path) -> None:
    """Keep each thread's connection to `path` in this process (the portal's server), and let its
    transactions take the write lock in turn (`transaction`).

    Only where nothing but SQLite opens the file: closing any other descriptor of it drops every
    POSIX lock this process holds on it, the kept connections' too (sqlite.org/howtocorrupt.html,
    2.2). The tests run the portal in their own process: one run of tests/portal failed three
    requests with "disk I/O error" after a test read the file's bytes there (it now reads them in a
    child process).
    """
    _KEEP.setdefault(os.path.abspath(path), threading.RLock())


_KEEP: dict[str, threading.RLock] = {}  # kept files and their transactions' turn
# This thread's connections by (process, path, device, inode): a file replaced at the same path is
# a new one; a forked child opens its own (a connection must not cross a fork).
_THREAD = threading.local()
KEPT_PER_THREAD = 4  # files a thread keeps a connection to
BUSY_SECONDS = 10  # the longest a piece of work waits for another's write
_INHERITED: list[sqlite3.Connection] = []  # a forked child's copies: never closed there


def _kept(path: Path) -> tuple[tuple | None, sqlite3.Connection]:
    kept = _connections()
    key = _key(path)
    if key is not None and (con := kept.pop(key, None)) is not None:
        kept[key] = con  # the most recently used last
        return key, con
    con = _open(path)
    key = key or _key(path)  # sqlite3 created the file
    if key is not None:
        kept[key] = con
        while len(kept) > KEPT_PER_THREAD:
            kept.popitem(last=False)[1].close()
    return key, con


def _connections() -> OrderedDict[tuple, sqlite3.Connection]:
    if getattr(_THREAD, "pid", None) != os.getpid():
        _INHERITED.extend(getattr(_THREAD, "kept", {}).values())
        _THREAD.pid, _THREAD.kept = os.getpid(), OrderedDict()
    return _THREAD.kept


def _key(path: Path) -> tuple | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (os.getpid(), os.path.abspath(path), found.st_dev, found.st_ino)


def _drop(key: tuple | None, con: sqlite3.Connection) -> None:
    kept = _connections()
    if key is not None and kept.get(key) is con:
        del kept[key]
    try:
        if con.in_transaction:
            con.rollback()
    finally:
        con.close()


class _Connection(sqlite3.Connection):
    turn: threading.RLock | None = None  # the process's turn for transactions on its file (`keep`)


def _open(path: Path) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(
            path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False, factory=_Connection
        )
    except sqlite3.Error as exc:
        raise UsageError("basis data portal tidak dapat dibuka", portal_db=path, reason=str(exc)) from exc
    con.turn = _KEEP.get(os.path.abspath(path))
    con.row_factory = sqlite3.Row
    con.execute("pragma foreign_keys = on")
    return con


@contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[None]:
    """Statements that stand or fall together; the write lock is taken at once.

    In the portal's process the threads take turns first: SQLite's own wait for a busy file sleeps
    1, 2, 5, 10 ... 100 ms between tries, and ten offices sending at once waited up to ~100 ms for
    a lock held a few ms (`begin immediate`: p50 3.8, p90 42 ms). Other processes still wait as
    SQLite does, up to BUSY_SECONDS."""
    turn = getattr(con, "turn", None)
    if turn is None:
        with _transaction(con):
            yield
        return
    if not turn.acquire(timeout=BUSY_SECONDS):
        raise sqlite3.OperationalError("database is locked")  # as SQLite says it after its timeout
    try:
        with _transaction(con):
            yield
    finally:
        turn.release()


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    con.execute("begin immediate")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


T = TypeVar("T")


@dataclass
class _Waiting:
    """One thread's work waiting for a shared commit (`together`)."""

    work: Callable[[sqlite3.Connection], Any]
    done: bool = False
    value: Any = None
    error: BaseException | None = None


_GROUPS: dict[str, list[_Waiting]] = {}  # kept file -> the work waiting for its next commit
_GROUPS_LOCK = threading.Lock()


def together(path: Path, work: Callable[[sqlite3.Connection], T]) -> T:
    """`work(con)` in a write transaction, committed with the work other threads of the portal's
    process hand in at the same moment: one commit, so one wait for the disk, for all of them.

    Ten offices whose files a check round decided at once log them at once; each commit waits for
    its fsync (2-3 ms here, 17 ms at p90 under load), and ten in turn made the last office wait for
    all. The thread whose turn comes commits every work waiting then; the others find theirs done.
    Each work runs in its own savepoint: one that raises is undone alone and raises in its own
    thread, the others still commit. When the commit fails, every work in it raises that error.
    Outside a kept file (the commands) it is a transaction of its own."""
    key = os.path.abspath(path)
    turn = _KEEP.get(key)
    if turn is None:
        with connect(path) as con, transaction(con):
            return work(con)
    mine = _Waiting(work)
    with _GROUPS_LOCK:
        _GROUPS.setdefault(key, []).append(mine)
    if not turn.acquire(timeout=BUSY_SECONDS):
        with _GROUPS_LOCK:
            if mine in _GROUPS[key]:
                _GROUPS[key].remove(mine)
                raise sqlite3.OperationalError("database is locked")
        turn.acquire()  # another thread took it in: wait for its commit
    try:
        if not mine.done:
            with _GROUPS_LOCK:
                batch, _GROUPS[key] = _GROUPS[key], []
            _commit(path, batch)
    finally:
        turn.release()
    if mine.error is not None:
        raise mine.error
    return mine.value


def _commit(path: Path, batch: list[_Waiting]) -> None:
    """The works of `batch` in one transaction, each in a savepoint (under the file's turn)."""
    try:
        with connect(path) as con, transaction(con):
            for w in batch:
                con.execute("savepoint tiap")
                try:
                    w.value = w.work(con)
                except Exception as exc:
                    con.execute("rollback to tiap")
                    w.error = exc
                con.execute("release tiap")
    except BaseException as exc:
        for w in batch:
            w.error = w.error or exc
        raise
    finally:
        for w in batch:
            w.done = True

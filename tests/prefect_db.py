"""Prefect's database, migrated once per test run and copied wherever a test starts a server.

A Prefect server on a new database runs every migration and registers its block types first:
~10 s of CPU here, against ~4 s on a database that has them (measured with the same server,
started twice on one file). Each test that starts one (the workers' shared test server, the temporary
server of an `ektp` run without PREFECT_API_URL, `ektp serve`'s own) started on a new database.
Here one server is started once on a new database; its file, made by the same Prefect, is
copied into each new PREFECT_HOME (`prefect.db`, where Prefect's default connection URL points)
and under the test harness's database. What a first start does on a new home is what this build
does; the tests are about what comes after it. The file is kept across test runs too
(tests/once.kept_across_runs), for as long as Prefect's version and the way it is made stay the
same: remove `~/.cache/ektp/prefect-db` to make it again."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from unittest import mock

import pytest

from tests.once import built_once, kept_across_runs

FILE = "prefect.db"  # Prefect's default: sqlite+aiosqlite:///${PREFECT_HOME}/prefect.db


def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database file a Prefect server left after its first start (built once per test run,
    copied from the one kept across runs for this Prefect and this way of making it)."""
    return built_once(tmp_path_factory, "prefect-db", _from_kept) / FILE


def _from_kept(folder: Path) -> None:
    """A first start costs ~12 s of CPU at the start of every test run, while the workers wait
    for it (every test server starts on its result); a copy of the one kept costs nothing."""
    kept = kept_across_runs(
        "prefect-db", _key(), lambda path: _first_start(path.parent, path.name), _whole, folder
    )
    if kept != folder / FILE:
        shutil.copyfile(kept, folder / FILE)


def _key() -> str:
    """What the database a first start leaves follows from: Prefect's version (its migrations and
    block types), SQLite's, and how the start is made (this file, the run's Prefect environment)."""
    import prefect

    from flows import environment

    made = [Path(__file__), Path(environment.__file__)]
    parts = [prefect.__version__, sqlite3.sqlite_version, *(p.read_text(encoding="utf-8") for p in made)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20] + ".db"


def _whole(database: Path) -> bool:
    """The kept file is a whole SQLite database (a disk that failed under it is not read)."""
    try:
        con = sqlite3.connect(f"file:{database}?immutable=1", uri=True)  # no -wal or -shm beside it
        try:
            return con.execute("pragma quick_check").fetchone() == ("ok",)
        finally:
            con.close()
    except sqlite3.Error:
        return False


def _first_start(folder: Path, name: str = FILE) -> None:
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL, temporary_settings

    from tests.flows.support import free_port

    database = folder / name
    url = f"sqlite+aiosqlite:///{database}"
    with temporary_settings(updates={PREFECT_SERVER_DATABASE_CONNECTION_URL: url}):
        server = SubprocessASGIServer(port=free_port())
        server.start(timeout=120)
        server.stop()
    # The server runs SQLite in WAL mode: fold the log into the file, which is then whole alone.
    con = sqlite3.connect(database)
    try:
        con.execute("pragma wal_checkpoint(truncate)")
    finally:
        con.close()


def into_home(template: Path, home: Path) -> Path:
    """`home` made a PREFECT_HOME whose database is already migrated."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / FILE).exists():
        shutil.copyfile(template, home / FILE)
    return home


def harness_on(template: Path, folder: Path):
    """Prefect's test harness on a copy of `template`: it makes its database in a new temporary
    folder (`mkdtemp()`, as `prefect-test.db`); it is given `folder` with the copy in it."""
    from prefect.testing import utilities

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, folder / "prefect-test.db")
    return mock.patch.object(utilities, "mkdtemp", lambda: str(folder))

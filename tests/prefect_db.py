"""Prefect's database, migrated once per test run and copied wherever a test starts a server.

A Prefect server on a new database runs every migration and registers its block types first:
~10 s of CPU here, against ~4 s on a database that has them (measured with the same server,
started twice on one file). Each test that starts one (the workers' test servers, the temporary
server of an `ektp` run without PREFECT_API_URL, `ektp serve`'s own) started on a new database.
Here one server is started once on a new database; its file, made by the same Prefect, is
copied into each new PREFECT_HOME (`prefect.db`, where Prefect's default connection URL points)
and under the test harness's database. What a first start does on a new home is what this build
does; the tests are about what comes after it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from unittest import mock

import pytest

from tests.once import built_once

FILE = "prefect.db"  # Prefect's default: sqlite+aiosqlite:///${PREFECT_HOME}/prefect.db


def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database file a Prefect server left after its first start (built once per test run)."""
    return built_once(tmp_path_factory, "prefect-db", _first_start) / FILE


def _first_start(folder: Path) -> None:
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL, temporary_settings

    from tests.flows.support import free_port

    database = folder / FILE
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

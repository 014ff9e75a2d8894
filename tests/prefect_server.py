"""One Prefect test server for a whole `pytest -n` run, shared by its xdist workers.

Each worker started its own before (Prefect's test harness): three servers, each ~4 s of CPU to
start and ~1.2 % of a core while idle, over a run that is CPU-bound on this 2-core machine. Here
the controller (the pytest process that starts the workers) starts one server, the first time a
worker asks for it, and stops it when the run ends. It is the program's own temporary server
(flows.runner.TemporaryServer: it dies with the controller, even by SIGKILL), on a copy of the
migrated database (tests/prefect_db.py), without the services no test reads (`unread_services`).

The workers find it through files in the folder they share (tests/once.shared_folder): a worker
writes WANTED and waits for URL (or FAILED, the reason the server did not start). A test that
makes deployments holds DEPLOYMENTS' lock while it does (conftest's `server_deployments`): two
workers' tests would otherwise make and remove the same `nightly/nightly`.

Without xdist the session keeps one server of its own (conftest's `prefect_server`).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import traceback
from pathlib import Path

import pytest

from tests import prefect_db as prefect_db_files

FOLDER = "prefect-server"  # in the workers' shared folder
WANTED, URL, FAILED = "dibutuhkan", "url", "gagal"
DEPLOYMENTS = "prefect-deployments.lock"
KEY = "ektp_prefect_server"  # the workers' `workerinput` entry naming FOLDER
STARTUP = 180  # seconds a worker waits: a first build of the database, then a start on a busy machine


class Shared:
    """The controller's side: a thread that starts the server once a worker wants it, and keeps it
    (the server dies with the thread that started it: flows.runner.die_with_parent)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.folder: Path | None = None
        self.server = None  # flows.runner.TemporaryServer, once started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="prefect-test-server", daemon=True)

    # xdist's hook: each worker is told where to ask.
    def pytest_configure_node(self, node) -> None:
        if self.folder is None:
            self.folder = self._factory().getbasetemp() / FOLDER
            self.folder.mkdir(exist_ok=True)
            self._thread.start()
        node.workerinput[KEY] = str(self.folder)

    def pytest_unconfigure(self, config) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _factory(self) -> pytest.TempPathFactory:
        return self.config._tmp_path_factory  # type: ignore[attr-defined]  # pytest's tmp_path plugin's

    def _run(self) -> None:
        assert self.folder is not None
        while not (self.folder / WANTED).exists():
            if self._stop.wait(0.25):
                return
        try:
            self.server, url = _start(self._factory(), self.folder)
        except BaseException:
            _write(self.folder / FAILED, traceback.format_exc())
            return
        try:
            _write(self.folder / URL, url)
            self._stop.wait()
        finally:
            self.server.stop()


def unread_services() -> dict:
    """A test server's settings without the services that turn events into records for Prefect's
    UI and automations (task runs, the event feed, triggers): no test reads them, and they were a
    quarter of a test server's CPU. Flow runs, their states, logs and artifacts are the API's own.
    The servers the program starts (a run's temporary one, `ektp serve`'s:
    tests/flows/test_serve_server.py) run them all."""
    from prefect.settings import (
        PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED,
        PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED,
        PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED,
    )

    return {
        PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED: False,
        PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED: False,
        PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED: False,
    }


def _start(factory: pytest.TempPathFactory, folder: Path):
    from prefect.settings import (
        PREFECT_HOME,
        PREFECT_SERVER_DATABASE_CONNECTION_URL,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    from flows.runner import TemporaryServer

    database = folder / prefect_db_files.FILE
    shutil.copyfile(prefect_db_files.migrated(factory), database)
    updates = {
        PREFECT_HOME: str(folder),  # its log: server-sementara.log
        PREFECT_SERVER_DATABASE_CONNECTION_URL: f"sqlite+aiosqlite:///{database}",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: 120,
        **unread_services(),
    }
    with temporary_settings(updates=updates):
        server = TemporaryServer()
        return server, server.start()


def _write(path: Path, text: str) -> None:
    beside = path.with_name(f".{path.name}.{os.getpid()}")
    beside.write_text(text, encoding="utf-8")
    os.replace(beside, path)  # a worker reads it whole or not at all


def url(folder: Path) -> str:
    """A worker's side: the shared server's API URL, once it answers (asked for if need be)."""
    (folder / WANTED).touch()
    deadline = time.monotonic() + STARTUP
    while time.monotonic() < deadline:
        if (folder / URL).exists():
            return (folder / URL).read_text(encoding="utf-8")
        if (folder / FAILED).exists():
            pytest.fail("the shared Prefect test server did not start:\n" + (folder / FAILED).read_text())
        time.sleep(0.2)
    pytest.fail(f"the shared Prefect test server did not answer within {STARTUP} s (see {folder})")

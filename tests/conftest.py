"""Test-wide environment: offline, quiet, Prefect state in a temporary home, one test server."""

from __future__ import annotations

import atexit
import fcntl
import gc
import os
import shutil
import tempfile
from pathlib import Path

from contract import settings
from tests import argon2_cost

# Before Prefect or GX is imported anywhere: a private PREFECT_HOME, no telemetry.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="ektp-prefect-home-")


def _remove_home(home: str = os.environ["PREFECT_HOME"], owner: int = os.getpid()) -> None:
    """At exit, of the process that made it only (a forked child that exits normally runs its
    parent's exit handlers too): every pytest process and worker made one (1.4 MB each, in /tmp)."""
    if os.getpid() == owner:
        shutil.rmtree(home, ignore_errors=True)


atexit.register(_remove_home)
os.environ["EKTP_MIN_AGE_SECONDS"] = "0"  # test files are written a moment before the run
os.environ.update(argon2_cost.LEAST)  # passwords hashed at argon2id's least cost (its docstring)
# Three workers share two cores: a DuckDB thread each. A nightly's statements are over small tables,
# where DuckDB's second thread costs more CPU than it saves (a small nightly: 0.75-0.81 s of CPU
# instead of 0.88 s, bench/RESULTS.md). The demo keeps DuckDB's own default (tests/demo/conftest.py).
os.environ.setdefault(settings.DUCKDB_THREADS, "1")
os.environ.pop("PREFECT_API_URL", None)

from flows import environment  # noqa: E402

environment.configure()

# Prefect configures its logging on the first `from prefect import flow`: here, so that its console
# handler writes to the session's stderr and not to the captured stream of whichever test imported
# it first (closed after that test: a later test's Prefect log line failed, "I/O operation on closed file").
import prefect.main  # noqa: E402,F401

from flows import prefect_client  # noqa: E402

# As every run of the program has it (flows.runner.shared_api): the tests that call a flow
# directly make Prefect clients too, ~40 ms of CPU each without it.
prefect_client.share_tls_context()
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# No property test fails on time: Hypothesis's deadline and its "input generation is slow" check
# measure the wall clock, which other suites on this shared machine stretch (a fresh clone failed
# test_vectorised_count_format_matches_schema_format_count at a load average of 4: "only generated
# 2 valid inputs after 1.01 seconds"). A test's own @settings keeps whatever it adds to this.
settings.register_profile("ektp", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ektp")

from tests import order, tiers  # noqa: E402
from tests import prefect_db as prefect_db_files  # noqa: E402
from tests import prefect_server as prefect_server_files  # noqa: E402
from tests.once import shared_folder  # noqa: E402


@pytest.fixture(scope="session")
def prefect_db(tmp_path_factory) -> Path:
    """Prefect's database after a server's first start, built once per test run (tests/prefect_db.py).
    The session's own PREFECT_HOME gets a copy: `ektp` processes started without PREFECT_API_URL
    and without a home of their own start their temporary server on it."""
    template = prefect_db_files.migrated(tmp_path_factory)
    prefect_db_files.into_home(template, Path(os.environ["PREFECT_HOME"]))
    return template


@pytest.fixture(scope="session")
def prefect_server(prefect_db, tmp_path_factory, request):
    """One Prefect test server; flows in tests report to it. Under xdist the controller's, shared
    by every worker (tests/prefect_server.py); alone, the session's own (Prefect's test harness).

    The settings `flows.runner.shared_api` gives every run of the program (no flow-run heartbeats):
    tests that call a flow directly then wait for the same things its runs wait for. Either server
    runs without the services no test reads (`prefect_server.unread_services`)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.runner import run_settings

    shared = getattr(request.config, "workerinput", {}).get(prefect_server_files.KEY)
    if shared:
        url = prefect_server_files.url(Path(shared))
        with temporary_settings(updates={PREFECT_API_URL: url, **run_settings()}):
            yield url
        return
    yield from _own_prefect_server(prefect_db, tmp_path_factory)


def _own_prefect_server(prefect_db, tmp_path_factory):
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    from flows.runner import run_settings

    folder = tmp_path_factory.mktemp("prefect-test-server")
    with (
        prefect_db_files.harness_on(prefect_db, folder),
        temporary_settings(updates=prefect_server_files.unread_services()),
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates=run_settings()),
    ):
        yield PREFECT_API_URL.value()


@pytest.fixture
def server_deployments(prefect_server, tmp_path_factory):
    """For a test that makes deployments on the test server: every worker's tests share it, and
    two of them would make and remove the same `nightly/nightly` (tests/prefect_server.py)."""
    with open(shared_folder(tmp_path_factory) / prefect_server_files.DEPLOYMENTS, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield prefect_server


@pytest.fixture(scope="session")
def operator_env(prefect_db):
    """`operator_env(home, **more)`: the environment of an operator's shell, no Prefect server
    configured (a run starts its temporary server), with `home` as PREFECT_HOME (its database
    already migrated: tests/prefect_db.py)."""

    def make(home: Path, **more: str) -> dict[str, str]:
        prefect_db_files.into_home(prefect_db, home)
        return (
            {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
            | {"PREFECT_HOME": str(home)}
            | more
        )

    return make


@pytest.fixture
def cli_env(prefect_server):
    """Environment for `ektp` subprocesses: they report to the session's test server
    instead of each starting a temporary one (≈20 s apiece)."""
    return {**os.environ, "PREFECT_API_URL": prefect_server}


def pytest_configure(config):
    # With xdist, outside its workers: under `pytest -n` this process is the controller, which
    # keeps one Prefect test server for all its workers (started when one first asks for it).
    if hasattr(config.hook, "pytest_configure_node") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(prefect_server_files.Shared(config))
    # Python's cyclic collector, at its default of a collection per 700 allocations, and its full
    # passes over every imported module, cost tests/warehouse and tests/reports 5-7% of their CPU
    # (four runs each way). Only the test processes: the programs they start keep the defaults.
    gc.set_threshold(50_000, 20, 20)


def pytest_collection_finish(session):
    # What is imported by now (Prefect, Polars, DuckDB, the project) lives as long as the process:
    # the collector's full passes need not walk it again and again.
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    items[:] = order.ordered(items, str(config.rootpath))
    for item in items:
        folder = item.path.parent.name
        # The fast tier (`make check`) leaves out what starts servers: tests/tiers.py.
        fast_tier = item.get_closest_marker("fast_tier") is not None
        if tiers.slow(folder, getattr(item, "fixturenames", ()), fast_tier):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _no_background_random_in_draws(request):
    """Before a property test, close the Prefect events clients an earlier in-process run left
    open in this worker (the next run opens its own). Their websocket's keepalive ping draws its
    payload from the global `random`, on Prefect's loop thread, every 20 s; landing within a
    Hypothesis draw it moved the global state and Hypothesis warned that a strategy used
    `random` (a deprecation: an error in a later release), now and then, in any of them."""
    if getattr(request.function, "is_hypothesis_test", False):
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=10, at_exit=False)
    yield

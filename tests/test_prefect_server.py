"""tests/prefect_server.py: the one Prefect test server xdist's controller keeps for its workers,
driven here as the controller drives it (its xdist hooks), with a real server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from flows.runner import wait_healthy
from tests import prefect_server


def controller(tmp_path) -> prefect_server.Shared:
    """A controller whose run's temporary folder is `tmp_path`."""
    factory = SimpleNamespace(getbasetemp=lambda: tmp_path)
    return prefect_server.Shared(SimpleNamespace(_tmp_path_factory=factory))


def node() -> SimpleNamespace:
    return SimpleNamespace(workerinput={})


def test_every_worker_is_sent_to_one_server_started_when_first_asked_and_stopped_at_the_end(
    prefect_db, tmp_path
):
    shared = controller(tmp_path)
    first, second = node(), node()
    shared.pytest_configure_node(first)
    shared.pytest_configure_node(second)
    folder = first.workerinput[prefect_server.KEY]
    assert second.workerinput[prefect_server.KEY] == folder
    assert shared.server is None  # not before a worker asks
    try:
        url = prefect_server.url(shared.folder)  # a worker asks
        assert prefect_server.url(shared.folder) == url  # another worker: the same server
        wait_healthy(url, 10)
        process = shared.server.process
        port = url.split(":")[2].split("/")[0]
        assert process.poll() is None and f"--port {port} " in " ".join(process.args)
    finally:
        shared.pytest_unconfigure(None)
    assert not shared._thread.is_alive()
    assert process.poll() is not None  # stopped with the run


def test_no_server_is_started_when_no_worker_asks(tmp_path):
    shared = controller(tmp_path)
    shared.pytest_configure_node(node())
    shared.pytest_unconfigure(None)
    assert not shared._thread.is_alive()
    assert shared.server is None
    assert not (shared.folder / prefect_server.URL).exists()


def test_a_server_that_did_not_start_fails_the_worker_with_the_reason(tmp_path):
    (tmp_path / prefect_server.FAILED).write_text("PrefectServerError: port sudah dipakai")
    with pytest.raises(pytest.fail.Exception, match="port sudah dipakai"):
        prefect_server.url(tmp_path)
    assert (tmp_path / prefect_server.WANTED).exists()

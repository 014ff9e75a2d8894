"""flows/serve.py without a Prefect server: the secrets its runs inherit through the environment,
and how serve takes the end of its server (`watched`), with a plain process standing for it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from contract.errors import PrefectServerError
from contract.settings import Settings
from flows import serve


def test_each_secret_is_handed_down_under_the_variable_the_settings_read(monkeypatch):
    for variable in map(serve.variable, serve.SECRETS):
        monkeypatch.setenv(variable, "")  # recorded: put back as it was after the test
        monkeypatch.delenv(variable)
    given = Settings(smtp_password="rahasia", notify_url="https://hook.test/t/abc", pengingat_url=None)
    serve.hand_down(given)
    assert os.environ["EKTP_SMTP_PASSWORD"] == "rahasia"
    assert os.environ["EKTP_NOTIFY_URL"] == "https://hook.test/t/abc"
    assert "EKTP_PENGINGAT_URL" not in os.environ  # not given: nothing handed down
    inherited = Settings()  # what a run's process reads from the environment it inherits
    assert {f: getattr(inherited, f) for f in serve.SECRETS} == {f: getattr(given, f) for f in serve.SECRETS}


class _Interrupted(Exception):
    """What the test's SIGINT handler raises: serve's runner takes a Ctrl-C and returns."""


def _on_sigint(signum, frame):
    raise _Interrupted


@pytest.mark.parametrize(
    ("end", "quiet"),
    [
        ("SIGTERM", True),  # asked to stop: `systemctl stop` signals every process of the service
        ("exit 0", True),  # stopped on its own, cleanly
        ("SIGKILL", False),  # killed (out of memory): one line, exit 2, for systemd to restart serve
        ("exit 1", False),  # failed
    ],
)
def test_a_server_that_ends_stops_the_block_as_a_ctrl_c_would(tmp_path, end, quiet):
    # A real process stands for the server: `watched` only waits for it to end and reads its status.
    script = "import sys, time; time.sleep(0.3 if sys.argv[1] == 'exit' else 60); sys.exit(int(sys.argv[2]))"
    argv = [sys.executable, "-c", script, *(end.split() if end.startswith("exit") else ("wait", "0"))]
    server = subprocess.Popen(argv)
    interrupted = threading.Event()
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        with contextlib.ExitStack() as stack:
            if not quiet:
                raised = stack.enter_context(pytest.raises(PrefectServerError))
            with serve.watched(server, tmp_path / "prefect.log"):
                try:
                    if end.startswith("SIG"):
                        os.kill(server.pid, getattr(signal, end))
                    time.sleep(30)  # the watcher's SIGINT ends this at once
                except _Interrupted:
                    interrupted.set()  # the runner stops its work and returns, as on Ctrl-C
    finally:
        signal.signal(signal.SIGINT, previous)
        server.kill()
        server.wait()
    assert interrupted.is_set()
    if not quiet:
        assert "ektp serve ikut berhenti (systemd menyalakannya lagi)" in str(raised.value)
        assert raised.value.context["kode_keluar"] == server.returncode


def test_a_block_that_ends_with_the_server_running_leaves_it_be(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with serve.watched(server, tmp_path / "prefect.log"):
            pass
        time.sleep(0.2)
        assert server.poll() is None  # serve stops its server itself, after the block
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize(
    "gone",
    [
        httpx.ConnectError("All connection attempts failed"),  # its calls failing
        RuntimeError("Service exceeded error threshold."),  # its loops giving up on them
    ],
)
def test_the_runner_meeting_a_dying_server_first_is_still_one_line(tmp_path, gone):
    # Prefect's runner can meet the server's death (its polls' errors, as a group) before the
    # watcher has reaped it: serve used to take that for a bug (exit 3), the server still there.
    dies = "import os, signal, time; time.sleep(0.5); os.kill(os.getpid(), signal.SIGKILL)"
    server = subprocess.Popen([sys.executable, "-c", dies])
    try:
        with pytest.raises(PrefectServerError) as raised, serve.watched(server, tmp_path / "prefect.log"):
            raise ExceptionGroup("unhandled errors in a TaskGroup", [gone])
    finally:
        server.kill()
        server.wait()
    assert raised.value.context["kode_keluar"] == -signal.SIGKILL
    assert raised.value.__cause__.exceptions == (gone,)


def test_an_api_failure_with_the_server_alive_is_raised_as_it_is(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with pytest.raises(httpx.ReadTimeout), serve.watched(server, tmp_path / "prefect.log"):
            raise httpx.ReadTimeout("a slow answer")  # the server is there: not its end
    finally:
        server.kill()
        server.wait()


def test_a_bug_while_the_server_stops_as_asked_is_raised_as_it_is(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    previous = signal.signal(signal.SIGINT, _on_sigint)
    try:
        with pytest.raises(ValueError), serve.watched(server, tmp_path / "prefect.log"):
            server.terminate()  # asked to stop (SIGTERM)
            try:
                time.sleep(30)  # the watcher's SIGINT ends this at once
            except _Interrupted:
                raise ValueError("a bug of ours, met while stopping") from None
    finally:
        signal.signal(signal.SIGINT, previous)
        server.kill()
        server.wait()

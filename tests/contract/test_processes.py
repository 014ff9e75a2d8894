"""contract/processes.py: a child answering pickled requests, its errors raised again in the
parent, its death a ProcessGone and a new child on the next request, its end with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from contract.errors import Bug, UsageError
from contract.processes import PickledChild, ProcessGone

PROJECT = Path(__file__).resolve().parents[2]
MODULE = "tests.contract.echo_child"


@pytest.fixture
def child(monkeypatch):
    monkeypatch.chdir(PROJECT)  # `python -m tests...` finds the test module from the project root
    c = PickledChild(MODULE, "proses uji")
    yield c
    c.stop()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (killed, not yet reaped by its parent) is gone too
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def test_answers_come_back_in_order_from_one_child(child):
    assert [child.ask(("echo", {"n": n, "data": [n] * 3})) for n in range(5)] == [
        {"n": n, "data": [n] * 3} for n in range(5)
    ]
    assert child.started == 1 and child.running()


def test_an_error_in_the_child_is_raised_here_with_its_class_and_context(child):
    with pytest.raises(UsageError) as raised:
        child.ask(("usage", "tidak bisa"))
    assert str(raised.value).startswith("tidak bisa") and raised.value.context == {"berkas": "x.csv"}
    assert child.ask(("echo", 1)) == 1 and child.started == 1  # the child stays


def test_an_error_that_cannot_travel_becomes_a_bug_naming_it(child):
    with pytest.raises(Bug) as raised:
        child.ask(("unpicklable", None))
    assert raised.value.context["jenis"] == "Unpicklable"


def test_a_child_that_dies_is_process_gone_and_the_next_request_starts_another(child):
    first = child.ask(("pid", None))
    with pytest.raises(ProcessGone) as raised:
        child.ask(("exit", 7))
    assert raised.value.context == {"kode_keluar": 7}
    assert child.ask(("pid", None)) != first and child.started == 2


def test_a_child_killed_between_requests_is_replaced(child):
    first = child.ask(("pid", None))
    os.kill(first, signal.SIGKILL)
    while child.running():  # until its exit can be seen (a killed process's threads end after it)
        time.sleep(0.01)
    assert child.ask(("echo", "lagi")) == "lagi" and child.started == 2


def test_stop_fails_a_pending_request_at_once(child):
    child.ask(("echo", None))  # started
    failed: list[BaseException] = []

    def wait_long():
        try:
            child.ask(("sleep", 60))
        except BaseException as exc:
            failed.append(exc)

    waiting = threading.Thread(target=wait_long)
    waiting.start()
    time.sleep(0.3)  # the request is in the child
    child.stop()
    waiting.join(10)
    assert not waiting.is_alive()
    assert len(failed) == 1 and isinstance(failed[0], ProcessGone)
    assert not child.running()


def test_the_child_ends_when_its_parent_is_killed():
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from contract.processes import PickledChild\n"
            f"c = PickledChild({MODULE!r}, 'uji')\n"
            "print(c.ask(('pid', None)), flush=True)\n"
            "time.sleep(60)\n",
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    assert alive(pid)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while alive(pid):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)

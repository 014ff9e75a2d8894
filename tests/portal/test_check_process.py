"""The receipt check's own process (portal/check_process.py): the warm checker's rounds run there,
give the receipts the check gives in process, and a check process that dies fails only its round;
the next round starts another."""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from contract.processes import ProcessGone
from pipeline.check import Checked, receipts
from portal import check_process
from portal.checker import Checker
from tests import web_client
from tests.portal.support import TODAY, Browser, build_world, check_processes_of, portal, valid_report


def staged(folder: Path, kode: str, name: str, data: bytes) -> Checked:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return Checked(path, kode, name)


# Seconds; the portal's is 300. A round's time includes starting its process when the last one
# died (imports and the first check). With 3 s, test_a_round_that_never_ends... failed once on a
# machine running two test suites at once (its assertion was not kept; the new process's start
# within the round is the likely cause) and passed again under a load of 5.
ROUND_TIMEOUT = 10.0


@pytest.fixture
def checker(world, tmp_path):
    staging = tmp_path / "sementara"
    staging.mkdir()
    c = Checker(world.settings, staging, round_timeout=ROUND_TIMEOUT)
    c.start()
    assert c.warm.wait(120)
    yield c
    c.stop()
    assert not c.process.running()  # the portal's stop ends it


def test_the_rounds_run_in_their_own_process_and_give_the_receipts_of_the_check(world, checker, tmp_path):
    files = [
        staged(tmp_path / "berkas", "5201", f"lap_{TODAY}.csv", valid_report(TODAY)),
        staged(tmp_path / "berkas", "5272", "bima.csv", b"bukan,laporan\n1,2\n"),
    ]
    got = checker.submit(files).result(60)
    assert checker.process.started == 1 and checker.process.pid not in (None, os.getpid())
    assert got == receipts(world.settings, files)  # the same check, run here for comparison
    assert [r["status"] for r in got] == ["loaded", "rejected"]


def test_the_check_process_and_every_thread_it_started_keep_to_one_core(checker, tmp_path):
    # Polars' pool and DuckDB's threads start within the round: each must be on the one core.
    files = [staged(tmp_path / "berkas", "5201", f"lap_{TODAY}.csv", valid_report(TODAY))]
    checker.submit(files).result(60)
    pid = checker.process.pid
    threads = {
        int(t): (Path(f"/proc/{pid}/task/{t}/comm").read_text().strip())
        for t in os.listdir(f"/proc/{pid}/task")
    }
    cores = {tid: frozenset(os.sched_getaffinity(tid)) for tid in threads}
    assert len(set(cores.values())) == 1 and len(next(iter(cores.values()))) == 1, cores
    assert next(iter(cores.values())) <= os.sched_getaffinity(0)
    assert [n for n in threads.values() if re.fullmatch(r"polars-\d+", n)] == ["polars-0"]  # a pool of one
    assert len(threads) > 2  # the pool's and DuckDB's threads were looked at, not the main thread alone


def test_a_check_process_killed_mid_round_fails_that_round_only(checker, tmp_path):
    # as a parser crashing on a hostile file would end it
    first = staged(tmp_path / "berkas", "5201", f"lap_{TODAY}.csv", valid_report(TODAY))
    pid = checker.process.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the round's request waits in its pipe
    pending = checker.submit([first])
    time.sleep(0.5)
    assert not pending.done()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ProcessGone, match="berhenti tanpa menjawab"):
        pending.result(30)
    # the next round: a new process, a receipt as usual
    again = checker.submit([first]).result(60)
    assert checker.process.started == 2 and checker.process.pid != pid
    assert again[0]["status"] == "loaded"


def test_a_round_that_never_ends_is_ended_and_the_next_round_goes_on(checker, tmp_path):
    first = staged(tmp_path / "berkas", "5201", f"lap_{TODAY}.csv", valid_report(TODAY))
    pid = checker.process.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # a check that hangs (stopped, it never answers)
    started = time.monotonic()
    with pytest.raises(ProcessGone, match=f"tidak menjawab dalam {ROUND_TIMEOUT:g} detik"):
        checker.submit([first]).result(60)
    assert time.monotonic() - started >= ROUND_TIMEOUT
    again = checker.submit([first]).result(60)
    assert checker.process.started == 2 and again[0]["status"] == "loaded"


def test_an_upload_whose_check_process_dies_lands_and_says_the_check_failed(tmp_path):
    world = build_world(tmp_path / "dunia")
    before = check_processes_of(os.getpid())
    name = f"lap_{TODAY}.csv"
    with portal(world.settings) as url, Browser(url) as b:
        (mine,) = check_processes_of(os.getpid()) - before
        assert b.login("lobar").status_code == 303
        os.kill(mine, signal.SIGSTOP)
        answer: dict = {}
        sending = threading.Thread(
            target=lambda: answer.update(page=b.upload("5201", (name, valid_report(TODAY))))
        )
        sending.start()
        time.sleep(0.5)  # the round waits on the stopped process
        os.kill(mine, signal.SIGKILL)  # as a reader crashing on the file would end it
        sending.join(60)
        page = answer["page"].text
        assert "pemeriksaan gagal" in page and "berhenti tanpa menjawab" in page
        assert (world.landing / "5201" / name).read_bytes() == valid_report(TODAY)  # landed all the same
        health = web_client.get(url + "/sehat")
        assert health.status_code == 200 and health.json()["pemeriksa"] == "gagal"  # the operator sees it
        # the portal goes on: the next upload gets its receipt from a new check process
        again = b.upload("5201", ("lain.csv", b"bukan,laporan\n1,2\n"))
        assert web_client.get(url + "/sehat").json()["pemeriksa"] == "siap"
    assert "DITOLAK" in again.text


def test_a_system_that_refuses_to_pin_the_check_process_still_gets_its_rounds(monkeypatch, caplog):
    # one_core runs first in the check process: an OSError there would end every round
    def refuse(pid, cores):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    assert check_process.one_core() is None
    assert "tidak dapat dipasang pada satu inti" in caplog.text

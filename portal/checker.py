"""The receipt check, kept warm: Polars, DuckDB and the region reference are loaded once when the
portal starts, in the check's own process (portal/check_process.py), and one worker thread here
hands it each round. Files that arrive while a check runs wait for the next round and are then
checked together, in one call of `pipeline.check.receipts` (one read of the warehouse for all,
each file still getting the receipt it gets alone): ten offices sending at once wait about one
check, not ten. A check applies the rules through their Polars predicates; the portal never
imports GX (the nightly's GX run decides the file). A round whose process dies (a file crashed its
reader) or runs past ROUND_TIMEOUT fails alone: its uploads are told the check failed, and the
next round starts a new process.

A round is filled round-robin by office (issue #20 item 9): one submission of each office that
waits, then a second of each, and so on, the offices served last going to the back of the line.
An office sending a hundred files fills the rounds it shares with no one; another office's single
file goes into the next round, never behind the whole backlog.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from contract import regions
from contract.errors import EktpError
from contract.processes import PickledChild
from contract.settings import Settings
from pipeline.check import Checked

log = logging.getLogger(__name__)
MAX_FILES_A_ROUND = 50  # bounds a round's time when many files wait
LINGER_SECONDS = 0.02  # with its expected company there, the longest a round waits for an active office
GATHER_SECONDS = 0.2  # the longest a round waits for the offices the last round served
ACTIVE_SECONDS = 1.0  # an office that sent within this long is company a round lingers for
# A round still running after this long is ended (its process killed) and its uploads told the check
# failed: no office waits longer for a receipt (portal/upload.py), and the rounds after it go on.
ROUND_TIMEOUT = 300.0


@dataclass
class _Job:
    files: list[Checked]
    future: Future = field(default_factory=Future)

    @property
    def office(self) -> str:
        return self.files[0].kabupaten if self.files else ""


def gather_wait(jobs: int, expected: int, absent: int, left: float) -> float:
    """How long a round after a round of several jobs waits for the next arrival, with `jobs`
    waiting, the last round having served `expected`, `absent` active offices with no job waiting
    and `left` seconds of GATHER_SECONDS left (0: it starts now); see `Checker._next_round`."""
    if jobs < expected:
        return left
    if absent > 0:
        return min(LINGER_SECONDS, left)
    return 0.0


class Checker:
    """Receipts for files already in the landing folder, from one warm worker thread."""

    def __init__(self, settings: Settings, staging: Path, round_timeout: float = ROUND_TIMEOUT) -> None:
        self._settings = settings
        self._round_timeout = round_timeout
        self._staging = staging
        self._changed = threading.Condition()
        # office -> its waiting jobs, oldest first; the dict's order is the line (next served first)
        self._waiting: dict[str, deque[_Job]] = {}
        self._arrived = 0  # jobs submitted so far
        self._seen: dict[str, float] = {}  # office -> when it last submitted (monotonic)
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name="portal-pemeriksa", daemon=True)
        self.warm = threading.Event()
        self.rounds = 0
        self.last_failed = False  # the last round failed (its process died or ran past the timeout)
        # The rounds run in a process of their own (portal/check_process.py), beside the pages.
        self.process = PickledChild("portal.check_process", "proses pemeriksaan tanda terima")

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """End the worker once the jobs already waiting are checked."""
        if self._thread.is_alive():
            with self._changed:
                self._stopping = True
                self._changed.notify()
            self._thread.join(timeout)
        self.process.stop()

    def submit(self, files: list[Checked]) -> Future:
        """A future of the files' receipts, in order (the files of one office's submission)."""
        job = _Job(files)
        with self._changed:
            self._waiting.setdefault(job.office, deque()).append(job)
            self._arrived += 1
            self._seen[job.office] = time.monotonic()
            self._changed.notify()
        return job.future

    def _work(self) -> None:
        self._warm_up()
        served = 1  # jobs in the last round
        while jobs := self._next_round(expected=served):
            self._run(jobs)
            served = len(jobs)

    def _next_round(self, expected: int) -> list[_Job]:
        """The jobs of the next round, round-robin by office; empty once stopping with none left.

        After a round of several jobs, the round waits for company before choosing: while fewer
        than `expected` jobs (as many as the last round served) wait, those arriving within
        GATHER_SECONDS; after that, while some office that sent within ACTIVE_SECONDS has no job
        waiting, those arriving within LINGER_SECONDS of the one before, while the waiting files
        fit. Offices sending at the same time get their receipts together and
        tend to send again together: waiting for them (a fraction of a round's time) keeps them
        in one round, where they would otherwise split into two that alternate, each office then
        waiting for two rounds. After a round of one job (an office alone, the usual day) it
        waits for no one: a burst's first upload is checked alone, the rest together in the next
        round, and the rounds after that gather again. A round that every active office joined
        starts at once: ten offices sending together waited LINGER_SECONDS in every round for an
        eleventh that never came. One that left an active office out still lingers, which brings
        an office out of step back into the round.
        """
        with self._changed:
            while not self._waiting and not self._stopping:
                self._changed.wait()
            if not self._waiting:
                return []
            deadline = time.monotonic() + GATHER_SECONDS
            while expected > 1 and not self._stopping and self._files_waiting() < MAX_FILES_A_ROUND:
                left = deadline - time.monotonic()
                jobs = sum(len(q) for q in self._waiting.values())
                wait = gather_wait(jobs, expected, self._absent(), left)
                before = self._arrived
                if wait <= 0 or not self._changed.wait_for(partial(self._news, before), wait):
                    break
            return self._choose()

    def _absent(self) -> int:
        """Offices that sent within ACTIVE_SECONDS and have no job waiting (under the lock); the
        ones that sent longer ago are forgotten."""
        since = time.monotonic() - ACTIVE_SECONDS
        for office in [o for o, at in self._seen.items() if at < since]:
            del self._seen[office]
        return sum(1 for office in self._seen if office not in self._waiting)

    def _news(self, arrived: int) -> bool:
        """A job arrived since `arrived` jobs had, or a stop was asked (under the lock)."""
        return self._arrived > arrived or self._stopping

    def _files_waiting(self) -> int:
        return sum(len(j.files) for q in self._waiting.values() for j in q)

    def _choose(self) -> list[_Job]:
        """Take one job of each waiting office in line order, again and again, while the round
        has room (its first job always); the offices served go to the back of the line."""
        chosen: list[_Job] = []
        room = MAX_FILES_A_ROUND
        served: list[str] = []
        while room > 0 and self._waiting:
            took = False
            for office in list(self._waiting):
                queue = self._waiting[office]
                if room <= 0 or (chosen and len(queue[0].files) > room):
                    continue
                job = queue.popleft()
                chosen.append(job)
                room -= len(job.files)
                took = True
                if office not in served:
                    served.append(office)
                if not queue:
                    del self._waiting[office]
            if not took:
                break
        for office in served:  # to the back of the line, in the order they were served
            if office in self._waiting:
                self._waiting[office] = self._waiting.pop(office)
        return chosen

    def _run(self, jobs: list[_Job]) -> None:
        files = [f for j in jobs for f in j.files]
        started = time.perf_counter()
        try:
            found = self._receipts(files)
        except Exception as exc:  # the upload page says the check failed; the file is in landing
            if isinstance(exc, EktpError):  # the machine's or the data's (the process died): one line
                log.error("pemeriksaan %d berkas gagal: %s", len(files), exc)
            else:
                log.exception("pemeriksaan %d berkas gagal", len(files))
            self.last_failed = True
            for j in jobs:
                j.future.set_exception(exc)
            return
        self.rounds += 1
        self.last_failed = False
        log.debug("pemeriksaan %d berkas dalam %.0f ms", len(files), 1000 * (time.perf_counter() - started))
        at = 0
        for j in jobs:
            j.future.set_result(found[at : at + len(j.files)])
            at += len(j.files)

    def _warm_up(self) -> None:
        """Check one tiny file now: the first check's imports and caches are paid before the first
        office waits."""
        try:
            kabupaten = sorted(regions.load(self._settings.provinsi).kabupaten_codes)[0]
            with tempfile.NamedTemporaryFile(
                "w", suffix=".csv", dir=self._staging, prefix=".pemanasan-"
            ) as f:
                f.write(
                    f"tanggal,kode_kecamatan,wajib_ktp,sudah_rekam\n{self._settings.kemarin},{kabupaten}01,10,5\n"
                )
                f.flush()
                self._receipts([Checked(Path(f.name), kabupaten, "pemanasan.csv")])
        except Exception:
            log.warning("pemanasan pemeriksa gagal; pemeriksaan pertama akan lebih lambat", exc_info=True)
        finally:
            self.warm.set()
            log.info("pemeriksa tanda terima siap")

    def _receipts(self, files: list[Checked]) -> list[dict]:
        return self.process.ask((self._settings, files), timeout=self._round_timeout)

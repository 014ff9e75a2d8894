"""The receipt check, kept warm: GX, Polars and the suites' checkpoints are loaded once when the
portal starts, and every check runs on one worker thread (GX's context is not shared between
threads). Files that arrive while a check runs wait for the next round and are then checked
together, in one call of `pipeline.check.receipts` (one GX run for all, each file still getting
the receipt it gets alone): ten offices sending at once wait about one check, not ten.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from contract import regions
from contract.settings import Settings
from pipeline.check import Checked, receipts

log = logging.getLogger(__name__)
MAX_FILES_A_ROUND = 50  # bounds a round's time when many files wait
LINGER_SECONDS = 0.02  # a lone upload waits this much longer
GATHER_SECONDS = 0.2  # the longest a round waits for the offices the last round served


@dataclass
class _Job:
    files: list[Checked]
    future: Future = field(default_factory=Future)


class Checker:
    """Receipts for files already in the landing folder, from one warm worker thread."""

    def __init__(self, settings: Settings, staging: Path) -> None:
        self._settings = settings
        self._staging = staging
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="portal-pemeriksa", daemon=True)
        self.warm = threading.Event()
        self.rounds = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def submit(self, files: list[Checked]) -> Future:
        """A future of the files' receipts, in order."""
        job = _Job(files)
        self._queue.put(job)
        return job.future

    def _work(self) -> None:
        self._warm_up()
        served = 1  # jobs in the last round
        while (job := self._queue.get()) is not None:
            jobs = [job, *self._waiting(MAX_FILES_A_ROUND - len(job.files), expected=served - 1)]
            stop = jobs[-1] is None
            given = [j for j in jobs if j is not None]
            self._run(given)
            served = len(given)
            if stop:
                return

    def _waiting(self, room: int, expected: int) -> list[_Job | None]:
        """The jobs that join this round, while they fit: those already queued; then, while fewer
        than `expected` have joined, those arriving within GATHER_SECONDS; after that, those
        arriving within LINGER_SECONDS of the one before. A stop request ends the list.

        Offices sending at the same time get their receipts together and tend to send again
        together: waiting for as many as the last round served (a fraction of a round's time)
        keeps them in one round, where they would otherwise split into two that alternate, each
        office then waiting for two rounds. A lone upload waits LINGER_SECONDS at most.
        """
        taken: list[_Job | None] = []
        deadline = time.monotonic() + GATHER_SECONDS
        while room > 0:
            left = deadline - time.monotonic()
            wait = left if len(taken) < expected else min(LINGER_SECONDS, left)
            try:
                job = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            taken.append(job)
            if job is None:
                break
            room -= len(job.files)
        return taken

    def _run(self, jobs: list[_Job]) -> None:
        files = [f for j in jobs for f in j.files]
        started = time.perf_counter()
        try:
            found = receipts(self._settings, files)
        except Exception as exc:  # the upload page says the check failed; the file is in landing
            log.exception("pemeriksaan %d berkas gagal", len(files))
            for j in jobs:
                j.future.set_exception(exc)
            return
        self.rounds += 1
        log.debug("pemeriksaan %d berkas dalam %.0f ms", len(files), 1000 * (time.perf_counter() - started))
        at = 0
        for j in jobs:
            j.future.set_result(found[at : at + len(j.files)])
            at += len(j.files)

    def _warm_up(self) -> None:
        """Check one tiny file now: imports GX and builds its checkpoints before the first office waits."""
        try:
            kabupaten = sorted(regions.load(self._settings.provinsi).kabupaten_codes)[0]
            with tempfile.NamedTemporaryFile(
                "w", suffix=".csv", dir=self._staging, prefix=".pemanasan-"
            ) as f:
                f.write(
                    f"tanggal,kode_kecamatan,wajib_ktp,sudah_rekam\n{self._settings.kemarin},{kabupaten}01,10,5\n"
                )
                f.flush()
                receipts(self._settings, [Checked(Path(f.name), kabupaten, "pemanasan.csv")])
        except Exception:
            log.warning("pemanasan pemeriksa gagal; pemeriksaan pertama akan lebih lambat", exc_info=True)
        finally:
            self.warm.set()
            log.info("pemeriksa tanda terima siap")

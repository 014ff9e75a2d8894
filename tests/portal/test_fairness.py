"""Fair checks (issue #20 item 9): the warm checker fills its rounds round-robin by office, so an
office sending many files does not make another office's single file wait behind all of
them. A real Checker (real GX), judged by the order the receipts come back in, never by time."""

from __future__ import annotations

import threading
from concurrent.futures import wait

import pytest

from pipeline.check import Checked
from portal.checker import MAX_FILES_A_ROUND, Checker
from portal.upload import MAX_FILES
from tests.portal.support import TODAY, valid_report
from tests.uploads import KOTA_BIMA


@pytest.mark.timeout(600)  # sixty real GX checks on a shared two-core machine
def test_one_office_s_backlog_does_not_hold_back_another_office(world, tmp_path):
    busy, other = "5201", "5272"
    files = tmp_path / "berkas"
    files.mkdir()

    def checked(kode: str, n: int, data: bytes) -> Checked:
        path = files / f"{kode}-{n}.csv"
        path.write_bytes(data)
        return Checked(path, kode, path.name)

    # sixty files (six full submissions) already fill more rounds than the single file should wait
    backlog = [checked(busy, n, valid_report(TODAY)) for n in range(60)]
    single = checked(other, 0, valid_report(TODAY, codes=KOTA_BIMA))
    staging = tmp_path / "sementara"
    staging.mkdir()
    checker = Checker(world.settings, staging)
    checker.start()
    try:
        assert checker.warm.wait(300)
        served: list[tuple[str, int]] = []  # (office, round) of each job, in the order it finished
        lock = threading.Lock()

        def note(office: str):
            def done(_):
                with lock:
                    served.append((office, checker.rounds))

            return done

        futures = []
        # the busy office sends its files as the form does, ten a submission; then the other its one
        for at in range(0, len(backlog), MAX_FILES):
            futures.append(checker.submit(backlog[at : at + MAX_FILES]))
            futures[-1].add_done_callback(note(busy))
        futures.append(checker.submit([single]))
        futures[-1].add_done_callback(note(other))
        finished, _ = wait(futures, timeout=600)
    finally:
        checker.stop()
    assert len(finished) == len(futures)
    assert [len(f.result()) for f in futures] == [MAX_FILES] * 6 + [1]
    (other_round,) = [r for office, r in served if office == other]
    busy_before = MAX_FILES * sum(1 for office, r in served if office == busy and r <= other_round)
    busy_after = MAX_FILES * sum(1 for office, r in served if office == busy and r > other_round)
    # the single file is served before the busy office's remaining backlog ...
    assert busy_after > 0
    assert served.index((other, other_round)) < len(served) - 1
    # ... having waited for at most one round's share of the busy office's files
    assert busy_before <= MAX_FILES_A_ROUND

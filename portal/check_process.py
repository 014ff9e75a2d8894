"""The receipt check's own process: `pipeline.check.receipts` for the portal's checker
(portal/checker.py), one round a request.

With ten offices sending at once, the portal was one process on one core: the check rounds were a
third of its Python, the pages and the landing the rest, all under one interpreter lock. Here the
rounds run beside the pages, on the other core. A file that crashes its parser takes this process
down, not the portal: its round is told the check failed, and the next round starts a new one.

The process keeps to one core (`one_core`). A round is a few small files, a hundred-odd Polars
operations on frames of tens of rows, and each eager operation hands its work to Polars' thread
pool and waits for it. Where waking a thread on another core is dear (a virtual machine: this
one's filter of 30 rows took ~100 us, ~32 us on one core), that hand-off was most of a round; on
one core a round of ten files took ~18 ms instead of ~30 (bench/RESULTS.md).

A request is (settings, files); the answer, their receipts in order (contract/processes.py).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from contract.errors import os_reason

if TYPE_CHECKING:
    from contract.settings import Settings
    from pipeline.check import Checked

log = logging.getLogger(__name__)


def one_core() -> int | None:
    """Keep this process (and every thread it starts after) to the last core it may run on; the
    core, or None where the system cannot pin. Before Polars or DuckDB start a thread: a thread
    keeps the cores it was started with."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        core = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})  # Polars then sizes its pool to the one core
    except OSError as exc:  # a sandbox that refuses it: the rounds run as before, only slower
        log.warning("proses pemeriksaan tidak dapat dipasang pada satu inti: %s", os_reason(exc))
        return None
    return core


def _answer(request: tuple[Settings, list[Checked]]) -> list[dict]:
    from pipeline.check import receipts  # imported after one_core (below), as everything else

    settings, files = request
    return receipts(settings, files)


if __name__ == "__main__":
    one_core()  # first: the imports below may start threads
    from contract.processes import serve

    serve(_answer, "Di proses pemeriksaan tanda terima")

"""The receipt check's own process: `pipeline.check.receipts` for the portal's checker
(portal/checker.py), one round a request.

With ten offices sending at once, the portal was one process on one core: the check rounds were a
third of its Python, the pages and the landing the rest, all under one interpreter lock. Here the
rounds run beside the pages, on the other core. A file that crashes its parser takes this process
down, not the portal: its round is told the check failed, and the next round starts a new one.

A request is (settings, files); the answer, their receipts in order (contract/processes.py).
"""

from __future__ import annotations

from contract.processes import serve
from contract.settings import Settings
from pipeline.check import Checked, receipts


def _answer(request: tuple[Settings, list[Checked]]) -> list[dict]:
    settings, files = request
    return receipts(settings, files)


if __name__ == "__main__":
    serve(_answer, "Di proses pemeriksaan tanda terima")

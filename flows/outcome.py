"""What a run's body ended with, kept where the command that started it can read it when Prefect
cannot record the end.

Prefect records a flow run's end on its API server after the body returns or raises. A server
that stopped answering during the run (killed, or restarting for longer than the client's retries,
about a minute) fails that last call with an httpx error, and the body's own outcome went with
it: the summary of a run that published its data, or the error of one that failed. The operator
saw `galat internal (ConnectError)` (exit 3) and no summary. So the body records its end here
first (`steps.started`, `steps.finish`), and `flows.runner.run` turns the lost call into what the
body ended with: the summary and one line saying Prefect did not record the end (exit 2), or the
body's own error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from contract.errors import PrefectServerError

log = logging.getLogger(__name__)


class RunNotRecorded(PrefectServerError):
    """The run ended (its summary is `summary`), but its end could not be recorded on Prefect."""

    def __init__(self, message: str, summary: dict[str, Any] | None = None, **context: object) -> None:
        super().__init__(message, **context)
        self.summary = summary


@dataclass
class Ended:
    """The body's end: its summary, or the error it raised (None while it runs)."""

    summary: dict[str, Any] | None = None
    error: BaseException | None = None

    def unrecorded(self, url: str, exc: BaseException) -> BaseException:
        """What the command reports when Prefect's call `exc` to `url` failed at or after the end."""
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if self.error is not None:
            log.warning("akhir run tidak tercatat di server Prefect %s (%s)", url, reason)
            return self.error
        if self.summary is not None:
            return RunNotRecorded(
                f"run selesai (ringkasan di atas), tetapi server Prefect {url} tidak menjawab lagi "
                f"({reason}): akhir run tidak tercatat di Prefect, yang masih menampilkannya berjalan",
                summary=self.summary,
            )
        return PrefectServerError(
            f"server Prefect {url} berhenti menjawab di tengah run ({reason}); run tidak selesai, "
            "gudang data tetap seperti sebelum run ini atau sudah memuat hasilnya secara utuh"
        )


_ENDED: ContextVar[Ended | None] = ContextVar("ektp_run_ended", default=None)


@contextmanager
def kept() -> Iterator[Ended]:
    """Keep the end of the run the block starts (Prefect runs a sync flow's body in this thread,
    under a copy of this context: the object, not the variable, carries the end back)."""
    ended = Ended()
    token = _ENDED.set(ended)
    try:
        yield ended
    finally:
        _ENDED.reset(token)


def record_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The body's summary, kept for its command; returned as the flow's result."""
    ended = _ENDED.get()
    if ended is not None:
        ended.summary = summary
    return summary


def record_error(error: BaseException) -> None:
    """The error the body ends with, kept for its command."""
    ended = _ENDED.get()
    if ended is not None:
        ended.error = error


def api_failure(exc: BaseException) -> bool:
    """Whether `exc` is Prefect's client failing to reach its server: no connection, a broken or
    timed-out one, or a server error it kept answering after the client's retries. A group of
    errors (a task group of Prefect's runner: its polls of a server gone) is one when all are."""
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    if isinstance(exc, BaseExceptionGroup):
        return all(api_failure(e) for e in exc.exceptions)
    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, PrefectHTTPStatusError) and exc.response.status_code >= 500

"""The run id on every log line: a run sets `RUN_ID` once, the console handler's filter reads it.

A context variable, not a global: Prefect copies the context into each task's thread, and the
portal's requests (no run) keep the default.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

NO_RUN = "-"
RUN_ID: ContextVar[str] = ContextVar("ektp_run_id", default=NO_RUN)


class RunId(logging.Filter):
    """Gives every record a `run_id` attribute for the formatter (`-` outside a run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "run_id"):
            record.run_id = RUN_ID.get()
        return True

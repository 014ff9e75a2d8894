"""The process environment Prefect and GX read before either is imported: offline, quiet, state
in the project. Library configuration only: the program's own settings travel as parameters."""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from contract.settings import DATA_DIR

# Prefect's logging configuration with the console filter below (see the file's header).
LOGGING_CONFIG = Path(__file__).resolve().with_name("logging.yml")

DEFAULTS = {
    # No telemetry: the machines running this have no internet, and the office wants none.
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "False",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Ephemeral-mode SQLite migrations on a fresh PREFECT_HOME take ~20 s, the default timeout.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    # Harmless "Error flushing events" tracebacks at temporary-server shutdown (Prefect #15033).
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "TQDM_DISABLE": "1",
    "PREFECT_LOGGING_SETTINGS_PATH": str(LOGGING_CONFIG),
}
# EKTP_DEBUG=1: the CLI sets this, and the terminal shows failed runs' tracebacks again.
SHOW_RUN_TRACEBACKS = False


class RunTracebacks(logging.Filter):
    """Keeps Prefect's records of a failed run, and any record with a traceback, off the terminal:
    the program names the failure in one line; the run's log on the Prefect server keeps them.

    A server that stops answering during a run makes Prefect's event sender log, for every event
    it holds, a warning that it cannot connect and an error that repeats the whole event (a few
    KB each, dozens of them). The terminal shows the first warning, which names the server, and
    drops the rest; the run's own line says what it means for the run (flows/outcome.py)."""

    unreachable_told = False

    def filter(self, record: logging.LogRecord) -> bool:
        if SHOW_RUN_TRACEBACKS or not record.name.startswith("prefect"):
            return True
        if record.exc_info:
            return False
        if record.name == "prefect._internal.concurrency" and record.msg == _UNSENT_ITEM:
            return False
        if record.name == "prefect.events.clients" and str(record.msg).startswith(_UNREACHABLE):
            told, RunTracebacks.unreachable_told = RunTracebacks.unreachable_told, True
            return not told
        return not (
            record.levelno >= logging.ERROR
            and record.name.startswith(("prefect.flow_runs", "prefect.task_runs"))
        )


# Prefect 3.9's words (prefect/_internal/concurrency/services.py, prefect/events/clients.py).
_UNSENT_ITEM = "Service %r failed to process item %r"
_UNREACHABLE = "Unable to connect to %r"


def configure() -> None:
    """Set the defaults above unless the operator already chose otherwise."""
    # GX announces its temporary docs folder at INFO on every context.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # Prefect's log and event senders warn "Still processing items" while the run's end waits
    # for them to send what they hold (flows/runner.py): a wait, not a problem for the operator.
    for name in ("APILogWorker", "EventsWorker"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # A log record that cannot be sent or written is dropped, as the standard library advises for
    # production, not printed: Prefect's log sender wrote "--- Error logging to API ---" and the
    # error's text, with no line end, to the terminal for each batch a gone server did not take.
    logging.raiseExceptions = False
    # Libraries' deprecation notices are for us, not for the operator reading the summary.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    os.environ.setdefault("PREFECT_HOME", str(DATA_DIR / "prefect"))
    os.makedirs(os.environ["PREFECT_HOME"], exist_ok=True)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)

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
    the program names the failure in one line; the run's log on the Prefect server keeps them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if SHOW_RUN_TRACEBACKS or not record.name.startswith("prefect"):
            return True
        if record.exc_info:
            return False
        return not (
            record.levelno >= logging.ERROR
            and record.name.startswith(("prefect.flow_runs", "prefect.task_runs"))
        )


def configure() -> None:
    """Set the defaults above unless the operator already chose otherwise."""
    # GX announces its temporary docs folder at INFO on every context.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # Prefect's log and event senders warn "Still processing items" while the run's end waits
    # for them to send what they hold (flows/runner.py): a wait, not a problem for the operator.
    for name in ("APILogWorker", "EventsWorker"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # Libraries' deprecation notices are for us, not for the operator reading the summary.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    os.environ.setdefault("PREFECT_HOME", str(DATA_DIR / "prefect"))
    os.makedirs(os.environ["PREFECT_HOME"], exist_ok=True)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)

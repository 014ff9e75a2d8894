"""Environment for Prefect and GX before either is imported: offline, quiet, state in the project."""

from __future__ import annotations

import logging
import os
import warnings

from ektp.settings import DATA_DIR

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
}


def configure() -> None:
    """Set the defaults above unless the operator already chose otherwise."""
    # GX announces its temporary docs folder at INFO on every context.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    # Libraries' deprecation notices are for us, not for the operator reading the summary.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    os.environ.setdefault("PREFECT_HOME", str(DATA_DIR / "prefect"))
    os.makedirs(os.environ["PREFECT_HOME"], exist_ok=True)
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)

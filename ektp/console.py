"""What the program shows on a terminal besides a command's own output: log lines and progress.

Log lines go to stderr, one per message, `ektp: ...` (warnings by default, more with --verbose,
errors only with --quiet). Prefect's records of a failed flow run (its traceback) stay in the
flow run's log on the Prefect server and are not repeated here: the program names the failure in
one line itself (flows/environment.py filters them). EKTP_DEBUG=1 lets them through.
"""

from __future__ import annotations

import logging
import sys
from typing import ClassVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from contract import progress
from contract.formats import visible
from contract.logs import NO_RUN, RunId

# The project's top-level packages: their loggers write through our handler.
PACKAGES = (
    "contract",
    "landing",
    "demo",
    "transforms",
    "expectations",
    "warehouse",
    "reports",
    "pipeline",
    "flows",
    "ektp",
    "portal",
)
LEVELS = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO, 2: logging.DEBUG}


class _Lines(logging.Formatter):
    """`ektp: peringatan: ... [20181204T021500Z-1a2b3c]`: the level in Indonesian where it matters,
    and the run the line belongs to (a nightly and a backfill may share a log file)."""

    WORDS: ClassVar[dict[int, str]] = {
        logging.WARNING: "peringatan: ",
        logging.ERROR: "galat: ",
        logging.CRITICAL: "galat: ",
    }

    def format(self, record: logging.LogRecord) -> str:
        run_id = getattr(record, "run_id", NO_RUN)
        run = f" [{run_id}]" if run_id != NO_RUN else ""
        return f"ektp: {self.WORDS.get(record.levelno, '')}{visible(record.getMessage())}{run}"


def setup(verbosity: int, debug: bool, flows: bool = False) -> None:
    """Log lines for this process: our packages at the chosen level; with `flows` (a command that
    runs a Prefect flow), Prefect's too, without tracebacks.

    Only a command that runs flows imports Prefect here: the others (`check`, `status`, `portal`,
    `cadangan`, ...) never need it, and it cost each of them ~1 s of CPU and ~35 MB. Prefect's
    logging configuration, applied when it is first imported, leaves our loggers as they are (it
    names none of them and keeps existing loggers); it does set the level of its own."""
    level = LEVELS[max(-1, min(2, verbosity))]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Lines())
    handler.addFilter(RunId())
    for name in PACKAGES:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    from flows import environment

    environment.SHOW_RUN_TRACEBACKS = debug
    if flows:
        import prefect  # noqa: F401  (configures Prefect's loggers first, so that the level below sticks)

        if verbosity > 0:
            logging.getLogger("prefect").setLevel(level)


class Bars(progress.Reporter):
    """Rich progress bars, one per stage of the run."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._tasks: dict[str, TaskID] = {}

    def expect(self, stage: str, amount: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(progress.STAGES.get(stage, stage), total=0)
        task = self._tasks[stage]
        # Every task starts with total=0 (above), so its total is never None.
        self._progress.update(task, total=(self._progress.tasks[task].total or 0) + amount)

    def advance(self, stage: str, amount: int) -> None:
        if stage in self._tasks:
            self._progress.advance(self._tasks[stage], amount)

    def __enter__(self) -> Bars:
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()


class NoBars:
    def __enter__(self) -> NoBars:
        return self

    def __exit__(self, *exc) -> None:
        pass


def bars(show: bool):
    """Progress bars for a run when standard output is a terminal (and not --quiet)."""
    if not (show and sys.stdout.isatty()):
        return NoBars()
    reporter = Bars(Console())
    progress.install(reporter)
    return reporter

"""GX validation in a child process, for a run's own process (the nightly, the backfill).

Importing Great Expectations (pandas, scipy, SQLAlchemy, Altair) costs a process ~250 MB for the
rest of its life, and a GX run a pandas copy of the rows: in a nightly's process both sat under the
DuckDB load, the run's memory peak (issue 18: 1.0 GB over 50,000 one-row files). So a run's
Validator is a `ChildValidator`: it hands each frame to one child process per process (started at
the first validation, GX imported once in it) which runs the same `engine.Validator` on it; the
run's process never imports GX. (`ektp check` and the portal apply the same rules through their
Polars predicates, without GX.)

A frame travels as an Arrow IPC file in a temporary folder, and its findings come back the same
way; the requests and answers themselves are pickled on the child's standard input and a copy of
its standard output (contract/processes.py: the real one points at its standard error, where a
library's `print` cannot garble an answer). Suites travel by name: their rules hold Polars
expressions and functions.

Failures keep their meaning: an error raised in the child is raised again here, same class and
context (an EktpError or OSError: exit 2; anything else is a bug: exit 3). A child that ends without
answering (killed, out of memory) is `ValidationProcessGone`, an EktpError (exit 2); the
validators that used it fail from then on, since their results (the Data Docs') went with it. A
run stopped while it waits for an answer (SIGTERM, Ctrl-C) kills the child; the child also ends
when the run's process does, however it ends.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from contract import files, processes
from contract.errors import Bug
from expectations import engine
from expectations import history as history_suites
from expectations import uploads as upload_suites
from expectations.engine import Suite, Validations

# Every suite a run validates with, by name (the child looks them up).
SUITES = {s.name: s for s in (*upload_suites.SUITES, *history_suites.SUITES)}
WHAT = "proses validasi GX"


class ValidationProcessGone(processes.ProcessGone):
    """The validation process ended without answering: killed, or out of memory."""


@dataclass(frozen=True)
class _Frame:
    """An answer that is a frame: the Arrow IPC file the child wrote it to."""

    path: str


class ChildValidator(engine.Validator):
    """An `engine.Validator` whose GX runs happen in this process's validation child.

    Same results, same Data Docs; the run count is kept here. `close()` when the run ends: the
    child forgets this validator's results (the child itself stays for the next run of the
    process, GX already imported)."""

    def __init__(self, data_docs: Path | None = None, run_name: str | None = None) -> None:
        super().__init__(data_docs, run_name)
        self.key = uuid.uuid4().hex
        self._child: int | None = None  # which child holds this validator's results

    def validate(self, name: str, suites: tuple[Suite, ...], frame: pl.DataFrame) -> pl.DataFrame:
        if frame.is_empty():
            return engine.no_findings()
        unknown = [s.name for s in suites if SUITES.get(s.name) is not s]
        if unknown:
            raise Bug("suite yang tidak dikenal proses validasi", suite=", ".join(unknown))
        found = self._ask("validate", name, [s.name for s in suites], frame=frame)
        self.runs += 1
        return found

    def record(self) -> Validations:
        # Never needed by a run (a Dask worker's copy is an engine.Validator): unpickling GX's
        # results here would import GX in this process.
        return self._ask("record")

    def absorb(self, other: Validations) -> None:
        self._ask("absorb", other)
        self.runs += other.runs

    def build_docs(self) -> Path | None:
        if not self.data_docs or self._child is None:
            return None  # nothing validated: no site, as engine.Validator
        return self._ask("build_docs")

    def close(self) -> None:
        """The child forgets this validator's results, if it can at once (never starts a child);
        in a process that runs one flow (`one_run`), the child ends instead."""
        if self._child is not None:
            if _CHILD.lingers:
                _CHILD.forget(self)
            else:
                _CHILD.stop()
        self._child = None

    def _ask(self, what: str, *args: Any, frame: pl.DataFrame | None = None) -> Any:
        return _CHILD.ask(self, what, (self.key, self.data_docs, self.run_name, *args), frame)


class _Child:
    """The validation child of this process: one request at a time, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: Path | None = None
        self.generation = 0  # which child: a validator's results live in the one it used
        self.lingers = True  # kept for the process's next run, GX already imported (`one_run`)

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def ask(self, validator: ChildValidator, what: str, args: tuple, frame: pl.DataFrame | None) -> Any:
        with self._lock:
            if validator._child is not None and (validator._child != self.generation or not self.running()):
                raise ValidationProcessGone(
                    "proses validasi GX berhenti; hasil validasi run ini hilang bersamanya"
                )
            kind, value = self._exchange(validator, what, args, frame)
        value = processes.answered(kind, value)
        if isinstance(value, _Frame):
            answer = Path(value.path)
            try:
                return pl.read_ipc(answer)
            finally:
                answer.unlink(missing_ok=True)
        return value

    def forget(self, validator: ChildValidator) -> None:
        """Ask the child to drop a validator's results, unless another thread is waiting for an
        answer (a run stopped by a signal while a task validates: its end must not wait for it)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if validator._child == self.generation and self.running():
                self._exchange(
                    validator, "forget", (validator.key, validator.data_docs, validator.run_name), None
                )
        except ValidationProcessGone:
            pass  # gone with the child anyway
        finally:
            self._lock.release()

    def _exchange(
        self, validator: ChildValidator, what: str, args: tuple, frame: pl.DataFrame | None
    ) -> tuple[str, Any]:
        """Send one request and read its answer (the caller holds the lock)."""
        process, folder = self._started()
        validator._child = self.generation
        sent = None
        try:
            if frame is not None:  # written before the request: a failure here leaves the child as it was
                sent = folder / f"{uuid.uuid4().hex}.arrow"
                frame.write_ipc(sent)
            return self._send(process, (what, args, sent))
        finally:
            if sent is not None:
                sent.unlink(missing_ok=True)

    def _send(self, process: subprocess.Popen[bytes], request: tuple) -> tuple[str, Any]:
        try:
            return processes.exchange(process, request, ValidationProcessGone, WHAT)
        except ValidationProcessGone:
            self._process = None
            raise
        except BaseException:  # a signal while waiting: the child's state is unknown
            self.stop()
            raise

    def _started(self) -> tuple[subprocess.Popen[bytes], Path]:
        if self._process is not None and self._process.poll() is None and self._folder is not None:
            return self._process, self._folder
        self.stop()
        self._folder = files.process_folder("ektp-validasi")
        # Its own session: a Ctrl-C in the terminal reaches the run, which stops the child;
        # nothing of it reaches the operator's terminal (its errors come back as answers).
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(self._folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.generation += 1
        return self._process, self._folder

    def stop(self) -> None:
        """Kill the child: its state is unknown, or this process is ending (then nothing is pending,
        and asking it to end would wait ~2 s while its interpreter unloads GX)."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None
        self._remove_folder()

    def _remove_folder(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


_CHILD = _Child()
atexit.register(_CHILD.stop)


def one_run() -> None:
    """This process runs one flow (`ektp nightly`, `ektp backfill`): its validation child ends
    when the run is done with it, after the Data Docs, not with the process. The report comes
    after, and the child's ~260 MB were the top of a lone run's process tree there."""
    _CHILD.lingers = False


def _serve(folder: Path) -> None:
    """The child: answer each request of standard input until it ends; when the run's process is
    gone, however it ended, remove the frames' folder and end."""
    validators: dict[str, engine.Validator] = {}
    orphaned = partial(shutil.rmtree, folder, ignore_errors=True)
    processes.serve(partial(_answer, validators), f"Di {WHAT}", orphaned)


def _answer(validators: dict[str, engine.Validator], request: tuple[str, tuple, Path | None]) -> Any:
    what, args, path = request
    key, data_docs, run_name, *rest = args
    if what == "forget":
        validators.pop(key, None)
        return None
    validator = validators.setdefault(key, engine.Validator(data_docs, run_name))
    if what == "validate":
        assert path is not None  # a frame comes with every validation
        name, suites = rest
        frame = pl.read_ipc(path)
        path.unlink()  # read: the run's folder holds no copy while GX runs
        found = validator.validate(name, tuple(SUITES[s] for s in suites), frame)
        out = path.with_suffix(".temuan.arrow")
        found.write_ipc(out)
        return _Frame(str(out))
    if what == "record":
        return validator.record()
    if what == "absorb":
        validator.absorb(rest[0])
        return None
    if what == "build_docs":
        return validator.build_docs()
    raise Bug("permintaan yang tidak dikenal proses validasi", permintaan=what)


if __name__ == "__main__":
    # Through the module's own name, not __main__'s: the run's process unpickles an answer's class
    # (_Frame) by its module's name.
    from expectations import child, gx_context

    gx_context.without_sqlalchemy()
    child._serve(Path(sys.argv[1]))

"""The trace of the runs, beside the warehouse (`jejak-proses.json`): the last run of each kind
(nightly, backfill) with its state, and how many ended each way. A run writes it when it starts
and when it ends, whatever the end: a failed run leaves nothing in the warehouse (its
transaction rolls back), so this file is where the health check (`/sehat`, `ektp status`) and the
metrics learn that the last nightly failed.

A run killed outright (SIGKILL, power lost) cannot write its end: it stays `berjalan` with the
process id it ran in, and a reader on the same machine finds that process gone (`terputus`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract import files
from contract.errors import os_reason

log = logging.getLogger(__name__)
NAME = "jejak-proses.json"
ENDS = ("berhasil", "gagal", "dihentikan")
Trace = dict[str, Any]


def path_of(warehouse: Path) -> Path:
    return warehouse.parent / NAME


def read(warehouse: Path) -> Trace:
    """The whole trace ({} before the first run, or when the file is unreadable: it is rewritten)."""
    try:
        found = json.loads(path_of(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def last(warehouse: Path, kind: str) -> Trace | None:
    """The last run of `kind` as recorded, a dead `berjalan` seen as `terputus`."""
    run = read(warehouse).get("terakhir", {}).get(kind)
    if not isinstance(run, dict):
        return None
    if run.get("status") == "berjalan" and not _alive(run):
        return {**run, "status": "terputus"}
    return run


def moment(text: object) -> datetime | None:
    """A time the trace holds (`mulai`, `selesai`) as an aware datetime (UTC when it names no
    zone); None when it is missing or not a time (a trace edited by hand)."""
    if not isinstance(text, str):
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def counts(warehouse: Path) -> dict[str, dict[str, int]]:
    """kind -> end -> how many runs ended so (kept since the trace was first written)."""
    found = read(warehouse).get("jumlah", {})
    return found if isinstance(found, dict) else {}


def started(warehouse: Path, kind: str, run_id: str, flow_run: str | None = None) -> None:
    """Record the start of the run `run_id`; `flow_run`: the Prefect flow run it is, if any (the
    portal's button tells its own run's trace by it, not by the time, which the trace keeps to the
    second)."""
    with _updating(warehouse) as trace:
        trace.setdefault("terakhir", {})[kind] = {
            "status": "berjalan",
            "run_id": run_id,
            "flow_run": flow_run,
            "mulai": _now(),
            "selesai": None,
            "galat": None,
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }


def ended(warehouse: Path, kind: str, run_id: str, status: str, galat: str | None = None) -> None:
    """Record the end of the run `run_id` (its start stays as recorded)."""
    if status not in ENDS:
        raise ValueError(f"unknown end {status!r}")
    with _updating(warehouse) as trace:
        run = trace.setdefault("terakhir", {}).get(kind)
        if not isinstance(run, dict) or run.get("run_id") != run_id:
            run = {"run_id": run_id, "mulai": None, "pid": os.getpid(), "host": socket.gethostname()}
        trace["terakhir"][kind] = {**run, "status": status, "selesai": _now(), "galat": galat}
        tally = trace.setdefault("jumlah", {}).setdefault(kind, {})
        tally[status] = int(tally.get(status, 0)) + 1


@contextmanager
def recorded(warehouse: Path, kind: str, run_id: str, flow_run: str | None = None) -> Iterator[None]:
    """The block is a run: its start and its end are recorded (an exception passes on). The trace
    never fails a run: a folder it cannot write is the run's own error to name, in its words."""
    _quietly(started, warehouse, kind, run_id, flow_run)
    try:
        yield
    except Exception as exc:
        _quietly(ended, warehouse, kind, run_id, "gagal", _line(exc))
        raise
    except BaseException as exc:  # a signal, Ctrl-C: stopped, not failed
        _quietly(ended, warehouse, kind, run_id, "dihentikan", type(exc).__name__)
        raise
    _quietly(ended, warehouse, kind, run_id, "berhasil")


def _quietly(step: Callable[..., None], *args: Any) -> None:
    try:
        step(*args)
    except OSError as exc:
        # the folder the run cannot write is the run's own error, named once, in its words
        log.debug("jejak proses tidak dapat ditulis (%s)", os_reason(exc))


@contextmanager
def _updating(warehouse: Path) -> Iterator[Trace]:
    """Read, change, write atomically, under a lock: a nightly and a backfill may end together."""
    target = path_of(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(NAME + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        trace = read(warehouse)
        yield trace
        files.write_atomic(target, json.dumps(trace, ensure_ascii=False, indent=1))


def _alive(run: Trace) -> bool:
    """Whether the run's process may still be running (on another machine: assumed so)."""
    if run.get("host") != socket.gethostname() or not isinstance(run.get("pid"), int):
        return True
    try:
        os.kill(run["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:500] if text else type(exc).__name__

"""A child process that answers pickled requests, one at a time: the primitive behind the portal's
check process (portal/check_process.py) and the protocol of GX's validation child
(expectations/child.py, which keeps its own start and folder).

The parent starts `python -m <module>` on first use, in its own session (a Ctrl-C in the terminal
reaches the parent, which stops the child), writes each request to the child's standard input and
reads the answer from a copy of its standard output: the real one points at its standard error,
where a library's `print` cannot garble an answer. An error raised in the child is raised again in
the parent, same class and context (`portable`). A child that ends without answering (killed, out
of memory, crashed on a file) is `ProcessGone`, an EktpError, and the next request starts a new
one. A parent stopped while it waits (a signal) kills the child, whose state is then unknown; the
child also ends when its parent does, however that ends.

Answers are unpickled by their classes' module names: a child whose answers hold a class of its
own module runs `serve` through that module's name, not as `__main__` (expectations/child.py).
"""

from __future__ import annotations

import atexit
import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from contract.errors import Bug, EktpError

ORPHAN_CHECK = 0.5  # seconds between the child's looks at whether its parent is still there


class ProcessGone(EktpError):
    """A child process ended without answering: killed, out of memory, or crashed."""


class PickledChild:
    """The child `python -m module`, started on first use; one request at a time."""

    def __init__(self, module: str, what: str) -> None:
        self._module = module
        self._what = what  # how an error names it, in Indonesian: "proses pemeriksaan"
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self.started = 0  # how many children this parent has started

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.running() and self._process is not None else None

    def ask(self, request: Any, timeout: float | None = None) -> Any:
        """The child's answer to `request`, or its error raised again here. A child that has not
        answered within `timeout` seconds is killed (its work may never end: a hostile input)."""
        with self._lock:
            process = self._started()
            expired = threading.Event()
            timer = threading.Timer(timeout, _expire, (process, expired)) if timeout else None
            if timer is not None:
                timer.daemon = True
                timer.start()
            try:
                kind, value = exchange(process, request, ProcessGone, self._what)
            except ProcessGone:
                self._process = None
                if expired.is_set():
                    raise ProcessGone(
                        f"{self._what} tidak menjawab dalam {timeout:g} detik, jadi dihentikan"
                    ) from None
                raise
            except BaseException:  # a signal while waiting: the child's state is unknown
                self._stop()
                raise
            finally:
                if timer is not None:
                    timer.cancel()
        return answered(kind, value)

    def stop(self) -> None:
        """Kill the child: a request it is answering fails at once (`ProcessGone`) rather than be
        waited for; a child asked to end would first unload its libraries."""
        process = self._process
        if process is not None:
            process.kill()
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", self._module],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                start_new_session=True,
            )
            if not self.started:
                atexit.register(self.stop)  # nothing is pending when this process ends
            self.started += 1
        return self._process


def exchange(
    process: subprocess.Popen[bytes], request: Any, gone: type[ProcessGone], what: str
) -> tuple[str, Any]:
    """Write one request to the child `process` and read its answer: ("ok", value) or ("error",
    exception). `gone` (naming `what`) when the child ends without answering; it is then reaped."""
    assert process.stdin is not None and process.stdout is not None  # started with pipes
    try:
        pickle.dump(request, process.stdin)
        process.stdin.flush()
        kind, value = pickle.load(process.stdout)
    except (EOFError, BrokenPipeError, pickle.UnpicklingError):
        code = process.wait()
        raise gone(f"{what} berhenti tanpa menjawab", kode_keluar=code) from None
    return kind, value


def answered(kind: str, value: Any) -> Any:
    """The value of an answer, or its error raised again here."""
    if kind == "error":
        raise value
    return value


def _expire(process: subprocess.Popen[bytes], expired: threading.Event) -> None:
    expired.set()
    process.kill()


def serve(answer: Callable[[Any], Any], where: str, orphaned: Callable[[], None] | None = None) -> None:
    """The child's loop: `answer` each request of standard input until it ends or the parent does
    (then `orphaned` runs, if given, and the child exits). `where` heads an error's traceback note."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library's print() goes where the answers do not
    threading.Thread(target=_orphaned, args=(os.getppid(), orphaned), daemon=True).start()
    while True:
        try:
            request = pickle.load(sys.stdin.buffer)
        except EOFError:
            return
        try:
            reply = pickle.dumps(("ok", answer(request)))
        except Exception as exc:
            reply = pickle.dumps(("error", portable(exc, where)))
        answers.write(reply)
        answers.flush()


def portable(exc: Exception, where: str) -> Exception:
    """The error as the parent can raise it again: itself when it survives pickling (its traceback
    from here as a note, for EKTP_DEBUG=1), else a Bug that names it."""
    exc.add_note(f"{where}:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return Bug("galat di proses anak", jenis=type(exc).__name__, pesan=str(exc))
    return exc


def _orphaned(parent: int, then: Callable[[], None] | None) -> None:
    """End this child when its parent is gone, however it ended (killed, SIGKILL)."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK)
    if then is not None:
        then()
    os._exit(0)

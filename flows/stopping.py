"""SIGTERM and Ctrl-C end a command-line run within seconds, with one line and exit 128 + signal.

Python runs a signal handler only in the main thread and only between bytecodes, and a run can
spend long stretches elsewhere: Prefect's tasks in worker threads (which the interpreter joins at
exit), a Polars call, a GX validation. So the run stops in two ways:

- the orderly way: the handler raises `Stopped` in the main thread; the flow unwinds (the open
  DuckDB transaction is rolled back, the writer's lock released, Prefect records the run as
  crashed, the temporary server is stopped), then `on_signals` prints the line and ends the
  process without waiting for worker threads;
- the last resort: Python's C-level handler also writes the signal to a wakeup socket at once,
  whatever the main thread is doing; a watchdog thread reads it and, if the process is still
  there GRACE_SECONDS later, prints the line and ends it with `os._exit`.

Ending the process anywhere is safe for the warehouse: a run's changes commit in one DuckDB
transaction (an interrupted one is rolled back when the file is next opened) and are published by
atomic renames, so the next run finds either the previous state or the committed one, and
publishes what was committed. The kernel releases the writer's lock (a flock) with the process,
and the temporary Prefect server gets SIGTERM when its parent dies (flows/runner.py).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Long enough for the orderly way (Prefect records the crash, the temporary server stops: ~1-2 s
# here), short enough that the whole stop stays under 5 s.
GRACE_SECONDS = 3.0
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Stopped(BaseException):
    """A signal asked the run to stop. A BaseException, like KeyboardInterrupt: no
    `except Exception` on the way up may take it for an ordinary failure."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_first: int | None = None  # the first stopping signal of this process (handler or watchdog)
_raised = (
    False  # the handler raised Stopped in the main thread (once: a second Ctrl-C must not cut the unwinding)
)
_said = threading.Lock()  # the one line is written once, by whoever ends the process


def requested() -> int | None:
    """The signal that asked this process to stop, if one did."""
    return _first


def line(signum: int) -> str:
    name = signal.Signals(signum).name
    return (
        f"ektp: dihentikan ({name}); proses berikutnya melanjutkan dari keadaan gudang data terakhir"
        " yang utuh\n"
    )


def end(signum: int, flush: bool = True) -> None:
    """Write the one line and end the process at once (no atexit, no joining worker threads).
    The watchdog does not flush: the main thread may hold a stream's lock."""
    if _said.acquire(blocking=False):
        try:
            if flush:
                sys.stdout.flush()
                sys.stderr.flush()
            os.write(2, line(signum).encode())
        except Exception:  # a closed or broken stream must not keep the process alive
            pass
    os._exit(128 + signum)


def _note(signum: int) -> None:
    global _first
    if _first is None:
        _first = signum


def _handler(signum: int, frame) -> None:
    global _raised
    _note(signum)
    if _raised:
        return  # a second Ctrl-C while stopping: the first is being handled, the watchdog bounds it
    _raised = True
    raise Stopped(signum)


def _watch(wakeup: socket.socket) -> None:
    """Wait for a signal byte; give the main thread GRACE_SECONDS to stop, then end the process."""
    while True:
        try:
            data = wakeup.recv(16)
        except OSError:
            return
        if not data:
            return  # closed: the run ended normally
        for signum in data:
            if signum in SIGNALS:
                _note(signum)
                timer = threading.Timer(GRACE_SECONDS, end, args=(_first, False))
                timer.daemon = True
                timer.start()
                return


def _end_now(signum: int, frame) -> None:
    end(signum)


@contextmanager
def on_signals(final: bool = False) -> Iterator[None]:
    """For a command-line process: SIGTERM and SIGINT end what runs inside with one line on
    stderr and exit 128 + signal (143, 130). `final`: the process ends after the block (the
    program itself, not a caller in the same process), so a signal during its exit (closing
    threads and children, ~1 s) ends it at once the same way. Does nothing outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    watchdog = threading.Thread(target=_watch, args=(reader,), name="ektp-berhenti", daemon=True)
    watchdog.start()
    try:
        yield
    except BaseException:
        if _first is None:
            raise
    finally:
        if _first is not None:
            end(_first)
        for s, handler in previous.items():
            signal.signal(s, _end_now if final else handler)
        signal.set_wakeup_fd(previous_fd)
        writer.close()  # the watchdog reads the end of the stream and returns
        watchdog.join(timeout=1)
        reader.close()

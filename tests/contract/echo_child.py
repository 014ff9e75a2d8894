"""A child for tests/contract/test_processes.py: `python -m tests.contract.echo_child`.

Requests: ("echo", x) -> x; ("pid", None) -> its pid; ("usage", text) raises UsageError with
context; ("unpicklable", None) raises an error that does not survive pickling; ("exit", code)
ends the process without answering; ("sleep", seconds) answers after that long.
"""

from __future__ import annotations

import os
import time

from contract.errors import UsageError
from contract.processes import serve


class Unpicklable(Exception):
    def __init__(self, a, b):  # pickling calls it again with one argument
        super().__init__(f"{a}-{b}")


def answer(request: tuple[str, object]) -> object:
    what, value = request
    if what == "echo":
        return value
    if what == "pid":
        return os.getpid()
    if what == "usage":
        raise UsageError(str(value), berkas="x.csv")
    if what == "unpicklable":
        raise Unpicklable(1, 2)
    if what == "exit":
        os._exit(int(value))  # type: ignore[call-overload]
    if what == "sleep":
        time.sleep(float(value))  # type: ignore[arg-type]
        return "bangun"
    raise AssertionError(what)


if __name__ == "__main__":
    serve(answer, "Di proses uji")

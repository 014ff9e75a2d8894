"""Vega-Lite to SVG with vl-convert, in a child process.

vl-convert holds the GIL for as long as it renders: 8-17 s for the national district chart (514
bars) here, during which no other thread of the process runs and no signal handler either, so a
national run stopped with SIGTERM went on for that long. Its V8 engine also stays in the process
that first used it (~70 MB of an empty nightly's peak). So one child process per process renders
(started on first use, V8 started once in it); the caller waits on a pipe, where a signal
interrupts it, and a child cut off mid-request is killed and replaced on the next use.

Requests and answers are one JSON document per line: {"spec": ..., "options": {...}} in,
{"svg": ...} or {"error": ...} out. The last few answers are kept by their request: a chart drawn
again with the same data (a report rewritten, a run deciding nothing new) costs no render, and no
child when it is all a process draws.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import threading
from collections import OrderedDict


class RenderError(RuntimeError):
    """vl-convert refused a chart (a bug in its spec), or its process died."""


class _Renderer:
    KEPT = 16  # answers kept (a report draws two charts), the oldest dropped

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one request at a time on the pipe
        self._process: subprocess.Popen | None = None
        self._kept: OrderedDict[str, str] = OrderedDict()

    def render(self, spec: dict, options: dict) -> str:
        request = json.dumps({"spec": spec, "options": options})
        with self._lock:
            if (kept := self._kept.get(request)) is not None:
                self._kept.move_to_end(request)
                return kept
            drawn = self._render(request)
            self._kept[request] = drawn
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
            return drawn

    def _render(self, request: str) -> str:
        """The child's answer to one request line (the lock held)."""
        try:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None  # started with pipes
            process.stdin.write(request + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except BaseException:  # a signal, a broken pipe: the child's state is unknown
            self._stop()
            raise
        if not line:
            code = process.wait()
            self._process = None
            raise RenderError(f"proses vl-convert berhenti (kode keluar {code})")
        answer = json.loads(line)
        if "error" in answer:
            raise RenderError(answer["error"])
        return answer["svg"]

    def _started(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            # Its own session: a Ctrl-C in the terminal reaches the run, which stops the child;
            # nothing of it reaches the operator's terminal (its errors come back as answers).
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                bufsize=1,
                start_new_session=True,
            )
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def close(self) -> None:
        """At exit: the end of its input ends the child."""
        if self._process is not None and self._process.poll() is None:
            if self._process.stdin is not None:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._stop()


_RENDERER = _Renderer()
atexit.register(_RENDERER.close)


def vegalite_to_svg(spec: dict, **options) -> str:
    """`vl_convert.vegalite_to_svg(spec, **options)`, rendered in the child process."""
    return _RENDERER.render(spec, options)


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent dies (a run killed mid-render)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM
    except Exception:  # elsewhere: the end of standard input still ends it, after the render
        pass


def _serve() -> None:
    """The child: render each request of standard input until it ends."""
    _die_with_parent()
    import vl_convert as vlc

    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"svg": vlc.vegalite_to_svg(request["spec"], **request["options"])}
        except Exception as exc:
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()

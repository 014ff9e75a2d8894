"""Run one command as a child process: wall seconds and peak memory of its whole process tree.

Memory is measured two ways, both reported:
- `tree_rss_mb`: the peak of the sum of VmRSS over the child and all its descendants (the
  Prefect ephemeral server is a separate process), sampled from /proc every 20 ms;
- `max_rss_mb`: the largest single process, from the kernel (`ru_maxrss` of wait4), exact;
- `peaks_mb`: each process's own peak (VmHWM, the kernel's high-water mark, last read before it
  ended), by what it runs (`ektp.cli`, `expectations.child`, `uvicorn`, ...): the run's own process
  apart from its children (GX's validation process, the temporary Prefect server).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    label: str
    wall: float
    tree_rss_mb: float
    max_rss_mb: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    extra: dict = field(default_factory=dict)
    peaks_mb: dict[str, float] = field(default_factory=dict)

    def json_line(self) -> dict:
        """The last stdout line that is a JSON object (bench helpers print one), or {}."""
        for line in reversed(self.stdout.splitlines()):
            line = line.strip()
            if line.startswith("{") and line.endswith("}"):
                try:
                    return json.loads(line)
                except ValueError:
                    return {}
        return {}


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_rss(root: int, peaks: dict[int, tuple[str, int]] | None = None) -> int:
    """The tree's summed RSS now; `peaks` gets each process's role and high-water mark (bytes)."""
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
            if peaks is not None:
                _note_peak(pid, peaks)
        except (OSError, IndexError, ValueError):
            pass
    return total


def _note_peak(pid: int, peaks: dict[int, tuple[str, int]]) -> None:
    """The role is read again each time: a child seen between its fork and its exec still shows
    its parent's command line, and an exec starts a new high-water mark. A process that has ended
    (a zombie) shows neither, and keeps what was last seen of it."""
    role, high = _role(pid), _high_water(pid)
    if role == "?" and (pid in peaks or not high):
        return
    seen, before = peaks.get(pid, (role, 0))
    peaks[pid] = (role, max(before if seen == role else 0, high))


def _high_water(pid: int) -> int:
    with open(f"/proc/{pid}/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _role(pid: int) -> str:
    """What a process runs: the module after `-m`, else its program's name."""
    with open(f"/proc/{pid}/cmdline", "rb") as fh:
        argv = [a.decode(errors="replace") for a in fh.read().split(b"\0") if a]
    if "-m" in argv[:-1]:
        return argv[argv.index("-m") + 1]
    return Path(argv[0]).name if argv else "?"


def run(
    label: str,
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float | None = None,
) -> Measured:
    """Run `command` to completion; never raises on a non-zero exit (the caller decides)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()
    peaks: dict[int, tuple[str, int]] = {}

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid, peaks))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
        for s, b in ((proc.stdout, out), (proc.stderr, err))
    ]
    for r in readers:
        r.start()
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            proc.kill()
        time.sleep(0.01)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        label=label,
        wall=wall,
        tree_rss_mb=peak / 2**20,
        max_rss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        stdout=b"".join(out).decode(errors="replace"),
        stderr=b"".join(err).decode(errors="replace"),
        peaks_mb=_by_role(peaks),
    )


def _by_role(peaks: dict[int, tuple[str, int]]) -> dict[str, float]:
    found: dict[str, float] = {}
    for role, high in peaks.values():
        found[role] = max(found.get(role, 0.0), high / 2**20)
    return found

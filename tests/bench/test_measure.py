"""bench.measure names each process of a measured tree by what it runs, and keeps its own peak."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from bench import measure

# The child waits between its fork and its exec, so the sampler surely sees it still showing its
# parent's command line; after the exec it holds 150 MB for a moment as `python -m timeit`, and
# once it has ended its parent leaves it unreaped (a zombie shows no command line) for a while.
FORKS_THEN_EXECS = textwrap.dedent(
    """
    import os, sys, time
    pid = os.fork()
    if pid == 0:
        time.sleep(0.3)
        os.execv(sys.executable, [sys.executable, "-m", "timeit", "-n", "1",
                 "-s", "import time; x = b'x' * (150 * 2**20); time.sleep(0.5)", "pass"])
    time.sleep(2.5)
    os.waitpid(pid, 0)
    """
)


def test_a_child_seen_before_its_exec_is_named_and_measured_by_what_it_execs():
    measured = measure.run("fork-exec", [sys.executable, "-c", FORKS_THEN_EXECS], timeout=60)

    assert measured.returncode == 0, measured.stderr
    parent = Path(sys.executable).name
    assert set(measured.peaks_mb) == {parent, "timeit"}
    assert measured.peaks_mb["timeit"] >= 150
    assert measured.peaks_mb[parent] < 100  # the 150 MB were the child's after its exec, not the parent's

"""What /proc tells the tests about the processes they start."""

from __future__ import annotations

from pathlib import Path


def children_of(parent: int, marker: bytes) -> set[int]:
    """The pids of `parent`'s children whose command line holds `marker`, started from any of its
    threads (`/proc/<pid>/task/<pid>/children` lists only the main thread's: Prefect's task threads
    start the GX validation child, the portal's checker thread its check process)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            ppid = int(text[text.rfind(")") + 2 :].split()[1])
            if ppid == parent and marker in (stat.parent / "cmdline").read_bytes():
                found.add(int(stat.parent.name))
        except (OSError, ValueError):
            continue  # ended meanwhile
    return found

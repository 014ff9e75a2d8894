"""What a test run builds once for all its xdist workers.

Under xdist each worker has its own session, so a session fixture runs once per worker. What is
built here is built by the first worker to ask, in the folder the workers share (their base
temporary folders' parent), under a lock; the others wait on the lock and use it. A build that
failed in another worker (no mark that it finished) is started again from nothing."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".selesai"


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this test run sees (the session's own without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name` after `build(folder)` ran in it, in this test run, in one worker."""
    shared = shared_folder(tmp_path_factory)
    folder = shared / name
    with open(shared / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / DONE).touch()  # last: what is above it is whole
    return folder

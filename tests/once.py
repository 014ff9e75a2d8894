"""What a test run builds once for all its xdist workers.

Under xdist each worker has its own session, so a session fixture runs once per worker. What is
built here is built by the first worker to ask, in the folder the workers share (their base
temporary folders' parent), under a lock; the others wait on the lock and use it. A build that
failed in another worker (no mark that it finished) is started again from nothing.

What only a new version of its inputs changes is kept across test runs too (`kept_across_runs`):
in the user's cache folder, as uv and mypy keep theirs."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

DONE = ".selesai"
STALE_SECONDS = 3600


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


def kept_across_runs(
    name: str, key: str, build: Callable[[Path], None], whole: Callable[[Path], bool], elsewhere: Path
) -> Path:
    """The file `name`, made by `build(path)` once per `key` and kept in the user's cache folder
    (`${XDG_CACHE_HOME:-~/.cache}/ektp/<name>/<key>`, beside uv's and mypy's), for what only a new
    version of its inputs changes. A kept file that `whole` refuses is made again; when the cache
    cannot be written, it is made in `elsewhere` (a folder of this run). Another run may write the
    same key at once: each writes beside and renames, so a reader sees one whole file."""
    root = _cache(name)
    if root is None:
        build(elsewhere / key)
        return elsewhere / key
    kept = root / key
    if kept.is_file() and whole(kept):
        return kept
    beside = root / f".{key}.{os.getpid()}"
    try:
        build(beside)
        os.replace(beside, kept)
    finally:
        beside.unlink(missing_ok=True)
    # Earlier versions' entries, once no run can still be reading them (a run copies its entry
    # within seconds of finding it).
    for old in root.iterdir():
        try:
            if old.name != key and time.time() - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
        except FileNotFoundError:  # another run removed it first
            pass
    return kept


def _cache(name: str) -> Path | None:
    """`${XDG_CACHE_HOME:-~/.cache}/ektp/<name>`, made if need be; None when it cannot be written
    (or there is no home folder to find)."""
    try:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ektp" / name
        root.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no HOME and no password entry
        return None
    return root if os.access(root, os.W_OK) else None

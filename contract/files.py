"""Writing files so that a crash never leaves half of one: the one place for fsync and atomic writes.

A reader (an office downloading its receipt, an analyst opening the catalog) sees the old file or
the new one, never a torn one; after a power loss the rename is on disk too (the folder is fsynced).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def fsync(path: Path | str) -> None:
    """Flush a file's (or a folder's) contents to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes | str) -> None:
    """Write `data` to `path` through a temporary file beside it: written, fsynced, renamed over
    `path`, then the folder fsynced. A failure (disk full) leaves `path` as it was."""
    path = Path(path)
    body = data.encode("utf-8") if isinstance(data, str) else data
    temporary = path.with_name(f".{path.name}.{os.getpid()}.sementara")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        try:
            view = memoryview(body)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync(path.parent)


def replace(temporary: Path | str, path: Path | str) -> None:
    """Put a file written and closed beside `path` (by DuckDB, a library) in its place: fsynced,
    renamed over `path`, then the folder fsynced, as write_atomic does with bytes."""
    fsync(temporary)
    os.replace(temporary, path)
    fsync(Path(path).parent)


def process_folder(prefix: str) -> Path:
    """A new temporary folder of this process (`<prefix>-<pid>-…`), removed when the process ends.
    A process killed outright (SIGKILL, power loss) runs no exit handler, and a server that
    restarts for years would gather one folder per kill: those whose process is gone are removed
    here first."""
    base = Path(tempfile.gettempdir())
    for stale in base.glob(f"{prefix}-*-*"):
        pid = stale.name[len(prefix) + 1 :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-", dir=base))
    atexit.register(_remove_if_mine, folder, os.getpid())
    return folder


def _remove_if_mine(folder: Path, owner: int) -> None:
    """At exit, the folder of this process, not of a parent it was forked from."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True

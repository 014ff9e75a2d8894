"""The landing folder: one inbox per kabupaten, never modified, replayed by backfills."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from contract import rules
from contract.errors import TransientError, UsageError


@dataclass(frozen=True)
class LandingFile:
    """One file as found in the landing folder (stat only, no bytes read yet)."""

    file: str  # path relative to the landing folder, '/'-separated: unggahan.file
    kode_kabupaten: str | None  # the inbox folder's name; None for a file directly in landing
    path: Path
    size: int
    mtime_ns: int
    # Why the file cannot be taken at all (unknown inbox, symlink): rejected without reading.
    problem: str | None = None


def discover(landing: Path, inboxes: frozenset[str]) -> list[LandingFile]:
    """Every file under `landing`, with the reason it cannot be taken where there is one."""
    if not landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {landing}")
    found: list[LandingFile] = []
    for entry in sorted(os.scandir(landing), key=lambda e: e.name):
        if entry.is_symlink():
            found.append(_refused(landing, entry, _unreadable("tautan")))
        elif entry.is_dir():
            kode = entry.name
            problem = None if kode in inboxes else _unreadable("folder_asing", folder=kode)
            found.extend(_walk_inbox(landing, Path(entry.path), kode, problem))
        elif entry.is_file():
            found.append(_refused(landing, entry, _unreadable("di_landing")))
    return found


def _walk_inbox(landing: Path, inbox: Path, kode: str, problem: str | None) -> list[LandingFile]:
    # One lstat per file and string paths: at national scale (23,000 files) pathlib's
    # relative_to and a second stat per file cost more than the walk itself.
    out = []
    for root, dirs, files in os.walk(inbox, followlinks=False):
        dirs.sort()
        names = sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]
        prefix = os.path.relpath(root, landing).replace(os.sep, "/") + "/"
        for name in names:
            full = os.path.join(root, name)
            st = os.lstat(full)
            why = _unreadable("tautan") if stat.S_ISLNK(st.st_mode) else problem
            out.append(LandingFile(prefix + name, kode, Path(full), st.st_size, st.st_mtime_ns, why))
    return out


def _refused(landing: Path, entry: os.DirEntry, problem: str) -> LandingFile:
    """A file directly in the landing folder: no inbox, so no kabupaten."""
    path = Path(entry.path)
    st = path.lstat()
    return LandingFile(path.relative_to(landing).as_posix(), None, path, st.st_size, st.st_mtime_ns, problem)


def _unreadable(case: str, **fields: object) -> str:
    return rules.message("berkas_tidak_terbaca", case, **fields)


def read_bytes(f: LandingFile) -> bytes:
    """The file's bytes; a failed read is transient (the uploader may still hold it)."""
    try:
        return f.path.read_bytes()
    except OSError as exc:
        raise TransientError("berkas tidak dapat dibaca", file=f.file, reason=exc.strerror) from exc


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""Writing an upload into the landing folder: whole or not at all, never over another file.

The bytes go to a temporary file in the portal's staging folder (beside its database, outside the
landing folder, where the nightly never looks), are fsynced, and the file is then hard-linked into
`<landing>/<kode_kabupaten>/` under its name, or `name (2)`, `name (3)`, ... when that is taken: a
link never replaces an existing name, and the file appears in the inbox complete, so a nightly
listing the inbox at that very moment sees it whole or not at all. The staging folder must be on
the landing folder's file system (checked when the portal starts).
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from contract.errors import UsageError
from portal import names

log = logging.getLogger(__name__)
STAGING_PREFIX = ".unggah-"
NUMBERED = 100  # `rekap (2).csv` ... `rekap (100).csv`; after that a random mark, never a refusal
STALE_SECONDS = 3600
HELD_PREFIX = ".tunda-"  # a file waiting for its office to confirm a replacement
HELD_SECONDS = 24 * 3600


def staging_of(portal_db: Path) -> Path:
    return portal_db.parent / "portal-sementara"


def prepare(landing: Path, staging: Path) -> None:
    """Create the staging folder, refuse one on another file system, clear a killed portal's leftovers."""
    if not landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {landing}")
    staging.mkdir(parents=True, exist_ok=True)
    if staging.stat().st_dev != landing.stat().st_dev:
        raise UsageError(
            "folder sementara portal harus di sistem berkas yang sama dengan folder landing;"
            " letakkan EKTP_PORTAL_DB di sistem berkas itu",
            sementara=staging,
            landing=landing,
        )
    for prefix, seconds in ((STAGING_PREFIX, STALE_SECONDS), (HELD_PREFIX, HELD_SECONDS)):
        cutoff = time.time() - seconds
        for leftover in staging.glob(prefix + "*"):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink(missing_ok=True)


def deliver(landing: Path, staging: Path, kabupaten: str, name: str, data: bytes) -> str:
    """Write `data` into the inbox of `kabupaten` as `name` (made unique); returns the path
    relative to the landing folder, as `unggahan.file` will hold it."""
    return publish(stage(staging, data), landing, kabupaten, name)


def stage(staging: Path, data: bytes, prefix: str = STAGING_PREFIX) -> Path:
    """`data` in a new file of the staging folder, fsynced (the nightly never looks there)."""
    fd, temporary = tempfile.mkstemp(dir=staging, prefix=prefix)
    try:
        _write_all(fd, data)
        os.fchmod(fd, 0o644)  # as a file copied into the inbox by hand would be
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    os.close(fd)
    return Path(temporary)


def hold(staged: Path) -> str:
    """Keep a staged file until its office confirms it (portal.upload); returns its name there."""
    held = staged.with_name(HELD_PREFIX + staged.name.removeprefix(STAGING_PREFIX))
    os.rename(staged, held)
    return held.name


def held(staging: Path, name: str) -> Path | None:
    """A held file by its name, or None (confirmed already, or cleared as stale)."""
    if not name.startswith(HELD_PREFIX) or "/" in name:
        return None
    path = staging / name
    return path if path.is_file() else None


def publish(staged: Path, landing: Path, kabupaten: str, name: str, now: bool = False) -> str:
    """Link a staged file into the inbox of `kabupaten` as `name` (made unique) and remove it from
    the staging folder; `now`: its modification time becomes this moment (a held file arrives when
    its office confirms it, not when it was first sent). Returns the path relative to landing."""
    inbox = landing / kabupaten
    inbox.mkdir(exist_ok=True)
    try:
        if now:
            os.utime(staged)
        stored = _link_unique(str(staged), inbox, name)
        _fsync_dir(inbox)
    finally:
        staged.unlink(missing_ok=True)
    log.info(
        "berkas diterima ke landing: %s/%s (%d bita)", kabupaten, stored, (inbox / stored).stat().st_size
    )
    return f"{kabupaten}/{stored}"


def _link_unique(source: str, inbox: Path, name: str) -> str:
    """Link under the first free name: numbered while that is short work, then with a random
    mark (a district sending one name a thousand times is served, not refused)."""
    for candidate in _candidates(name):
        try:
            os.link(source, inbox / candidate)
            return candidate
        except FileExistsError:
            continue
    raise AssertionError("unreachable: the candidates never end")


def _candidates(name: str) -> Iterator[str]:
    for n in range(1, NUMBERED + 1):
        yield names.numbered(name, n)
    while True:
        ext = names.extension(name)
        yield f"{name[: len(name) - len(ext)]} ({secrets.token_hex(4)}){ext}"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

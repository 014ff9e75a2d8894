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
    cutoff = time.time() - STALE_SECONDS
    for leftover in staging.glob(STAGING_PREFIX + "*"):
        if leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)


def deliver(landing: Path, staging: Path, kabupaten: str, name: str, data: bytes) -> str:
    """Write `data` into the inbox of `kabupaten` as `name` (made unique); returns the path
    relative to the landing folder, as `unggahan.file` will hold it."""
    inbox = landing / kabupaten
    inbox.mkdir(exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=staging, prefix=STAGING_PREFIX)
    try:
        _write_all(fd, data)
        os.fchmod(fd, 0o644)  # as a file copied into the inbox by hand would be
        os.fsync(fd)
        os.close(fd)
        fd = -1
        stored = _link_unique(temporary, inbox, name)
        _fsync_dir(inbox)
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(temporary)
    log.info("berkas diterima ke landing: %s/%s (%d bita)", kabupaten, stored, len(data))
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

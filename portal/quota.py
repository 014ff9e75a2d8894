"""Each office's daily quota (issue #20 item 9): at most `upload_daily_files` files and
`upload_daily_bytes` bytes a WITA day go into its inbox through the portal, form or API alike.
Counted from the upload log, so a restart does not reset it; the submissions still being checked
are counted too (reserved), so two sent at once cannot both slip under the limit. Over it, the
whole submission is refused with 429, a sentence naming the limit and when it resets, and a
`Retry-After` header.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from starlette.exceptions import HTTPException

from contract.dates import WITA
from portal import db, render, store
from portal.state import Portal

_lock = threading.Lock()
_reserved: dict[tuple[str, str], list[int]] = {}  # (portal db, kode) -> [files, bytes] being checked


@dataclass(frozen=True)
class Day:
    """The WITA day of `now`, as the upload log's UTC stamps bound it."""

    dari: str
    sampai: str
    reset: datetime  # midnight WITA, when the next day's quota starts

    @classmethod
    def of(cls, now: datetime) -> Day:
        start = datetime.combine(now.astimezone(WITA).date(), time(0), tzinfo=WITA)
        end = start + timedelta(days=1)
        return cls(_stamp(start), _stamp(end), end)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")  # as upload.record writes it


def used(portal: Portal, kode: str, day: Day) -> tuple[int, int]:
    """Files and bytes the office's logged uploads of `day` took."""
    with db.connect(portal.db) as con:
        row = con.execute(
            store.sql("unggahan_kuota"), {"kode": kode, "dari": day.dari, "sampai": day.sampai}
        ).fetchone()
    return int(row["berkas"]), int(row["bita"])


@dataclass
class Reservation:
    """Files and bytes of an office's quota held while its submission is checked and logged."""

    key: tuple[str, str]
    files: int
    size: int

    def release(self) -> None:
        """Give the hold back (the upload log counts the files from now on)."""
        with _lock:
            held = _reserved[self.key]
            held[0] -= self.files
            held[1] -= self.size


def take(portal: Portal, kode: str, files: int, size: int, now: datetime | None = None) -> Reservation:
    """Hold `files` files of `size` bytes of the office's quota; 429 when they do not fit in
    what is left of its day. Release it once the files are logged (or refused)."""
    day = Day.of(now or datetime.now(UTC))
    key = (str(portal.db), kode)
    with _lock:
        logged = used(portal, kode, day)
        held = _reserved.setdefault(key, [0, 0])
        refuse(portal, day, (logged[0] + held[0], logged[1] + held[1]), files, size)
        held[0] += files
        held[1] += size
    return Reservation(key, files, size)


def refuse(portal: Portal, day: Day, taken: tuple[int, int], files: int, size: int) -> None:
    """429 when `files` more files of `size` bytes go over the day's quota, `taken` used already."""
    settings = portal.settings
    max_files, max_bytes = settings.upload_daily_files, settings.upload_daily_bytes
    if taken[0] + files <= max_files and taken[1] + size <= max_bytes:
        return
    left_files, left_bytes = max(0, max_files - taken[0]), max(0, max_bytes - taken[1])
    seconds = max(1, int((day.reset - datetime.now(UTC)).total_seconds()))
    limit = f"paling banyak {max_files} berkas dan {render.ukuran(max_bytes)} per kantor per hari"
    if left_files == 0 or left_bytes == 0:
        what = f"Kuota harian kantor ini sudah habis ({limit})."
    else:
        what = (
            f"Kiriman ini ({files} berkas, {render.ukuran(size)}) melebihi sisa kuota harian kantor"
            f" ini: {left_files} berkas dan {render.ukuran(left_bytes)} lagi ({limit})."
        )
    raise HTTPException(
        429,
        f"{what} Kuota dibuka lagi pukul 00.00 WITA ({_in(seconds)} lagi). Bila kantor Anda memang"
        " perlu mengirim lebih banyak, hubungi admin portal di Dinas Dukcapil Provinsi.",
        headers={"Retry-After": str(seconds)},
    )


def _in(seconds: int) -> str:
    hours, minutes = divmod((seconds + 59) // 60, 60)
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"

"""The upload service: the files of one form submission received (hashed, judged by size, name
and contents), landed in the district's inbox, checked by the warm checker, and logged with their
receipts. No HTTP here: the route reads the form and redirects to the receipts.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from pipeline.check import Checked
from portal import deliver, names, render, store
from portal.accounts import Akun
from portal.state import Portal

log = logging.getLogger(__name__)
MAX_FILES = 10  # per form submission
CHECK_TIMEOUT = 300.0
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]]
)


@dataclass
class Received:
    nama_asli: str
    nama: str
    data: bytes
    ukuran: int
    sha256: str
    alasan: str | None  # why the portal refuses it; None: it goes to the inbox
    berkas: str | None = None  # where it landed


async def submit(portal: Portal, akun: Akun, kode: str, sent: list[UploadFile], ip: str) -> str:
    """Receive, land, check and log the files of one submission; returns the submission's id."""
    kiriman = secrets.token_hex(8)
    times = [time.perf_counter()]
    received = [await receive(f, portal.settings.upload_max_bytes) for f in sent]
    landed = await run_in_threadpool(land, portal, kode, received)
    times.append(time.perf_counter())
    found, failure = await check(portal, kode, landed)
    times.append(time.perf_counter())
    await run_in_threadpool(record, portal, akun, kode, kiriman, ip, landed, iter(found), failure)
    times.append(time.perf_counter())
    log.debug(
        "kiriman %s: %d berkas; terima+landing %.0f ms, periksa %.0f ms, catat %.0f ms",
        kiriman,
        len(sent),
        *(1000 * (b - a) for a, b in itertools.pairwise(times)),
    )
    return kiriman


async def receive(f: UploadFile, limit: int) -> Received:
    """One sent file, hashed whole and judged by size, name and contents; its bytes are kept
    only when it goes to the inbox."""
    original = f.filename or ""
    name = not_device(names.safe_name(original))
    digest, kept, size = hashlib.sha256(), bytearray(), 0
    while chunk := await f.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
        if len(kept) <= limit:
            kept += chunk
    reason: str | None
    if size > limit:
        reason = f"berkas {render.ukuran(size)}, lebih besar dari batas {render.ukuran(limit)}"
    else:
        reason = names.refusal(name, bytes(kept))
    return Received(original, name, bytes(kept) if reason is None else b"", size, digest.hexdigest(), reason)


def not_device(name: str) -> str:
    """The name with a leading `_` when Windows would take it for a device (`CON.csv`,
    `nul.csv`, `LPT1.csv`: a district copying the inbox to a Windows PC could not open it). The
    name the office sent stays in the upload log."""
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    return "_" + name if stem in WINDOWS_DEVICES else name


def land(portal: Portal, kode: str, received: list[Received]) -> list[Received]:
    """Each file into the inbox; one that cannot be written (a full disk) is refused with its
    reason, and the files before and after it still land and are logged."""
    for r in received:
        if r.alasan is None:
            try:
                r.berkas = deliver.deliver(portal.settings.landing, portal.staging, kode, r.nama, r.data)
            except OSError as exc:
                log.error("berkas %s tidak dapat disimpan ke landing: %s", r.nama, exc)
                r.alasan = f"berkas tidak dapat disimpan di server ({exc.strerror or exc}); coba lagi nanti"
        r.data = b""  # the bytes are in the inbox now; keep the request's memory small
    return received


async def check(portal: Portal, kode: str, landed: list[Received]) -> tuple[list[dict], str | None]:
    """The receipts of the files that landed, in order (from the warm checker), or why there are none."""
    checked = [
        Checked(portal.settings.landing / r.berkas, kode, r.berkas.split("/", 1)[1])
        for r in landed
        if r.berkas
    ]
    if not checked:
        return [], None
    try:
        return await asyncio.wait_for(
            asyncio.wrap_future(portal.checker.submit(checked)), CHECK_TIMEOUT
        ), None
    except Exception as exc:  # the files are in the inbox all the same; the nightly decides them
        log.error("pemeriksaan kiriman gagal: %s", exc)
        return [], f"pemeriksaan gagal: {exc}"


def record(
    portal: Portal,
    akun: Akun,
    kode: str,
    kiriman: str,
    ip: str,
    landed: list[Received],
    found: Iterator[dict],
    failure: str | None,
) -> None:
    """One upload-log row per file of the submission, with what the check said."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for r in landed:
        receipt = None if r.berkas is None or failure else next(found)
        if r.berkas is None:
            hasil, alasan = "ditolak_portal", r.alasan
        elif receipt is None:
            hasil, alasan = "gagal_periksa", failure
        else:
            hasil, alasan = receipt["status"], receipt["alasan"]
        rows.append(
            {
                "kiriman": kiriman,
                "akun": akun.nama,
                "kode_kabupaten": kode,
                "nama_asli": r.nama_asli,
                "berkas": r.berkas,
                "sha256": r.sha256,
                "ukuran": r.ukuran,
                "diunggah_pada": stamp,
                "ip": ip,
                "hasil": hasil,
                "alasan": alasan,
                "kesalahan": receipt and receipt["kesalahan"],
                "peringatan": receipt and receipt["peringatan"],
                "tanda_terima": receipt and json.dumps(receipt, ensure_ascii=False, default=str),
            }
        )
        log.info("unggahan %s oleh %s: %s (%s)", r.berkas or r.nama, akun.nama, hasil, r.sha256[:12])
    store.add(portal.db, rows)

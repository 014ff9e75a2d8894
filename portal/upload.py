"""The upload service: the files of one form submission received (hashed, judged by size, name
and contents), landed in the district's inbox, checked by the warm checker, and logged with their
receipts, within the office's daily quota (portal.quota, whose refusal is the one HTTP answer
here: 429). The route reads the form and redirects to the receipts.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import secrets
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from contract.errors import EktpError, TransientError, os_reason
from pipeline.check import Checked
from portal import checker, compare, deliver, names, quota, render, store
from portal.accounts import Akun
from portal.state import Portal

log = logging.getLogger(__name__)
MAX_FILES = 10  # per form submission
CHECK_TIMEOUT = checker.ROUND_TIMEOUT  # then its round is ended too
SAME_TEXT = "sama persis dengan berkas yang sudah ada"
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
    alasan: str | None  # why the portal refuses it; None: it goes on to the check
    berkas: str | None = None  # where it landed
    staged: Path | None = None  # where it waits for the check
    receipt: dict | None = None
    hasil: str | None = None  # set when it does not land: store.HELD or store.SAME
    perbandingan: dict | None = None
    tunda: str | None = None  # the held file's name in the staging folder


@dataclass(frozen=True)
class Submission:
    kiriman: str
    ids: list[int]  # the upload-log rows, in the order the files were sent


async def submit(
    portal: Portal, akun: Akun, kode: str, sent: list[UploadFile], ip: str, ganti: bool = False
) -> Submission:
    """Receive, check, land and log the files of one submission. A valid file for a date that
    already has a current or waiting file is held until its office confirms (unless `ganti`),
    and one byte-identical to a file of that date is not stored again."""
    kiriman = secrets.token_hex(8)
    times = [time.perf_counter()]
    received = [await receive(f, portal.settings.upload_max_bytes) for f in sent]
    taken = [r for r in received if r.alasan is None]
    held = await run_in_threadpool(quota.take, portal, kode, len(taken), sum(r.ukuran for r in taken))
    try:
        await run_in_threadpool(stage, portal, received)
        times.append(time.perf_counter())
        found, failure = await check(portal, kode, received)
        times.append(time.perf_counter())
        ids = await run_in_threadpool(
            land_and_record, portal, akun, kode, kiriman, ip, received, found, failure, ganti
        )
        times.append(time.perf_counter())
    finally:
        held.release()
    log.debug(
        "kiriman %s: %d berkas; terima %.0f ms, periksa %.0f ms, simpan+catat %.0f ms",
        kiriman,
        len(sent),
        *(1000 * (b - a) for a, b in itertools.pairwise(times)),
    )
    return Submission(kiriman, ids)


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


def not_kept(exc: OSError) -> str:
    """What the office reads when the server could not keep its file (staging or landing)."""
    return f"berkas tidak dapat disimpan di server ({os_reason(exc)}); coba lagi nanti"


def stage(portal: Portal, received: list[Received]) -> None:
    """Each file the portal takes into the staging folder, where the check reads it; one that
    cannot be written (a full disk) is refused with its reason, and the others go on."""
    for r in received:
        if r.alasan is None:
            try:
                r.staged = deliver.stage(portal.staging, r.data)
            except OSError as exc:
                log.error("berkas %s tidak dapat disimpan: %s", r.nama, exc)
                r.alasan = not_kept(exc)


async def check(portal: Portal, kode: str, received: list[Received]) -> tuple[list[dict], str | None]:
    """The receipts of the staged files, in order (from the warm checker), or why there are none."""
    checked = [Checked(r.staged, kode, r.nama) for r in received if r.staged]
    if not checked:
        return [], None
    try:
        return await asyncio.wait_for(
            asyncio.wrap_future(portal.checker.submit(checked)), CHECK_TIMEOUT
        ), None
    except Exception as exc:  # the files land all the same; the nightly decides them
        log.error("pemeriksaan kiriman gagal: %s", exc)
        return [], f"pemeriksaan gagal: {exc}"


def land_and_record(
    portal: Portal,
    akun: Akun,
    kode: str,
    kiriman: str,
    ip: str,
    received: list[Received],
    found: list[dict],
    failure: str | None,
    ganti: bool,
) -> list[int]:
    """Land (or hold) the checked files, then log them all in one transaction: each file lands
    with its log row and receipt, or none is left. When the portal database cannot read or write
    (read-only, full, locked too long), every file this submission put in the inbox or held is
    removed again, and the office is told to send again (503, one line in the log)."""
    try:
        settle(portal, kode, received, iter(found), failure, ganti)
        return record(portal, akun, kode, kiriman, ip, received, failure)
    except (sqlite3.Error, EktpError, OSError) as exc:
        undone = _undo(portal, received)
        raise TransientError(
            "kiriman tidak dapat dicatat, jadi berkasnya tidak disimpan. Kirim lagi beberapa saat"
            " lagi; bila tetap gagal, hubungi admin portal di Dinas Dukcapil Provinsi",
            kiriman=kiriman,
            dihapus=undone,
            reason=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
        ) from None


def _undo(portal: Portal, received: list[Received]) -> int:
    """Remove what a submission that could not be logged stored: its files in the inbox (a file
    with no log row would be loaded with no receipt the office ever saw) and those held."""
    gone = 0
    for r in received:
        for path in (
            portal.settings.landing / r.berkas if r.berkas else None,
            portal.staging / r.tunda if r.tunda else None,
        ):
            if path is not None:
                try:
                    path.unlink(missing_ok=True)
                    gone += 1
                except OSError as exc:
                    log.error("berkas kiriman yang gagal dicatat tidak dapat dihapus: %s (%s)", path, exc)
        r.berkas = r.tunda = None
    return gone


def settle(
    portal: Portal,
    kode: str,
    received: list[Received],
    found: Iterator[dict],
    failure: str | None,
    ganti: bool,
) -> None:
    """Land each checked file, or hold it for confirmation, or drop it as identical."""
    here: dict[str, tuple[str, bytes]] = {}  # report date -> a valid file landed by this submission
    try:
        for r in received:
            if r.staged is None:
                continue
            r.receipt = None if failure else next(found)
            tanggal: str | None = r.receipt["tanggal"] if r.receipt else None
            if tanggal and (same := _identical(portal, kode, tanggal, r, here)):
                r.hasil, r.alasan = store.SAME, f"{SAME_TEXT} ({same}); tidak disimpan lagi"
                r.staged.unlink(missing_ok=True)
                continue
            valid = r.receipt is not None and r.receipt["status"] == "loaded"
            if valid and not ganti and (old := _replaced(portal, kode, tanggal, here)):
                _hold(portal, kode, r, old)
                continue
            _land(portal, kode, r)
            if valid and tanggal and r.berkas:
                here[tanggal] = (r.berkas, r.data)
    finally:
        for r in received:
            r.data = b""  # the bytes are on disk now; keep the request's memory small
            if r.staged is not None and r.staged.exists() and r.tunda is None and r.berkas is None:
                r.staged.unlink(missing_ok=True)  # a failure midway leaves nothing behind


def _identical(portal: Portal, kode: str, tanggal: str, r: Received, here: dict) -> str | None:
    for berkas, data in here.values():
        if hashlib.sha256(data).hexdigest() == r.sha256:
            return berkas
    return compare.identical(portal, kode, date.fromisoformat(tanggal), r.sha256)


def _replaced(portal: Portal, kode: str, tanggal: str | None, here: dict) -> compare.Figures | None:
    if not tanggal:
        return None
    day = date.fromisoformat(tanggal)
    if tanggal in here:
        berkas, data = here[tanggal]
        return compare.Figures(berkas, "menunggu", compare.figures_of(berkas, data, day))
    return compare.existing(portal, kode, day)


def _hold(portal: Portal, kode: str, r: Received, old: compare.Figures) -> None:
    assert r.staged is not None and r.receipt is not None
    day = date.fromisoformat(r.receipt["tanggal"])
    new = compare.figures_of(r.nama, r.data, day)
    r.perbandingan = compare.comparison(old, new, compare.names_of(portal, kode, day))
    r.hasil, r.alasan = store.HELD, compare.sentence(r.perbandingan)
    r.tunda = deliver.hold(r.staged)
    r.staged = None


def _land(portal: Portal, kode: str, r: Received) -> None:
    assert r.staged is not None
    try:
        r.berkas = deliver.publish(r.staged, portal.settings.landing, kode, r.nama)
    except OSError as exc:
        log.error("berkas %s tidak dapat disimpan ke landing: %s", r.nama, exc)
        r.alasan = not_kept(exc)
        r.receipt = None
        return
    finally:
        r.staged = None
    if r.receipt is not None:
        r.receipt["berkas"] = r.berkas  # the name it landed under (`rekap (2).csv`)


def confirm(portal: Portal, akun: Akun, kode: str, upload_id: int) -> str:
    """Land a held upload its office confirmed; returns its submission (raises LookupError when
    there is no held upload of that id, or it was confirmed or cleared already)."""
    row = store.held(portal.db, kode, upload_id)
    staged = deliver.held(portal.staging, row["tunda"]) if row else None
    if row is None or staged is None or not store.claim(portal.db, upload_id, row["tunda"]):
        raise LookupError(upload_id)
    berkas = deliver.publish(
        staged, portal.settings.landing, kode, not_device(names.safe_name(row["nama_asli"])), now=True
    )
    receipt = json.loads(row["tanda_terima"])
    receipt["berkas"] = berkas
    text = json.dumps(receipt, ensure_ascii=False, default=str)
    store.landed(portal.db, upload_id, berkas, receipt["status"], receipt["alasan"], text)
    log.info("unggahan %d (%s): penggantian dikonfirmasi oleh %s", upload_id, berkas, akun.nama)
    return row["kiriman"]


def record(
    portal: Portal,
    akun: Akun,
    kode: str,
    kiriman: str,
    ip: str,
    received: list[Received],
    failure: str | None,
) -> list[int]:
    """One upload-log row per file of the submission, with what the check said; their ids."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for r in received:
        receipt = r.receipt
        if r.hasil is not None:
            hasil, alasan = r.hasil, r.alasan
        elif r.berkas is None:
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
                "tanggal": receipt and receipt["tanggal"],
                "perbandingan": r.perbandingan and json.dumps(r.perbandingan, ensure_ascii=False),
                "tunda": r.tunda,
            }
        )
        log.info("unggahan %s oleh %s: %s (%s)", r.berkas or r.nama, akun.nama, hasil, r.sha256[:12])
    return store.add(portal.db, rows)

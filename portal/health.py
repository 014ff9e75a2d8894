"""The health of one installation, for a monitor (`GET /sehat`) and the operator (`ektp status`):
the last nightly's state and time (warehouse.jejak), the publication analysts open (its number
and age), the free disk where the warehouse lives, whether the portal database answers.

Something wrong makes the whole answer `bermasalah` (the portal then answers 503), each problem one
Indonesian line in `masalah`. What is merely not there yet (no nightly, no warehouse on a fresh
install) is not a problem. The public answer names no path and no error text (`public`).
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from contract import formats
from contract.errors import EktpError
from contract.settings import Settings
from portal import db
from portal.state import Portal
from warehouse import jejak, read
from warehouse.db import relations as db_relations

Health = dict[str, Any]
GIB = 1024**3


@dataclass(frozen=True)
class Batas:
    """When a state becomes a problem."""

    # The nightly runs every day at 02:00 WITA: a day and two hours without one that succeeded
    # means a night was missed.
    nightly_umur: timedelta = timedelta(hours=26)
    # A nightly takes minutes here; hours means it hangs.
    nightly_berjalan: timedelta = timedelta(hours=6)
    disk_bebas_min: int = GIB


def gather(settings: Settings, portal_db: Path | None = None, batas: Batas = Batas()) -> Health:
    """Everything `ektp status` prints; `portal_db` None: the settings' one."""
    now = datetime.now(UTC)
    masalah: list[str] = []
    found = {
        "nightly": _nightly(settings, now, batas, masalah),
        "terbitan": _publication(settings, now, masalah),
        "disk": _disk(settings, batas, masalah),
        "basis_data_portal": _portal_db(portal_db or settings.portal_database, masalah),
        "pengingat": _messages(settings),
    }
    return {"status": "bermasalah" if masalah else "ok", "masalah": masalah, "waktu": _iso(now), **found}


def for_portal(portal: Portal) -> tuple[int, Health]:
    """/sehat: 200 or 503, the public health and the state of the portal's check: warming up, ready,
    or its last round failed (its uploads landed, and the nightly decides them: not a 503)."""
    found = gather(portal.settings, portal.db)
    checker = portal.checker
    pemeriksa = "memanaskan" if not checker.warm.is_set() else "gagal" if checker.last_failed else "siap"
    body = {**public(found), "pemeriksa": pemeriksa}
    return (200 if found["status"] == "ok" else 503), body


def public(health: Health) -> Health:
    """What anyone may read at /sehat: no path, no error text."""
    nightly = health["nightly"]
    if nightly is not None:
        nightly = {k: v for k, v in nightly.items() if k not in ("galat", "pid", "host")}
    disk = {k: v for k, v in health["disk"].items() if k != "folder"}
    portal_db = {k: v for k, v in health["basis_data_portal"].items() if k != "path"}
    return {**health, "nightly": nightly, "disk": disk, "basis_data_portal": portal_db}


def text(health: Health) -> str:
    """`ektp status`: the same facts, one per line, then the problems."""
    nightly, publication = health["nightly"], health["terbitan"]
    disk, portal_db = health["disk"], health["basis_data_portal"]
    lines = [f"status: {health['status']}"]
    if nightly is None:
        lines.append("nightly: belum pernah berjalan")
    else:
        when = formats.waktu_iso(nightly.get("selesai") or nightly.get("mulai"))
        lines.append(
            f"nightly: {nightly['status']} {nightly.get('run_id')} ({when}, {_ago(nightly['umur_detik'])})"
        )
        if nightly.get("galat"):
            # an error line may name a landing file, whose name a district chose: never raw to a terminal
            lines.append(f"  galat: {formats.visible(nightly['galat'])}")
    if publication is None:
        lines.append("terbitan: belum ada gudang data")
    else:
        when, ago = formats.waktu_iso(publication["diterbitkan_pada"]), _ago(publication["umur_detik"])
        lines.append(f"terbitan: nomor {publication['nomor']} ({when}, {ago})")
    free, total = (formats.desimal(disk[k] / GIB, 1) for k in ("bebas_bytes", "total_bytes"))
    lines.append(f"disk: {free} GiB bebas dari {total} GiB ({disk['folder']})")
    if portal_db["terjangkau"]:
        state = "terjangkau"
    elif Path(portal_db["path"]).exists():
        state = "TIDAK terjangkau"
    else:  # not made yet (its own problem line says how to make it)
        state = "belum ada"
    lines.append(f"basis data portal: {state} ({portal_db['path']})")
    for m in health["pengingat"]:
        when = formats.waktu_iso(m["terakhir_pada"])
        lines.append(
            f"{m['jenis']} {formats.tanggal_iso(m['tanggal'])}: {m['terkirim']} terkirim,"
            f" {m['gagal']} gagal (terakhir {when})"
        )
    lines += [f"masalah: {line}" for line in health["masalah"]]
    return "\n".join(lines) + "\n"


def _ago(seconds: int | None) -> str:
    if seconds is None:
        return "waktu tidak diketahui"
    if seconds < 3600:
        return f"{seconds // 60} menit lalu"
    return f"{seconds // 3600} jam lalu"


def _nightly(settings: Settings, now: datetime, batas: Batas, masalah: list[str]) -> dict | None:
    run = jejak.last(settings.warehouse, "nightly")
    if run is None:
        return None
    status = run.get("status")
    moment = jejak.moment(run.get("selesai") or run.get("mulai"))
    age = (now - moment) if moment else None
    if status in ("gagal", "dihentikan", "terputus"):
        masalah.append(f"nightly terakhir {status} ({run.get('run_id')})")
    elif status == "berjalan" and age is not None and age > batas.nightly_berjalan:
        masalah.append(f"nightly sudah berjalan {_hours(age)} jam ({run.get('run_id')})")
    elif status == "berhasil" and age is not None and age > batas.nightly_umur:
        masalah.append(f"nightly terakhir berhasil {_hours(age)} jam lalu; jadwal 02:00 WITA terlewat")
    return {**run, "umur_detik": int(age.total_seconds()) if age is not None else None}


def _publication(settings: Settings, now: datetime, masalah: list[str]) -> dict | None:
    if not settings.warehouse.exists():
        return None
    try:
        with read.connect(settings.warehouse) as con:
            rows = read.rows(con, "sehat_terbitan")
    except EktpError:
        masalah.append("gudang data tidak dapat dibuka")
        return None
    if not rows:
        return None
    published = rows[0]["diterbitkan_pada"]
    read_at = datetime.now(UTC)  # after the read: a publication made meanwhile is not from the future
    if published > read_at:
        masalah.append(
            f"jam mesin ini ({formats.waktu(read_at)}) lebih awal dari terbitan terakhir"
            f" ({formats.waktu(published)}): periksa jam sistem (timedatectl)"
        )
    return {
        "nomor": int(rows[0]["nomor"]),
        "diterbitkan_pada": _iso(published),
        "umur_detik": int((now - published).total_seconds()),
    }


def _messages(settings: Settings) -> list[dict]:
    """The latest round of reminders and of the province's digest: what reached its recipients.
    Information, not a problem: a mail server that fails never fails a run (CONTRACT §3), and the
    portal must not answer 503 for it; `ektp status` shows it, /metrics counts every try."""
    if not settings.warehouse.exists():
        return []
    try:
        with read.connect(settings.warehouse) as con:
            rows = read.rows(con, "sehat_pengingat") if "pengingat" in db_relations(con) else []
    except EktpError:
        return []  # the warehouse's own problem is told by _publication
    return [
        {
            "jenis": r["jenis"],
            "tanggal": r["tanggal"].isoformat(),
            "terkirim": int(r["terkirim"]),
            "gagal": int(r["gagal"]),
            "terakhir_pada": _iso(r["terakhir_pada"]),
        }
        for r in rows
    ]


def _disk(settings: Settings, batas: Batas, masalah: list[str]) -> dict:
    folder = settings.warehouse.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    usage = shutil.disk_usage(folder)
    if usage.free < batas.disk_bebas_min:
        masalah.append(
            f"ruang disk tinggal {formats.desimal(usage.free / GIB, 1)} GiB"
            f" (batas {formats.desimal(batas.disk_bebas_min / GIB, 1)} GiB)"
        )
    return {"folder": str(folder), "bebas_bytes": usage.free, "total_bytes": usage.total}


def _portal_db(path: Path, masalah: list[str]) -> dict:
    reachable = False
    if path.is_file():
        try:
            with db.connect(path) as con:
                con.execute("select count(*) from sesi").fetchone()
            reachable = True
        except (EktpError, sqlite3.Error):
            reachable = False
    if not path.exists():  # not made yet: its remedy differs from a file that cannot be read
        masalah.append("basis data portal belum ada; akun pertama dibuat dengan `ektp akun tambah`")
    elif not reachable:
        masalah.append("basis data portal tidak terjangkau")
    return {"path": str(path), "terjangkau": reachable}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _hours(age: timedelta) -> int:
    return int(age.total_seconds() // 3600)

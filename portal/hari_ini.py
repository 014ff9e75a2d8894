"""An office's "today" (issue #21 item 3): the date it reports for now (WITA), the time left until
the 02:00 nightly takes that date, and per kecamatan whether its figure is loaded by a nightly,
waiting for the nightly (sent through the portal and passed the check), or missing; and whether
the province has locked that date (a file of it would be refused as `periode_terkunci`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from contract.dates import report_day
from portal import compare, pages
from portal.state import Portal
from warehouse import persetujuan

# A kecamatan's state today, and its word.
STATES = {
    "dimuat": "dimuat",
    "menunggu": "menunggu proses malam",
    "tidak_ada": "belum ada",
}


def time_left(left: timedelta) -> str:
    """'5 jam 12 menit' (whole minutes, rounded down)."""
    minutes = int(left.total_seconds()) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


def today(portal: Portal, kode: str, now: datetime) -> dict:
    """The home's "today" card: report date, time left, each kecamatan's state and the counts."""
    tanggal, left = report_day(now, portal.settings.today)
    kecamatan = pages.kecamatan(portal.settings, kode, tanggal)
    waiting = compare.existing(portal, kode, tanggal)
    waiting_codes = set(waiting.kecamatan) if waiting and waiting.keadaan == "menunggu" else set()
    rows = []
    for k in kecamatan or []:
        state = (
            "menunggu"
            if k["kode_kecamatan"] in waiting_codes
            else "dimuat"
            if k["dilaporkan"]
            else "tidak_ada"
        )
        rows.append({"kode": k["kode_kecamatan"], "nama": k["nama_kecamatan"], "keadaan": state})
    until = (
        persetujuan.published_locks_at(portal.settings.warehouse).get(kode) if kecamatan is not None else None
    )
    return {
        "tanggal": tanggal,
        # the province locked this date: a file of it is kept but refused until the lock is opened
        "dikunci_sampai": until if until is not None and tanggal <= until else None,
        "sisa": time_left(left),
        "kecamatan": rows,
        "jumlah": {s: sum(r["keadaan"] == s for r in rows) for s in STATES},
        "kata": STATES,
        "berkas_menunggu": waiting.berkas if waiting_codes and waiting else None,
        "gudang_ada": kecamatan is not None,
    }

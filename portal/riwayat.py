"""What happened to an office's files after the check (issue #21 items 5 and 8): each upload's
timeline, the receipt that follows the nightly's decision, what changed since the office's last
visit, and the findings as an office reads them (the kecamatan's name, one date format).

Read-only on the warehouse (portal.pages); the last visit is the portal database's `kunjungan`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache

from contract import formats, regions
from portal import db, pages, store
from portal.state import Portal
from reports import receipts

CHANGES_SHOWN = 20
# A decision of the nightly as the timeline says it (`{pengganti}`: the file loaded instead).
STEP = {
    "loaded": "dimuat",
    "superseded": "digantikan oleh {pengganti}",
    "rejected": "ditolak",
    "duplicate": "salinan berkas lain, diabaikan",
}
GONE = "tidak lagi ada di folder kabupaten dengan isi ini"
WAITING = "LOLOS PEMERIKSAAN, BELUM DIMUAT: menunggu proses malam pukul 02.00 WITA"


def _step(v: dict) -> str:
    if not v["ada"]:
        return GONE
    return STEP[v["status"]].format(pengganti=v.get("berkas_dimuat") or "berkas yang lebih baru")


def timeline(portal: Portal, kode: str, u: dict) -> list[dict]:
    """The upload's steps: received by the portal, then each decision of a run (kata, pada, run_id,
    status). A file the portal did not store has only its first step."""
    steps = [
        {
            "status": "diterima",
            "kata": "diterima portal" if u["berkas"] else "tidak disimpan portal",
            "pada": formats.waktu(datetime.fromisoformat(u["diunggah_pada"])),
            "run_id": None,
        }
    ]
    if u["berkas"]:
        for v in pages.timeline(portal.settings, kode, u["berkas"], u["sha256"]):
            steps.append(
                {
                    "status": v["status"] if v["ada"] else "hilang",
                    "kata": _step(v),
                    "pada": formats.waktu(v["berlaku_sejak"]),
                    "run_id": v["run_id"],
                }
            )
    return steps


def final_receipt(portal: Portal, kode: str, u: dict, temuan_malam: list[dict]) -> dict:
    """The receipt an office downloads: the nightly's decision once a run decided the file (its
    status, why, its findings), before that the check's receipt saying it is not loaded yet."""
    check = dict(u["tanda_terima"])
    malam = u["malam"]
    if malam is None:
        if check.get("status") == "loaded":
            check["keterangan"] = WAITING
        return check
    current = next(
        (
            d
            for d in pages.decided(portal.settings, kode, tanggal=malam["tanggal"])
            if d["status"] == "loaded"
        ),
        None,
    )
    row = {**malam, "kode_kabupaten": kode, "tiba_pada": None}
    # The same bytes as the check's: the same headers, which the letter shows beside each column.
    decided = receipts.receipt(row, temuan_malam, current, headers=check.get(receipts.HEADERS))
    decided["diputuskan_oleh"] = malam["run_id"]
    decided["diputuskan_pada"] = malam["diproses_pada"].isoformat() if malam["diproses_pada"] else None
    return decided


# --- the office's last visit ---------------------------------------------------------------------


def last_visit(portal: Portal, akun: str, kode: str, now: datetime) -> datetime | None:
    """When `akun` last opened the district's home (None: never); records `now` as the new one."""
    with db.connect(portal.db) as con, db.transaction(con):
        found = con.execute(store.sql("kunjungan_ambil"), {"akun": akun, "kode": kode}).fetchone()
        con.execute(store.sql("kunjungan_simpan"), {"akun": akun, "kode": kode, "pada": now.isoformat()})
    return datetime.fromisoformat(found["pada"]) if found else None


def changes(portal: Portal, kode: str, since: datetime | None) -> list[dict]:
    """The district's decisions written since `since`, as lines an office reads."""
    if since is None:
        return []
    rows = pages.changes(portal.settings, kode, since.astimezone(UTC), CHANGES_SHOWN)
    # a file superseded by a run names the file that run loaded for the same date
    loaded = {
        (v["tanggal"], v["berlaku_sejak"]): v["file"] for v in rows if v["status"] == "loaded" and v["ada"]
    }
    for v in rows:
        v["berkas_dimuat"] = loaded.get((v["tanggal"], v["berlaku_sejak"]))
    return [
        {
            "berkas": v["file"],
            "tanggal": formats.tanggal(v["tanggal"]),
            "kata": _step(v),
            "status": v["status"] if v["ada"] else "hilang",
            "pada": formats.waktu(v["berlaku_sejak"]),
        }
        for v in rows
    ]


# --- findings as an office reads them ------------------------------------------------------------


def kecamatan_names(portal: Portal) -> dict[str, str]:
    return _names(portal.settings.provinsi)


@cache
def _names(provinsi: str) -> dict[str, str]:
    kecamatan = regions.load(provinsi).kecamatan
    return dict(zip(kecamatan["kode_kecamatan"].to_list(), kecamatan["nama"].to_list(), strict=True))


def plain(findings: list[dict], names: dict[str, str], receipt: Mapping | None = None) -> list[dict]:
    """Each finding with its kecamatan's name (`nama_kecamatan`) and the file's own header of its
    column (`kolom_berkas`: receipts.header_in_file, escaped and bounded, else None) from the check's
    `receipt` of the same bytes; errors first, as the page lists them; the JSON and the letter keep
    the check's order."""
    headers = receipts.headers_of(receipt or {})
    shown = [
        {
            **f,
            "nama_kecamatan": names.get(f.get("kode_kecamatan") or "", ""),
            "kolom_berkas": receipts.header_in_file(f, headers),
        }
        for f in findings
    ]
    return sorted(shown, key=lambda f: f["tingkat"] != "error")


def report_date(text: str | None) -> str | None:
    """A receipt's ISO date as '1 Mei 2018' (None: unreadable)."""
    return formats.tanggal_iso(text) if text else None

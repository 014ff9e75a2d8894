"""What each page shows: view models gathered from the upload log (store) and the warehouse
(pages). No SQL here and no HTTP: a missing item is None, and the route says 404."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from contract import formats
from portal import accounts, adminlog, hari_ini, pages, riwayat, store, throttle, tokens
from portal.state import Portal
from reports.receipts import STATUS_ID

UPLOADS_SHOWN = 50
LOG_SHOWN = 100

CHECKED = {  # the check's verdict, as the office reads it
    "loaded": "LOLOS pemeriksaan: akan dimuat proses malam",
    "rejected": "DITOLAK: perbaiki temuan lalu kirim ulang",
    "ditolak_portal": "TIDAK DITERIMA portal",
    "gagal_periksa": "pemeriksaan gagal; berkas tetap diputuskan proses malam",
    store.HELD: "LOLOS pemeriksaan, BELUM DISIMPAN: sudah ada berkas untuk tanggal ini;"
    " konfirmasi penggantian",
    store.SAME: "TIDAK DISIMPAN: sama persis dengan berkas yang sudah ada",
}


# --- a district --------------------------------------------------------------------------------


def district(
    portal: Portal,
    kode: str,
    tanggal: date,
    akun: str | None = None,
    saring: dict | None = None,
    now: datetime | None = None,
) -> dict:
    """The district page: today (report date, time left, each kecamatan's state), what changed
    since `akun`'s last visit, its kecamatan on `tanggal`, the files decided for that date, and its
    uploads (`saring`: tanggal_laporan and status, both optional)."""
    now = now or datetime.now(UTC)
    kecamatan = pages.kecamatan(portal.settings, kode, tanggal)
    saring = saring or {}
    sejak = riwayat.last_visit(portal, akun, kode, now) if akun else None
    return {
        "kode": kode,
        "nama": portal.kabupaten[kode],
        "tanggal": tanggal,
        "hari_ini": hari_ini.today(portal, kode, now),
        "sejak": sejak,
        "perubahan": riwayat.changes(portal, kode, sejak),
        "kecamatan": kecamatan,
        "dilaporkan": sum(k["dilaporkan"] for k in kecamatan or []),
        "hilang": [k for k in kecamatan or [] if not k["dilaporkan"]],
        "berkas_tanggal": [_decision(d) for d in pages.decided(portal.settings, kode, tanggal=tanggal)],
        "unggahan": uploads(portal, kode, saring.get("tanggal_laporan"), saring.get("status")),
        "saring": saring,
        "keadaan_unggahan": UPLOAD_STATES,
        "gudang_ada": kecamatan is not None,
    }


# An upload's state in the list and its filter (issue #21 item 7): the nightly's decision once a
# run made it, else what the check said.
UPLOAD_STATES = {
    "menunggu": "menunggu proses malam",
    "dimuat": "dimuat",
    "digantikan": "digantikan",
    "ditolak": "ditolak",
    "salinan": "salinan",
    "konfirmasi": "menunggu konfirmasi",
    "tidak_disimpan": "tidak disimpan",
}
_BY_NIGHTLY = {"loaded": "dimuat", "superseded": "digantikan", "rejected": "ditolak", "duplicate": "salinan"}
_BY_CHECK = {"rejected": "ditolak", store.HELD: "konfirmasi", store.SAME: "tidak_disimpan"}
FILTERED_SCAN = 500  # uploads read to fill a page filtered by status


def _state(u: dict) -> str:
    if u["malam"]:
        return _BY_NIGHTLY[u["malam"]["status"]]
    if not u["berkas"]:
        return _BY_CHECK.get(u["hasil"], "tidak_disimpan")
    return _BY_CHECK.get(u["hasil"], "menunggu")


def uploads(portal: Portal, kode: str, tanggal: date | None, status: str | None) -> list[dict]:
    """The district's latest uploads, of report date `tanggal` and state `status` when given."""
    limit = FILTERED_SCAN if status else UPLOADS_SHOWN
    rows = store.filtered(portal.db, kode, tanggal, limit)
    found = _with_nightly(portal, kode, [_upload_row(r) for r in rows])
    for u in found:
        u["keadaan"] = _state(u)
    return [u for u in found if status is None or u["keadaan"] == status][:UPLOADS_SHOWN]


def _upload_row(row: dict) -> dict:
    row["tanda_terima"] = json.loads(row["tanda_terima"]) if row["tanda_terima"] else None
    row["perbandingan"] = json.loads(row["perbandingan"]) if row.get("perbandingan") else None
    row["hasil_teks"] = CHECKED.get(row["hasil"], row["hasil"])
    if row["hasil"] == "rejected" and _only_locked(row["tanda_terima"]):
        row["hasil_teks"] = LOCKED
    row["tanggal_teks"] = riwayat.report_date(row.get("tanggal"))
    return row


# A file refused only because its date is locked is kept and decided again once it is unlocked:
# nothing in it is for the office to fix (CONTRACT §2 `periode_terkunci`).
LOCKED = "DITOLAK SELAMA TANGGALNYA DIKUNCI: berkas disimpan, tidak perlu dikirim ulang"


def _only_locked(receipt: dict | None) -> bool:
    errors = {t["aturan"] for t in (receipt or {}).get("temuan", []) if t.get("tingkat") == "error"}
    return errors == {"periode_terkunci"}


def _with_nightly(portal: Portal, kode: str, rows: list[dict]) -> list[dict]:
    """Each upload with its status from `unggahan` once a run decided it (None until then: the page
    says `menunggu proses malam`)."""
    files = sorted({r["berkas"] for r in rows if r["berkas"]})
    decided = (
        {(d["file"], d["sha256"]): d for d in pages.decided(portal.settings, kode, files=files)}
        if files
        else {}
    )
    names = riwayat.kecamatan_names(portal)
    for r in rows:
        d = decided.get((r["berkas"], r["sha256"]))
        r["malam"] = _decision(d) if d else None
        r["temuan"] = riwayat.plain((r["tanda_terima"] or {}).get("temuan", []), names, r["tanda_terima"])
    return rows


def _decision(d: dict) -> dict:
    return {**d, "teks": STATUS_ID[d["status"]]}


def submission(portal: Portal, kode: str, kiriman: str) -> dict | None:
    """The receipts of one form submission, or None when the district has no such submission."""
    rows = store.of_submission(portal.db, kode, kiriman)
    if not rows:
        return None
    return {
        "kode": kode,
        "nama": portal.kabupaten[kode],
        "unggahan": _with_nightly(portal, kode, [_upload_row(r) for r in rows]),
    }


def upload(portal: Portal, kode: str, upload_id: int) -> dict | None:
    """One upload: the check's receipt, its timeline, and the nightly's decision and findings once
    it ran."""
    row = store.one(portal.db, kode, upload_id)
    if row is None:
        return None
    (u,) = _with_nightly(portal, kode, [_upload_row(row)])
    temuan_malam = pages.findings(portal.settings, kode, u["berkas"], u["sha256"]) if u["malam"] else []
    return {
        "kode": kode,
        "nama": portal.kabupaten[kode],
        "u": u,
        "riwayat": riwayat.timeline(portal, kode, u),
        "temuan_malam": riwayat.plain(temuan_malam, riwayat.kecamatan_names(portal), u["tanda_terima"]),
    }


def receipt(portal: Portal, kode: str, upload_id: int) -> tuple[int, dict] | None:
    """One upload's receipt as the office downloads it (its id and the receipt): the nightly's
    decision once a run made it, else the check's, saying the file is not loaded yet; or None."""
    row = store.one(portal.db, kode, upload_id)
    if row is None or not row["tanda_terima"]:
        return None
    (u,) = _with_nightly(portal, kode, [_upload_row(row)])
    temuan = pages.findings(portal.settings, kode, u["berkas"], u["sha256"]) if u["malam"] else []
    return row["id"], riwayat.final_receipt(portal, kode, u, temuan)


# --- the province --------------------------------------------------------------------------------


def province(portal: Portal, until: date) -> dict:
    """The grid of districts × days ending on `until` (None before the first run)."""
    return {"kisi": pages.grid(portal.settings, until), "sampai": until, "keadaan": pages.STATES}


def admin(portal: Portal) -> dict:
    """Every account, the login throttles and the latest uploads of every district."""
    holders = tokens.holders(portal.db)
    return {
        "akun_daftar": [{**a, "token": holders.get(a["nama"])} for a in accounts.listing(portal.db)],
        "log_admin": adminlog.latest(portal.db),
        "pembatasan": [
            {
                **t,
                "terakhir_teks": _moment(t["terakhir"]),
                "sampai_teks": t["sampai"] and _moment(t["sampai"]),
            }
            for t in throttle.listing(portal.db)
        ],
        "unggahan": [_upload_row(r) for r in store.latest(portal.db, LOG_SHOWN)],
    }


def _moment(unix: float) -> str:
    return formats.waktu(datetime.fromtimestamp(unix, UTC))


# --- the API -------------------------------------------------------------------------------------


def api_receipt(portal: Portal, kode: str, upload_id: int) -> dict | None:
    """One upload as the API answers it: its id, what the portal did with it (`hasil`), the check's
    receipt keys (status, temuan with baris, kode_kecamatan, kolom, nilai, aturan, tingkat, pesan,
    and the counts), the comparison of a held file, and the nightly's decision once it ran."""
    row = store.one(portal.db, kode, upload_id)
    if row is None:
        return None
    (u,) = _with_nightly(portal, kode, [_upload_row(row)])
    receipt = u["tanda_terima"] or {}
    malam = u["malam"]
    return {
        "id": u["id"],
        "kiriman": u["kiriman"],
        "nama_asli": formats.visible(u["nama_asli"]),
        "berkas": u["berkas"],
        "ukuran": u["ukuran"],
        "sha256": u["sha256"],
        "diunggah_pada": u["diunggah_pada"],
        "hasil": u["hasil"],
        "pesan": u["hasil_teks"],
        "alasan": u["alasan"],
        "status": receipt.get("status", u["hasil"]),
        "keterangan": receipt.get("keterangan", u["hasil_teks"]),
        "tanggal": receipt.get("tanggal"),
        "baris_kecamatan": receipt.get("baris_kecamatan"),
        "kesalahan": receipt.get("kesalahan", 0),
        "peringatan": receipt.get("peringatan", 0),
        "temuan": receipt.get("temuan", []),
        "temuan_lain": receipt.get("temuan_lain", 0),
        "perbandingan": u["perbandingan"],
        "keputusan": malam
        and {
            "status": malam["status"],
            "keterangan": malam["teks"],
            "alasan": malam["alasan"],
            "run_id": malam["run_id"],
            "diproses_pada": malam["diproses_pada"].isoformat() if malam["diproses_pada"] else None,
        },
    }

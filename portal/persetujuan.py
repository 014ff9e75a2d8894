"""Sign-off and lock in the portal (issue #22 items 1-3; CONTRACT §3 `setujui`, `kunci`,
`buka-kunci`; §4 `persetujuan`, `status_data`): what the pages show, read-only from the published
warehouse, and the actions, which are the commands' own (pipeline.tindakan): every action is a row
of `persetujuan`, the rules live there and nowhere here.

Who may act is the routes' (portal.routes.persetujuan): the district head's account signs its own
district (`ektp akun tambah --boleh-setujui`, kept by pipeline.kontak), provinsi locks and unlocks.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb

from contract.settings import Settings
from pipeline import kontak, tindakan
from portal import pages, store
from portal.accounts import Akun
from portal.state import Portal
from warehouse import db, persetujuan, read

# Each status of a district's figures: its mark (an icon the legend names; every cell also carries
# the word for a screen reader and as a tooltip) and its word.
STATUS = {
    "dikunci": ("▣", "dikunci"),
    "disetujui": ("☑", "disetujui"),
    "sementara": ("○", "sementara"),
}
FIRST_DAY = date(2011, 1, 1)  # the e-KTP programme's start: no figure is older (CONTRACT §2)
HISTORY_SHOWN = 50
DAYS_SHOWN = 14


def may_sign(portal: Portal, akun: Akun, kode: str) -> bool:
    """The district head's account of district `kode` (`ektp akun tambah --boleh-setujui`)."""
    return akun.sends(kode) and kontak.may_sign_off(portal.db, akun.nama)


# --- reading ---------------------------------------------------------------------------------------


def _approvals_known(con: duckdb.DuckDBPyConnection) -> bool:
    """A warehouse a release before sign-off published (migration 008) has no approvals until the
    next run migrates it: its pages show none rather than failing (the upgrade test)."""
    return {"persetujuan", "status_data"} <= db.relations(con)


def marks(
    settings: Settings, dari: date, sampai: date, kabupaten: str | None = None
) -> dict[tuple[str, date], str]:
    """(kode_kabupaten, tanggal) -> its status in status_data, over dari..sampai; empty before the
    first run."""
    if not settings.warehouse.is_file():
        return {}
    with read.connect(settings.warehouse) as con:
        if not _approvals_known(con):
            return {}
        rows = read.rows(con, "portal_status", kabupaten=kabupaten, dari=dari, sampai=sampai)
    return {(r["kode_kabupaten"], r["tanggal"]): r["status"] for r in rows}


def grid_marks(settings: Settings, grid: pages.Grid | None) -> dict[str, list[str | None]]:
    """Per kabupaten of the grid, the status of each of its days (None: no figures that day)."""
    if grid is None or not grid.days:
        return {}
    found = marks(settings, grid.days[0], grid.days[-1])
    return {r["kode_kabupaten"]: [found.get((r["kode_kabupaten"], d)) for d in grid.days] for r in grid.rows}


def district_days(settings: Settings, kode: str, tanggal: date) -> list[dict]:
    """The district's status on each of the DAYS_SHOWN days up to `tanggal`, newest first (the
    office's home)."""
    start = tanggal - timedelta(days=DAYS_SHOWN - 1)
    found = marks(settings, start, tanggal, kode)
    days = [tanggal - timedelta(days=i) for i in range(DAYS_SHOWN)]
    return [{"tanggal": d, "status": found.get((kode, d))} for d in days]


def signoff(portal: Portal, kode: str, sampai: date) -> dict:
    """The sign-off page of district `kode` up to `sampai`: what is signed and locked now, the
    figures and completeness of the range not yet signed (up to `sampai`), and the history."""
    page: dict = {"kode": kode, "nama": portal.kabupaten[kode], "sampai": sampai, "tanda_status": STATUS}
    if not portal.settings.warehouse.is_file():
        return {**page, "gudang_ada": False}
    with read.connect(portal.settings.warehouse) as con:
        if not _approvals_known(con):
            return {**page, "gudang_ada": False}
        signed_until = persetujuan.batas(con, persetujuan.PERSETUJUAN).get(kode)
        locked_until = persetujuan.batas(con, persetujuan.KUNCI).get(kode)
        history = read.rows(con, "portal_persetujuan", kabupaten=kode, batas=HISTORY_SHOWN)
        dari = signed_until + timedelta(days=1) if signed_until and signed_until < sampai else FIRST_DAY
        if signed_until and signed_until >= sampai:
            dari = sampai  # already signed: the date itself
        hari = read.rows(con, "portal_rentang", kabupaten=kode, dari=dari, sampai=sampai)
        kecamatan = read.rows(con, "portal_kecamatan_rentang", kabupaten=kode, dari=dari, sampai=sampai)
    own = [h for h in history if h["atas"] == persetujuan.PERSETUJUAN]
    signed = next((h for h in own if h["tindakan"] == persetujuan.DISETUJUI), None)
    withdrawn = own[0] if own and own[0]["tindakan"] == persetujuan.DIBUKA else None
    dari = hari[-1]["tanggal"] if hari else dari  # the range's first date with figures
    return {
        **page,
        "gudang_ada": True,
        "disetujui_sampai": signed_until,
        "dikunci_sampai": locked_until,
        "terakhir_disetujui": signed,
        "ditarik": withdrawn,
        "dari": dari,
        "hari": hari,
        "hari_sampai": hari[0] if hari and hari[0]["tanggal"] == sampai else None,
        "kecamatan": kecamatan,
        "belum_lapor": [k for k in kecamatan if not k["lapor_sampai"]],
        "riwayat": history,
    }


def locks(portal: Portal, sampai: date) -> dict:
    """The province's lock page: the grid with its marks, each district's lock (who, when, up to
    what) and sign-off, the latest actions of every district, and the waiting files a lock will
    refuse (`tertahan`, none until a district is locked)."""
    grid = pages.grid(portal.settings, sampai)
    page: dict = {
        "sampai": sampai,
        "kisi": grid,
        "tanda": grid_marks(portal.settings, grid),
        "keadaan": pages.STATES,
        "tanda_status": STATUS,
        "kabupaten": portal.kabupaten,
        "tertahan": [],
    }
    if grid is None:
        return {**page, "daftar": [], "riwayat": []}
    with read.connect(portal.settings.warehouse) as con:
        if not _approvals_known(con):
            return {**page, "daftar": [], "riwayat": []}
        locked = persetujuan.batas(con, persetujuan.KUNCI)
        signed = persetujuan.batas(con, persetujuan.PERSETUJUAN)
        who = persetujuan.terkunci(con, {(k, d) for k, d in locked.items()})
        history = read.rows(con, "portal_persetujuan", kabupaten=None, batas=HISTORY_SHOWN)
    rows = []
    for kode, nama in sorted(portal.kabupaten.items()):
        kunci = who.get((kode, locked[kode])) if kode in locked else None
        rows.append(
            {
                "kode_kabupaten": kode,
                "nama": nama,
                "dikunci_sampai": locked.get(kode),
                "oleh": kunci.oleh if kunci else None,
                "pada": kunci.pada if kunci else None,
                "disetujui_sampai": signed.get(kode),
            }
        )
    return {**page, "daftar": rows, "riwayat": history, "tertahan": held_by_locks(portal, locked)}


# A file the portal took waits at most until the next nightly; a week covers any gap in the runs.
WAITING_WINDOW = timedelta(days=7)


def held_by_locks(portal: Portal, locked: dict[str, date]) -> list[dict]:
    """Files the portal took for a date that is now locked and that no run has decided yet: the
    nightly will refuse them (`periode_terkunci`) unless the lock is opened. Oldest first."""
    since = datetime.now(UTC) - WAITING_WINDOW
    recent = [
        r
        for r in store.recent_valid(portal.db, since)
        if r["kode_kabupaten"] in locked and date.fromisoformat(r["tanggal"]) <= locked[r["kode_kabupaten"]]
    ]
    by_district: dict[str, list[dict]] = {}
    for r in recent:
        by_district.setdefault(r["kode_kabupaten"], []).append(r)
    return [
        {
            "kode_kabupaten": kode,
            "nama": portal.kabupaten.get(kode, kode),
            "tanggal": date.fromisoformat(r["tanggal"]),
            "nama_asli": r["nama_asli"],
        }
        for kode, mine in sorted(by_district.items())
        for r in pages.undecided(portal.settings, kode, mine)
    ]


# --- acting (the commands' own functions) ------------------------------------------------------------


def sign(portal: Portal, akun: Akun, kode: str, sampai: date) -> str:
    return tindakan.setujui(portal.settings, kode, sampai, akun.nama)


def lock(portal: Portal, akun: Akun, sampai: date, kabupaten: list[str]) -> str:
    return tindakan.kunci(portal.settings, sampai, kabupaten, akun.nama)


def unlock(portal: Portal, akun: Akun, kode: str, dari: date, alasan: str) -> str:
    return tindakan.buka_kunci(portal.settings, kode, dari, alasan, akun.nama)

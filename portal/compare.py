"""Before a valid file replaces the figures of a date (issue #21 item 4): which file it would
replace (the one waiting for the nightly, else the loaded one), what changes (kecamatan count,
the totals of wajib_ktp and sudah_rekam, the kecamatan the new file leaves out), and whether it is
byte-identical to a file the district already sent for that date (CONTRACT §2: a duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.batch import parse_files
from portal import pages, store
from portal.state import Portal


@dataclass(frozen=True)
class Figures:
    """A file's kecamatan (code -> (wajib_ktp, sudah_rekam))."""

    berkas: str
    keadaan: str  # 'dimuat' (the loaded file) or 'menunggu' (waiting for the nightly)
    kecamatan: dict[str, tuple[int, int]]


def identical(portal: Portal, kode: str, tanggal: date, sha256: str) -> str | None:
    """The name of a file of the district and date with these bytes (decided by a run, or landed
    through the portal), or None."""
    for d in pages.decided(portal.settings, kode, tanggal=tanggal):
        if d["sha256"] == sha256:
            return d["file"]
    same = store.same_bytes(portal.db, kode, tanggal, sha256)
    return same["berkas"] if same else None


def existing(portal: Portal, kode: str, tanggal: date) -> Figures | None:
    """The file whose figures a new valid file for `tanggal` would replace: the latest one sent
    through the portal that waits for the nightly, else the one loaded; None when there is none."""
    waiting = store.waiting(portal.db, kode, tanggal)
    if waiting and (pending := pages.undecided(portal.settings, kode, waiting)):
        latest = pending[0]["berkas"]  # store.waiting is newest first
        data = (portal.settings.landing / latest).read_bytes()
        return Figures(latest, "menunggu", figures_of(latest, data, tanggal))
    if not any(d["status"] == "loaded" for d in pages.decided(portal.settings, kode, tanggal=tanggal)):
        # No file of the date is loaded, so no kecamatan has its figures from one: a file holds
        # one date (CONTRACT §1 `tanggal_tidak_valid`). The common upload, a new day, stops here
        # without a warehouse query (pages.decided knows the date has no file).
        return None
    rows = [k for k in pages.kecamatan(portal.settings, kode, tanggal) or [] if k["dilaporkan"]]
    if not rows:
        return None
    return Figures(
        rows[0]["file_sumber"],
        "dimuat",
        {k["kode_kecamatan"]: (k["wajib_ktp"], k["sudah_rekam"]) for k in rows},
    )


def figures_of(name: str, data: bytes, today: date) -> dict[str, tuple[int, int]]:
    """A valid file's kecamatan and their two counts, parsed as a run parses it."""
    (parsed,) = parse_files([(name, data)], today)
    rows = parsed.rows.filter(parsed.rows["kode_kecamatan"].is_not_null())
    return {
        r["kode_kecamatan"]: (r["wajib_ktp"] or 0, r["sudah_rekam"] or 0)
        for r in rows.select("kode_kecamatan", "wajib_ktp", "sudah_rekam").iter_rows(named=True)
    }


def comparison(old: Figures, new: dict[str, tuple[int, int]], names: dict[str, str]) -> dict:
    """What the office sees before it confirms (stored as JSON with the upload)."""

    def totals(k: dict[str, tuple[int, int]]) -> tuple[int, int]:
        return sum(v[0] for v in k.values()), sum(v[1] for v in k.values())

    (wajib_lama, rekam_lama), (wajib_baru, rekam_baru) = totals(old.kecamatan), totals(new)
    return {
        "berkas_lama": old.berkas,
        "keadaan_lama": old.keadaan,
        "kecamatan_lama": len(old.kecamatan),
        "kecamatan_baru": len(new),
        "wajib_ktp_lama": wajib_lama,
        "wajib_ktp_baru": wajib_baru,
        "sudah_rekam_lama": rekam_lama,
        "sudah_rekam_baru": rekam_baru,
        "hilang": [
            {"kode_kecamatan": k, "nama": names.get(k, "")} for k in sorted(set(old.kecamatan) - set(new))
        ],
        "tambahan": [
            {"kode_kecamatan": k, "nama": names.get(k, "")} for k in sorted(set(new) - set(old.kecamatan))
        ],
        "lebih_sedikit": len(new) < len(old.kecamatan),
    }


def sentence(c: dict) -> str:
    """One line saying what the replacement changes; loud when kecamatan would be lost."""
    lines = [
        f"Sudah ada berkas untuk tanggal ini ({c['berkas_lama']},"
        f" {'sudah dimuat' if c['keadaan_lama'] == 'dimuat' else 'menunggu proses malam'})."
    ]
    if c["lebih_sedikit"]:
        lines.append(
            f"PERHATIAN: berkas baru hanya memuat {c['kecamatan_baru']} dari {c['kecamatan_lama']} kecamatan"
            f" berkas yang ada; {len(c['hilang'])} kecamatan akan hilang."
        )
    lines.append("Berkas baru disimpan hanya bila Anda mengonfirmasi penggantian.")
    return " ".join(lines)


def names_of(portal: Portal, kode: str, tanggal: date) -> dict[str, str]:
    return {
        k["kode_kecamatan"]: k["nama_kecamatan"]
        for k in pages.kecamatan(portal.settings, kode, tanggal) or []
    }

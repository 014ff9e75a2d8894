"""A demo landing folder that retells NTB's 2018 e-KTP push.

`build_landing` writes the daily uploads of all ten NTB districts for 2018-01-01..2018-04-30,
each district in the format it habitually sends and at the hour it habitually uploads (most the
same afternoon, two often the next morning), plus what a real inbox collects: missed days,
a late correction, a duplicate copy and files that must be rejected. It returns the figures the
pipeline should end up with. Everything follows from the seed; nothing reads the clock.

The story (CONTRACT preamble): about 3.7 million wajib KTP; at the end of March 279 thousand
not recorded, 88 thousand of them in Lombok Timur and 164 thousand in Lombok Utara; the election
commission needs recording complete by early June, so April brings extra hours and the mobile
service (rekam keliling).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import polars as pl

from contract.dates import WITA
from demo.habits import HABITS, Habit, file_bytes, habit
from demo.simulate import (
    EVENTS,
    FIRST,
    LAST,
    MISSED,
    TRUTH_SCHEMA,
    UNKNOWN_INBOX,
    Series,
    index,
    reference,
    simulate,
)


@dataclass(frozen=True)
class Upload:
    path: str  # relative to the landing folder, "/"-separated
    data: bytes
    mtime: float


def stamp(day: date, minutes: int = 0) -> float:
    """Upload time: `minutes` past 08:00 WITA on `day`."""
    return datetime.combine(day, time(8), WITA).timestamp() + 60 * minutes


# Most offices upload the day's report the same afternoon, well before the nightly run of 02:00
# WITA; two are often late and send it the next morning (what the data-quality scorecard's
# timeliness measures): Lombok Utara's weekend reports, and Lombok Timur's Monday report.
LATE_DAYS = {"5208": {5, 6}, "5203": {0}}  # weekday numbers, Monday = 0


def upload_time(kab: str, day: date, offset: int) -> float:
    """When the district uploads its report of `day`: 16:00 WITA that day, or 08:00 the next."""
    if day.weekday() in LATE_DAYS.get(kab, ()):
        return stamp(day + timedelta(days=1), offset)
    return stamp(day, 8 * 60 + offset)


def renamed(name: str, suffix: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem}{suffix}.{ext}"


def report_rows(series: list[Series], i: int, prev: int, first: bool, derived: bool) -> list[dict]:
    """The district's rows for day index `i`; daily figures count since its previous report `prev`."""
    rows = []
    for s in series:
        harian = s.sudah[i] - s.sudah[prev]
        rows.append(
            {
                "kode": s.kode,
                "nama": s.nama,
                "wajib": s.wajib[i],
                "sudah": s.sudah[i],
                "belum": s.wajib[i] - s.sudah[i],
                # A district that omits the column gets the pipeline's derivation: null on first report.
                "harian": None if (derived and first) else harian,
                "keliling": None if derived else sum(s.keliling[prev + 1 : i + 1]),
                "cetak": s.cetak[i],
            }
        )
    return rows


def bad_version(event: str, h: Habit, rows: list[dict], known: set[str]) -> tuple[Habit, list[dict], dict]:
    """The file as first (wrongly) sent: each event breaks exactly one rule of CONTRACT §2."""
    rows = [dict(r) for r in rows]
    total_fix: dict = {}
    if event == "rekam_melebihi_wajib":  # a typo pushes one kecamatan past its wajib
        row = max(rows, key=lambda r: r["sudah"] / r["wajib"])
        row["sudah"] = row["wajib"] + 1_000
    elif event == "kecamatan_tidak_dikenal":  # two digits of one code swapped
        row = next(r for r in rows if r["kode"][:4] + r["kode"][5] + r["kode"][4] not in known)
        row["kode"] = row["kode"][:4] + row["kode"][5] + row["kode"][4]
    elif event == "kolom_hilang":  # the wajib KTP column was deleted
        h = replace(h, columns=tuple(c for c in h.columns if c[1] != "wajib"))
    elif event == "jumlah_tidak_sesuai":  # the total was typed, not summed
        total_fix = {"sudah": 1_000}
    elif event == "angka_tidak_valid":  # a decimal pasted from a computed sheet
        rows[0]["cetak"] = f"{rows[0]['cetak']},5"
    return h, rows, total_fix


def day_uploads(
    kab: str, offset: int, kab_name: str, day: date, rows: list[dict], missed: bool, known: set[str]
) -> tuple[list[Upload], str | None]:
    """The files a district uploads for `day`, and which of them the truth loads (None if none)."""
    h = habit(kab, day)
    name = day.strftime(h.pattern)
    at = upload_time(kab, day, offset)
    event = EVENTS.get((kab, day))
    if missed:
        if event is None:
            return [], None
        h, bad_rows, fix = bad_version(event, h, rows, known)
        return [Upload(f"{kab}/{name}", file_bytes(h, kab_name, day, bad_rows, fix), at)], None

    good = Upload(f"{kab}/{name}", file_bytes(h, kab_name, day, rows), at)
    if event == "koreksi":
        # The first send lacked the afternoon's mobile-service recordings of two kecamatan.
        early = [dict(r) for r in rows]
        for r in sorted(early, key=lambda r: -r["keliling"])[:2]:
            r["sudah"] -= r["keliling"]
            r["belum"] += r["keliling"]
            r["harian"] -= r["keliling"]
            r["keliling"] = 0
        first = Upload(f"{kab}/{name}", file_bytes(h, kab_name, day, early), at)
        fixed = replace(
            good, path=f"{kab}/{renamed(name, ' revisi')}", mtime=stamp(day + timedelta(days=2), 60 + offset)
        )
        return [first, fixed], fixed.path
    if event == "duplikat":  # downloaded again from the chat group and re-uploaded
        return [good, replace(good, path=f"{kab}/{renamed(name, ' (1)')}", mtime=at + 20 * 60)], good.path
    if event == "inbox_salah":  # someone tried the upload account of a kabupaten that does not exist
        return [good, replace(good, path=f"{UNKNOWN_INBOX}/{name}")], good.path
    if event == "bukan_tabel":  # the signed printout, sent beside the real file
        pdf = b"%PDF-1.4\n% Rekapitulasi Perekaman KTP-el\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
        return [good, Upload(f"{kab}/laporan.pdf", pdf, at + 5 * 60)], good.path
    if event is not None:
        h_bad, bad_rows, fix = bad_version(event, h, rows, known)
        bad = Upload(good.path, file_bytes(h_bad, kab_name, day, bad_rows, fix), at)
        fixed = replace(good, path=f"{kab}/{renamed(name, ' perbaikan')}", mtime=at + 90 * 60)
        return [bad, fixed], fixed.path
    return [good], good.path


def district_uploads(
    kab: str, offset: int, kab_name: str, series: list[Series], known: set[str]
) -> tuple[list[Upload], list[dict]]:
    uploads, truth = [], []
    prev, first = 0, True
    derived = all(key != "harian" for _, key in HABITS[kab].columns)
    day = FIRST
    while day <= LAST:
        i = index(day)
        missed = (kab, day) in MISSED
        rows = report_rows(series, i, prev, first, derived)
        files, loaded = day_uploads(kab, offset, kab_name, day, rows, missed, known)
        uploads += files
        if loaded is not None:
            truth += [truth_row(day, kab, r, loaded) for r in rows]
            prev, first = i, False
        day += timedelta(days=1)
    return uploads, truth


def truth_row(day: date, kab: str, r: dict, file: str) -> dict:
    return {
        "tanggal": day,
        "kode_kabupaten": kab,
        "kode_kecamatan": r["kode"],
        "wajib_ktp": r["wajib"],
        "sudah_rekam": r["sudah"],
        "belum_rekam": r["belum"],
        "rekam_hari_ini": r["harian"],
        "rekam_keliling": r["keliling"],
        "sudah_cetak": r["cetak"],
        "file": file,
    }


def story(seed: int = 2018) -> tuple[list[Upload], pl.DataFrame]:
    """Every upload of the story, in no particular order, and the figures meant to be loaded: one
    row per kecamatan and date a loaded file reported, `file` being its path relative to the landing
    folder."""
    names, kecamatan = reference()
    known = {kode for kecs in kecamatan.values() for kode, _ in kecs}
    uploads, truth = [], []
    for offset, kab in enumerate(sorted(kecamatan)):
        # One generator per district: its figures do not depend on the others'.
        series = simulate(kab, kecamatan[kab], random.Random(f"{seed}-{kab}"))
        files, rows = district_uploads(kab, 7 * offset, names[kab], series, known)
        uploads += files
        truth += rows
    return uploads, pl.DataFrame(truth, schema=TRUTH_SCHEMA).sort("tanggal", "kode_kecamatan")


def write_uploads(landing: Path, uploads: list[Upload]) -> None:
    """Write `uploads` under `landing` with their fixed bytes and modification times."""
    for up in uploads:
        path = Path(landing, *up.path.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(up.data)
        os.utime(path, (up.mtime, up.mtime))


def build_landing(landing: Path, seed: int = 2018) -> pl.DataFrame:
    """Write the demo uploads under `landing` and return the figures meant to be loaded.

    Files are (over)written with fixed bytes and modification times, so two builds with the same
    seed are identical; other files already in the folder are left alone. The result has one row
    per kecamatan and date a loaded file reported, `file` being its path relative to `landing`.
    """
    uploads, truth = story(seed)
    write_uploads(landing, uploads)
    return truth

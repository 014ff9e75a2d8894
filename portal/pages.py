"""What the pages read from the published warehouse, always read-only (warehouse.read), each page
on its own connection: a run that publishes a new warehouse is seen by the next page.

Before the first run there is no warehouse: the pages then say so instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import duckdb

from contract.settings import Settings
from warehouse import read

GRID_DAYS = 14
# Each state of the grid: the mark in its cell (fourteen words a row do not fit a phone) and its word.
STATES = {
    "dimuat": ("✓", "dimuat"),
    "terlambat": ("±", "terlambat"),
    "ditolak": ("✗", "ditolak"),
    "tidak_ada": ("·", "tidak ada"),
}
REPORT_FILE = re.compile(r"^laporan-ektp-(\d{4}-\d{2}-\d{2})\.(html|xlsx)$")


def _rows(settings: Settings, name: str, **params: object) -> list[dict] | None:
    """The rows of a portal query, or None when there is no warehouse yet."""
    if not settings.warehouse.is_file():
        return None
    with read.connect(settings.warehouse) as con:
        return read.rows(con, name, **params)


def kecamatan(settings: Settings, kabupaten: str, tanggal: date) -> list[dict] | None:
    """Every kecamatan of the district with its report for `tanggal`, or its last report before."""
    return _rows(settings, "portal_kecamatan", kabupaten=kabupaten, tanggal=tanggal)


def decided(
    settings: Settings, kabupaten: str, tanggal: date | None = None, files: list[str] | None = None
) -> list[dict]:
    """The district's files the runs decided: dated `tanggal`, or named in `files`, newest first.

    Every upload asks twice (its date's files; then, on its receipt, whether a run took it), and
    the answer is nearly always none: the dates and names the runs decided are kept per published
    warehouse (they change only with a publication) and the rows are read only for a date or a
    name among them, and found by the published file without a connection (read.remembered_at).
    Each read was ~2 ms of DuckDB that ten offices sending at once waited for in turn; what is kept
    is two small sets per district, not its rows."""
    if not settings.warehouse.is_file():
        return []
    kept = f"portal_berkas_kunci {kabupaten}"
    dates, names = read.remembered_at(settings.warehouse, kept, partial(_keys, kabupaten))
    if (tanggal is None or tanggal not in dates) and names.isdisjoint(files or ()):
        return []
    with read.connect(settings.warehouse) as con:
        return read.rows(con, "portal_berkas", kabupaten=kabupaten, tanggal=tanggal, berkas=files)


def undecided(settings: Settings, kabupaten: str, uploads: list[dict]) -> list[dict]:
    """Of the district's portal uploads that landed (rows with `berkas`), in their order, those no
    run has decided yet and whose file is still in the landing folder: what waits for the nightly."""
    taken = {d["file"] for d in decided(settings, kabupaten, files=[u["berkas"] for u in uploads])}
    return [u for u in uploads if u["berkas"] not in taken and (settings.landing / u["berkas"]).is_file()]


def _keys(kabupaten: str, con: duckdb.DuckDBPyConnection) -> tuple[frozenset[date], frozenset[str]]:
    """The dates and the names of the district's decided files."""
    rows = read.rows(con, "portal_berkas_kunci", kabupaten=kabupaten)
    return frozenset(r["tanggal"] for r in rows), frozenset(r["file"] for r in rows)


def findings(settings: Settings, kabupaten: str, file: str, sha256: str) -> list[dict]:
    """The findings of a file version's latest decision (kualitas_data)."""
    return _rows(settings, "portal_temuan", kabupaten=kabupaten, berkas=file, sha256=sha256) or []


def timeline(settings: Settings, kabupaten: str, file: str, sha256: str) -> list[dict]:
    """Every decision the runs wrote for a file version, oldest first (riwayat_unggahan), each with
    the file loaded for its date once it stood (`berkas_dimuat`)."""
    return _rows(settings, "portal_riwayat", kabupaten=kabupaten, berkas=file, sha256=sha256) or []


def changes(settings: Settings, kabupaten: str, since: datetime, limit: int) -> list[dict]:
    """The district's decisions written after `since`, newest first."""
    return _rows(settings, "portal_perubahan", kabupaten=kabupaten, sejak=since, batas=limit) or []


@dataclass(frozen=True)
class Grid:
    """Districts × days: for each kabupaten its name and one state per day."""

    days: list[date]
    rows: list[dict]  # kode_kabupaten, nama_kabupaten, keadaan: list[str]


def grid(settings: Settings, until: date, days: int = GRID_DAYS) -> Grid | None:
    """The province grid of the `days` days ending on `until` (see portal_kisi.sql for the states)."""
    start = until - timedelta(days=days - 1)
    rows = _rows(
        settings,
        "portal_kisi",
        provinsi=settings.report_provinsi,
        dari=start,
        sampai=until,
    )
    if rows is None:
        return None
    by_kabupaten: dict[str, dict] = {}
    for r in rows:
        entry = by_kabupaten.setdefault(
            r["kode_kabupaten"],
            {"kode_kabupaten": r["kode_kabupaten"], "nama_kabupaten": r["nama_kabupaten"], "keadaan": []},
        )
        entry["keadaan"].append(r["keadaan"])
    return Grid([start + timedelta(days=i) for i in range(days)], list(by_kabupaten.values()))


# The nightly's reports the list shows: a month of them. It wrote one a night for years: a page
# of every one grew by a line a day (a thousand after three years, on a phone). Older ones are
# still served at their address, and the form above the list builds any date's.
REPORTS_SHOWN = 31


def reports(settings: Settings, shown: int = REPORTS_SHOWN) -> tuple[list[dict], int]:
    """The newest `shown` daily reports written so far, newest first (date, and which of HTML and
    XLSX exist), and how many older ones there are."""
    folder = settings.reports
    found: dict[str, set[str]] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            if (m := REPORT_FILE.match(path.name)) and path.is_file():
                found.setdefault(m[1], set()).add(m[2])
    newest = sorted(found.items(), reverse=True)
    listed = [
        {"tanggal": d, "hari": _day(d), "html": "html" in kinds, "xlsx": "xlsx" in kinds}
        for d, kinds in newest[:shown]
    ]
    return listed, max(0, len(newest) - shown)


def _day(text: str) -> date | None:
    """The report's date, shown as people write it ("3 April 2018"); None for a name like
    `laporan-ektp-2018-13-45.html` that only looks like one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def report_file(settings: Settings, name: str) -> Path | None:
    """The report file of that exact name in the reports folder, or None (names are never paths)."""
    if not REPORT_FILE.match(name):
        return None
    path = settings.reports / name
    return path if path.is_file() else None


def run_receipt(settings: Settings, kabupaten: str, run_id: str, kind: str) -> Path | None:
    """The receipt a run wrote for the district, or None."""
    if not re.fullmatch(r"[0-9A-Za-z-]{1,64}", run_id) or kind not in ("json", "txt"):
        return None
    path = settings.receipts / kabupaten / f"{run_id}.{kind}"
    return path if path.is_file() else None

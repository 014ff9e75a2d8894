"""Synthetic national uploads: every kabupaten of Indonesia, one file per day, one row per kecamatan.

Half of the kabupaten (even positions in code order) send a plain CSV (`,`, ISO dates, 6-digit
codes, bare numbers); the other half a semicolon CSV as Excel in an Indonesian locale writes it
(`;`, `12/04/2018`, `52.03.01`, `12.345`, header spellings such as `Kode Kec.`). Every file is
valid under CONTRACT §1-2: the figures are consistent (belum = wajib - sudah, rekam_hari_ini is
the rise since the day before, keliling <= harian, cetak <= rekam, wajib grows ~2 % a year).

Everything follows from the kecamatan code and the day number: no clock, no global seed, so
`figures()` gives the same numbers for a day whether it is written to a file or loaded directly
(bench.year does the latter for a year of data).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import numpy as np

SEEDS = Path(__file__).resolve().parents[1] / "contract" / "seeds"
START = date(2018, 1, 1)  # day 0 of every generated series
WITA = timezone(timedelta(hours=8))

PLAIN_HEADER = [
    "tanggal",
    "kode_kecamatan",
    "nama_kecamatan",
    "wajib_ktp",
    "sudah_rekam",
    "belum_rekam",
    "rekam_hari_ini",
    "rekam_keliling",
    "sudah_cetak",
]
LOCALE_HEADER = [
    "No",
    "Tanggal",
    "Kode Kec.",
    "Kecamatan",
    "Wajib KTP",
    "Sudah Rekam",
    "Belum Rekam",
    "Rekam Hari Ini",
    "Keliling",
    "Cetak",
]


@dataclass(frozen=True)
class Region:
    """The national reference: kabupaten codes in order, and each one's kecamatan (code, name)."""

    kabupaten: tuple[str, ...]
    kecamatan: dict[str, tuple[tuple[str, str], ...]]

    def provinces(self) -> list[str]:
        return sorted({k[:2] for k in self.kabupaten})


@cache
def region() -> Region:
    by_kab: dict[str, list[tuple[str, str]]] = {}
    with open(SEEDS / "kabupaten.csv", newline="", encoding="utf-8") as fh:
        kabupaten = sorted(row["kode_kabupaten"] for row in csv.DictReader(fh))
    with open(SEEDS / "kecamatan.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            by_kab.setdefault(row["kode_kabupaten"], []).append((row["kode_kecamatan"], row["nama"]))
    return Region(
        tuple(k for k in kabupaten if k in by_kab),
        {k: tuple(sorted(v)) for k, v in by_kab.items()},
    )


def pick(n_kabupaten: int | None) -> list[str]:
    """The first `n_kabupaten` kabupaten spread over the country (all of them when None)."""
    codes = list(region().kabupaten)
    if n_kabupaten is None or n_kabupaten >= len(codes):
        return codes
    step = len(codes) / n_kabupaten
    return [codes[int(i * step)] for i in range(n_kabupaten)]


@cache
def position(kode_kabupaten: str) -> int:
    """The kabupaten's place in code order (0 = the first kabupaten of Aceh)."""
    return region().kabupaten.index(kode_kabupaten)


def style(kode_kabupaten: str) -> str:
    """`plain` or `locale`: half of the kabupaten each, alternating in code order."""
    return "plain" if position(kode_kabupaten) % 2 == 0 else "locale"


def figures(codes: list[str], days: int) -> dict[str, np.ndarray]:
    """Daily figures of the kecamatan `codes` for days 0..days-1: arrays of shape (kecamatan, day)."""
    n = len(codes)
    seeds = np.array([int(c) for c in codes], dtype=np.uint64)
    # One generator per kecamatan: its numbers never depend on which others are in the batch.
    wajib0 = np.empty(n, dtype=np.int64)
    share = np.empty(n)
    pace = np.empty(n)
    daily = np.empty((n, days + 1))
    for i, s in enumerate(seeds):
        g = np.random.Generator(np.random.PCG64(int(s)))
        wajib0[i] = g.integers(6_000, 90_000)
        share[i] = g.uniform(0.80, 0.97)
        pace[i] = g.uniform(0.0002, 0.0012)
        daily[i] = g.uniform(0.0, 2.0, size=days + 1)
    t = np.arange(days + 1)
    wajib = np.rint(wajib0[:, None] * (1 + 0.00006 * t)).astype(np.int64)
    rise = np.floor(wajib0[:, None] * pace[:, None] * daily).astype(np.int64)
    sudah = np.minimum(np.rint(wajib0 * share).astype(np.int64)[:, None] + np.cumsum(rise, axis=1), wajib)
    harian = np.diff(sudah, axis=1)  # the rise since the day before (day -1 is simulated, never reported)
    sudah, wajib = sudah[:, 1:], wajib[:, 1:]
    keliling = (harian * (seeds % 4)[:, None].astype(np.int64)) // 10
    cetak = sudah - np.minimum(sudah, 150 + (seeds % 1000)[:, None].astype(np.int64))
    return {
        "wajib_ktp": wajib,
        "sudah_rekam": sudah,
        "belum_rekam": wajib - sudah,
        "rekam_hari_ini": harian,
        "rekam_keliling": keliling,
        "sudah_cetak": cetak,
    }


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def render_name(kode_kabupaten: str, day: int) -> str:
    """The name a district's upload of `day` has.

    For example `laporan_2018-04-12.csv` or `Rekap Perekaman 12-04-2018.csv`.
    """
    tanggal = START + timedelta(days=day)
    if style(kode_kabupaten) == "plain":
        return f"laporan_{tanggal.isoformat()}.csv"
    return f"Rekap Perekaman {tanggal.strftime('%d-%m-%Y')}.csv"


def render(kode_kabupaten: str, day: int, numbers: dict[str, np.ndarray]) -> tuple[str, str]:
    """(file name, text) of one district's upload for `day`; `numbers` from `figures` for its kecamatan."""
    tanggal = START + timedelta(days=day)
    kecamatan = region().kecamatan[kode_kabupaten]
    out = io.StringIO()
    cols = ("wajib_ktp", "sudah_rekam", "belum_rekam", "rekam_hari_ini", "rekam_keliling", "sudah_cetak")
    if style(kode_kabupaten) == "plain":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(PLAIN_HEADER)
        for i, (kode, nama) in enumerate(kecamatan):
            w.writerow([tanggal.isoformat(), kode, nama, *(int(numbers[c][i, day]) for c in cols)])
        return render_name(kode_kabupaten, day), out.getvalue()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(LOCALE_HEADER)
    shown = tanggal.strftime("%d/%m/%Y")
    for i, (kode, nama) in enumerate(kecamatan):
        dotted = f"{kode[:2]}.{kode[2:4]}.{kode[4:]}"
        w.writerow([i + 1, shown, dotted, nama.upper(), *(_dotted(int(numbers[c][i, day])) for c in cols)])
    return render_name(kode_kabupaten, day), out.getvalue()


def write_landing(landing: Path, kabupaten: list[str], days: int, first_day: int = 0) -> list[Path]:
    """Write days first_day..first_day+days-1 of every kabupaten into `landing`; returns the paths."""
    written = []
    for kab in kabupaten:
        codes = [k for k, _ in region().kecamatan[kab]]
        numbers = figures(codes, first_day + days)
        inbox = landing / kab
        inbox.mkdir(parents=True, exist_ok=True)
        for day in range(first_day, first_day + days):
            name, text = render(kab, day, numbers)
            path = inbox / name
            path.write_text(text, encoding="utf-8", newline="")
            # Uploaded the next morning, 07:00 WITA, a minute apart per district.
            sent = datetime.combine(START + timedelta(days=day + 1), datetime.min.time(), WITA)
            sent += timedelta(hours=7, seconds=(60 * position(kab)) % 7200)
            stamp = int(sent.timestamp() * 1e9)
            os.utime(path, ns=(stamp, stamp))
            written.append(path)
    return written


def link_subset(source: Path, target: Path, days: int) -> list[Path]:
    """`target` holds hard links to the files of `source` of days 0..days-1 (same bytes, same mtime)."""
    wanted = {(START + timedelta(days=d)) for d in range(days)}
    linked = []
    for inbox in sorted(p for p in source.iterdir() if p.is_dir()):
        (target / inbox.name).mkdir(parents=True, exist_ok=True)
        for f in sorted(inbox.iterdir()):
            if file_date(f.name) in wanted:
                dest = target / inbox.name / f.name
                if not dest.exists():
                    os.link(f, dest)
                linked.append(dest)
    return linked


def file_date(name: str) -> date:
    """The date in a generated file name."""
    stem = name.rsplit(".", 1)[0]
    if stem.startswith("laporan_"):
        return date.fromisoformat(stem.removeprefix("laporan_"))
    d, m, y = stem.rsplit(" ", 1)[-1].split("-")
    return date(int(y), int(m), int(d))


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m bench.gen", description=__doc__.splitlines()[0])
    p.add_argument("landing", type=Path)
    p.add_argument("--days", type=int, default=15)
    p.add_argument("--kabupaten", type=int, default=None, help="how many kabupaten (default: all 514)")
    args = p.parse_args(argv)
    files = write_landing(args.landing, pick(args.kabupaten), args.days)
    print(f"{len(files)} files in {args.landing}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The demo's recording story, simulated day by day: how many residents each kecamatan recorded,
printed and had recorded by the mobile service (demo/landing.py turns it into uploads)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

import polars as pl

from contract.regions import seed

PROVINSI = "52"
START = date(2017, 12, 31)  # simulated but never reported: gives 1 January its rekam_hari_ini
FIRST, LAST = date(2018, 1, 1), date(2018, 4, 30)

# Residents per district (Dukcapil, shared/reference/population_notes.md). Wajib KTP is ~65% of
# them; Lombok Utara gets a larger share so that 164 thousand unrecorded is 80%, not 94%.
PENDUDUK = {
    "5201": 762_757,
    "5202": 1_128_716,
    "5203": 1_457_591,
    "5204": 527_715,
    "5205": 277_837,
    "5206": 543_582,
    "5207": 156_059,
    "5208": 269_989,
    "5271": 461_936,
    "5272": 165_113,
}
WAJIB_SHARE = {"5208": 0.76}
WAJIB_GROWTH = 0.00006  # per day: new 17-year-olds, ~2% a year

# belum_rekam per district on the anchor dates. Recording between two anchors is spread over
# the days by weekday and holiday; the April anchors are the push.
ANCHORS = (START, date(2018, 3, 31), date(2018, 4, 12), LAST)
BELUM = {
    "5201": (9_800, 5_200, 3_900, 2_100),
    "5202": (13_500, 7_300, 5_500, 3_000),
    "5203": (118_000, 88_500, 66_000, 38_000),
    "5204": (7_600, 3_900, 2_900, 1_500),
    "5205": (3_400, 1_700, 1_250, 650),
    "5206": (8_300, 4_100, 3_000, 1_600),
    "5207": (1_900, 900, 650, 300),
    "5208": (172_000, 164_500, 120_000, 62_000),
    "5271": (5_200, 2_600, 1_950, 1_000),
    "5272": (1_700, 800, 600, 300),
}
# National holidays 2018: offices closed (New Year, Imlek, Nyepi, Good Friday, Isra Mi'raj).
HOLIDAYS = {date(2018, 1, 1), date(2018, 2, 16), date(2018, 3, 17), date(2018, 3, 30), date(2018, 4, 14)}
PUSH = date(2018, 4, 1)  # extra hours and the mobile service start

# Days a district sent nothing loadable. None is 31 March or 12 April, the story's checkpoints.
MISSED = {
    ("5201", date(2018, 1, 14)),
    ("5202", date(2018, 2, 25)),
    ("5203", date(2018, 3, 11)),
    ("5204", date(2018, 1, 28)),
    ("5204", date(2018, 4, 22)),
    ("5205", date(2018, 3, 4)),
    ("5206", date(2018, 2, 11)),
    ("5207", date(2018, 3, 18)),
    ("5208", date(2018, 1, 21)),
    ("5208", date(2018, 4, 8)),
    ("5271", date(2018, 4, 1)),
    ("5272", date(2018, 2, 4)),
}
# Mishaps, keyed by district and report date. A bad file is uploaded first under the usual name
# and fixed an hour and a half later, except on a missed day, where it is the only upload.
EVENTS = {
    ("5202", date(2018, 2, 8)): "angka_tidak_valid",
    ("5207", date(2018, 2, 20)): "rekam_melebihi_wajib",
    ("5205", date(2018, 3, 4)): "kolom_hilang",
    ("5201", date(2018, 3, 7)): "kecamatan_tidak_dikenal",
    ("5206", date(2018, 3, 21)): "bukan_tabel",
    ("5201", date(2018, 4, 2)): "inbox_salah",
    ("5202", date(2018, 4, 5)): "koreksi",
    ("5203", date(2018, 4, 10)): "duplikat",
    ("5203", date(2018, 4, 17)): "jumlah_tidak_sesuai",
}
UNKNOWN_INBOX = "5299"

COUNTS = ("wajib", "sudah", "belum", "harian", "keliling", "cetak")
TRUTH_SCHEMA = {
    "tanggal": pl.Date,
    "kode_kabupaten": pl.String,
    "kode_kecamatan": pl.String,
    "wajib_ktp": pl.Int64,
    "sudah_rekam": pl.Int64,
    "belum_rekam": pl.Int64,
    "rekam_hari_ini": pl.Int64,
    "rekam_keliling": pl.Int64,
    "sudah_cetak": pl.Int64,
    "file": pl.String,
}


def reference() -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """NTB's kabupaten names and, per kabupaten, its (kode, nama) kecamatan in code order."""
    kab, kec = seed("kabupaten"), seed("kecamatan")
    names = dict(kab.filter(pl.col("kode_provinsi") == PROVINSI).select("kode_kabupaten", "nama").iter_rows())
    kecamatan: dict[str, list[tuple[str, str]]] = {k: [] for k in sorted(names)}
    for kode, kode_kab, nama in kec.sort("kode_kecamatan").iter_rows():
        if kode_kab in kecamatan:
            kecamatan[kode_kab].append((kode, nama))
    return names, kecamatan


def split(total: int, weights: list[float]) -> list[int]:
    """Whole parts of `total` proportional to `weights` that add up exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    parts = [int(x) for x in raw]
    by_remainder = sorted(range(len(raw)), key=lambda j: (parts[j] - raw[j], j))
    for j in by_remainder[: total - sum(parts)]:
        parts[j] += 1
    return parts


def split_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Like `split`, but no part exceeds its cap; what a capped part cannot take goes to the others."""
    assert total <= sum(caps), "more recordings than unrecorded residents"
    parts, open_ = [0] * len(weights), list(range(len(weights)))
    while total > 0:
        shares = split(total, [weights[j] for j in open_])
        total, still = 0, []
        for j, share in zip(open_, shares, strict=True):
            take = min(share, caps[j] - parts[j])
            parts[j] += take
            total += share - take
            if parts[j] < caps[j]:
                still.append(j)
        open_ = still
    return parts


def pace(day: date) -> float:
    """Relative recording effort of a day: weekends were quiet until April's extra hours."""
    if day in HOLIDAYS:
        return 0.1
    if day >= PUSH:
        return (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.6)[day.weekday()]
    return (1.0, 1.0, 1.0, 1.0, 0.8, 0.5, 0.15)[day.weekday()]


def keliling_share(day: date) -> float:
    """Share of the day's recordings done by the mobile service: it grows through April."""
    if day < PUSH:
        return 0.08
    return 0.25 + 0.3 * (day - PUSH).days / (LAST - PUSH).days


@dataclass
class Series:
    """One kecamatan's figures for every simulated day (index 0 is START)."""

    kode: str
    nama: str
    wajib: list[int]
    sudah: list[int]
    keliling: list[int]
    cetak: list[int]


def index(day: date) -> int:
    return (day - START).days


def simulate(kab: str, kecamatan: list[tuple[str, str]], rng: random.Random) -> list[Series]:
    """Daily figures of a district's kecamatan, meeting the district's belum_rekam anchors exactly."""
    days = index(LAST) + 1
    wajib = wajib_paths(kab, len(kecamatan), rng, days)
    district_rekam = daily_rekam(kab, [sum(w[i] for w in wajib) for i in range(days)], rng)

    lag = lag_factors([w[0] for w in wajib], BELUM[kab][0], rng)
    belum = split(BELUM[kab][0], [c * w[0] for c, w in zip(lag, wajib, strict=True)])
    series = [
        Series(kode, nama, [w[0]], [w[0] - b], [0], [round((w[0] - b) * rng.uniform(0.93, 0.98))])
        for (kode, nama), w, b in zip(kecamatan, wajib, belum, strict=True)
    ]
    for i in range(1, days):
        day = START + timedelta(days=i)
        room = [b + w[i] - w[i - 1] for b, w in zip(belum, wajib, strict=True)]
        # Kecamatan with more residents still to record record more that day.
        rekam = split_capped(district_rekam[i], [(b + 1) * rng.uniform(0.6, 1.4) for b in belum], room)
        belum = [r - x for r, x in zip(room, rekam, strict=True)]
        for s, w, x in zip(series, wajib, rekam, strict=True):
            s.wajib.append(w[i])
            s.sudah.append(s.sudah[-1] + x)
            s.keliling.append(min(x, round(x * keliling_share(day) * rng.uniform(0.7, 1.3))))
            # Printing lags recording (blanks were short); it never passes yesterday's recorded.
            s.cetak.append(s.cetak[-1] + round((s.sudah[-2] - s.cetak[-1]) * rng.uniform(0.01, 0.03)))
    return series


def wajib_paths(kab: str, n: int, rng: random.Random, days: int) -> list[list[int]]:
    """Per kecamatan, wajib KTP for every day: an uneven split of the district, creeping up."""
    target = round(PENDUDUK[kab] * WAJIB_SHARE.get(kab, 0.65))  # as of 31 March
    at_march = split(target, [rng.lognormvariate(0, 0.45) for _ in range(n)])
    before = index(ANCHORS[1])
    paths = []
    for w in at_march:
        rate = w * WAJIB_GROWTH
        path = [round(w * (1 - WAJIB_GROWTH * before))]
        for _ in range(1, days):
            step = rate * rng.uniform(0.3, 1.7)
            path.append(path[-1] + int(step) + (rng.random() < step % 1))
        paths.append(path)
    return paths


def daily_rekam(kab: str, wajib: list[int], rng: random.Random) -> list[int]:
    """District recordings per day, so that belum_rekam meets every anchor exactly."""
    rekam = [0] * len(wajib)
    for (a, b), (belum_a, belum_b) in zip(pairwise(ANCHORS), pairwise(BELUM[kab]), strict=True):
        ia, ib = index(a), index(b)
        total = (wajib[ib] - wajib[ia]) - (belum_b - belum_a)
        weights = [pace(START + timedelta(days=i)) * rng.uniform(0.75, 1.25) for i in range(ia + 1, ib + 1)]
        rekam[ia + 1 : ib + 1] = split(total, weights)
    return rekam


def lag_factors(wajib: list[int], belum: int, rng: random.Random) -> list[float]:
    """How far behind each kecamatan starts, relative to its district (wajib-weighted mean 1).

    Narrowed where needed so that no kecamatan starts with more than 95% unrecorded.
    """
    raw = [rng.lognormvariate(0, 0.35) for _ in wajib]
    mean = sum(r * w for r, w in zip(raw, wajib, strict=True)) / sum(wajib)
    lag = [r / mean for r in raw]
    ratio, top = belum / sum(wajib), max(lag)
    if top * ratio > 0.95:
        lag = [1 + (x - 1) * (0.95 / ratio - 1) / (top - 1) for x in lag]
    return lag

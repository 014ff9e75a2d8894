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

import csv
import io
import os
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

import polars as pl
import xlsxwriter

from contract.dates import BULAN, WITA
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


@dataclass(frozen=True)
class Habit:
    """A district's way of writing its daily report."""

    pattern: str  # file name, a strftime pattern
    columns: tuple[tuple[str, str], ...]  # (header, row key); "tanggal" is the report date
    kind: str = "csv"  # or "xlsx"
    delimiter: str = ","
    encoding: str = "utf-8"
    newline: str = "\n"
    number: str = "bare"  # "bare" 12345, "dot" 12.345, "comma" 12,345
    date_style: str = "iso"  # "iso", "slash" 12/04/2018, "dash" 12-04-2018, "long" 12 April 2018
    title: bool = False  # xlsx: provincial template with title block, No column and JUMLAH row


PLAIN = (
    ("tanggal", "tanggal"),
    ("kode_kecamatan", "kode"),
    ("nama_kecamatan", "nama"),
    ("wajib_ktp", "wajib"),
    ("sudah_rekam", "sudah"),
    ("belum_rekam", "belum"),
    ("rekam_hari_ini", "harian"),
    ("rekam_keliling", "keliling"),
    ("sudah_cetak", "cetak"),
)
TEMPLATE = (
    ("Kode Kec.", "kode_titik"),
    ("Kecamatan", "nama"),
    ("Wajib KTP", "wajib"),
    ("Sudah Rekam", "sudah"),
    ("Belum Rekam", "belum"),
    ("Rekam Hari Ini", "harian"),
    ("Rekam Keliling", "keliling"),
    ("Sudah Cetak", "cetak"),
)
TAB = (
    ("Tanggal", "tanggal"),
    ("Kode Wilayah", "kode"),
    ("Nama Kec", "nama"),
    ("WKTP", "wajib"),
    ("Perekaman", "sudah"),
    ("Belum", "belum"),
    ("Rekam Harian", "harian"),
    ("Keliling", "keliling"),
    ("Cetak", "cetak"),
)

HABITS = {
    "5201": Habit("ektp_5201_%Y-%m-%d.csv", PLAIN),
    "5202": Habit(
        "lap %d-%m-%Y.csv",
        (
            ("Tgl", "tanggal"),
            ("Kode Kec.", "kode"),
            ("Kecamatan", "NAMA"),
            *TEMPLATE[2:],
            ("Keterangan", "keterangan"),
        ),
        delimiter=";",
        encoding="cp1252",
        newline="\r\n",
        number="dot",
        date_style="slash",
    ),
    "5203": Habit("rekap_ktp_5203_%Y-%m-%d.xlsx", TEMPLATE, kind="xlsx", title=True),
    "5204": Habit("%Y%m%d_ektp.txt", TAB, delimiter="\t", newline="\r\n", date_style="dash"),
    "5205": Habit(
        "Dompu_%Y-%m-%d.csv",
        (
            ("Tanggal", "tanggal"),
            ("Kode", "kode"),
            ("Nama Kecamatan", "nama"),
            ("Jumlah Wajib KTP", "wajib"),
            ("Jumlah Rekam", "sudah"),
            ("Belum Rekam", "belum"),
            ("Rekam Harian", "harian"),
            ("Keliling", "keliling"),
            ("Cetak", "cetak"),
        ),
        delimiter=";",
        encoding="utf-8-sig",
        newline="\r\n",
        number="dot",
        date_style="long",
    ),
    "5206": Habit(
        "Rekap Bima %Y-%m-%d.xlsx",
        (("Tanggal", "tanggal"), ("Kode Kecamatan", "kode"), ("Nama Kecamatan", "nama"), *TEMPLATE[2:]),
        kind="xlsx",
    ),
    # Sumbawa Barat's sheet has no daily column and no date column: the file name carries the date.
    "5207": Habit(
        "KSB_ektp_%d-%m-%Y.csv",
        (
            ("Kode Kecamatan", "kode"),
            ("Nama Kecamatan", "nama"),
            ("Wajib KTP", "wajib"),
            ("Sudah Rekam", "sudah"),
            ("Sudah Cetak", "cetak"),
        ),
        encoding="utf-8-sig",
        newline="\r\n",
        number="comma",
    ),
    "5208": Habit("rekap_ktp_5208_%Y-%m-%d.xlsx", TEMPLATE, kind="xlsx", title=True),
    "5271": Habit("mataram_%Y-%m-%d.csv", (PLAIN[1], PLAIN[2], PLAIN[0], *PLAIN[3:])),
    "5272": Habit("%Y%m%d_ektp.txt", TAB, delimiter="\t", date_style="dash"),
}
# Kota Bima sent plain CSV until a new operator took over in March.
KOTA_BIMA_UNTIL_MARCH = Habit("kotabima_%Y%m%d.csv", PLAIN)


def habit(kab: str, day: date) -> Habit:
    if kab == "5272" and day < date(2018, 3, 1):
        return KOTA_BIMA_UNTIL_MARCH
    return HABITS[kab]


def date_text(day: date, style: str) -> str:
    return {
        "iso": day.isoformat(),
        "slash": day.strftime("%d/%m/%Y"),
        "dash": day.strftime("%d-%m-%Y"),
        "long": f"{day.day} {BULAN[day.month - 1]} {day.year}",
    }[style]


def number_text(value: int | str | None, style: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):  # a deliberately bad cell, written as typed
        return value
    return {"bare": str(value), "dot": f"{value:,}".replace(",", "."), "comma": f"{value:,}"}[style]


def cell(h: Habit, day: date, row: dict, key: str) -> object:
    """A cell's value: text for CSV; numbers and dates stay typed for xlsx."""
    if key == "tanggal":
        return day if h.kind == "xlsx" else date_text(day, h.date_style)
    if key in COUNTS:
        return row[key] if h.kind == "xlsx" else number_text(row[key], h.number)
    if key == "kode_titik":
        return f"{row['kode'][:2]}.{row['kode'][2:4]}.{row['kode'][4:]}"
    if key == "NAMA":
        return row["nama"].upper()
    if key == "keterangan":
        # Lombok Tengah's remarks carry an en dash: in Windows-1252 that is byte 0x96, not UTF-8.
        return "Layanan keliling – jemput bola" if day >= PUSH and row["keliling"] else ""
    return row[key]


def render(h: Habit, kab_name: str, day: date, rows: list[dict], total_fix: dict | None = None) -> bytes:
    if h.kind == "xlsx":
        return render_xlsx(h, kab_name, day, rows, total_fix or {})
    out = io.StringIO()
    writer = csv.writer(out, delimiter=h.delimiter, lineterminator=h.newline)
    writer.writerow([head for head, _ in h.columns])
    for row in rows:
        writer.writerow([cell(h, day, row, key) for _, key in h.columns])
    return out.getvalue().encode(h.encoding)


def render_xlsx(h: Habit, kab_name: str, day: date, rows: list[dict], total_fix: dict) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    # A fixed creation time keeps the bytes reproducible (xlsxwriter otherwise stamps now()).
    book.set_properties(
        {"created": datetime.combine(day + timedelta(days=1), time(7, 30)), "author": f"Dukcapil {kab_name}"}
    )
    sheet = book.add_worksheet("Rekap")
    bold = book.add_format({"bold": True})
    as_date = book.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    if h.title:
        for line in (
            "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL",
            kab_name.upper(),
            "Rekapitulasi Perekaman KTP-el",
            f"Per tanggal {date_text(day, 'long')}",
        ):
            sheet.write_string(r, 0, line, bold)
            r += 1
        r += 1  # the template leaves a blank line above the header
    keys = [key for _, key in h.columns]
    sheet.write_row(r, 0, (["No"] if h.title else []) + [head for head, _ in h.columns], bold)
    for n, row in enumerate(rows, 1):
        r += 1
        values = ([n] if h.title else []) + [cell(h, day, row, key) for key in keys]
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, datetime.combine(value, time()), as_date)
            elif value is not None:
                sheet.write(r, c, value)
    if h.title:
        r += 1
        sheet.write_string(r, 1 + keys.index("nama"), "JUMLAH", bold)
        for c, key in enumerate(keys, 1):
            if key in COUNTS:
                sheet.write_number(r, c, sum(row[key] for row in rows) + total_fix.get(key, 0), bold)
    book.close()
    return out.getvalue()


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
        return [Upload(f"{kab}/{name}", render(h, kab_name, day, bad_rows, fix), at)], None

    good = Upload(f"{kab}/{name}", render(h, kab_name, day, rows), at)
    if event == "koreksi":
        # The first send lacked the afternoon's mobile-service recordings of two kecamatan.
        early = [dict(r) for r in rows]
        for r in sorted(early, key=lambda r: -r["keliling"])[:2]:
            r["sudah"] -= r["keliling"]
            r["belum"] += r["keliling"]
            r["harian"] -= r["keliling"]
            r["keliling"] = 0
        first = Upload(f"{kab}/{name}", render(h, kab_name, day, early), at)
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
        bad = Upload(good.path, render(h_bad, kab_name, day, bad_rows, fix), at)
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


def build_landing(landing: Path, seed: int = 2018) -> pl.DataFrame:
    """Write the demo uploads under `landing` and return the figures meant to be loaded.

    Files are (over)written with fixed bytes and modification times, so two builds with the same
    seed are identical; other files already in the folder are left alone. The result has one row
    per kecamatan and date a loaded file reported, `file` being its path relative to `landing`.
    """
    names, kecamatan = reference()
    known = {kode for kecs in kecamatan.values() for kode, _ in kecs}
    uploads, truth = [], []
    for offset, kab in enumerate(sorted(kecamatan)):
        # One generator per district: its figures do not depend on the others'.
        series = simulate(kab, kecamatan[kab], random.Random(f"{seed}-{kab}"))
        files, rows = district_uploads(kab, 7 * offset, names[kab], series, known)
        uploads += files
        truth += rows
    for up in uploads:
        path = Path(landing, *up.path.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(up.data)
        os.utime(path, (up.mtime, up.mtime))
    return pl.DataFrame(truth, schema=TRUTH_SCHEMA).sort("tanggal", "kode_kecamatan")

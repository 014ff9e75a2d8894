"""The workbook: the page's tables, one sheet each, typed cells and never a formula."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from contract import formats
from reports import fmt
from reports.data import Laporan, Row
from reports.forecast import Forecast, Range, Status

NUMBER_FORMATS = {
    "count": "#,##0",
    "percent": "0.00",
    "percent1": "0.0",
    "whole": "0",
    "pace": "#,##0.0",
    "date": "dd/mm/yyyy",
    "datetime": "dd/mm/yyyy hh:mm",
    "text": "@",
}
MAX_WIDTH = 60


@dataclass(frozen=True)
class Col:
    """One column: Indonesian header, how to get the value, and how to show numbers."""

    header: str
    value: Callable[[Row], Any]
    kind: str = "text"
    wrap: bool = False


def key(name: str) -> Callable[[Row], Any]:
    return lambda row: row[name]


def forecast_attr(fn: Callable) -> Callable[[Row], Any]:
    """A value from the row's forecast, blank when the district never reported."""
    return lambda row: None if row["prakiraan"] is None else fn(row["prakiraan"])


def completion(f: Forecast) -> date | str:
    """A date cell when there is a date, otherwise the page's words."""
    return f.completion or fmt.selesai(f)


def band_value(fn: Callable[[Range], Any]) -> Callable[[Forecast | None], Any]:
    """A value of the forecast's range, or the page's words for why there is none."""

    def value(f: Forecast | None) -> Any:
        why = fmt.tanpa_rentang(f)
        return (None if f is None else why) if why is not None else fn(f.band)

    return value


def end_of(when: date | None) -> date | str:
    """One end of the completion range: a date cell, or the page's words."""
    return when or "tidak terhitung"


def chance(band: Range) -> float | str:
    return "tenggat lewat" if band.chance is None else band.chance


def needed(f: Forecast) -> int | str | None:
    """The needed pace, blank when done, or why there is none."""
    if f.needed_pace is not None or f.status is Status.SELESAI:
        return f.needed_pace
    return "tenggat lewat"


KABUPATEN = [
    Col("Peringkat", key("peringkat"), "count"),
    Col("Kode", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Wajib KTP", key("wajib_ktp"), "count"),
    Col("Sudah rekam", key("sudah_rekam"), "count"),
    Col("Belum rekam", key("belum_rekam"), "count"),
    Col("Persen rekam (%)", key("persen_rekam"), "percent"),
    Col("Rekam hari ini", key("rekam_hari_ini"), "count"),
    Col("Kecamatan lapor", key("kecamatan_lapor"), "count"),
    Col("Kecamatan total", key("kecamatan_total"), "count"),
    Col("Lapor hari ini", lambda r: "Ya" if r["lapor_hari_ini"] else "Tidak"),
    Col("Terakhir lapor", key("terakhir_lapor"), "date"),
    Col("Laju 7 hari (/hari)", forecast_attr(lambda f: f.pace and f.pace.per_day), "pace"),
    Col("Perkiraan selesai", forecast_attr(completion), "date"),
    Col("Dibutuhkan (/hari)", forecast_attr(needed), "count"),
    Col("Status", lambda r: fmt.status(r["prakiraan"])),
]

# The range's columns, for a district row ("prakiraan") and for the province's summary.
RANGE = (
    ("Laju 28 hari p10 (/hari)", band_value(lambda b: float(b.slow)), "pace"),
    ("Laju 28 hari p90 (/hari)", band_value(lambda b: float(b.fast)), "pace"),
    ("Selesai paling cepat", band_value(lambda b: end_of(b.early)), "date"),
    ("Selesai paling lambat", band_value(lambda b: end_of(b.late)), "date"),
    ("Peluang selesai pada target (%)", band_value(chance), "whole"),
    ("Laju 7 hari yang cukup", band_value(lambda b: b.enough), "count"),
    ("Laju 7 hari dinilai", band_value(lambda b: len(b.windows)), "count"),
)

RENTANG = [
    Col("Peringkat", key("peringkat"), "count"),
    Col("Kode", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Belum rekam", key("belum_rekam"), "count"),
    Col("Laju 7 hari (/hari)", forecast_attr(lambda f: f.pace and f.pace.per_day), "pace"),
    Col("Perkiraan selesai", forecast_attr(completion), "date"),
    *(Col(header, (lambda fn: lambda row: fn(row["prakiraan"]))(fn), kind) for header, fn, kind in RANGE),
]

PRIORITAS_KELILING = [
    Col("Peringkat", key("peringkat"), "count"),
    Col("Kode", key("kode_kecamatan")),
    Col("Kecamatan", key("nama_kecamatan")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Belum rekam", key("belum_rekam"), "count"),
    Col("Laju 7 hari (/hari)", lambda r: r["laju"] and r["laju"].per_day, "pace"),
    Col("Dibutuhkan (/hari)", key("dibutuhkan"), "count"),
    Col("Sisa pada target", key("sisa_pada_target"), "count"),
    Col("Terakhir lapor", lambda r: r["terakhir_lapor"] or "belum pernah", "date"),
    Col("Berhenti lapor", lambda r: "Ya" if r["berhenti_lapor"] else "Tidak"),
]

MUTU = [
    Col("Peringkat", key("peringkat"), "count"),
    Col("Kode", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Data per", key("tanggal"), "date"),
    *(
        Col(f"{header} {n} hari{unit}", key(f"{name}_{n}"), kind)
        for n in (7, 30)
        for header, name, unit, kind in (
            ("Lapor", "persen_lapor", " (%)", "percent1"),
            ("Tepat waktu", "persen_tepat_waktu", " (%)", "percent1"),
            ("Lengkap", "persen_lengkap", " (%)", "percent1"),
            ("Ditolak", "persen_ditolak", " (%)", "percent1"),
            ("Koreksi", "koreksi", "", "count"),
            ("Terlambat", "terlambat", "", "count"),
            ("Peringatan per laporan", "peringatan_per_laporan", "", "percent"),
            ("Skor", "skor", "", "percent1"),
        )
    ),
]

MUTU_HARIAN = [
    Col("Tanggal", key("tanggal"), "date"),
    Col("Kode", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Lapor", lambda r: "Ya" if r["lapor"] else "Tidak"),
    Col("Tepat waktu", lambda r: "Ya" if r["tepat_waktu"] else "Tidak"),
    Col("Pertama masuk", lambda r: formats.waktu_wita(r["pertama_masuk"]), "datetime"),
    Col("Kecamatan lapor", key("kecamatan_lapor"), "count"),
    Col("Kecamatan total", key("kecamatan_total"), "count"),
    Col("Berkas", key("berkas"), "count"),
    Col("Ditolak", key("berkas_ditolak"), "count"),
    Col("Digantikan", key("berkas_diganti"), "count"),
    Col("Terlambat", key("berkas_terlambat"), "count"),
    Col("Peringatan", key("peringatan"), "count"),
    Col("Lapor 7 hari (%)", key("persen_lapor_7"), "percent"),
    Col("Tepat waktu 7 hari (%)", key("persen_tepat_waktu_7"), "percent"),
    Col("Lapor 30 hari (%)", key("persen_lapor_30"), "percent"),
    Col("Tepat waktu 30 hari (%)", key("persen_tepat_waktu_30"), "percent"),
    Col("Lengkap 30 hari (%)", key("persen_lengkap_30"), "percent"),
    Col("Ditolak 30 hari (%)", key("persen_ditolak_30"), "percent"),
    Col("Skor 30 hari", key("skor_30"), "percent"),
]

KECAMATAN_TERBANYAK = [
    Col("Peringkat", key("peringkat"), "count"),
    Col("Kode", key("kode_kecamatan")),
    Col("Kecamatan", key("nama_kecamatan")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Wajib KTP", key("wajib_ktp"), "count"),
    Col("Sudah rekam", key("sudah_rekam"), "count"),
    Col("Belum rekam", key("belum_rekam"), "count"),
    Col("Persen rekam (%)", key("persen_rekam"), "percent"),
    Col("Data per", key("data_per"), "date"),
]

KABUPATEN_TIDAK_LAPOR = [
    Col("Kode", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Jumlah kecamatan", key("kecamatan_total"), "count"),
    Col("Terakhir lapor", lambda r: r["terakhir_lapor"] or "belum pernah", "date"),
]

KECAMATAN_TIDAK_LAPOR = [
    Col("Kode", key("kode_kecamatan")),
    Col("Kecamatan", key("nama_kecamatan")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Terakhir lapor", lambda r: r["terakhir_lapor"] or "belum pernah", "date"),
]

BERKAS_DITOLAK = [
    Col("Kode kabupaten", key("kode_kabupaten")),
    Col("Kabupaten/kota", key("nama_kabupaten")),
    Col("Berkas", key("file")),
    Col("Alasan", key("alasan"), wrap=True),
    Col("Diproses pada", lambda r: formats.waktu_wita(r["diproses_pada"]), "datetime"),
]

PERINGATAN = [
    Col("Aturan", key("aturan")),
    Col("Jumlah", key("jumlah"), "count"),
]

RIWAYAT = [
    Col("Tanggal", key("tanggal"), "date"),
    Col("Wajib KTP", key("wajib_ktp"), "count"),
    Col("Sudah rekam", key("sudah_rekam"), "count"),
    Col("Belum rekam", key("belum_rekam"), "count"),
    Col("Persen rekam (%)", key("persen_rekam"), "percent"),
    Col("Rekam hari ini", key("rekam_hari_ini"), "count"),
    Col("Kabupaten lapor", key("kabupaten_lapor"), "count"),
]

RINGKASAN = [
    Col("Uraian", key("uraian")),
    Col("Nilai", key("nilai"), "auto"),
]


def summary(laporan: Laporan) -> list[Row]:
    """The province's figures and forecast as label/value rows; `kind` picks each number format."""
    p, f = laporan.provinsi, laporan.prakiraan_provinsi
    items = [
        ("Tanggal laporan", laporan.tanggal, "date"),
        ("Target selesai", laporan.target, "date"),
        ("Wajib KTP", p["wajib_ktp"], "count"),
        ("Sudah rekam", p["sudah_rekam"], "count"),
        ("Belum rekam", p["belum_rekam"], "count"),
        ("Persen rekam (%)", p["persen_rekam"], "percent"),
        ("Rekam hari ini", p["rekam_hari_ini"], "count"),
        ("Kabupaten/kota lapor", p["kabupaten_lapor"], "count"),
        ("Kabupaten/kota total", p["kabupaten_total"], "count"),
        ("Laju 7 hari (/hari)", f.pace and f.pace.per_day, "pace"),
        ("Perkiraan selesai", completion(f), "date"),
        ("Dibutuhkan (/hari)", needed(f), "count"),
        ("Status", fmt.status(f), "text"),
        *((header, fn(f), kind) for header, fn, kind in RANGE),
        ("Peringatan kualitas data", laporan.jumlah_peringatan, "count"),
        ("Berkas ditolak", len(laporan.berkas_ditolak), "count"),
        ("Data diproses terakhir", formats.waktu_wita(laporan.asal["diproses_pada"]), "datetime"),
        ("Run", laporan.asal["run_id"], "text"),
    ]
    if laporan.diketahui_pada is not None:
        items.append(("Sebagaimana diketahui pada", formats.waktu_wita(laporan.diketahui_pada), "datetime"))
    return [{"uraian": u, "nilai": v, "kind": k} for u, v, k in items]


def ranked(rows: list[Row]) -> list[Row]:
    return [{**r, "peringkat": i} for i, r in enumerate(rows, start=1)]


def sheets(laporan: Laporan) -> list[tuple[str, list[Col], list[Row]]]:
    """Sheet name, columns and rows, in the page's order."""
    return [
        ("Ringkasan", RINGKASAN, summary(laporan)),
        ("Kabupaten", KABUPATEN, ranked(laporan.kabupaten)),
        ("Rentang Perkiraan", RENTANG, ranked(laporan.kabupaten)),
        ("Prioritas Keliling", PRIORITAS_KELILING, list(laporan.prioritas_keliling)),
        ("Mutu Kabupaten", MUTU, ranked(list(laporan.mutu))),
        ("Mutu Harian", MUTU_HARIAN, list(laporan.mutu_harian)),
        ("Kecamatan Terbanyak", KECAMATAN_TERBANYAK, ranked(laporan.kecamatan_terbanyak)),
        ("Kabupaten Tidak Lapor", KABUPATEN_TIDAK_LAPOR, laporan.kabupaten_tidak_lapor),
        ("Kecamatan Tidak Lapor", KECAMATAN_TIDAK_LAPOR, laporan.kecamatan_tidak_lapor),
        ("Berkas Ditolak", BERKAS_DITOLAK, laporan.berkas_ditolak),
        ("Peringatan", PERINGATAN, laporan.peringatan),
        (
            "Riwayat Provinsi" if laporan.tingkat == "provinsi" else "Riwayat Nasional",
            RIWAYAT,
            laporan.riwayat,
        ),
    ]


class Writer:
    """Typed cell writing with one cached format per number kind."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3B73", "text_wrap": True, "valign": "top"}
        )
        self.formats = {
            kind: book.add_format({"num_format": f, "valign": "top"}) for kind, f in NUMBER_FORMATS.items()
        }
        self.wrapped = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})

    def cell(self, ws: Worksheet, row: int, col: int, value: Any, kind: str, wrap: bool = False) -> None:
        """Write by Python type; strings always as text so `=...` never becomes a formula."""
        if value is None:
            ws.write_blank(row, col, None, self.formats[kind])
        elif isinstance(value, str):
            ws.write_string(row, col, value, self.wrapped if wrap else self.formats["text"])
        elif isinstance(value, bool):
            ws.write_string(row, col, "Ya" if value else "Tidak", self.formats["text"])
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value, self.formats["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(row, col, datetime.combine(value, datetime.min.time()), self.formats["date"])
        elif isinstance(value, int | float | Decimal):
            ws.write_number(
                row, col, float(value) if isinstance(value, Decimal) else value, self.formats[kind]
            )
        else:
            ws.write_string(row, col, str(value), self.formats["text"])

    def sheet(self, name: str, cols: list[Col], rows: list[Row]) -> None:
        """One table: header row frozen, filter on, widths fitted to the content."""
        ws = self.book.add_worksheet(name)
        for c, col in enumerate(cols):
            ws.write_string(0, c, col.header, self.header)
        for r, row in enumerate(rows, start=1):
            for c, col in enumerate(cols):
                kind = row["kind"] if col.kind == "auto" else col.kind
                self.cell(ws, r, c, col.value(row), kind, col.wrap)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(cols) - 1)
        for c, col in enumerate(cols):
            ws.set_column(c, c, width(col, rows))


def shown(value: Any) -> str:
    """Roughly what Excel displays, to size a column."""
    if isinstance(value, datetime):
        return "00/00/0000 00:00"
    if isinstance(value, date):
        return "00/00/0000"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return formats.desimal(value, 1) if isinstance(value, float) else formats.angka(value)
    return "" if value is None else str(value)


def width(col: Col, rows: list[Row]) -> int:
    """Wide enough for the header words and the values, capped so reasons wrap instead."""
    longest_word = max(len(w) for w in col.header.split())
    values = [len(line) for row in rows for line in shown(col.value(row)).splitlines() or [""]]
    return min(MAX_WIDTH, max([longest_word + 2, min(len(col.header), 16) + 2, *(v + 2 for v in values)]))


def write(laporan: Laporan, path: Path) -> None:
    """Write the workbook for one report."""
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    try:
        writer = Writer(book)
        for name, cols, rows in sheets(laporan):
            writer.sheet(name, cols, rows)
    finally:
        book.close()

"""The report's sections, each declared once: how its rows are read and shaped, the partial that
shows it on the page (templates/bagian/<partial>.html.j2) and the workbook sheets that hold it.

A new section is its query (warehouse/sql/queries/<name>.sql, given `$tanggal` and `$provinsi`),
one `Section` here and one partial; its rows are then `l.<key>` in every partial and `Laporan.<key>`
in Python. Sections are shown and written in the order of SECTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contract import formats
from reports import fmt
from reports.cells import RANGE, Col, completion, forecast_attr, key, needed, ranked, yes_no
from reports.laporan import Laporan
from reports.readers import Reader, days_before, districts, mobile, query, reasons_as_text
from warehouse.read import Row

TOP_KECAMATAN = 10
MUTU_DAYS = 30  # days of the scorecard's daily series in the workbook


@dataclass(frozen=True)
class Sheet:
    """One workbook sheet: its name, its columns, and its rows (default: the section's rows)."""

    name: str | Callable[[Laporan], str]
    columns: list[Col]
    rows: Callable[[Laporan], list[Row]] | None = None


@dataclass(frozen=True)
class Section:
    """One part of the report."""

    key: str  # its rows' name: `l.<key>` in the templates, `Laporan.<key>`
    read: Reader | None = None  # None: the section shows rows the report already holds
    partial: str | None = None  # templates/bagian/<partial>.html.j2; None: not on the page
    sheets: tuple[Sheet, ...] = ()


def summary(laporan: Laporan) -> list[Row]:
    """The province's figures and forecast as label/value rows; `kind` picks each number format."""
    p, f = laporan.provinsi, laporan.prakiraan_provinsi
    assert f is not None  # a report has a series for its date (data.province)
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
        # the page's words, not a time cell: a spreadsheet would round 23:59:59.999999 up to the next day
        items.append(("Sebagaimana diketahui pada", formats.waktu(laporan.diketahui_pada), "text"))
    return [{"uraian": u, "nilai": v, "kind": k} for u, v, k in items]


def _ranked(name: str) -> Callable[[Laporan], list[Row]]:
    return lambda laporan: ranked(getattr(laporan, name))


def _never(name: str) -> Callable[[Row], Any]:
    """A last-report date, or the page's words for a district or kecamatan that never reported."""
    return lambda r: r[name] or "belum pernah"


def _band(fn: Callable[[Any], Any]) -> Callable[[Row], Any]:
    return lambda row: fn(row["prakiraan"])


RINGKASAN = Sheet("Ringkasan", [Col("Uraian", key("uraian")), Col("Nilai", key("nilai"), "auto")], summary)

KABUPATEN = Sheet(
    "Kabupaten",
    [
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
        Col("Lapor hari ini", yes_no("lapor_hari_ini")),
        Col("Terakhir lapor", key("terakhir_lapor"), "date"),
        Col("Laju 7 hari (/hari)", forecast_attr(lambda f: f.pace and f.pace.per_day), "pace"),
        Col("Perkiraan selesai", forecast_attr(completion), "date"),
        Col("Dibutuhkan (/hari)", forecast_attr(needed), "count"),
        Col("Status", lambda r: fmt.status(r["prakiraan"])),
        # CONTRACT §5: the district's figures for D are `sementara`, `disetujui` or `dikunci`.
        Col("Status data", key("status_data")),
    ],
    _ranked("kabupaten"),
)

RENTANG = Sheet(
    "Rentang Perkiraan",
    [
        Col("Peringkat", key("peringkat"), "count"),
        Col("Kode", key("kode_kabupaten")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Belum rekam", key("belum_rekam"), "count"),
        Col("Laju 7 hari (/hari)", forecast_attr(lambda f: f.pace and f.pace.per_day), "pace"),
        Col("Perkiraan selesai", forecast_attr(completion), "date"),
        *(Col(header, _band(fn), kind) for header, fn, kind in RANGE),
    ],
    _ranked("kabupaten"),
)

PRIORITAS_KELILING = Sheet(
    "Prioritas Keliling",
    [
        Col("Peringkat", key("peringkat"), "count"),
        Col("Kode", key("kode_kecamatan")),
        Col("Kecamatan", key("nama_kecamatan")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Belum rekam", key("belum_rekam"), "count"),
        Col("Laju 7 hari (/hari)", lambda r: r["laju"] and r["laju"].per_day, "pace"),
        Col("Dibutuhkan (/hari)", key("dibutuhkan"), "count"),
        Col("Sisa pada target", key("sisa_pada_target"), "count"),
        Col("Terakhir lapor", _never("terakhir_lapor"), "date"),
        Col("Berhenti lapor", yes_no("berhenti_lapor")),
    ],
)

MUTU = Sheet(
    "Mutu Kabupaten",
    [
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
    ],
    _ranked("mutu"),
)

MUTU_HARIAN = Sheet(
    "Mutu Harian",
    [
        Col("Tanggal", key("tanggal"), "date"),
        Col("Kode", key("kode_kabupaten")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Lapor", yes_no("lapor")),
        Col("Tepat waktu", yes_no("tepat_waktu")),
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
    ],
)

KECAMATAN_TERBANYAK = Sheet(
    "Kecamatan Terbanyak",
    [
        Col("Peringkat", key("peringkat"), "count"),
        Col("Kode", key("kode_kecamatan")),
        Col("Kecamatan", key("nama_kecamatan")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Wajib KTP", key("wajib_ktp"), "count"),
        Col("Sudah rekam", key("sudah_rekam"), "count"),
        Col("Belum rekam", key("belum_rekam"), "count"),
        Col("Persen rekam (%)", key("persen_rekam"), "percent"),
        Col("Data per", key("data_per"), "date"),
    ],
    _ranked("kecamatan_terbanyak"),
)

KABUPATEN_TIDAK_LAPOR = Sheet(
    "Kabupaten Tidak Lapor",
    [
        Col("Kode", key("kode_kabupaten")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Jumlah kecamatan", key("kecamatan_total"), "count"),
        Col("Terakhir lapor", _never("terakhir_lapor"), "date"),
    ],
)

KECAMATAN_TIDAK_LAPOR = Sheet(
    "Kecamatan Tidak Lapor",
    [
        Col("Kode", key("kode_kecamatan")),
        Col("Kecamatan", key("nama_kecamatan")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Terakhir lapor", _never("terakhir_lapor"), "date"),
    ],
)

BERKAS_DITOLAK = Sheet(
    "Berkas Ditolak",
    [
        Col("Kode kabupaten", key("kode_kabupaten")),
        Col("Kabupaten/kota", key("nama_kabupaten")),
        Col("Berkas", key("file")),
        Col("Alasan", key("alasan"), wrap=True),
        Col("Diproses pada", lambda r: formats.waktu_wita(r["diproses_pada"]), "datetime"),
    ],
)

PERINGATAN = Sheet("Peringatan", [Col("Aturan", key("aturan")), Col("Jumlah", key("jumlah"), "count")])

RIWAYAT = Sheet(
    lambda laporan: "Riwayat Provinsi" if laporan.tingkat == "provinsi" else "Riwayat Nasional",
    [
        Col("Tanggal", key("tanggal"), "date"),
        Col("Wajib KTP", key("wajib_ktp"), "count"),
        Col("Sudah rekam", key("sudah_rekam"), "count"),
        Col("Belum rekam", key("belum_rekam"), "count"),
        Col("Persen rekam (%)", key("persen_rekam"), "percent"),
        Col("Rekam hari ini", key("rekam_hari_ini"), "count"),
        Col("Kabupaten lapor", key("kabupaten_lapor"), "count"),
    ],
)

SECTIONS = (
    # The headline (province, its forecast, its series) is read by data.load for every report.
    Section("ringkasan", partial="ringkasan", sheets=(RINGKASAN,)),
    Section("kabupaten", districts, "kabupaten", (KABUPATEN,)),
    Section("rentang", partial="rentang", sheets=(RENTANG,)),
    Section("prioritas_keliling", mobile, "prioritas_keliling", (PRIORITAS_KELILING,)),
    Section("mutu", query("mutu_kabupaten"), "mutu", (MUTU,)),
    Section("mutu_harian", query("mutu_harian", dari=days_before(MUTU_DAYS - 1)), sheets=(MUTU_HARIAN,)),
    Section(
        "kecamatan_terbanyak",
        query("kecamatan_terbanyak", batas=TOP_KECAMATAN),
        "kecamatan_terbanyak",
        (KECAMATAN_TERBANYAK,),
    ),
    # One partial shows both lists of who did not report.
    Section("kabupaten_tidak_lapor", query("kabupaten_tidak_lapor"), "tidak_lapor", (KABUPATEN_TIDAK_LAPOR,)),
    Section("kecamatan_tidak_lapor", query("kecamatan_tidak_lapor"), sheets=(KECAMATAN_TIDAK_LAPOR,)),
    # One partial shows the rejected files and the warnings.
    Section("berkas_ditolak", query("berkas_ditolak", reasons_as_text), "berkas_ditolak", (BERKAS_DITOLAK,)),
    Section("peringatan", query("peringatan"), sheets=(PERINGATAN,)),
    Section("riwayat", sheets=(RIWAYAT,)),
)
READ = tuple(s for s in SECTIONS if s.read is not None)
PARTIALS = tuple(s.partial for s in SECTIONS if s.partial is not None)


def sheets(laporan: Laporan) -> list[tuple[str, list[Col], list[Row]]]:
    """Sheet name, columns and rows, in the page's order."""
    return [
        (
            sheet.name if isinstance(sheet.name, str) else sheet.name(laporan),
            sheet.columns,
            list(getattr(laporan, section.key)) if sheet.rows is None else sheet.rows(laporan),
        )
        for section in SECTIONS
        for sheet in section.sheets
    ]

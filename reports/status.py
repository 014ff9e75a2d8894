"""Every status a reader is shown, with its words and its colour, in one table each: the HTML page,
the workbook, the charts, the receipts and the run summary read them here, never a copy.

- A file's status (`unggahan.status`): the receipt's words, the run summary's column, the order an
  office reads its files in.
- A forecast's verdict against the target: the label of the page, the workbook and the chart, the
  page's colour class (`tanda hijau`, `pokok merah`) and the chart's colour.
- A district's figures for the report's date (`status_data.status`, CONTRACT §5): the word the
  page, the workbook and the run summary mark them with, and the page's colour class.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.forecast import Forecast, Status

# The house colours: the page's CSS (templates/laporan.html.j2) uses the same.
NAVY, ORANGE, GREEN, RED, GREY = "#1f3b73", "#d9822b", "#2e7d32", "#c62828", "#9e9e9e"
# Colour classes of the page (`.tanda.hijau`, `.pokok.merah`, ... in the template's CSS).
HIJAU, MERAH, ABU, BIRU = "hijau", "merah", "abu", "biru"


@dataclass(frozen=True)
class FileStatus:
    """One status of a decided file."""

    status: str  # unggahan.status
    keterangan: str  # the receipt's words, what the office reads
    kolom: str  # the run summary's column (lower case; capitalised in the markdown table)
    urutan: int  # what the office acts on comes first


# In the run summary's column order.
FILE_STATUSES = (
    FileStatus("loaded", "DITERIMA (dimuat)", "dimuat", 1),
    FileStatus("rejected", "DITOLAK", "ditolak", 0),
    FileStatus("superseded", "DITERIMA, digantikan berkas yang lebih baru", "diganti", 2),
    FileStatus("duplicate", "SALINAN (diabaikan)", "salinan", 3),
)
BY_STATUS = {s.status: s for s in FILE_STATUSES}
STATUSES = tuple(s.status for s in FILE_STATUSES)
KETERANGAN = {s.status: s.keterangan for s in FILE_STATUSES}
PRIORITY = {s.status: s.urutan for s in FILE_STATUSES}


@dataclass(frozen=True)
class Verdict:
    """A forecast's verdict against the target, as every output shows it."""

    label: str  # the page's badge, the workbook's Status cell, the chart's legend
    warna: str  # the page's colour class
    colour: str  # the chart's colour


SELESAI = Verdict("Selesai", HIJAU, GREEN)
SESUAI_TARGET = Verdict("Sesuai target", HIJAU, GREEN)
TIDAK_TERCAPAI = Verdict("Tidak tercapai", MERAH, RED)
LAJU_BELUM_ADA = Verdict("Laju belum ada", ABU, GREY)
BELUM_ADA_DATA = Verdict("Belum ada data", ABU, GREY)

BY_FORECAST = {
    Status.SELESAI: SELESAI,
    Status.TERCAPAI: SESUAI_TARGET,
    Status.TERLAMBAT: TIDAK_TERCAPAI,
    Status.TIDAK_TERHITUNG: TIDAK_TERCAPAI,
}
# The chart's legend order.
VERDICTS = (TIDAK_TERCAPAI, SESUAI_TARGET, SELESAI, LAJU_BELUM_ADA, BELUM_ADA_DATA)


def verdict(f: Forecast | None) -> Verdict:
    """The verdict of a forecast: a district that never reported, one without a pace yet, or its
    status's."""
    if f is None:
        return BELUM_ADA_DATA
    if f.pace is None and f.status is Status.TIDAK_TERHITUNG:
        return LAJU_BELUM_ADA
    return BY_FORECAST[f.status]


@dataclass(frozen=True)
class DataStatus:
    """The state of a district's figures for a date (`status_data.status`)."""

    status: str  # the contract's word, shown as it is: `sementara`, `disetujui`, `dikunci`
    warna: str  # the page's colour class
    keterangan: str  # what it means, in the page's note


# Locked wins over signed off (CONTRACT §4); in the order of the page's note.
DATA_STATUSES = (
    DataStatus("dikunci", BIRU, "provinsi telah mengunci angkanya, tidak dapat berubah lagi"),
    DataStatus("disetujui", HIJAU, "kepala dinas kabupaten/kota telah menyetujui angkanya"),
    DataStatus("sementara", ABU, "belum disetujui, angkanya masih dapat berubah"),
)
BY_DATA_STATUS = {s.status: s for s in DATA_STATUSES}

"""Indonesian renderings of the report's forecast states (numbers and dates: contract.formats)."""

from contract.formats import EMPTY, angka, desimal, tanggal_pendek
from reports.forecast import Forecast, Pace, Status

STATUS_LABEL = {
    Status.SELESAI: "Selesai",
    Status.TERCAPAI: "Sesuai target",
    Status.TERLAMBAT: "Tidak tercapai",
    Status.TIDAK_TERHITUNG: "Tidak tercapai",
}


def laju(value: Pace | None) -> str:
    """Recorded per day: whole numbers, one decimal below 10 so a slow pace does not read as 0."""
    if value is None:
        return EMPTY
    if abs(value.per_day) < 10:
        return desimal(value.per_day, 1)
    return angka(value.per_day)


def selesai(f: Forecast | None) -> str:
    """The forecast completion cell: a date, 'selesai', or 'tidak terhitung'."""
    if f is None:
        return EMPTY
    if f.status is Status.SELESAI:
        return "selesai"
    return tanggal_pendek(f.completion) if f.completion else "tidak terhitung"


def dibutuhkan(f: Forecast | None) -> str:
    """The needed-pace cell: a count a day, or why there is none."""
    if f is None or f.status is Status.SELESAI:
        return EMPTY
    return angka(f.needed_pace) if f.needed_pace is not None else "tenggat lewat"


def status(f: Forecast | None) -> str:
    """A short verdict against the target."""
    if f is None:
        return "Belum ada data"
    if f.pace is None and f.status is Status.TIDAK_TERHITUNG:
        return "Laju belum ada"
    return STATUS_LABEL[f.status]

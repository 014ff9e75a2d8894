"""Indonesian renderings of the report's numbers, dates and forecast states."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from reports.forecast import Forecast, Pace, Status

WITA = ZoneInfo("Asia/Makassar")
EMPTY = "–"

BULAN = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

STATUS_LABEL = {
    Status.SELESAI: "Selesai",
    Status.TERCAPAI: "Sesuai target",
    Status.TERLAMBAT: "Tidak tercapai",
    Status.TIDAK_TERHITUNG: "Tidak tercapai",
}


def angka(value: int | float | Decimal | None) -> str:
    """1234567 -> '1.234.567'."""
    if value is None:
        return EMPTY
    return f"{round(value):,}".replace(",", ".")


def desimal(value: float | Decimal | None, places: int = 2) -> str:
    """1234.5 -> '1.234,50'."""
    if value is None:
        return EMPTY
    text = f"{float(value):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def persen(value: float | Decimal | None) -> str:
    """92.45 -> '92,45 %'."""
    return EMPTY if value is None else f"{desimal(value)} %"


def tanggal(value: date | None) -> str:
    """date(2018, 4, 12) -> '12 April 2018'."""
    return EMPTY if value is None else f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_pendek(value: date | None) -> str:
    """date(2018, 4, 12) -> '12 Apr 2018', for narrow table cells."""
    return EMPTY if value is None else f"{value.day} {BULAN[value.month - 1][:3]} {value.year}"


def hari_tanggal(value: date) -> str:
    """date(2018, 4, 12) -> 'Kamis, 12 April 2018'."""
    return f"{HARI[value.weekday()]}, {tanggal(value)}"


def waktu_wita(value: datetime | None) -> datetime | None:
    """An aware time in Asia/Makassar, as a naive wall-clock time; a naive time is kept as it is."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(WITA).replace(tzinfo=None)


def waktu(value: datetime | None) -> str:
    """An aware time as '13 April 2018 02.05 WITA'; a naive one without the zone."""
    if value is None:
        return EMPTY
    zone = " WITA" if value.tzinfo is not None else ""
    local = waktu_wita(value)
    return f"{tanggal(local.date())} {local:%H.%M}{zone}"


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

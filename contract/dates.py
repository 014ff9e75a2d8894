"""The calendar of the contract: the offices' time zone, the programme's first day, the target,
the nightly's hour, and the Indonesian month and day names."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Makassar"  # WITA, the wall clock of every NTB office
WITA = ZoneInfo(TIMEZONE)
EARLIEST_DATE = date(2011, 1, 1)  # start of the e-KTP programme
DEFAULT_TARGET = date(2018, 6, 1)  # the election commission's deadline
NIGHTLY_HOUR = 2  # the nightly runs every day at 02:00 WITA
NIGHTLY_CRON = f"0 {NIGHTLY_HOUR} * * *"

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# Month names as uploads write them (Indonesian and English, full and short) -> month number.
MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "agus", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}


def today_wita() -> date:
    return datetime.now(WITA).date()


def report_day(now: datetime, today: date | None = None) -> tuple[date, timedelta]:
    """The date an office reports for at `now`, and the time left until the nightly takes it.

    The nightly of 02:00 WITA loads the files dated up to the day before, so from 02:00 an office
    reports for that day, and until 02:00 the next night it still may. `today` (the settings'
    fixed "today", tests and replays): that is the date, and only `now`'s time of day counts.
    """
    local = now.astimezone(WITA)
    if today is not None:
        local = datetime.combine(today, local.timetz().replace(tzinfo=None), tzinfo=WITA)
        tanggal = today
    else:
        tanggal = (local - timedelta(hours=NIGHTLY_HOUR)).date()
    deadline = datetime.combine(tanggal + timedelta(days=1), time(NIGHTLY_HOUR), tzinfo=WITA)
    return tanggal, max(deadline - local, timedelta(0))

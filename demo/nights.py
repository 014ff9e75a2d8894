"""When the demo's nightly job runs, and which uploads have arrived by then.

The province starts its daily pipeline on 1 April 2018: that night's run takes the first quarter's
files at once, as a backfill would. Then the job runs at 02:00 WITA (CONTRACT §3, `ektp serve`),
each run deciding what arrived since the last: a report sent the next morning is decided the
following night, Lombok Tengah's correction of 5 April by the run of the night it came. So the
journal, the `_per` macros and "as known on" hold a decision moment per run.

Every night is simulated up to the report of 13 April (the story's correction, its copy, its
checkpoint of 12 April and "as known on 13 April"); after that one run a week stands in for the
nights (a nightly costs some three seconds of CPU, with its report and Data Docs: thirty of them
would triple `make demo`). Which run decides a file changes no figure and no timeliness (a file's
arrival is its modification time). Lombok Timur sends its Monday report the next morning, so 30
April's comes after that night: the last run is on the morning of 1 May, closing April before the
districts sign off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from contract.dates import WITA
from demo.landing import Upload
from demo.simulate import LAST

START = date(2018, 3, 31)  # the first run reports 31 March, taking January to March with it
DAILY_UNTIL = date(2018, 4, 13)  # every night's run up to this report date, then weekly
NIGHTLY = time(2)  # WITA, the served schedule's hour
CLOSING = time(10)  # 1 May: after Lombok Timur's Monday report of 30 April has come


@dataclass(frozen=True)
class Night:
    tanggal: date  # the report date D the run is for
    at: datetime  # when it runs (WITA): its id, its migrations and its decisions take this moment


def nights() -> list[Night]:
    """Every run of the demo, in order."""
    days = [START + timedelta(days=n) for n in range((DAILY_UNTIL - START).days + 1)]
    days += [DAILY_UNTIL + timedelta(days=n) for n in range(7, (LAST - DAILY_UNTIL).days, 7)]
    runs = [Night(day, datetime.combine(day + timedelta(days=1), NIGHTLY, WITA)) for day in days]
    return [*runs, Night(LAST, datetime.combine(LAST + timedelta(days=1), CLOSING, WITA))]


def arrived(pending: list[Upload], by: datetime) -> tuple[list[Upload], list[Upload]]:
    """(arrived by `by`, still to come) of `pending`: an upload lands at its modification time."""
    moment = by.timestamp()
    return [u for u in pending if u.mtime <= moment], [u for u in pending if u.mtime > moment]

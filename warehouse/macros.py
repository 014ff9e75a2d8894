"""The SQL macros the warehouse's own SQL calls (warehouse/sql/helpers/): each kecamatan's latest
report on or before a date (or its date, read from the latest-report table), the scope of a
report, the deadline of a report date, and what sign-offs and locks cover.

They are installed on every connection that runs that SQL: temporary ones on the writer's, the
readers' and the as-of connections, stored ones in the published catalog and in a backup, where the
analysts' `..._per(waktu)` macros call them. Not the analysts' own macros (warehouse/sql/macros/),
which read the marts and are stored after them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import duckdb

from contract.dates import NIGHTLY_HOUR, WITA

# Read here, not through warehouse.read: the readers' connection installs these (no import circle).
HELPERS = Path(__file__).resolve().parent / "sql" / "helpers"


def deadline_seconds() -> int:
    """Seconds from a report date's midnight UTC to the nightly run that takes its files: 02:00 WITA
    the next day (WITA keeps UTC+8 all year)."""
    offset = datetime(2018, 1, 1, tzinfo=WITA).utcoffset() or timedelta(0)
    return int((timedelta(days=1, hours=NIGHTLY_HOUR) - offset).total_seconds())


@cache
def statements() -> tuple[str, ...]:
    """The `create or replace macro` statements, stored form."""
    found = [p.read_text(encoding="utf-8") for p in sorted(HELPERS.glob("*.sql"))]
    # batas_waktu(tanggal): when the files of report date `tanggal` are due, as a timestamptz (epoch
    # seconds: no time-zone table needed). The seconds are the contract's, an integer of ours.
    found.append(
        "create or replace macro batas_waktu(tanggal) as"
        f" to_timestamp(epoch(tanggal::timestamp) + {deadline_seconds():d})"
    )
    return tuple(found)


def install(con: duckdb.DuckDBPyConnection, stored: bool = False) -> None:
    """Create the macros on `con`: temporary (this connection only) unless `stored` (in the
    current database, for the analysts' macros that call them)."""
    for text in statements():
        con.execute(
            text if stored else text.replace("create or replace macro", "create or replace temp macro")
        )

"""transforms/dates.py: how a date column is written into a message."""

from __future__ import annotations

from datetime import date

import polars as pl

from contract import formats
from transforms import dates


def test_a_date_in_a_row_s_message_is_written_as_every_other_message_writes_it():
    # `baris_berbeda` named both dates as ISO (`2018-04-13`) where the file's other messages,
    # the receipts and the portal write `13 April 2018`; one day in each month, and a year's ends
    days = [date(2018, month, 1 + month) for month in range(1, 13)] + [date(2010, 12, 31), date(2011, 1, 1)]
    shown = pl.DataFrame({"d": days}).select(dates.written(pl.col("d")))["d"].to_list()
    assert shown == [formats.tanggal(d) for d in days]
    assert shown[3] == "5 April 2018" and shown[12] == "31 Desember 2010"

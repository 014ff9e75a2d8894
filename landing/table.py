"""An upload as every reader returns it, and as every reader refuses it.

Records are (baris, cells) per non-blank record, `baris` being the 1-based line of the file, or the
sheet row as Excel shows it; an empty cell is "" or None. A reader that cannot read the bytes as a
table raises the finding of the rule registry (`contract/rules.py`) as an exception.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from contract import rules
from contract.errors import TooBig, UnreadableFile

# One upload's records: (baris, cells), blank records dropped; an empty cell is "" or None.
Records = list[tuple[int, Sequence[str | None]]]


def unreadable(case: str, file: str | None = None, **fields: object) -> UnreadableFile:
    """The berkas_tidak_terbaca finding of one case, as the exception that rejects the file."""
    context = {"file": file} if file is not None else {}
    return UnreadableFile(rules.message("berkas_tidak_terbaca", case, **fields), **context)


def too_big(case: str, **fields: object) -> TooBig:
    """The berkas_terlalu_besar finding of one case, as the exception that rejects the file."""
    return TooBig(rules.message("berkas_terlalu_besar", case, **fields))


def records_of(raw: pl.DataFrame) -> Records:
    """The records of a raw cell table (`baris`, `c0..cN`)."""
    return [(row[0], row[1:]) for row in raw.select("baris", pl.exclude("baris")).rows()]

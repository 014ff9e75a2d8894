"""Bytes in, ParsedUpload out: the one entry point the flows call for an upload."""

from __future__ import annotations

from datetime import date

from ektp.errors import UnreadableFile
from ektp.readers import read_cells
from transforms.uploads import ParsedUpload, parse_upload, unreadable_upload


def parse_file(name: str, data: bytes, today: date) -> ParsedUpload:
    """One parsed upload per file; bad input becomes findings, never an exception."""
    try:
        raw = read_cells(name, data)
    except UnreadableFile as exc:
        return unreadable_upload(name, exc.message)
    return parse_upload(raw, name, today)

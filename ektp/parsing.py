"""Bytes in, ParsedUpload out: the entry points the flows call for uploads."""

from __future__ import annotations

from datetime import date

from ektp.errors import UnreadableFile
from ektp.readers import read_records
from transforms.uploads import ParsedUpload, parse_uploads, unreadable_upload


def parse_file(name: str, data: bytes, today: date) -> ParsedUpload:
    """One parsed upload per file; bad input becomes findings, never an exception."""
    return parse_files([(name, data)], today)[0]


def parse_files(files: list[tuple[str, bytes]], today: date) -> list[ParsedUpload]:
    """One parsed upload per (name, bytes), in order, parsed together (see parse_uploads)."""
    readable: list[tuple[int, str, list]] = []
    parsed: list[ParsedUpload | None] = []
    for name, data in files:
        try:
            readable.append((len(parsed), name, read_records(name, data)))
            parsed.append(None)
        except UnreadableFile as exc:
            parsed.append(unreadable_upload(name, exc.message))
    together = parse_uploads([(name, records) for _, name, records in readable], today)
    for (at, _, _), upload in zip(readable, together):
        parsed[at] = upload
    return parsed

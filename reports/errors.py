"""The report's error class, so the CLI can print one clear line."""

from ektp.errors import EktpError


class ReportError(EktpError):
    """The report could not be written: no warehouse, no data for the date, or an unusable file."""

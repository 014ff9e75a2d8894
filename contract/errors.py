"""Error classes that carry their context; the CLI and the portal turn them into one clear line."""

from __future__ import annotations

import errno
from collections.abc import Callable

# The operating system's reasons an operator or an office meets, in the program's language; the
# errno's name stays beside them for the server's administrator. Any other keeps the system's words.
_OS_REASONS = {
    errno.ENOSPC: "disk penuh",
    errno.EDQUOT: "kuota disk habis",
    errno.EACCES: "izin ditolak",
    errno.EPERM: "tidak diizinkan",
    errno.EROFS: "sistem berkas hanya-baca",
    errno.EEXIST: "sudah ada",
    errno.ENOENT: "tidak ada",
    errno.ENOTDIR: "bukan folder",
    errno.EISDIR: "sebuah folder",
    errno.EIO: "galat baca/tulis disk",
    errno.EMFILE: "terlalu banyak berkas terbuka",
    errno.ENAMETOOLONG: "nama terlalu panjang",
    errno.EADDRINUSE: "alamat sudah dipakai",
    errno.EADDRNOTAVAIL: "alamat tidak ada di mesin ini",
}


def os_reason(exc: BaseException) -> str:
    """Why an operation failed, for a line a person reads: `disk penuh [ENOSPC]` for the system's
    common errors, else the system's own words, else the error's text or its class."""
    number = getattr(exc, "errno", None)
    if number in _OS_REASONS:
        return f"{_OS_REASONS[number]} [{errno.errorcode[number]}]"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class Contextual(Exception):
    """An error that carries its context (`key=value` pairs) into its one line."""

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        if not self.context:
            return self.message
        where = ", ".join(f"{k}={v}" for k, v in self.context.items())
        return f"{self.message} ({where})"

    def __reduce__(self) -> tuple[Callable[..., Contextual], tuple[type[Contextual], str, dict[str, object]]]:
        # Dask sends a task's exception back pickled: keep the context, not only the message.
        return (_rebuild, (type(self), self.message, self.context))


def _rebuild(cls: type[Contextual], message: str, context: dict[str, object]) -> Contextual:
    return cls(message, **context)


class EktpError(Contextual):
    """A run could not complete because of the machine, the settings or the data (exit 2);
    `context` says where."""


class Bug(Contextual):
    """An invariant of our own code broke: never the data's or the machine's fault (exit 3)."""


class UsageError(EktpError):
    """Bad arguments or settings: the operator must change the command."""


class WarehouseError(EktpError):
    """The warehouse could not be opened, migrated or written."""


class IncompleteRun(EktpError):
    """The run published its data, but a later step (report, receipts, Data Docs, ...) failed."""


class ReportError(EktpError):
    """The warehouse cannot give the report: no data for the date, an unknown province."""


class ReportNotWritten(ReportError):
    """The report's files could not be written (disk full, a folder that cannot be written)."""


class TransientError(EktpError):
    """Worth retrying: I/O that may succeed a moment later."""


class UnreadableFile(EktpError):
    """An upload whose bytes are not a table we can read (not a run failure: the file is rejected
    under `aturan`: berkas_tidak_terbaca, or berkas_terlalu_besar for one over a size limit)."""

    aturan = "berkas_tidak_terbaca"


class TooBig(UnreadableFile):
    """An upload over a size limit: too many lines or rows, or a sheet that unpacks too large."""

    aturan = "berkas_terlalu_besar"


class ClockBehind(WarehouseError):
    """This machine's clock is behind the warehouse's last decision: a run would stamp decisions
    before ones already made."""


class PrefectServerError(EktpError):
    """The Prefect server `ektp serve` needs could not be started or reached."""


# What the machine or the data can do to a run: reported as an operations failure (exit 2), a
# step after publishing records it and goes on. Anything else is a bug.
ENVIRONMENT_FAILURES: tuple[type[BaseException], ...] = (OSError, EktpError)

"""The landing folder: one inbox per kabupaten, never modified, replayed by backfills.

Names come from the operating system as bytes (an old Windows client writes Windows-1252 names):
`path` keeps the real name for I/O, `file` and `kode_kabupaten` are the escaped text that is
stored and shown. Only regular files are ever opened, without following links and without
blocking (a FIFO in an inbox must not hang the run), and never one over the size limit.

Uploads land while a run scans (SFTP and rsync write a temporary name, then rename it): an entry
that vanishes between the listing, its stat, its hashing and its read is not there this run
(the listing leaves it out, reads raise Gone), and the next run lists it under its new name.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from contract import rules
from contract.errors import EktpError, TransientError, UsageError, os_reason
from contract.filetypes import MAX_FILE_BYTES
from contract.formats import angka, path_texts, visible

_KINDS = {
    stat.S_IFIFO: "FIFO",
    stat.S_IFSOCK: "soket",
    stat.S_IFCHR: "perangkat",
    stat.S_IFBLK: "perangkat",
    stat.S_IFDIR: "folder",
}
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LandingFile:
    """One entry as found in the landing folder (stat only, no bytes read yet)."""

    file: str  # path relative to the landing folder, '/'-separated, escaped: unggahan.file
    kode_kabupaten: str | None  # the inbox folder's name, escaped; None for a file directly in landing
    # Where it lies, as the listing gave it (bytes) or as a caller named it: `path` makes the Path
    # only for a file that is read, not for every file of the archive a scan stats.
    location: bytes | str | os.PathLike[str]
    size: int
    mtime_ns: int
    # Why the file cannot be taken where it lies (unknown inbox, landing root): it is read for
    # its date only, and rejected.
    problem: str | None = None
    ctime_ns: int = 0  # the inode's change time: a rewrite cannot preserve it, unlike mtime
    inode: int = 0
    mode: int = stat.S_IFREG

    @property
    def path(self) -> Path:
        """The real path, for I/O."""
        return Path(os.fsdecode(self.location))

    @property
    def name(self) -> str:
        """The escaped base name, what parsing reads dates and the format from."""
        return self.file.rsplit("/", 1)[-1]


class Refused(Exception):
    """A landing entry that is never read: `aturan` and `pesan` of its one finding."""

    def __init__(self, aturan: str, pesan: str) -> None:
        super().__init__(pesan)
        self.aturan, self.pesan = aturan, pesan


class Gone(Exception):
    """A listed entry that no longer exists under its name (renamed or deleted since the scan).

    Not an unreadable file and not worth retrying: the name will not come back, and a renamed
    file is a new path that the next run lists. The caller leaves it out of this run."""

    def __init__(self, file: str) -> None:
        super().__init__(f"berkas hilang sejak dipindai: {file}")
        self.file = file


# One row per entry, the LandingFile's fields in its order (`files` makes them).
LISTING = pl.Schema(
    {
        "file": pl.String,
        "kode_kabupaten": pl.String,
        "location": pl.Binary,
        "size": pl.Int64,
        "mtime_ns": pl.Int64,
        "problem": pl.String,
        "ctime_ns": pl.Int64,
        "inode": pl.Int64,
        "mode": pl.Int64,
    }
)
# GNU find prints, for each entry, its type, size, times and inode (one field: a Python object per
# entry, not per figure), then its path, each field ended by NUL: the one byte a name cannot hold.
# A time is `seconds.nanoseconds` then a tenth digit, seconds negative before 1970 (-1.25 s prints
# as -2.7500000000).
_FIELDS = ("%y %s %T@ %C@ %i", "%p")
_FIND_FORMAT = "".join(f + "\\0" for f in _FIELDS)
_TYPES = {
    "f": stat.S_IFREG,
    "l": stat.S_IFLNK,
    "p": stat.S_IFIFO,
    "s": stat.S_IFSOCK,
    "c": stat.S_IFCHR,
    "b": stat.S_IFBLK,
}
# find's output is parsed a megabyte at a time: never a Python object per archived file and field.
_READ = 1 << 20
_GONE = (b"No such file or directory", b"Not a directory")


def listing(landing: Path, inboxes: frozenset[str]) -> pl.DataFrame:
    """Every entry under `landing` that is not a folder (a link to one is an entry), with its
    lstat, in the order of its path: one row per entry, LISTING's columns.

    The landing folder is the archive (CONTRACT §1): a night lists and stats every file ever sent,
    575,000 after three national years. GNU find does it natively, one process per CPU over the
    inboxes, and its output is parsed as frames: no Python object is kept per archived file
    (`files` makes them for the rows a run reads). An entry that vanishes between its folder's
    listing and its stat (an SFTP or rsync upload renamed from its temporary name, a folder moved)
    is left out by find: it is not there this run, and its new name is seen by the next."""
    root = os.fsencode(landing)
    try:
        names = sorted(os.listdir(root))
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"folder landing tidak ada: {landing}") from None
    # `./` before a relative folder that could read as an option to find.
    prefix = (root if root.startswith(b"/") else b"./" + root) + b"/"
    workers = _workers()
    groups = [g for i in range(workers) if (g := [prefix + n for n in names[i::workers]])]
    with ThreadPoolExecutor(workers) as pool:
        parts = [part for frames in pool.map(_listed, groups) for part in frames]
    found = pl.concat([_frame([]), *parts]).filter(pl.col("kind") != "d")
    found = found.with_columns(rel=pl.col("path").bin.slice(len(prefix))).sort("path")
    found = found.with_columns(file=path_texts(found["rel"]))
    found = found.with_columns(
        inbox=pl.col("file").str.split_exact("/", 1).struct.field("field_0"),
        in_root=~pl.col("file").str.contains("/", literal=True),
    )
    foreign = {k: _unreadable("folder_asing", folder=k) for k in found["inbox"].unique() if k not in inboxes}
    return found.select(
        "file",
        kode_kabupaten=pl.when("in_root").then(None).otherwise("inbox"),
        location="path",  # as find named it: the folder as given (after `./`), then the entry
        size="size",
        mtime_ns="mtime_ns",
        problem=pl.when("in_root")
        .then(pl.lit(_unreadable("di_landing")))
        .otherwise(pl.col("inbox").replace_strict(foreign, default=None, return_dtype=pl.String)),
        ctime_ns="ctime_ns",
        inode="inode",
        mode=pl.col("kind").replace_strict(_TYPES, default=0, return_dtype=pl.Int64),
    ).cast(LISTING)


def _workers() -> int:
    """find processes at once: the stats are the kernel's work, shared by the CPUs (at most 4)."""
    return max(1, min(4, len(os.sched_getaffinity(0))))


def files(found: pl.DataFrame) -> list[LandingFile]:
    """The rows of a listing as LandingFiles (for the files a run reads: only those)."""
    return [LandingFile(*row) for row in found.select(LISTING.names()).iter_rows()]


def _listed(starts: list[bytes]) -> list[pl.DataFrame]:
    """The entries at and under `starts` (never following a link), as frames of find's fields."""
    return [_frame(fields) for fields in _find(starts)]


def _find(starts: list[bytes]) -> Iterator[list[bytes]]:
    """find's fields, whole entries at a time. An entry gone before find could stat it is left
    out; any other message (a folder that cannot be read) is logged, and that folder's files are
    seen by a run that can read them."""
    command = [b"find", b"-P", *starts, b"-printf", _FIND_FORMAT.encode()]
    # Messages go to a file, not a pipe: one per vanished entry could fill a pipe and block find.
    with tempfile.TemporaryFile() as messages:
        try:
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=messages,
                env={**os.environ, "LC_ALL": "C"},  # messages in English, a point before the fraction
            )
        except OSError as exc:
            raise EktpError(
                "perintah `find` (GNU findutils) tidak dapat dijalankan", reason=os_reason(exc)
            ) from exc
        with proc:
            assert proc.stdout is not None
            rest = b""
            while block := proc.stdout.read(_READ):
                fields = (rest + block).split(b"\0")
                whole = (len(fields) - 1) // len(_FIELDS) * len(_FIELDS)
                rest = b"\0".join(fields[whole:])
                yield fields[:whole]
        messages.seek(0)
        said = messages.read().splitlines()
    gone = sum(line.endswith(_GONE) for line in said)
    if gone:
        log.debug("landing: %d entri hilang sebelum di-stat", gone)
    for line in said:
        if not line.endswith(_GONE):
            log.warning("landing: %s", visible(os.fsdecode(line)))
    if proc.returncode not in (0, 1) or (proc.returncode and not said):
        raise EktpError("folder landing tidak dapat didaftar", code=proc.returncode)


def _frame(fields: list[bytes]) -> pl.DataFrame:
    """find's fields of whole entries as a frame: the path's bytes as they are, the rest parsed."""
    stat_ = pl.Series(fields[0::2], dtype=pl.Binary).cast(pl.String).str.split_exact(" ", 4)
    parts = pl.DataFrame({"stat": stat_, "path": pl.Series(fields[1::2], dtype=pl.Binary)}).unnest("stat")

    def ns(field: str) -> pl.Expr:
        time_ = pl.col(field).str.split_exact(".", 1)
        seconds = time_.struct.field("field_0").cast(pl.Int64)
        return seconds * 1_000_000_000 + time_.struct.field("field_1").str.slice(0, 9).cast(pl.Int64)

    return parts.select(
        kind=pl.col("field_0"),
        size=pl.col("field_1").cast(pl.Int64),
        mtime_ns=ns("field_2"),
        ctime_ns=ns("field_3"),
        inode=pl.col("field_4").cast(pl.Int64),
        path=pl.col("path"),
    )


def refusal(f: LandingFile) -> Refused | None:
    """Why the entry must not be read at all (a link, not a regular file, over the size limit)."""
    if f.mode == stat.S_IFLNK:
        return Refused("berkas_tidak_terbaca", _unreadable("tautan"))
    if f.mode != stat.S_IFREG:
        return Refused("berkas_tidak_terbaca", _unreadable("bukan_berkas", jenis=_KINDS.get(f.mode, "lain")))
    if f.size > MAX_FILE_BYTES:
        return _too_big(f.size)
    return None


def identity(f: LandingFile) -> str:
    """The sha256 of an entry that is never read: a regular file's bytes (streamed, never held
    whole), a link's target, another entry's kind and name. Gone when it no longer exists."""
    if f.mode == stat.S_IFLNK:
        try:
            return sha256(b"symlink:" + os.fsencode(os.readlink(f.path)))
        except (FileNotFoundError, NotADirectoryError):
            raise Gone(f.file) from None
        except OSError:  # no longer a link: it changed under us, identified by where it lies
            return sha256(b"unreadable:" + os.fsencode(f.path))
    if f.mode != stat.S_IFREG:
        _still_there(f)  # a FIFO or socket is never opened: only its name is asked for
        return sha256(b"special:%d:" % f.mode + os.fsencode(f.path.name))
    digest = hashlib.sha256()
    try:
        fd, _ = _open(f)
    except (Refused, TransientError):  # it changed under us: identified by where it lies
        return sha256(b"unreadable:" + os.fsencode(f.path))
    try:
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()


def read_bytes(f: LandingFile) -> bytes:
    """The file's bytes; a failed read is transient (the uploader may still hold it), a file that
    turned into something else since it was listed is refused, one that is gone is Gone.

    Once open, the bytes read are those of the file as it was opened, even if it is renamed or
    deleted meanwhile: what was there at the open is what this run decides."""
    fd, size = _open(f)
    try:
        # Sized by the file as opened: a read sized by the limit allocates its 20 MB for every
        # file (~20 us a file). A short read is the end of the file; one that is not means the
        # file grew since it was opened, and it is read on, to its end or past the limit.
        data = _read(fd, min(size, MAX_FILE_BYTES) + 1)
        if len(data) > size:
            data += _read(fd, MAX_FILE_BYTES + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _read(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes of the open file, fewer only at its end. On the descriptor itself: a
    buffered file object costs more to make (~7 us) than a 15-row report takes to read."""
    parts = []
    while limit > 0 and (chunk := os.read(fd, limit)):
        parts.append(chunk)
        limit -= len(chunk)
    return b"".join(parts)


def _open(f: LandingFile) -> tuple[int, int]:
    """The listed file opened for reading (never through a link), and its size as opened; the
    caller closes the descriptor."""
    try:
        fd = os.open(f.path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link since it was listed
            raise Refused("berkas_tidak_terbaca", _unreadable("tautan")) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):  # renamed or deleted since it was listed
            raise Gone(f.file) from None
        raise TransientError("berkas tidak dapat dibaca", file=f.file, reason=os_reason(exc)) from exc
    opened = os.fstat(fd)
    mode = stat.S_IFMT(opened.st_mode)
    if mode != stat.S_IFREG:
        os.close(fd)
        raise Refused("berkas_tidak_terbaca", _unreadable("bukan_berkas", jenis=_KINDS.get(mode, "lain")))
    os.set_blocking(fd, True)
    return fd, opened.st_size


def _still_there(f: LandingFile) -> None:
    try:
        os.lstat(f.path)
    except (FileNotFoundError, NotADirectoryError):
        raise Gone(f.file) from None


def _too_big(size: int) -> Refused:
    pesan = rules.message("berkas_terlalu_besar", "ukuran", ukuran=angka(size), batas=angka(MAX_FILE_BYTES))
    return Refused("berkas_terlalu_besar", pesan)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unreadable(case: str, **fields: object) -> str:
    return rules.message("berkas_tidak_terbaca", case, **fields)

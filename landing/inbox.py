"""The landing folder: one inbox per kabupaten, never modified, replayed by backfills.

Names come from the operating system as bytes (an old Windows client writes Windows-1252 names):
`path` keeps the real name for I/O, `file` and `kode_kabupaten` are the escaped text that is
stored and shown. Only regular files are ever opened, without following links and without
blocking (a FIFO in an inbox must not hang the run), and never one over the size limit.

Uploads land while a run scans (SFTP and rsync write a temporary name, then rename it): an entry
that vanishes between the listing, its stat, its hashing and its read is not there this run
(`examine` gives None, reads raise Gone), and the next run lists it under its new name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from contract import rules
from contract.errors import TransientError, UsageError
from contract.filetypes import MAX_FILE_BYTES
from contract.formats import angka, path_text

_KINDS = {
    stat.S_IFIFO: "FIFO",
    stat.S_IFSOCK: "soket",
    stat.S_IFCHR: "perangkat",
    stat.S_IFBLK: "perangkat",
    stat.S_IFDIR: "folder",
}
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 1 << 20


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


def discover(landing: Path, inboxes: frozenset[str]) -> list[LandingFile]:
    """Every entry under `landing` that is not a folder, with the reason it cannot be taken where
    there is one.

    An entry that vanishes between the listing and its stat (an SFTP or rsync upload renamed from
    its temporary name, a folder moved) is not there this run; its new name is seen by the next."""
    return [f for name in listing(landing, inboxes) if (f := examine(name)) is not None]


@dataclass(frozen=True)
class Listed:
    """A name as a folder listing gave it, not yet examined: it may be gone by then."""

    root: bytes
    full: bytes
    kode: str | None  # the inbox folder's name, escaped; None for a file directly in landing
    problem: str | None


def listing(landing: Path, inboxes: frozenset[str]) -> list[Listed]:
    """The names under `landing` that are not folders (a link to one is a name), in order."""
    if not landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {landing}")
    root = os.fsencode(landing)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):  # gone since the check above
        raise UsageError(f"folder landing tidak ada: {landing}") from None
    found: list[Listed] = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):  # False for an entry gone since the listing
            kode = path_text(entry.name)
            problem = None if os.fsdecode(entry.name) in inboxes else _unreadable("folder_asing", folder=kode)
            found.extend(_walk_inbox(root, entry.path, kode, problem))
        else:
            found.append(Listed(root, entry.path, None, _unreadable("di_landing")))
    return found


def _walk_inbox(root: bytes, inbox: bytes, kode: str, problem: str | None) -> list[Listed]:
    # Byte paths and one lstat per entry (in `examine`): at national scale (23,000 files)
    # pathlib's relative_to and a second stat per file cost more than the walk itself. os.walk
    # skips a folder that is gone before it is listed (its onerror is None).
    out = []
    for folder, dirs, files in os.walk(inbox, followlinks=False):
        dirs.sort()
        names = sorted(files) + [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        out += [Listed(root, os.path.join(folder, name), kode, problem) for name in names]
    return out


def examine(name: Listed) -> LandingFile | None:
    """The listed entry as it is now (one lstat, never followed), or None when it is gone."""
    try:
        st = os.lstat(name.full)
    except (FileNotFoundError, NotADirectoryError):  # renamed or deleted, or its folder was
        return None
    # The listing joined every name onto `root` as given, so the relative path is what follows it:
    # os.path.relpath made both absolute first, the largest share of a scan that stats every file
    # ever sent (the landing folder is the archive: 563,000 files after three national years).
    rel = path_text(name.full[len(name.root) :].lstrip(b"/").replace(os.sep.encode(), b"/"))
    return LandingFile(
        rel,
        name.kode,
        name.full,
        st.st_size,
        st.st_mtime_ns,
        name.problem,
        st.st_ctime_ns,
        st.st_ino,
        stat.S_IFMT(st.st_mode),
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
        with _open(f) as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except (Refused, TransientError):  # it changed under us: identified by where it lies
        return sha256(b"unreadable:" + os.fsencode(f.path))
    return digest.hexdigest()


def read_bytes(f: LandingFile) -> bytes:
    """The file's bytes; a failed read is transient (the uploader may still hold it), a file that
    turned into something else since it was listed is refused, one that is gone is Gone.

    Once open, the bytes read are those of the file as it was opened, even if it is renamed or
    deleted meanwhile: what was there at the open is what this run decides."""
    with _open(f) as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    return data


def _open(f: LandingFile) -> BinaryIO:
    try:
        fd = os.open(f.path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # it became a link since it was listed
            raise Refused("berkas_tidak_terbaca", _unreadable("tautan")) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):  # renamed or deleted since it was listed
            raise Gone(f.file) from None
        raise TransientError("berkas tidak dapat dibaca", file=f.file, reason=exc.strerror) from exc
    mode = stat.S_IFMT(os.fstat(fd).st_mode)
    if mode != stat.S_IFREG:
        os.close(fd)
        raise Refused("berkas_tidak_terbaca", _unreadable("bukan_berkas", jenis=_KINDS.get(mode, "lain")))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


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

"""The steps of a run before its load, as plain functions: which files to take, and their decisions.

The Prefect flows wire them as tasks; `ektp check` calls the same decision and history steps. The
load itself is pipeline.muat.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime

import duckdb
import polars as pl

from contract import rules
from contract.formats import tanggal as tanggal_id
from contract.formats import waktu
from contract.regions import Reference
from contract.settings import Settings
from expectations.engine import Validator
from landing import inbox
from landing.inbox import LandingFile
from pipeline import batch as batches
from pipeline.batch import Batch, Upload
from transforms.batch import FINDINGS
from transforms.decisions import decide
from warehouse import persetujuan, read


def new_run_id(at: datetime | None = None) -> str:
    """A run's id: its start (`at`, the settings' pinned clock, or now) in UTC, and a random tail."""
    return (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


# A client's clock may run a few minutes ahead of the server's.
CLOCK_SKEW_NS = 5 * 60 * 1_000_000_000


def scan(
    settings: Settings, reference: Reference, now_ns: int | None = None
) -> tuple[pl.DataFrame, list[str]]:
    """Landing files to take (`inbox.listing`'s rows), and those still being written (left for
    the next run, named).

    A file is still being written while its modification time is recent (every write moves it;
    a copy that preserves an old stamp sets it at the end). A modification time in the future (a
    client's wrong clock) holds a file only within CLOCK_SKEW_NS of now, never for ever."""
    found = inbox.listing(settings.landing, reference.kabupaten_codes)
    now = time.time_ns() if now_ns is None else now_ns
    cutoff = now - settings.min_age_seconds * 1_000_000_000
    uploading = pl.col("mtime_ns").is_between(cutoff, now + CLOCK_SKEW_NS, closed="right")
    waiting = found.filter(uploading)["file"].unique()
    return found.filter(~pl.col("file").is_in(waiting.implode())), sorted(waiting)


# A listing's stat, and the ledger's names of it.
_STAT = ("file", "size", "mtime_ns", "ctime_ns", "inode")
_LEDGER_STAT = ("file", "ukuran", "diubah_pada_ns", "diubah_status_ns", "inode")


def _unseen(found: pl.DataFrame, known: pl.DataFrame) -> pl.DataFrame:
    names = zip(_LEDGER_STAT, _STAT, strict=True)
    decided = known.select(pl.col(ledger).cast(inbox.LISTING[name]).alias(name) for ledger, name in names)
    return found.join(decided, on=list(_STAT), how="anti", maintain_order="left")


def unseen(found: pl.DataFrame, known: pl.DataFrame) -> list[LandingFile]:
    """Files whose path and stat (size, modification and inode-change time, inode) match no
    decided file (cheap: no hashing; one join over the archive's listing, objects only for these).
    A rewrite that keeps size and mtime changes the ctime."""
    return inbox.files(_unseen(found, known))


def _current(known: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """One ledger row per file: its last in the ledger's order (a file rewritten with another
    date has a row per version)."""
    return known.select("file", *columns).unique("file", keep="last", maintain_order=True)


def _decided(known: pl.DataFrame, uploads: list[Upload]) -> set[tuple[str, str]]:
    """The (file, sha256) of the decided versions of the uploads' files: `known` holds every file
    of the archive, a set of it all would cost a tuple per archived file."""
    rows = known.filter(pl.col("file").is_in([u.source.file for u in uploads]))
    return set(rows.select("file", "sha256").iter_rows())


def restated(uploads: list[Upload], known: pl.DataFrame) -> pl.DataFrame:
    """Decided files read again because their stat changed though their bytes did not (touched,
    restored from a backup): their new stat, so that the next run does not read them again."""
    decided = _decided(known, uploads)
    same = [(u.source, u.sha256) for u in uploads if (u.source.file, u.sha256) in decided]
    return pl.DataFrame(
        [(f.file, sha, f.size, f.mtime_ns, f.ctime_ns, f.inode) for f, sha in same],
        orient="row",
        schema={
            "file": pl.String,
            "sha256": pl.String,
            "ukuran": pl.Int64,
            "diubah_pada_ns": pl.Int64,
            "diubah_status_ns": pl.Int64,
            "inode": pl.Int64,
        },
    )


def new_uploads(uploads: list[Upload], known: pl.DataFrame) -> list[Upload]:
    """Uploads whose path and bytes were never decided (a touched file is not new)."""
    seen = _decided(known, uploads)
    return [u for u in uploads if (u.source.file, u.sha256) not in seen]


def known_date(known: pl.DataFrame, file: str) -> date | None:
    """The report date the ledger holds for an already-decided file."""
    dates = known.filter(pl.col("file") == file)["tanggal"]
    return dates[0] if dates.len() else None


def group_of(u: Upload) -> tuple[str, date] | None:
    if u.source.kode_kabupaten is None or u.tanggal is None:
        return None
    return (u.source.kode_kabupaten, u.tanggal)


def peers(
    found: pl.DataFrame, known: pl.DataFrame, groups: set[tuple[str, date]], exclude: set[str]
) -> list[LandingFile]:
    """Already-decided landing files of the given districts and dates: they are re-decided too."""
    if not groups:
        return []
    wanted = pl.DataFrame(
        list(groups), schema={"kode_kabupaten": pl.String, "tanggal": pl.Date}, orient="row"
    )
    # Joins, not a dict per file: `found` and `known` hold every file ever sent (575,000 rows
    # after three national years).
    decided = _current(known, "kode_kabupaten", "tanggal").join(wanted, on=["kode_kabupaten", "tanggal"])
    chosen = found.filter(
        pl.col("file").is_in(decided["file"].implode()), ~pl.col("file").is_in(list(exclude))
    )
    return inbox.files(chosen)


def due(uploads: list[Upload], report_date: date, today: date) -> tuple[list[Upload], list[Upload]]:
    """(to take now, waiting): a file dated after D but not after today waits for a later run; one
    dated after today is taken now, to be rejected."""
    waiting = [u for u in uploads if u.tanggal is not None and report_date < u.tanggal <= today]
    parked = {id(u) for u in waiting}
    return [u for u in uploads if id(u) not in parked], waiting


def groups(uploads: list[Upload]) -> set[tuple[str, date]]:
    """The districts and dates the uploads belong to."""
    return {g for u in uploads if (g := group_of(u))}


def held(
    files: list[LandingFile], unreadable: list[str], known: pl.DataFrame
) -> set[tuple[str | None, date]]:
    """Districts and dates of already-decided files that cannot be read now: they keep their
    figures and are re-decided whole by a later run."""
    missing = set(unreadable)
    return {(f.kode_kabupaten, d) for f in files if f.file in missing and (d := known_date(known, f.file))}


def locked_out(
    uploads: list[Upload], locked: set[tuple[str | None, date]], known: pl.DataFrame
) -> list[Upload]:
    """The uploads without the already-decided files of locked districts and dates: a locked date's
    figures and statuses stay as they are; only a new file is decided (refused as locked)."""
    decided = _decided(known, uploads)
    return [u for u in uploads if group_of(u) not in locked or (u.source.file, u.sha256) not in decided]


def without(uploads: list[Upload], groups_: set[tuple[str | None, date]]) -> list[Upload]:
    return [u for u in uploads if group_of(u) not in groups_]


def in_range(
    found: pl.DataFrame, known: pl.DataFrame, start: date, end: date, kabupaten: set[str] | None
) -> list[LandingFile]:
    """For a backfill: files of the chosen districts that are new, or dated within the range."""
    fresh = _unseen(found, known)["file"]
    dated = _current(known, "tanggal")
    chosen = found.join(dated, on="file", how="left", maintain_order="left").filter(
        pl.col("file").is_in(fresh.implode()) | pl.col("tanggal").is_between(start, end),
        pl.col("kode_kabupaten").is_in(list(kabupaten)) if kabupaten else pl.lit(True),
    )
    return inbox.files(chosen)


def decide_batch(
    uploads: list[Upload],
    reference: Reference,
    validator: Validator,
    terkunci: dict[tuple[str, date], persetujuan.Kunci] | None = None,
) -> tuple[Batch, pl.DataFrame]:
    """Validate every upload in one GX run and decide each file's status; a file of a locked
    district and date (`terkunci`, with who locked it) is refused as `periode_terkunci`."""
    checked = batches.validate(batches.assemble(uploads), reference, validator)
    if terkunci:
        checked = Batch(checked.files, checked.rows, pl.concat([checked.findings, locked(checked, terkunci)]))
    errors = batches.error_files(checked).with_columns(has_error=pl.lit(True))
    files = checked.files.join(errors, on="file_id", how="left").with_columns(
        pl.col("has_error").fill_null(False)
    )
    return checked, decide(files, frozenset(terkunci or ()))


def locked(checked: Batch, terkunci: dict[tuple[str, date], persetujuan.Kunci]) -> pl.DataFrame:
    """A `periode_terkunci` finding for each file of a locked district and date, naming who locked it."""
    found = []
    for file_id, kode, tanggal in checked.files.select("file_id", "kode_kabupaten", "tanggal").iter_rows():
        if (kunci := terkunci.get((kode, tanggal))) is not None:
            pesan = rules.message(
                "periode_terkunci",
                "berkas",
                kabupaten=kode,
                tanggal=tanggal_id(tanggal),
                oleh=kunci.oleh,
                pada=waktu(kunci.pada),
            )
            found.append({"file_id": file_id, **rules.finding("periode_terkunci", pesan)})
    return pl.DataFrame(found, schema=FINDINGS)


def arrive(uploads: list[Upload], recorded: dict[tuple[str, str], int]) -> None:
    """Each upload's arrival: the one recorded when its file version was first seen (decided
    before, or seen waiting), else the one it was read with (the earlier of its modification
    time and now). Recorded once, never moved (CONTRACT §2)."""
    for u in uploads:
        if (at := recorded.get((u.source.file, u.sha256))) is not None:
            u.tiba_ns = at


def history_warnings(
    con: duckdb.DuckDBPyConnection, checked: Batch, files: pl.DataFrame, validator: Validator
) -> pl.DataFrame:
    """Warnings of the valid files' rows against each kecamatan's previous loaded report.

    A function of its own so that its frames (every loaded report, ~60 MB at 23,000 files) are
    freed before the DuckDB load, the run's memory peak.
    """
    valid = files.filter(pl.col("status").is_in(["loaded", "superseded"]))
    current = checked.rows.join(files.filter(pl.col("status") == "loaded").select("file_id"), on="file_id")
    before = read.loaded_reports(con, files)
    loaded = pl.concat([before, current.select(before.columns)], how="vertical_relaxed")
    return batches.history_findings(
        checked.rows.join(valid.select("file_id"), on="file_id"), loaded, validator
    )

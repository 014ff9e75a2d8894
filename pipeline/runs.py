"""The steps of a run, as plain functions: which files to take, their decisions, the load.

The Prefect flows wire them as tasks; `ektp check` calls the same decision and history steps.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

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
from reports import persetujuan_receipts
from reports import receipts as receipt_docs
from transforms import ledger
from transforms.batch import FINDINGS
from transforms.decisions import decide
from warehouse import db, journal, marts, persetujuan, read, store, terakhir, tercatat


def new_run_id(at: datetime | None = None) -> str:
    """A run's id: its start (`at`, the settings' pinned clock, or now) in UTC, and a random tail."""
    return (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]


# A client's clock may run a few minutes ahead of the server's.
CLOCK_SKEW_NS = 5 * 60 * 1_000_000_000


def scan(
    settings: Settings, reference: Reference, now_ns: int | None = None
) -> tuple[list[LandingFile], list[str]]:
    """Landing files to take, and those still being written (left for the next run, named).

    A file is still being written while its modification time is recent (every write moves it;
    a copy that preserves an old stamp sets it at the end). A modification time in the future (a
    client's wrong clock) holds a file only within CLOCK_SKEW_NS of now, never for ever."""
    found = inbox.discover(settings.landing, reference.kabupaten_codes)
    now = time.time_ns() if now_ns is None else now_ns
    cutoff = now - settings.min_age_seconds * 1_000_000_000

    def uploading(f: LandingFile) -> bool:
        return cutoff < f.mtime_ns <= now + CLOCK_SKEW_NS

    waiting = {f.file for f in found if uploading(f)}
    return [f for f in found if f.file not in waiting], sorted(waiting)


def _stats(files: pl.DataFrame) -> set[tuple]:
    columns = ("file", "ukuran", "diubah_pada_ns", "diubah_status_ns", "inode")
    return set(zip(*(files[c].to_list() for c in columns), strict=True))


def unseen(files: list[LandingFile], known: pl.DataFrame) -> list[LandingFile]:
    """Files whose path and stat (size, modification and inode-change time, inode) match no
    decided file (cheap: no hashing). A rewrite that keeps size and mtime changes the ctime."""
    seen = _stats(known)
    return [f for f in files if (f.file, f.size, f.mtime_ns, f.ctime_ns, f.inode) not in seen]


def restated(uploads: list[Upload], known: pl.DataFrame) -> pl.DataFrame:
    """Decided files read again because their stat changed though their bytes did not (touched,
    restored from a backup): their new stat, so that the next run does not read them again."""
    decided = set(zip(known["file"].to_list(), known["sha256"].to_list(), strict=True))
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
    seen = set(zip(known["file"].to_list(), known["sha256"].to_list(), strict=True))
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
    files: list[LandingFile], known: pl.DataFrame, groups: set[tuple[str, date]], exclude: set[str]
) -> list[LandingFile]:
    """Already-decided landing files of the given districts and dates: they are re-decided too."""
    if not groups:
        return []
    # Column lists, not iter_rows(named=True): `known` holds every file ever decided (183,000 rows
    # after a year at national scale), and a dict per row costs a second a run.
    current = dict(
        zip(
            known["file"].to_list(),
            zip(known["kode_kabupaten"].to_list(), known["tanggal"].to_list(), strict=True),
            strict=True,
        )
    )
    return [f for f in files if f.file not in exclude and current.get(f.file) in groups]


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
    decided = set(zip(known["file"].to_list(), known["sha256"].to_list(), strict=True))
    return [u for u in uploads if group_of(u) not in locked or (u.source.file, u.sha256) not in decided]


def without(uploads: list[Upload], groups_: set[tuple[str | None, date]]) -> list[Upload]:
    return [u for u in uploads if group_of(u) not in groups_]


def in_range(
    files: list[LandingFile], known: pl.DataFrame, start: date, end: date, kabupaten: set[str] | None
) -> list[LandingFile]:
    """For a backfill: files of the chosen districts that are new, or dated within the range."""
    dated = dict(zip(known["file"].to_list(), known["tanggal"].to_list(), strict=True))
    fresh = {f.file for f in unseen(files, known)}
    chosen = []
    for f in files:
        if kabupaten and f.kode_kabupaten not in kabupaten:
            continue
        when = dated.get(f.file)
        if f.file in fresh or (when is not None and start <= when <= end):
            chosen.append(f)
    return chosen


@dataclass
class Outcome:
    """What a run decided and wrote."""

    files: pl.DataFrame  # FILE_SCHEMA + status
    findings: pl.DataFrame
    unggahan: pl.DataFrame
    kualitas: pl.DataFrame
    gx_runs: int


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


def write(
    session: store.WriteSession,
    checked: Batch,
    files: pl.DataFrame,
    reference: Reference,
    validator: Validator,
    run_id: str,
    stats: pl.DataFrame | None = None,
    waiting: Sequence[Upload] = (),
    decided_at: datetime | None = None,
) -> Outcome:
    """Load the decisions, history warnings and figures in one transaction, with the receipts they
    owe and the arrival of the files that wait; bring the marts up to date. `stats`: new stat of
    re-read files whose bytes did not change (runs.restated). `decided_at`: the settings' pinned
    clock (Settings.now); otherwise the decisions take the moment they are committed."""
    now = decided_at or datetime.now(UTC)

    def load(con: duckdb.DuckDBPyConnection) -> Outcome:
        findings = pl.concat([checked.findings, history_warnings(con, checked, files, validator)])
        signed = persetujuan.signed_figures(con, files.filter(pl.col("tanggal").is_not_null()))
        unggahan, kualitas, retired = store_decisions(
            con,
            files,
            findings,
            checked.rows,
            reference,
            run_id,
            now,
            rebuild=session.cakupan_diubah,
            stats=stats,
        )
        withdrawn = persetujuan.withdraw_changed(con, signed, run_id)
        everyone = pl.concat([unggahan, retired], how="vertical_relaxed")
        owe_receipts(con, everyone, kualitas, run_id, now, withdrawn, files)
        tercatat.remember_arrivals(con, arrivals_of(waiting), files)
        return Outcome(files, findings, unggahan, kualitas, validator.runs)

    return session.transaction(load)  # one transaction, done again whole when DuckDB runs out of memory


def store_decisions(
    con: duckdb.DuckDBPyConnection,
    files: pl.DataFrame,
    findings: pl.DataFrame,
    rows: pl.DataFrame,
    reference: Reference,
    run_id: str,
    now: datetime,
    rebuild: bool = False,
    stats: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The ledger, findings, figures and journal of the decided files (and the new `stats` of
    re-read unchanged ones), and the marts' rows of the districts and dates they touch (every row
    with `rebuild`); inside the caller's transaction. Returns the ledger rows and findings written,
    and the ledger rows of the loaded files this retired (their path now holds other bytes)."""
    stats = stats if stats is not None else pl.DataFrame(schema={"file": pl.String, "sha256": pl.String})
    if stats.height:
        store.restat(con, stats)
    store.load_reference(con, reference)
    before = marts.bounds(con)
    unggahan = ledger.unggahan(files, findings, run_id, now)
    kualitas = ledger.kualitas_data(files, findings, run_id)
    riwayat = ledger.riwayat(files, rows, run_id, now)
    # Kept history: figures about to be dropped are archived first, the changed decisions logged after.
    journal.keep_figures(con, files)
    retired = store.replace_files(
        con, files.select("file", "sha256", "kode_kabupaten", "tanggal"), unggahan, kualitas, riwayat
    )
    journal.record(con, run_id, now, journal.keys(files, retired, stats))
    # Only the marts' rows of the districts and dates decided now (and, when the run moved the
    # spines' end, every district's new days); a scope changed on purpose rebuilds them all.
    groups = files.select("kode_kabupaten", "tanggal")
    perubahan = (
        None
        if rebuild
        else marts.changes(groups, before, marts.bounds(con), reference.kabupaten_codes_sorted)
    )
    marts.refresh(con, perubahan)
    # After the marts: they read each kecamatan's latest report as it stood before this load.
    terakhir.perbarui(con, run_id)
    return unggahan, kualitas, read.ledger_rows(con, retired, unggahan.schema)


def owe_receipts(
    con: duckdb.DuckDBPyConnection,
    unggahan: pl.DataFrame,
    kualitas: pl.DataFrame,
    run_id: str,
    now: datetime,
    withdrawn: Sequence[persetujuan.Ditarik] = (),
    files: pl.DataFrame | None = None,
) -> None:
    """The receipts of every file whose decision the run wrote, recorded as owed in the run's
    transaction: committed with the decisions, written to files after (deliver_receipts). A district
    whose sign-off the run withdrew is told in its receipt; `files` (the decided files, with their
    own headers) lets each finding name its column as the file spells it."""
    documents = receipt_docs.documents(unggahan, kualitas, run_id, files)
    if withdrawn:
        documents = persetujuan_receipts.told(documents, withdrawn)
    owed = [tercatat.Owed(d.run_id, d.kode_kabupaten, d.json, d.letter) for d in documents]
    tercatat.owe(con, owed, now)


def deliver_receipts(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Write every receipt owed (this run's and any an earlier run committed and did not write),
    each atomically, and settle those written in one statement, also when a write fails (a
    national night owes 514: one commit each cost more than the writes on a warehouse of years). A
    run killed before it settles leaves them owed, and the next run writes the same bytes again.
    Returns how many were written."""
    owed = tercatat.owed(con)
    written: list[tercatat.Owed] = []
    try:
        for r in owed:
            receipt_docs.write(
                folder, [receipt_docs.Document(r.run_id, r.kode_kabupaten, r.dokumen, r.surat)]
            )
            written.append(r)
    finally:
        tercatat.settle(con, written)
    return len(owed)


def arrive(uploads: list[Upload], recorded: dict[tuple[str, str], int]) -> None:
    """Each upload's arrival: the one recorded when its file version was first seen (decided
    before, or seen waiting), else the one it was read with (the earlier of its modification
    time and now). Recorded once, never moved (CONTRACT §2)."""
    for u in uploads:
        if (at := recorded.get((u.source.file, u.sha256))) is not None:
            u.tiba_ns = at


def arrivals_of(uploads: Sequence[Upload]) -> pl.DataFrame:
    return pl.DataFrame(
        [(u.source.file, u.sha256, u.tiba_ns) for u in uploads],
        orient="row",
        schema={"file": pl.String, "sha256": pl.String, "tiba_ns": pl.Int64},
    )


def refresh(
    session: store.WriteSession,
    reference: Reference,
    stats: pl.DataFrame,
    run_id: str,
    waiting: Sequence[Upload] = (),
    decided_at: datetime | None = None,
) -> None:
    """With no file to decide: record the new stat of re-read unchanged files (journaled as known
    from this run on), the arrival of the files that wait, and a scope the operator changed (its
    regions, every mart rebuilt over them); one transaction. `decided_at` as for `write`."""
    con = session.con
    with db.transaction(con):
        if stats.height:
            store.restat(con, stats)
            journal.record(con, run_id, decided_at or datetime.now(UTC), journal.keys(stats))
        tercatat.remember_arrivals(
            con, arrivals_of(waiting), pl.DataFrame(schema={"file": pl.String, "sha256": pl.String})
        )
        if session.cakupan_diubah:
            store.load_reference(con, reference)
            marts.refresh(con)


def rebuild_marts(session: store.WriteSession, reference: Reference) -> None:
    """Every mart rebuilt whole from the stored figures (`ektp rebuild-marts`); one transaction."""

    def rebuild(con: duckdb.DuckDBPyConnection) -> None:
        store.load_reference(con, reference)
        marts.refresh(con)

    session.transaction(rebuild)


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

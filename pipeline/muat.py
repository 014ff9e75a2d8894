"""The load of a run's decisions: one transaction with their ledger, findings, figures, journal,
the marts' rows and the receipts they owe; the receipts written after it; a night with nothing to
decide, and a marts' rebuild. The steps before it (which files, their decisions) are in
pipeline.runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract.regions import Reference
from expectations.engine import Validator
from pipeline import runs
from pipeline.batch import Batch, Upload
from reports import persetujuan_receipts
from reports import receipts as receipt_docs
from transforms import ledger
from warehouse import db, journal, marts, persetujuan, read, store, terakhir, tercatat


@dataclass
class Outcome:
    """What a run decided and wrote."""

    files: pl.DataFrame  # FILE_SCHEMA + status
    findings: pl.DataFrame
    unggahan: pl.DataFrame
    kualitas: pl.DataFrame
    gx_runs: int


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
        findings = pl.concat([checked.findings, runs.history_warnings(con, checked, files, validator)])
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
    stats = stats if stats is not None else db.versions()
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
    after = marts.bounds(con)
    perubahan = None if rebuild else marts.changes(groups, before, after, reference.kabupaten_codes_sorted)
    marts.refresh(con, perubahan, now, after)
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
    moment = decided_at or datetime.now(UTC)
    with db.transaction(con):
        if stats.height:
            store.restat(con, stats)
            journal.record(con, run_id, moment, journal.keys(stats))
        tercatat.remember_arrivals(con, arrivals_of(waiting), db.versions())
        if session.cakupan_diubah:
            store.load_reference(con, reference)
            marts.refresh(con, waktu=moment)


def rebuild_marts(session: store.WriteSession, reference: Reference) -> None:
    """Every mart rebuilt whole from the stored figures (`ektp rebuild-marts`); one transaction."""

    def rebuild(con: duckdb.DuckDBPyConnection) -> None:
        store.load_reference(con, reference)
        marts.refresh(con)

    session.transaction(rebuild)

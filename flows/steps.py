"""The steps both flows take after choosing their files: validate and decide, load and publish,
then the Data Docs, the report, the receipts, the summary, and telling people. Each is one call
in a flow body.

Once the warehouse is published, nothing a later step meets (a full disk, an unwritable folder)
undoes it: each later step is attempted, and the run then ends with one line that says the data
is published and what is missing (IncompleteRun).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import polars as pl
from prefect.context import FlowRunContext

from contract import progress, regions
from contract.errors import ENVIRONMENT_FAILURES, EktpError, IncompleteRun, ReportNotWritten, os_reason
from contract.logs import RUN_ID
from contract.regions import Reference
from contract.settings import Settings
from expectations.child import ChildValidator
from expectations.engine import Validator
from flows import artifacts, notify, outcome, ringkasan_surel, tasks
from pipeline import muat, runs
from pipeline.batch import Upload
from reports import summary
from reports.daily import write_report
from warehouse import jejak, store, tercatat

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Run:
    """What every step of one run needs: its settings, scope, id and GX validator."""

    settings: Settings
    reference: Reference
    run_id: str
    validator: Validator
    catatan: list[str] = field(default_factory=list)  # notes for the summary: what did not happen, and why
    missing: list[str] = field(default_factory=list)  # steps that failed after the data was published
    published: bool = False  # this run published data (not only an earlier run's, or a repair)


@contextmanager
def started(settings: Settings, kind: str | None = None) -> Iterator[Run]:
    """A run: its settings resolved, its scope and id; every log line inside names the run. With
    `kind` (nightly, backfill), its start and end go to the trace beside the warehouse (jejak)."""
    settings = settings.resolved()
    run_id = runs.new_run_id(settings.now)
    token = RUN_ID.set(run_id)
    # GX runs in a child process: the run's own process never imports it (expectations/child.py).
    validator = ChildValidator(settings.data_docs, run_id)
    try:
        with jejak.recorded(settings.warehouse, kind, run_id, flow_run_id()) if kind else nullcontext():
            reference = regions.load(settings.provinsi)
            yield Run(settings, reference, run_id, validator)
    except BaseException as exc:  # kept for the command, in case Prefect cannot record it
        outcome.record_error(exc)
        raise
    finally:
        validator.close()
        RUN_ID.reset(token)  # a later run, or the portal, in this process is not this run


def flow_run_id() -> str | None:
    """The Prefect flow run this code runs in (a run the portal's button started has its id), or None."""
    context = FlowRunContext.get()
    return str(context.flow_run.id) if context is not None and context.flow_run is not None else None


def load(
    run: Run,
    session: store.WriteSession,
    uploads: list[Upload],
    stats: pl.DataFrame,
    waiting: Sequence[Upload] = (),
    terkunci: dict | None = None,
) -> muat.Outcome | None:
    """Validate and decide every upload in one GX run, load them in one transaction with the
    receipts they owe and the arrival of the files that `wait`, publish. With no upload to decide,
    only the stat of re-read unchanged files, the arrival of waiting ones, or a scope the operator
    changed, is recorded (if any)."""
    arriving = [*uploads, *waiting]
    runs.arrive(arriving, tercatat.arrivals(session.con, [(u.source.file, u.sha256) for u in arriving]))
    if not uploads:
        if stats.height or session.cakupan_diubah or waiting:
            muat.refresh(session, run.reference, stats, run.run_id, list(waiting), run.settings.now)
        if stats.height or session.cakupan_diubah:
            session.publish()
        return None
    progress.expect("validasi", len(uploads))
    checked, files, validations = tasks.decide_batch.submit(
        tasks.Parcel(uploads), run.reference, run.validator, terkunci
    ).result()
    if validations is not None:  # validated on a Dask worker
        run.validator.absorb(validations)
    progress.advance("validasi", len(uploads))
    progress.expect("muat", len(uploads))
    outcome = tasks.write(
        session,
        checked,
        files,
        run.reference,
        run.validator,
        run.run_id,
        stats,
        list(waiting),
        decided_at=run.settings.now,
    )
    session.publish()
    progress.advance("muat", len(uploads))
    return outcome


def after_publish(run: Run, what: str, step: Callable[[], T]) -> T | None:
    """Run a step that comes after the data is published; a failure of the machine or the data
    is recorded, not raised. A bug is raised: the program names it (exit 3), not the disk."""
    try:
        return step()
    except (
        ENVIRONMENT_FAILURES
    ) as exc:  # disk full, a folder that cannot be written: the data stays published
        reason = os_reason(exc)
        log.debug("langkah %s gagal", what, exc_info=True)
        run.missing.append(f"{what} ({reason})")
        return None


def data_docs(run: Run) -> None:
    """The Data Docs of the run's validations; the validator is done with after them."""
    try:
        after_publish(run, "Data Docs", lambda: tasks.data_docs(run.validator))
    finally:
        run.validator.close()


def report(run: Run, report_date: date) -> list[Path]:
    """The daily report of D. One the warehouse cannot give (no data) is a note; one that
    cannot be written (a full disk) is missing."""
    settings = run.settings

    def write() -> list[Path]:
        try:
            paths = write_report(
                settings.warehouse, report_date, settings.reports, settings.target, settings.report_provinsi
            )
        except ReportNotWritten:
            raise
        except EktpError as exc:
            run.catatan.append(f"laporan tidak dibuat: {exc}")
            return []
        return [paths.html, paths.xlsx]

    if not settings.warehouse.exists():
        return []
    return after_publish(run, "laporan", write) or []


def tell_districts(run: Run, session: store.WriteSession) -> None:
    """Write every receipt owed: one per district office and run that decided its files, this
    run's and any an earlier run committed but could not write (disk full, killed)."""
    after_publish(run, "tanda terima", lambda: muat.deliver_receipts(session.con, run.settings.receipts))


def summarise(
    run: Run, outcome: muat.Outcome | None, report_date: date, reports: list[Path], extra: dict
) -> summary.Summary:
    settings = run.settings
    where = summary.Where(settings.warehouse, settings.data_docs, settings.receipts, reports)
    built = after_publish(
        run,
        "ringkasan",
        lambda: summary.build(
            run.run_id,
            outcome,
            report_date,
            run.reference,
            settings.report_provinsi,
            where,
            extra,
            run.catatan,
        ),
    )
    return built or summary.Summary(
        run_id=run.run_id, tanggal_laporan=report_date.isoformat(), catatan=run.catatan
    )


def tell(run: Run, s: summary.Summary, kind: str) -> None:
    """The webhook and the Prefect artifact; neither can fail the run (a failure is a note)."""
    notify.send_summary(s, run.settings.notify_url, kind)
    artifacts.publish(s, kind)


def tell_province(run: Run, s: summary.Summary, reports: list[Path]) -> None:
    """The day's digest by e-mail to the province's accounts, the report's XLSX attached. A mail
    server that fails is a row of `pengingat`, not a failure; a disk that cannot record it is."""
    xlsx = next((p for p in reports if p.suffix == ".xlsx"), None)
    after_publish(run, "ringkasan surel", lambda: ringkasan_surel.send(run.settings, run.reference, s, xlsx))


def finish(run: Run, s: summary.Summary) -> dict:
    """End the run: its summary, the flow's result (kept for the command too: flows/outcome.py);
    one line naming what is missing instead when a step after publishing failed."""
    if run.missing:
        done = "data sudah diterbitkan" if run.published else "tidak ada data baru yang diterbitkan"
        raise IncompleteRun(
            f"{done} di {run.settings.warehouse}, tetapi belum dibuat: {'; '.join(run.missing)}"
        )
    return outcome.record_summary(s.to_dict())


def opened(run: Run, session: store.WriteSession) -> None:
    """At the start of a run, once the warehouse is open: what the writer repaired is one line of
    the summary, and the receipts an earlier run committed and did not write are written first."""
    run.catatan.extend(session.repaired)
    tell_districts(run, session)


def closed(run: Run, session: store.WriteSession) -> None:
    """After the warehouse is closed: whether this run published data."""
    run.published = session.published

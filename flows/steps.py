"""The steps both flows take after choosing their files: validate and decide, load and publish,
then the report, the receipts, the summary, and telling people. Each is one call in a flow body."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from contract import progress, regions
from contract.errors import EktpError
from contract.regions import Reference
from contract.settings import Settings
from expectations.engine import Validator
from flows import artifacts, notify, tasks
from pipeline import runs
from pipeline.batch import Upload
from reports import receipts, summary
from reports.daily import write_report
from warehouse import store

log = logging.getLogger(__name__)


@dataclass
class Run:
    """What every step of one run needs: its settings, scope, id and GX validator."""

    settings: Settings
    reference: Reference
    run_id: str
    validator: Validator
    catatan: list[str]  # notes for the summary: what did not happen, and why


def start(settings: Settings) -> Run:
    settings = settings.resolved()
    reference = regions.load(settings.provinsi)
    return Run(settings, reference, runs.new_run_id(), Validator(settings.data_docs), [])


def load(run: Run, session: store.WriteSession, uploads: list[Upload]) -> runs.Outcome | None:
    """Validate and decide every upload in one GX run, load them in one transaction, publish."""
    if not uploads:
        return None
    progress.expect("validasi", len(uploads))
    checked, files, validations = tasks.decide_batch.submit(
        tasks.Parcel(uploads), run.reference, run.validator.data_docs
    ).result()
    run.validator.absorb(validations)
    progress.advance("validasi", len(uploads))
    progress.expect("muat", len(uploads))
    outcome = tasks.write(session, checked, files, run.reference, run.validator, run.run_id)
    session.publish()
    progress.advance("muat", len(uploads))
    tasks.data_docs(run.validator)
    return outcome


def report(run: Run, report_date: date) -> list[Path]:
    """The daily report of D; a report that cannot be written is a note, not a failed run."""
    settings = run.settings
    if not settings.warehouse.exists():
        return []
    try:
        paths = write_report(settings.warehouse, report_date, settings.reports, settings.target, settings.report_provinsi)
    except EktpError as exc:
        run.catatan.append(f"laporan tidak dibuat: {exc}")
        return []
    return [paths.html, paths.xlsx]


def tell_districts(run: Run, outcome: runs.Outcome | None) -> None:
    """One receipt per district office that had files decided."""
    if outcome is not None:
        receipts.write_all(run.settings.receipts, outcome, run.run_id)


def summarise(run: Run, outcome: runs.Outcome | None, report_date: date, reports: list[Path], extra: dict) -> summary.Summary:
    settings = run.settings
    where = summary.Where(settings.warehouse, settings.data_docs, settings.receipts, reports)
    return summary.build(
        run.run_id, outcome, report_date, run.reference, settings.report_provinsi, where, extra, run.catatan
    )


def tell(run: Run, s: summary.Summary, kind: str) -> None:
    """The webhook and the Prefect artifact; neither can fail the run (a failure is a note)."""
    notify.send_summary(s, run.settings.notify_url, kind)
    artifacts.publish(s, kind)

"""The wiring both flows share: validate and decide, load, publish, then tell people."""

from __future__ import annotations

from dataclasses import dataclass

from ektp import notify, receipts, runs, summary
from ektp.batch import Upload
from ektp.reference import Reference
from ektp.settings import Settings
from expectations.engine import Validator
from flows import artifacts, tasks
from warehouse import store

@dataclass
class RunContext:
    settings: Settings
    reference: Reference
    run_id: str
    validator: Validator


def start(settings: Settings, reference: Reference) -> RunContext:
    return RunContext(settings, reference, runs.new_run_id(), Validator(settings.data_docs))


def decide_and_load(ctx: RunContext, session: store.WriteSession, uploads: list[Upload]) -> runs.Outcome:
    """One GX run for the uploads, their statuses, one transaction, then publish the warehouse."""
    checked, files, validations = tasks.decide_batch.submit(tasks.Parcel(uploads), ctx.reference, ctx.validator.data_docs).result()
    ctx.validator.absorb(validations)
    outcome = tasks.write(session, checked, files, ctx.reference, ctx.validator, ctx.run_id)
    session.publish()
    receipts.write_all(ctx.settings.receipts, outcome, ctx.run_id)
    tasks.data_docs(ctx.validator)
    return outcome


def finish(ctx: RunContext, outcome: runs.Outcome | None, report_date, extra: dict, kind: str = "nightly") -> summary.Summary:
    """The run summary (printed by the CLI, published as a Prefect artifact)."""
    s = summary.build(ctx.settings, ctx.run_id, outcome, report_date, extra)
    # Issue 5: tell people. Neither step can fail the run; a failure becomes a line in `catatan`.
    notify.send_summary(s, ctx.settings.notify_url, kind)
    artifacts.publish(s, kind)
    return s

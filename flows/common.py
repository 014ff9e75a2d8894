"""The wiring both flows share: validate and decide, load, publish, then tell people."""

from __future__ import annotations

from dataclasses import dataclass

from ektp import receipts, runs, summary
from ektp.batch import Upload
from ektp.reference import Reference
from ektp.settings import Settings
from expectations.engine import Validator
from flows import tasks
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
    checked, files = tasks.decide_batch(uploads, ctx.reference, ctx.validator)
    outcome = tasks.write(session, checked, files, ctx.reference, ctx.validator, ctx.run_id)
    session.publish()
    receipts.write_all(ctx.settings.receipts, outcome)
    return outcome


def finish(ctx: RunContext, outcome: runs.Outcome | None, report_date, extra: dict) -> summary.Summary:
    """The run summary (printed by the CLI, published as a Prefect artifact)."""
    return summary.build(ctx.settings, ctx.run_id, outcome, report_date, extra)

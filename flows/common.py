"""The wiring both flows share: validate and decide, load, publish, then tell people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ektp import notify, receipts, runs, summary
from ektp.batch import Upload
from ektp.reference import Reference
from ektp.settings import Settings
from expectations.engine import Validator
from flows import artifacts, tasks
from warehouse import store

# Prefect global concurrency limit shared by every warehouse writer (nightly and backfill).
WAREHOUSE_LIMIT = "gudang-data"


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
    tasks.data_docs(ctx.validator)
    return outcome


def finish(ctx: RunContext, outcome: runs.Outcome | None, report_date, extra: dict, kind: str = "nightly") -> summary.Summary:
    """The run summary (printed by the CLI, published as a Prefect artifact)."""
    s = summary.build(ctx.settings, ctx.run_id, outcome, report_date, extra)
    # Issue 5: tell people. Neither step can fail the run; a failure becomes a line in `catatan`.
    notify.send_summary(s, ctx.settings.notify_url, kind)
    artifacts.publish(s, kind)
    return s


@contextmanager
def warehouse_slot() -> Iterator[None]:
    """One warehouse writer at a time across runs and deployments; a second run waits here.

    With a Prefect server this is the global concurrency limit WAREHOUSE_LIMIT (one slot),
    visible in the UI under Concurrency. Without one (ephemeral mode) each process has its own
    temporary server, so a limit there guards nothing: the writer's file lock in
    warehouse/store.py is what makes a second process wait, in every mode.
    """
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        yield
        return
    from prefect.concurrency.sync import concurrency

    ensure_limit(WAREHOUSE_LIMIT)
    with concurrency(WAREHOUSE_LIMIT, occupy=1):
        yield


def ensure_limit(name: str, limit: int = 1) -> None:
    """Create the global concurrency limit if missing (an operator's changed limit is kept)."""
    from prefect import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=limit))
            except ObjectAlreadyExists:  # another run created it a moment ago
                pass

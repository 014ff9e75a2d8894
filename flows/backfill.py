"""A backfill: re-decide every landing file dated within a range, as if it had just arrived."""

# No `from __future__ import annotations`: `ektp serve` hands this flow to its run processes
# pickled by value, and Prefect must still resolve the parameter types there (issue 5).

from datetime import date

from prefect import flow

from contract.errors import UsageError
from contract.regions import Reference
from contract.settings import Settings
from flows import steps, tasks
from pipeline import runs
from warehouse import persetujuan, read, store


@flow(name="backfill", log_prints=False)
def backfill(
    settings: Settings,
    start: date,
    end: date,
    kabupaten: list[str] | str | int | None = None,
    ubah_cakupan: bool = False,
) -> dict:
    """Reprocess the files of `kabupaten` (default: all in scope) dated from `start` to `end`."""
    with steps.started(settings, "backfill") as run:
        settings = run.settings
        chosen_kabupaten = districts(kabupaten, run.reference)
        if end < start:
            raise UsageError(f"--to {end} lebih awal dari --from {start}")
        unreadable: list[str] = []
        with store.writing(settings.warehouse, run.reference.scope, ubah_cakupan, settings.now) as session:
            steps.opened(run, session)
            ready, uploading = runs.scan(settings, run.reference)
            known = read.known_files(session.con, ready["file"])
            chosen = runs.in_range(ready, known, start, end, chosen_kabupaten or None)
            uploads = tasks.read_all(chosen, settings.hari_ini, settings.batch_files, unreadable)
            # A district and date with a file that cannot be read now keeps its figures until a rerun.
            uploads = runs.without(uploads, runs.held(chosen, unreadable, known))
            take = [u for u in uploads if u.tanggal and start <= u.tanggal <= end]
            # A locked date's figures and statuses stay as they are; a new file of it is refused.
            terkunci = persetujuan.terkunci(session.con, runs.groups(take))
            take = runs.locked_out(take, set(terkunci), known)
            # New files outside the range are seen now: their arrival is kept for the run that takes them.
            seen = runs.new_uploads(
                [u for u in uploads if not (u.tanggal and start <= u.tanggal <= end)], known
            )
            outcome = steps.load(run, session, take, runs.restated(uploads, known), seen, terkunci)
            steps.tell_districts(run, session)
        steps.closed(run, session)
        steps.data_docs(run)
        reports = steps.report(run, end)
        extra = {
            "dari": start.isoformat(),
            "sampai": end.isoformat(),
            "masih_diunggah": uploading,
            "tidak_terbaca": unreadable,
        }
        s = steps.summarise(run, outcome, end, reports, extra)
        steps.tell(run, s, "backfill")
        return steps.finish(run, s)


def districts(kabupaten: list[str] | str | int | None, reference: Reference) -> set[str]:
    """The `kabupaten` parameter as a set of codes, refused when one is out of scope.

    `prefect deployment run 'backfill/backfill' -p kabupaten=5201,5203` passes one string, and
    `-p kabupaten=5201` a number (the Prefect CLI reads values as JSON first)."""
    if isinstance(kabupaten, (str, int)):
        kabupaten = str(kabupaten).split(",")
    return set(reference.chosen(kabupaten or ()))

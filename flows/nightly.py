"""The nightly run: take every new landing file dated on or before D."""

# No `from __future__ import annotations`: `ektp serve` hands this flow to its run processes
# pickled by value, and Prefect must still resolve the parameter types there (issue 5).

from datetime import date

from prefect import flow

from ektp import reference as references
from ektp import runs, settings as settings_mod
from flows import common, tasks
from warehouse import store


@flow(name="nightly", log_prints=False)
def nightly(tanggal: date | None = None, landing: str | None = None, warehouse: str | None = None) -> dict:
    """Process new uploads dated on or before `tanggal` (default: yesterday, Asia/Makassar)."""
    settings = settings_mod.from_env().with_flags(landing=landing and _p(landing), warehouse=warehouse and _p(warehouse))
    report_date = tanggal or settings.yesterday
    ref = references.load(settings.provinsi)
    ctx = common.start(settings, ref)
    with store.writing(settings.warehouse) as session:
        known = store.known_files(session.con)
        ready, uploading = runs.scan(settings, ref)
        unreadable: list[str] = []
        fresh = tasks.read_all(runs.unseen(ready, known), settings.today, settings.batch_files, unreadable)
        uploads = runs.new_uploads(fresh, known)
        # Dated after D but not after today: a later run takes it (after today: rejected now).
        later = [report_date < u.tanggal <= settings.today if u.tanggal else False for u in uploads]
        waiting = [u for u, wait in zip(uploads, later) if wait]
        take = [u for u, wait in zip(uploads, later) if not wait]
        groups = {g for u in take if (g := runs.group_of(u))}
        peers = runs.peers(ready, known, groups, exclude={u.source.file for u in uploads})
        blocked = len(unreadable)
        take += tasks.read_all(peers, settings.today, settings.batch_files, unreadable)
        # A district and date whose earlier file cannot be read now is re-decided next run, whole.
        held = {g for f in peers if f.file in unreadable[blocked:] and (g := (f.kode_kabupaten, runs.known_date(known, f.file)))}
        take = [u for u in take if runs.group_of(u) not in held]
        outcome = common.decide_and_load(ctx, session, take) if take else None
    extra = {"menunggu_tanggal": [u.source.file for u in waiting], "masih_diunggah": uploading,
             "tidak_terbaca": unreadable}
    return common.finish(ctx, outcome, report_date, extra, kind="nightly").to_dict()


def _p(value: str):
    from pathlib import Path

    return Path(value)

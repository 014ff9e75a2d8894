"""A backfill: re-decide every landing file dated within a range, as if it had just arrived."""

# No `from __future__ import annotations`: `ektp serve` hands this flow to its run processes
# pickled by value, and Prefect must still resolve the parameter types there (issue 5).

from datetime import date
from pathlib import Path

from prefect import flow

from ektp import reference as references
from ektp import runs, settings as settings_mod
from ektp.errors import UsageError
from flows import common, tasks
from warehouse import store


@flow(name="backfill", log_prints=False)
def backfill(
    start: date,
    end: date,
    kabupaten: list[str] | str | int | None = None,
    landing: str | None = None,
    warehouse: str | None = None,
) -> dict:
    """Reprocess the files of `kabupaten` (default: all in scope) dated from `start` to `end`."""
    settings = settings_mod.from_env().with_flags(
        landing=landing and Path(landing), warehouse=warehouse and Path(warehouse)
    )
    if end < start:
        raise UsageError(f"--to {end} lebih awal dari --from {start}")
    # `prefect deployment run 'backfill/backfill' -p kabupaten=5201,5203` passes one string,
    # and `-p kabupaten=5201` a number (the Prefect CLI reads values as JSON first).
    if isinstance(kabupaten, (str, int)):
        kabupaten = [k.strip() for k in str(kabupaten).split(",") if k.strip()]
    ref = references.load(settings.provinsi)
    unknown = sorted(set(kabupaten or ()) - ref.kabupaten_codes)
    if unknown:
        raise UsageError(f"kabupaten di luar cakupan: {', '.join(unknown)}")
    ctx = common.start(settings, ref)
    with store.writing(settings.warehouse) as session:
        known = store.known_files(session.con)
        ready, uploading = runs.scan(settings, ref)
        chosen = runs.in_range(ready, known, start, end, set(kabupaten or ()) or None)
        unreadable: list[str] = []
        uploads = tasks.read_all(chosen, settings.today, settings.batch_files, unreadable)
        # A district and date with a file that cannot be read now keeps its figures until a rerun.
        held = {(f.kode_kabupaten, d) for f in chosen if f.file in unreadable and (d := runs.known_date(known, f.file))}
        uploads = [u for u in uploads if runs.group_of(u) not in held]
        take = [u for u in uploads if u.tanggal and start <= u.tanggal <= end]
        outcome = common.decide_and_load(ctx, session, take) if take else None
    extra = {"dari": start.isoformat(), "sampai": end.isoformat(), "masih_diunggah": uploading,
             "tidak_terbaca": unreadable}
    return common.finish(ctx, outcome, end, extra, kind="backfill").to_dict()


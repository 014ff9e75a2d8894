"""The nightly run: take every new landing file dated on or before D."""

# No `from __future__ import annotations`: `ektp serve` hands this flow to its run processes
# pickled by value, and Prefect must still resolve the parameter types there (issue 5).

from datetime import date

from prefect import flow

from contract.settings import Settings
from flows import steps, tasks
from pipeline import runs
from warehouse import persetujuan, read, store


@flow(name="nightly", log_prints=False)
def nightly(settings: Settings, tanggal: date | None = None, ubah_cakupan: bool = False) -> dict:
    """Process new uploads dated on or before `tanggal` (default: yesterday, Asia/Makassar)."""
    with steps.started(settings, "nightly") as run:
        settings = run.settings
        report_date = tanggal or settings.kemarin
        unreadable: list[str] = []
        with store.writing(settings.warehouse, run.reference.scope, ubah_cakupan, settings.now) as session:
            steps.opened(run, session)
            ready, uploading = runs.scan(settings, run.reference)
            known = read.known_files(session.con, ready["file"])
            fresh = tasks.read_all(
                runs.unseen(ready, known), settings.hari_ini, settings.batch_files, unreadable
            )
            uploads = runs.new_uploads(fresh, known)
            take, waiting = runs.due(uploads, report_date, settings.hari_ini)
            # A locked date keeps its files' decisions: only its new files are decided (refused).
            # A date opened again has its refused files decided with the others (CONTRACT §3 `kunci`).
            terkunci = persetujuan.terkunci(session.con, runs.groups(take))
            redo = runs.groups(take) - set(terkunci) | persetujuan.waited(session.con)
            # Every file already decided for a district and date that got a new one is re-decided.
            peers = runs.peers(ready, known, redo, exclude={u.source.file for u in uploads})
            blocked = len(unreadable)
            take += tasks.read_all(peers, settings.hari_ini, settings.batch_files, unreadable)
            take = runs.without(take, runs.held(peers, unreadable[blocked:], known))
            outcome = steps.load(run, session, take, runs.restated(fresh, known), waiting, terkunci)
            steps.tell_districts(run, session)
        steps.closed(run, session)
        steps.data_docs(run)
        reports = steps.report(run, report_date)
        extra = {
            "menunggu_tanggal": [u.source.file for u in waiting],
            "masih_diunggah": uploading,
            "tidak_terbaca": unreadable,
        }
        s = steps.summarise(run, outcome, report_date, reports, extra)
        steps.tell(run, s, "nightly")
        steps.tell_province(run, s, reports)
        return steps.finish(run, s)

"""The admin's button: a run of the `nightly/nightly` deployment, started now through the Prefect
API of `ektp serve` (whose runner picks it up). Single-flight: while the run the button started
last is not finished, a second press starts nothing and shows that run. The page says the run's
state in Indonesian (menunggu, berjalan, selesai, gagal), never Prefect's own words.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from contract.errors import EktpError, PrefectServerError
from contract.formats import visible
from contract.settings import Settings
from reports.status import BY_STATUS, STATUSES
from warehouse import jejak, read

DEPLOYMENT = "nightly/nightly"
# Prefect's state types, as the page says them.
KEADAAN = {
    "SCHEDULED": "menunggu",
    "PENDING": "menunggu",
    "PAUSED": "menunggu",
    "RUNNING": "berjalan",
    "CANCELLING": "berjalan",
    "COMPLETED": "selesai",
    "FAILED": "gagal",
    "CRASHED": "gagal",
    "CANCELLED": "gagal",
}
FINISHED = ("selesai", "gagal")
# The warehouse's trace of a nightly is written once the flow has begun, after Prefect marked the
# run Running and before it ends; it keeps whole seconds (cut, never rounded up), so it may read up
# to a second before the run's start.
TRACE_SLACK = timedelta(seconds=1)

_lock = threading.Lock()
_last: dict[str, str] = {}  # api url -> the id of the run the button started last


def start(api_url: str) -> tuple[dict, bool]:
    """Start a run now, or not while the last one is unfinished: that run, and whether it is new."""
    with _lock:
        last = _last.get(api_url)
        if last is not None and (run := _read(api_url, last)) is not None and run["keadaan"] not in FINISHED:
            return run, False
        created = _create(api_url)
        _last[api_url] = created
        return _read(api_url, created) or {"id": created, "keadaan": "menunggu"}, True


def last(api_url: str) -> dict | None:
    """The run the button started last, as the page shows it; None when there is none (or it
    cannot be read: the server restarted, the run was deleted)."""
    run_id = _last.get(api_url)
    return _read(api_url, run_id) if run_id else None


def _create(api_url: str) -> str:
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    from flows.prefect_client import settings_with, share_tls_context

    share_tls_context()
    try:
        with settings_with({PREFECT_API_URL: api_url}):
            run = run_deployment(DEPLOYMENT, timeout=0)
        assert isinstance(run, FlowRun)  # called from sync code: the run, not a coroutine
    except Exception as exc:  # the server or the deployment is not there: one line on the page
        raise PrefectServerError(
            "proses malam tidak dapat dimulai", url=api_url, reason=str(exc).splitlines()[0]
        ) from exc
    return str(run.id)


def _read(api_url: str, run_id: str) -> dict | None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    from flows.prefect_client import settings_with, share_tls_context

    # Every page view of the button reads its run: Prefect's settings and TLS context made once,
    # not ~70 ms of CPU each time (flows/prefect_client.py).
    share_tls_context()
    try:
        with settings_with({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
            run = client.read_flow_run(UUID(run_id))
    except Exception:  # the run cannot be read: as if the button had started none
        return None
    state: Any = run.state
    return {
        "id": run_id,
        "keadaan": KEADAAN.get(state.type.value, "menunggu") if state is not None else "menunggu",
        "dibuat": _moment(run.created),
        "mulai": _moment(run.start_time),
        "selesai": _moment(run.end_time),
        "ui": f"{api_url.removesuffix('/api')}/runs/flow-run/{run_id}",
    }


def _its_own(traced: dict, run: dict) -> bool:
    """Whether the trace is the button's run's: by its Prefect flow run; a trace written by an
    older release names none, and is taken for it when it began while the run ran."""
    if traced.get("flow_run") is not None:
        return traced["flow_run"] == run["id"]
    began = jejak.moment(traced.get("mulai"))
    return began is not None and run["mulai"] - TRACE_SLACK <= began <= run["selesai"]


def _moment(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None  # Prefect's times are aware datetimes


def outcome(settings: Settings, run: dict | None) -> dict | None:
    """What the run the button started did, as the warehouse's trace of the last nightly and the
    published `unggahan` tell it: its end (berhasil, gagal, ...), its error line, and the files it
    decided by status, in the receipts' words. None while the run is unfinished, or when the last
    nightly traced is another run's (the button's failed before its flow began, or a later run
    traced after it: the 02:00 nightly, or an operator's `ektp nightly` begun the second it ended)."""
    if run is None or run["keadaan"] not in FINISHED or run["mulai"] is None or run["selesai"] is None:
        return None
    traced = jejak.last(settings.warehouse, "nightly")
    if traced is None or not _its_own(traced, run):
        return None
    try:
        with read.connect(settings.warehouse) as con:
            counted = {
                r["status"]: r["berkas"] for r in read.rows(con, "portal_proses", run_id=traced["run_id"])
            }
    except EktpError:  # no warehouse published yet: the trace alone
        counted = {}
    return {
        "status": traced.get("status"),
        "run_id": traced.get("run_id"),
        "galat": visible(traced["galat"]) if traced.get("galat") else None,  # may name a landing file
        "berkas": sum(counted.values()),
        "per_status": [(BY_STATUS[s].kolom, counted[s]) for s in STATUSES if counted.get(s)],
    }

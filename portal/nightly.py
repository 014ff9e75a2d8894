"""The province's button: a run of the `nightly/nightly` deployment, started now through the
Prefect API of `ektp serve` (whose runner picks it up). Single-flight: while the run the button
started last is not finished, a second press shows that run instead of queueing another."""

from __future__ import annotations

import threading
from uuid import UUID

from contract.errors import PrefectServerError

_lock = threading.Lock()
_last: dict[str, dict] = {}  # api url -> the run the button started last


def start(api_url: str) -> dict:
    """Create a run of the deployment now (or the one still running): its id, name, where
    Prefect's UI shows it, and `berjalan` when it is the earlier run still in progress."""
    with _lock:
        last = _last.get(api_url)
        if last is not None and _unfinished(api_url, last["id"]):
            return {**last, "berjalan": True}
        run = _create(api_url)
        _last[api_url] = run
        return {**run, "berjalan": False}


def _create(api_url: str) -> dict:
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            run = run_deployment("nightly/nightly", timeout=0)
        assert isinstance(run, FlowRun)  # called from sync code: the run, not a coroutine
    except Exception as exc:  # the server or the deployment is not there: one line on the page
        raise PrefectServerError(
            "proses malam tidak dapat dimulai", url=api_url, reason=str(exc).splitlines()[0]
        ) from exc
    return {
        "id": str(run.id),
        "nama": run.name,
        "ui": f"{api_url.removesuffix('/api')}/runs/flow-run/{run.id}",
    }


def _unfinished(api_url: str, run_id: str) -> bool:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
            state = client.read_flow_run(UUID(run_id)).state
    except Exception:  # the run cannot be read (server restarted, run deleted): start a new one
        return False
    return state is not None and not state.is_final()

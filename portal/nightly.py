"""The province's button: a run of the `nightly/nightly` deployment, started now through the
Prefect API of `ektp serve` (whose runner picks it up)."""

from __future__ import annotations

from contract.errors import PrefectServerError


def start(api_url: str) -> dict:
    """Create a run of the deployment now; its id, name and where Prefect's UI shows it."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            run = run_deployment("nightly/nightly", timeout=0)
    except Exception as exc:  # the server or the deployment is not there: one line on the page
        raise PrefectServerError(
            "proses malam tidak dapat dimulai", url=api_url, reason=str(exc).splitlines()[0]
        ) from exc
    return {
        "id": str(run.id),
        "nama": run.name,
        "ui": f"{api_url.removesuffix('/api')}/runs/flow-run/{run.id}",
    }

"""Where parse batches run: threads in the flow process, or a Dask cluster through prefect-dask.

`--runner local` (the default) keeps everything in one process. `--runner dask` starts a
`distributed.LocalCluster` of two worker processes for the run; `--runner dask://HOST:PORT` uses an
existing scheduler. The parse tasks (`read_batch`, one per EKTP_BATCH_FILES files) and the
validation task (`decide_batch`, one GX run over the whole batch) are submitted and run on the
workers; the GX results travel back with the decisions, and the run's own Validator counts them and
builds the Data Docs. The DuckDB load (and its history check) is called directly in the flow
process, so the flow process stays the warehouse's single writer.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from contract.errors import UsageError

LOCAL = "local"
DASK = "dask"
# Two single-threaded worker processes: GX and Polars release the GIL unevenly, processes don't care.
LOCAL_CLUSTER = {
    "n_workers": 2,
    "processes": True,
    "threads_per_worker": 1,
    "host": "127.0.0.1",
    "dashboard_address": None,  # no dashboard; the scheduler's own HTTP endpoint stays on loopback
}
_ADDRESS = re.compile(r"^dask://(?P<host>[A-Za-z0-9.\-]+|\[[0-9a-fA-F:]+\]):(?P<port>\d{1,5})$")


def check(spec: str | None) -> str:
    """The runner kind `spec` names; a UsageError before anything starts if it names none."""
    kind = (spec or LOCAL).strip()
    if kind not in (LOCAL, DASK):
        scheduler_address(kind)
    return kind


def task_runner(spec: str | None):
    """The Prefect task runner for `--runner` (local, dask, dask://HOST:PORT)."""
    kind = check(spec)
    if kind == LOCAL:
        from prefect.task_runners import ThreadPoolTaskRunner

        # One thread per CPU: parsing holds the GIL most of the time, so more threads only hold
        # more batches in memory at once (Prefect's default pool has no bound).
        return ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1)
    address = None if kind == DASK else scheduler_address(kind)
    from flows.dask_runner import QuietDaskTaskRunner  # imports distributed (~3 s): only when asked

    if address is None:
        return QuietDaskTaskRunner(cluster_class="distributed.LocalCluster", cluster_kwargs=dict(LOCAL_CLUSTER))
    return QuietDaskTaskRunner(address=address)


def scheduler_address(spec: str) -> str:
    """`dask://HOST:PORT` as the scheduler's tcp:// address."""
    match = _ADDRESS.match(spec)
    if not match or not 0 < int(match["port"]) < 65536:
        raise UsageError(f"--runner harus 'local', 'dask' atau 'dask://HOST:PORT', bukan {spec!r}")
    return f"tcp://{match['host']}:{match['port']}"


def with_runner(flow, spec: str | None):
    """`flow` with the task runner `spec` asks for (the flow object is otherwise unchanged)."""
    return flow.with_options(task_runner=task_runner(spec))


def run(flow, spec: str | None, **parameters: Any):
    """Run `flow` once with the chosen runner; Dask workers report to the same Prefect API."""
    runner = with_runner(flow, spec)
    with shared_api():
        return runner(**parameters)


@contextmanager
def shared_api() -> Iterator[str]:
    """A Prefect API URL that this process and its worker processes all use.

    Without PREFECT_API_URL every process starts its own temporary server: a Dask worker would
    spend ~10 s starting one and report its task runs to it. So the flow process starts the
    temporary server first, tied to its own life (a run killed with SIGKILL does not leave a
    230 MB server behind), and hands its address to the workers through the environment.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    server = None
    if not url:
        server = _tied_server()
        server.start()
        url = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}), _env("PREFECT_API_URL", url):
            yield url
    finally:
        if server is not None:
            server.stop()


def _tied_server():
    """Prefect's temporary API server, started so that it dies with this process."""
    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    class TiedServer(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen:
            # Prefect's own command (prefect 3.9.1, SubprocessASGIServer), plus die_with_parent.
            command = [
                sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
                "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
                "--port", str(self.port), "--log-level", "error", "--lifespan", "on",
            ]
            env = {
                **os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
            }
            return subprocess.Popen(command, env=env, preexec_fn=die_with_parent)

    return TiedServer(port=_free_port())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM when the process (thread) that started it dies, even by SIGKILL."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:  # not Linux: an orderly exit still stops it
        pass


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before

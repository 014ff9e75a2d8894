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
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from contract.errors import PrefectServerError, UsageError
from contract.settings import Settings
from flows import outcome, stopping
from flows.prefect_client import settings_with, share_tls_context

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
# Sending what Prefect still holds for the API, and stopping the temporary server: both are
# quick here (well under a second); the bounds keep a hung server from holding up the exit.
FLUSH_TIMEOUT = 5.0
STOP_TIMEOUT = 5.0
PORT_TAKEN = 3  # uvicorn's exit status when its port is taken (Prefect retries on it too)
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
        # One thread per CPU: parsing holds the GIL most of the time, so more threads only hold
        # more batches in memory at once (Prefect's default pool has no bound).
        return _threads()(max_workers=os.cpu_count() or 1)
    address = None if kind == DASK else scheduler_address(kind)
    from flows.dask_runner import QuietDaskTaskRunner  # imports distributed (~3 s): only when asked

    if address is None:
        return QuietDaskTaskRunner(
            cluster_class="distributed.LocalCluster", cluster_kwargs=dict(LOCAL_CLUSTER)
        )
    return QuietDaskTaskRunner(address=address)


def _threads():
    """Prefect's ThreadPoolTaskRunner, except that a run stopped by a signal does not wait for
    the batches its threads are still parsing or validating (the process is about to end, see
    flows/stopping.py); any other end of the run still waits for them."""
    from prefect.task_runners import ThreadPoolTaskRunner

    class Threads(ThreadPoolTaskRunner):
        def cancel_all(self) -> None:
            if stopping.requested() and self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            super().cancel_all()

        def __exit__(self, *exc) -> None:
            if stopping.requested():
                self.cancel_all()
            super().__exit__(*exc)

    return Threads


def scheduler_address(spec: str) -> str:
    """`dask://HOST:PORT` as the scheduler's tcp:// address."""
    match = _ADDRESS.match(spec)
    if not match or not 0 < int(match["port"]) < 65536:
        raise UsageError(f"--runner harus 'local', 'dask' atau 'dask://HOST:PORT', bukan {spec!r}")
    return f"tcp://{match['host']}:{match['port']}"


def with_runner(flow, spec: str | None):
    """`flow` with the task runner `spec` asks for (the flow object is otherwise unchanged)."""
    return flow.with_options(task_runner=task_runner(spec))


def run(flow, settings: Settings, **parameters: Any):
    """Run `flow` once with the settings' runner; Dask workers report to the same Prefect API.
    A server that stops answering before the run's end is recorded is what the body ended with
    (flows/outcome.py): its summary in a RunNotRecorded, or its own error."""
    runner = with_runner(flow, settings.runner)
    with shared_api(settings.prefect_timeout_seconds) as url, outcome.kept() as ended:
        try:
            return runner(settings=settings, **parameters)
        except Exception as exc:
            if not outcome.api_failure(exc):
                raise
            raise ended.unrecorded(url, exc) from exc


@contextmanager
def shared_api(timeout: float) -> Iterator[str]:
    """A Prefect API URL that this process and its worker processes all use.

    Without PREFECT_API_URL every process starts its own temporary server: a Dask worker would
    spend ~10 s starting one and report its task runs to it. So the flow process starts the
    temporary server first, tied to its own life (a run killed with SIGKILL does not leave a
    230 MB server behind), and hands its address to the workers through the environment. A
    configured server is waited for at most `timeout` seconds (Settings.prefect_timeout_seconds).

    Before the block ends, what Prefect's log handler and event client still hold is sent while
    the server is up: sent later, to a server that is gone, each failed run added `--- Error
    logging to API ---` to its one line; with a configured server the logs still reach it. A run
    that found the server gone (PrefectServerError) does not wait to send them.

    Flow-run heartbeats are off in the block: nothing here reads them (they feed a Prefect
    automation that marks crashed runs, which this project does not set up), and the engine's heartbeat
    thread sleeps in one-second steps that each run's end waited for (0.5-1 s of every run).
    """
    from prefect.settings import PREFECT_API_URL

    share_tls_context()
    url = PREFECT_API_URL.value()
    server = None
    try:
        if not url:
            server = TemporaryServer()
            url = server.start()
        else:  # a configured server that is not there: one line naming it, not Prefect's RuntimeError
            wait_healthy(url, timeout)
        with (
            settings_with({PREFECT_API_URL: url, **run_settings()}),
            _env("PREFECT_API_URL", url),
        ):
            try:
                yield url
            except PrefectServerError:
                raise  # the server does not answer (flows/outcome.py): nothing held can reach it
            except BaseException:
                flush_to_api()
                raise
            else:
                flush_to_api()
    finally:
        if server is not None:
            server.stop()


def run_settings() -> dict:
    """The Prefect settings every run of the program has (shared_api): no flow-run heartbeats."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

    return {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}


def flush_to_api(timeout: float = FLUSH_TIMEOUT) -> None:
    """Send the logs and events Prefect still holds in this process, waiting at most `timeout` s each."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout)


class TemporaryServer:
    """Prefect's temporary API server, as Prefect starts it without PREFECT_API_URL (prefect
    3.9.1, SubprocessASGIServer), with four differences: it dies with this process (Linux), it
    has its own process group (a Ctrl-C in the terminal reaches the run, which then stops the
    server after recording the run's end on it), its output goes to a log file under
    PREFECT_HOME instead of the operator's terminal, and it registers no block types. Starting it
    here does not import the server's code (FastAPI, SQLAlchemy: ~75 MB of an empty nightly's
    peak)."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        """Start it and wait until it answers; its API URL."""
        from prefect.settings import get_current_settings

        settings = get_current_settings()
        log_path = Path(settings.home) / "server-sementara.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            port = _free_port()
            self.process = self._popen(port, log_path, settings)
            url = f"http://127.0.0.1:{port}/api"
            try:
                wait_healthy(url, settings.server.ephemeral.startup_timeout_seconds, self.process, log_path)
                return url
            except PrefectServerError:
                if self.process.returncode != PORT_TAKEN:  # another process took the port: try another
                    raise
        raise PrefectServerError("server Prefect sementara tidak dapat dinyalakan", log=str(log_path))

    @staticmethod
    def _popen(port: int, log_path: Path, settings) -> subprocess.Popen:
        import prefect

        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(prefect.__module_path__.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            # A run uses no block: registering Prefect's block types imports every collection
            # (~25-60 MB of the server, and a few seconds of its start).
            "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
            "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
            **settings.to_environment_variables(exclude_unset=True),
        }
        with open(log_path, "ab") as log:
            return subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_healthy(
    url: str, timeout: float, process: subprocess.Popen | None = None, log_path: Path | None = None
) -> None:
    """Return once `url`/health answers; a clear error if the server died or never answered."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise PrefectServerError(
                "server Prefect berhenti saat dinyalakan",
                kode_keluar=process.returncode,
                log=_last_line(log_path),
            )
        if _healthy(url):
            return
        if time.monotonic() > deadline:
            where = {"log": str(log_path)} if log_path else {}
            raise PrefectServerError(
                f"server Prefect tidak menjawab dalam {timeout:.0f} detik", url=url, **where
            )
        time.sleep(0.25)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _last_line(path: Path | None) -> str:
    if path is None or not path.exists():
        return "-"
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:300] if lines else "-"


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

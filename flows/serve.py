"""`ektp serve`: the nightly and the day's reminders on their schedules and the backfill on demand,
as Prefect deployments.

Schedules only run against a persistent Prefect server. With PREFECT_API_URL set, serve uses that
server. Without it, serve starts `prefect server start` itself on 127.0.0.1 (state under
$PREFECT_HOME/server, i.e. data/prefect/server by default) and stops it on exit.

The deployments carry the serve process's settings (landing, warehouse, scope, runner, ...) as
their default `settings` parameter, so every run they start uses the settings `ektp serve` was
given; a run started from the UI or `prefect deployment run` may override them. The secrets (the
SMTP password, the webhooks' addresses) are not among them: the runs this process starts inherit
them through its environment (SECRETS).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path

from contract.dates import NIGHTLY_CRON, TIMEZONE
from contract.errors import PrefectServerError
from contract.settings import DATA_DIR, Settings
from flows.outcome import api_failure
from flows.runner import check, die_with_parent, wait_healthy, with_runner

log = logging.getLogger(__name__)
TAGS = ["ektp"]
# A fresh server home runs its SQLite migrations first (~20 s here); leave room on a slow disk.
STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0
# What the deployments' parameters never hold, since the Prefect server's database and UI keep
# them: the mail server's password, and the webhooks' addresses, whose paths and queries often
# carry a token (flows/notify.py logs their scheme, host and port only). A run's process, started
# by this one, reads them from the environment it inherits (hand_down).
SECRETS = ("smtp_password", "notify_url", "pengingat_url")


def serve(
    settings: Settings,
    say: Callable[[str], None],
    beside: Callable[[str], AbstractContextManager] | None = None,
) -> None:
    """Serve the `nightly`, `pengingat` and `backfill` deployments until stopped (Ctrl-C or SIGTERM);
    `say` tells the operator where the server is. `beside(api_url)`, when given, is a context
    that runs alongside for as long as the deployments are served (the district portal)."""
    check(settings.runner)  # a bad --runner fails now, not after a server has started
    hand_down(settings)
    # The schedules are paused as serve stops on a configured server only, which goes on without
    # it. Serve's own server stops with it, and the next start registers the deployments unpaused;
    # and `systemctl stop` signals that server at the same moment as serve (KillMode=control-group):
    # each pause waited on a server that was going, a minute a call with the client's retries,
    # until systemd killed them all.
    pause = configured_api() is not None
    with prefect_api(settings) as url, beside(url) if beside else nullcontext():
        runner = build_runner(settings, pause_on_shutdown=pause)
        say(announcement(url, settings))
        with suppress(KeyboardInterrupt):
            asyncio.run(runner.start())
    say("ektp serve: berhenti.")


def build_runner(settings: Settings, pause_on_shutdown: bool = True):
    """A Prefect Runner holding the deployments (registered on the server as it adds them);
    `pause_on_shutdown`: pause their schedules as it stops."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.runner import Runner
    from prefect.schedules import Cron

    from flows.backfill import backfill
    from flows.nightly import nightly
    from flows.pengingat_harian import pengingat

    # One run per deployment at a time; a second one waits its turn (ENQUEUE), never cancelled.
    one = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
    runner = Runner(name="ektp", pause_on_shutdown=pause_on_shutdown)
    parameters = {"settings": settings.model_dump(mode="json", exclude=set(SECRETS))}
    runner.add_flow(
        with_runner(nightly, settings.runner),
        name="nightly",
        paused=False,
        schedules=[Cron(NIGHTLY_CRON, timezone=TIMEZONE)],
        concurrency_limit=one,
        tags=TAGS,
        parameters=parameters,
        description="Setiap hari 02:00 WITA: proses semua berkas baru bertanggal sampai kemarin.",
    )
    # No task runner of its own: it submits no task (a Dask cluster would start for nothing).
    runner.add_flow(
        pengingat,
        name="pengingat",
        paused=False,
        schedules=[Cron(daily_cron(settings.jam_pengingat), timezone=TIMEZONE)],
        concurrency_limit=one,
        tags=TAGS,
        parameters=parameters,
        description=f"Setiap hari {settings.jam_pengingat} WITA: ingatkan kabupaten yang belum"
        " mengirim laporan semua kecamatannya hari itu (surel, webhook).",
    )
    runner.add_flow(
        with_runner(backfill, settings.runner),
        name="backfill",
        paused=False,
        concurrency_limit=one,
        tags=TAGS,
        parameters=parameters,
        description="Proses ulang berkas bertanggal start..end (parameter kabupaten: 5201,5203).",
    )
    return runner


def hand_down(settings: Settings) -> None:
    """Put the secrets this process was given (by flag or environment) in its environment, where
    the runs it starts read them: the deployments' parameters leave them out."""
    for field in SECRETS:
        value = getattr(settings, field)
        if value is not None:
            os.environ[variable(field)] = value


def variable(field: str) -> str:
    """The environment variable a setting is read from (EKTP_ and its name)."""
    return f"{Settings.model_config['env_prefix']}{field.upper()}"


def daily_cron(jam: str) -> str:
    """'20:00' (HH:MM, as the settings hold it) -> the cron of every day at that time."""
    hour, minute = (int(part) for part in jam.split(":"))
    return f"{minute} {hour} * * *"


def configured_api() -> str | None:
    """The Prefect server PREFECT_API_URL names, if any."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


@contextmanager
def prefect_api(settings: Settings) -> Iterator[str]:
    """The API URL of a persistent Prefect server: the configured one, or one we start and stop."""
    if url := configured_api():
        wait_healthy(url, timeout=settings.prefect_timeout_seconds)
        yield url
        return
    with local_server(server_home(), settings.prefect_port) as url, _api_url(url):
        yield url


def server_home() -> Path:
    """Where the started server keeps its database: apart from the ephemeral runs' state."""
    return Path(os.environ.get("PREFECT_HOME") or DATA_DIR / "prefect") / "server"


@contextmanager
def local_server(home: Path, port: int) -> Iterator[str]:
    """Run `prefect server start` on 127.0.0.1:`port` until the block ends."""
    if not port_free(port):
        raise PrefectServerError(
            "port sudah dipakai; pilih port lain (EKTP_PREFECT_PORT) atau arahkan PREFECT_API_URL"
            " ke server Prefect yang sudah berjalan",
            port=port,
        )
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    process = _start_server(home, port, log_path)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_healthy(url, STARTUP_TIMEOUT, process, log_path)
        with watched(process, log_path):
            yield url
    finally:
        stop(process)


# How a server that was asked to stop ends; and how long serve waits to see the server's end once
# the runner has met it (seconds).
ASKED = (0, -signal.SIGTERM)
END_GRACE = 5.0


@contextmanager
def watched(process: subprocess.Popen, log_path: Path) -> Iterator[None]:
    """While the block runs, a server that ends stops serve as a Ctrl-C would. Before, serve went
    on without it, printing nothing, and no nightly ran again until someone looked.

    Ended by SIGTERM (`systemctl stop` signals every process of the service) or on its own with
    status 0, it was asked to: serve stops quietly. Killed otherwise (out of memory, SIGKILL) or
    failed, the block's end is one line (PrefectServerError, exit 2), what the runner met trying to
    reach it included, and systemd starts serve again with a new server (deploy/systemd, Restart)."""
    closing, ended = threading.Event(), threading.Event()

    def watch() -> None:
        process.wait()
        ended.set()
        if not closing.is_set():
            os.kill(os.getpid(), signal.SIGINT)  # the main thread stops the runner, as on Ctrl-C

    threading.Thread(target=watch, name="ektp-server-watch", daemon=True).start()
    try:
        yield
    except Exception as exc:
        closing.set()
        from_api = api_failure(exc)
        # The runner can meet the server's end before the watcher has seen it (its calls failing,
        # or its loops giving up on them: "Service exceeded error threshold"): a moment's grace.
        if not ended.wait(END_GRACE if from_api else 1.0):
            raise
        if not from_api and process.returncode in ASKED:
            raise  # the server was asked to stop: the block's error is its own
        _stopped(process, log_path, cause=exc)  # the runner could not reach the server gone
    else:
        closing.set()
        if process.poll() is not None:
            _stopped(process, log_path)


def _stopped(process: subprocess.Popen, log_path: Path, cause: BaseException | None = None) -> None:
    """Nothing when the server was asked to stop; else why serve stops."""
    if process.returncode in ASKED:
        return
    log.debug("server Prefect berhenti sendiri (kode keluar %s)", process.returncode)
    raise PrefectServerError(
        "server Prefect ektp serve berhenti sendiri; ektp serve ikut berhenti (systemd menyalakannya lagi)",
        kode_keluar=process.returncode,
        log=str(log_path),
    ) from cause


def _start_server(home: Path, port: int, log_path: Path) -> subprocess.Popen:
    # The UI asks /ui-settings for its API address, which defaults to port 4200 unless the
    # server is told its own port: without this the UI on another port shows no deployments.
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "ab") as log:
        # Own process group: a Ctrl-C in the terminal must reach us first, so that the runner can
        # pause the schedules on the server before we stop it.
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's whole process group, then SIGKILL what is left."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the server will: a port whose old connections linger in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def _api_url(url: str) -> Iterator[None]:
    """Point this process, and the flow-run processes it starts, at the server."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def announcement(url: str, settings: Settings) -> str:
    """What `ektp serve` prints at its start. The backfill's command names the server: from another
    shell, without PREFECT_API_URL, Prefect's program would ask a temporary server of its own,
    which has no deployment."""
    ui = url.removesuffix("/api")
    prefect = Path(sys.executable).with_name("prefect")
    return (
        f"ektp serve: server Prefect {ui} (UI di alamat yang sama)\n"
        f"  deployment 'nightly/nightly': setiap hari 02:00 WITA ({TIMEZONE})\n"
        f"  deployment 'pengingat/pengingat': setiap hari {settings.jam_pengingat} WITA\n"
        f"  deployment 'backfill/backfill': PREFECT_API_URL={url} {prefect} deployment run"
        " 'backfill/backfill' -p start=YYYY-MM-DD -p end=YYYY-MM-DD\n"
        f"  landing {settings.landing}, gudang data {settings.warehouse}, runner {settings.runner}\n"
        f"  Ctrl-C untuk berhenti."
    )

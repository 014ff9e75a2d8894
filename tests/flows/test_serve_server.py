"""`ektp serve` against a real `prefect server start`: deployments, a nightly run, its artifact, the
province's digest after it, and a run of the day's reminders (a real SMTP server on loopback)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from contract.errors import PrefectServerError
from contract.settings import Settings
from flows import serve as serve_mod
from tests.flows.support import D3, Webhook, free_port, table, tiny_landing

pytestmark = pytest.mark.slow  # see tests/conftest.py: left out of `make check`

STARTUP = 120  # a fresh server home migrates its database first


def test_configured_but_unreachable_server_is_one_clear_error():
    dead = f"http://127.0.0.1:{free_port()}/api"
    with (
        temporary_settings(updates={PREFECT_API_URL: dead}),
        pytest.raises(PrefectServerError, match="tidak menjawab") as err,
    ):
        serve_mod.serve(Settings(prefect_timeout_seconds=0.5), say=print)
    assert dead in str(err.value)


def test_a_busy_port_is_one_clear_error(tmp_path):
    with socket.socket() as busy, temporary_settings(restore_defaults={PREFECT_API_URL}):
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(PrefectServerError, match="port sudah dipakai"):
            serve_mod.serve(Settings(prefect_port=busy.getsockname()[1]), say=print)


@contextmanager
def serving(env: dict, log_path, *args: str):
    """`ektp serve` in its own process group; always stopped, killed if it will not stop."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ektp.cli", "serve", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def wait_until(check, timeout: float, proc, log_path, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"ektp serve exited {proc.returncode}:\n{log_path.read_text()[-3000:]}"
        if result := check():
            return result
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {timeout} s:\n{log_path.read_text()[-3000:]}")


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


# Its SMTP server asks for a login without TLS: the certificate cannot reach serve's run processes.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_serve_runs_the_nightly_deployment_on_its_own_server(tmp_path, operator_env):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey
    from prefect.deployments import run_deployment

    from pipeline import kontak
    from portal import db
    from tests.flows.surel import PASSWORD, USER, smtp_server
    from tests.portal.support import Browser, add_account

    port, portal_port = free_port(), free_port()
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    # the portal's database beside the warehouse, with a province account and Lombok Barat's (which
    # sends nothing), both with an address
    portal_db = db.create(warehouse.parent / "portal.sqlite")
    for nama, peran, kab, surel in (
        ("prov", "provinsi", None, "dukcapil@ntbprov.go.id"),
        ("lobar", "kabupaten", "5201", "dukcapil@lombokbaratkab.go.id"),
    ):
        add_account(portal_db, Settings(), nama, peran, kab, "sandi-prov-1234")
        kontak.set_contact(portal_db, nama, peran, surel, False)
    # and the admin, whose button starts the nightly
    add_account(portal_db, Settings(), "adm", "admin", None, "sandi-admin-123")
    operator_env(tmp_path / "prefect" / "server")  # the home serve gives its server (flows/serve.py)
    env = operator_env(tmp_path / "prefect")  # no server given: serve starts one
    env |= {
        "EKTP_PREFECT_PORT": str(port),
        "EKTP_LANDING": str(tiny_landing(tmp_path / "landing")),
        "EKTP_WAREHOUSE": str(warehouse),
        "EKTP_MIN_AGE_SECONDS": "0",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "EKTP_PORTAL_PORT": str(portal_port),
        "PREFECT_LOGGING_LEVEL": "INFO",  # the runner's steps in serve's log (below: no pause)
    }
    url = f"http://127.0.0.1:{port}/api"
    log_path = tmp_path / "serve.log"
    with (
        Webhook().running() as hook,
        smtp_server(login=True) as inbox,
        serving(
            env
            | {
                "EKTP_SMTP_HOST": "127.0.0.1",
                "EKTP_SMTP_PORT": str(inbox.port),
                "EKTP_SMTP_USER": USER,
                "EKTP_SMTP_PASSWORD": PASSWORD,
            },
            log_path,
            "--notify",  # a flag, not the environment: serve hands it down to its runs
            hook.url,
        ) as proc,
        temporary_settings(updates={PREFECT_API_URL: url}),
        get_client(sync_client=True) as client,
    ):

        def deployment(name):
            try:
                return client.read_deployment_by_name(name)
            except Exception:  # not registered yet, or the server still starting
                return None

        nightly = wait_until(
            lambda: deployment("nightly/nightly"), STARTUP, proc, log_path, "nightly deployment"
        )
        backfill = wait_until(
            lambda: deployment("backfill/backfill"), 30, proc, log_path, "backfill deployment"
        )
        # The server keeps its state beside the other Prefect state, not in ~/.prefect.
        assert (tmp_path / "prefect" / "server" / "prefect.db").exists()
        # Its UI calls the API on the server's own port, not on 4200 (EKTP_PREFECT_PORT was ignored).
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ui-settings", timeout=10) as answer:
            assert json.loads(answer.read())["api_url"] == f"http://127.0.0.1:{port}/api"
        ((schedule),) = nightly.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == (
            "0 2 * * *",
            "Asia/Makassar",
            True,
        )
        assert backfill.schedules == []
        # The day's reminders: their own deployment, every day at 20:00 WITA (EKTP_JAM_PENGINGAT).
        reminders = deployment("pengingat/pengingat")
        ((schedule),) = reminders.schedules
        assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == (
            "0 20 * * *",
            "Asia/Makassar",
            True,
        )
        for d in (nightly, backfill, reminders):
            limit = d.global_concurrency_limit
            assert (limit.limit, str(d.concurrency_options.collision_strategy.value)) == (1, "ENQUEUE")
        assert set(backfill.parameter_openapi_schema["required"]) == {"settings", "start", "end"}
        # All carry serve's settings as their default parameter (not the environment of a run),
        # but not the secrets (the mail server's password, the webhook's address, which may
        # carry a token): the server's database and UI never hold them.
        for d in (nightly, backfill, reminders):
            assert d.parameters["settings"]["warehouse"] == str(warehouse)
            assert not {"smtp_password", "notify_url", "pengingat_url"} & set(d.parameters["settings"])
            assert hook.url not in json.dumps(d.parameters) and PASSWORD not in json.dumps(d.parameters)

        run = run_deployment(
            "nightly/nightly", parameters={"tanggal": D3.isoformat()}, timeout=120, poll_interval=1
        )
        assert run.state.is_completed(), log_path.read_text()[-3000:]
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ringkasan-nightly"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]),
            )
        )
        assert "| 5272 | Kota Bima | 3 | 0 | 0 | 0 |" in artifact.data
        # The run inherited the serve process's settings: its warehouse, and its webhook (a flag
        # of serve's, handed down through the environment, never in the run's parameters).
        assert hook.url not in json.dumps(run.parameters)
        assert ("5272/lap_2018-04-03.csv", "loaded") in [r[:1] + r[4:5] for r in table(warehouse, "unggahan")]
        assert [h["json"]["tanggal_laporan"] for h in hook.received] == ["2018-04-03"]
        # After the nightly, the province's digest, logged in with the password from the environment.
        ((to, digest),) = inbox.messages
        assert to == ["dukcapil@ntbprov.go.id"] and digest["Subject"].startswith(
            "Ringkasan e-KTP 3 April 2018"
        )
        assert [a.get_filename() for a in digest.iter_attachments()] == ["laporan-ektp-2018-04-03.xlsx"]

        # The reminders' deployment: Lombok Barat sent nothing for D3 and is told so.
        run = run_deployment(
            "pengingat/pengingat", parameters={"tanggal": D3.isoformat()}, timeout=120, poll_interval=1
        )
        assert run.state.is_completed(), log_path.read_text()[-3000:]
        ((to, reminder),) = inbox.messages[1:]
        assert to == ["dukcapil@lombokbaratkab.go.id"] and "Lombok Barat" in reminder["Subject"]
        assert inbox.logins == [True, True]

        # the portal runs beside the schedule; its admin's button starts the nightly deployment
        with Browser(f"http://127.0.0.1:{portal_port}") as office:
            assert office.login("adm").status_code == 303
            office.get("/admin/nightly")
            pressed = office.post("/admin/nightly")
            assert pressed.status_code == 303, pressed.text
            started = office.get(pressed.headers["location"])
            assert "Proses malam sudah dimulai" in started.text, started.text
        run_id = started.text.split('<code id="run-id">', 1)[1].split("</code>", 1)[0]

        def finished():
            state = client.read_flow_run(run_id).state
            return state if state.is_final() else None

        state = wait_until(finished, 120, proc, log_path, "the nightly started from the portal")
        assert state.is_completed() and client.read_flow_run(run_id).deployment_id == nightly.id
        # and once it has ended, its page says what it did (the files were decided by the first run)
        with Browser(f"http://127.0.0.1:{portal_port}") as office:
            office.login("adm")
            done = office.get("/admin/nightly").text
        assert "Hasil: <strong>berhasil</strong>;\ntidak ada berkas baru yang diputuskan" in done, done

        # the backfill's command, as serve printed it, names this server (a shell without
        # PREFECT_API_URL would otherwise ask a temporary server that has no deployment)
        (line,) = [x for x in log_path.read_text().splitlines() if "deployment 'backfill/backfill':" in x]
        command = line.split(": ", 1)[1]
        assert command.startswith(f"PREFECT_API_URL={url} ") and Path(command.split()[1]).is_file()

        os.killpg(proc.pid, signal.SIGTERM)  # what Ctrl-C does (systemd signals the server too)
        assert proc.wait(40) == 0
        # and it paused nothing on its own server, which stops with it (Prefect's runner says so at
        # INFO when it does): under systemd, which stops that server at the same moment, the
        # pause's calls were retried against a server gone, and serve took ~80 s to stop
        assert "Pausing all deployments" not in log_path.read_text(), log_path.read_text()[-3000:]
    assert not listening(port), "the server serve started must stop with it"
    assert not listening(portal_port), "and so must the portal"

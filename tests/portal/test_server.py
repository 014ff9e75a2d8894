"""Starting and stopping the portal: `ektp portal` as a process, beside `ektp serve` or not, and
the clear errors when it cannot start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from ektp import cli
from tests import web_client
from tests.flows.support import free_port


def test_ektp_portal_serves_until_sigterm(world, cli_env, tmp_path):
    port = free_port()
    log = tmp_path / "portal.log"
    env = cli_env | {
        "EKTP_LANDING": str(world.landing),
        "EKTP_WAREHOUSE": str(world.warehouse),
        "EKTP_TODAY": "2018-04-04",
    }
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ektp.cli", "portal", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                if web_client.get(f"http://127.0.0.1:{port}/sehat").json()["pemeriksa"] == "siap":
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        assert web_client.get(f"http://127.0.0.1:{port}/").headers["location"] == "/masuk"
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # a malformed request
            sock.sendall(b"\x00GARBAGE\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
        os.killpg(proc.pid, signal.SIGTERM)  # what systemd does
        assert proc.wait(30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    text = log.read_text()
    assert f"portal kabupaten: http://127.0.0.1:{port}/" in text and "ektp portal: berhenti." in text
    assert "Invalid HTTP request" not in text  # uvicorn's warning per malformed request stays out
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_a_busy_port_is_one_clear_line(world, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        code = cli.main(
            [
                "portal",
                "--port",
                str(busy.getsockname()[1]),
                "--landing",
                str(world.landing),
                "--warehouse",
                str(world.warehouse),
            ]
        )
    err = capsys.readouterr().err
    # less the warning every portal of the tests gives first: its passwords' cost (tests/argon2_cost.py)
    said = [line for line in err.splitlines() if "batas OWASP" not in line]
    assert code == 2 and said == [said[0]] and said[0].startswith("ektp: galat: port portal sudah dipakai"), (
        err
    )


def test_the_portal_database_is_never_the_warehouse(world, capsys):
    code = cli.main(
        [
            "portal",
            "--landing",
            str(world.landing),
            "--warehouse",
            str(world.warehouse),
            "--portal-db",
            str(world.warehouse),
        ]
    )
    assert code == 2 and "EKTP_PORTAL_DB tidak boleh berkas gudang data" in capsys.readouterr().err


@pytest.mark.parametrize(("flags", "with_portal"), [([], True), (["--tanpa-portal"], False)])
def test_serve_starts_the_portal_beside_the_schedule_unless_told_not_to(
    world, monkeypatch, flags, with_portal
):
    seen = {}
    monkeypatch.setattr("flows.serve.serve", lambda settings, say, beside=None: seen.update(beside=beside))
    assert (
        cli.main(["serve", "--landing", str(world.landing), "--warehouse", str(world.warehouse), *flags]) == 0
    )
    assert (seen["beside"] is not None) == with_portal


def test_keep_alive_answers_do_not_wait_for_delayed_acks(base_url):
    # a browser keeps its connection open; with Nagle on the server's side (TCP_NODELAY unset on
    # accepted connections) every answer on it waited for the browser's delayed ACK
    # (~40 ms) each: an answer on a kept-alive connection must not be slower than one on a fresh
    # connection, which pays a whole TCP handshake but no delayed ACK (a ratio, not a time)
    # The two kinds alternate request by request, so that a moment of load (other suites on this
    # machine) slows both alike: measured one kind after the other, a busy second once gave the
    # kept-alive median 12 ms against 5 ms (no delayed ACK is that short; it waits ~40 ms).
    times: dict[bool, list[float]] = {True: [], False: []}
    with web_client.client(base_url=base_url) as kept_alive, web_client.client(base_url=base_url) as closing:
        kept_alive.get("/sehat")
        for _ in range(21):
            for keep_alive, client in ((True, kept_alive), (False, closing)):
                started = time.perf_counter()
                client.get("/sehat", headers={} if keep_alive else {"Connection": "close"})
                times[keep_alive].append(time.perf_counter() - started)
    kept, fresh = (sorted(times[k])[len(times[k]) // 2] for k in (True, False))
    assert kept < 2 * fresh, (kept, fresh)

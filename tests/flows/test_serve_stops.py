"""`ektp serve` stops when the Prefect server it started is killed (flows/serve.py, `watched`),
with one line, for systemd to start it again. A real serve with its own server; how `watched`
takes each kind of end (asked to stop: quietly) is tests/flows/test_serve.py's, with a plain
process for the server. A file of its own, so that this serve starts on another xdist worker than
test_serve_server.py's."""

from __future__ import annotations

import os
import signal

from tests.flows.support import free_port, tiny_landing
from tests.flows.test_serve_server import STARTUP, serving, wait_until
from tests.procfs import children_of


def test_serve_stops_with_one_line_when_its_server_is_killed(tmp_path, operator_env):
    # Before, serve went on running without its server, silent, with no nightly to come.
    port = free_port()
    operator_env(tmp_path / "prefect" / "server")  # the home serve gives its server (flows/serve.py)
    env = operator_env(tmp_path / "prefect") | {
        "EKTP_PREFECT_PORT": str(port),
        "EKTP_LANDING": str(tiny_landing(tmp_path / "landing")),
        "EKTP_WAREHOUSE": str(tmp_path / "gudang" / "ektp.duckdb"),
        # The client's retries left as they are: serve pauses nothing on its way out any more, and
        # without retries a 503 of a busy server registering the deployments ended serve (exit 3)
    }
    log_path = tmp_path / "serve.log"
    with serving(env, log_path, "--tanpa-portal") as proc:
        wait_until(lambda: "Ctrl-C untuk berhenti" in log_path.read_text(), STARTUP, proc, log_path, "serve")
        (server,) = children_of(proc.pid, b"prefect\x00server\x00start")
        os.kill(server, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        assert proc.wait(120) == 2, log_path.read_text()[-3000:]
    last = log_path.read_text().strip().splitlines()[-1]
    assert last.startswith(
        "ektp: galat: server Prefect ektp serve berhenti sendiri; ektp serve ikut berhenti (systemd"
        " menyalakannya lagi) (kode_keluar=-9, log="
    ), log_path.read_text()[-3000:]

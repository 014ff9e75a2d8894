"""Every exit-2 failure of `nightly`, `backfill`, `report`, `check` and `serve`'s start-up is one
line on stderr and nothing else.

Run as the operator runs them: a fresh `ektp` process and no PREFECT_API_URL, so that each flow
run starts Prefect's temporary server (4-10 s a process on a home whose database is already
migrated, tests/prefect_db.py; only the failures that happen inside a flow run pay it). That is
where the noise came from: Prefect's API log handler sent the failed run's records after the
temporary server had stopped and wrote `--- Error logging to API ---` / `All connection attempts
failed` under the operator's line. With a real server (the test server's PREFECT_API_URL) the
run's records must still reach it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from ektp import cli
from tests.flows.support import D1, D3, tiny_landing

EPHEMERAL_TIMEOUT = 300  # seconds: a temporary server's start on a loaded machine


@pytest.fixture(scope="module")
def ephemeral(tmp_path_factory, operator_env) -> dict[str, str]:
    """The environment of an operator's shell: no Prefect server configured."""
    return operator_env(tmp_path_factory.mktemp("prefect-home"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_server) -> tuple[Path, Path]:
    """A landing folder and the NTB warehouse a nightly made of it (in this process, test server)."""
    base = tmp_path_factory.mktemp("gudang")
    landing = tiny_landing(base / "landing")
    warehouse = base / "gudang" / "ektp.duckdb"
    assert (
        cli.main(
            ["nightly", "--date", D3.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]
        )
        == 0
    )
    return landing, warehouse


def ektp(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "ektp.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=EPHEMERAL_TIMEOUT,
    )
    return done.returncode, done.stderr


def the_line(err: str) -> str:
    """The one line on stderr (an `ektp: galat:` line), failing on any other."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0] == err.rstrip("\n") and lines[0].startswith("ektp: galat: "), err
    return lines[0]


@contextmanager
def read_only(folder: Path):
    """A folder no one may write, root included (root ignores permission bits: immutable for it)."""
    folder.mkdir()
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def nightly(landing: Path, warehouse: Path, *more: object) -> list[object]:
    return ["nightly", "--date", D3.isoformat(), "--landing", landing, "--warehouse", warehouse, *more]


# A warehouse path that cannot be written: found before the run starts (no Prefect server started
# for nothing), and found again by the writer (tests/warehouse/test_store.py).
def test_a_folder_as_warehouse(tmp_path, ephemeral):
    landing = tiny_landing(tmp_path / "landing")
    (tmp_path / "gudang.duckdb").mkdir()
    code, err = ektp(nightly(landing, tmp_path / "gudang.duckdb"), ephemeral)
    assert code == 2 and "adalah sebuah folder" in the_line(err)


def test_a_read_only_folder(tmp_path, ephemeral):
    landing = tiny_landing(tmp_path / "landing")
    with read_only(tmp_path / "terkunci") as folder:
        code, err = ektp(nightly(landing, folder / "gudang.duckdb"), ephemeral)
        assert code == 2 and "tidak dapat ditulis" in the_line(err)
        assert list(folder.iterdir()) == []  # not even the probe's file is left


# A failure inside the flow run: a temporary server is started, the run fails, the server stops.
def test_a_garbage_file_as_warehouse(tmp_path, ephemeral):
    landing = tiny_landing(tmp_path / "landing")
    (tmp_path / "gudang.duckdb").write_bytes(b"bukan basis data" * 1000)
    code, err = ektp(nightly(landing, tmp_path / "gudang.duckdb"), ephemeral)
    assert code == 2 and str(tmp_path / "gudang.duckdb") in the_line(err)


# Another scope: refused from the published warehouse before the run starts (no temporary server
# started for a run that would be refused), and by the writer too (tests/warehouse/test_cakupan.py).
def test_another_scope(built, tmp_path, operator_env):
    landing, warehouse = built
    home = tmp_path / "prefect"
    code, err = ektp(
        [
            "backfill",
            "--from",
            D1.isoformat(),
            "--to",
            D3.isoformat(),
            "--provinsi",
            "53",
            "--landing",
            landing,
            "--warehouse",
            warehouse,
        ],
        operator_env(home),
    )
    assert code == 2 and "cakupan provinsi 52" in the_line(err)
    assert not (home / "server-sementara.log").exists()  # no Prefect server was started


# Failures found before any flow run starts.
@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["nightly", "--date", "2018-13-01"], {}, "bukan tanggal YYYY-MM-DD"),
        (["backfill", "--to", "2018-04-03"], {}, "opsi '--from' wajib diisi"),
        (["backfill", "--from", "2018-04-03", "--to", "2018-04-01"], {}, "lebih awal dari"),
        (["nightly", "--runner", "benang"], {}, "--runner harus"),
        (["nightly"], {"EKTP_BATCH_FILES": "-1"}, "EKTP_BATCH_FILES"),
    ],
    ids=["tanggal", "tanpa-from", "rentang", "runner", "pengaturan"],
)
def test_bad_arguments_and_settings(args, env, says, tmp_path, ephemeral):
    landing = tiny_landing(tmp_path / "landing")
    code, err = ektp([*args, "--landing", landing, "--warehouse", tmp_path / "w.duckdb"], ephemeral | env)
    assert code == 2 and says in the_line(err)
    assert not (tmp_path / "w.duckdb").exists()


def test_a_landing_folder_that_does_not_exist(tmp_path, ephemeral):
    code, err = ektp(nightly(tmp_path / "tidak-ada", tmp_path / "w.duckdb"), ephemeral)
    assert code == 2 and "folder landing tidak ada" in the_line(err)


def test_a_report_for_a_date_with_no_data(built, tmp_path, ephemeral):
    _, warehouse = built
    code, err = ektp(
        ["report", "--date", "2017-01-01", "--warehouse", warehouse, "--out", tmp_path], ephemeral
    )
    assert code == 2 and "tidak ada data untuk 2017-01-01" in the_line(err)


def test_check_on_a_missing_file(tmp_path, ephemeral):
    code, err = ektp(["check", tmp_path / "tidak-ada.csv", "--kabupaten", "5201"], ephemeral)
    assert code == 2 and "berkas tidak ada" in the_line(err)


def test_serve_with_its_port_in_use(tmp_path, ephemeral):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = ektp(
            [
                "serve",
                "--tanpa-portal",
                "--landing",
                tiny_landing(tmp_path / "landing"),
                "--warehouse",
                tmp_path / "w.duckdb",
            ],
            ephemeral | {"EKTP_PREFECT_PORT": str(port)},
        )
    assert code == 2 and f"port={port}" in the_line(err)


def test_a_prefect_server_that_does_not_answer(tmp_path, ephemeral):
    # PREFECT_API_URL names a server that is not there: one line naming it (it once was exit 3,
    # "galat internal (RuntimeError): Failed to reach API")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/api"
    landing = tiny_landing(tmp_path / "landing")
    # Waited for EKTP_PREFECT_TIMEOUT_SECONDS (default 10), here one second.
    env = ephemeral | {"PREFECT_API_URL": url, "EKTP_PREFECT_TIMEOUT_SECONDS": "1"}
    code, err = ektp(nightly(landing, tmp_path / "w.duckdb"), env)
    line = the_line(err)
    assert code == 2 and url in line and "dalam 1 detik" in line, line


def test_with_a_real_server_the_failed_runs_log_still_reaches_it(tmp_path, cli_env):
    # the same failure reported to a configured server: one line here, the traceback in the
    # flow run's log on the server
    landing = tiny_landing(tmp_path / "landing")
    warehouse = tmp_path / "gudang.duckdb"
    warehouse.write_bytes(b"bukan basis data" * 1000)  # found by the writer, inside the flow run
    code, err = ektp(nightly(landing, warehouse), cli_env)
    line = the_line(err)
    assert code == 2 and str(warehouse) in line
    reason = line.removeprefix("ektp: galat: ").split(" (")[0]
    assert len(reason) > 10, line
    assert any(reason in message for message in _run_log(warehouse))


def _run_log(warehouse: Path) -> list[str]:
    """The log messages, on the test server, of the nightly run that was given `warehouse`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import FlowRunSort

    # The newest first: every worker's runs are on the shared server (tests/prefect_server.py).
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["nightly"])),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
            limit=200,
        )
        [run] = [r for r in runs if r.parameters.get("settings", {}).get("warehouse") == str(warehouse)]
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    return [log.message for log in logs]

"""Run-level failures are one line, exit 2, naming the operator's path; what was published stays
published; the warehouse's scope cannot be changed by mistake; the temporary Prefect server dies
with a killed run."""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from contract.dates import WITA
from ektp import cli
from tests.flows.support import D3, tiny_landing
from tests.uploads import KOTA_BIMA, day_file, dump, dumps, one
from tests.warehouse.kept import fixtures


def ektp(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def nightly(landing: Path, warehouse: Path, *more: str) -> tuple[int, str, str]:
    return ektp(
        "nightly", "--date", D3.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse), *more
    )


def build(landing: Path, warehouse: Path) -> None:
    tiny_landing(landing)
    assert nightly(landing, warehouse)[0] == 0


kept, loaded = fixtures(build, "gagal", name="loaded")


@pytest.fixture
def landing(loaded) -> Path:
    return loaded[0]


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_directory_as_warehouse_is_one_line(landing, tmp_path):
    (tmp_path / "gudang.duckdb").mkdir()
    code, _, err = nightly(landing, tmp_path / "gudang.duckdb")
    assert code == 2 and one_line(err) == (
        "ektp: galat: gudang data adalah sebuah folder, bukan berkas DuckDB "
        f"(path={tmp_path / 'gudang.duckdb'})"
    )


def test_a_garbage_warehouse_names_the_operators_file_not_the_private_copy(landing, tmp_path):
    bad = tmp_path / "gudang.duckdb"
    bad.write_bytes(b"bukan basis data" * 1000)
    code, _, err = nightly(landing, bad)
    line = one_line(err)
    assert code == 2 and str(bad) in line and ".tmp" not in line
    assert bad.read_bytes() == b"bukan basis data" * 1000  # left as it was


def test_a_failure_after_publishing_says_the_data_is_published_and_what_is_missing(landing, tmp_path):
    # the report's and the receipts' folders cannot be made (files stand in their place): the
    # warehouse is published and correct, and the one line names what is missing
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    warehouse.parent.mkdir()
    (warehouse.parent / "laporan").write_text("bukan folder")
    (warehouse.parent / "tanda_terima").write_text("bukan folder")
    code, _, err = nightly(landing, warehouse)
    line = one_line(err)
    assert code == 2 and line.startswith(
        f"ektp: galat: data sudah diterbitkan di {warehouse}, tetapi belum dibuat: "
    )
    assert "tanda terima (" in line and "laporan (" in line
    assert one(warehouse, "select count(*) from unggahan where status = 'loaded'") == [(6,)]


def test_a_full_disk_before_publishing_leaves_the_previous_warehouse_whole(loaded, tmp_path, cli_env):
    # the file-size limit of the process stands in for a full disk: the working file and the
    # catalog cannot grow, the run stops with one line naming the warehouse, the published state
    # is untouched, and the next run, with room again, publishes the correction
    landing, warehouse = loaded  # a nightly made it
    before = dump(warehouse, "progres_provinsi")
    size = warehouse.stat().st_size
    day_file(landing, "5272", KOTA_BIMA, D3, base=5_000, step=12, name="koreksi_2018-04-03.csv")

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (size // 2, size // 2))

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ektp.cli",
            "nightly",
            "--date",
            D3.isoformat(),
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=240,
        preexec_fn=small_disk,
    )
    assert done.returncode == 2, done.stderr
    line = one_line(done.stderr)
    assert str(warehouse) in line and ".tmp" not in line and "File too large" in line
    assert dump(warehouse, "progres_provinsi").equals(before)
    assert not [p for p in warehouse.parent.iterdir() if p.name.endswith(".katalog")]
    assert nightly(landing, warehouse)[0] == 0
    fresh = tmp_path / "baru" / "ektp.duckdb"
    assert nightly(landing, fresh)[0] == 0
    for table in ("unggahan", "progres_provinsi"):
        assert dump(warehouse, table).equals(dump(fresh, table))
    assert one(warehouse, "select count(*) from unggahan where file = '5272/koreksi_2018-04-03.csv'") == [
        (1,)
    ]


def test_another_scope_is_refused_and_changes_nothing(loaded):
    # `backfill --provinsi 53` over NTB's warehouse once rejected every file and emptied the province
    landing, warehouse = loaded  # a nightly made it
    before = dumps(warehouse, ("unggahan", "progres_provinsi"))
    code, _, err = ektp(
        "backfill",
        "--from",
        "2018-04-01",
        "--to",
        D3.isoformat(),
        "--provinsi",
        "53",
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    )
    assert code == 2
    assert one_line(err).startswith(
        "ektp: galat: gudang data ini berisi cakupan provinsi 52, perintah ini memakai 53;"
    )
    assert all(dump(warehouse, t).equals(frame) for t, frame in before.items())


def test_the_scope_changes_when_the_operator_says_so(loaded):
    landing, warehouse = loaded  # a nightly made it
    code, _, err = nightly(landing, warehouse, "--provinsi", "52,53", "--ubah-cakupan")
    assert code == 0, err
    assert one(warehouse, "select provinsi from cakupan") == [("52,53",)]
    assert nightly(landing, warehouse, "--provinsi", "53,52")[0] == 0  # the same scope, spelt otherwise


def test_a_rewrite_that_keeps_size_and_mtime_is_decided_again(loaded):
    # the bytes changed, the size and mtime were put back: the nightly still reads the new version
    landing, warehouse = loaded  # a nightly made it
    path = landing / "5272" / "lap_2018-04-03.csv"
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace("5026", "5027", 1))  # one digit: same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    assert nightly(landing, warehouse)[0] == 0
    assert len(one(warehouse, "select sha256 from unggahan where file = '5272/lap_2018-04-03.csv'")) == 1
    (sha,) = one(
        warehouse, "select sha256 from unggahan where file = '5272/lap_2018-04-03.csv' and status = 'loaded'"
    )[0]
    import hashlib

    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_clock_behind_the_last_run_is_one_line_and_changes_nothing(loaded, monkeypatch):
    # the server's clock set back a day (a wrong clock at boot): the nightly refuses to decide
    landing, warehouse = loaded
    day_file(landing, "5272", KOTA_BIMA, D3, base=4_990, step=10, name="koreksi_2018-04-03.csv")
    before = dumps(warehouse, ["unggahan", "riwayat_unggahan"])
    yesterday = datetime.now(WITA) - timedelta(days=1)
    monkeypatch.setenv("EKTP_NOW", yesterday.isoformat())
    monkeypatch.setenv("EKTP_TODAY", yesterday.date().isoformat())
    code, _, err = nightly(landing, warehouse)
    assert code == 2
    assert one_line(err).startswith("ektp: galat: jam mesin ini (") and "periksa jam sistem" in err
    after = dumps(warehouse, ["unggahan", "riwayat_unggahan"])
    assert all(after[t].equals(frame) for t, frame in before.items())
    # with the clock right again, the new file is decided
    monkeypatch.delenv("EKTP_NOW")
    monkeypatch.delenv("EKTP_TODAY")
    assert nightly(landing, warehouse)[0] == 0
    assert one(warehouse, "select count(*) from unggahan where file = '5272/koreksi_2018-04-03.csv'") == [
        (1,)
    ]


@pytest.mark.slow
def test_the_temporary_prefect_server_dies_with_a_killed_run(tmp_path, operator_env):
    # no PREFECT_API_URL: the run starts a temporary server; SIGKILL the run, the server follows
    landing = tiny_landing(tmp_path / "landing")
    env = operator_env(tmp_path / "prefect")
    run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ektp.cli",
            "nightly",
            "--date",
            D3.isoformat(),
            "--landing",
            str(landing),
            "--warehouse",
            str(tmp_path / "w.duckdb"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        server = _wait_for_child(run.pid, "prefect.server.api.server:create_app", timeout=120)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 30
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(server), "the temporary Prefect server outlived its run"
    finally:
        if run.poll() is None:
            run.kill()


def _wait_for_child(pid: int, marker: str, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            if marker in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace"):
                return int(child)
        time.sleep(0.2)
    raise AssertionError("no temporary server was started")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


# The program, with one change: the Prefect server is killed just before the run attaches its
# summary (after the warehouse is published), as a server that crashes or is stopped mid-run.
_SERVER_DIES = """
import os, signal, sys
from flows import artifacts
publish = artifacts.publish
def killed_first(*args):
    os.kill(int(os.environ["SERVER_PID"]), signal.SIGKILL)
    return publish(*args)
artifacts.publish = killed_first
from ektp import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_a_server_that_stops_answering_mid_run_gets_the_summary_and_one_line(tmp_path, prefect_db):
    # Prefect records the run's end on its server after the body returns: with the server gone,
    # that call failed and the run said `galat internal (ConnectError)` (exit 3), no summary, and
    # dozens of lines each repeating an event Prefect could not send.
    from prefect.settings import PREFECT_HOME, temporary_settings

    from flows.runner import TemporaryServer
    from tests import prefect_db as prefect_db_files

    landing, warehouse, home = tiny_landing(tmp_path / "landing"), tmp_path / "w.duckdb", tmp_path / "prefect"
    prefect_db_files.into_home(prefect_db, home)
    with temporary_settings(updates={PREFECT_HOME: home}):
        server = TemporaryServer()
        url = server.start()
    assert server.process is not None
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_API_URL": url,
        "SERVER_PID": str(server.process.pid),
        # Prefect's client retries a lost connection for about a minute (2 + 4 + ... + 32 s) per
        # call, in case the server comes back: the test need not wait for it to give up.
        "PREFECT_CLIENT_MAX_RETRIES": "0",
    }
    args = ["nightly", "--date", D3.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]
    try:
        done = subprocess.run(
            [sys.executable, "-c", _SERVER_DIES, *args], env=env, capture_output=True, text=True, timeout=300
        )
    finally:
        server.stop()
    # the summary, then one line that says the run ended and Prefect did not record it (exit 2)
    assert done.returncode == 2, done.stderr
    run_id, files = done.stdout.split()[1], sum(1 for p in landing.rglob("*") if p.is_file())
    assert done.stdout.startswith(f"Proses {run_id} — laporan tanggal")
    assert f"Berkas diputuskan: {files} " in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"ektp: galat: run selesai (ringkasan di atas), tetapi server Prefect {url} tidak menjawab lagi"
    )
    # Prefect's own news of the gone server: one line, not one per event it held
    assert "failed to process item" not in done.stderr and "Error logging to API" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3, done.stderr
    # nothing of the run is lost: its decisions are published
    assert one(warehouse, "select count(*) from unggahan where run_id = ?", [run_id]) == [(files,)]

"""The daily backup script keeps the newest N backups, each a whole warehouse; logrotate rotates
the Prefect server's log with deploy/logrotate/ektp while the server keeps writing to it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "deploy" / "cadangan-harian"
EKTP = PROJECT / ".venv" / "bin" / "ektp"
LOGROTATE = "/usr/sbin/logrotate"


def _backup(world, folder: Path, keep: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "EKTP_BIN": str(EKTP),
        "EKTP_WAREHOUSE": str(world.warehouse),
        "EKTP_LANDING": str(world.landing),
        "EKTP_CADANGAN_DIR": str(folder),
        "EKTP_CADANGAN_SIMPAN": keep,
    }
    return subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)


def _rows(path: Path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        ((n,),) = con.execute(f"select count(*) from {table}").fetchall()
        return int(n)
    finally:
        con.close()


def test_the_daily_backup_keeps_the_newest_n_whole_backups(world, tmp_path):
    folder = tmp_path / "cadangan"
    folder.mkdir()
    (folder / "catatan.txt").write_text("bukan cadangan")  # not ours: never removed
    made = []
    for _ in range(3):
        done = _backup(world, folder, "2")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        made.append(Path(next(x for x in lines if x.startswith("cadangan-harian: /")).split(": ", 1)[1]))
    kept = sorted(p for p in folder.iterdir() if p.suffix == ".duckdb")
    assert kept == sorted(made[1:])  # the first, oldest, was removed by the third run
    assert f"dihapus (lebih dari 2 cadangan) {made[0]}" in done.stdout
    assert sorted(made) == made  # names sort in the order they were made
    assert (folder / "catatan.txt").exists()
    for backup in kept:
        assert _rows(backup, "unggahan") == _rows(world.warehouse, "unggahan") > 0
        assert _rows(backup, "riwayat_kecamatan") == _rows(world.warehouse, "riwayat_kecamatan") > 0


def test_the_daily_backup_refuses_a_bad_count(world, tmp_path):
    done = _backup(world, tmp_path, "0")
    assert done.returncode == 2
    assert done.stderr.strip() == "cadangan-harian: EKTP_CADANGAN_SIMPAN harus bilangan >= 1, bukan '0'"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # needs Debian's logrotate, which `make test` installs (`make nginx`), not `make check`
def test_logrotate_rotates_the_prefect_server_log_it_keeps_open(tmp_path):
    if not Path(LOGROTATE).exists():
        pytest.fail("logrotate is missing: run `make nginx` (apt-get install logrotate)")
    log = tmp_path / "prefect" / "server" / "server.log"
    log.parent.mkdir(parents=True)
    conf = (PROJECT / "deploy" / "logrotate" / "ektp").read_text()
    assert "/var/lib/ektp/prefect/server/server.log {" in conf and "su ektp ektp" in conf
    user = "root root" if os.geteuid() == 0 else f"{os.getuid()} {os.getgid()}"
    conf = conf.replace("/var/lib/ektp/prefect/server/server.log", str(log)).replace(
        "su ektp ektp", f"su {user}"
    )
    config = tmp_path / "ektp.logrotate"
    config.write_text(conf)
    with open(log, "ab") as writer:  # the server's handle: appending, as flows/serve.py opens it
        writer.write(b"baris lama\n")
        writer.flush()
        done = subprocess.run(
            [LOGROTATE, "-f", "-s", str(tmp_path / "status"), str(config)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        writer.write(b"baris baru\n")
        writer.flush()
    assert (log.parent / "server.log.1").read_bytes() == b"baris lama\n"  # delaycompress: not yet gz
    assert log.read_bytes() == b"baris baru\n"  # copytruncate: the open handle writes from the start

"""Upgrading: the previous release (commit PREVIOUS, built here from git history) writes a
warehouse with its nightly and a portal database with its own `ektp akun` and portal (an account,
a signed-in session, an upload, a failed login); this release then runs its nightly over them and
serves them: no row of the old tables is lost and the old session still opens the district's page.
A warehouse a newer release migrated is refused with one line (exit 2), and left as it was.

The old tree is `git archive`d into a temporary folder (the same files `git worktree add` would
check out, without registering a worktree in the repository) and run with this checkout's
virtualenv (same dependencies: PREVIOUS's uv.lock differs only in tools and prometheus-client;
vl-convert, which PREVIOUS draws its charts with, stays in this release's dev group for it).
Prefect's own database is not part of it: both releases pin prefect 3.9.1, which migrates its
database itself when its server starts.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from contextlib import contextmanager
from datetime import date
from io import BytesIO
from pathlib import Path

import duckdb
import httpx
import pytest

from contract.settings import Settings
from tests import web_client
from tests.flows.support import free_port, tiny_landing
from tests.portal.support import Browser, csv_bytes, portal, run_nightly
from tests.uploads import KOTA_BIMA, row
from warehouse import jejak, katalog, marts, publish, versions

PROJECT = Path(__file__).resolve().parents[2]
# The last commit before issue 24's round (flows: the writer's repair line reaches the summary).
PREVIOUS = "973ebd2"
D3, TODAY = date(2018, 4, 3), date(2018, 4, 4)
# Login throttling records (the old `gagal_masuk`) are replaced by `percobaan_masuk` on purpose:
# they only count the last minutes' failures (portal/db.py drops the old table).
# The catalog's `terbitan` holds the current publication's number only: the upgrade's first run
# publishes the marts this release adds, a new number (warehouse.store._build_new_marts).
REPLACED = {"gagal_masuk", "terbitan"}


def _old_tree(folder: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", PREVIOUS], cwd=PROJECT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _old(
    tree: Path, env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    """The previous release's `ektp`, run from its own tree."""
    return subprocess.run(
        [sys.executable, "-m", "ektp.cli", *args],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextmanager
def _old_portal(tree: Path, env: dict[str, str]):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ektp.cli", "portal", "--port", str(port)],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                if web_client.get(url + "/sehat").json()["pemeriksa"] == "siap":
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the old portal never became ready"
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)


def _duckdb_tables(path: Path) -> dict[str, tuple[list[str], set[tuple]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {}
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall():
            columns = [d[0] for d in con.execute(f'select * from "{name}" limit 0').description]
            found[name] = (columns, set(con.execute(f'select * from "{name}"').fetchall()))
        return found
    finally:
        con.close()


def _sqlite_tables(path: Path) -> dict[str, tuple[list[str], set[tuple]]]:
    with sqlite3.connect(path) as con:
        names = [n for (n,) in con.execute("select name from sqlite_master where type = 'table'")]
        found = {}
        for name in names:
            cursor = con.execute(f'select * from "{name}"')
            found[name] = ([d[0] for d in cursor.description], set(cursor.fetchall()))
        return found


def _kept(before, after, read_after) -> list[str]:
    """Every old table's old rows, read again in the old columns after the upgrade: what is gone."""
    lost = []
    for name, (columns, rows) in before.items():
        if name in REPLACED or not rows:
            continue
        if name not in after:
            lost.append(f"{name}: table gone")
            continue
        now = read_after(name, columns)
        if missing := rows - now:
            lost.append(
                f"{name}: {len(missing)} of {len(rows)} rows gone, e.g. {sorted(missing, key=repr)[0]}"
            )
    return lost


def test_this_release_takes_over_what_the_previous_one_wrote(tmp_path, cli_env):
    tree = _old_tree(tmp_path / "lama")
    landing = tiny_landing(tmp_path / "landing")
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    env = {
        **cli_env,
        "EKTP_LANDING": str(landing),
        "EKTP_WAREHOUSE": str(warehouse),
        "EKTP_TODAY": str(TODAY),
        "EKTP_MIN_AGE_SECONDS": "0",
    }
    done = _old(tree, env, "nightly", "--date", str(D3))
    assert done.returncode == 0, done.stderr
    done = _old(tree, env, "akun", "tambah", "kobi", "--peran", "kabupaten", "--kabupaten", "5272",
                "--sandi-stdin", stdin="sandi-kobi-1234\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    with _old_portal(tree, env) as url:
        with Browser(url) as wrong:
            assert wrong.login("kobi", "bukan-sandinya").status_code == 401
        b = Browser(url)
        assert b.login("kobi", "sandi-kobi-1234").status_code == 303
        sent = csv_bytes(TODAY, [row(TODAY, k, 10_000, 6_000) for k in KOTA_BIMA])
        assert b.upload("5272", ("lap 4 april.csv", sent)).status_code == 200
    settings = Settings.load(landing=landing, warehouse=warehouse, today=TODAY, min_age_seconds=0)
    portal_db = settings.portal_database
    warehouse_before = _duckdb_tables(warehouse)
    portal_before = _sqlite_tables(portal_db)
    assert portal_before["sesi"][1] and portal_before["unggahan"][1] and warehouse_before["unggahan"][1]

    run_nightly(settings, tanggal=D3)  # this release's

    def warehouse_rows(name, columns):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return set(con.execute(f"select {', '.join(columns)} from {name}").fetchall())
        finally:
            con.close()

    assert _kept(warehouse_before, _duckdb_tables(warehouse), warehouse_rows) == []
    # every mart this release declares is published, though the run had no new file to load
    assert set(marts.names()) <= set(_duckdb_tables(warehouse))

    with portal(settings) as new_url:
        b.http.base_url = httpx.URL(new_url)
        page = b.http.get("/kabupaten/5272")
        assert page.status_code == 200, page.status_code  # the old session, kept
        assert "lap 4 april.csv" in page.text  # the old portal's upload log, shown

    def portal_rows(name, columns):
        with sqlite3.connect(portal_db) as con:
            return set(con.execute(f"select {', '.join(columns)} from {name}").fetchall())

    assert _kept(portal_before, _sqlite_tables(portal_db), portal_rows) == []
    b.http.close()


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def newer(tmp_path, prefect_server):
    """A warehouse of this release whose files then record a migration from the future."""
    landing = tiny_landing(tmp_path / "landing")
    settings = Settings.load(landing=landing, warehouse=tmp_path / "gudang" / "ektp.duckdb", today=TODAY)
    run_nightly(settings, tanggal=D3)
    future = max(v for v, _, _ in versions.migrations()) + 1
    work = publish.folder_of(settings.warehouse) / "kerja.duckdb"
    con = duckdb.connect(str(work))  # the working file and the catalog both say so
    con.execute("insert into schema_migrations values (?, ?, now())", [future, f"{future:03d}_masa_depan"])
    con.close()
    # The catalog rewritten and renamed over, as a publication does: this process's readers keep the
    # published file attached (warehouse.read), and DuckDB refuses to open for writing a file that
    # one of its databases has attached.
    _mark(settings.warehouse, future, future)
    return settings, future


def _line(future: int, warehouse: Path) -> str:
    return (
        f"ektp: galat: gudang data ini dari versi ektp yang lebih baru (migrasi {future}, versi ini sampai "
        f"{future - 1}); tidak ada yang diubah: jalankan versi ektp yang menulisnya atau yang lebih baru "
        f"(path={warehouse})"
    )


def _mark(path: Path, future: int | None, version: int) -> None:
    """Record (future) or forget (None) the migration `version` in a DuckDB file, rewritten whole
    as the writer writes its files (a copy in their storage version, renamed over: a catalog
    changed in place no longer has the length its header states, and reads as damaged)."""
    new = path.with_name(path.name + ".baru")
    con = duckdb.connect()
    try:
        con.execute("attach ? as lama (read_only)", [str(path)])
        con.execute("attach ? as baru (storage_version ?)", [str(new), katalog.STORAGE_VERSION])
        con.execute("copy from database lama to baru")
        con.execute("delete from baru.schema_migrations where versi = ?", [version])
        if future is not None:
            con.execute(
                "insert into baru.schema_migrations values (?, ?, now())",
                [version, f"{version:03d}_masa_depan"],
            )
        con.execute("checkpoint baru")
    finally:
        con.close()
    new.replace(path)


def test_a_warehouse_from_a_newer_release_is_refused_in_one_line(newer, cli_env):
    settings, future = newer
    env = {**cli_env, "EKTP_LANDING": str(settings.landing), "EKTP_WAREHOUSE": str(settings.warehouse)}
    work = publish.folder_of(settings.warehouse) / "kerja.duckdb"

    def refused(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "ektp.cli", *args], cwd=PROJECT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.splitlines() == [_line(future, settings.warehouse)], args

    before = _digest(settings.warehouse.parent)
    refused("rebuild-marts")  # the catalog says so
    refused("nightly", "--date", str(D3))
    refused("report", "--date", str(D3))  # a reader too (warehouse.read), before reading a table
    after = _digest(settings.warehouse.parent)
    trace = "jejak-proses.json"  # the refused nightly is recorded as a failed run; nothing else changed
    assert {k: v for k, v in after.items() if k != trace} == {k: v for k, v in before.items() if k != trace}
    assert (jejak.last(settings.warehouse, "nightly") or {}).get("status") == "gagal"

    _mark(settings.warehouse, None, future)  # only the working file says so
    refused("rebuild-marts")

    _mark(settings.warehouse, future, future)  # its working file lost: the catalog alone
    assert publish.inspect(settings.warehouse).kind == "katalog"  # whole, as a newer release leaves it
    work.unlink()
    refused("rebuild-marts")
    assert not work.exists()  # refused before anything was made

"""The warehouse file: migrations, atomic publication, readable by older DuckDB clients."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from ektp.errors import WarehouseError
from warehouse import store


def test_new_warehouse_records_every_migration(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        versions = [v for (v,) in con.execute("select versi from schema_migrations order by 1").fetchall()]
    assert versions == [v for v, _, _ in store.migrations()]


def test_older_warehouse_is_upgraded_in_place(tmp_path):
    path = tmp_path / "w.duckdb"
    # A warehouse written by the first version, with one file already decided.
    con = duckdb.connect()
    con.execute("attach ? as gudang (storage_version 'v1.4.0')", [str(path)])
    con.execute("use gudang")
    store.migrate(con, upto=1)
    con.execute("insert into unggahan values ('5201/a.csv', 'x', '5201', null, 'rejected', 'rusak', 0,"
                " now(), 'r1', 1, now(), 1)")
    con.close()
    with store.writing(path) as session:
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from schema_migrations").fetchone() == (len(store.migrations()),)
        # The old rows are kept and the new view serves them.
        assert con.execute("select file, alasan from berkas_ditolak").fetchall() == [("5201/a.csv", "rusak")]


def test_unpublished_session_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        session.con.execute("create table t as select 1 as a")
        session.publish()
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with store.writing(path) as session:
            session.con.execute("insert into t values (2)")
            raise RuntimeError("the run failed half way")
    # Same bytes, and no private copy left behind.
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("not a folder")
    # The warehouse's folder would have to be inside a regular file.
    with pytest.raises(WarehouseError, match="tidak dapat dibuat"):
        with store.writing(blocker / "w.duckdb"):
            pass


def test_published_file_opens_in_the_duckdb_1_x_cli(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        session.publish()
    # The `duckdb` command of the duckdb-cli package (1.5) reads only storage versions up to 1.4.
    cli = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "duckdb"
    out = subprocess.run([str(cli), "-readonly", "-csv", str(path), "select count(*) from schema_migrations"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["count_star()", str(len(store.migrations()))]

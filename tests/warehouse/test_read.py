"""Every reader (reports, `ektp status`, the portal, `ektp check`) goes through warehouse.read.connect:
a file a newer release wrote, or one older than the readers' queries need, is refused there, before
any query reads its tables as this release knows them; one this release wrote opens."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contract.errors import WarehouseError
from warehouse import read, versions


def _warehouse(path: Path, newest: int) -> Path:
    """A DuckDB file recording migrations up to `newest`, written whole and renamed into place,
    as a publication is (a new inode each time)."""
    new = path.with_name(path.name + ".baru")
    con = duckdb.connect(str(new))
    con.execute("create table schema_migrations (versi integer, nama varchar, diterapkan_pada timestamptz)")
    con.execute("insert into schema_migrations select v, 'm' || v, now() from range(1, ? + 1) t(v)", [newest])
    con.close()
    new.replace(path)
    return path


def test_a_reader_opens_a_warehouse_of_this_release(tmp_path):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.known())
    with read.connect(path) as con:
        assert con.execute("select max(versi) from schema_migrations").fetchone() == (versions.known(),)


def test_a_reader_refuses_a_warehouse_from_a_newer_release(tmp_path):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.known())
    with read.connect(path):
        pass  # seen once, of this release
    _warehouse(path, versions.known() + 1)  # then replaced by a newer release's publication
    with pytest.raises(WarehouseError) as raised:
        with read.connect(path):
            pytest.fail("a newer warehouse was opened")
    assert "versi ektp yang lebih baru" in str(raised.value)
    assert f"migrasi {versions.known() + 1}" in str(raised.value)


def test_a_reader_refuses_a_warehouse_older_than_its_queries_need_and_says_what_mends_it(tmp_path):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.READERS_NEED - 1)
    with pytest.raises(WarehouseError) as raised:
        with read.connect(path):
            pytest.fail("a warehouse without the tables the queries read was opened")
    assert "versi ektp yang lebih lama" in str(raised.value)
    assert f"migrasi {versions.READERS_NEED - 1}" in str(raised.value)
    assert "jalankan `ektp nightly` sekali" in str(raised.value)
    _warehouse(path, versions.READERS_NEED)  # the next run migrated and published it
    with read.connect(path) as con:
        assert con.execute("select max(versi) from schema_migrations").fetchone() == (versions.READERS_NEED,)


def test_the_readers_need_the_migration_that_made_the_table_their_queries_read():
    (name,) = [n for v, n, _ in versions.migrations() if v == versions.READERS_NEED]
    assert name == "010_laporan_kecamatan_terakhir"
    queries = Path(read.SQL / "queries")
    assert any("laporan_kecamatan_terakhir" in q.read_text() for q in queries.glob("*.sql"))


def _attached() -> set[str]:
    """The warehouse files attached to the process's readers' DuckDB now."""
    with read._readers().cursor() as con:
        return {
            name for (name,) in con.execute("select database_name from duckdb_databases()").fetchall()
        } - {
            "memory",
            "system",
            "temp",
        }


def _migrations(path: Path) -> int:
    with read.connect(path) as con:
        return con.execute("select max(versi) from schema_migrations").fetchone()[0]


def test_a_file_stays_attached_while_it_is_the_published_one_and_its_successor_replaces_it(tmp_path):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.known() - 1)
    before = _attached()
    assert _migrations(path) == versions.known() - 1
    (first,) = _attached() - before
    assert _migrations(path) == versions.known() - 1
    assert _attached() - before == {first}  # the second connection found it attached
    with read.connect(path) as old:
        _warehouse(path, versions.known())  # a publication renames a new file over it
        # a new connection sees the new file; the one opened before still reads its own
        assert _migrations(path) == versions.known()
        assert old.execute("select max(versi) from schema_migrations").fetchone() == (versions.known() - 1,)
        assert len(_attached() - before) == 2
    # the old file is detached once its last connection ended; the new one stays
    (second,) = _attached() - before
    assert second != first
    assert _migrations(path) == versions.known()
    assert _attached() - before == {second}


def test_a_process_that_reads_many_warehouses_keeps_only_a_few_attached(tmp_path):
    before = _attached()
    paths = [_warehouse(tmp_path / f"w{i}.duckdb", versions.known()) for i in range(read.KEPT_IDLE + 3)]
    for path in paths:
        assert _migrations(path) == versions.known()
    assert len(_attached() - before) == read.KEPT_IDLE
    assert _migrations(paths[-1]) == versions.known()  # the latest still attached, read again
    assert len(_attached() - before) == read.KEPT_IDLE


def test_a_remembered_result_is_worked_out_once_per_published_file(tmp_path):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.known() - 1)
    worked: list[int] = []

    def newest(con) -> int:
        worked.append(1)
        return con.execute("select max(versi) from schema_migrations").fetchone()[0]

    for _ in range(3):
        with read.connect(path) as con:
            assert read.remembered(con, "terbaru", newest) == versions.known() - 1
    assert len(worked) == 1
    with read.connect(path) as con:  # another name is another result
        assert read.remembered(con, "lain", lambda c: "x") == "x"
    _warehouse(path, versions.known())  # a publication: a new file, worked out again
    with read.connect(path) as con:
        assert read.remembered(con, "terbaru", newest) == versions.known()
    assert len(worked) == 2


def test_a_remembered_result_is_found_by_the_published_file_without_a_connection(tmp_path, monkeypatch):
    path = _warehouse(tmp_path / "ektp.duckdb", versions.known() - 1)
    worked: list[int] = []

    def newest(con) -> int:
        worked.append(1)
        return con.execute("select max(versi) from schema_migrations").fetchone()[0]

    assert read.remembered_at(path, "terbaru", newest) == versions.known() - 1
    with monkeypatch.context() as m:
        m.setattr(read, "connect", None)  # known for this file: no connection is made
        assert read.remembered_at(path, "terbaru", newest) == versions.known() - 1
    with read.connect(path) as con:  # the same result as the connection's
        assert read.remembered(con, "terbaru", newest) == versions.known() - 1
    assert len(worked) == 1
    _warehouse(path, versions.known())  # a publication: a new file, worked out again
    assert read.remembered_at(path, "terbaru", newest) == versions.known()
    assert len(worked) == 2
    path.unlink()
    with pytest.raises(WarehouseError, match="belum ada"):
        read.remembered_at(path, "terbaru", newest)

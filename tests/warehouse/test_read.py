"""Every reader (reports, `ektp status`, the portal, `ektp check`) goes through warehouse.read.connect:
a file a newer release wrote is refused there, before any query reads its tables as this release
knows them; one this release wrote opens."""

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

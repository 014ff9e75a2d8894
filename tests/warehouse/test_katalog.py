"""The catalog carried forward from the last publication (warehouse/katalog.py) is the catalog a
whole write makes; anything that could make them differ writes it whole."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from flows.nightly import nightly
from pipeline import tindakan
from tests.flows.support import D1, D2, D3
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, as_another_process, day_file, run_settings
from tests.warehouse.kept import fixtures
from warehouse import cadangan, katalog, publish, store


def build(landing: Path, warehouse: Path) -> None:
    """Three nightlies, a sign-off and a lock: five publications, each a catalog."""
    for d in (D1, D2, D3):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
        nightly(tanggal=d, settings=run_settings(landing, warehouse))
    tindakan.setujui(run_settings(landing, warehouse), "5272", D2, "Kadis Kota Bima")
    tindakan.kunci(run_settings(landing, warehouse), D1, ["5272"], "Kabid")


kept, built = fixtures(build, "katalog")


@pytest.fixture
def written(monkeypatch) -> list[int]:
    """The publication numbers of the catalogs written whole from here on (the real writer runs;
    this only notes when its whole path is taken). No template of this process's (the build's
    whole catalog) stands in for a whole write from here on."""
    monkeypatch.setattr(katalog, "_TEMPLATES", katalog._Templates())
    numbers: list[int] = []
    whole = katalog._write_whole

    def noted(con, listing, views):
        ((number,),) = con.execute("select max(nomor) from katalog.main.terbitan").fetchall()
        numbers.append(number)
        whole(con, listing, views)

    monkeypatch.setattr(katalog, "_write_whole", noted)
    return numbers


def described(catalog: Path) -> dict[str, list]:
    """Everything an analyst sees in a catalog: each relation's rows, each view's SQL, each
    column's type, each macro's definition, and every comment."""
    with katalog.opened(catalog) as con:
        ask = {
            "tables": "select table_name, comment from duckdb_tables() where database_name = 'katalog'",
            "views": "select view_name, sql, comment from duckdb_views()"
            " where database_name = 'katalog' and not internal",
            "columns": "select table_name, column_name, data_type, comment from duckdb_columns()"
            " where database_name = 'katalog'",
            "macros": "select function_name, function_type, macro_definition, parameters::varchar, comment"
            " from duckdb_functions() where database_name = 'katalog' and not internal",
        }
        found = {
            k: sorted(map(_excludes_sorted, con.execute(q).fetchall()), key=repr) for k, q in ask.items()
        }
        for name, *_ in found["tables"] + found["views"]:
            found[f"rows {name}"] = sorted(con.execute(f"from katalog.main.{name}").fetchall(), key=repr)
    return found


def _excludes_sorted(row: tuple) -> tuple:
    """DuckDB shows a stored macro's `EXCLUDE (a, b)` in an order that flips at each checkpoint of
    the file (it keeps the names in a hash set): the same macro, whatever the order shown."""
    return tuple(
        re.sub(r"EXCLUDE \(([^)]*)\)", lambda m: f"EXCLUDE ({', '.join(sorted(m[1].split(', ')))})", v)
        if isinstance(v, str)
        else v
        for v in row
    )


def republish(warehouse: Path) -> None:
    """Publish again from the working file as it is (a repair does: nothing changed since)."""
    with store.writing(warehouse) as session:
        session.publish()


def test_a_carried_catalog_is_the_catalog_a_whole_write_makes(built, written, tmp_path):
    _, warehouse = built
    written.clear()  # the build's first catalog, when this test built it
    assert json.loads((publish.folder_of(warehouse) / katalog.RECIPE).read_text())["nomor"] == 5
    carried = tmp_path / "dibawa.duckdb"
    shutil.copyfile(warehouse, carried)
    (publish.folder_of(warehouse) / katalog.RECIPE).unlink()  # no recipe: the next is written whole
    republish(warehouse)
    assert written == [5]
    assert described(carried) == described(warehouse)


def test_publications_after_the_first_carry_the_catalog(built, written):
    landing, warehouse = built
    written.clear()
    day_file(landing, "5272", KOTA_BIMA, D3, base=5_100, step=10, name="lap_2018-04-03 revisi.csv")
    nightly(tanggal=D3, settings=run_settings(landing, warehouse))
    assert written == []  # the run's new files are in its views all the same
    with katalog.opened(warehouse) as con:
        ((files,),) = con.execute("select count(distinct file) from katalog.main.unggahan").fetchall()
    assert files == 7


def test_a_changed_recipe_writes_the_catalog_whole(built, written):
    _, warehouse = built
    written.clear()
    recipe = publish.folder_of(warehouse) / katalog.RECIPE
    kept_recipe = json.loads(recipe.read_text())
    recipe.write_text(json.dumps(kept_recipe | {"resep": "0" * 64}))
    republish(warehouse)
    assert written == [5]
    assert json.loads(recipe.read_text())["resep"] == kept_recipe["resep"]


def test_a_catalog_that_is_not_the_recipes_is_written_whole(built, written):
    _, warehouse = built
    written.clear()
    recipe = publish.folder_of(warehouse) / katalog.RECIPE
    recipe.write_text(json.dumps(json.loads(recipe.read_text()) | {"nomor": 4}))
    republish(warehouse)
    assert written == [5]


def test_something_added_to_the_catalog_is_gone_at_the_next_publication(built, written):
    _, warehouse = built
    written.clear()
    # an analyst who opened it for writing
    as_another_process(warehouse, "create table catatan_analis as select 1 as x")
    republish(warehouse)
    assert written == [5]
    with katalog.opened(warehouse) as con:
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "catatan_analis" not in tables


def test_a_carried_catalog_cut_short_by_a_block_is_found_damaged(built):
    _, warehouse = built
    with katalog.opened(warehouse) as con:
        free = katalog.blocks_of(con, "katalog")[2]
        ((block_size,),) = con.execute(
            "select block_size from pragma_database_size() where database_name = 'katalog'"
        ).fetchall()
    assert free > 0  # carried forward: DuckDB left free blocks in it
    data = warehouse.read_bytes()
    warehouse.write_bytes(data[: len(data) - block_size])
    found = publish.inspect(warehouse)
    assert found.kind == "rusak" and found.problem.startswith("terpotong: "), found


def test_a_whole_warehouse_put_back_gets_a_catalog_written_whole(built, written, tmp_path):
    landing, warehouse = built
    out = tmp_path / "cadangan.duckdb"
    cadangan.write(warehouse, out)
    out.replace(warehouse)  # a backup restored: its relations are tables, its `terbitan` the same
    written.clear()
    nightly(tanggal=D3, settings=run_settings(landing, warehouse))
    assert written and publish.inspect(warehouse).kind == "katalog"


def test_a_catalog_from_the_template_of_another_warehouse_is_the_catalog_a_whole_write_makes(
    built, written, tmp_path, monkeypatch
):
    _, warehouse = built
    other = tmp_path / "lain" / warehouse.name
    shutil.copytree(warehouse.parent, other.parent, symlinks=True)  # another path: other files in its views
    for w in (warehouse, other):
        (publish.folder_of(w) / katalog.RECIPE).unlink()  # no recipe: each would be written whole
    written.clear()
    republish(warehouse)
    assert written == [5]  # whole, and kept as this process's template of its recipe
    republish(other)
    assert written == [5]  # from the template: its tables' rows and every view brought up to date
    from_template = tmp_path / "dari_templat.duckdb"
    shutil.copyfile(other, from_template)

    monkeypatch.setattr(katalog, "_TEMPLATES", katalog._Templates())  # none: the same one written whole
    (publish.folder_of(other) / katalog.RECIPE).unlink()
    republish(other)
    assert written == [5, 5]
    assert described(from_template) == described(other)
    assert described(other) != described(warehouse)  # the views name each warehouse's own files

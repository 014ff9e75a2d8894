"""Publishing without copying history: a run writes the months it changed and a small catalog;
a half-published run, a lost working file and a backup all come back whole."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from contract.errors import UsageError
from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, dump, dumps, run_settings
from tests.warehouse.kept import fixtures
from warehouse import cadangan, publish, store

MARCH = [date(2018, 3, 25) + timedelta(days=i) for i in range(7)]  # 25 March to 31 March
APRIL = [date(2018, 4, 1) + timedelta(days=i) for i in range(3)]
TABLES = (
    "unggahan",
    "riwayat_kecamatan",
    "progres_kecamatan",
    "progres_provinsi",
    "wilayah_kecamatan",
    "cakupan",
)


def build(landing: Path, warehouse: Path) -> None:
    """A warehouse of two districts over 25 March to 3 April 2018 (two months of partitions)."""
    for d in MARCH + APRIL:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))


kept, built = fixtures(build, "terbit")


def _state(warehouse: Path) -> dict:
    return dumps(warehouse, TABLES)


def _same(a: dict, b: dict) -> bool:
    return all(a[t].equals(b[t]) for t in TABLES)


def _files(warehouse: Path) -> dict[str, tuple[int, int]]:
    """The partition files the catalog names now: path -> (inode, mtime)."""
    with duckdb.connect() as con:  # not connect(path): DuckDB would hand back an instance still open
        con.execute("attach ? as w (read_only)", [str(warehouse)])
        texts = " ".join(
            s
            for (s,) in con.execute(
                "select sql from duckdb_views() where database_name = 'w' and not internal"
            ).fetchall()
        )
    names = {p for p in publish.folder_of(warehouse).glob("*/*.parquet") if f"'{p}'" in texts}
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns) for p in names}


def test_a_run_rewrites_only_the_months_it_changed(built):
    # a corrected April file: March's partitions stay the very files they were
    landing, warehouse = built
    before = _files(warehouse)
    day_file(landing, "5272", KOTA_BIMA, APRIL[1], base=5_000, step=11, name="koreksi_2018-04-02.csv")
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    after = _files(warehouse)
    march = {p for p in before if "/2018-03." in p}
    assert march and {p: after[p] for p in march} == {p: before[p] for p in march}
    assert {p for p in after if "/2018-04." in p}.isdisjoint(before)  # April's are new files


def test_the_catalog_holds_what_analysts_read_and_not_the_writers_bookkeeping(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = {r for (r,) in con.execute("select table_name from information_schema.tables").fetchall()}
        number = con.execute("select nomor from terbitan").fetchall()
    assert {"unggahan", "progres_provinsi", "berkas_ditolak", "wilayah_kabupaten", "terbitan"} <= relations
    assert not {"bagian", "bagian_kotor"} & relations
    assert number == [(1,)]


def test_a_schema_file_is_written_again_only_when_the_columns_change(built):
    # an unchanged table keeps its schema file; one a migration widened gets a new one, and its view
    # the column
    landing, warehouse = built
    folder = publish.folder_of(warehouse)
    before = {p.name for p in folder.glob("*/_skema.*.parquet")}
    day_file(landing, "5272", KOTA_BIMA, APRIL[1], base=5_000, step=11, name="koreksi_2018-04-02.csv")
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    assert {p.name for p in folder.glob("*/_skema.*.parquet")} == before
    with store.writing(warehouse) as session:  # as a migration would: published when the writer closes
        session.con.execute("alter table kualitas_data add column catatan varchar")
    schemas = sorted(p.name for p in (folder / "kualitas_data").glob("_skema.*.parquet"))
    assert len(schemas) == 2
    with duckdb.connect() as con:
        con.execute("attach ? as w (read_only)", [str(warehouse)])
        columns = [c for (c,) in con.execute("select column_name from (describe w.kualitas_data)").fetchall()]
    assert columns[-1] == "catatan"


def test_a_run_killed_between_its_files_and_its_catalog_is_published_by_the_next(built):
    # the state a SIGKILL leaves after the partitions' transaction and before the catalog's rename
    _, warehouse = built
    published = _state(warehouse)
    with store.writing(warehouse) as session:
        session.con.execute("begin")
        session.con.execute("delete from progres_provinsi where tanggal = ?", [APRIL[0]])
        session.con.execute("insert into bagian_kotor values ('progres_provinsi', '2018-04')")
        session.con.execute("commit")
        publish.export_changes(session.con, publish.folder_of(warehouse))
        session.published = True  # stop here, as the killed run did
        assert _same(_state(warehouse), published)  # analysts still read the last catalog
    with store.writing(warehouse) as session:
        assert session.pending()
    # that session published on leaving: the deleted date is gone for analysts now
    assert APRIL[0] not in dump(warehouse, "progres_provinsi")["tanggal"].to_list()
    assert not list(warehouse.parent.glob(".*.katalog"))


def test_a_replaced_file_stays_for_the_grace_then_goes(built):
    # an analyst who opened the catalog before a run keeps reading it: its files outlive the swap
    landing, warehouse = built
    before = _files(warehouse)
    held = duckdb.connect(str(warehouse), read_only=True)
    total = held.execute("select sum(sudah_rekam) from progres_kecamatan").fetchall()
    day_file(landing, "5272", KOTA_BIMA, APRIL[1], base=5_000, step=11, name="koreksi_2018-04-02.csv")
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    replaced = [Path(p) for p in before if p not in _files(warehouse)]
    assert replaced and all(p.exists() for p in replaced)
    assert held.execute("select sum(sudah_rekam) from progres_kecamatan").fetchall() == total
    held.close()
    with store.writing(warehouse) as session:
        removed = publish.collect_garbage(session.con, publish.folder_of(warehouse), grace_hours=0)
    assert sorted(removed) == sorted(replaced)
    assert set(_files(warehouse)) <= {str(p) for p in publish.folder_of(warehouse).glob("*/*.parquet")}


def test_a_lost_working_file_is_read_back_from_the_catalog(built):
    # the working file deleted (disk trouble, an operator's mistake): the next run rebuilds it from
    # the published files, numbers after them, and overwrites none
    landing, warehouse = built
    published, files = _state(warehouse), _files(warehouse)
    (publish.folder_of(warehouse) / "kerja.duckdb").unlink()
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    assert _same(_state(warehouse), published)
    assert all(
        Path(p).stat().st_ino == ino and Path(p).stat().st_mtime_ns == mtime
        for p, (ino, mtime) in files.items()
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select nomor from terbitan").fetchall() == [(2,)]


def test_a_backup_is_whole_while_a_run_writes_and_restores_as_the_warehouse(built, tmp_path):
    landing, warehouse = built
    published = _state(warehouse)
    out = tmp_path / "cadangan.duckdb"
    with store.writing(warehouse) as session:  # a run in progress, its change not published yet
        session.con.execute("delete from progres_provinsi")
        copied = cadangan.write(warehouse, out)
    assert "progres_provinsi" in copied and "terbitan" in copied
    # the published state, in a file the DuckDB 1.x command line opens on its own
    assert _same(_state(out), published)
    cli = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "duckdb"
    shown = subprocess.run(
        [str(cli), "-readonly", "-csv", str(out), "select count(*) from progres_kecamatan"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.split()[1] == str(len(published["progres_kecamatan"]))
    # put at the warehouse path, the next run converts it back into the warehouse
    out.replace(warehouse)
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    assert _same(_state(warehouse), published)


def test_a_backup_never_overwrites_and_needs_a_warehouse(built, tmp_path):
    _, warehouse = built
    taken = tmp_path / "ada.duckdb"
    taken.write_text("milik orang lain")
    with pytest.raises(UsageError, match="sudah ada"):
        cadangan.write(warehouse, taken)
    assert taken.read_text() == "milik orang lain"
    with pytest.raises(UsageError, match="belum ada"):
        cadangan.write(tmp_path / "tidak-ada.duckdb", tmp_path / "baru.duckdb")
    with pytest.raises(UsageError, match="folder milik gudang data"):
        cadangan.write(warehouse, publish.folder_of(warehouse) / "c.duckdb")
    # a folder given: it is said to be one, with a name in it to give instead
    (tmp_path / "arsip").mkdir()
    with pytest.raises(
        UsageError, match=r"arsip adalah folder; tulis nama berkas cadangan, mis\. .*/arsip/ektp-"
    ):
        cadangan.write(warehouse, tmp_path / "arsip")
    assert list((tmp_path / "arsip").iterdir()) == []


def test_the_cadangan_command_writes_the_backup_and_says_how_to_restore(built, tmp_path, capsys):
    from ektp import cli

    _, warehouse = built
    out = tmp_path / "arsip" / "ektp.duckdb"
    out.parent.mkdir()
    assert cli.main(["cadangan", str(out), "--warehouse", str(warehouse)]) == 0
    printed = capsys.readouterr().out
    assert f"tabel: {out}" in printed and str(warehouse) in printed
    assert _same(_state(out), _state(warehouse))
    # a second time to the same name: refused in one line, the first backup kept
    assert cli.main(["cadangan", str(out), "--warehouse", str(warehouse)]) == 2
    assert "sudah ada" in capsys.readouterr().err


def test_a_folder_with_quotes_and_spaces_and_a_moved_warehouse(built, tmp_path):
    # the operator's folder may hold any name; a warehouse moved with its folder (`mv` of the data
    # folder) is published again by the next run, so that its catalog names the files where they are
    landing, warehouse = built
    published = _state(warehouse)
    moved = tmp_path / "data o'neil; drop table x" / "w.duckdb"
    moved.parent.mkdir()
    warehouse.replace(moved)
    publish.folder_of(warehouse).replace(publish.folder_of(moved))
    assert publish.published_number(moved) is None  # its views still name the old folder
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, moved))
    assert publish.published_number(moved) == 1  # the same publication, its catalog written anew
    assert _same(_state(moved), published)
    assert all(Path(p).is_relative_to(moved.parent) for p in _files(moved))


def test_a_partition_is_written_in_row_groups_an_analyst_s_filter_can_skip(tmp_path):
    # 2.5 groups of rows, ordered by the filtered column as a partition is by its table's order
    n = publish.ROW_GROUP_ROWS * 5 // 2
    target = tmp_path / "2018-03.1.parquet"
    with duckdb.connect() as con:
        query = f"select i // 100 as kode, i as nilai from range({n}) as t(i) order by kode"
        assert publish.write_partition(con, query, target) == n
        groups = con.execute(
            "select row_group_id, max(row_group_num_rows) from parquet_metadata(?) group by all order by 1",
            [str(target)],
        ).fetchall()
        assert [rows for _, rows in groups] == [publish.ROW_GROUP_ROWS] * 2 + [n - 2 * publish.ROW_GROUP_ROWS]
        # one kode's rows lie in one group, and its bounds let DuckDB skip the others
        bounds = con.execute(
            "select row_group_id, stats_min_value::int, stats_max_value::int from parquet_metadata(?)"
            " where path_in_schema = 'kode' order by 1",
            [str(target)],
        ).fetchall()
        assert sum(low <= 300 <= high for _, low, high in bounds) == 1

"""The warehouse repairs itself: before each run the writer checks the catalog and every file it
names, publishes again from its working file what is gone or not whole, and says so in one line;
without a working file it stops, says what is lost and how to restore a backup."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from contract.errors import WarehouseError
from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, as_another_process, day_file, run_settings
from tests.warehouse.kept import fixtures
from tests.warehouse.test_publish import APRIL, _files, _same, _state, build
from warehouse import publish, store

kept, built = fixtures(build, "perbaikan")


def _named(warehouse: Path, table: str, month: str) -> Path:
    """The file the catalog names for one table and month."""
    (path,) = [Path(p) for p in _files(warehouse) if f"/{table}/{month}." in p]
    return path


def _number(warehouse: Path) -> int:
    with duckdb.connect() as con:  # not connect(path): DuckDB may hand back a cached instance
        con.execute("attach ? as w (read_only)", [str(warehouse)])
        ((number,),) = con.execute("select nomor from w.terbitan").fetchall()
    return number


def _repaired(warehouse: Path) -> list[str]:
    """What the next write session says it repaired (it publishes the repair on opening)."""
    with store.writing(warehouse) as session:
        return session.repaired


def test_a_deleted_month_is_written_again_from_the_working_file(built):
    _, warehouse = built
    published = _state(warehouse)
    gone = _named(warehouse, "progres_kecamatan", "2018-03")
    gone.unlink()
    with pytest.raises(duckdb.IOException):  # what every analyst meets until the next run
        _state(warehouse)
    (line,) = _repaired(warehouse)
    assert "progres_kecamatan 2018-03 hilang" in line and "diterbitkan sebagai terbitan 2" in line
    assert _same(_state(warehouse), published)
    assert _number(warehouse) == 2
    again = _named(warehouse, "progres_kecamatan", "2018-03")
    assert again != gone and again.name.endswith(".2.parquet")
    assert _repaired(warehouse) == []  # whole again: the next run has nothing to say


def test_a_nightly_after_a_deleted_month_says_the_truth_and_does_not_fail(built):
    # before: every nightly ended in "data sudah diterbitkan ..., tetapi belum dibuat: ringkasan"
    # (the summary read the broken view) though it published nothing
    landing, warehouse = built
    published = _state(warehouse)
    _named(warehouse, "riwayat_kecamatan", "2018-04").unlink()
    summary = nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    assert summary["berkas_diproses"] == 0
    assert _same(_state(warehouse), published)


def test_a_truncated_month_is_written_again(built):
    _, warehouse = built
    published = _state(warehouse)
    cut = _named(warehouse, "unggahan", "2018-04")
    cut.write_bytes(cut.read_bytes()[:200])  # a copy that stopped half way: the first bytes only
    (line,) = _repaired(warehouse)
    assert "unggahan 2018-04 tidak utuh" in line
    assert _same(_state(warehouse), published)
    assert _named(warehouse, "unggahan", "2018-04") != cut


def test_a_truncated_schema_file_is_written_again(built):
    # the file of no rows that gives an empty table its columns is checked like the others
    _, warehouse = built
    cut = _named(warehouse, "kualitas_data", "_skema")
    cut.write_bytes(cut.read_bytes()[:-1])
    (line,) = _repaired(warehouse)
    assert "kualitas_data _skema tidak utuh" in line
    with duckdb.connect() as con:
        con.execute("attach ? as w (read_only)", [str(warehouse)])
        assert con.execute("select count(*) from w.kualitas_data").fetchall() == [(0,)]


@pytest.mark.parametrize("damage", ["terpotong", "terpotong_dini", "sampah", "hilang"])
def test_a_damaged_catalog_is_written_again(built, damage):
    landing, warehouse = built
    published, files = _state(warehouse), _files(warehouse)
    if damage == "terpotong":
        warehouse.write_bytes(warehouse.read_bytes()[: warehouse.stat().st_size // 2])
    elif damage == "terpotong_dini":  # cut before the blocks the header points to: no attach at all
        warehouse.write_bytes(warehouse.read_bytes()[: publish.DUCKDB_HEADERS + 100])
    elif damage == "sampah":
        warehouse.write_bytes(b"\x00garbage" * 1000)
    else:
        warehouse.unlink()
    (line,) = _repaired(warehouse)
    expected = {
        "terpotong": "katalog rusak (terpotong: ",
        "terpotong_dini": "katalog rusak (terpotong: ",
        "sampah": "katalog rusak (tidak terbaca sebagai berkas DuckDB",
        "hilang": "katalog tidak ada",
    }[damage]
    assert expected in line and "ditulis ulang dari berkas kerja" in line
    assert _same(_state(warehouse), published)
    assert _files(warehouse) == files  # the Parquet files were whole: none written again
    # and a whole nightly after it runs as usual
    nightly(tanggal=APRIL[-1], settings=run_settings(landing, warehouse))
    assert _same(_state(warehouse), published)


def test_without_a_working_file_a_damaged_publication_stops_in_one_line_naming_the_backup(built):
    _, warehouse = built
    folder = publish.folder_of(warehouse)
    (folder / "kerja.duckdb").unlink()
    _named(warehouse, "progres_kecamatan", "2018-03").unlink()
    catalog = warehouse.read_bytes()
    with pytest.raises(WarehouseError) as raised:
        with store.writing(warehouse):
            pass
    text = str(raised.value)
    assert "\n" not in text
    assert "progres_kecamatan 2018-03 hilang" in text and "kerja.duckdb tidak ada" in text
    assert "ektp cadangan" in text and f"mv {warehouse}.baru {warehouse}" in text
    assert "tidak ada yang diubah" in text  # and true: the catalog is the same, no working file made
    assert warehouse.read_bytes() == catalog
    assert not (folder / "kerja.duckdb").exists()


def test_without_a_working_file_a_damaged_catalog_stops_naming_the_backup(built):
    _, warehouse = built
    (publish.folder_of(warehouse) / "kerja.duckdb").unlink()
    warehouse.write_bytes(warehouse.read_bytes()[:20_000])
    with pytest.raises(WarehouseError, match=r"katalog .* rusak \(.*ektp cadangan") as raised:
        with store.writing(warehouse):
            pass
    assert "\n" not in str(raised.value)


def test_the_cli_says_the_loss_in_one_line_and_exits_2(built, capsys):
    from ektp import cli

    landing, warehouse = built
    (publish.folder_of(warehouse) / "kerja.duckdb").unlink()
    _named(warehouse, "unggahan", "2018-03").unlink()
    code = cli.main(
        ["nightly", "--date", APRIL[-1].isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]
    )
    assert code == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("ektp:")]
    assert len(errors) == 1 and "ektp cadangan" in errors[0] and "sudah diterbitkan" not in errors[0]


def test_a_catalog_with_one_view_naming_another_folder_is_written_again(built, tmp_path):
    # not only `unggahan`'s view is checked: a catalog whose other views name files elsewhere is
    # not taken for this warehouse's
    _, warehouse = built
    published = _state(warehouse)
    elsewhere = tmp_path / "lain" / "w.duckdb.bagian"
    shutil.copytree(publish.folder_of(warehouse) / "progres_provinsi", elsewhere / "progres_provinsi")
    with duckdb.connect() as con:
        con.execute("attach ? as w (read_only)", [str(warehouse)])
        (text,) = con.execute(
            "select sql from duckdb_views() where database_name = 'w' and view_name = 'progres_provinsi'"
        ).fetchone()
    as_another_process(
        warehouse,
        text.replace(str(publish.folder_of(warehouse)), str(elsewhere)).replace(
            "CREATE VIEW", "CREATE OR REPLACE VIEW"
        ),
    )
    assert publish.published_number(warehouse) is None
    (line,) = _repaired(warehouse)
    assert f"katalog menunjuk berkas di {elsewhere}" in line
    assert _same(_state(warehouse), published)
    assert all(Path(p).is_relative_to(publish.folder_of(warehouse)) for p in _files(warehouse))


# Last: these remove the original folder, landing included, so a test after them needs a new build.
@pytest.mark.parametrize("how", ["copytree", "cp -a"])
def test_a_copied_warehouse_uses_its_own_files_after_its_next_run(built, tmp_path, how):
    # the catalog names its files by absolute path: a copy reads the original's until its next run,
    # which sees that and publishes the copy's own files; the original may then go
    _, warehouse = built
    published = _state(warehouse)
    original = warehouse.parents[1]
    if how == "copytree":
        shutil.copytree(original, tmp_path / "salinan", symlinks=True)
    else:
        subprocess.run(["cp", "-a", str(original), str(tmp_path / "salinan")], check=True)
    copy = tmp_path / "salinan" / "data" / "w.duckdb"
    assert publish.published_number(copy) is None  # it names the original's files
    shutil.rmtree(original)
    (line,) = _repaired(copy)
    assert f"katalog menunjuk berkas di {publish.folder_of(warehouse)}" in line
    assert f"kini berkas di {publish.folder_of(copy)}" in line
    assert _same(_state(copy), published)
    assert publish.published_number(copy) == 1  # the same publication, its catalog written anew
    assert _files(copy) and all(Path(p).is_relative_to(publish.folder_of(copy)) for p in _files(copy))
    # every view, not only unggahan's, names the copy's folder
    with duckdb.connect() as con:
        con.execute("attach ? as w (read_only)", [str(copy)])
        texts = [
            s
            for (s,) in con.execute(
                "select sql from duckdb_views() where database_name = 'w' and sql like '%.parquet%'"
            ).fetchall()
        ]
    assert len(texts) >= 10 and all(str(publish.folder_of(warehouse)) not in t for t in texts)
    # the copy's working file is the one its runs write (the original's is gone, and stays gone)
    day_file(
        tmp_path / "salinan" / "landing", "5272", KOTA_BIMA, APRIL[1], base=5_000, step=11, name="koreksi.csv"
    )
    nightly(tanggal=APRIL[-1], settings=run_settings(tmp_path / "salinan" / "landing", copy))
    assert "5272/koreksi.csv" in _state(copy)["unggahan"]["file"].to_list()
    assert not original.exists()

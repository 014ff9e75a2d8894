"""The catalog describes itself (issue 25): every relation, column and macro an analyst opens
carries a one-line COMMENT, older DuckDB clients read them, every timestamp has a time zone, and
the README's way of reading them in WITA works as written."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, row, run_settings, write
from warehouse import cadangan, komentar, publish
from warehouse.read import sql

PROJECT = Path(__file__).resolve().parents[2]
DAYS = [date(2018, 3, 28) + timedelta(days=i) for i in range(7)]  # 28 March to 3 April: two months
SKIPS = {date(2018, 3, 30), date(2018, 3, 31), date(2018, 4, 2)}  # 527203 does not report these


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect_server) -> Path:
    """Two districts over a week (one kecamatan skipping days) and two rejected files: one printing
    more than it recorded on lines 4 and 6, one unreadable."""
    tmp = tmp_path_factory.mktemp("komentar")
    landing, path = tmp / "landing", tmp / "w.duckdb"
    for d in DAYS:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10, skip=("527203",) if d in SKIPS else ())
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    day = DAYS[-2].isoformat()
    lines = [row(DAYS[-2], k, 10_000, 5_000, 6_000 if i in (2, 4) else 0) for i, k in enumerate(KOTA_BIMA)]
    write(landing, "5272", f"lebih_{day}.csv", lines)
    (landing / "5208" / f"kosong_{day}.csv").write_bytes(b"")
    nightly(tanggal=DAYS[-1], settings=run_settings(landing, path))
    return path


def _catalog(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("attach ? as katalog (read_only)", [str(path)])
    con.execute("use katalog")
    return con


UNDESCRIBED = """
select 'relation' as jenis, table_name as nama, comment from duckdb_tables()
where database_name = 'katalog'
union all
select 'relation', view_name, comment from duckdb_views() where database_name = 'katalog' and not internal
union all
select 'column', table_name || '.' || column_name, comment from duckdb_columns()
where database_name = 'katalog' and not internal
union all
select function_type, function_name, comment from duckdb_functions()
where database_name = 'katalog' and function_type in ('macro', 'table_macro')
"""


def test_every_relation_column_and_macro_of_the_catalog_has_a_one_line_comment(warehouse):
    with _catalog(warehouse) as con:
        found = con.execute(UNDESCRIBED).fetchall()
    kinds = {kind for kind, _, _ in found}
    names = {name for _, name, _ in found}
    # what analysts open is all there: tables, views over Parquet, columns, scalar and table macros
    assert kinds == {"relation", "column", "macro", "table_macro"}
    assert {"unggahan", "berkas_ditolak", "progres_kecamatan_harian", "prakiraan", "unggahan_per"} <= names
    assert [(kind, name) for kind, name, text in found if not text] == []
    assert [name for _, name, text in found if text and "\n" in text] == []


def test_a_backup_carries_the_comments_too(warehouse, tmp_path):
    # `ektp cadangan` copies every relation as a table: the descriptions are written there as well
    out = tmp_path / "cadangan.duckdb"
    cadangan.write(warehouse, out)
    with _catalog(out) as con:
        found = con.execute(UNDESCRIBED).fetchall()
        present = set(con.execute(sql("katalog_isi"), [True]).fetchall())
    assert {"progres_kecamatan_harian", "unggahan.baris", "prakiraan"} <= {name for _, name, _ in found}
    assert [(kind, name) for kind, name, text in found if not text] == []
    # and the writer's bookkeeping, which only a backup holds, is described by lines that hold
    assert [k for k in komentar.declared() if (komentar._kind(k.kind), k.target) not in present] == []


def test_every_comment_declared_names_something_the_catalog_holds(warehouse):
    # a stale line (a column renamed, a relation dropped) is found here, not skipped silently
    with _catalog(warehouse) as con:
        present = set(con.execute(sql("katalog_isi"), [True]).fetchall())
    bookkeeping = {"bagian", "bagian_kotor", "kedatangan", "tanda_terima_terutang"}  # a backup's only
    stale = [k for k in komentar.declared() if (komentar._kind(k.kind), k.target) not in present]
    assert [k for k in stale if k.target.split(".")[0].removesuffix("_per") not in bookkeeping] == []


def test_ambiguous_names_say_which_meaning_they_carry(warehouse):
    with _catalog(warehouse) as con:
        texts = dict(
            con.execute(
                "select table_name || '.' || column_name, comment from duckdb_columns()"
                " where database_name = 'katalog'"
            ).fetchall()
        )
    assert "JUMLAH baris" in texts["unggahan.baris"] and "NOMOR baris" in texts["kualitas_data.baris"]
    assert "SAH" in texts["mutu_kabupaten.pertama_masuk"]
    # the journal's copy of a column is described by the table it copies, in one place
    assert texts["riwayat_unggahan.baris"] == texts["unggahan.baris"]


def test_the_duckdb_cli_reads_the_comments(warehouse):
    # the analysts' client (duckdb-cli 1.5, storage 1.4) sees what the writer's DuckDB wrote
    cli = PROJECT / ".venv" / "bin" / "duckdb"
    query = (
        "select comment from duckdb_views() where view_name = 'berkas_ditolak';"
        " select comment from duckdb_functions() where function_name = 'prakiraan'"
    )
    out = subprocess.run(
        [str(cli), "-readonly", "-list", "-noheader", str(warehouse), query],
        capture_output=True,
        text=True,
        check=True,
    )
    with _catalog(warehouse) as con:
        expected = [
            con.execute("select comment from duckdb_views() where view_name = 'berkas_ditolak'").fetchone()[
                0
            ],
            con.execute(
                "select comment from duckdb_functions() where function_name = 'prakiraan'"
            ).fetchone()[0],
        ]
    assert out.stdout.splitlines() == expected


def test_proses_is_gone(warehouse):
    # no run ever wrote it (migration 009): neither the catalog nor the working file has it
    with _catalog(warehouse) as con:
        assert "proses" not in {
            n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }
    with duckdb.connect(str(publish.folder_of(warehouse) / "kerja.duckdb"), read_only=True) as con:
        assert "proses" not in {
            n for (n,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }


def test_a_rejected_file_names_its_first_rule_and_line(warehouse):
    day = DAYS[-2]
    with _catalog(warehouse) as con:
        rows = con.execute(
            "select file, aturan, baris_pertama from berkas_ditolak where tanggal = ? order by file", [day]
        ).fetchall()
        # the first error of each file, found another way: the lowest line among its errors
        first = dict(
            con.execute(
                "select file, min(baris) from kualitas_data where tingkat = 'error' and tanggal = ?"
                " group by file",
                [day],
            ).fetchall()
        )
    assert rows == [
        ("5208/" + f"kosong_{day}.csv", "berkas_tidak_terbaca", None),  # the whole file: no line
        ("5272/" + f"lebih_{day}.csv", "cetak_melebihi_rekam", 4),  # rows 3 and 5 of the data: lines 4, 6
    ]
    assert first[f"5272/lebih_{day}.csv"] == 4


def test_every_timestamp_of_the_catalog_has_a_time_zone(warehouse):
    with _catalog(warehouse) as con:
        found = con.execute(
            "select table_name || '.' || column_name, data_type from duckdb_columns()"
            " where database_name = 'katalog' and data_type like 'TIMESTAMP%'"
        ).fetchall()
    assert len(found) > 10  # unggahan.diproses_pada, tiba_pada, mutu_kabupaten.batas_waktu, ...
    assert [(c, t) for c, t in found if t != "TIMESTAMP WITH TIME ZONE"] == []


def test_the_readme_shows_the_times_in_wita_as_it_says(warehouse):
    # the README's example, pasted into the CLI: the deadline of 1 April is 02:00 WITA on the 2nd
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```sql\n(.*?)```", readme, re.S) if "Asia/Makassar" in b)
    cli = PROJECT / ".venv" / "bin" / "duckdb"
    out = subprocess.run(
        [str(cli), "-readonly", "-csv", str(warehouse)],
        input=block,
        capture_output=True,
        text=True,
        check=True,
    )
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+\d\d", out.stdout)
    assert times and all(t.endswith("+08") for t in times)
    assert "2018-04-02 02:00:00+08" in times

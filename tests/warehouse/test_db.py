"""The warehouse's DuckDB plumbing (warehouse.db): a transaction rolls back what a failing block did
and the block's error is the one raised; frames and attached files are let go of in every case;
frames cross to DuckDB and back whole, without pyarrow."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest

from contract import settings
from tests import test_layers as layers
from warehouse import db


def test_a_transaction_commits_a_block_and_rolls_back_a_failing_one():
    with duckdb.connect() as con:
        con.execute("create table t (i integer)")
        with db.transaction(con):
            con.execute("insert into t values (1)")
        with pytest.raises(ValueError, match="boom"), db.transaction(con):
            con.execute("insert into t values (2)")
            raise ValueError("boom")
        assert con.execute("select i from t").fetchall() == [(1,)]
        con.execute("insert into t values (3)")  # no transaction left open
        assert con.execute("select count(*) from t").fetchall() == [(2,)]


def test_a_failed_statement_is_the_error_raised_not_the_rollback_or_the_detach(tmp_path):
    # the block's DuckDB error aborts its transaction; detaching inside an aborted transaction
    # fails too, and must not hide it (store._restore attached, then failed)
    path = tmp_path / "lain.duckdb"
    duckdb.connect(str(path)).close()
    with duckdb.connect() as con:
        with pytest.raises(duckdb.ConversionException, match="x"), db.attached(con, path, "lain"):
            con.execute("begin")
            con.execute("select 'x'::integer")


def test_frames_are_registered_for_the_block_only():
    frame = pl.DataFrame({"a": [1, 2]})
    with duckdb.connect() as con:
        with pytest.raises(RuntimeError), db.registered(con, satu=frame, dua=frame):
            assert con.execute("select count(*) from satu, dua").fetchall() == [(4,)]
            raise RuntimeError
        with pytest.raises(duckdb.CatalogException):
            con.execute("select * from satu")


def test_a_frame_goes_to_duckdb_and_back_with_its_types_and_values():
    wita = ZoneInfo("Asia/Makassar")
    frame = pl.DataFrame(
        {
            "nama": ["Narmada", None, "<script>é'\"", ""],
            "tanggal": [date(2018, 4, 30), None, date(2018, 1, 1), date(2018, 6, 1)],
            "pada": [datetime(2018, 5, 1, 2, tzinfo=wita), None, datetime(2018, 1, 2, tzinfo=wita), None],
            "persen": [Decimal("97.07"), None, Decimal("0.00"), Decimal("100.00")],
            "jumlah": [3_774_830, None, 0, -1],
            "kode": [["5201"], [], None, ["5202", "5271"]],
        },
        schema_overrides={"persen": pl.Decimal(5, 2)},
    )
    with duckdb.connect() as con, db.registered(con, masuk=frame):
        con.execute("set timezone = 'Asia/Makassar'")
        back = db.frame(con.sql("select * from masuk"))
        again = db.frame(con.sql("select count(*) as n from masuk"))  # a second scan of the same frame
        empty = db.frame(con.sql("select * from masuk where false"))
    assert back.equals(frame) and back.schema == frame.schema
    assert again["n"].to_list() == [4]
    assert empty.schema == frame.schema and empty.is_empty()


@pytest.mark.parametrize(
    ("frame", "null_rows"),
    [
        (pl.DataFrame({"kode_kabupaten": [None, None], "n": [1, 2]}), [(1,), (2,)]),  # Polars' Null type
        (pl.DataFrame({"kode_kabupaten": [[None], None], "n": [1, 2]}), [(2,)]),  # a list of it
    ],
    ids=["null", "list-of-null"],
)
def test_a_column_of_nones_without_a_type_is_scanned_as_null(frame, null_rows):
    # DuckDB refuses Polars' own export of such a column (the e-mail digest of the nightly did);
    # it goes through pyarrow, as every frame did before, and reads as NULL
    with duckdb.connect() as con, db.registered(con, t=frame):
        assert con.sql("select n from t where kode_kabupaten is null order by n").fetchall() == null_rows
        assert db.frame(con.sql("select * from t")).to_dicts() == frame.to_dicts()


def test_frames_cross_without_importing_pyarrow():
    # DuckDB's `.pl()` and its reading of a Polars frame go through pyarrow (~36 MB a process)
    probe = textwrap.dedent("""
        import sys
        import duckdb, polars as pl
        from warehouse import db
        with duckdb.connect() as con, db.registered(con, t=pl.DataFrame({"a": [1, 2]})):
            assert db.frame(con.sql("select sum(a) as s from t"))["s"].to_list() == [3]
        print("pyarrow" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_catalog_helpers_name_tables_and_views_of_one_database(tmp_path):
    with duckdb.connect() as con:
        con.execute("create table t (i integer)")
        con.execute("create view v as select * from t")
        con.execute("attach ? as lain", [str(tmp_path / "lain.duckdb")])
        con.execute("create table lain.main.u (i integer)")
        assert db.tables(con) == {"t"}
        assert db.views(con) == {"v"}
        assert db.relations(con) == {"t", "v"}
        assert db.relations(con, "lain") == {"u"}
        assert db.has_table(con, "u", "lain") and not db.has_table(con, "u")
        assert db.view_sql(con, "memory")["v"].lower().startswith("create view v")


# Each DuckDB the program makes: the writer's, the readers' (kept for the process), a look at the
# published file, an as-of connection. Run in a new process: the kept ones are made once per process.
THREADS_PROBE = textwrap.dedent("""
    import sys
    from datetime import datetime, timezone
    from pathlib import Path
    from warehouse import asof, katalog, read, store
    path = Path(sys.argv[1])
    ask = "select current_setting('threads')"
    with store.writing(path) as session:
        print("writer", session.con.execute(ask).fetchone()[0])
        session.publish()
    with read.connect(path) as con:
        print("readers", con.execute(ask).fetchone()[0])
    with katalog.opened(path) as con:
        print("look", con.execute(ask).fetchone()[0])
        with katalog.opened(path) as inner:
            print("look within a look", inner.execute(ask).fetchone()[0])
    with asof.connect_at(path, datetime.now(timezone.utc)) as con:
        print("as of", con.execute(ask).fetchone()[0])
""")
MADE = ("writer", "readers", "look", "look within a look", "as of")


def threads_of_each_duckdb(tmp_path, cap: str | None) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k != settings.DUCKDB_THREADS}
    if cap is not None:
        env[settings.DUCKDB_THREADS] = cap
    done = subprocess.run(
        [sys.executable, "-c", THREADS_PROBE, str(tmp_path / "gudang.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {name: int(n) for name, _, n in (line.rpartition(" ") for line in done.stdout.splitlines())}


def test_every_duckdb_the_program_makes_has_the_process_threads(tmp_path):
    # 3: not this machine's default (its cores), nor the test suite's 1.
    assert threads_of_each_duckdb(tmp_path / "capped", "3") == dict.fromkeys(MADE, 3)
    assert threads_of_each_duckdb(tmp_path / "own", None) == dict.fromkeys(MADE, duckdb_default_threads())


def duckdb_default_threads() -> int:
    with duckdb.connect() as con:
        return int(con.execute("select current_setting('threads')").fetchone()[0])


def test_only_db_connect_makes_a_duckdb():
    # The threads reach a DuckDB only through db.connect: the program calls `duckdb.connect` nowhere else.
    found = [
        f"{name}:{node.lineno}"
        for name, path in sorted(layers.modules().items())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "connect"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "duckdb"
    ]
    assert [f.split(":")[0] for f in found] == ["warehouse.db"], found

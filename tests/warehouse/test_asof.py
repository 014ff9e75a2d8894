"""The journal and the figures as known on a moment: after every run of a story with a late
correction, a path overwritten with other bytes and a copy that turns a loaded file into a
duplicate, the relations rebuilt "as known on" that run's time equal the tables as they were then,
row for row, run ids and times included; and the analysts' `_per` macros give the same rows.

The story's warehouse is one an earlier release wrote: the journal of `progres_kabupaten`'s rows
begins with its second run, so the first run's moment is rebuilt from the decisions' journal and
the later ones are read from the mart's own journal."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import time as pytime
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from contract.errors import ReportError, WarehouseError
from contract.formats import waktu_detik
from ektp import cli
from flows.nightly import nightly
from tests.uploads import (
    KOTA_BIMA,
    LOMBOK_UTARA,
    WITA,
    day_file,
    older_warehouse,
    one,
    row,
    run_settings,
    write,
)
from warehouse import asof, journal, marts, publish, store

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


def state(wh, names=None) -> dict[str, pl.DataFrame]:
    """Every relation that has a state at T, whole and sorted (run ids and times kept)."""
    with duckdb.connect(str(wh), read_only=True) as con:
        return {n: _sorted(con.sql(f"select * from {n}").pl()) for n in names or asof.names()}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def rebuilt(wh, t) -> dict[str, pl.DataFrame]:
    with asof.connect_at(wh, t) as con:
        return {n: _sorted(con.sql(f"select * from memory.main.{n}").pl()) for n in asof.names()}


def by_macros(wh, t) -> dict[str, pl.DataFrame]:
    """What an analyst gets from the stored `<relation>_per(waktu)` macros, in a plain connection."""
    with duckdb.connect(str(wh), read_only=True) as con:
        return {n: _sorted(con.sql(f"select * from {n}_per(?)", params=[t]).pl()) for n in asof.names()}


def decided_at(wh, run_id: str) -> datetime:
    return one(wh, "select max(berlaku_sejak) from riwayat_unggahan where dicatat_oleh = ?", [run_id])[0][0]


def assert_same(found: dict, expected: dict) -> None:
    assert found.keys() == expected.keys()
    for name in expected:
        assert_frame_equal(found[name], expected[name], check_dtypes=False), name


@pytest.fixture(scope="module")
def story(tmp_path_factory, prefect_server):
    """Four nightly runs; after each, the run id, its decision time and the tables as they were."""
    base = tmp_path_factory.mktemp("asof")
    landing, wh = base / "landing", base / "gudang" / "ektp.duckdb"
    runs = []

    def run(day):
        result = nightly(tanggal=day, settings=run_settings(landing, wh))
        runs.append((result["run_id"], decided_at(wh, result["run_id"]), state(wh)))

    for d in (D1, D2):
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    run(D2)
    forget_the_mart_journals(wh)
    # A late correction of 1 April (527201 had 500 more) and the files of 3 April.
    lines = [
        row(D1, k, 10_000 + 100 * i, 5_000 + i + (500 if i == 0 else 0)) for i, k in enumerate(KOTA_BIMA)
    ]
    write(landing, "5272", "lap_2018-04-01 revisi.csv", lines, datetime.combine(D3, time(9), tzinfo=WITA))
    day_file(landing, "5272", KOTA_BIMA, D3, base=5_000, step=10)
    run(D3)
    # Lombok Utara overwrites its 2 April file with other figures, under the same name.
    day_file(
        landing,
        "5208",
        LOMBOK_UTARA,
        D2,
        base=7_100,
        step=20,
        when=datetime.combine(D3, time(10), tzinfo=WITA),
    )
    run(D3)
    # Kota Bima's 3 April file touched (a backup restored), nothing new: the night records its stat.
    touched = landing / "5272" / "lap_2018-04-03.csv"
    st = touched.stat()
    os.utime(touched, ns=(st.st_atime_ns, st.st_mtime_ns + 3600 * 10**9))
    run(D3)
    # A copy of Lombok Utara's 1 April file with an older modification time (copied with `cp -p` from
    # an earlier download): the copy comes first, so the file loaded until now becomes its duplicate.
    original = landing / "5208" / "lap_2018-04-01.csv"
    copy = original.with_name("salinan lap_2018-04-01.csv")
    shutil.copy2(original, copy)
    st = original.stat()
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns - 3600 * 10**9))
    run(D3)
    return wh, runs


def forget_the_mart_journals(wh) -> None:
    """The working file as a release before the marts' journals left it: none kept, none begun."""
    with duckdb.connect(str(publish.folder_of(wh) / "kerja.duckdb")) as con:
        for table in asof.journaled().values():
            con.execute(f"delete from {table}")
        con.execute(f"delete from {journal.STARTS}")


def test_the_story_exercises_every_kind_of_change(story):
    wh, runs = story
    assert len(runs) == 5
    # the touched file's new stat is journaled by the night that saw it, which decided nothing
    restat = runs[3][0]
    assert one(wh, "select file, status from riwayat_unggahan where dicatat_oleh = ?", [restat]) == [
        ("5272/lap_2018-04-03.csv", "loaded")
    ]
    assert one(wh, "select count(*) from unggahan where run_id = ?", [restat]) == [(0,)]
    # the correction superseded the original, the overwritten path was retired, the copy turned the
    # loaded file into a duplicate and its figures went to the archive
    assert one(wh, "select file, status from unggahan where file like '%2018-04-01%' order by file") == [
        ("5208/lap_2018-04-01.csv", "duplicate"),
        ("5208/salinan lap_2018-04-01.csv", "loaded"),
        ("5272/lap_2018-04-01 revisi.csv", "loaded"),
        ("5272/lap_2018-04-01.csv", "superseded"),
    ]
    assert one(wh, "select count(*) from unggahan where file = '5208/lap_2018-04-02.csv'") == [(2,)]
    assert one(wh, "select distinct file from arsip_riwayat_kecamatan") == [("5208/lap_2018-04-01.csv",)]
    assert one(wh, "select count(*) from riwayat_kecamatan where file = '5208/lap_2018-04-01.csv'") == [(0,)]


def test_each_run_s_tables_are_rebuilt_exactly_as_known_on_its_time(story):
    wh, runs = story
    for _, t, tables in runs:
        assert_same(rebuilt(wh, t), tables)


def test_a_moment_between_runs_sees_the_earlier_run(story):
    wh, runs = story
    (_, t1, first), (_, t2, _) = runs[0], runs[1]
    assert_same(rebuilt(wh, t1 + (t2 - t1) / 2), first)


def test_the_analysts_macros_give_the_same_rows(story):
    wh, runs = story
    for _, t, tables in (runs[0], runs[-1]):
        assert_same(by_macros(wh, t), tables)


def test_at_t_no_report_lies_before_the_marts_first_day_so_their_macros_skip_the_latest_reports(story):
    """The marts' macros read `laporan_kecamatan_terakhir` at T as empty (it serves only the reports
    before `dari`, which at T is FIRST_DAY): true only while no report is dated before it. Without
    the skip a national three-year `progres_kabupaten_per` held ~17 GB (bench/RESULTS.md)."""
    wh, runs = story
    with duckdb.connect(str(wh), read_only=True) as con:
        for _, t, _ in runs:
            before = con.execute(
                "select count(*) from laporan_kecamatan_terakhir_per(?) where tanggal < ?",
                [t, marts.FIRST_DAY],
            ).fetchone()
            assert before == (0,)
            assert (
                con.execute("select count(*) from laporan_kecamatan_terakhir_per(?)", [t]).fetchone()[0] > 0
            )
    for name in marts.names():
        code = asof.macro(name)
        for relation in marts.BEFORE_DARI:
            assert f"{relation}_per(waktu)" not in code
            if relation in asof.reads(name):
                assert f"(select * from {relation} where false)" in code


def test_a_run_id_stands_for_its_decision_time(story):
    wh, runs = story
    run_id, _, tables = runs[1]
    assert_same(rebuilt(wh, run_id), tables)
    with pytest.raises(ReportError, match="tidak ada dalam riwayat"):
        rebuilt(wh, "bukan-run")
    # an id of a run that decided nothing, from before the journal began: refused as such a moment
    with pytest.raises(ReportError, match="baru dicatat sejak"):
        rebuilt(wh, "20180101T000000Z-abcdef")


def test_one_function_resolves_a_moment_and_the_connection_carries_it(story):
    wh, runs = story
    run_id, decided, _ = runs[1]
    with asof.connect_at(wh, run_id) as con:
        assert asof.known_on(con) == decided == asof.resolve(con, wh, run_id)
        # a naive time is WITA; an aware one is kept
        naive = decided.astimezone(WITA).replace(tzinfo=None)
        assert asof.resolve(con, wh, naive) == decided
    # the text of --as-known-on means the end of what it names
    assert asof.parse("2018-04-13") == datetime(2018, 4, 13, 23, 59, 59, 999_999, tzinfo=WITA)
    assert asof.parse("2018-04-12T18:05Z") == datetime(2018, 4, 13, 2, 5, 59, 999_999, tzinfo=WITA)


def test_the_id_a_run_that_decided_nothing_prints_means_the_state_after_the_run_before_it(story):
    wh, runs = story
    landing = wh.parent.parent / "landing"
    result = nightly(tanggal=D3, settings=run_settings(landing, wh))  # no new file: decides nothing
    noop = result["run_id"]
    assert one(wh, "select count(*) from riwayat_unggahan where dicatat_oleh = ?", [noop]) == [(0,)]
    # Its moment is the end of the second it started in, refused until it has passed: a run this
    # quick may have ended inside that second.
    began = datetime.strptime(noop[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    pytime.sleep(max(0.0, (began + timedelta(seconds=1) - datetime.now(UTC)).total_seconds()))
    assert_same(rebuilt(wh, noop), runs[-1][2])
    with asof.connect_at(wh, noop) as con:
        assert began <= asof.known_on(con) < began + timedelta(seconds=1)
        assert asof.known_on(con) > runs[-1][1]


def test_a_moment_in_the_future_is_refused(story):
    wh, _ = story
    with pytest.raises(ReportError, match="belum terjadi"):
        rebuilt(wh, datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(ReportError, match="belum terjadi"):
        rebuilt(wh, "20990101T000000Z-abcdef")  # nor does a run id of the future stand for anything
    with asof.connect_at(wh, datetime.now(UTC)) as con:  # now itself is not the future
        assert asof.known_on(con) <= datetime.now(UTC)


def test_a_refusal_before_the_history_shows_how_far_before(story):
    wh, _ = story
    with duckdb.connect(str(wh), read_only=True) as con:
        ((start,),) = con.execute("select diterapkan_pada from schema_migrations where versi = 4").fetchall()
    with pytest.raises(ReportError) as refused:
        rebuilt(wh, start - timedelta(seconds=12))
    message = str(refused.value)
    assert f"sejak {waktu_detik(start)}" in message
    assert f"pada {waktu_detik(start - timedelta(seconds=12))}" in message
    assert waktu_detik(start) != waktu_detik(start - timedelta(seconds=12))  # to the second
    assert "(12 detik sebelumnya)" in message
    assert asof.span(timedelta(days=2, hours=4, minutes=3)) == "2 hari 4 jam"


@pytest.mark.parametrize(
    ("moment", "words"),
    [("2099-01-01", "belum terjadi"), ("2018-04-01T00:00:00", "baru dicatat sejak")],
)
def test_the_cli_refuses_a_moment_in_one_line(story, tmp_path, capsys, moment, words):
    wh, _ = story
    landing = wh.parent.parent / "landing"
    args = ["report", "--date", D1.isoformat(), "--as-known-on", moment, "--out", str(tmp_path)]
    code = cli.main([*args, "--landing", str(landing), "--warehouse", str(wh)])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and lines[0].startswith("ektp: galat: ") and words in lines[0], err
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_mart_journal_began_with_the_second_run_and_the_macro_rebuilds_before_it(story):
    wh, runs = story
    assert one(wh, f"select mart, sejak, lengkap from {journal.STARTS}") == [
        ("progres_kabupaten", runs[1][1], False)
    ]
    definition = one(
        wh, "select macro_definition from duckdb_functions() where function_name = 'progres_kabupaten_per'"
    )[0][0]
    assert f"progres_kabupaten{asof.REBUILT}(" in definition


def test_each_run_journals_exactly_the_mart_rows_it_changed(story):
    wh, runs = story
    journaled = []
    for (_, _, before), (_, t, after) in itertools.pairwise(runs[1:]):  # the journal began at runs[1]
        opened = one(wh, "select count(*) from riwayat_progres_kabupaten where berlaku_sejak = ?", [t])[0][0]
        closed = one(wh, "select count(*) from riwayat_progres_kabupaten where berlaku_sampai = ?", [t])[0][0]
        old, new = before["progres_kabupaten"], after["progres_kabupaten"]
        assert (opened, closed) == (rows_not_in(new, old), rows_not_in(old, new)), t
        journaled.append((opened, closed))
    # the overwritten file changed Lombok Utara's 2 April and the day carried after it; the night that
    # only recorded a touched file's stat, and the byte-identical copy, changed no figure
    assert journaled == [(2, 2), (0, 0), (0, 0)], journaled


def rows_not_in(frame: pl.DataFrame, other: pl.DataFrame) -> int:
    return frame.join(other, on=frame.columns, how="anti", nulls_equal=True).height


def test_the_journal_only_grows(story):
    wh, runs = story
    # every run appended what it changed and nothing else: the first run all 4 files, the second the
    # correction, the superseded original and 3 April's file, the night with nothing new the touched
    # file's stat
    counts = dict(one(wh, "select dicatat_oleh, count(*) from riwayat_unggahan group by 1"))
    assert [counts[r] for r, _, _ in runs] == [4, 3, 2, 1, 2]


def test_a_warehouse_older_than_the_journal_is_seeded_and_refuses_earlier_moments(tmp_path):
    path = tmp_path / "w.duckdb"
    with older_warehouse(path, upto=2) as con:
        decided = datetime(2018, 4, 2, 18, 5, tzinfo=UTC)
        con.execute(
            "insert into unggahan values ('5272/a.csv', 'x', '5272', '2018-04-01', 'rejected', 'rusak', 0,"
            " ?, 'r1', 1, ?, 1)",
            [decided, decided],
        )
    with store.writing(path) as session:
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        # the current decision is the journal's first entry, in force since it was made
        assert con.execute(
            "select file, status, berlaku_sejak, dicatat_oleh, ada from riwayat_unggahan"
        ).fetchall() == [("5272/a.csv", "rejected", decided, "r1", True)]
        (start,) = con.execute("select diterapkan_pada from schema_migrations where versi = 4").fetchall()[0]
    assert rebuilt(path, start)["unggahan"]["file"].to_list() == ["5272/a.csv"]
    # before the journal began, what was decided is not known: refused, not guessed
    with pytest.raises(ReportError, match="baru dicatat sejak"):
        rebuilt(path, start - timedelta(seconds=1))


def test_a_warehouse_without_the_journal_is_a_clear_error(tmp_path):
    path = tmp_path / "w.duckdb"
    with older_warehouse(path, upto=2):
        pass  # migrated, no row
    with pytest.raises(ReportError, match="belum mencatat riwayat keputusan"):
        rebuilt(path, datetime.now(UTC))


def _with_code(monkeypatch, text: str) -> None:
    """progres_kecamatan's SQL replaced by `text`, reading unggahan."""
    real = asof.model
    fake = replace(real("progres_kecamatan"), reads=frozenset({"unggahan"}), code=text)
    monkeypatch.setattr(asof, "model", lambda name: fake if name == "progres_kecamatan" else real(name))


def test_a_cte_named_like_a_relation_it_reads_is_refused(monkeypatch):
    # `from unggahan` after a CTE named unggahan means the CTE: rewriting it would change the SQL
    _with_code(
        monkeypatch,
        "with unggahan as (select * from unggahan where status = 'loaded') select * from unggahan",
    )
    with pytest.raises(WarehouseError, match="CTE"):
        asof.macro("progres_kecamatan")


def test_a_relation_given_to_a_table_macro_is_refused(monkeypatch):
    # `laporan_terakhir(unggahan, ...)` would read unggahan now, not at T: the macro is given a CTE
    _with_code(monkeypatch, "select * from laporan_terakhir(unggahan, date '2018-04-01')")
    with pytest.raises(WarehouseError, match="makro tabel"):
        asof.macro("progres_kecamatan")


def test_the_stored_macros_copy_out_no_cte_their_sql_reads_in_place(story):
    """The catalog is stored for DuckDB 1.4 clients, a format that drops `not materialized` from a
    stored macro: reopened, each mart's macro copied out the CTEs its SQL reads in place (the whole
    of `riwayat_kecamatan` among them). The macros have them written out where they are read."""
    wh, runs = story
    in_place = {
        m.group(1).lower()
        for name in asof.names()
        for m in asof.NOT_MATERIALIZED.finditer(asof.model(name).code)
    }
    assert {"angka", "riwayat", "reports"} <= in_place
    with duckdb.connect(str(wh), read_only=True) as con:
        for name in asof.names():
            plan = con.execute(f"explain (format json) select * from {name}_per(?)", [runs[-1][1]])
            copied = _materialized(json.loads(plan.fetchall()[0][1]))
            assert not copied & in_place, (name, sorted(copied & in_place))


def _materialized(operators: list[dict]) -> set[str]:
    """The CTEs a plan copies out (its CTE operators)."""
    found, todo = set(), list(operators)
    while todo:
        operator = todo.pop()
        todo.extend(operator.get("children", ()))
        if operator.get("name") == "CTE":
            found.add(operator.get("extra_info", {}).get("CTE Name", "").lower())
    return found


def test_a_mart_s_macro_leaves_out_the_order_its_table_is_stored_in():
    """Each mart's SQL ends by ordering its rows as the table stores them; a macro's reader orders
    what it needs, and a mart's macro sorted every row of the marts it read at T again."""
    for name in marts.names():
        assert asof.STORAGE_ORDER.search(asof.model(name).code.strip()), name
        assert not re.search(r"\border\s+by\s+[a-z0-9_,\s]+$", asof.macro(name), re.IGNORECASE), name

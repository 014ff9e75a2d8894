"""The warehouse's writer: migrations, atomic publication, readable by older DuckDB clients."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from contract.errors import ClockBehind, WarehouseError
from tests.ektp.test_failures_one_line import read_only
from tests.uploads import as_another_process, older_warehouse
from warehouse import compaction, db, journal, marts, partitions, publish, read, store, terakhir, versions


def test_new_warehouse_records_every_migration(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        recorded = [v for (v,) in con.execute("select versi from schema_migrations order by 1").fetchall()]
    assert recorded == [v for v, _, _ in versions.migrations()]


def test_older_warehouse_is_upgraded_in_place(tmp_path):
    path = tmp_path / "w.duckdb"
    # A warehouse written by the first version, with one file already decided.
    with older_warehouse(path, upto=1) as con:
        con.execute(
            "insert into unggahan values ('5201/a.csv', 'x', '5201', null, 'rejected', 'rusak', 0,"
            " now(), 'r1', 1, now(), 1)"
        )
    with store.writing(path) as session:
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from schema_migrations").fetchone() == (
            len(versions.migrations()),
        )
        # The old rows are kept and the new view serves them.
        assert con.execute("select file, alasan from berkas_ditolak").fetchall() == [("5201/a.csv", "rusak")]


def _decide(con: duckdb.DuckDBPyConnection, file: str, status: str) -> None:
    """One upload of 5 Jan 2018 in the ledger, in its own transaction, marked for publishing."""
    con.execute("begin")
    con.execute("delete from unggahan where file = ?", [file])
    con.execute(
        "insert into unggahan by name select ? as file, 'x' as sha256, '5201' as kode_kabupaten,"
        " date '2018-01-05' as tanggal, ? as status, now() as diproses_pada, 'r' as run_id, 1 as ukuran,"
        " now() as diubah_pada, 1 as diubah_pada_ns",
        [file, status],
    )
    partitions.mark(con, ["unggahan"], ["2018-01"])
    con.execute("commit")


def test_unpublished_session_leaves_the_warehouse_untouched(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        marts.refresh(session.con)  # as a load does: a warehouse with data has its marts
        session.publish()
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with store.writing(path) as session:
            session.con.execute("begin")
            session.con.execute("update unggahan set status = 'rejected'")
            raise RuntimeError("the run failed half way")
    # Same catalog, and the working file rolled back: nothing is pending
    assert path.read_bytes() == before
    with store.writing(path) as session:
        assert not session.pending()
        assert session.con.execute("select status from unggahan").fetchall() == [("loaded",)]


def test_a_new_reader_sees_the_new_file_while_an_old_reader_is_open(tmp_path):
    # a long-running process (the portal) keeps reading connections open; each new one must see
    # the file published now, not the snapshot of a connection opened before the run
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        session.publish()
    with read.connect(path) as old:
        with store.writing(path) as session:
            _decide(session.con, "5201/a.csv", "rejected")
            session.publish()
        with read.connect(path) as new:
            assert new.execute("select status from unggahan").fetchall() == [("rejected",)]
        assert old.execute("select status from unggahan").fetchall() == [("loaded",)]


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("not a folder")
    # The warehouse's folder would have to be inside a regular file.
    with pytest.raises(WarehouseError, match="tidak dapat dibuat"):
        with store.writing(blocker / "w.duckdb"):
            pass


def test_a_folder_no_one_may_write_is_refused_before_anything_is_written(tmp_path):
    # tried with a file, not read from the permission bits: root (these tests) ignores them
    with read_only(tmp_path / "terkunci") as folder:
        with pytest.raises(WarehouseError, match="tidak dapat ditulis"):
            with store.writing(folder / "w.duckdb"):
                pass
        assert list(folder.iterdir()) == []


def test_published_file_opens_in_the_duckdb_1_x_cli(tmp_path):
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        session.publish()
    # The `duckdb` command of the duckdb-cli package (1.5) reads only storage versions up to 1.4.
    cli = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "duckdb"
    out = subprocess.run(
        [str(cli), "-readonly", "-csv", str(path), "select count(*) from schema_migrations"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["count_star()", str(len(versions.migrations()))]
    # A large table is a view over the Parquet files beside the catalog: the CLI reads it too.
    out = subprocess.run(
        [str(cli), "-readonly", "-csv", str(path), "select count(*) from unggahan"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["count_star()", "0"]


def _day(d: int) -> date:
    return date(2018, 1, d)


# 520101 reports on 3, 5, 10, 11, 12 and 13 January, 520102 on the 2nd, 520201 (of 5202) on the 9th.
HISTORY = [("5201", "520101", d) for d in (3, 5, 10, 11, 12, 13)] + [
    ("5201", "520102", 2),
    ("5202", "520201", 9),
]


@contextmanager
def _with_history(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writer's connection on a warehouse holding HISTORY, each report from a loaded file."""
    with store.writing(path) as session:
        con = session.con
        for kab, kec, d in HISTORY:
            f = f"{kab}/{kec}-{d}.csv"
            con.execute(
                "insert into unggahan by name select ? as file, 'x' as sha256, ? as kode_kabupaten,"
                " ? as tanggal, 'loaded' as status, now() as diproses_pada, 'r' as run_id, 1 as ukuran,"
                " now() as diubah_pada, 1 as diubah_pada_ns",
                [f, kab, _day(d)],
            )
            con.execute(
                "insert into riwayat_kecamatan by name select ? as file, 'x' as sha256, ? as tanggal,"
                " ? as kode_kabupaten, ? as kode_kecamatan, 100 as wajib_ktp, ? as sudah_rekam, 2 as baris,"
                " now() as diproses_pada, 'r' as run_id",
                [f, _day(d), kab, kec, d],
            )
        terakhir.bangun(con)  # kept by the load, which these rows bypass
        yield con


def _batch(groups: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame({"kode_kabupaten": [k for k, _ in groups], "tanggal": [_day(d) for _, d in groups]})


def _found(con: duckdb.DuckDBPyConnection, groups: list[tuple[str, int]]) -> list[tuple[str, int]]:
    got = read.loaded_reports(con, _batch(groups)).sort("kode_kecamatan", "tanggal")
    assert got["sudah_rekam"].to_list() == [t.day for t in got["tanggal"]]  # each its own report's
    return [(k, t.day) for k, t in got.select("kode_kecamatan", "tanggal").iter_rows()]


# (a batch's districts and dates, the reports its history check needs)
LOADED_REPORTS_CASES = [
    # 5201 on 10 and 12 Jan: 5201's reports from 10 Jan to before 12 Jan and the latest one before
    # 10 Jan; not 5201's older ones, not 5202, not the re-decided dates (5201's history read)
    ([("5201", 10), ("5201", 12)], [("520101", 5), ("520101", 11), ("520102", 2)]),
    # after every report (a day's new files): the latest reports alone, no history read
    ([("5201", 14), ("5202", 10)], [("520101", 13), ("520102", 2), ("520201", 9)]),
    # both in one batch
    (
        [("5201", 10), ("5201", 12), ("5202", 10)],
        [("520101", 5), ("520101", 11), ("520102", 2), ("520201", 9)],
    ),
    # before every kecamatan's first report (an office sending the days before it began): none
    ([("5201", 1)], []),
    ([("5201", 1), ("5201", 2)], []),  # 520102's first report is the batch's last date, re-decided
    # one kecamatan's first report lies inside the batch's dates: 5201's history read
    ([("5201", 1), ("5201", 4)], [("520101", 3), ("520102", 2)]),
    ([("5201", 1), ("5202", 10)], [("520201", 9)]),
]


def test_loaded_reports_reads_only_what_the_history_check_needs(tmp_path):
    with _with_history(tmp_path / "w.duckdb") as con:
        for groups, expected in LOADED_REPORTS_CASES:
            assert _found(con, groups) == expected, groups


def test_a_batch_before_each_kecamatan_s_first_report_reads_no_history(tmp_path):
    # with the history gone, the check of days before every first report still answers (from
    # laporan_kecamatan_terakhir and _pertama alone), as does a day's new file; a backfill among
    # the loaded days cannot
    with _with_history(tmp_path / "w.duckdb") as con:
        con.execute("alter table riwayat_kecamatan rename to riwayat_disembunyikan")
        assert _found(con, [("5201", 1), ("5201", 2), ("5202", 10)]) == [("520201", 9)]
        with pytest.raises(duckdb.CatalogException, match="riwayat_kecamatan"):
            _found(con, [("5201", 1), ("5201", 4)])


def test_a_catalog_published_before_the_first_reports_were_kept_has_its_history_read(tmp_path):
    # a catalog an earlier release published (no laporan_kecamatan_pertama until the next run):
    # the history check reads the history where the first reports would have spared it, and finds
    # the same reports
    path = tmp_path / "w.duckdb"
    with _with_history(path) as con:
        partitions.mark(con, ["unggahan", "riwayat_kecamatan"], ["2018-01"])
    with store.writing(path) as session:
        session.publish()
    as_another_process(path, f"drop table {terakhir.PERTAMA}")
    with read.connect(path) as con:
        assert terakhir.PERTAMA not in db.relations(con)
        for groups, expected in LOADED_REPORTS_CASES:
            assert _found(con, groups) == expected, groups
    # A copy of the catalog without the history (this process keeps the published one attached).
    without = shutil.copy(path, tmp_path / "tanpa-riwayat.duckdb")
    as_another_process(without, "drop view riwayat_kecamatan")
    with read.connect(without) as con, pytest.raises(duckdb.CatalogException, match="riwayat_kecamatan"):
        _found(con, [("5201", 1)])  # read: its first reports are unknown


def _loaded_report(con: duckdb.DuckDBPyConnection, kec: str, d: int, status: str = "loaded") -> None:
    f = f"{kec[:4]}/{kec}-{d}.csv"
    con.execute(
        "insert into unggahan by name select ? as file, 'x' as sha256, ? as kode_kabupaten,"
        " make_date(2018, 1, ?) as tanggal, ? as status, now() as diproses_pada, 'r' as run_id, 1 as ukuran,"
        " now() as diubah_pada, 1 as diubah_pada_ns",
        [f, kec[:4], d, status],
    )
    con.execute(
        "insert into riwayat_kecamatan by name select ? as file, 'x' as sha256,"
        " make_date(2018, 1, ?) as tanggal, ? as kode_kabupaten, ? as kode_kecamatan, 100 as wajib_ktp,"
        " ? as sudah_rekam, 2 as baris,"
        " now() as diproses_pada, 'r' as run_id",
        [f, d, kec[:4], kec, d],
    )


def test_the_migration_builds_each_kecamatan_s_latest_report_on_an_older_warehouse(tmp_path):
    # a warehouse written before migration 10, with history: its first run finds the table built,
    # each kecamatan's latest report from a loaded file (a later superseded one does not count)
    path = tmp_path / "w.duckdb"
    with older_warehouse(path, upto=9) as con:
        for kec, d, status in [
            ("520101", 3, "loaded"),
            ("520101", 5, "loaded"),
            ("520101", 6, "superseded"),
            ("520102", 2, "loaded"),
            ("520201", 9, "loaded"),
        ]:
            _loaded_report(con, kec, d, status)
    with store.writing(path) as session:
        got = session.con.execute(
            f"select kode_kecamatan, day(tanggal) from {terakhir.TABLE} order by 1"
        ).fetchall()
        session.publish()
    assert got == [("520101", 5), ("520102", 2), ("520201", 9)]
    with duckdb.connect(str(path), read_only=True) as con:  # published with the catalog
        assert con.execute(f"select count(*) from {terakhir.TABLE}").fetchone() == (3,)


def test_a_working_file_read_back_from_a_catalog_without_the_table_has_it_rebuilt(tmp_path):
    # a catalog published before migration 10 and a lost working file: read back from the catalog,
    # the table (made by the migrations over empty tables) is rebuilt from the history
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        con = session.con
        con.execute("begin")
        for kec, d in [("520101", 3), ("520101", 5), ("520102", 2)]:
            _loaded_report(con, kec, d)
        partitions.mark(con, ["unggahan", "riwayat_kecamatan"], ["2018-01"])
        con.execute("commit")
        session.publish()
    as_another_process(path, f"drop table {terakhir.TABLE}")
    (publish.folder_of(path) / "kerja.duckdb").unlink()
    with store.writing(path) as session:
        got = session.con.execute(
            f"select kode_kecamatan, day(tanggal) from {terakhir.TABLE} order by 1"
        ).fetchall()
    assert got == [("520101", 5), ("520102", 2)]


@pytest.mark.slow
def test_writer_memory_is_bounded_and_spills_beside_the_warehouse(tmp_path):
    # DuckDB would otherwise keep up to 80 % of RAM; what it spills stays in the warehouse folder
    # and is gone when the session ends
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        limit, spill = session.con.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
        assert limit == "91.5 MiB"  # a new warehouse: store.WRITER_FLOOR_MB, 96 MB
        assert spill == str(tmp_path / "w.duckdb.bagian" / "spill")
        # a sort of ~1 GB, far more than either limit, completes: at the floor DuckDB may run out
        # (a sort's blocks are pinned), then at the ceiling it spills beside the warehouse
        big = "select range as i, repeat('x', 200) || range as s from range(4000000) order by random()"
        counted = session.roomy(
            lambda: session.con.execute(f"select count(*), count(distinct s) from ({big})").fetchone()
        )
        assert counted == (4_000_000, 4_000_000)
        session.publish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.bagian", "w.duckdb.lock"]
    assert not (tmp_path / "w.duckdb.bagian" / "spill").exists()


@pytest.mark.slow
def test_a_working_file_with_many_free_blocks_is_rewritten_compact(tmp_path):
    # rows deleted leave free blocks DuckDB keeps in the file: once they are a tenth of it and more
    # than a night's own churn (compaction.COMPACT_MIN_FREE_BYTES), the session rewrites the file without
    # them, and keeps every row
    path = tmp_path / "w.duckdb"
    work = tmp_path / "w.duckdb.bagian" / "kerja.duckdb"
    with store.writing(path) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        session.con.execute(
            "create table sementara as select range as i, repeat('x', 100) || range as s from range(4000000)"
        )
        session.con.execute("checkpoint")
        # written after it: the blocks freed below are not at the file's end, which DuckDB would cut
        # off itself
        session.con.execute("create table penahan as select 1 as i")
    grown, inode = work.stat().st_size, work.stat().st_ino
    with store.writing(path) as session:
        session.con.execute("drop table sementara")
    assert grown > 2 * compaction.COMPACT_MIN_FREE_BYTES
    assert work.stat().st_ino != inode  # a new file renamed in
    assert work.stat().st_size < grown / 3
    assert not work.with_name("kerja.duckdb.baru").exists()
    with store.writing(path) as session:
        assert session.con.execute("select file, status from unggahan").fetchall() == [
            ("5201/a.csv", "loaded")
        ]
        assert session.con.execute("select count(*) from schema_migrations").fetchone() == (
            len(versions.migrations()),
        )


def test_reconnecting_while_a_connection_is_open_shows_the_old_publication_as_the_readme_says(tmp_path):
    # DuckDB hands `connect(path)` the instance a connection in the same process still holds: an
    # analyst who reconnects without closing keeps the old publication. The README tells them.
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        session.publish()
    held = duckdb.connect(str(path), read_only=True)
    with store.writing(path) as session:
        _decide(session.con, "5201/a.csv", "rejected")
        session.publish()
    again = duckdb.connect(str(path), read_only=True)
    assert again.execute("select status from unggahan").fetchall() == [("loaded",)]
    again.close()
    held.close()
    with duckdb.connect(str(path), read_only=True) as fresh:
        assert fresh.execute("select status from unggahan").fetchall() == [("rejected",)]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    analysts = readme[readme.index("## The warehouse (for analysts)") :]
    assert "**Close every connection first**" in " ".join(analysts.split())


def test_the_writer_s_memory_follows_its_working_file_between_floor_and_ceiling(tmp_path):
    # what a night needs grows with the warehouse it reads: the limit is the working file's size,
    # never below the floor nor above the ceiling; a whole warehouse read in takes the ceiling
    work = tmp_path / "kerja.duckdb"
    assert store.writer_limit_mb(work, whole=False) == store.WRITER_FLOOR_MB  # no file yet
    for size_mb, expected in ((10, store.WRITER_FLOOR_MB), (150, 150), (400, store.WRITER_LIMIT_MB)):
        with open(work, "wb") as handle:
            handle.truncate(size_mb * 10**6)  # sparse: only the size is read
        assert store.writer_limit_mb(work, whole=False) == expected
    assert store.writer_limit_mb(tmp_path / "nothing.duckdb", whole=True) == store.WRITER_LIMIT_MB


# A list of 5 million integers is one allocation of ~40 MB: more than 16 MB can hold, and unlike a
# sort or a join it cannot spill.
BIG = "insert into t select len(list(range)) from range(5000000)"


def _starved(session: store.WriteSession, mb: int) -> None:
    session.con.execute(f"set memory_limit = '{mb}MB'")
    session.limit_mb = mb


def test_work_that_runs_out_of_memory_is_rolled_back_and_done_again_at_the_ceiling(tmp_path, caplog):
    attempts = []

    def work(con):
        attempts.append(1)
        con.execute("insert into t values (1)")  # rolled back with the failed attempt
        con.execute(BIG)

    with store.writing(tmp_path / "w.duckdb") as session:
        session.con.execute("create table t (i bigint)")
        _starved(session, 16)
        with caplog.at_level("INFO", logger="warehouse.store"):
            session.transaction(work)
        assert len(attempts) == 2
        assert session.con.execute("select i from t order by i").fetchall() == [(1,), (5_000_000,)]
        assert session.limit_mb == store.WRITER_LIMIT_MB
        assert session.con.execute("select current_setting('memory_limit')").fetchone() == ("244.1 MiB",)
    assert "Memori DuckDB 16 MB tidak cukup" in caplog.text
    assert f"diulang dengan {store.WRITER_LIMIT_MB} MB" in caplog.text


def test_a_transaction_that_fails_otherwise_is_rolled_back_and_not_done_again(tmp_path):
    attempts = []

    def work(con):
        attempts.append(1)
        con.execute("insert into t values (1)")
        con.execute("insert into t values ('bukan angka')")

    with store.writing(tmp_path / "w.duckdb") as session:
        session.con.execute("create table t (i bigint)")
        with pytest.raises(duckdb.ConversionException):
            session.transaction(work)
        assert session.con.execute("select count(*) from t").fetchall() == [(0,)]
    assert len(attempts) == 1


def test_work_that_runs_out_at_the_ceiling_fails_once_with_duckdb_s_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "WRITER_LIMIT_MB", 16)  # a ceiling the work cannot fit in
    attempts = []

    def work():
        attempts.append(1)
        session.con.execute(BIG)

    with pytest.raises(WarehouseError, match="Out of Memory"):
        with store.writing(tmp_path / "w.duckdb") as session:
            session.con.execute("create table t (i bigint)")
            _starved(session, 16)
            session.roomy(work)
    assert len(attempts) == 1


def test_the_migration_journals_a_re_stat_an_earlier_release_left_for_its_next_decision(tmp_path):
    # An earlier release journaled a night's re-stat (`muat.refresh`) only at its next decision,
    # comparing every row; this release compares only what a run changes, so the migration
    # journals such a row once, at the migrating run's moment, and the catalog publishes it.
    path = tmp_path / "w.duckdb"
    with older_warehouse(path, upto=10) as con:
        _loaded_report(con, "520101", 3)
        _loaded_report(con, "520102", 4)
        con.execute(
            "insert into riwayat_unggahan by name select *, diproses_pada as berlaku_sejak,"
            " run_id as dicatat_oleh, true as ada from unggahan"
        )
        con.execute("update unggahan set ukuran = 2, diubah_pada_ns = 2 where file like '%520101-%'")
    at = datetime.now(UTC)  # the migrating run's moment, after the older release's decisions
    with store.writing(path, at=at) as session:
        caught_up = session.con.execute(
            "select file, ukuran, berlaku_sejak from riwayat_unggahan"
            " where dicatat_oleh = '011_jurnal_susulan'"
        ).fetchall()
        session.publish()
    assert caught_up == [("5201/520101-3.csv", 2, at)]
    with duckdb.connect(str(path), read_only=True) as con:  # published with the catalog
        assert con.execute("select count(*) from riwayat_unggahan where ukuran = 2").fetchone() == (1,)


def test_a_writer_whose_clock_is_behind_the_journal_is_refused_before_it_changes_anything(tmp_path):
    # A server booted with a wrong clock, or a clock set back: its decisions would come before the
    # ones already made (the journal's versions are in force in the order of their moments), and
    # every file dated after its "today" would be rejected as from the future.
    path = tmp_path / "w.duckdb"
    last = datetime(2026, 12, 7, 18, tzinfo=UTC)  # 8 December, 02.00 WITA
    with store.writing(path, at=last) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        journal.record(session.con, "r", last, db.versions([("5201/a.csv", "x")]))
        session.publish()
    before = path.read_bytes()
    with pytest.raises(ClockBehind) as refused:
        with store.writing(path, at=last - timedelta(hours=11)):
            pytest.fail("the writer opened the warehouse")
    assert str(refused.value) == (
        "jam mesin ini (7 Desember 2026 15.00.00 WITA) lebih awal dari keputusan terakhir gudang data "
        "(8 Desember 2026 02.00.00 WITA): periksa jam sistem (timedatectl); tidak ada yang diubah "
        f"(path={path})"
    )
    assert path.read_bytes() == before
    # the same moment, and any later one, write as before
    with store.writing(path, at=last) as session:
        assert journal.end(session.con) == last


def test_a_clock_behind_the_journal_read_back_from_the_catalog_is_refused_and_leaves_no_working_file(
    tmp_path,
):
    # the working file lost: the journal comes back with the catalog, after the migrations
    path = tmp_path / "w.duckdb"
    last = datetime(2026, 12, 7, 18, tzinfo=UTC)
    with store.writing(path, at=last) as session:
        _decide(session.con, "5201/a.csv", "loaded")
        journal.record(session.con, "r", last, db.versions([("5201/a.csv", "x")]))
        session.publish()
    work = publish.folder_of(path) / "kerja.duckdb"
    work.unlink()
    before = path.read_bytes()
    with pytest.raises(ClockBehind):
        with store.writing(path, at=last - timedelta(hours=11)):
            pytest.fail("the writer opened the warehouse")
    assert path.read_bytes() == before
    assert not work.exists()  # half made: not taken for the warehouse by the next run
    with store.writing(path, at=last) as session:  # read back again, with the clock right
        assert journal.end(session.con) == last


def test_a_clock_behind_the_journal_is_refused_before_a_migration_stamps_its_moment(tmp_path):
    # an older release's warehouse, its journal written now: a writer an hour behind would journal
    # migration 011's rows at its own moment, before the older release's decisions
    path = tmp_path / "w.duckdb"
    with older_warehouse(path, upto=10) as con:
        _loaded_report(con, "520101", 3)
        con.execute(
            "insert into riwayat_unggahan by name select *, diproses_pada as berlaku_sejak,"
            " run_id as dicatat_oleh, true as ada from unggahan"
        )
    before = path.read_bytes()
    with pytest.raises(ClockBehind):
        with store.writing(path, at=datetime.now(UTC) - timedelta(hours=1)):
            pytest.fail("the writer opened the warehouse")
    assert path.read_bytes() == before
    # the working file the writer copied it to holds no migration after the older release's
    with duckdb.connect(str(publish.folder_of(path) / "kerja.duckdb"), read_only=True) as con:
        assert con.execute("select max(versi) from schema_migrations").fetchone() == (10,)

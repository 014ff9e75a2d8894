"""portal/db.py: the portal's process keeps each thread's connection; every other process opens
one per piece of work."""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading

import pytest

from portal import db, store

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


@pytest.fixture
def kept(tmp_path):
    path = db.create(tmp_path / "portal.sqlite")
    db.keep(path)
    return path


def _connection(path) -> sqlite3.Connection:
    with db.connect(path) as con:
        return con


def _ready(con: sqlite3.Connection) -> bool:
    try:
        con.execute("select 1")
    except sqlite3.ProgrammingError:  # closed
        return False
    return True


def test_a_thread_keeps_its_connection_and_threads_never_share_one(kept):
    first = _connection(kept)
    assert _connection(kept) is first and _ready(first)
    other: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: other.append(_connection(kept)))
    thread.start()
    thread.join()
    assert other[0] is not first


def test_a_file_not_kept_gets_a_new_connection_each_time_closed_after(tmp_path):
    path = db.create(tmp_path / "lain.sqlite")
    first = _connection(path)
    assert not _ready(first)
    assert _connection(path) is not first


def test_a_failed_piece_of_work_closes_its_connection(kept):
    first = _connection(kept)
    with pytest.raises(sqlite3.OperationalError), db.connect(kept) as con:
        con.execute("select * from tidak_ada")
    assert not _ready(first)
    assert _ready(_connection(kept))


def test_a_transaction_left_open_is_rolled_back_and_its_connection_closed(kept):
    with db.connect(kept) as con:
        con.execute("begin immediate")
        con.execute("insert into log_admin (pada, oleh, tindakan) values ('t', 'uji', 'tertinggal')")
    assert not _ready(con)
    with db.connect(kept) as fresh:
        assert fresh is not con
        assert fresh.execute("select count(*) from log_admin").fetchone()[0] == 0
        # and the write lock is free again
        with db.transaction(fresh):
            fresh.execute("insert into log_admin (pada, oleh, tindakan) values ('t', 'uji', 'ada')")


def test_a_file_replaced_at_the_same_path_is_read_anew(kept, tmp_path):
    with db.connect(kept) as con:
        con.execute("insert into log_admin (pada, oleh, tindakan) values ('t', 'uji', 'lama')")
    before = _connection(kept)
    other = db.create(tmp_path / "pengganti.sqlite")
    with db.connect(other) as con:
        con.execute("insert into log_admin (pada, oleh, tindakan) values ('t', 'uji', 'baru')")
    for suffix in ("-wal", "-shm"):
        kept.with_name(kept.name + suffix).unlink(missing_ok=True)
    shutil.move(other, kept)  # a rename: the path names another file
    with db.connect(kept) as con:
        assert con is not before
        assert [r[0] for r in con.execute("select tindakan from log_admin")] == ["baru"]


def test_a_thread_keeps_a_bounded_number_of_connections(tmp_path):
    paths = [db.create(tmp_path / f"p{i}.sqlite") for i in range(db.KEPT_PER_THREAD + 2)]
    for path in paths:
        db.keep(path)
    opened = [_connection(path) for path in paths]
    assert [_ready(c) for c in opened] == [False] * 2 + [True] * db.KEPT_PER_THREAD


def _taken_elsewhere(turn) -> bool:
    """Whether another thread holds `turn` now."""
    got: list[bool] = []

    def look() -> None:
        got.append(turn.acquire(blocking=False))
        if got[0]:
            turn.release()  # taken only to look

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return not got[0]


def test_the_portal_process_s_transactions_take_turns_before_sqlite_s_lock(kept, tmp_path):
    # SQLite's own wait for a busy file sleeps 1, 2, 5 ... 100 ms between tries; the portal's
    # threads wait for each other's turn instead, woken as soon as it ends
    with db.connect(kept) as con:
        assert con.turn is not None and not _taken_elsewhere(con.turn)
        with db.transaction(con):
            assert _taken_elsewhere(con.turn)
        assert not _taken_elsewhere(con.turn)
        with pytest.raises(sqlite3.OperationalError), db.transaction(con):
            con.execute("insert into tidak_ada values (1)")
    assert not _taken_elsewhere(con.turn)  # released by a failed transaction too
    with db.connect(db.create(tmp_path / "lain.sqlite")) as other:
        assert other.turn is None  # elsewhere SQLite alone decides who writes


def test_many_threads_writing_at_once_all_commit(kept):
    def write(i: int) -> None:
        for j in range(20):
            with db.connect(kept) as con, db.transaction(con):
                con.execute(
                    "insert into log_admin (pada, oleh, tindakan) values ('t', ?, ?)", [str(i), str(j)]
                )

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with db.connect(kept) as con:
        assert con.execute("select count(*) from log_admin").fetchone()[0] == 160


def _insert(oleh: str, fail: bool = False):
    """A piece of work for db.together: one log row; the thread that ran it."""

    def work(con: sqlite3.Connection) -> int:
        con.execute("insert into log_admin (pada, oleh, tindakan) values ('t', ?, 'x')", [oleh])
        if fail:
            raise ValueError(oleh)
        return threading.get_ident()

    return work


def _together_while_the_turn_is_held(path, works) -> list:
    """Each work handed to db.together from its own thread while this thread holds the file's
    turn, so all of them wait for one commit; each thread's value or exception."""
    turn = db._KEEP[str(path)]
    results: list = [None] * len(works)

    def hand_in(i: int) -> None:
        try:
            results[i] = db.together(path, works[i])
        except Exception as exc:
            results[i] = exc

    with turn:
        threads = [threading.Thread(target=hand_in, args=(i,)) for i in range(len(works))]
        for t in threads:
            t.start()
        while len(db._GROUPS.get(str(path), [])) < len(works):
            threading.Event().wait(0.005)
    for t in threads:
        t.join()
    return results


def _logged(path) -> list[str]:
    with db.connect(path) as con:
        return sorted(r[0] for r in con.execute("select oleh from log_admin"))


def test_work_handed_in_at_the_same_moment_is_committed_together(kept):
    results = _together_while_the_turn_is_held(kept, [_insert(str(i)) for i in range(6)])
    assert len(set(results)) == 1  # one thread ran them all, in its one transaction
    assert _logged(kept) == [str(i) for i in range(6)]
    assert db._GROUPS[str(kept)] == []


def test_a_work_that_fails_is_undone_alone_and_raises_in_its_own_thread(kept):
    works = [_insert("a"), _insert("b", fail=True), _insert("c")]
    results = _together_while_the_turn_is_held(kept, works)
    assert isinstance(results[1], ValueError) and str(results[1]) == "b"
    assert results[0] == results[2]
    assert _logged(kept) == ["a", "c"]


def test_a_commit_that_fails_fails_every_work_in_it(kept):
    with db.connect(kept) as con:
        con.execute("create table induk (id integer primary key)")
        con.execute("create table anak (induk integer references induk (id) deferrable initially deferred)")

    def orphan(con: sqlite3.Connection) -> None:
        con.execute("insert into anak values (7)")  # no such parent: refused only at the commit

    results = _together_while_the_turn_is_held(kept, [_insert("a"), orphan, _insert("c")])
    assert all(isinstance(r, sqlite3.IntegrityError) for r in results), results
    assert _logged(kept) == []
    with db.connect(kept) as con:
        assert con.execute("select count(*) from anak").fetchone()[0] == 0


def test_together_outside_the_portal_process_is_a_transaction_of_its_own(tmp_path):
    path = db.create(tmp_path / "lain.sqlite")
    assert db.together(path, _insert("a")) == threading.get_ident()
    with pytest.raises(ValueError):
        db.together(path, _insert("b", fail=True))
    assert _logged(path) == ["a"]


# Queries that read the upload or admin log newest first, up to a limit: bounded however long the
# portal has run. Every other query searches by an index.
NEWEST_FIRST = {"log_admin_terbaru", "unggahan_terbaru"}


def test_no_portal_query_reads_a_whole_table_that_grows_with_its_history(tmp_path):
    # The province's grid scanned every upload for its range of dates, the lock page every
    # upload for its last week: pages that slowed as the portal's history grew.
    path = db.create(tmp_path / "portal.sqlite")
    with db.connect(path) as con:
        for query in sorted(store.SQL.glob("*.sql")):
            text = query.read_text(encoding="utf-8")
            params = {name: "x" for name in re.findall(r":(\w+)", text)}
            plan = [row[3] for row in con.execute("explain query plan " + text, params)]
            scans = [step for step in plan if step.startswith("SCAN")]
            if query.stem in NEWEST_FIRST:
                assert re.search(r"order by id desc limit :\w+\s*$", text), query.name
            else:
                assert scans == [], (query.name, plan)


def test_an_older_portal_database_gets_its_columns_and_their_indexes(tmp_path):
    path = tmp_path / "portal.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(db.SCHEMA)  # what the first portals made: none of db.ADDED's columns
    db.create(path)
    with sqlite3.connect(path) as con:
        columns = {r[1] for r in con.execute("pragma table_info(unggahan)")}
        indexes = {r[1] for r in con.execute("pragma index_list(unggahan)")}
    assert {"tanggal", "perbandingan", "tunda"} <= columns
    assert {"unggahan_tanggal", "unggahan_diunggah"} <= indexes

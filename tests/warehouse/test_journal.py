"""The journal compares only the file versions a transaction names (warehouse/journal.py): every
change of `unggahan` is journaled by the transaction that makes it, so a night costs its own files,
not the history's. What a transaction names is journaled exactly: a new row, a changed column, a
row that left the ledger; what it does not name is left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from warehouse import journal, store

T0 = datetime(2018, 4, 2, 1, tzinfo=UTC)
A, B = ("5272/a.csv", "sha a"), ("5272/b.csv", "sha b")


def ledger_row(con, key: tuple[str, str]) -> None:
    con.execute(
        "insert into unggahan by name select ? as file, ? as sha256, '5272' as kode_kabupaten,"
        " ? as tanggal, 'loaded' as status, ? as diproses_pada, 'r0' as run_id, 1 as ukuran,"
        " ? as diubah_pada, 1 as diubah_pada_ns",
        [*key, date(2018, 4, 1), T0, T0],
    )


def versions(con) -> list[tuple]:
    return con.execute(
        "select file, ukuran, ada, dicatat_oleh from riwayat_unggahan order by berlaku_sejak, file"
    ).fetchall()


@pytest.fixture
def con(tmp_path):
    with store.writing(tmp_path / "w.duckdb") as session:
        session.con.execute("begin")
        yield session.con
        session.con.execute("rollback")


def test_a_named_version_is_journaled_once_and_again_when_it_changes(con):
    ledger_row(con, A)
    journal.record(con, "r1", T0, journal.keys([A]))
    journal.record(con, "r2", T0 + timedelta(hours=1), journal.keys([A]))  # unchanged: nothing again
    con.execute("update unggahan set ukuran = 2 where file = ?", [A[0]])
    journal.record(con, "r3", T0 + timedelta(hours=2), journal.keys([A]))
    assert versions(con) == [(A[0], 1, True, "r1"), (A[0], 2, True, "r3")]


def test_a_version_the_transaction_does_not_name_is_not_compared(con):
    ledger_row(con, A)
    ledger_row(con, B)
    journal.record(con, "r1", T0, journal.keys([A, B]))
    con.execute("update unggahan set ukuran = 2")
    journal.record(con, "r2", T0 + timedelta(hours=1), journal.keys([A]))
    assert versions(con)[2:] == [(A[0], 2, True, "r2")]
    # named later (its own transaction would have), it is journaled then
    journal.record(con, "r3", T0 + timedelta(hours=2), journal.keys([B]))
    assert versions(con)[3:] == [(B[0], 2, True, "r3")]


def test_a_named_version_that_left_the_ledger_is_journaled_as_gone(con):
    ledger_row(con, A)
    ledger_row(con, B)
    journal.record(con, "r1", T0, journal.keys([A, B]))
    con.execute("delete from unggahan")
    journal.record(con, "r2", T0 + timedelta(hours=1), journal.keys([A]))  # B left unnamed
    assert versions(con)[2:] == [(A[0], 1, False, "r2")]


def test_keys_of_frames_and_lists_together():
    frame = journal.keys([A]).with_columns(tanggal=None)
    assert journal.keys(frame, [B], []).rows() == [A, B]
    assert journal.keys().rows() == []

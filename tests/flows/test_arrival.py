"""Arrival time (CONTRACT §2): recorded once, the first time a file is seen, never moved; files are
ordered by it, so a wrong clock can never make a file outrank one that truly arrived later."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.flows.test_failures import ektp
from tests.uploads import KOTA_BIMA, day_file, one
from warehouse import publish

D = date(2018, 4, 2)
A_YEAR = timedelta(days=365)


def nightly(landing, warehouse, day: date = D, *more: str) -> tuple[int, str, str]:
    return ektp(
        "nightly", "--date", day.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse), *more
    )


def statuses(warehouse) -> dict[str, str]:
    return dict(one(warehouse, "select file, status from unggahan"))


def arrival(warehouse, file: str) -> datetime:
    ((at,),) = one(warehouse, "select tiba_pada from unggahan where file = ?", [file])
    return at


@pytest.fixture
def landing(tmp_path, prefect_server):
    return tmp_path / "landing"


def test_a_future_modification_time_does_not_win_over_a_later_correction(landing, tmp_path):
    # a district PC with its clock a year ahead sends the first file; the true correction comes later
    warehouse = tmp_path / "gudang.duckdb"
    ahead = datetime.now(UTC) + A_YEAR
    day_file(landing, "5272", KOTA_BIMA, D, base=5_000, step=10, name="salah_jam.csv", when=ahead)
    before = datetime.now(UTC)
    assert nightly(landing, warehouse)[0] == 0
    assert statuses(warehouse) == {"5272/salah_jam.csv": "loaded"}
    # its arrival is when the run first saw it, not the clock's future
    assert before - timedelta(seconds=1) <= arrival(warehouse, "5272/salah_jam.csv") <= datetime.now(UTC)
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=6_000,
        step=10,
        name="koreksi.csv",
        when=datetime.now(UTC),
    )
    assert nightly(landing, warehouse)[0] == 0
    assert statuses(warehouse) == {"5272/salah_jam.csv": "superseded", "5272/koreksi.csv": "loaded"}
    assert one(warehouse, "select min(sudah_rekam) from progres_kecamatan where tanggal = ?", [D]) == [
        (6_000 + 10,)
    ]


def test_a_backfill_keeps_the_recorded_arrival(landing, tmp_path):
    # re-deciding the date later changes nothing: the wrong-clock file keeps the arrival it was
    # first seen with
    warehouse = tmp_path / "gudang.duckdb"
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=5_000,
        step=10,
        name="salah_jam.csv",
        when=datetime.now(UTC) + A_YEAR,
    )
    assert nightly(landing, warehouse)[0] == 0
    first = arrival(warehouse, "5272/salah_jam.csv")
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=6_000,
        step=10,
        name="koreksi.csv",
        when=datetime.now(UTC),
    )
    assert nightly(landing, warehouse)[0] == 0
    code, _, err = ektp(
        "backfill",
        "--from",
        D.isoformat(),
        "--to",
        D.isoformat(),
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    )
    assert code == 0, err
    assert statuses(warehouse) == {"5272/salah_jam.csv": "superseded", "5272/koreksi.csv": "loaded"}
    assert arrival(warehouse, "5272/salah_jam.csv") == first


def test_the_arrival_of_a_file_that_waits_is_kept_for_the_run_that_takes_it(landing, tmp_path):
    # a file dated after D waits; its arrival is the moment the waiting run saw it, even with a clock ahead
    warehouse = tmp_path / "gudang.duckdb"
    later = D + timedelta(days=1)
    day_file(landing, "5272", KOTA_BIMA, D, base=5_000, step=10)
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        later,
        base=5_000,
        step=10,
        name="salah_jam.csv",
        when=datetime.now(UTC) + A_YEAR,
    )
    seen = datetime.now(UTC)
    code, _, err = nightly(landing, warehouse, D)
    assert code == 0, err
    assert "5272/salah_jam.csv" not in statuses(warehouse)  # it waits for the run of its date
    time.sleep(0.01)  # the correction's arrival is strictly later than the first run's moment
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        later,
        base=6_000,
        step=10,
        name="koreksi.csv",
        when=datetime.now(UTC),
    )
    assert nightly(landing, warehouse, later)[0] == 0
    got = statuses(warehouse)
    assert got["5272/salah_jam.csv"] == "superseded" and got["5272/koreksi.csv"] == "loaded"
    assert (
        seen - timedelta(seconds=1)
        <= arrival(warehouse, "5272/salah_jam.csv")
        <= arrival(warehouse, "5272/koreksi.csv")
    )
    # decided: its arrival is in unggahan now, no longer kept apart in the writer's working file
    assert one(publish.folder_of(warehouse) / "kerja.duckdb", "select count(*) from kedatangan") == [(0,)]


def test_an_arrival_never_moves_when_the_file_is_touched(landing, tmp_path):
    # a touched file (new mtime, same bytes) is read again but keeps its first arrival and status
    warehouse = tmp_path / "gudang.duckdb"
    a = day_file(landing, "5272", KOTA_BIMA, D, base=5_000, step=10, name="a.csv")
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=6_000,
        step=10,
        name="b.csv",
        when=datetime.fromtimestamp(a.stat().st_mtime, UTC) + timedelta(hours=1),
    )
    assert nightly(landing, warehouse)[0] == 0
    assert statuses(warehouse) == {"5272/a.csv": "superseded", "5272/b.csv": "loaded"}
    first = arrival(warehouse, "5272/a.csv")
    os.utime(a)  # now: later than b's modification time
    assert nightly(landing, warehouse)[0] == 0
    assert arrival(warehouse, "5272/a.csv") == first
    assert statuses(warehouse) == {"5272/a.csv": "superseded", "5272/b.csv": "loaded"}
    code, _, err = ektp(
        "backfill",
        "--from",
        D.isoformat(),
        "--to",
        D.isoformat(),
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    )
    assert code == 0, err
    assert statuses(warehouse) == {"5272/a.csv": "superseded", "5272/b.csv": "loaded"}


def test_receipts_say_which_file_is_current_and_why(landing, tmp_path):
    # the superseded file's receipt names the file that replaced it and when that one arrived
    import json

    warehouse = tmp_path / "gudang.duckdb"
    a = day_file(landing, "5272", KOTA_BIMA, D, base=5_000, step=10, name="a.csv")
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=6_000,
        step=10,
        name="b.csv",
        when=datetime.fromtimestamp(a.stat().st_mtime, UTC) + timedelta(hours=1),
    )
    assert nightly(landing, warehouse)[0] == 0
    (path,) = (tmp_path / "tanda_terima" / "5272").glob("*.json")
    files = {r["berkas"]: r for r in json.loads(path.read_text())["berkas"]}
    assert files["5272/a.csv"]["berkas_berlaku"] == "5272/b.csv"
    assert "digantikan oleh 5272/b.csv, yang tiba lebih akhir" in files["5272/a.csv"]["mengapa"]
    assert files["5272/b.csv"]["berkas_berlaku"] == "5272/b.csv"
    assert files["5272/a.csv"]["tiba_pada"] < files["5272/b.csv"]["tiba_pada"]
    letter = path.with_suffix(".txt").read_text()
    assert "Keterangan: digantikan oleh 5272/b.csv" in letter and "Tiba: " in letter

"""A file that vanished after the scan is not there this run, and the rest load; one that cannot
be read (locked) would be named and left for the next run."""

from __future__ import annotations

from datetime import date

from prefect import flow

from contract.regions import load
from flows import tasks
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, discovered

D1 = date(2018, 4, 1)


def test_a_vanished_file_is_left_out_and_the_others_are_read(tmp_path, prefect_server, monkeypatch):
    # The production retry policy, without its 1 + 5 + 15 s of waiting.
    monkeypatch.setattr(tasks, "read_batch", tasks.read_batch.with_options(retry_delay_seconds=0))
    land = tmp_path / "landing"
    day_file(land, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    gone = day_file(land, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    files = discovered(land, load("52").kabupaten_codes)
    gone.unlink()  # the district removed it between discovery and reading

    @flow(name="uji-tidak-terbaca")
    def reading():
        unreadable: list[str] = []
        uploads = tasks.read_all(files, D1, 10, unreadable)
        return [u.source.file for u in uploads], unreadable

    read, unreadable = reading()
    assert read == ["5272/lap_2018-04-01.csv"]
    # gone is not unreadable: no retry, not named; its new name (if renamed) is the next run's
    assert unreadable == []

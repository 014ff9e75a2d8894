"""Run planning on small hand-made cases: which landing files a run reads, re-decides or leaves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from landing.inbox import LandingFile
from pipeline import runs
from pipeline.batch import Upload
from transforms.uploads import ParsedUpload
from contract.columns import FINDING_SCHEMA, ROW_SCHEMA

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


def lf(file: str, size: int = 10, mtime: int = 1) -> LandingFile:
    return LandingFile(file, file.split("/")[0], Path("/nowhere") / file, size, mtime)


def known(*rows: tuple) -> pl.DataFrame:
    """(file, sha256, tanggal, ukuran, diubah_pada_ns) per decided file."""
    return pl.DataFrame(
        [(f, s, f.split("/")[0], d, "loaded", size, mtime) for f, s, d, size, mtime in rows], orient="row",
        schema={"file": pl.String, "sha256": pl.String, "kode_kabupaten": pl.String, "tanggal": pl.Date,
                "status": pl.String, "ukuran": pl.Int64, "diubah_pada_ns": pl.Int64},
    )


def upload(file: str, tanggal: date | None, sha: str = "s") -> Upload:
    parsed = ParsedUpload(tanggal, pl.DataFrame(schema=ROW_SCHEMA), pl.DataFrame(schema=FINDING_SCHEMA))
    return Upload(lf(file), sha, parsed)


def test_unseen_files_are_those_whose_stat_changed():
    # same path, size and mtime as a decided file: not read again; another size or mtime: read
    k = known(("5201/a.csv", "s", D1, 10, 1))
    files = [lf("5201/a.csv"), lf("5201/a.csv", size=11), lf("5201/b.csv")]
    assert runs.unseen(files, k) == files[1:]


def test_a_touched_file_with_the_same_bytes_is_not_new():
    k = known(("5201/a.csv", "s", D1, 10, 1))
    assert runs.new_uploads([upload("5201/a.csv", D1, "s"), upload("5201/a.csv", D1, "t")], k)[0].sha256 == "t"


def test_files_dated_after_d_wait_unless_after_today():
    # D = 2 April, today = 3 April: a 3 April file waits; a 4 April file is taken (to be rejected)
    ups = [upload("5201/a.csv", D1), upload("5201/b.csv", D3), upload("5201/c.csv", date(2018, 4, 4)), upload("5201/d.csv", None)]
    take, waiting = runs.due(ups, D2, D3)
    assert [u.source.file for u in take] == ["5201/a.csv", "5201/c.csv", "5201/d.csv"]
    assert [u.source.file for u in waiting] == ["5201/b.csv"]


def test_peers_of_a_new_file_are_re_decided():
    # a new file for 5201 on 1 April brings back the decided files of 5201 on 1 April, no others
    k = known(("5201/a.csv", "s", D1, 10, 1), ("5201/b.csv", "s", D2, 10, 1), ("5202/c.csv", "s", D1, 10, 1))
    ready = [lf("5201/a.csv"), lf("5201/b.csv"), lf("5202/c.csv"), lf("5201/new.csv")]
    groups = runs.groups([upload("5201/new.csv", D1)])
    assert [f.file for f in runs.peers(ready, k, groups, exclude={"5201/new.csv"})] == ["5201/a.csv"]


def test_a_district_and_date_with_an_unreadable_file_is_held_whole():
    # 5201/a.csv (1 April) cannot be read now: every upload of 5201 on 1 April waits for a later run
    k = known(("5201/a.csv", "s", D1, 10, 1))
    held = runs.held([lf("5201/a.csv")], ["5201/a.csv"], k)
    assert held == {("5201", D1)}
    left = runs.without([upload("5201/new.csv", D1), upload("5201/x.csv", D2)], held)
    assert [u.source.file for u in left] == ["5201/x.csv"]


def test_a_backfill_takes_files_dated_in_its_range_and_new_ones():
    # decided files are chosen by their recorded date; files never decided are read to learn theirs
    k = known(("5201/a.csv", "s", D1, 10, 1), ("5201/b.csv", "s", D3, 10, 1), ("5202/c.csv", "s", D1, 10, 1))
    ready = [lf("5201/a.csv"), lf("5201/b.csv"), lf("5202/c.csv"), lf("5201/new.csv")]
    chosen = runs.in_range(ready, k, D1, D2, {"5201"})
    assert [f.file for f in chosen] == ["5201/a.csv", "5201/new.csv"]

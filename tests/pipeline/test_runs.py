"""Run planning on small hand-made cases: which landing files a run reads, re-decides or leaves."""

from __future__ import annotations

from datetime import date

import polars as pl

from contract.columns import FINDING_SCHEMA, ROW_SCHEMA
from landing import inbox
from landing.inbox import LandingFile
from pipeline import runs
from pipeline.batch import Upload
from transforms.uploads import ParsedUpload

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


def lf(file: str, size: int = 10, mtime: int = 1, ctime: int = 1, inode: int = 7) -> LandingFile:
    where = b"/nowhere/" + file.encode()
    return LandingFile(file, file.split("/")[0], where, size, mtime, None, ctime, inode)


def listed(*files: LandingFile) -> pl.DataFrame:
    """A landing listing (`inbox.listing`'s frame) of these entries."""
    return pl.DataFrame(
        [tuple(getattr(f, name) for name in inbox.LISTING) for f in files], schema=inbox.LISTING, orient="row"
    )


def known(*rows: tuple) -> pl.DataFrame:
    """(file, sha256, tanggal, ukuran, diubah_pada_ns) per decided file; ctime 1, inode 7."""
    return pl.DataFrame(
        [(f, s, f.split("/")[0], d, "loaded", size, mtime, 1, 7) for f, s, d, size, mtime in rows],
        orient="row",
        schema={
            "file": pl.String,
            "sha256": pl.String,
            "kode_kabupaten": pl.String,
            "tanggal": pl.Date,
            "status": pl.String,
            "ukuran": pl.Int64,
            "diubah_pada_ns": pl.Int64,
            "diubah_status_ns": pl.Int64,
            "inode": pl.Int64,
        },
    )


def upload(file: str, tanggal: date | None, sha: str = "s") -> Upload:
    parsed = ParsedUpload(tanggal, pl.DataFrame(schema=ROW_SCHEMA), pl.DataFrame(schema=FINDING_SCHEMA))
    return Upload(lf(file), sha, parsed)


def test_unseen_files_are_those_whose_stat_changed():
    # same path, size and mtime as a decided file: not read again; another size or mtime: read
    k = known(("5201/a.csv", "s", D1, 10, 1))
    files = [lf("5201/a.csv"), lf("5201/a.csv", size=11), lf("5201/b.csv")]
    assert runs.unseen(listed(*files), k) == files[1:]


def test_a_rewrite_that_keeps_size_and_mtime_is_still_read():
    # the uploader's tool restored the old mtime: the inode change time (or a new inode) gives it away
    k = known(("5201/a.csv", "s", D1, 10, 1))
    found = listed(lf("5201/a.csv", ctime=2), lf("5201/a.csv", inode=8), lf("5201/a.csv"))
    assert runs.unseen(found, k) == [
        lf("5201/a.csv", ctime=2),
        lf("5201/a.csv", inode=8),
    ]


def test_a_re_read_file_with_the_same_bytes_keeps_its_decision_and_new_stat():
    # touched, same bytes: not new, but its new stat is recorded so that it is not read again
    k = known(("5201/a.csv", "s", D1, 10, 1))
    touched = Upload(
        lf("5201/a.csv", ctime=9),
        "s",
        ParsedUpload(D1, pl.DataFrame(schema=ROW_SCHEMA), pl.DataFrame(schema=FINDING_SCHEMA)),
    )
    assert runs.new_uploads([touched], k) == []
    assert runs.restated([touched], k).rows() == [("5201/a.csv", "s", 10, 1, 9, 7)]


def test_still_uploading_is_a_recent_mtime_and_a_future_one_does_not_hold_for_ever(tmp_path):
    # min age 60 s: written 10 s ago waits; an hour ahead (a wrong clock) is taken; 2 min ahead waits
    import os

    from contract import regions
    from contract.settings import Settings

    now = 1_700_000_000 * 10**9
    for name, offset in (("baru", -10), ("depan", 3600), ("sedikit_depan", 120), ("lama", -3600)):
        path = tmp_path / "5201" / f"{name}.csv"
        path.parent.mkdir(exist_ok=True)
        path.write_text("x")
        os.utime(path, ns=(now + offset * 10**9, now + offset * 10**9))
    settings = Settings(landing=tmp_path, min_age_seconds=60)
    ready, waiting = runs.scan(settings, regions.load("52"), now_ns=now)
    assert waiting == ["5201/baru.csv", "5201/sedikit_depan.csv"]
    assert sorted(ready["file"]) == ["5201/depan.csv", "5201/lama.csv"]


def test_a_touched_file_with_the_same_bytes_is_not_new():
    k = known(("5201/a.csv", "s", D1, 10, 1))
    assert (
        runs.new_uploads([upload("5201/a.csv", D1, "s"), upload("5201/a.csv", D1, "t")], k)[0].sha256 == "t"
    )


def test_files_dated_after_d_wait_unless_after_today():
    # D = 2 April, today = 3 April: a 3 April file waits; a 4 April file is taken (to be rejected)
    ups = [
        upload("5201/a.csv", D1),
        upload("5201/b.csv", D3),
        upload("5201/c.csv", date(2018, 4, 4)),
        upload("5201/d.csv", None),
    ]
    take, waiting = runs.due(ups, D2, D3)
    assert [u.source.file for u in take] == ["5201/a.csv", "5201/c.csv", "5201/d.csv"]
    assert [u.source.file for u in waiting] == ["5201/b.csv"]


def test_peers_of_a_new_file_are_re_decided():
    # a new file for 5201 on 1 April brings back the decided files of 5201 on 1 April, no others
    k = known(("5201/a.csv", "s", D1, 10, 1), ("5201/b.csv", "s", D2, 10, 1), ("5202/c.csv", "s", D1, 10, 1))
    ready = listed(lf("5201/a.csv"), lf("5201/b.csv"), lf("5202/c.csv"), lf("5201/new.csv"))
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
    ready = listed(lf("5201/a.csv"), lf("5201/b.csv"), lf("5202/c.csv"), lf("5201/new.csv"))
    chosen = runs.in_range(ready, k, D1, D2, {"5201"})
    assert [f.file for f in chosen] == ["5201/a.csv", "5201/new.csv"]

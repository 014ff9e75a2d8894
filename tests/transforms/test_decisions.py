"""Which file of a district and date is current (CONTRACT §2): decide() on hand-made ledgers."""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.decisions import decide

D, E = date(2018, 4, 12), date(2018, 4, 13)


def files(*rows: tuple) -> pl.DataFrame:
    """(file, sha256, kode_kabupaten, tanggal, tiba_ns (arrival), has_error) per file."""
    return pl.DataFrame(
        rows,
        orient="row",
        schema={
            "file": pl.String,
            "sha256": pl.String,
            "kode_kabupaten": pl.String,
            "tanggal": pl.Date,
            "tiba_ns": pl.Int64,
            "has_error": pl.Boolean,
        },
    )


def statuses(frame: pl.DataFrame) -> dict[str, str]:
    return dict(decide(frame).select("file", "status").iter_rows())


def test_the_latest_valid_file_is_current_the_others_superseded():
    # three valid files of one district and date: the last to arrive is loaded
    got = statuses(
        files(
            ("a", "1", "5201", D, 10, False),
            ("b", "2", "5201", D, 30, False),
            ("c", "3", "5201", D, 20, False),
        )
    )
    assert got == {"a": "superseded", "b": "loaded", "c": "superseded"}


def test_a_rejected_file_never_displaces_a_valid_one():
    # the newest file has an error: it is rejected and the older valid one stays current
    got = statuses(files(("a", "1", "5201", D, 10, False), ("b", "2", "5201", D, 30, True)))
    assert got == {"a": "loaded", "b": "rejected"}


def test_arrival_ties_are_broken_by_path_in_code_point_order():
    # same arrival: the later path ("B" < "a" in code points) is current
    got = statuses(files(("a", "1", "5201", D, 10, False), ("B", "2", "5201", D, 10, False)))
    assert got == {"B": "superseded", "a": "loaded"}


def test_a_byte_identical_copy_is_a_duplicate_whatever_the_first_ones_status():
    # the copy comes later in order: duplicate, even of a rejected file; the first keeps its own status
    got = statuses(
        files(
            ("a", "x", "5201", D, 10, True), ("b", "x", "5201", D, 20, True), ("c", "y", "5201", D, 30, False)
        )
    )
    assert got == {"a": "rejected", "b": "duplicate", "c": "loaded"}


def test_a_file_without_a_date_is_never_a_duplicate():
    # two identical files whose date cannot be read: both rejected, neither a duplicate
    got = statuses(files(("a", "x", "5201", None, 10, True), ("b", "x", "5201", None, 20, True)))
    assert got == {"a": "rejected", "b": "rejected"}


def test_districts_and_dates_are_decided_apart():
    # the same bytes for another date or another district are no duplicate; each group has its own
    # current file
    got = statuses(
        files(
            ("a", "x", "5201", D, 10, False),
            ("b", "x", "5201", E, 10, False),
            ("c", "x", "5202", D, 10, False),
        )
    )
    assert got == {"a": "loaded", "b": "loaded", "c": "loaded"}

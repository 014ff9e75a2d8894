"""The SQL's own macros (warehouse/sql/helpers/): `tanggal_lapor_terakhir`, which the report's queries
call for each kecamatan's latest report on or before a date, equals the search of the whole history
it replaces, and does not read that history through when every latest report lies on or before it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reports.support import keep_latest_reports
from tests.warehouse.profiled import scans
from warehouse import macros

DAY0 = date(2018, 1, 1)
KECAMATAN = {"520101": "5201", "520102": "5201", "520301": "5203"}
QUERY = """
with
terakhir as (select kode_kecamatan, kode_kabupaten, tanggal from laporan_kecamatan_terakhir),
laporan as (select kode_kecamatan, kode_kabupaten, tanggal from progres_kecamatan)
select * from tanggal_lapor_terakhir(terakhir, laporan, $batas::date) order by kode_kecamatan
"""
# What it replaces: every report ever loaded, searched.
WHOLE_HISTORY = """
select kode_kecamatan, any_value(kode_kabupaten), max(tanggal)
from progres_kecamatan where tanggal <= $batas group by kode_kecamatan order by kode_kecamatan
"""


def _warehouse(reports: dict[str, set[int]]) -> duckdb.DuckDBPyConnection:
    """The reports (kecamatan -> days after DAY0), and each kecamatan's latest as the load keeps it."""
    con = duckdb.connect()
    macros.install(con)
    con.execute(
        "create table progres_kecamatan (kode_kecamatan varchar, kode_kabupaten varchar, tanggal date)"
    )
    rows = [(k, KECAMATAN[k], DAY0 + timedelta(days=d)) for k, days in reports.items() for d in days]
    laporan = pl.DataFrame(rows, schema=["kode_kecamatan", "kode_kabupaten", "tanggal"], orient="row")
    con.register("laporan_df", laporan)  # executemany: 5 s for the 30,000 rows below
    con.execute("insert into progres_kecamatan select * from laporan_df")
    keep_latest_reports(con)
    return con


@settings(max_examples=25)  # each example asks 24 dates
@given(st.dictionaries(st.sampled_from(sorted(KECAMATAN)), st.sets(st.integers(0, 20), min_size=1)))
def test_each_kecamatan_s_latest_report_on_or_before_a_date_is_the_whole_history_s(reports):
    con = _warehouse(reports)
    for offset in range(-1, 23):
        batas = DAY0 + timedelta(days=offset)
        found = con.execute(QUERY, {"batas": batas}).fetchall()
        assert found == con.execute(WHOLE_HISTORY, {"batas": batas}).fetchall(), batas


def _history_rows_scanned(con: duckdb.DuckDBPyConnection, batas: date, profile: Path) -> int:
    return sum(
        s.scanned for s in scans(con, QUERY, {"batas": batas}, profile) if s.table == "progres_kecamatan"
    )


def test_the_history_is_read_through_only_when_a_latest_report_lies_after_the_date(tmp_path):
    days = 10_000  # 30,000 reports: many of DuckDB's vectors (2,048 rows), on which a scan starts
    con = _warehouse({k: set(range(days)) for k in KECAMATAN})
    history = 3 * days
    latest = DAY0 + timedelta(days=days - 1)
    # Every kecamatan's latest report on or before the date (every night's report): the history's
    # scan stops at its first vectors (one per thread), when the join finds its other side empty.
    assert _history_rows_scanned(con, latest, tmp_path / "p.json") < history / 4
    assert _history_rows_scanned(con, latest + timedelta(days=5), tmp_path / "p.json") < history / 4
    # A report for an earlier date: the history is read.
    assert _history_rows_scanned(con, latest - timedelta(days=1), tmp_path / "p.json") == history

"""The report's queries find each kecamatan's latest report on or before a date from the
latest-report table, reading the history only when they must (warehouse/sql/helpers/
tanggal_lapor_terakhir.sql), and each kabupaten's from progres_kabupaten's daily rows (the days it
reported, its row of a day). On every date around the fixture's story (before its first report,
inside it with its gaps, after its last), each figure equals the search of the whole history of
kecamatan reports it replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest

from warehouse import read

WHOLE_HISTORY = {
    # kode_kabupaten -> its latest kecamatan report on or before the date
    "terakhir_lapor_kabupaten": """
        select kode_kabupaten, max(tanggal) from progres_kecamatan
        where tanggal <= $tanggal group by kode_kabupaten""",
    # kode_kecamatan -> its latest report before the date
    "sebelum_kecamatan": """
        select kode_kecamatan, max(tanggal) from progres_kecamatan
        where tanggal < $tanggal group by kode_kecamatan""",
    # kode_kabupaten -> its latest kecamatan report before the date
    "sebelum_kabupaten": """
        select kode_kabupaten, max(tanggal) from progres_kecamatan
        where tanggal < $tanggal group by kode_kabupaten""",
    # kode_kecamatan -> its latest report on or before the date: (date, belum_rekam)
    "laporan_kecamatan": """
        select kode_kecamatan, (tanggal, belum_rekam) from progres_kecamatan where tanggal <= $tanggal
        qualify row_number() over (partition by kode_kecamatan order by tanggal desc) = 1""",
    # kode_kabupaten -> its latest row on or before the date: (date, sudah_rekam)
    "hari_kabupaten": """
        select kode_kabupaten, (tanggal, sudah_rekam) from progres_kabupaten where tanggal <= $tanggal
        qualify row_number() over (partition by kode_kabupaten order by tanggal desc) = 1""",
}


@pytest.fixture
def dates(story):
    return [story.first + timedelta(days=d) for d in range(-2, (story.D - story.first).days + 7)]


def _whole(con, name, tanggal) -> dict:
    return dict(con.execute(WHOLE_HISTORY[name], {"tanggal": tanggal}).fetchall())


def test_the_district_table_s_last_report_and_row_are_the_whole_history_s(warehouse, dates):
    with read.connect(warehouse) as con:
        for d in dates:
            rows = {r["kode_kabupaten"]: r for r in read.rows(con, "kabupaten", tanggal=d, provinsi=None)}
            last = _whole(con, "terakhir_lapor_kabupaten", d)
            assert {k: r["terakhir_lapor"] for k, r in rows.items()} == {k: last.get(k) for k in rows}, d
            hari = _whole(con, "hari_kabupaten", d)
            assert {k: r["sudah_rekam"] for k, r in rows.items()} == {
                k: hari[k][1] if k in hari else None for k in rows
            }, d


def test_the_kecamatan_and_kabupaten_not_reporting_show_their_last_report_before_the_date(warehouse, dates):
    with read.connect(warehouse) as con:
        listed = 0
        for d in dates:
            kecamatan = read.rows(con, "kecamatan_tidak_lapor", tanggal=d, provinsi=None)
            sebelum = _whole(con, "sebelum_kecamatan", d)
            assert {r["kode_kecamatan"]: r["terakhir_lapor"] for r in kecamatan} == {
                r["kode_kecamatan"]: sebelum.get(r["kode_kecamatan"]) for r in kecamatan
            }, d
            kabupaten = read.rows(con, "kabupaten_tidak_lapor", tanggal=d, provinsi=None)
            sebelum = _whole(con, "sebelum_kabupaten", d)
            assert {r["kode_kabupaten"]: r["terakhir_lapor"] for r in kabupaten} == {
                r["kode_kabupaten"]: sebelum.get(r["kode_kabupaten"]) for r in kabupaten
            }, d
            listed += sum(r["terakhir_lapor"] is not None for r in [*kecamatan, *kabupaten])
        assert listed  # the story has gaps: some were listed with a report before


def test_the_kecamatan_with_most_left_are_at_their_latest_report(warehouse, dates):
    with read.connect(warehouse) as con:
        for d in dates:
            found = read.rows(con, "kecamatan_terbanyak", tanggal=d, provinsi=None, batas=100)
            whole = _whole(con, "laporan_kecamatan", d)
            assert {r["kode_kecamatan"]: (r["data_per"], r["belum_rekam"]) for r in found} == whole, d


def test_each_district_s_pace_starts_from_its_row_before_the_range(warehouse, dates):
    with read.connect(warehouse) as con:
        for d in dates:
            dari = d - timedelta(days=3)
            found = read.rows(con, "riwayat_kabupaten", tanggal=d, dari=dari, provinsi=None)
            before = {(r["kode_kabupaten"], r["tanggal"]) for r in found if r["tanggal"] < dari}
            whole = _whole(con, "hari_kabupaten", dari - timedelta(days=1))
            assert before == {(k, t) for k, (t, _) in whole.items()}, d


def test_each_kecamatan_s_pace_starts_from_its_report_before_the_range(warehouse, dates):
    with read.connect(warehouse) as con:
        for d in dates:
            dari = d - timedelta(days=3)
            found = read.rows(con, "laju_kecamatan", tanggal=d, dari=dari, provinsi=None)
            before = {
                r["kode_kecamatan"]: (r["tanggal"], r["belum_rekam"]) for r in found if r["tanggal"] < dari
            }
            assert before == _whole(con, "laporan_kecamatan", dari - timedelta(days=1)), d

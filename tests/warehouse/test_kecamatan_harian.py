"""The kecamatan series carried forward (warehouse/sql/marts/progres_kecamatan_harian.sql, issue 25):
every day from a kecamatan's first report, the latest report's figures, saying which report."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from flows.nightly import nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, run_settings
from warehouse import publish

DAYS = [date(2018, 3, 27) + timedelta(days=i) for i in range(8)]  # 27 March to 3 April
SKIPS = {date(2018, 3, 29), date(2018, 3, 30), date(2018, 4, 1)}  # 527203 does not report these
LATE_START = date(2018, 3, 29)  # 520805 reports from this day on


def _write(landing: Path, days: list[date]) -> None:
    for d in days:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10, skip=("527203",) if d in SKIPS else ())
        day_file(
            landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20, skip=("520805",) if d < LATE_START else ()
        )


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_server) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("harian")
    landing, warehouse = tmp / "landing", tmp / "w.duckdb"
    _write(landing, DAYS[:-1])
    nightly(tanggal=DAYS[-2], settings=run_settings(landing, warehouse))
    return landing, warehouse


# The same series another way: for every kecamatan and day from its first report to the latest date
# of any report, the report with the greatest date on or before the day (a correlated subquery).
EXPECTED = """
with hari as (
    select k.kode_kecamatan, unnest(generate_series(
        min(k.tanggal), (select max(tanggal) from progres_kecamatan), interval 1 day))::date as tanggal
    from progres_kecamatan k group by k.kode_kecamatan
)
select hari.tanggal, p.kode_kabupaten, hari.kode_kecamatan, p.nama_kecamatan, p.wajib_ktp, p.sudah_rekam,
    p.belum_rekam, p.sudah_cetak, p.persen_rekam,
    case when p.tanggal = hari.tanggal then coalesce(p.rekam_hari_ini, 0) else 0 end,
    p.tanggal = hari.tanggal, p.tanggal, hari.tanggal - p.tanggal, p.file_sumber
from hari join progres_kecamatan p on p.kode_kecamatan = hari.kode_kecamatan
    and p.tanggal = (select max(q.tanggal) from progres_kecamatan q
                     where q.kode_kecamatan = hari.kode_kecamatan and q.tanggal <= hari.tanggal)
order by 3, 1
"""


def test_every_day_carries_the_latest_report_and_names_it(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        series = con.execute(
            "select * from progres_kecamatan_harian order by kode_kecamatan, tanggal"
        ).fetchall()
        assert series == con.execute(EXPECTED).fetchall()
        skipped = con.execute(
            "select tanggal, lapor, tanggal_laporan, rekam_hari_ini from progres_kecamatan_harian"
            " where kode_kecamatan = '527203' and not lapor order by tanggal"
        ).fetchall()
        (first,) = con.execute(
            "select min(tanggal) from progres_kecamatan_harian where kode_kecamatan = '520805'"
        ).fetchone()
    # the days 527203 skipped are there, from the report before each gap, with nothing recorded
    assert [(d, lapor, rekam) for d, lapor, _, rekam in skipped] == [(d, False, 0) for d in sorted(SKIPS)]
    assert [asal for _, _, asal, _ in skipped] == [date(2018, 3, 28), date(2018, 3, 28), date(2018, 3, 31)]
    assert first == LATE_START  # a kecamatan starts at its own first report


def test_the_districts_figures_are_the_sums_of_their_kecamatan_series(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sums = con.execute(
            "select tanggal, kode_kabupaten, sum(wajib_ktp), sum(sudah_rekam), sum(rekam_hari_ini),"
            " count(*) filter (where lapor) from progres_kecamatan_harian group by all order by all"
        ).fetchall()
        kabupaten = con.execute(
            "select tanggal, kode_kabupaten, wajib_ktp, sudah_rekam, rekam_hari_ini, kecamatan_lapor"
            " from progres_kabupaten order by all"
        ).fetchall()
    assert sums == kabupaten


def test_a_night_rewrites_only_the_months_it_reaches(built):
    # a new day in April: March's partitions of the series stay the very files they were, and the
    # series still equals the one computed another way
    landing, warehouse = built
    folder = publish.folder_of(warehouse) / "progres_kecamatan_harian"
    before = {p.name: p.stat().st_ino for p in folder.glob("2018-03.*.parquet")}
    _write(landing, DAYS[-1:])
    nightly(tanggal=DAYS[-1], settings=run_settings(landing, warehouse))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        views = " ".join(s for (s,) in con.execute("select sql from duckdb_views()").fetchall())
        series = con.execute(
            "select * from progres_kecamatan_harian order by kode_kecamatan, tanggal"
        ).fetchall()
        assert series == con.execute(EXPECTED).fetchall()
        assert max(r[0] for r in series) == DAYS[-1]
    assert before and all(f"{folder}/{name}" in views for name in before)
    assert {p.name: p.stat().st_ino for p in folder.glob("2018-03.*.parquet")} == before

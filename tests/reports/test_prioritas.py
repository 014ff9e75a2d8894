"""Mobile-service targets ("Prioritas pelayanan keliling"), computed by hand on seven kecamatan:
steady, with gaps, finished, with a negative correction, stopped reporting, new, never reported.
The analysts' macro `prioritas_keliling` gives the report's rows."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from reports.readers import mobile_targets
from tests.reports.support import keep_latest_reports
from warehouse import macros
from warehouse.read import sql

D = date(2018, 4, 12)
TARGET = date(2018, 6, 1)  # 50 days after D
WAJIB = 10_000


def reports() -> list[tuple]:
    """(kode_kecamatan, days before D, sudah_rekam) of every loaded report."""
    steady = [("520101", back, 3_000 - 100 * back) for back in range(10, -1, -1)]  # 100 a day, 7,000 left
    gaps = [
        ("520102", 10, 0),
        ("520102", 4, 600),
        ("520102", 0, 1_400),
    ]  # from D-10 (carried to D-7): 200 a day
    done = [("520103", 7, 9_000), ("520103", 0, WAJIB)]
    corrected = [("520201", 7, 7_000), ("520201", 0, 6_500)]  # a correction took 500 off: -500 / 7 a day
    stopped = [("520202", 8, 6_000)]  # nothing in the 7 days of the pace
    new = [("520203", 3, 7_100), ("520203", 0, 7_400)]  # first report 3 days ago: 300 / 3 a day
    return steady + gaps + done + corrected + stopped + new


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute(
        "create table wilayah_kabupaten (kode_kabupaten varchar, kode_provinsi varchar, nama varchar)"
    )
    con.execute(
        "insert into wilayah_kabupaten values ('5201', '52', 'Lombok Barat'), ('5202', '52', 'Lombok Tengah')"
    )
    con.execute(
        "create table wilayah_kecamatan (kode_kecamatan varchar, kode_kabupaten varchar, nama varchar)"
    )
    codes = ["520101", "520102", "520103", "520201", "520202", "520203", "520204"]
    con.executemany("insert into wilayah_kecamatan values (?, ?, ?)", [(k, k[:4], f"Kec {k}") for k in codes])
    con.execute(
        "create table progres_kecamatan (tanggal date, kode_kabupaten varchar, kode_kecamatan varchar,"
        " sudah_rekam bigint, belum_rekam bigint)"
    )
    con.executemany(
        "insert into progres_kecamatan values (?, ?, ?, ?, ?)",
        [(D - timedelta(days=back), k[:4], k, s, WAJIB - s) for k, back, s in reports()],
    )
    keep_latest_reports(con)
    con.execute(sql("macros/prioritas_keliling"))
    macros.install(con)  # the report's queries call the warehouse's macros (the scope)
    yield con
    con.close()


@pytest.fixture(scope="module")
def ranked(con):
    return mobile_targets(con, D, TARGET, "52")


def by_code(ranked) -> dict:
    return {r["kode_kecamatan"]: r for r in ranked}


def test_ranked_by_what_would_be_left_at_the_target(ranked):
    # stopped 4,000 > corrected 3,500 > steady 2,000; then those that finish, by belum rekam
    assert [(r["peringkat"], r["kode_kecamatan"], r["sisa_pada_target"]) for r in ranked] == [
        (1, "520202", 4_000),
        (2, "520201", 3_500),
        (3, "520101", 2_000),
        (4, "520102", 0),
        (5, "520203", 0),
        (6, "520103", 0),
        (7, "520204", None),
    ]


def test_each_case_by_hand(ranked):
    k = by_code(ranked)
    steady, gaps, done, corrected, stopped, new, never = (
        k[c] for c in ("520101", "520102", "520103", "520201", "520202", "520203", "520204")
    )
    # 7,000 left at 100 a day for 50 days: 2,000 left; 140 a day needed
    assert (steady["laju"].per_day, steady["dibutuhkan"], steady["belum_rekam"]) == (100, 140, 7_000)
    # with gaps: carried forward, (1,400 - 0) / 7 = 200 a day clears 8,600 before the target
    assert (gaps["laju"].per_day, gaps["dibutuhkan"], gaps["sisa_pada_target"]) == (200, 172, 0)
    # finished: nothing left, nothing needed
    assert (done["belum_rekam"], done["dibutuhkan"], done["sisa_pada_target"]) == (0, None, 0)
    # a negative correction: the pace is -500 / 7, counted as zero: the whole 3,500 stays
    assert corrected["laju"].recorded == -500 and corrected["sisa_pada_target"] == 3_500
    # stopped reporting: flagged, no pace, the whole of its last belum rekam
    assert (
        stopped["berhenti_lapor"]
        and stopped["laju"] is None
        and stopped["terakhir_lapor"] == D - timedelta(days=8)
    )
    assert not any(r["berhenti_lapor"] for r in ranked if r is not stopped)
    # new: its pace over its own 3 days
    assert (new["laju"].per_day, new["laju"].days) == (100, 3)
    # never reported: last, without figures
    assert never["belum_rekam"] is None and never["terakhir_lapor"] is None


def test_the_analysts_macro_gives_the_same_rows(con, ranked):
    result = con.execute("select * from prioritas_keliling(?, ?)", [D, TARGET])
    columns = [c[0] for c in result.description]
    macro = [dict(zip(columns, r, strict=False)) for r in result.fetchall()]
    python = [
        {
            "peringkat": r["peringkat"],
            "kode_kecamatan": r["kode_kecamatan"],
            "nama_kecamatan": r["nama_kecamatan"],
            "kode_kabupaten": r["kode_kabupaten"],
            "nama_kabupaten": r["nama_kabupaten"],
            "belum_rekam": r["belum_rekam"],
            "laju_7_hari": r["laju"] and r["laju"].per_day,
            "dibutuhkan": r["dibutuhkan"],
            "sisa_pada_target": r["sisa_pada_target"],
            "terakhir_lapor": r["terakhir_lapor"],
            "berhenti_lapor": r["berhenti_lapor"],
        }
        for r in ranked
    ]
    assert macro == python

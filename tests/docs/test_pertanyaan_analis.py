"""Every query of docs/pertanyaan-analis.md, run against a warehouse made by two real nightlies.

The warehouse: the demo's own files (demo.landing.build_landing) of four districts and the unknown
inbox, uploaded from 1 March 2018; Lombok Tengah's correction of 5 April is held back from the
first nightly and put back for the second, so the journal holds a real second decision. Each
answer is checked against figures computed here from the demo's figures and files, not from the
warehouse.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from contract.dates import WITA
from demo.landing import build_landing
from demo.simulate import EVENTS, reference
from flows.nightly import nightly
from tests.uploads import run_settings

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "pertanyaan-analis.md"
CLI = ROOT / ".venv" / "bin" / "duckdb"

# Four districts (one with a kecamatan-code typo, one a late correction, one a duplicate and a bad
# total, one a missed day and late weekend uploads) and the inbox of a kabupaten that does not exist.
FOLDERS = ("5201", "5202", "5203", "5208", "5299")
SINCE = datetime.combine(date(2018, 3, 1), time(8), WITA).timestamp()
CORRECTION = "5202/lap 05-04-2018 revisi.csv"
ORIGINAL = "5202/lap 05-04-2018.csv"
LAST = date(2018, 4, 30)
TARGET = date(2018, 6, 1)


@dataclass(frozen=True)
class Gudang:
    warehouse: Path
    landing: Path
    truth: pl.DataFrame  # the figures meant to be loaded, of the files in the landing folder
    runs: tuple[str, str]  # the two nightlies' run ids


@pytest.fixture(scope="module")
def gudang(tmp_path_factory, prefect_server) -> Gudang:
    base = tmp_path_factory.mktemp("pertanyaan")
    demo, landing, wh = base / "demo", base / "landing", base / "gudang" / "ektp.duckdb"
    truth = build_landing(demo)
    for path in demo.rglob("*"):
        rel = path.relative_to(demo).as_posix()
        if path.is_file() and rel.split("/")[0] in FOLDERS and path.stat().st_mtime >= SINCE:
            (landing / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, landing / rel)
    held = landing / CORRECTION
    held.rename(base / "koreksi.csv")
    first = nightly(tanggal=LAST, settings=run_settings(landing, wh))
    (base / "koreksi.csv").rename(held)
    second = nightly(tanggal=LAST, settings=run_settings(landing, wh))
    present = {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_file()}
    return Gudang(
        wh, landing, truth.filter(pl.col("file").is_in(present)), (first["run_id"], second["run_id"])
    )


def blocks() -> dict[str, list[str]]:
    """The page's ```sql blocks by section: the question's number, "awal" before question 1,
    "sesudah" after the last."""
    found: dict[str, list[str]] = {}
    section = "awal"
    for part in re.split(r"^(## .*)$", PAGE.read_text(encoding="utf-8"), flags=re.MULTILINE):
        heading = re.match(r"## (\d+)\.", part)
        if heading:
            section = heading.group(1)
        elif part.startswith("## "):
            section = "awal" if section == "awal" else "sesudah"
        elif sql := re.findall(r"^```sql\n(.*?)^```", part, re.S | re.M):
            found.setdefault(section, []).extend(sql)
    return found


def ask(gudang: Gudang, question: int) -> pl.DataFrame:
    """The answer of a question's SQL as the DuckDB CLI gives it: read-only, WITA set first."""
    with duckdb.connect(str(gudang.warehouse), read_only=True) as con:
        for sql in blocks()["awal"]:
            con.execute(sql)
        result = None
        for sql in blocks()[str(question)]:
            result = con.sql(sql)
        assert result is not None
        return result.pl()


def carried(truth: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each kecamatan's latest report on or before `day`."""
    return truth.filter(pl.col("tanggal") <= day).sort("tanggal").group_by("kode_kecamatan").last()


def per_district(frame: pl.DataFrame, column: str) -> dict[str, int]:
    return dict(frame.group_by("kode_kabupaten").agg(pl.sum(column)).iter_rows())


def sudah_of(path: Path) -> int:
    """The sum of the "Sudah Rekam" column of a district's CSV (semicolons, dots for thousands)."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("latin-1")), delimiter=";"))
    column = rows[0].index("Sudah Rekam")
    return sum(int(r[column].replace(".", "")) for r in rows[1:] if r)


def test_the_page_asks_ten_questions_each_with_sql():
    found = blocks()
    assert sorted((k for k in found if k != "awal"), key=int) == [str(n) for n in range(1, 11)]
    assert all(found[str(n)] for n in range(1, 11))
    assert found["awal"] == ["set TimeZone = 'Asia/Makassar';\n"]


def test_the_readme_analyst_section_links_the_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The warehouse (for analysts)", 1)[1].split("\n## ", 1)[0]
    assert "(docs/pertanyaan-analis.md)" in section


def test_every_query_runs_in_the_duckdb_cli(gudang, tmp_path):
    # All of the page's SQL, in order, through the `duckdb` command analysts use.
    sql = "".join(sql for part in blocks().values() for sql in part)
    done = subprocess.run(
        [str(CLI), "-readonly", "-csv", str(gudang.warehouse)],
        input=sql,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "Kabupaten Lombok Utara" in done.stdout
    assert {p.name for p in tmp_path.iterdir()} == {
        "progres_kabupaten.csv",
        "progres_kecamatan_2018-04.parquet",
    }


def test_1_the_province_month_by_month(gudang):
    answer = ask(gudang, 1)
    assert answer.columns == [
        "bulan",
        "sampai",
        "sudah_rekam",
        "belum_rekam",
        "persen_rekam",
        "direkam",
        "rata_rata_per_hari",
        "kabupaten_lapor_paling_sedikit",
    ]
    truth = gudang.truth
    ends = [date(2018, 3, 31), LAST]
    assert answer["sampai"].to_list() == ends
    for end, row in zip(ends, answer.iter_rows(named=True), strict=True):
        state = carried(truth, end)
        assert (row["sudah_rekam"], row["belum_rekam"]) == (
            state["sudah_rekam"].sum(),
            state["belum_rekam"].sum(),
        )
    # April's recordings (no district's first report is in April, so each day's count is known)
    april = truth.filter(pl.col("tanggal") >= date(2018, 4, 1))["rekam_hari_ini"].fill_null(0).sum()
    assert answer["direkam"][1] == april
    assert answer["rata_rata_per_hari"][1] > 3 * answer["rata_rata_per_hari"][0]  # the April push


def test_2_the_kecamatan_with_most_left(gudang):
    answer = ask(gudang, 2)
    assert answer.columns == [
        "kode_kecamatan",
        "nama_kecamatan",
        "nama_kabupaten",
        "laporan_terakhir",
        "belum_rekam",
        "persen_rekam",
    ]
    assert answer.height == 10
    expected = carried(gudang.truth, LAST).sort(["belum_rekam", "kode_kecamatan"], descending=[True, False])
    assert (
        answer.select("kode_kecamatan", "belum_rekam", "laporan_terakhir").rows()
        == expected.head(10).select("kode_kecamatan", "belum_rekam", "tanggal").rows()
    )


def test_3_who_did_not_report(gudang):
    answer = ask(gudang, 3)
    assert answer.columns == ["kode_kabupaten", "nama", "laporan_terakhir"]
    day = date(2018, 4, 8)
    names, _ = reference()
    before = gudang.truth.filter(pl.col("tanggal") <= day)
    last = dict(before.group_by("kode_kabupaten").agg(pl.max("tanggal")).iter_rows())
    expected = [(k, names[k], last.get(k)) for k in sorted(names) if last.get(k) != day]
    assert answer.rows() == expected
    assert ("5208", names["5208"], day - timedelta(days=1)) in expected  # Lombok Utara's missed day


def test_4_pace(gudang):
    answer = ask(gudang, 4)
    assert answer.columns == [
        "kode_kabupaten",
        "nama_kabupaten",
        "sudah_rekam",
        "belum_rekam",
        "laju_7_hari",
        "dibutuhkan_per_hari",
    ]
    now = carried(gudang.truth, LAST)
    week_ago = per_district(carried(gudang.truth, LAST - timedelta(days=7)), "sudah_rekam")
    sudah, belum = per_district(now, "sudah_rekam"), per_district(now, "belum_rekam")
    expected = sorted(
        (
            (
                k,
                sudah[k],
                belum[k],
                round((sudah[k] - week_ago[k]) / 7, 1),
                math.ceil(belum[k] / (TARGET - LAST).days),
            )
            for k in sudah
        ),
        key=lambda r: -r[2],
    )
    assert answer.height == len(expected) == 4
    got = answer.select("kode_kabupaten", "sudah_rekam", "belum_rekam", "laju_7_hari", "dibutuhkan_per_hari")
    assert got.rows() == expected


def test_5_forecast(gudang):
    answer = ask(gudang, 5)
    assert answer.columns == [
        "tingkat",
        "kode",
        "nama",
        "belum_rekam",
        "laju_7_hari",
        "perkiraan_selesai",
        "selesai_paling_cepat",
        "selesai_paling_lambat",
        "dibutuhkan",
        "sisa_pada_target",
        "peluang_persen",
    ]
    belum = per_district(carried(gudang.truth, LAST), "belum_rekam")
    province, *districts = answer.iter_rows(named=True)
    assert (province["tingkat"], province["kode"], province["belum_rekam"]) == (
        "provinsi",
        "52",
        sum(belum.values()),
    )
    assert {(r["kode"], r["belum_rekam"]) for r in districts} == set(belum.items())
    # the province is done when its last district is, and the rows come latest first
    dates = [r["perkiraan_selesai"] for r in districts]
    assert None not in dates and dates == sorted(dates, reverse=True)
    assert province["perkiraan_selesai"] == dates[0]


def test_6_rejected_files_and_why(gudang):
    answer = ask(gudang, 6)
    assert answer.columns == [
        "tanggal",
        "kode_kabupaten",
        "file",
        "aturan",
        "baris",
        "kode_kecamatan",
        "kolom",
        "nilai",
        "pesan",
    ]
    # The demo's mishaps in these folders since 1 March: a file in an inbox that is no kabupaten is
    # unreadable; the others break the rule they are named after; a correction or a copy is not rejected.
    rule = {"inbox_salah": "berkas_tidak_terbaca", "bukan_tabel": "berkas_tidak_terbaca"}
    expected = {
        ("5299" if event == "inbox_salah" else kab, day, rule.get(event, event))
        for (kab, day), event in EVENTS.items()
        if kab in FOLDERS and day >= date(2018, 3, 1) and event not in ("koreksi", "duplikat")
    }
    assert len(expected) == 3 and set(answer.select("kode_kabupaten", "tanggal", "aturan").rows()) == expected
    assert answer["tanggal"].to_list() == sorted(answer["tanggal"].to_list(), reverse=True)
    for row in answer.iter_rows(named=True):
        assert (gudang.landing / row["file"]).is_file()
        # a row rule names its first line; a file that cannot be read as a report has none
        assert (row["baris"] is None) == (row["aturan"] == "berkas_tidak_terbaca")


def test_7_scorecard(gudang):
    answer = ask(gudang, 7)
    assert answer.columns == [
        "kode_kabupaten",
        "nama_kabupaten",
        "skor_30",
        "persen_lapor_30",
        "persen_tepat_waktu_30",
        "persen_lengkap_30",
        "persen_ditolak_30",
        "koreksi_30",
        "terlambat_30",
        "peringatan_per_laporan_30",
        "skor_7",
    ]
    names, _ = reference()
    assert sorted(answer["kode_kabupaten"]) == sorted(names)
    scores = [float(s) for s in answer["skor_30"]]
    assert scores == sorted(scores)
    window = gudang.truth.filter(pl.col("tanggal").is_between(LAST - timedelta(days=29), LAST))
    days = dict(window.group_by("kode_kabupaten").agg(pl.col("tanggal").n_unique()).iter_rows())
    corrections = {
        kab: sum(
            1
            for (k, d), e in EVENTS.items()
            if k == kab and e == "koreksi" and d >= LAST - timedelta(days=29)
        )
        for kab in names
    }
    for row in answer.iter_rows(named=True):
        kab = row["kode_kabupaten"]
        assert float(row["persen_lapor_30"]) == round(100 * days.get(kab, 0) / 30, 2)
        assert row["koreksi_30"] == corrections[kab]


def test_8_export(gudang, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ask(gudang, 8)
    kabupaten = pl.read_csv(
        tmp_path / "progres_kabupaten.csv", schema_overrides={"kode_kabupaten": pl.String}
    )
    assert kabupaten.columns[:3] == ["tanggal", "kode_kabupaten", "nama_kabupaten"]
    on_last = kabupaten.filter(pl.col("tanggal") == LAST.isoformat())
    assert on_last["sudah_rekam"].sum() == carried(gudang.truth, LAST)["sudah_rekam"].sum()
    # one row per district and day from 1 March to 30 April
    assert kabupaten.height == 4 * ((LAST - date(2018, 3, 1)).days + 1)
    kecamatan = pl.read_parquet(tmp_path / "progres_kecamatan_2018-04.parquet")
    april = gudang.truth.filter(pl.col("tanggal") >= date(2018, 4, 1))
    assert (
        kecamatan.select("tanggal", "kode_kecamatan", "sudah_rekam").rows()
        == april.sort("tanggal", "kode_kecamatan").select("tanggal", "kode_kecamatan", "sudah_rekam").rows()
    )


def test_9_a_late_corrections_second_decision(gudang):
    answer = ask(gudang, 9)
    assert answer.columns == ["berlaku_sejak", "dicatat_oleh", "file", "status", "alasan", "ada"]
    first, second = gudang.runs
    assert answer.select("dicatat_oleh", "file", "status", "ada").rows() == [
        (first, ORIGINAL, "loaded", True),
        (second, CORRECTION, "loaded", True),
        (second, ORIGINAL, "superseded", True),
    ]
    moments = answer["berlaku_sejak"].to_list()
    assert moments[0] < moments[1] == moments[2]
    assert moments[0].utcoffset() == timedelta(hours=8)  # shown in WITA, as the page sets


def test_10_a_district_as_known_on_a_moment(gudang):
    answer = ask(gudang, 10)
    assert answer.columns == ["tanggal", "dulu", "kini", "selisih"]
    before, after = sudah_of(gudang.landing / ORIGINAL), sudah_of(gudang.landing / CORRECTION)
    assert answer.rows() == [(date(2018, 4, 5), before, after, after - before)]
    assert after > before

"""The demo landing folder: deterministic, tells the 2018 story, mixes formats, carries mishaps."""

import csv
import io
import re
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from contract.regions import seed
from demo.landing import build_landing


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    landing = tmp_path_factory.mktemp("demo") / "landing"
    return landing, build_landing(landing)


def snapshot(landing: Path) -> dict:
    return {
        p.relative_to(landing).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(landing.rglob("*"))
        if p.is_file()
    }


def carried(truth: pl.DataFrame, day: date) -> pl.DataFrame:
    """Each kecamatan's latest report on or before `day`."""
    return truth.filter(pl.col("tanggal") <= day).sort("tanggal").group_by("kode_kecamatan").last()


def total(frame: pl.DataFrame, column: str, kab: str | None = None) -> int:
    if kab is not None:
        frame = frame.filter(pl.col("kode_kabupaten") == kab)
    return frame[column].sum()


def csv_rows(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter))


def sheet_rows(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))


def jumlah_matches(rows: list[tuple]) -> bool:
    """Whether the JUMLAH row of a provincial-template sheet equals the sums above it."""
    header = next(i for i, r in enumerate(rows) if r[0] == "No")
    body = [r for r in rows[header + 1 :] if r[0] is not None]
    jumlah = next(r for r in rows if "JUMLAH" in r)
    return all(jumlah[c] == sum(r[c] for r in body) for c in range(3, len(jumlah)))


def test_same_seed_same_files(built, tmp_path):
    # Two builds with one seed give the same paths, bytes, modification times and truth.
    landing, truth = built
    again = build_landing(tmp_path / "landing")
    assert snapshot(landing) == snapshot(tmp_path / "landing")
    assert again.equals(truth)


def test_story_checkpoints(built):
    # Carried forward, the truth meets the story's figures on 31 March and 12 April.
    march = carried(built[1], date(2018, 3, 31))
    assert 3_700_000 <= total(march, "wajib_ktp") <= 3_799_999
    assert 279_000 <= total(march, "belum_rekam") <= 279_999
    assert 88_000 <= total(march, "belum_rekam", "5203") <= 88_999
    assert 164_000 <= total(march, "belum_rekam", "5208") <= 164_999
    assert 200_000 <= total(carried(built[1], date(2018, 4, 12)), "belum_rekam") <= 209_999


def test_pace_picks_up_in_april(built):
    # April's daily recordings and mobile-service share are well above March's.
    truth = built[1].with_columns(bulan=pl.col("tanggal").dt.month())
    per_month = truth.group_by("bulan").agg(pl.sum("rekam_hari_ini", "rekam_keliling")).sort("bulan")
    march, april = (
        per_month.filter(pl.col("bulan") == 3).row(0),
        per_month.filter(pl.col("bulan") == 4).row(0),
    )
    assert april[1] > 3 * march[1]
    assert april[2] / april[1] > 2 * march[2] / march[1]


def test_codes_in_reference(built):
    # Every kecamatan is in the reference under its own kabupaten, and all 117 of NTB report.
    ref = seed("kecamatan").filter(pl.col("kode_kabupaten").str.starts_with("52"))
    pairs = built[1].select("kode_kecamatan", "kode_kabupaten").unique()
    assert pairs.join(ref, on=["kode_kecamatan", "kode_kabupaten"], how="anti").is_empty()
    assert pairs.height == ref.height == 117


def test_internal_consistency(built):
    # belum = wajib - sudah, keliling <= harian, cetak <= rekam; sudah never falls, wajib moves < 5%,
    # and rekam_hari_ini is the rise since the kecamatan's previous report (null only for a first one).
    t = (
        built[1]
        .sort("kode_kecamatan", "tanggal")
        .with_columns(
            prev_sudah=pl.col("sudah_rekam").shift().over("kode_kecamatan"),
            prev_wajib=pl.col("wajib_ktp").shift().over("kode_kecamatan"),
        )
    )
    assert (t["belum_rekam"] == t["wajib_ktp"] - t["sudah_rekam"]).all()
    assert t.filter(pl.col("rekam_keliling") > pl.col("rekam_hari_ini")).is_empty()
    assert t.filter(pl.col("sudah_cetak") > pl.col("sudah_rekam")).is_empty()
    assert t.filter(pl.col("sudah_rekam") < pl.col("prev_sudah")).is_empty()
    assert t.filter(
        (pl.col("wajib_ktp") - pl.col("prev_wajib")).abs() > 0.05 * pl.col("prev_wajib")
    ).is_empty()
    later = t.filter(pl.col("prev_sudah").is_not_null())
    assert (later["rekam_hari_ini"] == later["sudah_rekam"] - later["prev_sudah"]).all()
    assert t.filter(pl.col("rekam_hari_ini").is_null(), pl.col("prev_sudah").is_not_null()).is_empty()


def test_one_loaded_file_per_district_and_date(built):
    # Each district-date of the truth comes from one existing file inside that district's inbox.
    landing, truth = built
    files = truth.group_by("kode_kabupaten", "tanggal").agg(
        pl.col("file").n_unique(), pl.col("file").first().alias("f")
    )
    assert (files["file"] == 1).all()
    assert all(
        (landing / f).is_file() and f.startswith(k + "/")
        for k, f in files.select("kode_kabupaten", "f").iter_rows()
    )


def test_a_handful_of_missed_days(built):
    # Between 5 and 20 district-days have no loaded report, none on the story's checkpoints.
    reported = built[1].select("kode_kabupaten", "tanggal").unique()
    missed = 10 * 120 - reported.height
    assert 5 <= missed <= 20
    for day in (date(2018, 3, 31), date(2018, 4, 12)):
        assert reported.filter(pl.col("tanggal") == day).height == 10


def test_formats_present(built):
    # Comma CSV with ISO dates, semicolon CSV in Windows-1252 with dotted thousands, tab-delimited
    # text, an xlsx with a title block and a JUMLAH row equal to the column sums.
    landing = built[0]
    plain = csv_rows(landing / "5201/ektp_5201_2018-04-12.csv")
    assert plain[0][:2] == ["tanggal", "kode_kecamatan"] and plain[1][0] == "2018-04-12"
    raw = (landing / "5202/lap 12-04-2018.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    semi = csv_rows(landing / "5202/lap 12-04-2018.csv", "cp1252", ";")
    assert semi[0][:4] == ["Tgl", "Kode Kec.", "Kecamatan", "Wajib KTP"] and semi[1][0] == "12/04/2018"
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", semi[1][3])
    tab = csv_rows(landing / "5204/20180412_ektp.txt", delimiter="\t")
    assert len(tab[0]) == 9 and tab[1][0] == "12-04-2018"
    rows = sheet_rows(landing / "5203/rekap_ktp_5203_2018-04-12.xlsx")
    assert (
        rows[0][0] == "DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" and rows[3][0] == "Per tanggal 12 April 2018"
    )
    assert rows[6][1] == "52.03.01" and jumlah_matches(rows)
    assert all(
        "rekam_hari_ini" not in c.lower().replace(" ", "_")
        for c in csv_rows(landing / "5207/KSB_ektp_12-04-2018.csv")[0]
    )


def test_bad_files_present(built):
    # Each bad upload exists, shows its one defect and is not what the truth loads.
    landing, truth = built
    loaded = set(truth["file"])
    known = set(seed("kecamatan")["kode_kecamatan"])
    over = csv_rows(landing / "5207/KSB_ektp_20-02-2018.csv")[1:]
    assert any(int(r[3].replace(",", "")) > int(r[2].replace(",", "")) for r in over)
    assert any(r[1] not in known for r in csv_rows(landing / "5201/ektp_5201_2018-03-07.csv")[1:])
    header = csv_rows(landing / "5205/Dompu_2018-03-04.csv", delimiter=";")[0]
    assert not any("wajib" in c.lower() for c in header)
    assert not jumlah_matches(sheet_rows(landing / "5203/rekap_ktp_5203_2018-04-17.xlsx"))
    cells = [c for r in csv_rows(landing / "5202/lap 08-02-2018.csv", "cp1252", ";") for c in r]
    assert any(re.fullmatch(r"\d+,\d", c) for c in cells)
    assert (landing / "5206/laporan.pdf").read_bytes().startswith(b"%PDF")
    assert list((landing / "5299").iterdir())
    bad = [
        "5207/KSB_ektp_20-02-2018.csv",
        "5201/ektp_5201_2018-03-07.csv",
        "5205/Dompu_2018-03-04.csv",
        "5203/rekap_ktp_5203_2018-04-17.xlsx",
        "5202/lap 08-02-2018.csv",
        "5206/laporan.pdf",
    ]
    assert not loaded & set(bad) and not any(f.startswith("5299/") for f in loaded)


def test_correction_and_duplicate(built):
    # The correction is sent later with other figures and is what the truth loads; the duplicate is
    # a byte-identical copy sent later under another name.
    landing, truth = built
    first, fixed = landing / "5202/lap 05-04-2018.csv", landing / "5202/lap 05-04-2018 revisi.csv"
    assert fixed.stat().st_mtime > first.stat().st_mtime and fixed.read_bytes() != first.read_bytes()
    assert set(
        truth.filter(pl.col("tanggal") == date(2018, 4, 5), pl.col("kode_kabupaten") == "5202")["file"]
    ) == {"5202/lap 05-04-2018 revisi.csv"}
    original, copy = (
        landing / "5203/rekap_ktp_5203_2018-04-10.xlsx",
        landing / "5203/rekap_ktp_5203_2018-04-10 (1).xlsx",
    )
    assert copy.read_bytes() == original.read_bytes() and copy.stat().st_mtime > original.stat().st_mtime
    assert "5203/rekap_ktp_5203_2018-04-10 (1).xlsx" not in set(truth["file"])

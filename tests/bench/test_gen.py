"""Smoke test of the benchmark's generator (no timings): its files are valid uploads, both styles."""

from __future__ import annotations

from datetime import date

import polars as pl

from bench import gen, run, year
from tests.uploads import parse_file

TODAY = date(2026, 1, 1)


def test_generated_files_parse_clean_in_both_styles(tmp_path):
    kabupaten = gen.pick(4)  # spread over the country: two plain, two semicolon-and-dots
    assert {gen.style(k) for k in kabupaten} == {"plain", "locale"}
    paths = gen.write_landing(tmp_path, kabupaten, 3)
    assert len(paths) == 12
    for path in paths:
        kab = path.parent.name
        parsed = parse_file(path.name, path.read_bytes(), TODAY)
        assert parsed.findings.is_empty(), (path, parsed.findings.to_dicts())
        assert parsed.tanggal == gen.file_date(path.name)
        assert parsed.rows["kode_kecamatan"].to_list() == [k for k, _ in gen.region().kecamatan[kab]]
        rows = parsed.rows
        assert (rows["belum_rekam"] == rows["wajib_ktp"] - rows["sudah_rekam"]).all()
        assert (rows["sudah_cetak"] <= rows["sudah_rekam"]).all()
        assert (rows["rekam_keliling"] <= rows["rekam_hari_ini"]).all()


def test_locale_style_uses_semicolons_and_thousands_dots(tmp_path):
    kab = next(k for k in gen.pick(4) if gen.style(k) == "locale")
    (path,) = gen.write_landing(tmp_path, [kab], 1)
    header, first = path.read_text().splitlines()[:2]
    assert header.startswith("No;Tanggal;Kode Kec.;")
    assert first.split(";")[2].count(".") == 2  # 52.03.01


def test_figures_do_not_depend_on_the_batch():
    codes = [k for k, _ in gen.region().kecamatan["5201"]]
    alone = gen.figures(codes[:1], 5)
    together = gen.figures(codes, 5)
    for column in alone:
        assert (alone[column][0] == together[column][0]).all()
    # rekam_hari_ini is the rise of sudah_rekam since the day before
    assert (
        together["rekam_hari_ini"][:, 1:] == together["sudah_rekam"][:, 1:] - together["sudah_rekam"][:, :-1]
    ).all()


def test_subset_links_the_first_days(tmp_path):
    gen.write_landing(tmp_path / "big", gen.pick(2), 4)
    linked = gen.link_subset(tmp_path / "big", tmp_path / "small", 2)
    assert len(linked) == 4
    assert {gen.file_date(p.name) for p in linked} == {date(2018, 1, 1), date(2018, 1, 2)}


def test_year_frames_match_the_files(tmp_path):
    kab = gen.pick(1)
    riwayat, unggahan, kualitas = year.frames(kab, 2, 3)
    n_kec = len(gen.region().kecamatan[kab[0]])
    assert riwayat.height == 2 * n_kec
    (path,) = gen.write_landing(tmp_path, kab, 1, first_day=2)
    parsed = parse_file(path.name, path.read_bytes(), TODAY)
    day = riwayat.filter(pl.col("tanggal") == parsed.tanggal).sort("kode_kecamatan")
    for column in ("wajib_ktp", "sudah_rekam", "rekam_hari_ini", "sudah_cetak"):
        assert day[column].to_list() == parsed.rows.sort("kode_kecamatan")[column].to_list()
    assert set(unggahan["status"]) <= {"loaded", "rejected"}
    assert kualitas.height == unggahan.filter(pl.col("status") == "rejected").height


def test_fit_gives_intercept_and_slope_per_thousand_files():
    intercept, slope = run.fit([(1000, 12.0), (3000, 16.0)])
    assert round(slope, 6) == 2.0 and round(intercept, 6) == 10.0

"""The district data-quality scorecard (`mutu_kabupaten`) on a small warehouse computed by hand:
a district with gaps, an incomplete report, a late one and a rejected file (5201); a finished one
that always reports on time, with a copy (5208); one with a negative late correction, warnings and
a file whose date is not valid (5272); one whose client's clock is years ahead (5271)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from contract.dates import WITA
from warehouse import journal, marts, store

D1, D2, D3, D4, D5 = (date(2018, 4, d) for d in range(1, 6))
DECIDED = datetime(2018, 4, 6, 12, 0, tzinfo=WITA)  # one run decided everything
KECAMATAN = {
    "5201": ["520101", "520102"],
    "5208": ["520801", "520802"],
    "5271": ["527101"],
    "5272": ["527201"],
}


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=WITA)


def upload(con, file: str, day: date, status: str, seen: datetime, kecamatan=None, sudah: int = 900) -> None:
    """One decided file; a valid one reports `kecamatan` (default: all of its district's)."""
    kab = file.split("/")[0]
    con.execute(
        "insert into unggahan values (?, ?, ?, ?, ?, null, 3, ?, 'r1', 1, ?, 1, 1, 1, ?)",
        # arrival: the earlier of the modification time and the run that first saw it (CONTRACT §2)
        [file, f"sha {file}", kab, day, status, DECIDED, seen, min(seen, DECIDED)],
    )
    if status in ("loaded", "superseded"):
        for kec in kecamatan or KECAMATAN[kab]:
            con.execute(
                "insert into riwayat_kecamatan (file, sha256, tanggal, kode_kabupaten, kode_kecamatan,"
                " wajib_ktp, sudah_rekam, baris, diproses_pada, run_id)"
                " values (?, ?, ?, ?, ?, 1000, ?, 2, ?, 'r1')",
                [file, f"sha {file}", day, kab, kec, sudah, DECIDED],
            )


def every_file(con):
    """The key of every ledger row: these tests write the ledger by hand, then journal it whole."""
    return con.sql("select file, sha256 from unggahan").pl()


def finding(con, file: str, aturan: str, tingkat: str) -> None:
    kab = file.split("/")[0]
    con.execute(
        "insert into kualitas_data (file, sha256, kode_kabupaten, aturan, tingkat, pesan, run_id)"
        " values (?, ?, ?, ?, ?, 'x', 'r1')",
        [file, f"sha {file}", kab, aturan, tingkat],
    )


@pytest.fixture(scope="module")
def mutu(tmp_path_factory):
    path = tmp_path_factory.mktemp("mutu") / "w.duckdb"
    with store.writing(path) as session:
        con = session.con
        for kab, kecs in KECAMATAN.items():
            con.execute("insert into wilayah_kabupaten values (?, '52', ?)", [kab, f"Kab {kab}"])
            con.executemany(
                "insert into wilayah_kecamatan values (?, ?, ?)", [(k, kab, f"Kec {k}") for k in kecs]
            )
        # 5201: D1 on time; nothing for D2; D3 with one of two kecamatan, uploaded the next morning at
        # 03:00 (late); D4 a rejected file, then a valid one at 02:00:00 sharp (on time: at the run).
        upload(con, "5201/d1.csv", D1, "loaded", at(D1, 18))
        upload(con, "5201/d3.csv", D3, "loaded", at(D4, 3), kecamatan=["520101"])
        upload(con, "5201/d4 salah.csv", D4, "rejected", at(D4, 17))
        upload(con, "5201/d4.csv", D4, "loaded", at(D5, 2))
        # 5208: finished (sudah = wajib) and always on time; a copy of D1 is ignored; a rejected file
        # dated D5 (a valid date) is the last date any file is for.
        for d in (D1, D2, D3, D4):
            upload(con, f"5208/{d}.csv", d, "loaded", at(d, 16), sudah=1000)
        upload(con, "5208/salinan.csv", D1, "duplicate", at(D1, 17))
        upload(con, "5208/d5 salah.csv", D5, "rejected", at(D5, 16))
        # 5272: D2's first file on time, its correction (500 fewer recorded) two days later; two
        # warnings in D3's file; a file dated D4 whose date is not valid does not count.
        upload(con, "5272/d1.csv", D1, "loaded", at(D1, 15))
        upload(con, "5272/d2.csv", D2, "superseded", at(D2, 15))
        upload(con, "5272/d2 revisi.csv", D2, "loaded", at(D3, 9), sudah=400)
        upload(con, "5272/d3.csv", D3, "loaded", at(D3, 15))
        upload(con, "5272/d4.csv", D4, "loaded", at(D4, 15))
        upload(con, "5272/tgl salah.csv", D4, "rejected", at(D4, 16))
        finding(con, "5272/d3.csv", "rekam_menurun", "warning")
        finding(con, "5272/d3.csv", "nama_tidak_sesuai", "warning")
        finding(con, "5272/tgl salah.csv", "tanggal_tidak_valid", "error")
        # 5271: its client's clock is years ahead; first seen is capped at the run that decided it.
        upload(con, "5271/d4.csv", D4, "loaded", datetime(2030, 1, 1, tzinfo=WITA))
        journal.record(con, "r1", DECIDED, every_file(con))
        marts.refresh(con)
        session.publish()
    with duckdb.connect(str(path), read_only=True) as con:
        result = con.execute("select * from mutu_kabupaten")
        columns = [c[0] for c in result.description]
        return {(r[1], r[0]): dict(zip(columns, r, strict=True)) for r in result.fetchall()}


def pick(row: dict, *names: str) -> tuple:
    return tuple(row[n] for n in names)


SCORES = (
    "hari_7",
    "persen_lapor_7",
    "persen_tepat_waktu_7",
    "persen_lengkap_7",
    "persen_ditolak_7",
    "koreksi_7",
    "terlambat_7",
    "peringatan_per_laporan_7",
    "skor_7",
)


def test_a_district_with_gaps_a_late_an_incomplete_report_and_a_rejected_file(mutu):
    # 4 days; reported D1, D3, D4: 75 %; on time D1 and D4 (02:00:00 is the run itself): 50 %;
    # kecamatan 2 + 1 + 2 of 2 x 3: 83.33 %; 1 of 4 files rejected: 25 %; D3 arrived late;
    # score (75 + 50 + 83.33 + 75) / 4
    assert pick(mutu[("5201", D4)], *SCORES) == (
        4,
        Decimal("75.00"),
        Decimal("50.00"),
        Decimal("83.33"),
        Decimal("25.00"),
        0,
        1,
        Decimal("0.00"),
        Decimal("70.83"),
    )
    assert pick(mutu[("5201", D2)], "lapor", "tepat_waktu", "berkas", "hari_7", "persen_lapor_7") == (
        False,
        False,
        0,
        2,
        Decimal("50.00"),
    )
    assert pick(
        mutu[("5201", D3)], "lapor", "tepat_waktu", "kecamatan_lapor", "kecamatan_total", "berkas_terlambat"
    ) == (True, False, 1, 2, 1)
    assert mutu[("5201", D4)]["pertama_masuk"] == at(D5, 2) == mutu[("5201", D4)]["batas_waktu"]


def test_a_finished_district_that_always_reports_on_time(mutu):
    # the copy of D1 is ignored (1 file that day), warnings none
    assert pick(mutu[("5208", D4)], *SCORES) == (
        4,
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("0.00"),
        0,
        0,
        Decimal("0.00"),
        Decimal("100.00"),
    )
    assert mutu[("5208", D1)]["berkas"] == 1


def test_a_negative_late_correction_warnings_and_a_file_without_a_valid_date(mutu):
    # D2 was on time (its first file), its correction is one correction and one late file; 5 files
    # counted (the one with an invalid date is not), none rejected; 2 warnings over 4 reports
    assert pick(mutu[("5272", D4)], *SCORES) == (
        4,
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("0.00"),
        1,
        1,
        Decimal("0.50"),
        Decimal("100.00"),
    )
    assert sum(mutu[("5272", d)]["berkas"] for d in (D1, D2, D3, D4)) == 5


def test_first_seen_is_capped_by_the_run_that_decided_the_file(mutu):
    # modified "in 2030": it cannot have arrived after the run that read it, which was late anyway
    row = mutu[("5271", D4)]
    assert row["pertama_masuk"] == DECIDED and not row["tepat_waktu"]
    assert pick(row, "persen_lapor_7", "persen_tepat_waktu_7", "skor_7") == (
        Decimal("25.00"),
        Decimal("0.00"),
        Decimal("56.25"),
    )


def test_the_series_runs_from_the_first_report_to_the_last_date_any_file_is_for(mutu):
    # D5 has only a rejected file (5208's), and is a day of every district; the invalid date adds nothing
    assert min(d for _, d in mutu) == D1 and max(d for _, d in mutu) == D5
    assert {k for k, d in mutu if d == D5} == set(KECAMATAN)
    assert pick(mutu[("5208", D5)], "lapor", "berkas", "berkas_ditolak", "hari_7", "persen_lapor_7") == (
        False,
        1,
        1,
        5,
        Decimal("80.00"),
    )


def test_the_30_day_window_is_cut_at_the_first_date(mutu):
    assert all(r["hari_30"] == r["hari_7"] == (d - D1).days + 1 for (_, d), r in mutu.items())


def test_first_seen_survives_a_re_decision(tmp_path):
    # A second run re-decides the file (its row gets a new run and the file a later modification
    # time): the journal's first entry keeps when it first arrived.
    path = tmp_path / "w.duckdb"
    with store.writing(path) as session:
        con = session.con
        con.execute("insert into wilayah_kabupaten values ('5272', '52', 'Kota Bima')")
        con.execute("insert into wilayah_kecamatan values ('527201', '5272', 'Rasanae Barat')")
        upload(con, "5272/d1.csv", D1, "loaded", at(D1, 15))
        journal.record(con, "r1", DECIDED, every_file(con))
        later = DECIDED + timedelta(days=3)
        con.execute("update unggahan set run_id = 'r2', diproses_pada = ?, diubah_pada = ?", [later, later])
        journal.record(con, "r2", later, every_file(con))
        marts.refresh(con)
        first, on_time = con.execute(
            "select pertama_masuk, tepat_waktu from mutu_kabupaten where tanggal = ?", [D1]
        ).fetchall()[0]
        session.publish()
    assert first == at(D1, 15) and on_time

"""`ektp check FILE --kabupaten K`: the receipt of every corpus file, exit 0/1, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest

from contract import formats
from ektp.cli import main
from tests import uploads
from tests.corpus import corpus

EXPECTED = corpus.expected()
BY_FILE = {e.file: e for e in EXPECTED}
FINDING = re.compile(r"^  - \[(error|warning)\] ([a-z_]+): ", re.MULTILINE)


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_server):
    """The corpus after its nightly: check compares with that warehouse, read-only."""
    return corpus.nightly_over_corpus(tmp_path_factory)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setenv("EKTP_TODAY", corpus.TODAY.isoformat())


def check(capsys, path, kabupaten, warehouse, *flags) -> tuple[int, str]:
    """Exit status and stdout of `ektp check`, run in-process."""
    code = main(["check", str(path), "--kabupaten", kabupaten, "--warehouse", str(warehouse), *flags])
    return code, capsys.readouterr().out


def fingerprint(folder) -> dict:
    """Every entry under `folder` with its size, mtime and (files) hash."""
    out = {}
    for p in folder.rglob("*"):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
        out[p.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns, digest)
    return out


@pytest.mark.parametrize("e", EXPECTED, ids=[e.file for e in EXPECTED])
def test_check_gives_the_verdict_of_the_nightly(run, capsys, e):
    # against the nightly's warehouse: exit 0 unless rejected, and exactly the table's aturan
    # (history warnings included: check compares with the published earlier reports)
    before, landing_before = fingerprint(run.warehouse.parent), corpus.snapshot(run.landing)
    code, out = check(capsys, run.landing / e.file, e.inbox, run.warehouse)
    assert code == (1 if e.status == "rejected" else 0), out
    assert {a for _, a in FINDING.findall(out)} == e.aturan, out
    # a file checked on its own has no newer copy or correction: it would be loaded
    assert ("Status: DITOLAK" in out) == (e.status == "rejected"), out
    # a dry run: the warehouse folder (DuckDB file, receipts, Data Docs) and the landing folder
    # (the archive: same files, bytes and modification times) are untouched
    assert fingerprint(run.warehouse.parent) == before
    assert corpus.snapshot(run.landing) == landing_before


# Without a warehouse: the files with history warnings, and one of each other kind.
WITHOUT_WAREHOUSE = [
    "5272/rekap_2018-04-07.csv",
    "5208/rekap_2018-04-06.csv",
    "5271/rekap_2018-04-05.csv",
    "5271/rekap_2018-04-04.csv",
    "5271/rekap_2018-04-04 revisi (1).csv",
    "5207/rekap_2018-04-03.xlsx",
    "5208/lebih_2018-04-12.csv",
    "5299/rekap_2018-04-12.csv",
    corpus.SYMLINK,
]


def test_check_without_a_warehouse_writes_nothing(run, capsys, tmp_path):
    # no warehouse yet: the same verdicts without history warnings, and no warehouse is created
    landing_before = corpus.snapshot(run.landing)
    warehouse = tmp_path / "belum_ada" / "ektp.duckdb"
    for e in (BY_FILE[f] for f in WITHOUT_WAREHOUSE):
        code, out = check(capsys, run.landing / e.file, e.inbox, warehouse)
        assert code == (1 if e.status == "rejected" else 0), (e.file, out)
        assert {a for _, a in FINDING.findall(out)} == e.aturan - corpus.HISTORY_RULES, (e.file, out)
    assert not warehouse.parent.exists()
    assert list(tmp_path.iterdir()) == []
    # the landing folder is the archive: same files, bytes and modification times
    assert corpus.snapshot(run.landing) == landing_before


def test_check_prints_every_finding_with_its_place(run, capsys):
    # the receipt names line, kecamatan, column and value of each finding, in text and JSON
    path = run.landing / "5208" / "angka_salah_2018-04-11.csv"
    code, out = check(capsys, path, "5208", run.warehouse)
    assert code == 1
    assert out.splitlines() == [
        "Tanda terima berkas: 5208/angka_salah_2018-04-11.csv",
        "Kabupaten/kota: 5208   Tanggal laporan: 11 April 2018",
        "Status: DITOLAK",
        "Baris kecamatan: 5   Kesalahan: 3   Peringatan: 0",
        "Temuan:",
        '  - [error] angka_tidak_valid: baris 2 (520801): wajib_ktp "9876,5" bukan bilangan bulat',
        '  - [error] angka_tidak_valid: baris 3 (520802): sudah_cetak "-12" negatif,'
        " harus bilangan bulat >= 0",
        "  - [error] angka_tidak_valid: baris 4 (520803): sudah_rekam kosong, harus diisi bilangan bulat",
        "Perbaiki temuan di atas lalu kirim ulang berkas ini; tidak ada angka yang dimuat dari berkas ini.",
    ]
    code, out = check(capsys, path, "5208", run.warehouse, "--json")
    receipt = json.loads(out)
    assert code == 1 and receipt["status"] == "rejected"
    assert [(f["baris"], f["kode_kecamatan"], f["kolom"], f["nilai"]) for f in receipt["temuan"]] == [
        (2, "520801", "wajib_ktp", "9876,5"),
        (3, "520802", "sudah_cetak", "-12"),
        (4, "520803", "sudah_rekam", ""),
    ]


def test_check_of_a_file_with_a_history_warning(run, capsys):
    # loaded (exit 0) with the warning against the published report of the day before
    code, out = check(capsys, run.landing / "5272" / "rekap_2018-04-07.csv", "5272", run.warehouse)
    assert code == 0
    assert "Status: DITERIMA (dimuat)" in out
    assert (
        "[warning] rekam_menurun: baris 4 (527203): sudah_rekam 9.734 turun dari 9.834"
        " pada laporan 6 April 2018" in out
    )


def test_check_of_a_new_day_warns_against_each_kecamatan_s_latest_report(run, capsys, tmp_path):
    # a day after every published report of Kota Bima: compared with each kecamatan's latest one
    # (warehouse.read.loaded_reports then reads no history); one kecamatan recorded fewer
    with uploads.reading(run.warehouse) as con:
        latest = con.execute(
            "select kode_kecamatan, tanggal, wajib_ktp, sudah_rekam from laporan_kecamatan_terakhir"
            " where kode_kabupaten = '5272' order by kode_kecamatan"
        ).fetchall()
    day = max(t for _, t, _, _ in latest) + timedelta(days=1)
    assert day <= corpus.TODAY
    (kode, tanggal, wajib, sudah), *others = latest
    lines = [uploads.row(day, kode, wajib, sudah - 100)]
    lines += [uploads.row(day, k, w, s) for k, _, w, s in others]
    path = uploads.write(tmp_path, "5272", f"rekap_{day}.csv", lines)
    code, out = check(capsys, path, "5272", run.warehouse)
    assert code == 0, out
    assert {a for _, a in FINDING.findall(out)} == {"rekam_menurun"}, out
    dotted = lambda n: f"{n:,}".replace(",", ".")  # noqa: E731
    warning = f"rekam_menurun: baris 2 ({kode}): sudah_rekam {dotted(sudah - 100)} turun dari {dotted(sudah)}"
    assert f"[warning] {warning} pada laporan {formats.tanggal(tanggal)}" in out, out  # `7 April 2018`


def test_check_under_another_kabupaten(run, capsys):
    # the same valid Kota Bima file checked as if Kota Mataram had sent it: every row is foreign
    code, out = check(capsys, run.landing / "5272" / "rekap_2018-04-01.csv", "5271", run.warehouse)
    assert code == 1
    assert {a for _, a in FINDING.findall(out)} == {"kecamatan_kabupaten_lain", "kecamatan_tidak_lapor"}


def test_check_of_a_missing_file_is_a_usage_error(run, capsys, tmp_path):
    # not a verdict: exit 2 with a clear line on stderr
    code = main(
        ["check", str(tmp_path / "tidak_ada.csv"), "--kabupaten", "5272", "--warehouse", str(run.warehouse)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "berkas tidak ada" in err
    # a folder is there: it is named as one
    (tmp_path / "rekap.csv").mkdir()
    code = main(
        ["check", str(tmp_path / "rekap.csv"), "--kabupaten", "5272", "--warehouse", str(run.warehouse)]
    )
    assert (
        code == 2
        and capsys.readouterr().err == f"ektp: galat: ini folder, bukan berkas: {tmp_path / 'rekap.csv'}\n"
    )


def test_check_of_a_file_whose_name_is_not_utf8(run, capsys, tmp_path):
    # an old Windows client's name (\xe9): the receipt names it escaped; check once crashed on it
    import os

    name = os.fsdecode(b"rekap_revisi_\xe9_2018-04-01.csv")
    path = tmp_path / name
    path.write_bytes((corpus.CORPUS / "landing" / "5272" / "rekap_2018-04-01.csv").read_bytes())
    code, out = check(capsys, path, "5272", run.warehouse)
    assert code == 0 and "Tanda terima berkas: 5272/rekap_revisi_\\xe9_2018-04-01.csv" in out


def test_several_files_at_once_get_the_receipts_they_get_alone(run):
    # the portal checks the uploads that arrive together in one call: each receipt must be the
    # one `ektp check` gives the file alone, also for two files of one district and date
    # (together in one round they would decide each other: superseded, duplicate)
    from contract.settings import Settings
    from pipeline.check import Checked, receipt, receipts

    settings = Settings.load(warehouse=run.warehouse, landing=run.landing)
    chosen = [BY_FILE[f] for f in WITHOUT_WAREHOUSE if f != corpus.SYMLINK]
    chosen += [chosen[0], chosen[0]]  # the same file twice: alone, neither is a duplicate
    files = [Checked(run.landing / e.file, e.inbox) for e in chosen]
    together = receipts(settings, files)
    assert together == [receipt(settings, f.path, f.kabupaten) for f in files]
    assert [r["status"] for r in together[-2:]] == ["loaded", "loaded"]


def test_a_receipt_by_the_rules_predicates_is_the_receipt_of_a_gx_run(run):
    # a check applies the rules through their Polars predicates (engine.PredicateValidator), not
    # a GX run: for every corpus file, the receipt a GX validation gives, word for word
    from contract.settings import Settings
    from expectations.engine import PredicateValidator, Validator
    from pipeline.check import Checked, receipts

    settings = Settings.load(warehouse=run.warehouse, landing=run.landing)
    files = [Checked(run.landing / e.file, e.inbox) for e in EXPECTED]
    predicates, gx = PredicateValidator(), Validator()
    assert receipts(settings, files, predicates) == receipts(settings, files, gx)
    assert predicates.runs == gx.runs > 0


def test_check_bounds_every_part_of_a_workbook(capsys, tmp_path):
    # not only the first sheet: a workbook whose shared strings unpack past 50 MB is refused by
    # `ektp check` as by the nightly (the portal's checker runs this same code), naming the part
    from tests.hostile.corpus import report_workbook, swollen

    path = tmp_path / "teks_2018-04-02.xlsx"
    path.write_bytes(swollen(report_workbook(), {"xl/sharedStrings.xml": 51 * 1024 * 1024}))
    code, out = check(capsys, path, "5201", tmp_path / "belum_ada.duckdb")
    assert code == 1
    assert FINDING.findall(out) == [("error", "berkas_terlalu_besar")]
    assert "bagian xl/sharedStrings.xml berisi lebih dari 52.428.800 byte setelah dibuka" in out


def test_check_shows_hidden_characters_of_values_escaped(capsys, tmp_path):
    # a no-break space inside a count, a zero-width space in a code, a byte order mark in a name:
    # each finding's value and sentence show them escaped, never as an ordinary space or nothing;
    # a date written with no-break spaces still reads (parsing folds them like spaces)
    path = tmp_path / "rekap_2018-04-02.csv"
    path.write_text(
        "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam\n"
        "2018-04-02,520101,Gerung,12\xa0345,100\n"
        "2018-04-02,520102\u200b,Kediri,9000,8000\n"
        "2\xa0April\xa02018,520103,\ufeffNarmada,9000,8000\n",
        encoding="utf-8",
    )
    code, out = check(capsys, path, "5201", tmp_path / "belum_ada.duckdb", "--json")
    shown = {(f["aturan"], f["nilai"], f["pesan"]) for f in json.loads(out)["temuan"] if f["nilai"]}
    assert shown == {
        ("angka_tidak_valid", "12\\xa0345", 'baris 2 (520101): wajib_ktp "12\\xa0345" bukan bilangan bulat'),
        (
            "kecamatan_tidak_dikenal",
            "520102\\u200b",
            'baris 3: kode kecamatan "520102\\u200b" tidak berbentuk 520101 atau 52.01.01',
        ),
        (
            "nama_tidak_sesuai",
            "\\ufeffNarmada",
            'baris 4 (520103): nama kecamatan "\\ufeffNarmada" berbeda dengan nama Kemendagri "Narmada"',
        ),
    }
    assert code == 1 and "tanggal_tidak_valid" not in out


def test_a_check_never_imports_gx(tmp_path):
    # the portal's checker and `ektp check` run in processes that never load GX (~4 s of CPU and
    # a few hundred MB): a fresh interpreter checks a file and GX is not among its modules
    from tests.uploads import KOTA_BIMA, day_file

    path = day_file(tmp_path / "landing", "5272", KOTA_BIMA, corpus.TODAY, base=5_000, step=10)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from contract.settings import Settings\n"
        "from pipeline.check import receipt\n"
        f"settings = Settings.load(warehouse=Path({str(tmp_path / 'w.duckdb')!r}))\n"
        f"r = receipt(settings, Path({str(path)!r}), '5272')\n"
        "print(r['status'], 'great_expectations' in sys.modules)\n"
    )
    env = {**os.environ, "EKTP_TODAY": corpus.TODAY.isoformat()}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["loaded", "False"]

"""The whole bad-input corpus through ONE real nightly run: every file's verdict is the table's."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from contract.rules import LOCK, RULES
from tests.corpus import corpus
from tests.uploads import one

EXPECTED = corpus.expected()
BY_FILE = {e.file: e for e in EXPECTED}


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_server):
    return corpus.nightly_over_corpus(tmp_path_factory)


def decided(run) -> dict[str, tuple[str, frozenset[str]]]:
    """file -> (status, set of aturan) as the warehouse holds them."""
    found: dict[str, set[str]] = defaultdict(set)
    for file, aturan in one(run.warehouse, "select file, aturan from kualitas_data"):
        found[file].add(aturan)
    return {
        file: (status, frozenset(found[file]))
        for file, status in one(run.warehouse, "select file, status from unggahan")
    }


# --- the table itself ---------------------------------------------------------------------------


# Rules about a file's bytes; a lock is about the warehouse's state (tests/flows/test_kunci.py).
FILE_RULES = {a: rule for a, rule in RULES.items() if rule.diperiksa != LOCK}


def test_corpus_is_large_and_breaks_every_rule():
    # at least 40 files, and every aturan of CONTRACT §2 (errors and warnings) is expected somewhere
    assert len(EXPECTED) >= 40 and len(BY_FILE) == len(EXPECTED)
    assert set().union(*(e.aturan for e in EXPECTED)) == set(FILE_RULES)
    assert {e.status for e in EXPECTED} == {"loaded", "rejected", "superseded", "duplicate"}


def test_each_error_rule_alone_rejects_a_file():
    # every error rule has a file it breaks on its own, so its verdict cannot hide behind another rule
    alone = {next(iter(e.aturan)) for e in EXPECTED if len(e.aturan) == 1 and e.status == "rejected"}
    assert alone == {a for a, rule in FILE_RULES.items() if rule.tingkat == "error"}


def test_the_table_lists_exactly_the_files_of_the_landing_folder(tmp_path):
    # committed files + make_xlsx.py + the files the fixture makes = the table's rows, no more, no less
    landing = corpus.build(tmp_path)
    assert corpus.files_under(landing) == set(BY_FILE)
    committed = corpus.files_under(corpus.CORPUS / "landing")
    assert committed == {e.file for e in EXPECTED if e.sumber == "berkas"}
    # committed files stay small (the 100,000- and 100,001-line files are made at test time)
    assert max((corpus.CORPUS / "landing" / f).stat().st_size for f in committed) < 4_000
    assert len((landing / corpus.BIG_FILE).read_text().splitlines()) == corpus.BIG_LINES


# --- one nightly over the whole corpus --------------------------------------------------------


def test_every_file_gets_the_status_and_findings_of_the_table(run):
    # one row per file in unggahan, with the table's status and exactly its set of aturan
    got = decided(run)
    want = {e.file: (e.status, e.aturan) for e in EXPECTED}
    wrong = {f: (got.get(f), want.get(f)) for f in got.keys() | want.keys() if got.get(f) != want.get(f)}
    assert wrong == {}


def test_one_gx_run_for_the_uploads_and_one_for_the_history(run):
    # the batch design: GX runs do not grow with the number of files
    assert run.summary["berkas_diproses"] == len(EXPECTED)
    assert run.summary["gx_runs"] == 2


def test_good_files_load_despite_the_bad_ones(run):
    # every valid file of the run is current for its district and date, with all its kecamatan
    loaded = {e.file for e in EXPECTED if e.status == "loaded"}
    rows = dict(one(run.warehouse, "select file_sumber, count(*) from progres_kecamatan group by 1"))
    assert set(rows) == loaded
    assert rows["5205/dompu_2018-04-02.csv"] == 7  # the file that left out one kecamatan
    assert rows["5207/rekap_2018-04-03.xlsx"] == 8  # the JUMLAH row is not a kecamatan
    # the province sums the districts' latest reports (5205, 5207, 5208, 5271, 5272 reported)
    assert one(run.warehouse, "select max(kabupaten_lapor) from progres_provinsi") == [(5,)]


def test_no_row_of_a_rejected_file_is_kept(run):
    # figures come only from valid files: nothing of a rejected one in progres_kecamatan or riwayat
    rejected = [e.file for e in EXPECTED if e.status == "rejected"]
    for table, column in (("progres_kecamatan", "file_sumber"), ("riwayat_kecamatan", "file")):
        assert one(
            run.warehouse, f"select count(*) from {table} where {column} in (select unnest(?))", [rejected]
        ) == [(0,)]
    # the superseded file keeps its rows in riwayat (audit), the duplicate none
    assert one(
        run.warehouse,
        "select file, count(*) from riwayat_kecamatan where file like '5271/rekap_2018-04-04%'"
        " group by 1 order by 1",
    ) == [
        ("5271/rekap_2018-04-04 revisi.csv", 6),
        ("5271/rekap_2018-04-04.csv", 6),
    ]


def test_report_dates_of_files_that_could_not_be_read_or_agreed(run):
    # unggahan.tanggal: the contents' date, else the file name's, else null
    dates = dict(one(run.warehouse, "select file, tanggal from unggahan"))
    assert dates["5208/kosong_2018-04-17.csv"] == date(2018, 4, 17)  # 0 bytes: from the name
    assert dates[corpus.SYMLINK] == date(2018, 4, 12)  # never read: from the name
    # the contents win, and it is rejected
    assert dates["5272/rekap_2018-04-18.csv"] == date(2018, 4, 19)
    assert dates["5208/rekap lombok utara.csv"] == date(2018, 4, 2)  # from the title line
    assert dates["5272/rekap_campur.csv"] is None  # rows disagree, nothing else dates it
    assert dates["5272/bukan_excel.xlsx"] is None


# --- what the operator reads ------------------------------------------------------------------

ROW_RULES = {
    "kecamatan_tidak_dikenal",
    "kecamatan_kabupaten_lain",
    "kecamatan_ganda",
    "angka_tidak_valid",
    "rekam_melebihi_wajib",
    "belum_rekam_tidak_sesuai",
    "cetak_melebihi_rekam",
    "keliling_melebihi_harian",
    "nama_tidak_sesuai",
    "rekam_menurun",
    "rekam_harian_tidak_sesuai",
    "wajib_ktp_melonjak",
}


def test_row_findings_name_line_kecamatan_column_and_value(run):
    # a finding on a kecamatan row says where (line, 6-digit code), which column and which value,
    # and its message starts with the same place: "baris 7 (520304): ..."
    rows = one(
        run.warehouse,
        "select aturan, baris, kode_kecamatan, kolom, nilai, pesan from kualitas_data"
        " where aturan in (select unnest(?))",
        [sorted(ROW_RULES)],
    )
    assert {r[0] for r in rows} == ROW_RULES
    for aturan, baris, kode, kolom, nilai, pesan in rows:
        assert baris and re.fullmatch("52[0-9]{4}", kode) and kolom and nilai is not None, (aturan, pesan)
        assert pesan.startswith(f"baris {baris} ({kode}): "), pesan


def test_other_findings_name_what_exists(run):
    # a JUMLAH row has a line but no kecamatan; a missing kecamatan has a code but no line;
    # header findings point at the header line and the column; date findings at `tanggal`
    rows = one(
        run.warehouse,
        "select aturan, baris, kode_kecamatan, kolom, nilai from kualitas_data"
        " where aturan not in (select unnest(?))"
        " and aturan not in ('berkas_tidak_terbaca', 'berkas_terlalu_besar')",
        [sorted(ROW_RULES)],
    )
    for aturan, baris, kode, kolom, nilai in rows:
        if aturan == "jumlah_tidak_sesuai":
            assert baris and kode is None and kolom and nilai
        elif aturan == "kecamatan_tidak_lapor":
            assert baris is None and kode == "520508" and kolom == "kode_kecamatan"
        elif aturan in ("kolom_hilang", "kolom_ganda"):
            assert baris == 1 and kolom in ("wajib_ktp", "sudah_rekam")
        else:
            assert aturan == "tanggal_tidak_valid" and kolom == "tanggal"


ALASAN = {
    # rejected: the errors, each with line, kecamatan, column and values
    "5208/lebih_2018-04-12.csv": "baris 4 (520803): sudah_rekam 11.417 lebih besar dari wajib_ktp 11.407",
    "5208/belum_2018-04-13.csv": "baris 5 (520804): belum_rekam 1.972 tidak sama dengan"
    " wajib_ktp - sudah_rekam = 12.644 - 10.772 = 1.872",
    "5208/cetak_2018-04-14.csv": "baris 6 (520805): sudah_cetak 12.093 lebih besar dari sudah_rekam 12.092",
    "5208/keliling_2018-04-15.csv": "baris 2 (520801): rekam_keliling 50 lebih besar dari rekam_hari_ini 35",
    "5208/jumlah_2018-04-16.csv": "baris 7: JUMLAH sudah_rekam 48.210 tidak sama dengan"
    " jumlah baris kecamatan 48.110",
    "5208/besar_2018-04-19.csv": "baris 100000: JUMLAH wajib_ktp 57.036 tidak sama dengan"
    " jumlah baris kecamatan 57.035",
    corpus.OVER_FILE: "berkas lebih dari 100.000 baris; laporan satu kabupaten sekitar 30 baris",
    "5208/angka_salah_2018-04-11.csv": 'baris 2 (520801): wajib_ktp "9876,5" bukan bilangan bulat; '
    'baris 3 (520802): sudah_cetak "-12" negatif, harus bilangan bulat >= 0; '
    "baris 4 (520803): sudah_rekam kosong, harus diisi bilangan bulat",
    "5272/kode_asing_2018-04-13.csv": 'baris 7 (527206): kode kecamatan "527206"'
    " tidak ada dalam daftar Kemendagri",
    "5272/kab_lain_2018-04-14.csv": "baris 7 (527101): kecamatan Ampenan milik kabupaten 5271, bukan 5272",
    "5272/ganda_2018-04-15.csv": "baris 4 (527203): kecamatan 527203 muncul lebih dari sekali; "
    "baris 5 (527203): kecamatan 527203 muncul lebih dari sekali",
    "5272/rekam_ganda_2018-04-12.csv": 'kolom "Rekam" dan "Sudah Rekam" sama-sama berarti sudah_rekam;'
    " hapus salah satu",
    "5272/tanpa_wajib_2018-04-11.csv": "kolom wajib_ktp tidak ada",
    "5272/rekap_2018-04-18.csv": "tanggal 19 April 2018 di isi berkas berbeda dengan nama berkas"
    " 18 April 2018",
    "5272/rekap_campur.csv": "baris 6 (527205): tanggal 17 April 2018 berbeda dengan"
    " tanggal baris lain 18 April 2018",
    "5272/tgl_salah_2018-04-17.csv": 'baris 4 (527203): tanggal "17/04/18": tulis tahunnya dengan empat'
    " angka, mis. 12/04/2018",
    "5272/rekap_lama.csv": "tanggal 31 Desember 2010 sebelum 1 Januari 2011 (awal program e-KTP)",
    "5272/rekap_depan.csv": "tanggal 25 April 2018 melewati hari ini (21 April 2018)",
    "5208/kutip_2018-04-18.csv": "format CSV rusak mulai baris 3:"
    ' tanda kutip (") dibuka tetapi tidak pernah ditutup',
    "5208/kosong_2018-04-17.csv": "berkas kosong (0 byte)",
    "5208/surat pengantar.pdf": "jenis berkas .pdf tidak diterima; kirim .csv, .txt atau .xlsx",
    "5299/rekap_2018-04-12.csv": "folder 5299 bukan kode kabupaten/kota dalam cakupan",
    "rekap_2018-04-12.csv": "berkas langsung di folder landing, bukan di folder kabupaten",
    corpus.SYMLINK: "tautan simbolik tidak diikuti",
    # loaded with warnings: the warnings, marked as such
    "5272/rekap_2018-04-07.csv": "peringatan: baris 4 (527203): sudah_rekam 9.734 turun dari 9.834"
    " pada laporan 6 April 2018",
    "5208/rekap_2018-04-06.csv": "peringatan: baris 3 (520802): rekam_hari_ini 53 tidak sama dengan"
    " kenaikan sudah_rekam sejak laporan 5 April 2018: 7.922 menjadi 7.960 = 38",
    "5271/rekap_2018-04-05.csv": "peringatan: baris 5 (527104): wajib_ktp 13.755 berubah +6,18 %"
    " dari 12.955 pada laporan 4 April 2018",
    "5205/dompu_2018-04-02.csv": "peringatan: kecamatan 520508 (Pajo) tidak ada dalam berkas",
    "5205/dompu_2018-04-03.csv": 'peringatan: baris 6 (520505): nama kecamatan "Woja Dompu"'
    ' berbeda dengan nama Kemendagri "Woja"',
    # the others say what happened to them
    "5271/rekap_2018-04-04.csv": "digantikan oleh berkas yang lebih baru untuk tanggal yang sama",
    "5271/rekap_2018-04-04 revisi (1).csv": "salinan persis berkas sebelumnya; diabaikan",
    "5271/rekap_2018-04-04 revisi.csv": None,
}


@pytest.mark.parametrize("file", sorted(ALASAN))
def test_alasan_reads_as_a_sentence_for_the_operator(run, file):
    # unggahan.alasan: short Indonesian, naming line, kecamatan, column and values
    assert one(run.warehouse, "select alasan from unggahan where file = ?", [file]) == [(ALASAN[file],)]


def test_every_rejected_file_has_a_short_reason(run):
    # no rejected file without a reason, and no reason longer than five findings' worth
    for file, alasan in one(run.warehouse, "select file, alasan from unggahan where status = 'rejected'"):
        assert alasan and len(alasan) < 600, file

"""parse_uploads: records -> canonical kecamatan rows + parse-level findings (CONTRACT §1, §2)."""

from __future__ import annotations

import textwrap
from datetime import date

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from contract.columns import FINDING_SCHEMA, ROW_SCHEMA
from contract.formats import angka as format_count
from landing.records import read_records, records_of
from transforms.cells import format_count_expr
from transforms.header import HEADER_SHOWN, header_text
from transforms.uploads import ParsedUpload, parse_uploads, unreadable_upload

TODAY = date(2018, 4, 20)
HEADER = "kode_kecamatan;nama_kecamatan;wajib_ktp;sudah_rekam"


def raw(text: str) -> pl.DataFrame:
    """A raw cell table from `;`-separated lines as read_cells gives it (blank lines counted, empty
    cells null)."""
    lines = textwrap.dedent(text).strip("\n").split("\n")
    rows = [(n, line.split(";")) for n, line in enumerate(lines, 1) if line.strip(" ;")]
    width = max(len(cells) for _, cells in rows)
    columns = {"baris": [n for n, _ in rows]}
    for i in range(width):
        columns[f"c{i}"] = [(cells[i] or None) if i < len(cells) else None for _, cells in rows]
    return pl.DataFrame(columns, schema={"baris": pl.Int64, **{f"c{i}": pl.String for i in range(width)}})


def parse(text: str, name: str = "rekap.csv", today: date = TODAY) -> ParsedUpload:
    """parse_upload on inline text, checking the output schemas every time."""
    parsed = parse_uploads([(name, records_of(raw(text)))], today)[0]
    assert parsed.rows.schema == pl.Schema(ROW_SCHEMA)
    assert parsed.findings.schema == pl.Schema(FINDING_SCHEMA)
    return parsed


def rules(parsed: ParsedUpload) -> list[tuple]:
    """(baris, kode_kecamatan, kolom, nilai, aturan) of every finding."""
    return parsed.findings.select("baris", "kode_kecamatan", "kolom", "nilai", "aturan").rows()


def messages(parsed: ParsedUpload) -> list[str]:
    return parsed.findings.get_column("pesan").to_list()


def counts(parsed: ParsedUpload, column: str = "wajib_ktp") -> list:
    return parsed.rows.get_column(column).to_list()


# --- a clean file ------------------------------------------------------------------------------


def test_clean_file_with_title_block_and_total_row():
    # the happy path: title lines, header, kecamatan rows, a correct JUMLAH row (never loaded)
    parsed = parse(
        """
        LAPORAN PEREKAMAN E-KTP KABUPATEN LOMBOK TENGAH
        Per tanggal 12 April 2018

        No;Kode Kec.;Nama Kecamatan;Wajib KTP;Sudah Rekam;Belum Rekam;Rekam Hari Ini;Rekam Keliling;Sudah Cetak;Keterangan
        1;52.03.01;Praya;12.345;12.000;345;10;2;11.000;
        2;520302;Jonggat;9,876;9,800;76;0;0;9,700;aman
        JUMLAH;;;22.221;21.800;421;10;2;20.700;
        """  # noqa: E501 (a header row as districts write it, kept whole)
    )
    assert parsed.tanggal == date(2018, 4, 12)
    assert parsed.findings.height == 0
    expected = pl.DataFrame(
        [
            (5, "520301", "Praya", 12345, 12000, 345, 10, 2, 11000),
            (6, "520302", "Jonggat", 9876, 9800, 76, 0, 0, 9700),
        ],
        schema=ROW_SCHEMA,
        orient="row",
    )
    assert_frame_equal(parsed.rows, expected)


def test_optional_columns_absent_are_null():
    # rekam_hari_ini etc. absent -> null columns, no finding
    parsed = parse(f"{HEADER}\n520301;Praya;10;5", name="2018-04-12.csv")
    assert parsed.findings.height == 0
    assert parsed.rows.row(0) == (2, "520301", "Praya", 10, 5, None, None, None, None)


def test_empty_optional_cell_is_null_without_finding():
    # an empty optional cell is null, not an error
    parsed = parse(f"{HEADER};sudah_cetak\n520301;Praya;10;5;", name="2018-04-12.csv")
    assert parsed.findings.height == 0 and counts(parsed, "sudah_cetak") == [None]


# --- header ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "KODE KEC.;Kecamatan;Jumlah Wajib KTP;Perekaman",
        "kode-wilayah;NAMA_KEC;WKTP;Jumlah Rekam",
        " Kode ; nama kecamatan ; wajib.ktp ; sudah__rekam ",
        "_kode_kecamatan_;-nama-kec-;Wajib  KTP;REKAM",
    ],
)
def test_header_aliases_case_and_separators(header):
    # aliases, any case, spaces/dots/hyphens/underscores alike, separators at the ends ignored
    parsed = parse(f"{header}\n520301;Praya;10;5", name="2018-04-12.csv")
    assert parsed.findings.height == 0
    assert parsed.rows.select("kode_kecamatan", "nama_kecamatan", "wajib_ktp", "sudah_rekam").row(0) == (
        "520301",
        "Praya",
        10,
        5,
    )


def test_unknown_columns_are_ignored():
    # a running number, remarks and anything else are not read
    parsed = parse(f"No;{HEADER};Keterangan;Persen\n1;520301;Praya;10;5;catatan;50%", name="2018-04-12.csv")
    assert parsed.findings.height == 0 and counts(parsed) == [10]


def test_ten_title_lines_are_allowed():
    # up to 10 non-blank title lines may precede the header
    titles = "\n".join(f"judul {i}" for i in range(10))
    assert parse(f"{titles}\n\n{HEADER}\n520301;Praya;10;5", name="2018-04-12.csv").findings.height == 0


def test_eleven_title_lines_hide_the_header():
    # the header must be within the first 11 non-blank rows
    titles = "\n".join(f"judul {i}" for i in range(11))
    parsed = parse(f"{titles}\n{HEADER}\n520301;Praya;10;5", name="2018-04-12.csv")
    assert rules(parsed) == [(None, None, None, None, "berkas_tidak_terbaca")]
    assert parsed.tanggal == date(2018, 4, 12)  # still dated from the name
    assert parsed.rows.height == 0


def test_one_known_word_is_not_a_header():
    # a title word such as "Kecamatan" alone does not make a header row
    parsed = parse("Kecamatan\n520301;10;5")
    assert [f[4] for f in rules(parsed)] == ["berkas_tidak_terbaca"]
    assert "baris judul kolom tidak ditemukan" in messages(parsed)[0]


def test_header_without_kecamatan_rows():
    # a header and nothing below it (or only notes) is unreadable
    parsed = parse(f"{HEADER}\n;catatan: belum ada data", name="2018-04-12.csv")
    assert rules(parsed) == [(None, None, None, None, "berkas_tidak_terbaca")]
    assert messages(parsed) == ["tidak ada baris kecamatan di bawah baris judul kolom (baris 1)"]


@pytest.mark.parametrize("missing", ["kode_kecamatan", "wajib_ktp", "sudah_rekam"])
def test_required_column_missing(missing):
    # kode_kecamatan, wajib_ktp and sudah_rekam are required; counts are not checked then
    header = ";".join(c for c in HEADER.split(";") if c != missing)
    parsed = parse(f"judul\n{header}\n520301;Praya;x", name="2018-04-12.csv")
    assert rules(parsed) == [(2, None, missing, None, "kolom_hilang")]
    assert messages(parsed) == [f"kolom {missing} tidak ada"]
    assert parsed.rows.height == 0


@pytest.mark.parametrize(
    ("typed", "missing"),
    [
        ("Wajib KPT", "wajib_ktp"),
        ("sudah rekm", "sudah_rekam"),
        ("Kode Kecamtan", "kode_kecamatan"),
        ("wajib ktpp", "wajib_ktp"),
    ],
)
def test_a_misspelt_required_column_is_named_beside_the_missing_one(typed, missing):
    # it said only "kolom wajib_ktp tidak ada" to an office whose header read `Wajib KPT`
    header = ";".join(typed if c == missing else c for c in HEADER.split(";"))
    parsed = parse(f"{header}\n520301;Praya;10;5", name="2018-04-12.csv")
    assert messages(parsed) == [
        f'kolom {missing} tidak ada; kolom "{typed}" tidak dikenali: salah ketik? tulis {missing}'
    ]


def test_a_header_nothing_like_a_missing_column_names_none():
    header = ";".join("jumlah penduduk" if c == "wajib_ktp" else c for c in HEADER.split(";"))
    parsed = parse(f"{header}\n520301;Praya;10;5", name="2018-04-12.csv")
    assert messages(parsed) == ["kolom wajib_ktp tidak ada"]


def test_duplicate_column_meaning():
    # `Rekam` and `Sudah Rekam` mean the same column: the file is invalid
    parsed = parse("kode;wajib_ktp;Rekam;Sudah Rekam\n520301;10;5;5", name="2018-04-12.csv")
    assert rules(parsed) == [(1, None, "sudah_rekam", '"Rekam" dan "Sudah Rekam"', "kolom_ganda")]
    assert messages(parsed) == [
        'kolom "Rekam" dan "Sudah Rekam" sama-sama berarti sudah_rekam; hapus salah satu'
    ]


def test_repeated_name_column_uses_the_first():
    # two name columns are allowed; the first one is used
    parsed = parse(
        "kode;Kecamatan;nama_kecamatan;wajib_ktp;rekam\n520301;Praya;PRAYA KOTA;10;5", name="2018-04-12.csv"
    )
    assert parsed.findings.height == 0 and parsed.rows.get_column("nama_kecamatan").to_list() == ["Praya"]


# --- the file's own headers (issue #21 item 8) ------------------------------------------------


def test_the_file_keeps_its_own_header_of_each_column_it_spells_otherwise():
    # "Sudah Rekam", "KODE_KEC": kept beside the canonical name, in the header's order; a header
    # that is the canonical name (wajib_ktp) is not kept, there is nothing to add to it
    parsed = parse(
        "No;KODE_KEC;Kecamatan;wajib_ktp;Sudah Rekam;Cetak\n1;520301;Praya;10;5;x", name="2018-04-12.csv"
    )
    assert parsed.kolom_berkas == (
        ("kode_kecamatan", "KODE_KEC"),
        ("nama_kecamatan", "Kecamatan"),
        ("sudah_rekam", "Sudah Rekam"),
        ("sudah_cetak", "Cetak"),
    )
    # the finding itself still names the canonical column
    assert rules(parsed) == [(2, "520301", "sudah_cetak", "x", "angka_tidak_valid")]
    assert parse(f"{HEADER}\n520301;Praya;10;5", name="2018-04-12.csv").kolom_berkas == ()


def test_a_doubled_column_keeps_no_header_and_a_repeated_name_column_its_first():
    # no row reads a doubled column (its finding names both headers); the name column used is the first
    parsed = parse(
        "kode;Kecamatan;Nama Kec;wajib_ktp;Rekam;Sudah Rekam\n520301;A;B;10;5;5", name="2018-04-12.csv"
    )
    assert parsed.kolom_berkas == (("kode_kecamatan", "kode"), ("nama_kecamatan", "Kecamatan"))


def test_a_header_that_still_matches_is_kept_escaped_and_bounded():
    # a no-break or ideographic space matches as a space and is shown escaped; a header padded
    # to 5,000 characters still matches and is cut to HEADER_SHOWN characters
    padded = "Sudah" + "_" * 4990 + "Rekam"
    parsed = parse(f"kode;Wajib\xa0KTP;{padded};Sudah\u3000Cetak\n520301;10;5;4", name="2018-04-12.csv")
    assert parsed.findings.height == 0
    shown = dict(parsed.kolom_berkas)
    assert shown["wajib_ktp"] == "Wajib\\xa0KTP"
    assert shown["sudah_cetak"] == "Sudah\\u3000Cetak"
    assert (
        len(shown["sudah_rekam"]) == HEADER_SHOWN and shown["sudah_rekam"] == padded[: HEADER_SHOWN - 1] + "…"
    )


def test_hostile_headers_read_from_bytes_are_never_kept_raw():
    # through the CSV reader: a right-to-left override or a zero-width space makes a header no
    # column (escaped at the door, it matches nothing); markup is no column either
    header = "kode;\u202eWajib KTP;<script>alert(1)</script>;Sudah\u200bRekam;rekam;Wajib\xa0KTP"
    data = f"{header}\n520301;1;2;3;5;10\n"
    (parsed,) = parse_uploads([("2018-04-12.csv", read_records("2018-04-12.csv", data.encode()))], TODAY)
    assert parsed.findings.height == 0
    assert parsed.kolom_berkas == (
        ("kode_kecamatan", "kode"),
        ("sudah_rekam", "rekam"),
        ("wajib_ktp", "Wajib\\xa0KTP"),
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\u202eSudah Rekam", "\\u202eSudah Rekam"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # markup: the page's autoescape
        ("Sudah\xa0Rekam", "Sudah\\xa0Rekam"),
        ("  Sudah Rekam\u200b ", "Sudah Rekam\\u200b"),
        ("x" * 5000, "x" * (HEADER_SHOWN - 1) + "…"),
    ],
)
def test_header_text_escapes_bounds_and_is_idempotent(text, shown):
    assert header_text(text) == shown
    assert header_text(shown) == shown


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("12345", 12345),
        ("12.345", 12345),
        ("12,345", 12345),
        ("  1.234.567 ", 1234567),
        ("0", 0),
        ("1.000", 1000),
        ("007", 7),
    ],
)
def test_accepted_number_spellings(cell, value):
    # digits, or thousands groups of exactly 3 with `.` or `,`, with surrounding spaces
    parsed = parse(f"{HEADER}\n520301;Praya;{cell};0", name="2018-04-12.csv")
    assert parsed.findings.height == 0 and counts(parsed) == [value]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("1234.5", '"1234.5" bukan bilangan bulat'),
        ("1,5", '"1,5" bukan bilangan bulat'),
        ("12.34", '"12.34" bukan bilangan bulat'),
        ("1.234,567", '"1.234,567" bukan bilangan bulat'),
        ("12 345", '"12 345" bukan bilangan bulat'),
        ("12.41O", '"12.41O" bukan bilangan bulat'),
        ("sepuluh", '"sepuluh" bukan bilangan bulat'),
        ("-5", '"-5" negatif, harus bilangan bulat >= 0'),
        # a dash, as a sheet shows nothing or Excel a zero: it was said to be negative
        ("-", '"-" bukan angka; tulis 0 bila nilainya nol'),
        ("\u2013", '"\u2013" bukan angka; tulis 0 bila nilainya nol'),
        ("--", '"--" bukan angka; tulis 0 bila nilainya nol'),
        (
            "99999999999999999999",
            '"99999999999999999999" melebihi 10.000.000; tidak ada kecamatan sebesar itu (NIK tertempel?)',
        ),
        ("10.000.001", '"10.000.001" melebihi 10.000.000; tidak ada kecamatan sebesar itu (NIK tertempel?)'),
        ("#DIV/0!", '"#DIV/0!" adalah sel galat Excel, bukan angka'),
        ("=SUM(C2:C3)", "berisi rumus tanpa nilai tersimpan; simpan ulang berkas di Excel"),
    ],
)
def test_rejected_number_spellings(cell, problem):
    # decimals, mixed separators, text, negatives and overflow: null in rows plus a finding
    parsed = parse(f"judul\n\n{HEADER}\n520301;Praya;10;{cell}", name="2018-04-12.csv")
    assert rules(parsed) == [(4, "520301", "sudah_rekam", cell, "angka_tidak_valid")]
    assert messages(parsed) == [f"baris 4 (520301): sudah_rekam {problem}"]
    assert counts(parsed, "sudah_rekam") == [None] and counts(parsed) == [10]


def test_invalid_optional_count_is_an_error_too():
    # an optional column, when filled, must hold a whole number as well
    parsed = parse(f"{HEADER};rekam_keliling\n520301;Praya;10;5;dua", name="2018-04-12.csv")
    assert rules(parsed) == [(2, "520301", "rekam_keliling", "dua", "angka_tidak_valid")]


def test_empty_required_count():
    # an empty wajib_ktp or sudah_rekam cell is an invalid number
    parsed = parse(f"{HEADER}\n520301;Praya;;5\n520302;Jonggat;10; ", name="2018-04-12.csv")
    assert rules(parsed) == [
        (2, "520301", "wajib_ktp", "", "angka_tidak_valid"),
        (3, "520302", "sudah_rekam", "", "angka_tidak_valid"),
    ]
    assert messages(parsed)[0] == "baris 2 (520301): wajib_ktp kosong, harus diisi bilangan bulat"


def test_code_with_no_figures_is_a_kecamatan_with_empty_counts():
    # a kecamatan listed but not filled in is an error, not silently skipped
    parsed = parse(f"{HEADER}\n520301;Praya;;", name="2018-04-12.csv")
    assert [r[2] for r in rules(parsed)] == ["wajib_ktp", "sudah_rekam"]


# --- codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("520301", "520301"),
        ("52.03.01", "520301"),
        (" 52.03.01 ", "520301"),
        ("5203O1", "5203O1"),
        ("52-03-01", "52-03-01"),
    ],
)
def test_codes(cell, code):
    # 6 digits or dotted 52.03.01 -> 6 digits; anything else kept stripped for a later stage
    parsed = parse(f"{HEADER}\n{cell};Praya;10;5", name="2018-04-12.csv")
    assert parsed.findings.height == 0 and parsed.rows.get_column("kode_kecamatan").to_list() == [code]


def test_finding_on_unreadable_code_has_no_kode():
    # kode_kecamatan in a finding is the 6-digit form only when it can be read
    parsed = parse(f"{HEADER}\n5203O1;Praya;x;5", name="2018-04-12.csv")
    assert rules(parsed) == [(2, None, "wajib_ktp", "x", "angka_tidak_valid")]
    assert messages(parsed) == ['baris 2: wajib_ktp "x" bukan bilangan bulat']


def test_row_with_figures_but_no_code_goes_on_to_the_suites():
    # such a row is not a kecamatan: it is handed on without code or counts, for the WILAYAH suite
    # to find unknown (expectations/test_uploads.py), and it is not counted as a kecamatan row
    parsed = parse(f"{HEADER}\n520301;Praya;10;5\n;Praya Barat Daya;20;7\n;;3;1", name="2018-04-12.csv")
    assert parsed.findings.height == 0
    assert parsed.rows.select("baris", "kode_kecamatan", "nama_kecamatan", "wajib_ktp").rows() == [
        (2, "520301", "Praya", 10),
        (3, None, "Praya Barat Daya", None),
        (4, None, None, None),
    ]
    assert parsed.kecamatan_rows == 1


def test_only_rows_without_code_is_a_file_without_kecamatan():
    # figures but not one code: no kecamatan rows under the header (the rows still go to the suites)
    parsed = parse(f"{HEADER}\n;Praya;10;5", name="2018-04-12.csv")
    assert [r[4] for r in rules(parsed)] == ["berkas_tidak_terbaca"]
    assert parsed.kecamatan_rows == 0 and parsed.rows.height == 1


def test_rows_without_code_and_without_figures_are_ignored():
    # section labels, notes and signature lines below the table are not kecamatan
    parsed = parse(
        f"{HEADER}\n;KECAMATAN PERKOTAAN;;\n520301;Praya;10;5\nMengetahui,;;;\nKepala Dinas;;;",
        name="2018-04-12.csv",
    )
    assert parsed.findings.height == 0 and parsed.rows.height == 1


# --- total row -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total",
    ["JUMLAH;;30;12", ";Total;30;12", ";jumlah :;30;12", "TOTAL;TOTAL;30;12", ";JUMLAH;;", "Jumlah;;30;"],
)
def test_total_row_is_checked_and_never_loaded(total):
    # JUMLAH/TOTAL in the code or name cell, any case; empty total cells are not checked
    parsed = parse(f"{HEADER}\n520301;Praya;10;5\n520302;Jonggat;20;7\n{total}", name="2018-04-12.csv")
    assert parsed.findings.height == 0
    assert parsed.rows.get_column("baris").to_list() == [2, 3]


def test_total_label_in_a_merged_no_column():
    # xlsx merges No/Kode/Nama for the total label: the text sits in the ignored first column
    parsed = parse(f"No;{HEADER}\n1;520301;Praya;10;5\nJUMLAH;;;10;6", name="2018-04-12.csv")
    assert rules(parsed) == [(3, None, "sudah_rekam", "6", "jumlah_tidak_sesuai")]


def test_total_row_differs_from_column_sums():
    # the filled total counts must equal the column sums; the message uses Indonesian thousands
    parsed = parse(
        f"{HEADER};belum_rekam\n520301;Praya;12.000;5;11.995\n520302;Jonggat;410;7;403\nJUMLAH;;12.410;13;12.398",
        name="2018-04-12.csv",
    )
    assert rules(parsed) == [(4, None, "sudah_rekam", "13", "jumlah_tidak_sesuai")]
    assert messages(parsed) == ["baris 4: JUMLAH sudah_rekam 13 tidak sama dengan jumlah baris kecamatan 12"]
    parsed = parse(
        f"{HEADER}\n520301;Praya;12.000;5\n520302;Jonggat;410;7\nTOTAL;;12.401;12", name="2018-04-12.csv"
    )
    assert messages(parsed) == [
        "baris 4: JUMLAH wajib_ktp 12.401 tidak sama dengan jumlah baris kecamatan 12.410"
    ]


def test_invalid_total_cell():
    # a total-row cell must be a whole number too
    parsed = parse(f"{HEADER}\n520301;Praya;10;5\nJUMLAH;;10,5;5", name="2018-04-12.csv")
    assert rules(parsed) == [(3, None, "wajib_ktp", "10,5", "angka_tidak_valid")]
    assert messages(parsed) == ['baris 3: JUMLAH wajib_ktp "10,5" bukan bilangan bulat']


def test_total_not_compared_over_an_invalid_kecamatan_cell():
    # a sum over an invalid cell means nothing: only the cell itself is reported
    parsed = parse(f"{HEADER}\n520301;Praya;x;5\n520302;Jonggat;20;7\nJUMLAH;;999;12", name="2018-04-12.csv")
    assert [r[4] for r in rules(parsed)] == ["angka_tidak_valid"]


def test_total_includes_rows_missing_only_their_code():
    # a row with figures but no code is still counted by the district's total: no jumlah finding
    # (its kecamatan_tidak_dikenal comes from the suites)
    parsed = parse(f"{HEADER}\n520301;Praya;10;5\n;Jonggat;20;7\nJUMLAH;;30;12", name="2018-04-12.csv")
    assert rules(parsed) == []


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "2018-04-12",
        "12/04/2018",
        "12-04-2018",
        "12/4/2018",
        "12 April 2018",
        "12 april 2018",
        "12 Apr 2018",
        "12-Apr-2018",
    ],
)
def test_date_cell_spellings(cell):
    # ISO, day-first with / or -, and month names
    parsed = parse(f"tanggal;{HEADER}\n{cell};520301;Praya;10;5")
    assert parsed.findings.height == 0 and parsed.tanggal == date(2018, 4, 12)


@pytest.mark.parametrize(
    ("cell", "month"),
    [
        ("1 Agt 2017", 8),
        ("1 Agu 2017", 8),
        ("1 Agustus 2017", 8),
        ("1 August 2017", 8),
        ("1 Okt 2017", 10),
        ("1 Des 2017", 12),
        ("1 December 2017", 12),
        ("1 Mei 2017", 5),
        ("1 May 2017", 5),
        ("1 Pebruari 2017", 2),
    ],
)
def test_indonesian_and_english_month_names(cell, month):
    # Indonesian names and their common abbreviations, and English names
    parsed = parse(f"tanggal;{HEADER}\n{cell};520301;Praya;10;5")
    assert parsed.findings.height == 0 and parsed.tanggal == date(2017, month, 1)


UNREADABLE = "tidak terbaca, tulis seperti 12/04/2018 atau 2018-04-12"
# It said UNREADABLE, "write it like 12/04/2018", to an office that had written 31/04/2018 so.
NOT_ON_CALENDAR = "tidak ada di kalender; periksa hari dan bulannya"
EXCEL_NUMBER = (
    "berupa angka (nomor tanggal Excel?); di Excel, format kolom tanggal sebagai tanggal, mis. 12/04/2018"
)


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        ("2018/04/12", UNREADABLE),
        ("12 Foo 2018", UNREADABLE),
        ("kemarin", UNREADABLE),
        ("04/2018", UNREADABLE),
        ("12.04.2018", UNREADABLE),
        ("31/02/2018", NOT_ON_CALENDAR),
        ("31/04/2018", NOT_ON_CALENDAR),
        ("29-02-2018", NOT_ON_CALENDAR),
        ("2018-02-29", NOT_ON_CALENDAR),
        ("12/25/2018", NOT_ON_CALENDAR),  # month first: the day-first reading has no 25th month
        ("31 April 2018", NOT_ON_CALENDAR),
        ("12/04/18", "tulis tahunnya dengan empat angka, mis. 12/04/2018"),
        ("43202", EXCEL_NUMBER),  # 12 April 2018 as Excel keeps it, the cell's date format lost
        ("43202,5", EXCEL_NUMBER),
        ("520301", UNREADABLE),
    ],
)
def test_unparseable_date_cell(cell, said):
    # a date cell that cannot be read is a finding on its row, saying what to fix
    parsed = parse(f"tanggal;{HEADER}\n{cell};520301;Praya;10;5", name="2018-04-12.csv")
    assert rules(parsed) == [(2, "520301", "tanggal", cell, "tanggal_tidak_valid")]
    separator = ": " if said.startswith("tulis") else " "
    assert messages(parsed) == [f'baris 2 (520301): tanggal "{cell}"{separator}{said}']
    assert parsed.tanggal == date(2018, 4, 12)  # from the name: the file is rejected anyway


def test_a_leap_day_is_on_the_calendar():
    parsed = parse(f"tanggal;{HEADER}\n29/02/2016;520301;Praya;10;5")
    assert parsed.findings.height == 0 and parsed.tanggal == date(2016, 2, 29)


def test_rows_carrying_different_dates():
    # the odd row out is named, compared with the date most rows carry
    parsed = parse(
        f"tanggal;{HEADER}\n12/04/2018;520301;Praya;10;5\n13/04/2018;520302;Jonggat;10;5\n2018-04-12;520303;Batukliang;10;5"
    )
    assert rules(parsed) == [(3, "520302", "tanggal", "13/04/2018", "tanggal_tidak_valid")]
    assert messages(parsed) == [
        "baris 3 (520302): tanggal 13 April 2018 berbeda dengan tanggal baris lain 12 April 2018"
    ]
    assert parsed.tanggal is None  # no title, no name date: nothing trustworthy


def test_rows_disagreeing_fall_back_to_title_date():
    # when the rows disagree, tanggal is the title's date
    parsed = parse(
        f"Per tanggal 12 April 2018\ntanggal;{HEADER}\n"
        "12/04/2018;520301;Praya;10;5\n13/04/2018;520302;Jonggat;10;5"
    )
    assert parsed.tanggal == date(2018, 4, 12)
    assert [r[4] for r in rules(parsed)] == ["tanggal_tidak_valid"]


def test_date_only_in_the_first_row_is_enough():
    # merged date cells in xlsx fill only the first row: empty date cells are not a conflict
    parsed = parse(f"tanggal;{HEADER}\n12/04/2018;520301;Praya;10;5\n;520302;Jonggat;10;5")
    assert parsed.findings.height == 0 and parsed.tanggal == date(2018, 4, 12)


def test_date_cell_disagrees_with_file_name():
    # the example from the brief: contents' date is returned, the file is rejected
    parsed = parse(f"tanggal;{HEADER}\n2018-04-13;520301;Praya;10;5", name="rekap 2018-04-12.csv")
    assert rules(parsed) == [(None, None, "tanggal", "2018-04-12", "tanggal_tidak_valid")]
    assert messages(parsed) == [
        "tanggal 13 April 2018 di isi berkas berbeda dengan nama berkas 12 April 2018"
    ]
    assert parsed.tanggal == date(2018, 4, 13)


def test_date_cell_disagrees_with_title():
    # a title date is a source too
    parsed = parse(f"Laporan tanggal 12-04-2018\ntanggal;{HEADER}\n2018-04-13;520301;Praya;10;5")
    assert messages(parsed) == [
        "tanggal 13 April 2018 di isi berkas berbeda dengan baris judul 12 April 2018"
    ]
    assert parsed.tanggal == date(2018, 4, 13)


def test_title_disagrees_with_file_name():
    # with no date column, the title is the contents' date
    parsed = parse(f"Per tanggal 11 April 2018\n{HEADER}\n520301;Praya;10;5", name="20180412.csv")
    assert messages(parsed) == [
        "tanggal 11 April 2018 di baris judul berbeda dengan nama berkas 12 April 2018"
    ]
    assert parsed.tanggal == date(2018, 4, 11)


def test_all_sources_agree():
    # cell, title and name all say 12 April 2018
    parsed = parse(
        f"Per tanggal 12 April 2018\ntanggal;{HEADER}\n12/04/2018;520301;Praya;10;5",
        name="12-04-2018 rekap.csv",
    )
    assert parsed.findings.height == 0 and parsed.tanggal == date(2018, 4, 12)


def test_title_with_two_dates_is_ambiguous():
    # a period "01-04-2018 s/d 12-04-2018" does not say which day the counts are as of
    parsed = parse(f"Periode 01-04-2018 s/d 12-04-2018\n{HEADER}\n520301;Praya;10;5")
    assert messages(parsed) == ["baris judul memuat beberapa tanggal berbeda: 1 April 2018, 12 April 2018"]
    assert parsed.tanggal is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2018-04-12.csv", date(2018, 4, 12)),
        ("rekap_20180412.xlsx", date(2018, 4, 12)),
        ("lap 12-04-2018 final.csv", date(2018, 4, 12)),
        ("5203-12-04-2018.csv", date(2018, 4, 12)),
        ("rekap 12 april.csv", None),
        ("5203_99999999.csv", None),
    ],
)
def test_dates_in_file_names(name, expected):
    # three spellings anywhere in the name; a kabupaten code or a non-date is no date
    assert parse(f"{HEADER}\n520301;Praya;10;5", name=name).tanggal == expected


def test_file_name_with_two_dates_is_ambiguous():
    # "revisi" names with two different dates cannot date the file
    parsed = parse(f"{HEADER}\n520301;Praya;10;5", name="2018-04-12 revisi 2018-04-13.csv")
    assert messages(parsed) == ["nama berkas memuat beberapa tanggal berbeda: 12 April 2018, 13 April 2018"]


def test_date_missing_everywhere():
    # no date column, no title date, no date in the name
    parsed = parse(f"{HEADER}\n520301;Praya;10;5", name="rekap.csv")
    assert rules(parsed) == [(None, None, "tanggal", None, "tanggal_tidak_valid")]
    assert messages(parsed)[0].startswith("tanggal laporan tidak ditemukan")
    assert parsed.tanggal is None and parsed.rows.height == 1


def test_date_before_the_programme():
    # before 2011-01-01, the start of e-KTP
    parsed = parse(f"tanggal;{HEADER}\n31/12/2010;520301;Praya;10;5")
    assert messages(parsed) == ["tanggal 31 Desember 2010 sebelum 1 Januari 2011 (awal program e-KTP)"]


def test_date_after_today():
    # a report cannot be dated in the future
    parsed = parse(f"tanggal;{HEADER}\n21/04/2018;520301;Praya;10;5")
    assert messages(parsed) == ["tanggal 21 April 2018 melewati hari ini (20 April 2018)"]
    assert (
        parse(f"tanggal;{HEADER}\n20/04/2018;520301;Praya;10;5").findings.height == 0
    )  # today itself is fine


def test_date_checked_even_when_a_column_is_missing():
    # a structural error does not hide the date; the date still dates the rejected file
    parsed = parse("tanggal;kode;wajib_ktp\n2018-04-12;520301;10")
    assert parsed.tanggal == date(2018, 4, 12)
    assert [r[4] for r in rules(parsed)] == ["kolom_hilang"]


# --- findings shape --------------------------------------------------------------------------


def test_findings_are_ordered_file_level_first_then_by_line():
    # one receipt reads top to bottom
    parsed = parse(
        f"tanggal;{HEADER}\n2018-04-13;520301;Praya;x;5\n;520302;Jonggat;10;-1", name="2018-04-12.csv"
    )
    assert [f[0] for f in rules(parsed)] == [None, 2, 3]
    assert set(parsed.findings.get_column("tingkat")) == {"error"}


def test_unreadable_upload():
    # the shape parse_file uses for UnreadableFile
    parsed = unreadable_upload("lap 2018-04-12.xlsx", "berkas xlsx rusak")
    assert parsed.tanggal == date(2018, 4, 12)
    assert rules(parsed) == [(None, None, None, None, "berkas_tidak_terbaca")]
    assert messages(parsed) == ["berkas xlsx rusak"]


@given(st.lists(st.integers(min_value=0, max_value=10**18), max_size=20))
def test_vectorised_count_format_matches_schema_format_count(values):
    # messages format numbers in Polars; they must read exactly like schema.format_count
    formatted = pl.select(format_count_expr(pl.Series(values, dtype=pl.Int64))).to_series().to_list()
    assert formatted == [format_count(v) for v in values]


# --- many files parsed together -----------------------------------------------------------------


def test_files_parsed_together_are_parsed_as_alone():
    # parse_uploads runs one pass over all the files' rows: sums, date agreement and row order
    # stay per file (a JUMLAH row adds only its own file's kecamatan, a date only its file's rows)
    texts = {
        "a.csv": (
            f"tanggal;{HEADER}\n2018-04-12;520301;Praya;10;5\n2018-04-12;520302;Jonggat;20;6\n;JUMLAH;;30;11"
        ),
        "b.csv": (
            f"tanggal;{HEADER}\n2018-04-11;527201;Rasanae Barat;7;1\n12/04/2018;527202;Mpunda;8;2\n"
            ";JUMLAH;;15;4"
        ),
        "c.csv": "no header here\n1;2;3",  # unreadable, between the others
        "d.csv": f"{HEADER}\n520301;Praya;10;x",  # a bad count; its date comes from nowhere
        "e.csv": f"{HEADER}\nJUMLAH;;0;0",  # no kecamatan row at all
    }
    together = parse_uploads([(name, records_of(raw(text))) for name, text in texts.items()], TODAY)
    for (name, text), batch in zip(texts.items(), together, strict=False):
        alone = parse(text, name=name)
        assert batch.tanggal == alone.tanggal, name
        assert_frame_equal(batch.rows, alone.rows)
        assert_frame_equal(batch.findings, alone.findings)
    a, b, c, d, e = together
    assert a.findings.is_empty() and counts(a) == [10, 20]
    assert a.tanggal == date(2018, 4, 12)
    assert rules(b) == [
        (3, "527202", "tanggal", "12/04/2018", "tanggal_tidak_valid"),
        (4, None, "sudah_rekam", "4", "jumlah_tidak_sesuai"),
    ]
    assert messages(b)[1] == "baris 4: JUMLAH sudah_rekam 4 tidak sama dengan jumlah baris kecamatan 3"
    assert [r[4] for r in rules(c)] == ["berkas_tidak_terbaca"]
    assert rules(d)[1] == (2, "520301", "sudah_rekam", "x", "angka_tidak_valid") and counts(
        d, "sudah_rekam"
    ) == [None]
    assert [r[4] for r in rules(e)] == ["berkas_tidak_terbaca", "tanggal_tidak_valid"]

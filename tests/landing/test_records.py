"""read_cells (bytes -> raw cell table) and parse_file (bytes -> ParsedUpload, never raises)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.columns import FINDING_SCHEMA, ROW_SCHEMA
from contract.errors import UnreadableFile
from tests.uploads import parse_file, read_cells

TODAY = dt.date(2018, 4, 20)
HEADER = "kode_kecamatan;nama_kecamatan;wajib_ktp;sudah_rekam"


def cells(frame: pl.DataFrame) -> list[tuple]:
    """The table as (baris, c0, c1, ...) tuples, for compact assertions."""
    return frame.rows()


def xlsx(tmp_path: Path, fill, name: str = "rekap.xlsx") -> bytes:
    """Bytes of a workbook written by xlsxwriter; `fill(workbook, sheet)` writes the cells."""
    path = tmp_path / name
    workbook = xlsxwriter.Workbook(path)
    fill(workbook, workbook.add_worksheet("Rekap"))
    workbook.close()
    return path.read_bytes()


def unreadable(name: str, data: bytes) -> str:
    """The reason read_cells gives for refusing the bytes."""
    with pytest.raises(UnreadableFile) as caught:
        read_cells(name, data)
    return caught.value.message


# --- CSV: line numbers -------------------------------------------------------------------


def test_csv_line_numbers_count_title_and_blank_lines():
    # baris is the physical line: title lines and blank lines count, blank lines are dropped
    text = (
        f"Laporan e-KTP\nPer tanggal 12 April 2018\n\n{HEADER}\n520301;Praya;10;5\n\n\n520302;Jonggat;20;7\n"
    )
    frame = read_cells("a.csv", text.encode())
    assert frame.get_column("baris").to_list() == [1, 2, 4, 5, 8]
    assert cells(frame)[-1] == (8, "520302", "Jonggat", "20", "7")


def test_csv_quoted_line_break_keeps_later_line_numbers_true():
    # a record spanning two physical lines starts on its first line; the next one is 2 further
    text = f'{HEADER}\n520301;"Praya\nTengah";10;5\n520302;Jonggat;20;7\n'
    frame = read_cells("a.csv", text.encode())
    assert cells(frame)[1:] == [
        (2, "520301", "Praya\nTengah", "10", "5"),
        (4, "520302", "Jonggat", "20", "7"),
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_csv_any_line_ending(newline):
    # Windows, old Mac and Unix line endings all count as one line each
    text = newline.join(["judul", "", HEADER, "520301;Praya;10;5"]) + newline
    assert read_cells("a.csv", text.encode()).get_column("baris").to_list() == [1, 3, 4]


def test_csv_whitespace_and_delimiter_only_lines_are_blank():
    # lines of spaces or of bare delimiters (Excel pads rows) are blank rows
    text = f"{HEADER}\n   \n;;;\n520301;Praya;10;5\n"
    assert read_cells("a.csv", text.encode()).get_column("baris").to_list() == [1, 4]


def test_csv_ragged_rows_and_empty_cells_are_null():
    # short rows are padded and empty cells read as null, like empty xlsx cells
    frame = read_cells("a.csv", f"{HEADER}\n520301;;10\n".encode())
    assert cells(frame)[1] == (2, "520301", None, "10", None)


# --- CSV: delimiter ----------------------------------------------------------------------


def test_semicolon_file_with_thousands_commas_and_dots():
    # `12,345` and `12.345` inside a `;` file must not make `,` or `.` the delimiter
    text = f"{HEADER}\n520301;Praya;12,345;12.000\n520302;Jonggat;1,234;1,000\n"
    assert cells(read_cells("a.csv", text.encode()))[1] == (2, "520301", "Praya", "12,345", "12.000")


def test_comma_file_with_quoted_thousands():
    # quoted "12,345" in a `,` file stays one cell
    text = 'kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam\n520301,Praya,"12,345","1,000"\n'
    assert cells(read_cells("a.csv", text.encode()))[1] == (2, "520301", "Praya", "12,345", "1,000")


def test_comma_file_with_unquoted_thousands_is_refused():
    # unquoted 12,345 in a `,` file would silently become the two counts 12 and 345
    text = (
        "kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam\n"
        "520301,Praya,10,5,,\n520302,Jonggat,12,345,12,000\n"
    )
    assert unreadable("a.csv", text.encode()).startswith(
        "baris 3 berisi lebih banyak kolom daripada baris judul kolom"
    )


def test_tab_file_with_title_line_full_of_commas():
    # a title with commas does not outvote a tab-separated header
    text = "Laporan, Dukcapil, NTB, 2018\n" + HEADER.replace(";", "\t") + "\n520301\tPraya\t10\t5\n"
    assert cells(read_cells("a.txt", text.encode()))[2] == (3, "520301", "Praya", "10", "5")


def test_delimiter_without_known_header_falls_back_to_consistent_width():
    # no header names at all: the delimiter giving rows of one width > 1 wins
    text = "a;b,c;d\n1;2,3;4\n5;6,7;8\n"
    assert cells(read_cells("a.csv", text.encode()))[0] == (1, "a", "b,c", "d")


# --- CSV: encoding and malformed text ----------------------------------------------------


def test_utf8_bom_is_stripped():
    # the BOM Excel writes for "CSV UTF-8" must not stick to the first header name
    data = "\ufeff".encode() + f"{HEADER}\n520301;Praya;10;5\n".encode()
    assert cells(read_cells("a.csv", data))[0][1] == "kode_kecamatan"


def test_windows_1252_is_decoded():
    # Excel's "CSV (Comma delimited)" on Windows writes cp1252, e.g. an en dash or é
    data = f"{HEADER}\n520301;Praya – Barat é;10;5\n".encode("cp1252")
    assert cells(read_cells("a.csv", data))[1][2] == "Praya – Barat é"


def test_mixed_utf8_and_cp1252_is_refused_not_garbled():
    # valid UTF-8 next to a stray cp1252 byte: decoding either way would garble names
    data = f"{HEADER}\n520301;Praya é;10;5\n".encode() + "520302;Jonggat é;1;1\n".encode("cp1252")
    assert "encoding campuran" in unreadable("a.csv", data)


def test_byte_undefined_in_cp1252_is_refused():
    # 0x81 is neither UTF-8 nor Windows-1252
    assert "bukan teks UTF-8 maupun Windows-1252" in unreadable("a.csv", HEADER.encode() + b"\n\x81\n")


def test_utf16_is_refused_with_a_hint():
    # Excel's "Unicode Text" export is UTF-16: refuse clearly instead of reading NULs
    assert "UTF-16" in unreadable("a.txt", f"{HEADER}\n".encode("utf-16"))


def test_xlsx_renamed_csv_is_refused():
    # binary bytes under a .csv name
    assert "xlsx/zip" in unreadable("a.csv", b"PK\x03\x04\x00\x00binary")


def test_unclosed_quote_is_refused_with_its_line():
    # an unclosed quote would swallow every later row into one cell: refuse, naming the line
    text = f'{HEADER}\n520301;"Praya;10;5\n520302;Jonggat;20;7\n'
    assert (
        unreadable("a.csv", text.encode())
        == 'format CSV rusak mulai baris 2: tanda kutip (") dibuka tetapi tidak pernah ditutup'
    )


def test_text_after_closing_quote_is_refused():
    # `"Praya" Barat` is not CSV; strict parsing refuses rather than guessing
    text = f'{HEADER}\n520301;"Praya" Barat;10;5\n'
    assert "baris 2" in unreadable("a.csv", text.encode())


def test_overlong_cell_is_refused_with_its_line():
    # a 200 kB line (garbage, or a runaway paste) exceeds csv's cell limit: refuse, naming it
    text = f"{HEADER}\n\n" + "x" * 200_000 + "\n"
    assert (
        unreadable("a.csv", text.encode()) == "format CSV rusak mulai baris 3: isi satu sel terlalu panjang"
    )


def test_too_many_columns_is_refused():
    # a garbage line with thousands of cells must not become thousands of columns
    text = f"{HEADER}\n" + "x;" * 5000 + "x\n"
    assert "kolom" in unreadable("a.csv", text.encode())


def test_trailing_empty_cells_do_not_count_as_columns():
    # Excel pads rows with hundreds of delimiters; trailing empties are trimmed, not refused
    frame = read_cells("a.csv", (f"{HEADER}" + ";" * 400 + "\n520301;Praya;10;5\n").encode())
    assert frame.width == 5


# --- file types and empty files ----------------------------------------------------------


@pytest.mark.parametrize("name", ["rekap.xls", "rekap.pdf", "rekap", "rekap.csv.bak", "rekap.ods"])
def test_other_extensions_are_refused(name):
    # only .csv, .txt and .xlsx are uploads
    assert "tidak diterima" in unreadable(name, b"kode;wajib\n")


@pytest.mark.parametrize("name", ["REKAP.CSV", "rekap.Txt"])
def test_extension_case_does_not_matter(name):
    # Windows users send upper-case extensions
    assert read_cells(name, f"{HEADER}\n520301;Praya;10;5\n".encode()).height == 2


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\n", b"\n\n  \n", b";;;\n"])
def test_empty_csv_is_refused(data):
    # 0 bytes, a bare BOM, or only blank lines
    assert "kosong" in unreadable("a.csv", data)


# --- XLSX ----------------------------------------------------------------------------------


def _report(workbook, sheet):
    """A typical district sheet: merged title block, blank rows, header on row 5."""
    sheet.merge_range("A1:E1", "LAPORAN PEREKAMAN E-KTP", workbook.add_format({"bold": True}))
    sheet.write("A2", "Per tanggal 12 April 2018")
    sheet.write_row("A5", ["No", "Kode", "Kecamatan", "Wajib KTP", "Sudah Rekam"])
    sheet.write_row("A6", [1, "520301", "Praya", 12345, "12.345"])
    sheet.write_row("A9", [2, 520302, "Jonggat", 1234.5, "1,000"])


def test_xlsx_keeps_true_row_numbers_despite_title_block_and_blank_rows(tmp_path):
    # calamine drops empty rows by default; baris must still be the row Excel shows
    frame = read_cells("rekap.xlsx", xlsx(tmp_path, _report))
    assert frame.get_column("baris").to_list() == [1, 2, 5, 6, 9]


def test_xlsx_cells_read_as_text_as_typed(tmp_path):
    # text "12.345" stays text (never the float 12.345); numbers become integer text or decimals
    frame = read_cells("rekap.xlsx", xlsx(tmp_path, _report))
    assert cells(frame)[3:] == [
        (6, "1", "520301", "Praya", "12345", "12.345"),
        (9, "2", "520302", "Jonggat", "1234.5", "1,000"),
    ]


def test_xlsx_leading_empty_rows_and_columns(tmp_path):
    # a sheet whose first cell is C4: row numbers still count from row 1
    def fill(workbook, sheet):
        sheet.write_row("C4", ["kode", "wajib_ktp"])
        sheet.write_row("C6", ["520301", 10])

    assert cells(read_cells("r.xlsx", xlsx(tmp_path, fill))) == [
        (4, "kode", "wajib_ktp"),
        (6, "520301", "10"),
    ]


def test_xlsx_date_cells_become_iso_dates(tmp_path):
    # real date/datetime cells (any display format) read as YYYY-MM-DD
    def fill(workbook, sheet):
        sheet.write_datetime(
            "A1", dt.datetime(2018, 4, 12), workbook.add_format({"num_format": "dd/mm/yyyy"})
        )
        sheet.write_datetime(
            "B1", dt.datetime(2018, 4, 12, 13, 45), workbook.add_format({"num_format": "d mmm yy h:mm"})
        )
        sheet.write_string("C1", "12/04/2018")

    assert cells(read_cells("r.xlsx", xlsx(tmp_path, fill))) == [
        (1, "2018-04-12", "2018-04-12", "12/04/2018")
    ]


def test_openpyxl_date_cell(tmp_path):
    # a date cell written by another library (openpyxl) reads the same way
    book = openpyxl.Workbook()
    book.active["A1"] = dt.date(2018, 4, 12)
    book.active["B1"] = dt.datetime(2018, 4, 12, 8, 30)
    book.save(tmp_path / "o.xlsx")
    assert cells(read_cells("o.xlsx", (tmp_path / "o.xlsx").read_bytes())) == [
        (1, "2018-04-12", "2018-04-12")
    ]


def test_xlsx_only_first_sheet(tmp_path):
    # the first sheet is the report even when a later one has more data
    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("Pertama").write("A1", "satu")
    workbook.add_worksheet("Kedua").write_column("A1", ["a", "b", "c"])
    workbook.close()
    assert cells(read_cells("two.xlsx", path.read_bytes())) == [(1, "satu")]


def test_a_workbook_whose_table_is_not_on_its_first_sheet_is_told_so(tmp_path):
    # an instructions sheet first, the table second: the reason says which sheet was read (it
    # said only that no header was found, as of a file with no table at all)
    path = tmp_path / "petunjuk.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("Petunjuk").write("A1", "Isi tabel di lembar Data")
    workbook.add_worksheet("Data").write_row("A1", HEADER.split(";"))
    workbook.close()
    parsed = parse_file("petunjuk.xlsx", path.read_bytes(), TODAY)
    (reason,) = parsed.findings["pesan"].to_list()
    assert "pada lembar pertama yang tampak (hanya lembar itu yang dibaca)" in reason


def test_xlsx_empty_first_sheet_is_refused(tmp_path):
    # nothing on the first sheet (only formatting or spaces), even if the second has data
    path = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(path)
    first = workbook.add_worksheet()
    first.write_blank("A1", None, workbook.add_format({"bold": True}))
    first.write_string("B2", "   ")
    workbook.add_worksheet().write("A1", "x")
    workbook.close()
    assert "lembar pertama kosong" in unreadable("empty.xlsx", path.read_bytes())


def test_zip_renamed_xlsx_is_refused(tmp_path):
    # a zip that is not a workbook
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("laporan.txt", "isi")
    assert "rusak" in unreadable("a.xlsx", path.read_bytes())


def test_truncated_xlsx_is_refused(tmp_path):
    # an upload cut off half-way
    data = xlsx(tmp_path, _report)
    assert "rusak" in unreadable("a.xlsx", data[: len(data) // 2])


def test_legacy_xls_renamed_xlsx_is_refused_with_a_hint():
    # the OLE2 signature of .xls files (and of password-protected .xlsx)
    assert ".xls" in unreadable("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)


def test_csv_text_named_xlsx_is_refused():
    # text under an .xlsx name
    assert "bukan berkas xlsx" in unreadable("a.xlsx", f"{HEADER}\n".encode())


# --- parse_file ------------------------------------------------------------------------------


def test_parse_file_xlsx_end_to_end(tmp_path):
    # an xlsx upload: title date, true row numbers, text and numeric counts
    parsed = parse_file("rekap.xlsx", xlsx(tmp_path, _report), TODAY)
    assert parsed.tanggal == dt.date(2018, 4, 12)
    assert parsed.rows.select("baris", "kode_kecamatan", "wajib_ktp", "sudah_rekam").rows() == [
        (6, "520301", 12345, 12345),
        (9, "520302", None, 1000),
    ]
    assert parsed.findings.select("baris", "aturan", "pesan").rows() == [
        (9, "angka_tidak_valid", 'baris 9 (520302): wajib_ktp "1234.5" bukan bilangan bulat')
    ]


def test_parse_file_unreadable_becomes_a_finding_dated_from_the_name():
    # UnreadableFile never escapes: it becomes berkas_tidak_terbaca, tanggal from the file name
    parsed = parse_file("rekap 2018-04-12.pdf", b"%PDF-1.4", TODAY)
    assert parsed.tanggal == dt.date(2018, 4, 12)
    assert parsed.rows.schema == pl.Schema(ROW_SCHEMA) and parsed.rows.height == 0
    assert parsed.findings.select("baris", "aturan", "tingkat").rows() == [
        (None, "berkas_tidak_terbaca", "error")
    ]
    assert "tidak diterima" in parsed.findings.item(0, "pesan")


def _assert_parsed(parsed) -> None:
    assert parsed.rows.schema == pl.Schema(ROW_SCHEMA)
    assert parsed.findings.schema == pl.Schema(FINDING_SCHEMA)
    assert parsed.tanggal is None or isinstance(parsed.tanggal, dt.date)


_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(
    data=st.binary(max_size=600),
    name=st.sampled_from(["a.csv", "a.txt", "a.xlsx", "a.CSV", "2018-04-12.xlsx"]),
)
def test_parse_file_never_raises_on_random_bytes(data, name):
    # any bytes under any upload name: a ParsedUpload with the right schemas, never an exception
    _assert_parsed(parse_file(name, data, TODAY))


_CSV_TOKENS = st.sampled_from(
    [
        ";",
        ",",
        "\t",
        "\n",
        "\r\n",
        '"',
        " ",
        "",
        "kode",
        "kode_kecamatan",
        "Kode Kec.",
        "wajib_ktp",
        "Wajib KTP",
        "rekam",
        "sudah_rekam",
        "tanggal",
        "belum",
        "keliling",
        "nama",
        "JUMLAH",
        "Total",
        "520301",
        "52.03.01",
        "12.345",
        "12,345",
        "1234.5",
        "-5",
        "0",
        "abc",
        "12/04/2018",
        "2018-04-12",
        "31 Agt 2018",
        "é",
        "–",
    ]
)


@_settings
@given(tokens=st.lists(_CSV_TOKENS, max_size=120), name=st.sampled_from(["a.csv", "rekap 12-04-2018.txt"]))
def test_parse_file_never_raises_on_random_csvish_text(tokens, name):
    # header-like words, numbers, dates, quotes and separators in any order
    _assert_parsed(parse_file(name, "".join(tokens).encode(), TODAY))


@_settings
@given(rows=st.lists(st.lists(_CSV_TOKENS, min_size=1, max_size=8), max_size=12))
def test_parse_file_never_raises_on_random_tables_under_a_valid_header(rows):
    # a recognisable header followed by random rows reaches every row rule
    lines = ["kode_kecamatan;nama_kecamatan;tanggal;wajib_ktp;sudah_rekam;belum_rekam"]
    lines += [";".join(cell.replace("\n", " ").replace('"', "") for cell in row) for row in rows]
    _assert_parsed(parse_file("a.csv", "\n".join(lines).encode(), TODAY))


# --- Hidden characters: written out at the door, a CSV and a workbook alike --------------


def test_a_control_or_direction_character_in_a_cell_is_written_out_in_csv_and_xlsx(tmp_path):
    # An operator later reads the name in a receipt or a report: an escape sequence or a
    # right-to-left mark must show as what it is. Only the column holding one is rewritten.
    named = ("Ger\x1bung", "Kediri\u202e")

    def fill(_workbook, sheet):
        sheet.write_row(0, 0, ["kode_kecamatan", "nama_kecamatan", "wajib_ktp"])
        for r, nama in enumerate(named, start=1):
            sheet.write_row(r, 0, [f"52010{r}", nama, "10"])

    text = "kode_kecamatan;nama_kecamatan;wajib_ktp\n" + "".join(
        f"52010{r};{nama};10\n" for r, nama in enumerate(named, start=1)
    )
    for frame in (read_cells("a.csv", text.encode()), read_cells("a.xlsx", xlsx(tmp_path, fill))):
        assert cells(frame)[1:] == [(2, "520101", "Ger\\x1bung", "10"), (3, "520102", "Kediri\\u202e", "10")]

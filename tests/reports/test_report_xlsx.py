from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports import xlsx
from reports.cells import Col
from reports.daily import write_report
from reports.xlsx import Writer

D = date(2018, 4, 12)  # the fixture's report date (conftest `story`)
SHEETS = [
    "Ringkasan",
    "Kabupaten",
    "Rentang Perkiraan",
    "Prioritas Keliling",
    "Mutu Kabupaten",
    "Mutu Harian",
    "Kecamatan Terbanyak",
    "Kabupaten Tidak Lapor",
    "Kecamatan Tidak Lapor",
    "Berkas Ditolak",
    "Peringatan",
    "Riwayat Provinsi",
]


@pytest.fixture(scope="module")
def book(warehouse, tmp_path_factory):
    return openpyxl.load_workbook(write_report(warehouse, D, tmp_path_factory.mktemp("xlsx")).xlsx)


def records(ws) -> list[dict]:
    """Rows of a sheet keyed by its header."""
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=False)) for row in ws.iter_rows(min_row=2, values_only=True)]


def cells(ws, header: str) -> list:
    """The cells of one column below the header."""
    col = [c.value for c in ws[1]].index(header) + 1
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]


def test_one_sheet_per_table_with_frozen_headers(book):
    # Every sheet keeps its Indonesian header row in view.
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert all(isinstance(c.value, str) and c.value for c in ws[1])


def test_district_figures_equal_the_warehouse(book, query):
    # Same counts as progres_kabupaten for D, ranked by belum_rekam.
    expected = query(
        "select kode_kabupaten, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini "
        "from progres_kabupaten where tanggal = ? order by belum_rekam desc",
        D,
    )
    got = [
        (r["Kode"], r["Wajib KTP"], r["Sudah rekam"], r["Belum rekam"], r["Rekam hari ini"])
        for r in records(book["Kabupaten"])
    ]
    assert got == expected


def test_counts_are_numbers_with_thousands_format(book):
    # Counts are numeric cells shown as #,##0, never text.
    for cell in cells(book["Kabupaten"], "Belum rekam"):
        assert cell.data_type == "n" and cell.number_format == "#,##0"


def test_province_summary_equals_the_warehouse(book, query):
    # The Ringkasan sheet's figures are progres_provinsi's for D.
    ((wajib, sudah, belum),) = query(
        "select wajib_ktp, sudah_rekam, belum_rekam from progres_provinsi where tanggal = ?", D
    )
    summary = {r["Uraian"]: r["Nilai"] for r in records(book["Ringkasan"])}
    assert (summary["Wajib KTP"], summary["Sudah rekam"], summary["Belum rekam"]) == (wajib, sudah, belum)
    assert summary["Tanggal laporan"] == datetime(2018, 4, 12)
    assert summary["Peringatan kualitas data"] == 2


def test_forecast_edge_cases_are_words(book):
    # Stalled Lombok Utara: no date, "tidak terhitung"; on-track Lombok Barat: a real date.
    rows = {r["Kode"]: r for r in records(book["Kabupaten"])}
    assert rows["5208"]["Perkiraan selesai"] == "tidak terhitung"
    assert rows["5208"]["Laju 7 hari (/hari)"] == 0
    assert isinstance(rows["5201"]["Perkiraan selesai"], datetime)


def test_formula_like_text_stays_text(book, story):
    # A reason beginning with "=" is a string cell, not a formula.
    reason = cells(book["Berkas Ditolak"], "Alasan")[0]
    assert reason.value == story.formula_reason and reason.data_type == "s"


def test_hostile_names_are_plain_text(book, story):
    # The <script> kecamatan is stored as the literal name.
    assert story.script_name in [r["Kecamatan"] for r in records(book["Kecamatan Terbanyak"])]


def test_missing_reports_match_the_page(book):
    # One district missing whole, one kecamatan missing in a reporting district.
    assert [r["Kabupaten/kota"] for r in records(book["Kabupaten Tidak Lapor"])] == ["Kabupaten Lombok Utara"]
    assert [r["Kecamatan"] for r in records(book["Kecamatan Tidak Lapor"])] == ["Narmada"]


def test_columns_are_wide_enough_for_names(book):
    # Names are not cut to Excel's default 8.43 characters.
    ws = book["Kabupaten"]
    assert ws.column_dimensions["C"].width >= len("Kabupaten Lombok Utara")


def test_every_formula_prefix_is_written_as_text(tmp_path):
    # =, +, - and @ would start a formula if typed into Excel; here they stay strings.
    texts = ["=1+1", "+62 812", "-5", "@SUM(A1)"]
    book = xlsxwriter.Workbook(tmp_path / "t.xlsx", {"strings_to_formulas": False})
    Writer(book).sheet("Uji", [Col("Teks", lambda r: r["t"])], [{"t": t} for t in texts])
    book.close()
    got = [(c.value, c.data_type) for c in openpyxl.load_workbook(tmp_path / "t.xlsx")["Uji"]["A"][1:]]
    assert got == [(t, "s") for t in texts]


def test_each_district_s_figures_are_marked_with_their_status(book, story):
    # CONTRACT §5: signed off, locked (and signed off: locked wins), neither
    marks = {r["Kode"]: r["Status data"] for r in records(book["Kabupaten"])}
    assert marks == story.status_data


CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=3),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELL_VALUES, max_size=30))
@example([0.04, -0.0])  # "-0,0" is the longer: a minus sign on a float that rounds to nothing
@example([0.0, -0.0])  # min() gives the first of equal values: 0.0, whose text has no minus sign
def test_a_column_s_width_is_that_of_its_longest_shown_value(values):
    # xlsx._longest shows only the extreme numbers; the width is the one every value shown gives
    every = max((len(line) for v in values for line in xlsx.shown(v).splitlines() or [""]), default=0)
    assert xlsx._longest(values) == every
    header = Col("Peringatan per laporan", lambda r: r)
    assert xlsx.width(header, values) == min(xlsx.MAX_WIDTH, max(len("Peringatan") + 2, 16 + 2, every + 2))


def test_an_output_folder_that_is_a_file_is_refused_in_words(warehouse, tmp_path):
    # `ektp report --out FILE` said "laporan tidak dapat ditulis: File exists"; now what it is
    from contract.errors import ReportNotWritten

    taken = tmp_path / "laporan.csv"
    taken.write_text("x")
    with pytest.raises(ReportNotWritten) as refused:
        write_report(warehouse, D, taken)
    assert str(refused.value) == f"folder laporan adalah sebuah berkas, bukan folder (out_dir={taken})"
    assert taken.read_text() == "x"

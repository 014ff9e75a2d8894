"""The office's templates and the format page (issue #21 item 6): a template filled in with
figures passes the same check as the nightly's, as CSV and as XLSX; it lists every kecamatan of
the district (and only those) with the date asked for; the format page shows every column of the
contract with every accepted spelling, and is linked from the upload form."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl

from contract import columns, regions
from pipeline.check import receipt
from tests.portal.support import LOMBOK_BARAT, Browser

DAY = date(2018, 2, 20)


def _filled_rows(rows: list[list], start: int) -> list[list]:
    """The template's rows with plausible figures in the two required counts."""
    out = []
    for i, r in enumerate(rows):
        wajib = start + 100 * i
        out.append([*r[:3], wajib, wajib - 700, *r[5:]])
    return out


def test_the_csv_template_names_every_kecamatan_and_passes_the_check_once_filled(world, base_url, tmp_path):
    with Browser(base_url) as b:
        b.login("lobar")
        got = b.get(f"/kabupaten/5201/templat.csv?tanggal={DAY}")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.headers["content-disposition"] == f'attachment; filename="laporan_5201_{DAY}.csv"'
    header, *rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert header == list(columns.CANONICAL)
    names = dict(
        regions.load("52").kecamatan.filter(kode_kabupaten="5201").select("kode_kecamatan", "nama").rows()
    )
    assert [r[1] for r in rows] == LOMBOK_BARAT
    assert all(r[0] == DAY.isoformat() and r[2] == names[r[1]] and r[3:] == [""] * 6 for r in rows)

    # As it comes, the counts are empty: the check says so for the required columns.
    empty = tmp_path / f"laporan_5201_{DAY}.csv"
    empty.write_bytes(got.content)
    assert receipt(world.settings, empty, "5201")["status"] == "rejected"

    filled = tmp_path / "isi" / f"laporan_5201_{DAY}.csv"
    filled.parent.mkdir()
    with filled.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *_filled_rows(rows, 30_000)])
    done = receipt(world.settings, filled, "5201")
    assert done["status"] == "loaded", done["temuan"]


def test_the_xlsx_template_is_typed_and_passes_the_check_once_filled(world, base_url, tmp_path):
    with Browser(base_url) as b:
        b.login("lobar")
        got = b.get(f"/kabupaten/5201/templat.xlsx?tanggal={DAY}")
    assert got.status_code == 200
    assert got.headers["content-disposition"] == f'attachment; filename="laporan_5201_{DAY}.xlsx"'
    path = tmp_path / f"laporan_5201_{DAY}.xlsx"
    path.write_bytes(got.content)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(columns.CANONICAL)
    assert [r[1] for r in rows[1:]] == LOMBOK_BARAT  # text, as written (not 520101.0)
    assert all(r[0].date() == DAY and r[3:] == [None] * 6 for r in rows[1:])  # a real date cell

    for i, r in enumerate(sheet.iter_rows(min_row=2), start=0):
        r[3].value, r[4].value = 40_000 + 100 * i, 39_000 + 100 * i
    book.save(path)
    done = receipt(world.settings, path, "5201")
    assert done["status"] == "loaded", done["temuan"]


def test_a_template_is_the_districts_own(base_url):
    """Another district's template is refused to an office (the authorization matrix in
    test_authz.py covers every role and route; this is the case an office meets)."""
    with Browser(base_url) as b:
        b.login("lobar")
        assert b.get("/kabupaten/5272/templat.csv").status_code == 403
        assert b.get("/kabupaten/5201/templat.csv?tanggal=2018-13-01").status_code == 400


def test_the_format_page_lists_every_column_and_spelling_and_the_form_links_it(base_url):
    with Browser(base_url) as b:
        b.login("lobar")
        page = b.get("/format").text
        form = b.get("/kabupaten/5201").text
    for name, aliases in columns.ALIASES.items():
        assert f"<code>{name}</code>" in page
        assert all(f"<code>{a}</code>" in page for a in aliases), name
        assert columns.MEANING[name] in page
    assert 'href="/format"' in form and 'href="/kabupaten/5201/templat.xlsx"' in form

"""Hostile text is inert in every output a person opens: the Data Docs (offline, with their list
of validations), the daily report (HTML and XLSX), the Prefect artifact's markdown, the receipts.
Each is opened in real headless Chromium, and the payloads' scripts must not have run."""

from __future__ import annotations

import re

import pytest

from reports.daily import write_report
from reports.summary import Summary, markdown
from tests.browser import dom_after_scripts, no_script_ran
from tests.hostile import corpus

SUITES = ("unggahan_wilayah", "unggahan_angka", "unggahan_nama")


@pytest.fixture(scope="module")
def docs(hostile_night):
    return hostile_night.warehouse.parent / "data_docs"


def test_data_docs_list_their_validations_offline(docs, tmp_path):
    # the list is drawn by jQuery and bootstrap-table: served from the site itself, it appears
    dom = dom_after_scripts(tmp_path / "p", docs / "index.html")
    links = set(re.findall(r'href="(validations/[^"]+\.html)"', dom))
    assert {link.split("/")[1] for link in links} >= set(SUITES), links
    assert no_script_ran(dom)
    page = (docs / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', page), "a page still loads from a CDN"


def test_every_link_between_data_docs_pages_leads_to_a_page(docs):
    # A validation's page and the index's list name each validation's suite, linked to the suite's
    # own page: GX renders it only when asked, and every such link led nowhere.
    pages = list(docs.rglob("*.html"))
    linked = {
        (page.parent / href).resolve()
        for page in pages
        for href in re.findall(r'href="([^"#:?]+\.html)"', page.read_text(encoding="utf-8"))
    }
    assert {p.name for p in linked} >= {f"{suite}.html" for suite in SUITES}
    assert sorted(str(p) for p in linked if not p.is_file()) == []


@pytest.mark.parametrize("suite", SUITES)
def test_each_validation_page_renders_and_no_payload_runs(docs, tmp_path, suite):
    (page,) = [p for p in docs.rglob(f"validations/{suite}/**/*.html")][:1] or [None]
    assert page is not None
    dom = dom_after_scripts(tmp_path / "p", page)
    assert suite in dom and no_script_ran(dom)


def test_the_payload_is_shown_as_text_in_the_data_docs(docs):
    # the name cell `<img ... onerror=...>` reaches the page escaped, readable, never as markup
    (page,) = list(docs.rglob("validations/unggahan_nama/**/*.html"))
    text = page.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in text and "<img src=x onerror" not in text


def test_the_daily_report_lists_hostile_files_inertly(hostile_night, tmp_path):
    # D2: every rejected hostile file, those of unknown inboxes too, names escaped, no script
    paths = write_report(hostile_night.warehouse, corpus.D2, tmp_path / "laporan")
    dom = dom_after_scripts(tmp_path / "p", paths.html)
    assert no_script_ran(dom)
    assert "52\\xe901/rekap_2018-04-02.csv" in dom and "\\x1b[31m5201/rekap_2018-04-02.csv" in dom
    assert "&lt;img src=x onerror=alert(1)&gt;_2018-04-02.csv" in dom


def test_the_workbook_keeps_hostile_text_as_text(hostile_night, tmp_path):
    # a file name that reads like an Excel formula stays a string cell
    import openpyxl

    paths = write_report(hostile_night.warehouse, corpus.D2, tmp_path / "laporan")
    sheet = openpyxl.load_workbook(paths.xlsx)["Berkas Ditolak"]
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("5201/=1+2")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_artifact_markdown_renders_inert(tmp_path):
    # rendered as the most permissive markdown would (raw HTML allowed), the payload stays text
    from markdown_it import MarkdownIt

    s = Summary(
        "r-1",
        "2018-04-02",
        kabupaten_tidak_lapor=[{"kode_kabupaten": "5201", "nama": corpus.PWNED}],
        catatan=[corpus.PWNED],
        per_kabupaten=[
            {
                "kode_kabupaten": corpus.PWNED,
                "nama": corpus.PWNED,
                "loaded": 0,
                "rejected": 1,
                "superseded": 0,
                "duplicate": 0,
                "peringatan": 0,
            }
        ],
    )
    page = tmp_path / "artefak.html"
    page.write_text(
        MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown(s, "nightly")),
        encoding="utf-8",
    )
    dom = dom_after_scripts(tmp_path / "p", page)
    assert no_script_ran(dom) and "onerror" in dom


def test_the_receipts_open_as_text(hostile_night, tmp_path):
    # the letter and the JSON hold the payload as plain text: opened in the browser, nothing runs
    folder = hostile_night.warehouse.parent / "tanda_terima" / corpus.INBOX
    for receipt in [*folder.glob("*.txt"), *folder.glob("*.json")]:
        assert "onerror" in receipt.read_text(encoding="utf-8")
        assert no_script_ran(dom_after_scripts(tmp_path / receipt.suffix, receipt))

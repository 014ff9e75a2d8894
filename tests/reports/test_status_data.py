"""Each district's figures for D marked `sementara`, `disetujui` or `dikunci` (CONTRACT §5, issue 22
item 3) in the page, the run summary's text and the workbook, and as known on a moment: a district
signs off, the province locks another, a third does neither; the real nightly, sign-off and lock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline import tindakan
from reports.daily import write_report
from reports.summary import Summary, as_text, markdown
from tests.reports.test_report_html import parse
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, run_settings

D1, D2 = date(2018, 4, 1), date(2018, 4, 2)
MATARAM = ["527101", "527102", "527103", "527104", "527105", "527106"]
DISTRICTS = {"5272": KOTA_BIMA, "5208": LOMBOK_UTARA, "5271": MATARAM}
# What each district's figures for D2 are once Kota Bima signed off and Lombok Utara was locked.
MARKS = {"5272": "disetujui", "5208": "dikunci", "5271": "sementara"}


@pytest.fixture(scope="module")
def story(tmp_path_factory, prefect_server):
    from flows.nightly import nightly

    base = tmp_path_factory.mktemp("status_data")
    landing, wh = base / "landing", base / "gudang" / "ektp.duckdb"
    for d in (D1, D2):
        for n, (kab, codes) in enumerate(DISTRICTS.items()):
            day_file(landing, kab, codes, d, base=5_000 + 1_000 * n, step=10)
    settings = run_settings(landing, wh)
    first = nightly(tanggal=D2, settings=settings)
    tindakan.setujui(settings, "5272", D2, "Kadis Dukcapil Kota Bima")
    # Between the sign-off and the lock: the figures as known then have the one but not the other.
    between = datetime.now(UTC)
    tindakan.kunci(settings, D2, ["5208"], "Kabid Dafduk Provinsi")
    # The next nightly (nothing new) prints its summary and writes the day's report with the marks.
    second = nightly(tanggal=D2, settings=settings)
    names = dict(one(wh, "select kode_kabupaten, nama from wilayah_kabupaten"))
    return wh, first, between, second, names, base


def district_marks(html: Path, names: dict[str, str]) -> dict[str, str]:
    """The last cell (Status data) of each district's row of the page's district table."""
    rows = parse(html.read_text(encoding="utf-8")).rows_of["kabupaten"]
    found = {}
    for kab in DISTRICTS:
        (row,) = [r for r in rows if f" {names[kab]} " in f" {r} "]
        found[kab] = row.rsplit(" ", 1)[-1]
    return found


def sheet_marks(xlsx: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(xlsx)["Kabupaten"]
    header = [c.value for c in ws[1]]
    records = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    return {r["Kode"]: r["Status data"] for r in records if r["Kode"] in DISTRICTS}


def test_the_page_marks_each_district_signed_locked_or_neither(story):
    wh, _, _, second, names, _ = story
    html = next(Path(p) for p in second["laporan"] if p.endswith(".html"))
    assert district_marks(html, names) == MARKS
    # the page's note says what each word means
    note = parse(html.read_text(encoding="utf-8")).text["kabupaten"]
    assert "dikunci : provinsi telah mengunci angkanya" in note
    assert "disetujui : kepala dinas kabupaten/kota telah menyetujui" in note
    assert "sementara : belum disetujui" in note
    # the marks are the warehouse's status_data for D2
    assert dict(one(wh, "select kode_kabupaten, status from status_data where tanggal = ?", [D2])) == MARKS


def test_the_workbook_marks_each_district(story):
    _, _, _, second, _, _ = story
    xlsx = next(Path(p) for p in second["laporan"] if p.endswith(".xlsx"))
    assert sheet_marks(xlsx) == MARKS


def test_the_run_summary_text_marks_each_district(story):
    _, first, _, second, _, _ = story
    assert (
        "Status data 2 April 2018: dikunci 5208; disetujui 5272; sementara 5271"
        in as_text(Summary(**second)).splitlines()
    )
    assert "## Status data 2 April 2018\n\n- dikunci: 5208\n- disetujui: 5272\n- sementara: 5271" in markdown(
        Summary(**second), "nightly"
    )
    # before any sign-off, every district's figures are provisional
    assert "Status data 2 April 2018: sementara 5208, 5271, 5272" in as_text(Summary(**first)).splitlines()


def test_as_known_on_before_the_sign_off_every_district_is_sementara(story, tmp_path):
    wh, first, _, _, names, _ = story
    paths = write_report(wh, D2, tmp_path, known_on=first["run_id"])
    assert district_marks(paths.html, names) == dict.fromkeys(DISTRICTS, "sementara")
    assert sheet_marks(paths.xlsx) == dict.fromkeys(DISTRICTS, "sementara")


def test_as_known_on_between_the_sign_off_and_the_lock(story, tmp_path):
    wh, _, between, _, names, _ = story
    paths = write_report(wh, D2, tmp_path, known_on=between)
    expected = {**dict.fromkeys(DISTRICTS, "sementara"), "5272": "disetujui"}
    assert district_marks(paths.html, names) == expected
    assert sheet_marks(paths.xlsx) == expected
    # and as known now, the report the nightly wrote
    now = write_report(wh, D2, tmp_path / "sekarang")
    assert sheet_marks(now.xlsx) == MARKS

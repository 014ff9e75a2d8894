"""`ektp demo` end to end (issue 22): after the simulated nights each district head signs off April
and the province locks March; the reports show March `dikunci` and April `disetujui`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import openpyxl
import pytest

from ektp.demo import ALASAN_KUNCI, KUNCI_SAMPAI, LAST_DAY, PENGUNCI
from tests.reports.test_report_html import parse


@pytest.fixture(scope="module")
def demo(demo_run):
    with duckdb.connect(str(demo_run.warehouse), read_only=True) as con:
        names = dict(con.execute("select kode_kabupaten, nama from wilayah_kabupaten").fetchall())
        actions = con.execute(
            "select kode_kabupaten, sampai_tanggal, tindakan, oleh, alasan from persetujuan order by urutan"
        ).fetchall()
    return demo_run.stdout, demo_run.laporan, names, actions


def marks(html: Path, names: dict[str, str]) -> dict[str, str]:
    """Each district's Status data cell (the last of its row in the district table)."""
    rows = parse(html.read_text(encoding="utf-8")).rows_of["kabupaten"]
    return {kab: next(r for r in rows if name in r).rsplit(" ", 1)[-1] for kab, name in names.items()}


def test_march_is_locked_and_april_signed_off_in_the_reports(demo):
    _, laporan, names, _ = demo
    assert marks(laporan / "laporan-ektp-2018-03-31.html", names) == dict.fromkeys(names, "dikunci")
    for day in ("2018-04-12", "2018-04-30"):
        assert marks(laporan / f"laporan-ektp-{day}.html", names) == dict.fromkeys(names, "disetujui")
    ws = openpyxl.load_workbook(laporan / "laporan-ektp-2018-04-30.xlsx")["Kabupaten"]
    header = [c.value for c in ws[1]]
    column = header.index("Status data")
    assert {r[column] for r in ws.iter_rows(min_row=2, values_only=True)} == {"disetujui"}


def test_each_district_head_signed_and_the_province_locked_with_a_reason(demo):
    _, _, names, actions = demo
    signed = [(k, d, o) for k, d, t, o, _ in actions if t == "disetujui"]
    assert signed == [(k, LAST_DAY, f"Kepala Dinas Dukcapil {names[k]}") for k in sorted(names)]
    locked = {(d, o, a) for _, d, t, o, a in actions if t == "dikunci"}
    assert locked == {(KUNCI_SAMPAI, PENGUNCI, ALASAN_KUNCI)}
    assert len([a for a in actions if a[2] == "dikunci"]) == len(names)


def test_the_story_says_so(demo):
    out = demo[0]
    assert "mengunci angka sampai 31 Maret 2018" in out
    assert "menyetujui angka sampai 30 April 2018" in out
    assert "Laporan menandai angka Maret `dikunci` dan angka April `disetujui`." in out
    # the last night's summary says `sementara` (it ran before the sign-offs): what is published
    # after them is said too, read from the warehouse
    assert "Status data 31 Maret 2018 sekarang: dikunci 10 kabupaten/kota" in out
    assert "Status data 30 April 2018 sekarang: disetujui 10 kabupaten/kota" in out

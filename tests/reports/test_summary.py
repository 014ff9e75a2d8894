"""The run summary as the terminal shows it (reports/summary.py)."""

from __future__ import annotations

from reports.summary import Summary, as_text


def test_missing_districts_line_stays_short_at_national_scope():
    # 25 districts did not report: 20 are named, the rest counted (the report lists them all)
    missing = [{"kode_kabupaten": f"{1100 + i}", "nama": f"Kabupaten {i}"} for i in range(25)]
    line = next(
        text
        for text in as_text(Summary("r", "2018-01-01", kabupaten_tidak_lapor=missing)).splitlines()
        if text.startswith("Tidak lapor")
    )
    assert line.endswith("1119 Kabupaten 19 dan 5 lainnya") and "1120" not in line

"""The section registry and the status table: each section declared once, each status worded once."""

from __future__ import annotations

from reports import html, sections, status


def test_every_section_has_one_key_and_its_partial_exists():
    keys = [s.key for s in sections.SECTIONS]
    assert len(keys) == len(set(keys))
    for partial in sections.PARTIALS:
        assert (html.TEMPLATES / "bagian" / f"{partial}.html.j2").is_file(), partial


def test_sheet_names_are_unique_and_fit_excel():
    names = [s.name for section in sections.SECTIONS for s in section.sheets if isinstance(s.name, str)]
    assert len(names) == len(set(names)) and all(len(n) <= 31 for n in names)


def test_each_file_status_has_its_words_and_each_verdict_its_colour():
    assert set(status.KETERANGAN) == set(status.STATUSES) == {"loaded", "rejected", "superseded", "duplicate"}
    assert sorted(status.PRIORITY.values()) == list(range(len(status.FILE_STATUSES)))
    assert {v.warna for v in status.VERDICTS} <= {status.HIJAU, status.MERAH, status.ABU}
    assert status.verdict(None) is status.BELUM_ADA_DATA

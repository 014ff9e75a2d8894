"""The format registry: every upload format declared once, read by landing, refused in one wording."""

from __future__ import annotations

import pytest

from contract import filetypes, rules
from landing import records


@pytest.mark.parametrize(
    ("name", "ext"),
    [
        ("rekap.CSV", ".csv"),
        ("a/b\\rekap 12.04.xlsx", ".xlsx"),
        ("rekap", ""),
        ("rekap.", ""),
        (".csv", ".csv"),
    ],
)
def test_the_extension_is_the_last_components_in_lower_case(name, ext):
    assert filetypes.extension(name) == ext


def test_every_format_has_one_reader_and_the_refusal_lists_every_extension():
    assert set(records.FORMATS) == {t.kind for t in filetypes.FILE_TYPES}
    sentence = rules.message("berkas_tidak_terbaca", "jenis", ekstensi=".pdf")
    assert all(ext in sentence for t in filetypes.FILE_TYPES for ext in t.extensions)
    assert sentence == "jenis berkas .pdf tidak diterima; kirim .csv, .txt atau .xlsx"


def test_the_landing_and_the_portal_refuse_an_unknown_type_in_the_same_words():
    with pytest.raises(Exception) as caught:
        records.read_records("surat.pdf", b"%PDF-1.4")
    assert records.refusal("surat.pdf", b"%PDF-1.4") == caught.value.message

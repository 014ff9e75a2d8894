"""Names and contents the portal takes from a browser, before anything is written."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.names import numbered, refusal, safe_name

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("rekap 12 april.xlsx", "rekap 12 april.xlsx"),
        ("../x.csv", "x.csv"),  # path traversal: only the last component is kept
        ("..\\..\\windows\\x.csv", "x.csv"),
        ("/etc/passwd.csv", "passwd.csv"),
        ("<img src=x onerror=alert(1)>.csv", "_img src=x onerror=alert(1)_.csv"),
        ("-rf.csv", "rf.csv"),  # never a leading dash (an option to a shell command)
        ("--.csv", "unggahan.csv"),
        ("  .tersembunyi.csv", "tersembunyi.csv"),  # never a hidden file
        ("a\nb\tc\x00d\x1b.csv", "a_b_c_d_.csv"),  # control characters
        ("\u202egnp.csv", "_gnp.csv"),  # a right-to-left override would disguise the name
        ("rekap\u2028baru.csv", "rekap baru.csv"),
        ("REKAP.CSV", "REKAP.CSV"),  # the extension kept as written
        ("laporan:ktp|5201?.csv", "laporan_ktp_5201_.csv"),  # characters Windows forbids
        (".csv", "unggahan.csv"),
        ("", "unggahan"),
    ],
)
def test_safe_name(sent, stored):
    assert safe_name(sent) == stored


def test_a_long_name_is_cut_on_a_character_and_keeps_its_extension():
    name = safe_name("é" * 300 + ".csv")
    assert name.endswith("é.csv") and len(name.encode()) <= 160


def test_numbered_names():
    assert [numbered("rekap.csv", n) for n in (1, 2, 10)] == ["rekap.csv", "rekap (2).csv", "rekap (10).csv"]


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("foto.jpg", b"\xff\xd8\xff")
    return out.getvalue()


CSV = b"tanggal,kode_kecamatan,wajib_ktp,sudah_rekam\n2018-04-12,520101,10,5\n"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("rekap.csv", CSV, None),
        ("rekap.txt", b"\xef\xbb\xbf" + CSV, None),
        ("rekap.csv", b"kecamatan <b>baru</b>\n" + CSV, None),  # markup inside is a value, not a page
        ("rekap.csv", "\ufefftanggal".encode("utf-16"), None),  # UTF-16: the check names the encoding
        ("rekap.xlsx", _xlsx(), None),
        ("rekap.csv", b"%PDF-1.4\n...", "PDF"),
        ("rekap.csv", b"MZ\x90\x00\x03", "program Windows"),
        ("rekap.csv", b"\x89PNG\r\n\x1a\n", "gambar PNG"),
        ("rekap.csv", _xlsx(), "arsip ZIP"),  # a workbook renamed .csv
        ("rekap.csv", b"abc\x00\x01\x02", "biner"),
        ("rekap.csv", b"<!DOCTYPE html><html><script>alert(1)</script>", "HTML"),
        ("rekap.csv", b"\xef\xbb\xbf  <html><body>", "HTML"),
        ("rekap.csv", b"<?xml version='1.0'?><svg/>", "HTML/XML"),
        ("rekap.xlsx", b"<html></html>", "bukan buku kerja XLSX"),
        ("rekap.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "Office lama"),
        ("rekap.xlsx", _zip_without_workbook(), "bukan buku kerja XLSX"),
        ("rekap.xlsx", b"PK\x03\x04 not really a zip", "rusak"),
        ("rekap.pdf", b"%PDF-1.4", "jenis berkas .pdf"),
        ("rekap", CSV, "tanpa ekstensi"),
        ("rekap.csv", b"", "kosong"),
    ],
)
def test_contents_are_what_the_name_says(name, data, reason):
    found = refusal(name, data)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found, found

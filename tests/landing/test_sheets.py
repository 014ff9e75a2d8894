"""Every part of an XLSX bounded (CONTRACT §1): any one part over 50 MB unpacked, or all of them
over 100 MB, is berkas_terlalu_besar, decided from the zip directory and by unpacking each part in
bounded pieces, whatever size the directory states."""

from __future__ import annotations

import pytest

from contract.errors import TooBig
from landing.records import read_records
from tests.hostile.corpus import crowded, report_workbook, swollen

MB = 1024 * 1024
PART = 51 * MB  # just over one part's limit (50 MB)


@pytest.fixture(scope="module")
def book() -> bytes:
    """A good report, what every bomb below is built from: only the padding refuses them."""
    data = report_workbook()
    records = read_records("rekap_2018-04-02.xlsx", data)
    assert records[0][1][:2] == ("tanggal", "kode_kecamatan") and len(records) == 11
    return data


def refused(data: bytes) -> str:
    """The message of the berkas_terlalu_besar finding the workbook gets."""
    with pytest.raises(TooBig) as caught:
        read_records("rekap_2018-04-02.xlsx", data)
    assert caught.value.aturan == "berkas_terlalu_besar"
    return caught.value.message


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/styles.xml", "docProps/app.xml"])
def test_any_part_over_50_mb_is_refused_naming_it(book, part):
    # not only the sheet: the shared strings, the styles, any member of the zip
    assert refused(swollen(book, {part: PART})) == (
        f"bagian {part} berisi lebih dari 52.428.800 byte setelah dibuka (50 MB); laporan "
        f"satu kabupaten sekitar 30 baris"
    )


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_directory_that_understates_a_part_is_not_believed(book, part):
    # the directory says 1,000 bytes; the part's stream unpacks to more than 50 MB (calamine
    # would read it all): counted as it unpacks, refused, and a sheet is named as people know it
    message = refused(swollen(book, {part: PART}, declared={part: 1_000}))
    named = "lembar Rekap" if "worksheets" in part else f"bagian {part}"
    assert message.startswith(f"{named} berisi lebih dari 52.428.800 byte setelah dibuka")


def test_parts_together_over_100_mb_are_refused(book):
    # three parts of 40 MB, each under its own limit: together over 100 MB
    extra = {f"xl/media/isi{i}.bin": 40 * MB for i in range(3)}
    message = refused(swollen(book, extra))
    assert (
        "bagian buku kerja bersama-sama berisi lebih dari 104.857.600 byte setelah dibuka (100 MB)" in message
    )
    assert "terbesar bagian xl/media/isi" in message


def test_parts_together_over_100_mb_are_counted_when_the_directory_understates_them(book):
    extra = {f"xl/media/isi{i}.bin": 40 * MB for i in range(3)}
    message = refused(swollen(book, extra, declared=dict.fromkeys(extra, 1_000)))
    assert "bersama-sama berisi lebih dari 104.857.600 byte" in message


def test_a_directory_of_megabytes_is_refused_before_it_is_parsed(book):
    # 40,000 empty members: the directory alone would take ~100 MB of Python objects
    message = refused(crowded(book, 40_000))
    assert message.startswith("daftar isi arsip buku kerja") and "melebihi batas 1.048.576 byte" in message


def test_a_part_name_is_shown_escaped(book):
    # the part's name comes from the upload: its control characters never reach a person raw
    message = refused(swollen(book, {"xl/\x1b[31mmerah.xml": PART}))
    assert "bagian xl/\\x1b[31mmerah.xml berisi lebih dari" in message

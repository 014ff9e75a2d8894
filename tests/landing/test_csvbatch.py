"""read_plain (landing/csvbatch.py): plain CSVs read together give what reading each file alone
gives, and every file it is not sure of goes the per-file way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.errors import UnreadableFile
from landing.csvbatch import read_plain
from landing.records import read_records
from pipeline.batch import parse_files
from transforms.uploads import ParsedUpload, parse_uploads, unreadable_upload

TODAY = dt.date(2018, 4, 20)
CORPUS = Path(__file__).parents[1] / "corpus" / "landing"
HEADER = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam"


def per_file(files: list[tuple[str, bytes]]) -> list[ParsedUpload]:
    """The batch parsed the per-file way only: read_records for every file, then parse_uploads."""
    readable = []
    parsed: list[ParsedUpload | None] = []
    for name, data in files:
        try:
            readable.append((len(parsed), name, read_records(name, data)))
            parsed.append(None)
        except UnreadableFile as exc:
            parsed.append(unreadable_upload(name, exc.message, exc.aturan))
    together = parse_uploads([(name, records) for _, name, records in readable], TODAY)
    for (at, _, _), upload in zip(readable, together, strict=True):
        parsed[at] = upload
    return [upload for upload in parsed if upload is not None]


def assert_same(files: list[tuple[str, bytes]]) -> None:
    batch, alone = parse_files(files, TODAY), per_file(files)
    assert len(batch) == len(alone) == len(files)
    for (name, data), got, want in zip(files, batch, alone, strict=True):
        why = f"{name}: {data!r}"
        assert got.tanggal == want.tanggal, why
        assert got.coded == want.coded, why
        assert got.kolom_berkas == want.kolom_berkas, why
        assert got.rows.equals(want.rows), why
        assert got.findings.equals(want.findings), why


# Cells that keep a file plain, and cells that must send it the per-file way.
PLAIN_CELLS = [
    "",
    " ",
    "52.01.01",
    "520102",
    "Gerung",
    "Kota Mataram",
    "JUMLAH",
    " total: ",
    "12",
    "1.234",
    "12 345",
    "2018-04-12",
    "12/04/2018",
    "-3",
    "x1",
    "kecamatan",
    "wajib_ktp",
]
ODD_CELLS = ['"Gerung"', '"a', "é", "Caf\xe9", "a\x01", "a\x7f", "\u200b", "12,345", "a;b", "a\tb", "a\rb"]
NAMES = [
    "tanggal",
    "kode_kecamatan",
    "Kode Kec",
    "nama_kecamatan",
    "Kecamatan",
    "wajib_ktp",
    "WKTP",
    "sudah_rekam",
    "Rekam",
    "belum_rekam",
    "rekam_hari_ini",
    "cetak",
    "No",
    "",
    "x",
]


@st.composite
def csv_files(draw) -> tuple[str, bytes]:
    """A CSV upload, most often one the plain way can take (a header on line 1, rows no wider)."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r\n", "\r"]))
    odd = draw(st.integers(0, 4)) == 0
    cells = st.sampled_from(PLAIN_CELLS + (ODD_CELLS if odd else []))
    header = draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=9))
    wider = draw(st.integers(0, 4)) == 0
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + wider), max_size=12))
    titles = ["Laporan 12 April 2018", "", "kode_kecamatan wajib_ktp"]
    above = draw(st.lists(st.sampled_from(titles), max_size=2)) if draw(st.integers(0, 3)) == 0 else []
    lines = [*above, delimiter.join(header), *(delimiter.join(row) for row in rows)]
    text = newline.join(lines) + draw(st.sampled_from(["", newline, newline * 2]))
    name = draw(st.sampled_from(["laporan_2018-04-12.csv", "a.TXT", "b.csv", "1 Mei 2018.csv", "c.xlsx"]))
    return name, text.encode("utf-8")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(csv_files(), min_size=1, max_size=5))
def test_a_batch_parses_as_each_file_read_alone(files):
    assert_same(files)


def test_the_hostile_corpus_parses_as_each_file_read_alone():
    files = [(str(p.relative_to(CORPUS)), p.read_bytes()) for p in sorted(CORPUS.rglob("*")) if p.is_file()]
    plain = read_plain(files).headers
    assert 0 < len(plain) < len(files)  # both ways are taken
    assert_same(files)


def test_an_ordinary_report_takes_the_plain_way():
    rows = "\n".join(
        f"2018-04-12,52.01.{i:02},Kecamatan {i},{100 * i},{90 * i},{10 * i}" for i in range(1, 16)
    )
    files = [
        ("laporan_2018-04-12.csv", f"{HEADER}\n{rows}\n".encode()),
        ("windows.csv", f"{HEADER}\r\n{rows}\r\n".replace(",", ";").encode()),
        ("judul.csv", f"Laporan\n{HEADER}\n{rows}\n".encode()),  # a title line: per file
        ("kutip.csv", f'{HEADER}\n"2018-04-12",52.01.01,A,1,1,0\n'.encode()),  # a quote: per file
    ]
    plain = read_plain(files)
    assert sorted(plain.headers) == [0, 1]
    assert plain.cells.filter(pl.col("_file") == 0).get_column("baris").to_list() == list(range(2, 17))
    assert_same(files)


def test_a_later_line_naming_more_columns_than_line_1_sends_the_file_back():
    # find_header_row takes the record naming the most columns among the first 11: here line 2,
    # as wide as line 1, so that only the count of names tells
    data = f"kode_kecamatan,wajib_ktp,a,b,c,d\n{HEADER}\n2018-04-12,52.01.01,A,1,1,0\n".encode()
    assert read_plain([("a.csv", data)]).headers == {}
    assert_same([("a.csv", data)])


def test_a_header_ending_in_a_blank_cell_sends_the_file_back():
    # read_csv measures a header without its blank tail: a comma file's line filling the blank
    # cell is wider than its header, and refused
    data = b"kode_kecamatan,wajib_ktp,sudah_rekam,\n52.01.01,10,5,7\n"
    assert read_plain([("a.csv", data)]).headers == {}
    (parsed,) = parse_files([("a.csv", data)], TODAY)
    assert parsed.findings.get_column("aturan").to_list() == ["berkas_tidak_terbaca"]
    assert_same([("a.csv", data)])


def test_a_line_wider_than_the_header_sends_the_file_back():
    # a comma file's wider line is refused (berkas_tidak_terbaca), by the per-file reader
    data = f"{HEADER}\n2018-04-12,52.01.01,A,12,345,1,0\n".encode()
    assert read_plain([("a.csv", data)]).headers == {}
    (parsed,) = parse_files([("a.csv", data)], TODAY)
    assert parsed.findings.get_column("aturan").to_list() == ["berkas_tidak_terbaca"]
    assert_same([("a.csv", data)])

"""Receipts after the corpus nightly: per district, one JSON and one text listing every decided file."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.corpus import corpus
from tests.uploads import one

EXPECTED = corpus.expected()
STATUS_TEXT = {
    "loaded": "Status: DITERIMA (dimuat)",
    "rejected": "Status: DITOLAK",
    "superseded": "Status: DITERIMA, digantikan berkas yang lebih baru",
    "duplicate": "Status: SALINAN (diabaikan)",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory, prefect_server):
    return corpus.nightly_over_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def receipts(run) -> dict[str, tuple[dict, str]]:
    """file -> (its JSON receipt, its district's letter), from
    <warehouse dir>/tanda_terima/<kab>/<run id>.*"""
    folder = run.warehouse.parent / "tanda_terima"
    found = {}
    for path in folder.rglob("*.json"):
        document = json.loads(path.read_text())
        letter = path.with_suffix(".txt").read_text()
        # the district's own folder (stray files of the landing folder itself: `_landing`), named by run
        assert path.parent.name == document["kode_kabupaten"] and path.stem == document["run_id"]
        assert document["jumlah_berkas"] == len(document["berkas"])
        for data in document["berkas"]:
            assert (data["kode_kabupaten"] or "_landing") == document["kode_kabupaten"]
            assert data["berkas"] not in found
            found[data["berkas"]] = (data, letter)
    return found


def _own_part(letter: str, berkas: str) -> str:
    """The part of a district's letter about one file (each starts with `Tanda terima berkas:`)."""
    parts = letter.split("Tanda terima berkas: ")
    return "Tanda terima berkas: " + next(p for p in parts[1:] if p.startswith(berkas + "\n"))


def test_every_corpus_file_has_a_receipt(receipts):
    # one receipt per decided file, no more
    assert set(receipts) == {e.file for e in EXPECTED}


@pytest.mark.parametrize("e", EXPECTED, ids=[e.file for e in EXPECTED])
def test_receipt_carries_status_and_findings(receipts, run, e):
    # the JSON has the status and the findings of kualitas_data; the text says the same
    data, letter = receipts[e.file]
    text = _own_part(letter, e.file)
    # the letter's summary lists the file with its status
    assert f"  {data['keterangan']}: {e.file}\n" in letter
    assert data["status"] == e.status
    assert {f["aturan"] for f in data["temuan"]} == e.aturan
    assert data["kesalahan"] == sum(f["tingkat"] == "error" for f in data["temuan"])
    assert data["peringatan"] == sum(f["tingkat"] == "warning" for f in data["temuan"])
    stored = one(
        run.warehouse,
        "select baris, kode_kecamatan, kolom, nilai, aturan, pesan from kualitas_data where file = ?",
        [e.file],
    )
    in_json = [
        (f["baris"], f["kode_kecamatan"], f["kolom"], f["nilai"], f["aturan"], f["pesan"])
        for f in data["temuan"]
    ]
    assert Counter(in_json) == Counter(stored)
    assert text.startswith(f"Tanda terima berkas: {e.file}\n")
    assert STATUS_TEXT[e.status] in text
    for f in data["temuan"]:
        assert f"  - [{f['tingkat']}] {f['aturan']}: {f['pesan']}" in text
    # a rejected file's letter tells the district what to do
    assert ("Perbaiki temuan di atas lalu kirim ulang" in text) == (e.status == "rejected")


def test_receipt_of_a_row_error_names_the_place(receipts):
    # line, 6-digit kecamatan code, column and value, as the district needs them to fix the file
    data, letter = receipts["5208/lebih_2018-04-12.csv"]
    text = _own_part(letter, "5208/lebih_2018-04-12.csv")
    assert data["temuan"] == [
        {
            "baris": 4,
            "kode_kecamatan": "520803",
            "kolom": "sudah_rekam",
            "nilai": "11417",
            "aturan": "rekam_melebihi_wajib",
            "tingkat": "error",
            "pesan": "baris 4 (520803): sudah_rekam 11.417 lebih besar dari wajib_ktp 11.407",
        }
    ]
    assert data["tanggal"] == "2018-04-12" and data["baris_kecamatan"] == 5
    assert "Kesalahan: 1   Peringatan: 0" in text


def test_receipt_of_an_unreadable_file(receipts):
    # a file read as nothing still gets a receipt that says why
    data, letter = receipts["5272/bukan_excel.xlsx"]
    text = _own_part(letter, "5272/bukan_excel.xlsx")
    assert data["tanggal"] is None and data["baris_kecamatan"] == 0
    assert "Tanggal laporan: tidak terbaca" in text
    assert "berkas xlsx rusak atau tidak dapat dibuka" in text


def test_receipts_of_two_files_with_the_same_name(receipts, run):
    # the stray file in the landing folder and the one in 5299 share a name: each is in its own
    # folder's receipt
    folder = run.warehouse.parent / "tanda_terima"
    assert receipts["rekap_2018-04-12.csv"][0]["kode_kabupaten"] is None
    assert receipts["5299/rekap_2018-04-12.csv"][0]["kode_kabupaten"] == "5299"
    for kabupaten, berkas in (("_landing", "rekap_2018-04-12.csv"), ("5299", "5299/rekap_2018-04-12.csv")):
        (path,) = (folder / kabupaten).glob("*.json")
        assert berkas in [r["berkas"] for r in json.loads(path.read_text())["berkas"]]

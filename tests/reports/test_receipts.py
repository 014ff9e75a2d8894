"""Receipts after the corpus nightly: per district, one JSON and one text listing every decided file."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import receipts as receipt_docs
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


# --- the file's own header beside the canonical column (issue #21 item 8) --------------------------


def test_the_letter_names_a_column_as_the_file_spells_it(receipts):
    # 5208/rekap_2018-04-06.csv writes rekam_hari_ini as "Rekam Harian": its finding's line in the
    # letter shows both names; the JSON keeps the contract's keys (the canonical `kolom`, no header)
    data, letter = receipts["5208/rekap_2018-04-06.csv"]
    text = _own_part(letter, "5208/rekap_2018-04-06.csv")
    (f,) = data["temuan"]
    assert (f["kolom"], f["aturan"]) == ("rekam_hari_ini", "rekam_harian_tidak_sesuai")
    assert f'{f["pesan"]} (kolom rekam_hari_ini; di berkas: "Rekam Harian")\n' in text
    assert "kolom_berkas" not in data and "Rekam Harian" not in json.dumps(data)
    # a file whose headers are the canonical names: nothing is repeated
    canonical = "5208/angka_salah_2018-04-11.csv"
    assert "di berkas" not in _own_part(receipts[canonical][1], canonical)


def test_a_hostile_header_is_escaped_and_bounded_in_the_letter_and_left_out_of_the_json():
    # headers as a run hands them to the receipts (file, sha256, kolom_berkas); whatever they hold,
    # the letter shows them escaped and bounded (a stored receipt is read back: headers_of escapes
    # again), beside findings on a line only; the JSON document keeps the contract's keys
    import polars as pl

    from reports import receipts as r
    from transforms.header import HEADER_SHOWN

    hostile = "<script>\u202eSudah\xa0Rekam" + "_" * 5000
    unggahan = pl.DataFrame(
        [("5201/rekap.csv", "ab" * 32, "5201", None, "rejected", "x", 3, None)],
        orient="row",
        schema={
            "file": pl.String,
            "sha256": pl.String,
            "kode_kabupaten": pl.String,
            "tanggal": pl.Date,
            "status": pl.String,
            "alasan": pl.String,
            "baris": pl.Int32,
            "tiba_pada": pl.Datetime("us", "UTC"),
        },
    )
    findings = [
        (2, "520101", "sudah_rekam", "x", "angka_tidak_valid", "error", "baris 2 (520101): sudah_rekam x"),
        (3, "520102", "wajib_ktp", "y", "angka_tidak_valid", "error", "baris 3 (520102): wajib_ktp y"),
        (None, "520103", "kode_kecamatan", None, "kecamatan_tidak_lapor", "warning", "kecamatan 520103"),
    ]
    kualitas = pl.DataFrame(
        [("5201/rekap.csv", "ab" * 32, *f) for f in findings],
        orient="row",
        schema=["file", "sha256", *r.FINDING_KEYS],
    )
    headers = pl.DataFrame(
        {
            "file": ["5201/rekap.csv"],
            "sha256": ["ab" * 32],
            "kolom_berkas": [
                [{"kolom": "sudah_rekam", "judul": hostile}, {"kolom": "kode_kecamatan", "judul": "KODE"}]
            ],
        }
    )
    (doc,) = r.documents(unggahan, kualitas, "run-1", headers)
    lines = {line.split(":")[1].strip(): line for line in doc.letter.splitlines() if line.startswith("  - [")}
    shown = lines["baris 2 (520101)"].split('di berkas: "', 1)[1].removesuffix('")')
    assert shown.startswith("<script>\\u202eSudah\\xa0Rekam___") and shown.endswith("…")
    assert len(shown) == HEADER_SHOWN
    assert "\u202e" not in doc.letter and "\xa0" not in doc.letter
    assert "di berkas" not in lines["baris 3 (520102)"]  # wajib_ktp: the canonical name in the file
    assert "di berkas" not in lines["kecamatan 520103"]  # on no line of the file
    assert "kolom_berkas" not in doc.json and "Sudah" not in doc.json and "KODE" not in doc.json


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)
RECEIPTS = st.lists(
    st.fixed_dictionaries(
        {
            "berkas": TEXT,
            "status": st.sampled_from(sorted(STATUS_TEXT)),
            "baris_kecamatan": st.integers(0, 10**6) | st.none(),
            "tanggal": st.dates() | st.none(),
            "temuan": st.lists(
                st.fixed_dictionaries({"baris": st.integers(1, 99) | st.none(), "pesan": TEXT})
            ),
        }
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(RECEIPTS, st.booleans())
def test_a_document_is_the_receipts_as_json_each_file_on_a_line(files, counted):
    # whatever the files' names and findings hold (quotes, line breaks, U+2028, ...): the document
    # reads back as the receipts sorted by name, and each file's receipt is one line of it
    rest = receipt_docs.Counted(9, {"loaded": 9}, ["a\nb"]) if counted else None
    document = receipt_docs.document_json("R", "5272", files, rest, 99)
    berkas = sorted(files, key=lambda r: r["berkas"])
    expected = {"run_id": "R", "kode_kabupaten": "5272", "jumlah_berkas": 99}
    expected["berkas"] = json.loads(json.dumps(berkas, default=str))
    if counted:
        expected["berkas_lain"] = {"jumlah": 9, "per_status": {"loaded": 9}, "contoh": ["a\nb"]}
    assert json.loads(document) == expected
    lines = document.split("\n")
    assert [json.loads(line.strip().removesuffix(",")) for line in lines[5 : 5 + len(files)]] == expected[
        "berkas"
    ]
    # a key added after (a withdrawn sign-off) keeps the layout and reads back beside the rest
    told = receipt_docs.with_key(document, "persetujuan_ditarik", {"pesan": 'a "b"\nc'})
    assert json.loads(told) == {**expected, "persetujuan_ditarik": {"pesan": 'a "b"\nc'}}
    assert told.startswith(document.removesuffix("\n}"))


def test_a_document_and_letter_from_receipts_made_once_equal_those_made_from_the_receipts():
    # documents() hands each receipt's JSON and text on to the writers, made once for the budget
    common = {"kode_kabupaten": "5272", "baris_kecamatan": 3, "peringatan": 0, "temuan": []}
    files = [
        {"berkas": "b.csv", "status": "loaded", "keterangan": "DITERIMA", "tanggal": "2018-04-12", **common},
        {"berkas": "a.csv", "status": "rejected", "keterangan": "DITOLAK", "tanggal": None, **common},
    ]
    for r in files:
        r["kesalahan"] = int(r["status"] == "rejected")
    encoded = [receipt_docs._json(receipt_docs.public(r)) for r in files]
    texts = [receipt_docs.text(r) for r in files]
    document = receipt_docs.document_json("R", "5272", files)
    assert receipt_docs.document_json("R", "5272", files, None, 2, encoded) == document
    letter = receipt_docs.letter("R", "5272", files)
    assert receipt_docs.letter("R", "5272", files, None, 2, 1, texts) == letter
    assert document.index("a.csv") < document.index("b.csv")  # by name
    assert letter.index("DITOLAK: a.csv") < letter.index("DITERIMA: b.csv")  # rejected first

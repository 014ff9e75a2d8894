"""What a run writes: unggahan, kualitas_data and riwayat_kecamatan rows (transforms/ledger.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl

from contract import rules
from contract.columns import COUNT_COLUMNS
from transforms import ledger

D = date(2018, 4, 12)
NOW = datetime(2018, 4, 13, 2, 0, tzinfo=UTC)


def files(*rows: tuple) -> pl.DataFrame:
    """(file_id, file, status) per file; the rest of the ledger columns fixed."""
    return pl.DataFrame(
        [
            (
                i,
                f,
                f"sha-{i}",
                "5201",
                D,
                1_523_500_000_000_000_000,
                1_523_500_000_000_000_000,
                1,
                7,
                100,
                2,
                s,
            )
            for i, f, s in rows
        ],
        orient="row",
        schema={
            "file_id": pl.Int64,
            "file": pl.String,
            "sha256": pl.String,
            "kode_kabupaten": pl.String,
            "tanggal": pl.Date,
            "mtime_ns": pl.Int64,
            "tiba_ns": pl.Int64,
            "ctime_ns": pl.Int64,
            "inode": pl.Int64,
            "ukuran": pl.Int64,
            "baris": pl.Int32,
            "status": pl.String,
        },
    )


def findings(*rows: tuple) -> pl.DataFrame:
    """(file_id, baris, aturan, pesan) per finding."""
    return pl.DataFrame(
        [{"file_id": i, **rules.finding(a, p, baris=b)} for i, b, a, p in rows],
        schema={
            "file_id": pl.Int64,
            "baris": pl.Int64,
            "kode_kecamatan": pl.String,
            "kolom": pl.String,
            "nilai": pl.String,
            "aturan": pl.String,
            "tingkat": pl.String,
            "pesan": pl.String,
        },
    )


def test_reasons_are_the_errors_or_else_the_warnings():
    # a rejected file's reason lists its errors by line; a loaded file's its warnings, marked as such
    f = files((0, "5201/a.csv", "rejected"), (1, "5201/b.csv", "loaded"), (2, "5201/c.csv", "loaded"))
    found = findings(
        (0, 4, "nama_tidak_sesuai", "nama"),
        (0, 3, "angka_tidak_valid", "angka 3"),
        (0, 2, "kolom_hilang", "kolom"),
        (1, 5, "rekam_menurun", "turun"),
    )
    reasons = dict(ledger.unggahan(f, found, "r1", NOW).select("file", "alasan").iter_rows())
    assert reasons == {"5201/a.csv": "kolom; angka 3", "5201/b.csv": "peringatan: turun", "5201/c.csv": None}


def test_long_reasons_are_cut_with_a_count_of_the_rest():
    # at most five findings in the reason, then "(dan N temuan lain)"
    f = files((0, "5201/a.csv", "rejected"))
    found = findings(*[(0, line, "angka_tidak_valid", f"baris {line}") for line in range(2, 10)])
    (alasan,) = ledger.unggahan(f, found, "r1", NOW)["alasan"]
    assert alasan == "baris 2; baris 3; baris 4; baris 5; baris 6 (dan 3 temuan lain)"


def test_superseded_and_duplicate_files_say_so():
    f = files((0, "5201/a.csv", "superseded"), (1, "5201/b.csv", "duplicate"))
    reasons = ledger.unggahan(f, findings(), "r1", NOW)["alasan"].to_list()
    assert reasons == [
        "digantikan oleh berkas yang lebih baru untuk tanggal yang sama",
        "salinan persis berkas sebelumnya; diabaikan",
    ]


def test_a_duplicate_carries_no_findings():
    # a copy is ignored: its findings (those of its twin) are not written again
    f = files((0, "5201/a.csv", "rejected"), (1, "5201/b.csv", "duplicate"))
    found = findings((0, 2, "kolom_hilang", "x"), (1, 2, "kolom_hilang", "x"))
    assert ledger.kualitas_data(f, found, "r1")["file"].to_list() == ["5201/a.csv"]


def test_riwayat_keeps_the_rows_of_valid_files_only():
    # loaded and superseded rows are the history of a figure; a rejected file's rows are not
    f = files((0, "5201/a.csv", "loaded"), (1, "5201/b.csv", "superseded"), (2, "5201/c.csv", "rejected"))
    rows = pl.DataFrame(
        [
            {
                "file_id": i,
                "file": n,
                "kode_kabupaten": "5201",
                "tanggal": D,
                "baris": 2,
                "kode_kecamatan": "520101",
                "nama_kecamatan": None,
                **dict.fromkeys(COUNT_COLUMNS, 1),
            }
            for i, n in enumerate(["5201/a.csv", "5201/b.csv", "5201/c.csv"])
        ],
        schema_overrides={c: pl.Int64 for c in COUNT_COLUMNS},
    )
    assert sorted(ledger.riwayat(f, rows, "r1", NOW)["file"]) == ["5201/a.csv", "5201/b.csv"]

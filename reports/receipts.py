"""Receipts: what each district office is told about the files it sent (JSON and plain text)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl

STATUS_ID = {
    "loaded": "DITERIMA (dimuat)",
    "rejected": "DITOLAK",
    "superseded": "DITERIMA, digantikan berkas yang lebih baru",
    "duplicate": "SALINAN (diabaikan)",
}


def receipt(row: dict, findings: list[dict]) -> dict:
    """One file's receipt as data."""
    return {
        "berkas": row["file"],
        "sha256": row["sha256"],
        "kode_kabupaten": row["kode_kabupaten"],
        "tanggal": row["tanggal"].isoformat() if row["tanggal"] else None,
        "status": row["status"],
        "keterangan": STATUS_ID[row["status"]],
        "baris_kecamatan": row["baris"],
        "kesalahan": sum(f["tingkat"] == "error" for f in findings),
        "peringatan": sum(f["tingkat"] == "warning" for f in findings),
        "temuan": [
            {k: f[k] for k in ("baris", "kode_kecamatan", "kolom", "nilai", "aturan", "tingkat", "pesan")}
            for f in findings
        ],
        "alasan": row["alasan"],
    }


def text(r: dict) -> str:
    """The same receipt as a short Indonesian letter an operator reads."""
    lines = [
        f"Tanda terima berkas: {r['berkas']}",
        f"Kabupaten/kota: {r['kode_kabupaten']}   Tanggal laporan: {r['tanggal'] or 'tidak terbaca'}",
        f"Status: {r['keterangan']}",
        f"Baris kecamatan: {r['baris_kecamatan']}   Kesalahan: {r['kesalahan']}   Peringatan: {r['peringatan']}",
    ]
    if r["temuan"]:
        lines.append("Temuan:")
        lines += [f"  - [{f['tingkat']}] {f['aturan']}: {f['pesan']}" for f in r["temuan"]]
    if r["status"] == "rejected":
        lines.append("Perbaiki temuan di atas lalu kirim ulang berkas ini; tidak ada angka yang dimuat dari berkas ini.")
    return "\n".join(lines) + "\n"


def receipts(unggahan: pl.DataFrame, kualitas: pl.DataFrame) -> list[dict]:
    """One receipt per decided file."""
    by_file: dict[tuple[str, str], list[dict]] = {}
    for f in kualitas.iter_rows(named=True):
        by_file.setdefault((f["file"], f["sha256"]), []).append(f)
    return [receipt(row, by_file.get((row["file"], row["sha256"]), [])) for row in unggahan.iter_rows(named=True)]


def write_all(folder: Path, outcome, run_id: str) -> None:
    """receipts/<kabupaten>/<run id>.{json,txt}: one pair per district office and run, listing
    every file of that district the run decided (a nightly: usually one; a backfill: many).

    One pair per district, not per file: creating 46,000 files is most of what receipts cost
    at national scale (23,000 files a backfill).
    """
    by_kabupaten: dict[str, list[dict]] = {}
    for r in receipts(outcome.unggahan, outcome.kualitas):
        by_kabupaten.setdefault(r["kode_kabupaten"] or "_landing", []).append(r)
    for kabupaten, files in sorted(by_kabupaten.items()):
        files.sort(key=lambda r: r["berkas"])
        target = os.path.join(folder, kabupaten)
        os.makedirs(target, exist_ok=True)
        stem = os.path.join(target, run_id)
        _write(stem + ".json", document_json(run_id, kabupaten, files))
        _write(stem + ".txt", letter(run_id, kabupaten, files))


def document_json(run_id: str, kabupaten: str, files: list[dict]) -> str:
    """One district's receipts of a run as the JSON document the office downloads."""
    document = {"run_id": run_id, "kode_kabupaten": kabupaten, "jumlah_berkas": len(files), "berkas": files}
    return json.dumps(document, ensure_ascii=False, indent=1, default=str)


def letter(run_id: str, kabupaten: str, files: list[dict]) -> str:
    """One district's receipts of a run as one letter: a line per file, then each file's details."""
    rejected = sum(r["status"] == "rejected" for r in files)
    # Rejected files first: they are what the office has to act on.
    files = sorted(files, key=lambda r: r["status"] != "rejected")
    lines = [
        f"Tanda terima proses {run_id} untuk kabupaten/kota {kabupaten}: {len(files)} berkas, {rejected} ditolak.",
        *(f"  {r['keterangan']}: {r['berkas']}" for r in files),
    ]
    return "\n".join(lines) + "\n\n" + "\n".join(text(r) for r in files)


def _write(path: str, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        data = memoryview(content.encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)

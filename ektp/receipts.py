"""Receipts: what each district office is told about each file it sent (JSON and plain text)."""

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


def write_all(folder: Path, outcome) -> None:
    """receipts/<kabupaten>/<file name>.<sha8>.{json,txt}, so each office can be sent its own."""
    # Two files per decided file: at national scale (23,000 files a backfill) creating them is
    # what costs, so each folder is made once and the bytes go out with one os.write each.
    made: set[str] = set()
    for r in receipts(outcome.unggahan, outcome.kualitas):
        target = os.path.join(folder, r["kode_kabupaten"] or "_landing")
        if target not in made:
            os.makedirs(target, exist_ok=True)
            made.add(target)
        stem = os.path.join(target, r["berkas"].split("/", 1)[-1].replace("/", "__") + "." + r["sha256"][:8])
        _write(stem + ".json", json.dumps(r, ensure_ascii=False, indent=2, default=str))
        _write(stem + ".txt", text(r))


def _write(path: str, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        data = memoryview(content.encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)

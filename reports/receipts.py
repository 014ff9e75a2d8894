"""Receipts: what each district office is told about the files it sent (JSON and plain text).

A run builds one document per district (`documents`) in the transaction that commits its
decisions, so the receipts owed are committed with them (CONTRACT §2); they are written to files
afterwards (`write`), atomically, by this run or, if it stopped first, by the next one.

A receipt stays readable whatever the run held: each file lists at most MAX_FINDINGS_PER_FILE
findings (the rest counted; all of them are in kualitas_data), and once a district's document
passes DETAIL_BUDGET bytes, the remaining files (superseded and duplicates last) are only counted
per status, with a few names: 50,000 files still make a receipt of a few megabytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from contract.dates import WITA
from contract.files import write_atomic
from contract.formats import waktu

STATUS_ID = {
    "loaded": "DITERIMA (dimuat)",
    "rejected": "DITOLAK",
    "superseded": "DITERIMA, digantikan berkas yang lebih baru",
    "duplicate": "SALINAN (diabaikan)",
}
# What the office acts on comes first: rejected files, then the loaded ones.
PRIORITY = {"rejected": 0, "loaded": 1, "superseded": 2, "duplicate": 3}
MAX_FINDINGS_PER_FILE = 50
DETAIL_BUDGET = 2_000_000  # bytes of a district's files listed in full, in each of JSON and letter
SAMPLE_NAMES = 20  # names of the files only counted
FINDING_KEYS = ("baris", "kode_kecamatan", "kolom", "nilai", "aturan", "tingkat", "pesan")


@dataclass(frozen=True)
class Document:
    """One district's receipt of one run, as written to <receipts>/<kabupaten>/<run id>.{json,txt}."""

    run_id: str
    kode_kabupaten: str  # the inbox folder, or `_landing` for files lying in the landing folder itself
    json: str
    letter: str


def why(row: dict, current: dict | None) -> str | None:
    """One sentence: why the file has its status, naming the file that is current for its date
    (None when there is nothing to add to the status)."""
    status = row["status"]
    if status == "loaded":
        return "berkas ini yang berlaku untuk tanggal laporannya: berkas sah yang tiba paling akhir"
    if current is None or current["file"] == row["file"]:
        return None
    name = current["file"]
    arrived = f" (tiba {waktu(current['tiba_pada'])})" if current.get("tiba_pada") else ""
    if status == "superseded":
        return f"digantikan oleh {name}, yang tiba lebih akhir{arrived}; angka yang berlaku dari berkas itu"
    return f"angka yang berlaku untuk tanggal ini tetap dari {name}{arrived}"


def receipt(row: dict, findings: list[dict], current: dict | None = None) -> dict:
    """One file's receipt as data. `current`: the file loaded for its district and date now
    (file, tiba_pada), if any."""
    shown = findings[:MAX_FINDINGS_PER_FILE]
    return {
        "berkas": row["file"],
        "sha256": row["sha256"],
        "kode_kabupaten": row["kode_kabupaten"],
        "tanggal": row["tanggal"].isoformat() if row["tanggal"] else None,
        "tiba_pada": row["tiba_pada"].astimezone(WITA).isoformat() if row.get("tiba_pada") else None,
        "status": row["status"],
        "keterangan": STATUS_ID[row["status"]],
        "berkas_berlaku": current["file"] if current else None,
        "mengapa": why(row, current),
        "baris_kecamatan": row["baris"],
        "kesalahan": sum(f["tingkat"] == "error" for f in findings),
        "peringatan": sum(f["tingkat"] == "warning" for f in findings),
        "temuan": [{k: f[k] for k in FINDING_KEYS} for f in shown],
        "temuan_lain": len(findings) - len(shown),
        "alasan": row["alasan"],
    }


def text(r: dict) -> str:
    """The same receipt as a short Indonesian letter an operator reads."""
    arrived = datetime.fromisoformat(r["tiba_pada"]) if r.get("tiba_pada") else None
    lines = [
        f"Tanda terima berkas: {r['berkas']}",
        f"Kabupaten/kota: {r['kode_kabupaten']}   Tanggal laporan: {r['tanggal'] or 'tidak terbaca'}",
        f"Status: {r['keterangan']}",
    ]
    if arrived is not None:
        lines.append(f"Tiba: {waktu(arrived)}")
    if r.get("mengapa"):
        lines.append(f"Keterangan: {r['mengapa']}")
    lines.append(f"Baris kecamatan: {r['baris_kecamatan']}   Kesalahan: {r['kesalahan']}   Peringatan: {r['peringatan']}")
    if r["temuan"]:
        lines.append("Temuan:")
        lines += [f"  - [{f['tingkat']}] {f['aturan']}: {f['pesan']}" for f in r["temuan"]]
    if r.get("temuan_lain"):
        lines.append(f"  ... dan {r['temuan_lain']} temuan lain (semuanya tercatat di gudang data, tabel kualitas_data)")
    if r["status"] == "rejected":
        lines.append("Perbaiki temuan di atas lalu kirim ulang berkas ini; tidak ada angka yang dimuat dari berkas ini.")
    return "\n".join(lines) + "\n"


def _current(unggahan: pl.DataFrame) -> dict[tuple[str | None, object], dict]:
    """(kode_kabupaten, tanggal) -> the loaded file of that district and date."""
    loaded = unggahan.filter(pl.col("status") == "loaded").select("kode_kabupaten", "tanggal", "file", "tiba_pada")
    return {(r["kode_kabupaten"], r["tanggal"]): r for r in loaded.iter_rows(named=True)}


def receipts(unggahan: pl.DataFrame, kualitas: pl.DataFrame) -> list[dict]:
    """One receipt per decided file. `unggahan` holds every file of the districts and dates the
    run decided (a run re-decides them whole), so each names the file current for its date."""
    by_file: dict[tuple[str, str], list[dict]] = {}
    # Only what a receipt shows: the file's own rows for one key at a time would be slower.
    for f in kualitas.select("file", "sha256", *FINDING_KEYS).iter_rows(named=True):
        by_file.setdefault((f["file"], f["sha256"]), []).append(f)
    current = _current(unggahan)
    return [
        receipt(row, by_file.get((row["file"], row["sha256"]), []), current.get((row["kode_kabupaten"], row["tanggal"])))
        for row in unggahan.iter_rows(named=True)
    ]


def documents(unggahan: pl.DataFrame, kualitas: pl.DataFrame, run_id: str) -> list[Document]:
    """One document per district office that had files decided: what the run owes them."""
    by_kabupaten: dict[str, list[dict]] = {}
    for r in receipts(unggahan, kualitas):
        by_kabupaten.setdefault(r["kode_kabupaten"] or "_landing", []).append(r)
    found = []
    for kabupaten, files in sorted(by_kabupaten.items()):
        split = _detailed(files)
        found.append(Document(run_id, kabupaten, document_json(run_id, kabupaten, files, split), letter(run_id, kabupaten, files, split)))
    return found


def _detailed(files: list[dict]) -> tuple[list[dict], list[dict]]:
    """(listed in full, only counted): files in order of what the office acts on, in full while
    their JSON and letter stay within DETAIL_BUDGET."""
    ordered = sorted(files, key=lambda r: (PRIORITY[r["status"]], r["berkas"]))
    size = 0
    for i, r in enumerate(ordered):
        size += max(len(json.dumps(r, ensure_ascii=False, default=str)), len(text(r))) + 64
        if size > DETAIL_BUDGET:
            return ordered[:i], ordered[i:]
    return ordered, []


def _counted(rest: list[dict]) -> dict | None:
    """The files not listed in full: how many per status, and a few names."""
    if not rest:
        return None
    per_status: dict[str, int] = {}
    for r in rest:
        per_status[r["status"]] = per_status.get(r["status"], 0) + 1
    return {"jumlah": len(rest), "per_status": per_status, "contoh": [r["berkas"] for r in rest[:SAMPLE_NAMES]]}


Split = tuple[list[dict], list[dict]]


def document_json(run_id: str, kabupaten: str, files: list[dict], split: Split | None = None) -> str:
    """One district's receipts of a run as the JSON document the office downloads."""
    shown, rest = split or _detailed(files)
    document = {
        "run_id": run_id, "kode_kabupaten": kabupaten, "jumlah_berkas": len(files),
        "berkas": sorted(shown, key=lambda r: r["berkas"]),
    }
    if counted := _counted(rest):
        document["berkas_lain"] = counted
    # Indented for a person while small; compact once large.
    return json.dumps(document, ensure_ascii=False, indent=1 if not rest else None, default=str)


def letter(run_id: str, kabupaten: str, files: list[dict], split: Split | None = None) -> str:
    """One district's receipts of a run as one letter: a line per file, then each file's details."""
    rejected = sum(r["status"] == "rejected" for r in files)
    shown, rest = split or _detailed(files)
    shown = sorted(shown, key=lambda r: (r["status"] != "rejected", r["berkas"]))  # what the office acts on, first
    lines = [
        f"Tanda terima proses {run_id} untuk kabupaten/kota {kabupaten}: {len(files)} berkas, {rejected} ditolak.",
        *(f"  {r['keterangan']}: {r['berkas']}" for r in shown),
    ]
    if counted := _counted(rest):
        tally = ", ".join(f"{n} {STATUS_ID[s]}" for s, n in sorted(counted["per_status"].items(), key=lambda i: PRIORITY[i[0]]))
        lines.append(f"  ... dan {counted['jumlah']} berkas lain ({tally}); daftar lengkap di gudang data, tabel unggahan.")
    return "\n".join(lines) + "\n\n" + "\n".join(text(r) for r in shown)


def write(folder: Path, documents_: Iterable[Document]) -> list[Path]:
    """<folder>/<kabupaten>/<run id>.{json,txt} for each document, each written atomically."""
    written = []
    for d in documents_:
        target = Path(folder) / d.kode_kabupaten
        os.makedirs(target, exist_ok=True)
        for suffix, body in ((".json", d.json), (".txt", d.letter)):
            write_atomic(target / f"{d.run_id}{suffix}", body)
            written.append(target / f"{d.run_id}{suffix}")
    return written

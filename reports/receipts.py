"""Receipts: what each district office is told about the files it sent (JSON and plain text).

A run builds one document per district (`documents`) in the transaction that commits its
decisions, so the receipts owed are committed with them (CONTRACT §2); they are written to files
afterwards (`write`), atomically, by this run or, if it stopped first, by the next one.

A receipt stays readable whatever the run held: each file lists at most MAX_FINDINGS_PER_FILE
findings (the rest counted; all of them are in kualitas_data), and once a district's document
passes DETAIL_BUDGET bytes, the remaining files (superseded and duplicates last) are only counted
per status, with a few names: 50,000 files still make a receipt of a few megabytes.

A finding names its column by the canonical name; where the file spells that column otherwise, the
letter (and the portal's pages) show the file's own header beside it (issue #21 item 8).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import polars as pl

from contract.dates import WITA
from contract.files import write_atomic
from contract.formats import tanggal_iso, waktu
from reports import status
from transforms.header import header_text

# A status's words and the order an office reads its files in: reports/status.py (rejected files
# first, then the loaded ones).
STATUS_ID = status.KETERANGAN
PRIORITY = status.PRIORITY
MAX_FINDINGS_PER_FILE = 50
DETAIL_BUDGET = 2_000_000  # bytes of a district's files listed in full, in each of JSON and letter
SAMPLE_NAMES = 20  # names of the files only counted
FINDING_KEYS = ("baris", "kode_kecamatan", "kolom", "nilai", "aturan", "tingkat", "pesan")
# A receipt's file headers (canonical column -> the file's own header, where it differs), for the
# letter and the portal's pages. The JSON documents leave them out: CONTRACT §2 names no receipt
# keys and says nothing of keys beyond them, so the JSON offices' systems read stays as it was.
HEADERS = "kolom_berkas"


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


def receipt(
    row: dict,
    findings: list[dict],
    current: dict | None = None,
    limit: int | None = MAX_FINDINGS_PER_FILE,
    headers: Mapping[str, str] | None = None,
) -> dict:
    """One file's receipt as data. `current`: the file loaded for its district and date now
    (file, tiba_pada), if any; `limit`: findings listed (None: all, for one file checked alone,
    whose findings each rule already bounds); `headers`: the file's own header of each column it
    spells otherwise (kept under HEADERS, never in the JSON)."""
    shown = findings if limit is None else findings[:limit]
    found = {
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
    if headers:
        found[HEADERS] = dict(headers)
    return found


def public(r: dict) -> dict:
    """A receipt as its JSON documents hold it: without the file headers (see HEADERS)."""
    return {k: v for k, v in r.items() if k != HEADERS} if HEADERS in r else r


def headers_of(r: Mapping) -> dict[str, str]:
    """A receipt's file headers, each escaped and bounded again (transforms.header.header_text,
    idempotent): a receipt may be read back from where it was stored."""
    return {kolom: header_text(str(judul)) for kolom, judul in (r.get(HEADERS) or {}).items()}


def header_in_file(f: Mapping, headers: Mapping[str, str]) -> str | None:
    """The file's own header of the column a finding points at, where the file spells it otherwise
    (None: no column, the canonical name, or a finding on no line of the file: a kecamatan missing
    from it, or the count of further findings of a rule, which point at no cell)."""
    if f.get("baris") is None:
        return None
    return headers.get(f.get("kolom") or "")


def in_file(f: Mapping, headers: Mapping[str, str]) -> str:
    """` (kolom sudah_rekam; di berkas: "Sudah Rekam")` after a finding, with header_in_file."""
    judul = header_in_file(f, headers)
    return f' (kolom {f["kolom"]}; di berkas: "{judul}")' if judul else ""


def text(r: dict) -> str:
    """The same receipt as a short Indonesian letter an operator reads."""
    arrived = datetime.fromisoformat(r["tiba_pada"]) if r.get("tiba_pada") else None
    tanggal = tanggal_iso(r["tanggal"], "tidak terbaca")
    lines = [
        f"Tanda terima berkas: {r['berkas']}",
        f"Kabupaten/kota: {r['kode_kabupaten']}   Tanggal laporan: {tanggal}",
        f"Status: {r['keterangan']}",
    ]
    if arrived is not None:
        lines.append(f"Tiba: {waktu(arrived)}")
    if r.get("mengapa"):
        lines.append(f"Keterangan: {r['mengapa']}")
    lines.append(
        f"Baris kecamatan: {r['baris_kecamatan']}   Kesalahan: {r['kesalahan']}   Peringatan: "
        f"{r['peringatan']}"
    )
    if r["temuan"]:
        headers = headers_of(r)
        lines.append("Temuan:")
        lines += [
            f"  - [{f['tingkat']}] {f['aturan']}: {f['pesan']}{in_file(f, headers)}" for f in r["temuan"]
        ]
    if r.get("temuan_lain"):
        lines.append(
            f"  ... dan {r['temuan_lain']} temuan lain (semuanya tercatat di gudang data, "
            f"tabel kualitas_data)"
        )
    if r["status"] == "rejected":
        lines.append(
            "Perbaiki temuan di atas lalu kirim ulang berkas ini; tidak ada angka yang "
            "dimuat dari berkas ini."
        )
    return "\n".join(lines) + "\n"


def _current(unggahan: pl.DataFrame) -> dict[tuple[str | None, object], dict]:
    """(kode_kabupaten, tanggal) -> the loaded file of that district and date."""
    loaded = unggahan.filter(pl.col("status") == "loaded").select(
        "kode_kabupaten", "tanggal", "file", "tiba_pada"
    )
    return {(r["kode_kabupaten"], r["tanggal"]): r for r in loaded.iter_rows(named=True)}


def _findings_by_file(kualitas: pl.DataFrame) -> dict[tuple[str, str], list[dict]]:
    by_file: dict[tuple[str, str], list[dict]] = {}
    for f in kualitas.select("file", "sha256", *FINDING_KEYS).iter_rows(named=True):
        by_file.setdefault((f["file"], f["sha256"]), []).append(f)
    return by_file


def _headers_by_file(
    headers: pl.DataFrame | None, only: pl.DataFrame | None = None
) -> dict[tuple[str, str], dict[str, str]]:
    """(file, sha256) -> the file's own headers, from rows of file, sha256, kolom_berkas (a list of
    kolom, judul: pipeline.batch.FILE_SCHEMA); `only`: of these files (file, sha256) alone."""
    if headers is None:
        return {}
    if only is not None:
        headers = headers.join(only.select("file", "sha256").unique(), on=["file", "sha256"], how="semi")
    return {
        (file, sha256): {h["kolom"]: h["judul"] for h in own}
        for file, sha256, own in headers.select("file", "sha256", HEADERS).iter_rows()
        if own
    }


def receipts(
    unggahan: pl.DataFrame,
    kualitas: pl.DataFrame,
    limit: int | None = MAX_FINDINGS_PER_FILE,
    headers: pl.DataFrame | None = None,
) -> list[dict]:
    """One receipt per decided file. `unggahan` holds every file of the districts and dates the
    run decided (a run re-decides them whole), so each names the file current for its date;
    `headers`: the files' own headers (file, sha256, kolom_berkas), where known."""
    by_file = _findings_by_file(kualitas)
    current = _current(unggahan)
    own = _headers_by_file(headers)
    return [
        receipt(
            row,
            by_file.get((row["file"], row["sha256"]), []),
            current.get((row["kode_kabupaten"], row["tanggal"])),
            limit,
            own.get((row["file"], row["sha256"])),
        )
        for row in unggahan.iter_rows(named=True)
    ]


@dataclass(frozen=True)
class Counted:
    """The files of a receipt not listed in full: how many, per status, and a few names."""

    jumlah: int
    per_status: dict[str, int]
    contoh: list[str]


# Files whose receipts are built at a time while a district's budget lasts: a run of 50,000 files
# builds a few thousand receipts, never one per file.
_CHUNK = 256


def documents(
    unggahan: pl.DataFrame, kualitas: pl.DataFrame, run_id: str, headers: pl.DataFrame | None = None
) -> list[Document]:
    """One document per district office that had files decided: what the run owes them (`headers`:
    the files' own headers, file, sha256, kolom_berkas, where known)."""
    current = _current(unggahan)
    # A run's documents show a header only beside a finding on a line (header_in_file), and most
    # files have none: a national backfill decides 23,000 files.
    own = _headers_by_file(headers, kualitas.filter(pl.col("baris").is_not_null()))
    ordered = unggahan.with_columns(
        _inbox=pl.col("kode_kabupaten").fill_null("_landing"),
        _priority=pl.col("status").replace_strict(PRIORITY, return_dtype=pl.Int8),
    ).sort("_inbox", "_priority", "file", "sha256")
    found = []
    for (kabupaten,), files in ordered.partition_by("_inbox", as_dict=True, maintain_order=True).items():
        shown, rest = _detailed(files, kualitas, current, own)
        found.append(
            Document(
                run_id,
                kabupaten,
                document_json(run_id, kabupaten, shown.receipts, rest, files.height, shown.json),
                letter(
                    run_id,
                    kabupaten,
                    shown.receipts,
                    rest,
                    files.height,
                    int((files["status"] == "rejected").sum()),
                    shown.text,
                ),
            )
        )
    return found


class _Listed(NamedTuple):
    """The receipts a document lists in full, each with its JSON and its letter's text (made once:
    measured against the budget, then written)."""

    receipts: list[dict]
    json: list[str]
    text: list[str]


def _detailed(
    files: pl.DataFrame, kualitas: pl.DataFrame, current: dict, headers: dict
) -> tuple[_Listed, Counted | None]:
    """(listed in full, the rest counted): `files` in order of what the office acts on, in full
    while their JSON and letter stay within DETAIL_BUDGET."""
    shown = _Listed([], [], [])
    size = 0
    for start in range(0, files.height, _CHUNK):
        chunk = files.slice(start, _CHUNK)
        by_file = _findings_by_file(
            kualitas.join(chunk.select("file", "sha256"), on=["file", "sha256"], how="semi")
        )
        for i, row in enumerate(chunk.iter_rows(named=True)):
            r = receipt(
                row,
                by_file.get((row["file"], row["sha256"]), []),
                current.get((row["kode_kabupaten"], row["tanggal"])),
                headers=headers.get((row["file"], row["sha256"])),
            )
            encoded, letter_text = _json(public(r)), text(r)
            size += max(len(encoded), len(letter_text)) + 64
            if size > DETAIL_BUDGET:
                return shown, _counted(files.slice(start + i))
            shown.receipts.append(r)
            shown.json.append(encoded)
            shown.text.append(letter_text)
    return shown, None


def _counted(rest: pl.DataFrame) -> Counted:
    per_status = dict(rest.group_by("status").len().iter_rows())
    order = sorted(per_status, key=lambda s: PRIORITY[s])
    return Counted(rest.height, {s: per_status[s] for s in order}, rest["file"].head(SAMPLE_NAMES).to_list())


def document_json(
    run_id: str,
    kabupaten: str,
    files: list[dict],
    rest: Counted | None = None,
    total: int | None = None,
    encoded: list[str] | None = None,
) -> str:
    """One district's receipts of a run as the JSON document the office downloads: `files` in
    full, `rest` counted. A key on each line, and each file's receipt on a line of its own:
    Python's `json` indents only through its pure-Python encoder, three times the cost of the
    compact one, and a national backfill writes 23,000 receipts. `encoded`: each file's receipt
    as JSON already (`_json(public(r))`), in the order of `files`."""
    fields: dict = {
        "run_id": run_id,
        "kode_kabupaten": kabupaten,
        "jumlah_berkas": total if total is not None else len(files),
    }
    lines = [f" {_json(key)}: {_json(value)}" for key, value in fields.items()]
    encoded = encoded if encoded is not None else [_json(public(r)) for r in files]
    berkas = [e for _, e in sorted(zip(files, encoded, strict=True), key=lambda pair: pair[0]["berkas"])]
    lines.append(
        ' "berkas": [\n' + ",\n".join(f"  {r}" for r in berkas) + "\n ]" if berkas else ' "berkas": []'
    )
    if rest is not None:
        counted = {"jumlah": rest.jumlah, "per_status": rest.per_status, "contoh": rest.contoh}
        lines.append(f' "berkas_lain": {_json(counted)}')
    return "{\n" + ",\n".join(lines) + "\n}"


def with_key(document: str, key: str, value: object) -> str:
    """A district's JSON document (document_json) with one more top-level key, in its layout."""
    return document.removesuffix("\n}") + f",\n {_json(key)}: {_json(value)}\n}}"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def letter(
    run_id: str,
    kabupaten: str,
    files: list[dict],
    rest: Counted | None = None,
    total: int | None = None,
    rejected: int | None = None,
    texts: list[str] | None = None,
) -> str:
    """One district's receipts of a run as one letter: a line per file, then each file's details
    (rejected files first: they are what the office acts on). `texts`: each file's `text(r)`
    already, in the order of `files`."""
    total = total if total is not None else len(files)
    rejected = rejected if rejected is not None else sum(r["status"] == "rejected" for r in files)
    texts = texts if texts is not None else [text(r) for r in files]
    pairs = sorted(
        zip(files, texts, strict=True), key=lambda pair: (pair[0]["status"] != "rejected", pair[0]["berkas"])
    )
    shown = [r for r, _ in pairs]
    lines = [
        f"Tanda terima proses {run_id} untuk kabupaten/kota {kabupaten}: {total} berkas, {rejected} ditolak.",
        *(f"  {r['keterangan']}: {r['berkas']}" for r in shown),
    ]
    if rest is not None:
        tally = ", ".join(f"{n} {STATUS_ID[s]}" for s, n in rest.per_status.items())
        lines.append(
            f"  ... dan {rest.jumlah} berkas lain ({tally}); daftar lengkap di gudang data, tabel unggahan."
        )
    return "\n".join(lines) + "\n\n" + "\n".join(t for _, t in pairs)


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

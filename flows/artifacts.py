"""The run summary as a Prefect markdown artifact: what operators see on the flow run in the UI."""

from __future__ import annotations

import re
import sys

from ektp.schema import format_count as n
from ektp.summary import Summary

MAX_KECAMATAN = 40
# Everything that markdown or the UI's HTML rendering could read as markup, file names included.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def key_for(kind: str) -> str:
    """Artifact key: the UI's Artifacts page keeps one history per key (lowercase, digits, dashes)."""
    return f"ringkasan-{re.sub(r'[^a-z0-9-]', '-', kind.lower())}"


def publish(s: Summary, kind: str) -> bool:
    """Attach the summary to the current flow run; a failing API call is noted, never raised."""
    from prefect.artifacts import create_markdown_artifact

    text = markdown(s, kind)
    try:
        create_markdown_artifact(text, key=key_for(kind), description=f"Ringkasan {kind} {s.tanggal_laporan}")
    except Exception as exc:  # the run's data is loaded; a lost artifact must not fail it
        note = f"artefak Prefect tidak dibuat: {type(exc).__name__}: {exc}"
        print(f"ektp: peringatan: {note}", file=sys.stderr, flush=True)
        s.catatan.append(note)
        return False
    return True


def markdown(s: Summary, kind: str) -> str:
    """The summary as markdown: per district, who did not report, the province, where things are."""
    parts = [
        f"# Ringkasan {kind}: laporan tanggal {s.tanggal_laporan}",
        f"Proses `{s.run_id}`: {s.berkas_diproses} berkas diputuskan (validasi GX {s.gx_runs} kali jalan).",
        _districts(s),
        _missing(s),
        _province(s),
        _waiting(s),
        _notes(s),
        _where(s),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _districts(s: Summary) -> str:
    if not s.per_kabupaten:
        return "## Per kabupaten/kota\n\nTidak ada berkas baru yang diputuskan."
    rows = [
        [r["kode_kabupaten"] or "-", r["nama"], r["loaded"], r["rejected"], r["superseded"], r["duplicate"], r["peringatan"]]
        for r in s.per_kabupaten
    ]
    head = ["Kode", "Kabupaten/kota", "Dimuat", "Ditolak", "Diganti", "Salinan", "Peringatan"]
    return "## Per kabupaten/kota\n\n" + _table(head, rows)


def _missing(s: Summary) -> str:
    lines = [f"## Tidak lapor {s.tanggal_laporan}"]
    if s.kabupaten_tidak_lapor:
        lines.append("Kabupaten/kota: " + ", ".join(f"{k['kode_kabupaten']} {_esc(k['nama'])}" for k in s.kabupaten_tidak_lapor))
    else:
        lines.append("Semua kabupaten/kota melapor.")
    if s.kecamatan_tidak_lapor:
        shown = s.kecamatan_tidak_lapor[:MAX_KECAMATAN]
        more = len(s.kecamatan_tidak_lapor) - len(shown)
        names = ", ".join(f"{k['kode_kecamatan']} {_esc(k['nama'])}" for k in shown)
        lines.append(f"Kecamatan ({len(s.kecamatan_tidak_lapor)}): {names}" + (f", dan {more} lainnya" if more > 0 else ""))
    return "\n\n".join(lines)


def _province(s: Summary) -> str:
    if not s.provinsi:
        return ""
    head = ["Provinsi", "Wajib KTP", "Sudah rekam", "%", "Belum rekam", "Rekam hari itu", "Kabupaten lapor"]
    rows = [
        [p["kode_provinsi"], n(p["wajib_ktp"]), n(p["sudah_rekam"]), str(p["persen_rekam"]).replace(".", ","),
         n(p["belum_rekam"]), n(p["rekam_hari_ini"]), p["kabupaten_lapor"]]
        for p in s.provinsi
    ]
    return f"## Provinsi per {s.tanggal_laporan}\n\n" + _table(head, rows)


def _waiting(s: Summary) -> str:
    labels = (("menunggu_tanggal", "Menunggu tanggalnya"), ("masih_diunggah", "Masih diunggah, diambil proses berikut"))
    lines = [f"- {label}: {len(s.extra[key])} berkas" for key, label in labels if s.extra.get(key)]
    return "\n".join(lines)


def _notes(s: Summary) -> str:
    return "## Catatan\n\n" + "\n".join(f"- {_esc(c)}" for c in s.catatan) if s.catatan else ""


def _where(s: Summary) -> str:
    lines = ["## Lokasi", "", f"- Gudang data: `{s.gudang_data}`"]
    lines += [f"- Laporan: `{path}`" for path in s.laporan]
    lines += [f"- Data Docs: `{s.data_docs}`", f"- Tanda terima: `{s.tanda_terima}`"]
    return "\n".join(lines)


def _table(head: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _esc(value: object) -> str:
    """Plain text in markdown: names and notes come from uploads and must not become markup."""
    return _MARKUP.sub(r"\\\1", " ".join(str(value).split()))

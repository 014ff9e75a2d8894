"""The run summary: per district, the province's figures, who did not report, where everything is.

`build` only summarises what the run did and what the published warehouse holds; writing the
report, receipts or artifacts is the flow's business. `as_text` is the terminal's text, `markdown`
the Prefect artifact's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from contract.formats import angka, tanggal_iso
from contract.regions import Reference
from reports import status
from warehouse import read

STATUSES = status.STATUSES
MAX_KECAMATAN = 40  # in the artifact; the report lists them all
MAX_NAMED = 10  # files named per line of the summary


def n(value: int | None) -> str:
    return angka(value, empty="kosong")


@dataclass
class Summary:
    run_id: str
    tanggal_laporan: str
    berkas_diproses: int = 0
    gx_runs: int = 0
    per_kabupaten: list[dict] = field(default_factory=list)
    provinsi: list[dict] = field(default_factory=list)
    kabupaten_tidak_lapor: list[dict] = field(default_factory=list)
    kecamatan_tidak_lapor: list[dict] = field(default_factory=list)
    # Per district with figures for D: `sementara`, `disetujui` or `dikunci` (CONTRACT §5).
    status_data: list[dict] = field(default_factory=list)
    gudang_data: str = ""
    laporan: list[str] = field(default_factory=list)
    data_docs: str = ""
    tanda_terima: str = ""
    catatan: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Where:
    """Where a run's outputs are, for the summary's last lines."""

    warehouse: Path
    data_docs: Path
    receipts: Path
    reports: list[Path]


def per_district(unggahan: pl.DataFrame, kualitas: pl.DataFrame, kabupaten: pl.DataFrame) -> pl.DataFrame:
    """One row per inbox the run decided files of: files per status and warnings."""
    counts = unggahan.group_by("kode_kabupaten").agg(
        *[(pl.col("status") == s).sum().alias(s) for s in STATUSES]
    )
    warnings = (
        kualitas.filter(pl.col("tingkat") == "warning")
        .group_by("kode_kabupaten")
        .agg(pl.len().alias("peringatan"))
    )
    return (
        counts.join(warnings, on="kode_kabupaten", how="left")
        .join(kabupaten.select("kode_kabupaten", "nama"), on="kode_kabupaten", how="left")
        .with_columns(pl.col("peringatan").fill_null(0), pl.col("nama").fill_null("(di luar cakupan)"))
        .sort("kode_kabupaten", nulls_last=True)
    )


def build(
    run_id: str,
    outcome,
    report_date: date,
    reference: Reference,
    provinsi: str | None,
    where: Where,
    extra: dict,
    catatan: Sequence[str] = (),
) -> Summary:
    """The summary of a run that decided `outcome` (None: nothing new) for report date D.

    `provinsi` is the report's province (None: every province of the warehouse)."""
    s = Summary(run_id=run_id, tanggal_laporan=report_date.isoformat(), extra=extra, catatan=list(catatan))
    s.gudang_data = str(where.warehouse)
    s.data_docs = str(where.data_docs / "index.html")
    s.tanda_terima = str(where.receipts)
    s.laporan = [str(p) for p in where.reports]
    if outcome is not None:
        s.berkas_diproses = outcome.unggahan.height
        s.gx_runs = outcome.gx_runs
        s.per_kabupaten = per_district(outcome.unggahan, outcome.kualitas, reference.kabupaten).to_dicts()
    if not where.warehouse.exists():
        s.catatan.append("gudang data belum ada: belum ada berkas yang diproses")
        return s
    # The same lists as the report's "tidak lapor" section, from the same queries.
    with read.connect(where.warehouse) as con:
        s.provinsi = read.rows(con, "province_on", tanggal=report_date)
        s.kabupaten_tidak_lapor = [
            {"kode_kabupaten": r["kode_kabupaten"], "nama": r["nama_kabupaten"]}
            for r in read.rows(con, "kabupaten_tidak_lapor", tanggal=report_date, provinsi=provinsi)
        ]
        s.kecamatan_tidak_lapor = [
            {
                "kode_kabupaten": r["kode_kabupaten"],
                "kode_kecamatan": r["kode_kecamatan"],
                "nama": r["nama_kecamatan"],
            }
            for r in read.rows(con, "kecamatan_tidak_lapor", tanggal=report_date, provinsi=provinsi)
        ]
        # The same marks as the report's district table, from the same query.
        s.status_data = [
            {"kode_kabupaten": r["kode_kabupaten"], "status": r["status_data"]}
            for r in sorted(
                read.rows(con, "kabupaten", tanggal=report_date, provinsi=provinsi),
                key=lambda r: r["kode_kabupaten"],
            )
            if r["status_data"] is not None
        ]
    return s


def by_data_status(s: Summary) -> list[tuple[str, list[str]]]:
    """The districts of each status of their figures for D, in the order of reports/status.py."""
    return [
        (d.status, codes)
        for d in status.DATA_STATUSES
        if (codes := [r["kode_kabupaten"] for r in s.status_data if r["status"] == d.status])
    ]


def hari_laporan(s: Summary) -> str:
    """The report's date as the program writes dates for people ("30 April 2018"): the text and the
    markdown are read; `tanggal_laporan` stays ISO in the JSON (the webhook, the e-mail's builder)."""
    return tanggal_iso(s.tanggal_laporan)


def data_status_line(s: Summary) -> str:
    """`Status data 30 April 2018: dikunci 5201, 5203; sementara 5202, ...` (up to 20 codes a status)."""
    parts = [
        f"{word} {', '.join(codes[:20])}" + (f" dan {len(codes) - 20} lainnya" if len(codes) > 20 else "")
        for word, codes in by_data_status(s)
    ]
    return f"Status data {hari_laporan(s)}: " + "; ".join(parts)


def as_text(s: Summary) -> str:
    """Plain text for the terminal: fits one screen for NTB's 10 districts."""
    lines = [f"Proses {s.run_id} — laporan tanggal {hari_laporan(s)}"]
    lines.append(f"Berkas diputuskan: {s.berkas_diproses} (validasi GX: {s.gx_runs} kali jalan)")
    if s.per_kabupaten:
        columns = " ".join(f.kolom for f in status.FILE_STATUSES)
        lines.append(f"  {'kab':<5} {'nama':<28} {columns} {'peringatan':>10}")
        for r in s.per_kabupaten:
            counts = " ".join(f"{r[f.status]:>{len(f.kolom)}}" for f in status.FILE_STATUSES)
            lines.append(
                f"  {r['kode_kabupaten'] or '-':<5} {r['nama'][:28]:<28} {counts} {r['peringatan']:>10}"
            )
    for p in s.provinsi:
        lines.append(
            f"Provinsi {p['kode_provinsi']} per {hari_laporan(s)}: wajib KTP {n(p['wajib_ktp'])},"
            f" sudah rekam {n(p['sudah_rekam'])} ({str(p['persen_rekam']).replace('.', ',')} %),"
            f" belum rekam {n(p['belum_rekam'])}, rekam hari itu {n(p['rekam_hari_ini'])},"
            f" kabupaten lapor {p['kabupaten_lapor']}"
        )
    if s.kabupaten_tidak_lapor:
        names = ", ".join(f"{k['kode_kabupaten']} {k['nama']}" for k in s.kabupaten_tidak_lapor[:20])
        more = len(s.kabupaten_tidak_lapor) - 20  # at national scope, hundreds: the report lists them all
        lines.append(f"Tidak lapor {hari_laporan(s)}: {names}" + (f" dan {more} lainnya" if more > 0 else ""))
    if s.kecamatan_tidak_lapor:
        codes = ", ".join(k["kode_kecamatan"] for k in s.kecamatan_tidak_lapor[:12])
        more = len(s.kecamatan_tidak_lapor) - 12
        lines.append(f"Kecamatan tidak lapor: {codes}" + (f" dan {more} lainnya" if more > 0 else ""))
    if s.status_data:
        lines.append(data_status_line(s))
    for key, label in _WAITING:
        if files := s.extra.get(key):
            shown = ", ".join(files[:MAX_NAMED])
            rest = f" dan {len(files) - MAX_NAMED} lainnya" if len(files) > MAX_NAMED else ""
            lines.append(f"{label}: {len(files)} berkas ({shown}{rest})")
    if s.extra.get("tidak_terbaca"):
        lines.append(
            "Tidak dapat dibaca sekarang, dicoba lagi pada proses berikut: "
            + ", ".join(s.extra["tidak_terbaca"])
        )
    lines.extend(s.catatan)
    lines.append(f"Gudang data: {s.gudang_data}")
    for path in s.laporan:
        lines.append(f"Laporan:     {path}")
    lines.append(f"Data Docs:   {s.data_docs}")
    lines.append(f"Tanda terima: {s.tanda_terima}")
    return "\n".join(lines)


_WAITING = (
    ("menunggu_tanggal", "Menunggu tanggalnya"),
    ("masih_diunggah", "Masih diunggah (proses berikut)"),
)
# Everything that markdown or the UI's HTML rendering could read as markup, file names included.
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def markdown(s: Summary, kind: str) -> str:
    """The summary as markdown: per district, who did not report, the province, where things are."""
    parts = [
        f"# Ringkasan {kind}: laporan tanggal {hari_laporan(s)}",
        f"Proses `{s.run_id}`: {s.berkas_diproses} berkas diputuskan (validasi GX {s.gx_runs} kali jalan).",
        _md_districts(s),
        _md_missing(s),
        _md_province(s),
        _md_data_status(s),
        _md_waiting(s),
        _md_notes(s),
        _md_where(s),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _md_districts(s: Summary) -> str:
    if not s.per_kabupaten:
        return "## Per kabupaten/kota\n\nTidak ada berkas baru yang diputuskan."
    rows = [
        [r["kode_kabupaten"] or "-", r["nama"], *(r[f.status] for f in status.FILE_STATUSES), r["peringatan"]]
        for r in s.per_kabupaten
    ]
    head = ["Kode", "Kabupaten/kota", *(f.kolom.capitalize() for f in status.FILE_STATUSES), "Peringatan"]
    return "## Per kabupaten/kota\n\n" + _md_table(head, rows)


def _md_missing(s: Summary) -> str:
    lines = [f"## Tidak lapor {hari_laporan(s)}"]
    if s.kabupaten_tidak_lapor:
        lines.append(
            "Kabupaten/kota: "
            + ", ".join(f"{k['kode_kabupaten']} {_esc(k['nama'])}" for k in s.kabupaten_tidak_lapor)
        )
    else:
        lines.append("Semua kabupaten/kota melapor.")
    if s.kecamatan_tidak_lapor:
        shown = s.kecamatan_tidak_lapor[:MAX_KECAMATAN]
        more = len(s.kecamatan_tidak_lapor) - len(shown)
        names = ", ".join(f"{k['kode_kecamatan']} {_esc(k['nama'])}" for k in shown)
        lines.append(
            f"Kecamatan ({len(s.kecamatan_tidak_lapor)}): {names}"
            + (f", dan {more} lainnya" if more > 0 else "")
        )
    return "\n\n".join(lines)


def _md_province(s: Summary) -> str:
    if not s.provinsi:
        return ""
    head = ["Provinsi", "Wajib KTP", "Sudah rekam", "%", "Belum rekam", "Rekam hari itu", "Kabupaten lapor"]
    rows = [
        [
            p["kode_provinsi"],
            n(p["wajib_ktp"]),
            n(p["sudah_rekam"]),
            str(p["persen_rekam"]).replace(".", ","),
            n(p["belum_rekam"]),
            n(p["rekam_hari_ini"]),
            p["kabupaten_lapor"],
        ]
        for p in s.provinsi
    ]
    return f"## Provinsi per {hari_laporan(s)}\n\n" + _md_table(head, rows)


def _md_data_status(s: Summary) -> str:
    if not s.status_data:
        return ""
    lines = [f"- {word}: {', '.join(codes)}" for word, codes in by_data_status(s)]
    return f"## Status data {hari_laporan(s)}\n\n" + "\n".join(lines)


def _md_waiting(s: Summary) -> str:
    labels = (
        ("menunggu_tanggal", "Menunggu tanggalnya"),
        ("masih_diunggah", "Masih diunggah, diambil proses berikut"),
    )
    return "\n".join(f"- {label}: {len(s.extra[key])} berkas" for key, label in labels if s.extra.get(key))


def _md_notes(s: Summary) -> str:
    return "## Catatan\n\n" + "\n".join(f"- {_esc(c)}" for c in s.catatan) if s.catatan else ""


def _md_where(s: Summary) -> str:
    lines = ["## Lokasi", "", f"- Gudang data: `{s.gudang_data}`"]
    lines += [f"- Laporan: `{path}`" for path in s.laporan]
    lines += [f"- Data Docs: `{s.data_docs}`", f"- Tanda terima: `{s.tanda_terima}`"]
    return "\n".join(lines)


def _md_table(head: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _esc(value: object) -> str:
    """Plain text in markdown: names and notes come from uploads and must not become markup."""
    return _MARKUP.sub(r"\\\1", " ".join(str(value).split()))

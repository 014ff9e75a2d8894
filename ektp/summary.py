"""The one-screen run summary: per district, the province's figures, where everything is."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import polars as pl

from ektp.errors import EktpError
from ektp.schema import format_count as n
from ektp.settings import Settings
from warehouse import read

STATUSES = ("loaded", "rejected", "superseded", "duplicate")


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
    gudang_data: str = ""
    laporan: list[str] = field(default_factory=list)
    data_docs: str = ""
    tanda_terima: str = ""
    catatan: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


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


def build(settings: Settings, run_id: str, outcome, report_date: date, extra: dict) -> Summary:
    s = Summary(run_id=run_id, tanggal_laporan=report_date.isoformat(), extra=extra)
    s.gudang_data = str(settings.warehouse)
    s.data_docs = str(settings.data_docs / "index.html")
    s.tanda_terima = str(settings.receipts)
    if outcome is not None:
        from ektp.reference import load

        s.berkas_diproses = outcome.unggahan.height
        s.gx_runs = outcome.gx_runs
        s.per_kabupaten = per_district(outcome.unggahan, outcome.kualitas, load(settings.provinsi).kabupaten).to_dicts()
    if not settings.warehouse.exists():
        s.catatan.append("gudang data belum ada: belum ada berkas yang diproses")
        return s
    s.provinsi = read.province_on(settings.warehouse, report_date).to_dicts()
    # The same lists as the report's "tidak lapor" section, from the same queries.
    from reports.data import open_warehouse, rows

    with open_warehouse(settings.warehouse) as con:
        s.kabupaten_tidak_lapor = [
            {"kode_kabupaten": r["kode_kabupaten"], "nama": r["nama_kabupaten"]}
            for r in rows(con, "kabupaten_tidak_lapor", tanggal=report_date, provinsi=settings.report_provinsi)
        ]
        s.kecamatan_tidak_lapor = [
            {"kode_kabupaten": r["kode_kabupaten"], "kode_kecamatan": r["kode_kecamatan"], "nama": r["nama_kecamatan"]}
            for r in rows(con, "kecamatan_tidak_lapor", tanggal=report_date, provinsi=settings.report_provinsi)
        ]
    s.laporan = _report(settings, report_date, s)
    return s


def _report(settings: Settings, report_date: date, s: Summary) -> list[str]:
    from reports.daily import write_report

    try:
        paths = write_report(settings.warehouse, report_date, settings.reports, settings.target, settings.report_provinsi)
    except EktpError as exc:
        s.catatan.append(f"laporan tidak dibuat: {exc}")
        return []
    return [str(paths.html), str(paths.xlsx)]


def render(s: Summary) -> str:
    """Plain text for the terminal: fits one screen for NTB's 10 districts."""
    lines = [f"Proses {s.run_id} — laporan tanggal {s.tanggal_laporan}"]
    lines.append(f"Berkas diputuskan: {s.berkas_diproses} (validasi GX: {s.gx_runs} kali jalan)")
    if s.per_kabupaten:
        lines.append(f"  {'kab':<5} {'nama':<28} {'dimuat':>6} {'ditolak':>7} {'diganti':>7} {'salinan':>7} {'peringatan':>10}")
        for r in s.per_kabupaten:
            lines.append(
                f"  {r['kode_kabupaten'] or '-':<5} {r['nama'][:28]:<28} {r['loaded']:>6} {r['rejected']:>7}"
                f" {r['superseded']:>7} {r['duplicate']:>7} {r['peringatan']:>10}"
            )
    for p in s.provinsi:
        lines.append(
            f"Provinsi {p['kode_provinsi']} per {s.tanggal_laporan}: wajib KTP {n(p['wajib_ktp'])},"
            f" sudah rekam {n(p['sudah_rekam'])} ({str(p['persen_rekam']).replace('.', ',')} %),"
            f" belum rekam {n(p['belum_rekam'])}, rekam hari itu {n(p['rekam_hari_ini'])},"
            f" kabupaten lapor {p['kabupaten_lapor']}"
        )
    if s.kabupaten_tidak_lapor:
        names = ", ".join(f"{k['kode_kabupaten']} {k['nama']}" for k in s.kabupaten_tidak_lapor[:20])
        more = len(s.kabupaten_tidak_lapor) - 20  # at national scope, hundreds: the report lists them all
        lines.append(f"Tidak lapor {s.tanggal_laporan}: {names}" + (f" dan {more} lainnya" if more > 0 else ""))
    if s.kecamatan_tidak_lapor:
        codes = ", ".join(k["kode_kecamatan"] for k in s.kecamatan_tidak_lapor[:12])
        more = len(s.kecamatan_tidak_lapor) - 12
        lines.append(f"Kecamatan tidak lapor: {codes}" + (f" dan {more} lainnya" if more > 0 else ""))
    for key, label in (("menunggu_tanggal", "Menunggu tanggalnya"), ("masih_diunggah", "Masih diunggah (proses berikut)")):
        if s.extra.get(key):
            lines.append(f"{label}: {len(s.extra[key])} berkas")
    if s.extra.get("tidak_terbaca"):
        lines.append("Tidak dapat dibaca sekarang, dicoba lagi pada proses berikut: " + ", ".join(s.extra["tidak_terbaca"]))
    lines.extend(s.catatan)
    lines.append(f"Gudang data: {s.gudang_data}")
    for path in s.laporan:
        lines.append(f"Laporan:     {path}")
    lines.append(f"Data Docs:   {s.data_docs}")
    lines.append(f"Tanda terima: {s.tanda_terima}")
    return "\n".join(lines)

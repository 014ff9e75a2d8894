"""The province's and the districts' actions on their figures (CONTRACT §3): `ektp setujui`,
`ektp kunci`, `ektp buka-kunci`. Each is one transaction of the writer, published at once; the
rows it leaves in `persetujuan` are never changed (warehouse/persetujuan.py)."""

from __future__ import annotations

from datetime import date

import duckdb

from contract import regions
from contract.errors import UsageError
from contract.formats import tanggal
from contract.settings import Settings
from warehouse import persetujuan, store


def setujui(settings: Settings, kabupaten: str, sampai: date, oleh: str) -> str:
    """The district signs off its figures up to `sampai`."""
    chosen = _kabupaten(settings, [kabupaten])
    _act(settings, chosen, sampai, persetujuan.DISETUJUI, persetujuan.PERSETUJUAN, oleh)
    return f"Angka kabupaten/kota {kabupaten} sampai {tanggal(sampai)} disetujui oleh {oleh}."


def kunci(settings: Settings, sampai: date, kabupaten: list[str] | None, oleh: str) -> str:
    """The province locks the figures of `kabupaten` (default: every one in scope) up to `sampai`."""
    chosen = _kabupaten(settings, kabupaten)
    _act(settings, chosen, sampai, persetujuan.DIKUNCI, persetujuan.KUNCI, oleh)
    daftar = ", ".join(chosen)
    return f"Angka {len(chosen)} kabupaten/kota ({daftar}) sampai {tanggal(sampai)} dikunci oleh {oleh}."


def buka_kunci(settings: Settings, kabupaten: str, dari: date, alasan: str, oleh: str) -> str:
    """The province opens a district's figures again from `dari` on; the next run decides the files
    that waited."""
    if not alasan.strip():
        raise UsageError("--alasan wajib diisi: mengapa kunci dibuka")
    chosen = _kabupaten(settings, [kabupaten])
    _act(settings, chosen, dari, persetujuan.DIBUKA, persetujuan.KUNCI, oleh, alasan.strip())
    return (
        f"Kunci angka kabupaten/kota {kabupaten} mulai {tanggal(dari)} dibuka oleh {oleh}; "
        "berkas yang menunggu diputuskan pada proses berikutnya."
    )


def _kabupaten(settings: Settings, kabupaten: list[str] | None) -> list[str]:
    in_scope = regions.load(settings.provinsi).kabupaten_codes
    chosen = sorted({k.strip() for k in kabupaten or () if k.strip()}) or sorted(in_scope)
    if unknown := [k for k in chosen if k not in in_scope]:
        raise UsageError(f"kabupaten di luar cakupan: {', '.join(unknown)}")
    return chosen


def _act(
    settings: Settings,
    kabupaten: list[str],
    when: date,
    tindakan: str,
    atas: str,
    oleh: str,
    alasan: str | None = None,
) -> None:
    if not oleh.strip():
        raise UsageError("--oleh wajib diisi: nama yang bertindak")
    if when > settings.hari_ini:
        raise UsageError(f"tanggal {when} sesudah hari ini ({settings.hari_ini})")
    if not settings.warehouse.exists():
        raise UsageError(f"gudang data belum ada: {settings.warehouse}; jalankan `ektp nightly` dulu")
    reference = regions.load(settings.provinsi)
    with store.writing(settings.warehouse, reference.scope) as session:

        def record(con: duckdb.DuckDBPyConnection) -> None:
            persetujuan.record(con, kabupaten, when, tindakan, atas, oleh.strip(), alasan)

        session.transaction(record)  # a sign-off refreshes the district's marts
        session.publish()

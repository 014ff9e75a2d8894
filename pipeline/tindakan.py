"""The province's and the districts' actions on their figures (CONTRACT §3): `ektp setujui`,
`ektp kunci`, `ektp buka-kunci`. Each is one transaction of the writer, published at once; the
rows it leaves in `persetujuan` are never changed (warehouse/persetujuan.py)."""

from __future__ import annotations

from datetime import date

import duckdb

from contract import regions
from contract.errors import UsageError
from contract.formats import HIDDEN, tanggal, visible
from contract.settings import Settings
from warehouse import persetujuan, store


def setujui(settings: Settings, kabupaten: str, sampai: date, oleh: str) -> str:
    """The district signs off its figures up to `sampai`."""
    kode = _one(settings, kabupaten)
    _act(settings, [kode], sampai, persetujuan.DISETUJUI, persetujuan.PERSETUJUAN, oleh)
    return f"Angka kabupaten/kota {kode} sampai {tanggal(sampai)} disetujui oleh {oleh.strip()}."


def kunci(settings: Settings, sampai: date, kabupaten: list[str] | None, oleh: str) -> str:
    """The province locks the figures of `kabupaten` (default: every one in scope) up to `sampai`."""
    reference = regions.load(settings.provinsi)
    chosen = reference.chosen(kabupaten or ()) or reference.kabupaten_codes_sorted
    _act(settings, chosen, sampai, persetujuan.DIKUNCI, persetujuan.KUNCI, oleh)
    daftar = ", ".join(chosen)
    return (
        f"Angka {len(chosen)} kabupaten/kota ({daftar}) sampai {tanggal(sampai)} dikunci oleh {oleh.strip()}."
    )


def buka_kunci(settings: Settings, kabupaten: str, dari: date, alasan: str, oleh: str) -> str:
    """The province opens a district's figures again from `dari` on; the next run decides the files
    that waited."""
    if not alasan.strip():
        raise UsageError("--alasan wajib diisi: mengapa kunci dibuka")
    kode = _one(settings, kabupaten)
    _act(settings, [kode], dari, persetujuan.DIBUKA, persetujuan.KUNCI, oleh, alasan.strip())
    return (
        f"Kunci angka kabupaten/kota {kode} mulai {tanggal(dari)} dibuka oleh {oleh.strip()}; "
        "berkas yang menunggu diputuskan pada proses berikutnya."
    )


def _one(settings: Settings, kabupaten: str) -> str:
    """The one kabupaten a sign-off or an unlock is for (a list is refused: each is its own act)."""
    chosen = regions.load(settings.provinsi).chosen(kabupaten.split(","))
    if len(chosen) != 1:
        raise UsageError(f"tulis satu kode kabupaten/kota, mis. 5201 (tertulis: '{visible(kabupaten)}')")
    return chosen[0]


def _plain(what: str, text: str | None) -> None:
    """Who acted and why are kept for good and shown in the portal, the report's tables and the
    analysts' terminals: one line of visible text (a control character, a line break or a
    direction mark there would be shown as something else, or hide what follows)."""
    if text is not None and HIDDEN.search(text.strip()):
        raise UsageError(f"{what} memuat karakter tersembunyi: '{visible(text.strip())}'; tulis teks biasa")


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
    _plain("oleh", oleh)
    _plain("alasan", alasan)
    settings.not_after_today(when)
    if not settings.warehouse.exists():
        raise UsageError(f"gudang data belum ada: {settings.warehouse}; jalankan `ektp nightly` dulu")
    reference = regions.load(settings.provinsi)
    with store.writing(settings.warehouse, reference.scope) as session:

        def record(con: duckdb.DuckDBPyConnection) -> None:
            if tindakan == persetujuan.DIBUKA:
                _locked_on(con, kabupaten, when)
            persetujuan.record(con, kabupaten, when, tindakan, atas, oleh.strip(), alasan)

        session.transaction(record)  # a sign-off refreshes the district's marts
        session.publish()


def _locked_on(con: duckdb.DuckDBPyConnection, kabupaten: list[str], dari: date) -> None:
    """An unlock opens figures that are locked on `dari`: any other is refused, and nothing is
    recorded (`persetujuan` is the record the province shows for its locks, never changed)."""
    until = persetujuan.batas(con, persetujuan.KUNCI)
    for kode in kabupaten:
        if kode not in until:
            raise UsageError(f"angka kabupaten/kota {kode} tidak terkunci: belum pernah dikunci")
        if until[kode] < dari:
            raise UsageError(
                f"angka kabupaten/kota {kode} tidak terkunci pada {tanggal(dari)}:"
                f" terkunci sampai {tanggal(until[kode])}"
            )

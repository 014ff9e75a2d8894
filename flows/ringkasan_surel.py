"""The province's digest (CONTRACT §3 `ektp pengingat`): after each nightly, every `provinsi`
account with an address gets the day's summary by e-mail, plain text and HTML in Indonesian, with
the day's report (XLSX) attached.

A mail server that fails never fails the run; every try is a row of `pengingat` (jenis
'ringkasan', no kabupaten). The digest of a date goes once to each address: a rerun of the nightly
for the same date sends it only where the earlier try failed.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

from contract import regions
from contract.formats import angka, persen
from contract.formats import tanggal as tanggal_id
from contract.regions import Reference
from contract.settings import Settings
from flows import pengingat
from pipeline import kontak
from reports import status
from reports.summary import Summary

log = logging.getLogger(__name__)
JENIS = "ringkasan"
FOOTER = "Pesan ini dikirim otomatis oleh pipeline e-KTP Dinas Dukcapil Provinsi NTB."
MAX_KECAMATAN = 12  # named in the mail; the attached report lists them all
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def send(settings: Settings, reference: Reference, s: Summary, attachment: Path | None) -> list[dict]:
    """Send the digest of summary `s` to every province address not sent it yet; record every try.
    Nothing is tried without a mail server or without the report to attach. Returns the rows."""
    day = date.fromisoformat(s.tanggal_laporan)
    if not settings.smtp_host:
        return []
    if attachment is None or not attachment.is_file():
        log.warning("ringkasan surel %s tidak dikirim: laporan XLSX tidak ada", day)
        return []
    done = {r["tujuan"] for r in pengingat.sent(settings, day, JENIS)}
    to = sorted({a for _, peran, _, a in kontak.addresses(settings.portal_database) if peran == "provinsi"})
    tried = []
    for tujuan in [a for a in to if a not in done]:
        problem = pengingat.send_mail(settings, message(settings, reference, s, attachment, tujuan))
        if problem:
            log.warning("ringkasan surel ke %s gagal: %s", tujuan, problem)
        tried.append(
            {
                "dikirim_pada": datetime.now(UTC),
                "tanggal": day,
                "kode_kabupaten": None,
                "saluran": "surel",
                "tujuan": tujuan,
                "berhasil": problem is None,
                "pesan": subject(reference, s) if problem is None else f"gagal: {problem}",
                "jenis": JENIS,
                "kecamatan": None,
            }
        )
    pengingat.record(settings, reference, tried)
    return tried


def subject(reference: Reference, s: Summary) -> str:
    day = date.fromisoformat(s.tanggal_laporan)
    lapor = sum(p["kabupaten_lapor"] for p in s.provinsi)
    total = reference.kabupaten.height
    shown = persen(s.provinsi[0]["persen_rekam"]) if len(s.provinsi) == 1 else f"{len(s.provinsi)} provinsi"
    return (
        f"Ringkasan e-KTP {tanggal_id(day)}: {shown} sudah rekam, {lapor} dari {total} kabupaten/kota lapor"
    )


def message(settings: Settings, reference: Reference, s: Summary, attachment: Path, to: str) -> EmailMessage:
    """The digest as plain text with an HTML alternative (names escaped) and the XLSX attached."""
    day = date.fromisoformat(s.tanggal_laporan)
    opening = f"Ringkasan perekaman e-KTP tanggal {tanggal_id(day)} (proses malam {s.run_id})."
    figures = _figures(reference, s)
    lines = [
        (label, value)
        for label, value in (
            ("Berkas diputuskan", _files(s)),
            (
                "Kabupaten/kota belum lapor",
                ", ".join(f"{k['kode_kabupaten']} {k['nama']}" for k in s.kabupaten_tidak_lapor),
            ),
            ("Kecamatan belum lapor di kabupaten/kota yang lapor", _kecamatan(s)),
            ("Laporan lengkap terlampir", attachment.name),
            ("Portal", settings.portal_url or ""),
        )
        if value
    ]
    text = [opening, ""]
    for nama, rows in figures:
        text += [f"{nama}:", *(f"- {label}: {value}" for label, value in rows), ""]
    text += [f"{label}: {value}" for label, value in lines]
    text += ["", FOOTER]

    e = html.escape
    body = [f"<p>{e(opening)}</p>"]
    for nama, rows in figures:
        cells = "".join(f"<tr><th align=left>{e(k)}</th><td align=right>{e(v)}</td></tr>" for k, v in rows)
        body.append(f"<h3>{e(nama)}</h3><table>{cells}</table>")
    body += [
        f"<p>{e(label)}: {_linked(value) if label == 'Portal' else e(value)}</p>" for label, value in lines
    ]
    body.append(f"<p><small>{e(FOOTER)}</small></p>")

    msg = EmailMessage()
    msg["Subject"] = subject(reference, s)
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg.set_content("\n".join(text))
    msg.add_alternative(f'<!doctype html><html lang="id"><body>{"".join(body)}</body></html>', subtype="html")
    msg.add_attachment(attachment.read_bytes(), *XLSX, filename=attachment.name)
    return msg


def _figures(reference: Reference, s: Summary) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each province's figures of the day as (label, value) lines, under its name."""
    names = regions.province_names()
    per_province = reference.kabupaten.group_by("kode_provinsi").len()
    total = dict(per_province.iter_rows())
    return [
        (
            names.get(p["kode_provinsi"], p["kode_provinsi"]),
            [
                ("Wajib KTP", angka(p["wajib_ktp"])),
                ("Sudah rekam", f"{angka(p['sudah_rekam'])} ({persen(p['persen_rekam'])})"),
                ("Belum rekam", angka(p["belum_rekam"])),
                ("Rekam hari itu", angka(p["rekam_hari_ini"])),
                ("Kabupaten/kota lapor", f"{p['kabupaten_lapor']} dari {total.get(p['kode_provinsi'], 0)}"),
            ],
        )
        for p in s.provinsi
    ]


def _linked(url: str) -> str:
    link = html.escape(url, quote=True)
    return f'<a href="{link}">{link}</a>'


def _kecamatan(s: Summary) -> str:
    """The first MAX_KECAMATAN kecamatan missing in districts that reported; the report lists all."""
    found = s.kecamatan_tidak_lapor
    shown = ", ".join(f"{k['kode_kecamatan']} {k['nama']}" for k in found[:MAX_KECAMATAN])
    more = len(found) - MAX_KECAMATAN
    return shown + (f" dan {more} lainnya (lihat laporan)" if more > 0 else "")


def _files(s: Summary) -> str:
    """'5 (dimuat 4, ditolak 1)': the files this run decided, by status."""
    counts = [(f.kolom, sum(r[f.status] for r in s.per_kabupaten)) for f in status.FILE_STATUSES]
    shown = ", ".join(f"{label} {n}" for label, n in counts if n)
    return f"{s.berkas_diproses} ({shown})" if shown else str(s.berkas_diproses)

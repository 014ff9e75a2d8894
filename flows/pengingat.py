"""Reminders (CONTRACT §3 `ektp pengingat`): every district that has not sent, for every one of its
kecamatan, a loaded or pending file of date D is told which kecamatan are missing, the deadline and
the portal's address, by e-mail to its accounts and by webhook (JSON).

A mail server or webhook that fails never fails the run; every try is a row of `pengingat`. A
reminder already sent (same district, date, channel, address and missing kecamatan) is not sent
again unless asked (`ulang`).
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

import polars as pl

from contract import regions
from contract.dates import NIGHTLY_HOUR, WITA
from contract.formats import tanggal as tanggal_id
from contract.formats import waktu
from contract.regions import Reference
from contract.settings import Settings
from flows import notify
from landing import inbox
from pipeline import kontak, runs
from pipeline.batch import read_uploads
from warehouse import db, persetujuan, read, store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kurang:
    """A district's missing kecamatan for a date."""

    kode_kabupaten: str
    nama_kabupaten: str
    kecamatan: list[tuple[str, str]]  # (kode, nama)

    @property
    def kode_kecamatan(self) -> str:
        return ",".join(k for k, _ in self.kecamatan)


def deadline(day: date) -> datetime:
    """The files of `day` are taken by the nightly at 02:00 WITA the next day."""
    return datetime.combine(day + timedelta(days=1), time(NIGHTLY_HOUR), WITA)


def missing(settings: Settings, reference: Reference, day: date) -> list[Kurang]:
    """Per district, the kecamatan with neither a loaded report of `day` nor a pending file for it."""
    reported = _loaded(settings, day) | _pending(settings, reference, day)
    kecamatan = reference.kecamatan.filter(~pl.col("kode_kecamatan").is_in(sorted(reported)))
    names = dict(reference.kabupaten.select("kode_kabupaten", "nama").iter_rows())
    found = []
    for (kode,), rows in (
        kecamatan.sort("kode_kecamatan").partition_by("kode_kabupaten", as_dict=True).items()
    ):
        pairs = list(rows.select("kode_kecamatan", "nama").iter_rows())
        found.append(Kurang(kode, names.get(kode, kode), pairs))
    return sorted(found, key=lambda k: k.kode_kabupaten)


def _loaded(settings: Settings, day: date) -> set[str]:
    if not settings.warehouse.exists():
        return set()
    with read.connect(settings.warehouse) as con:
        found = con.execute(
            "select kode_kecamatan from progres_kecamatan where tanggal = ?", [day]
        ).fetchall()
    return {k for (k,) in found}


def _pending(settings: Settings, reference: Reference, day: date) -> set[str]:
    """Kecamatan named by landing files of `day` not decided yet (the nightly takes them later)."""
    found, _ = runs.scan(settings, reference)
    if settings.warehouse.exists():
        with read.connect(settings.warehouse) as con:
            files = runs.unseen(found, read.known_files(con, found["file"]))
    else:
        files = inbox.files(found)
    uploads = read_uploads(files, settings.hari_ini)
    rows = [u.parsed.rows for u in uploads if u.tanggal == day and u.kecamatan]
    return set(pl.concat(rows)["kode_kecamatan"].drop_nulls().to_list()) if rows else set()


def subject(k: Kurang, day: date) -> str:
    return (
        f"Pengingat laporan e-KTP {tanggal_id(day)}: {len(k.kecamatan)} kecamatan {k.nama_kabupaten}"
        " belum dilaporkan"
    )


def message(settings: Settings, k: Kurang, day: date, to: str) -> EmailMessage:
    """The reminder as plain text with an HTML alternative, in Indonesian (names escaped in HTML)."""
    portal = settings.portal_url or "(alamat portal belum diatur: EKTP_PORTAL_URL)"
    lines = [f"- {kode} {nama}" for kode, nama in k.kecamatan]
    text = "\n".join(
        [
            f"Yth. Dinas Dukcapil {k.nama_kabupaten},",
            "",
            f"laporan perekaman e-KTP tanggal {tanggal_id(day)} belum kami terima untuk "
            f"{len(k.kecamatan)} kecamatan berikut:",
            *lines,
            "",
            f"Batas waktu: {waktu(deadline(day))}. Kirim laporannya melalui portal: {portal}",
            "",
            "Pesan ini dikirim otomatis oleh pipeline e-KTP Dinas Dukcapil Provinsi NTB.",
        ]
    )
    items = "".join(f"<li>{html.escape(kode)} {html.escape(nama)}</li>" for kode, nama in k.kecamatan)
    link = html.escape(settings.portal_url or "", quote=True)
    portal_html = f'<a href="{link}">{link}</a>' if settings.portal_url else html.escape(portal)
    body = (
        f"<p>Yth. Dinas Dukcapil {html.escape(k.nama_kabupaten)},</p>"
        f"<p>laporan perekaman e-KTP tanggal {tanggal_id(day)} belum kami terima untuk "
        f"{len(k.kecamatan)} kecamatan berikut:</p><ul>{items}</ul>"
        f"<p>Batas waktu: <strong>{waktu(deadline(day))}</strong>. Kirim laporannya melalui portal: "
        f"{portal_html}</p>"
    )
    msg = EmailMessage()
    msg["Subject"] = subject(k, day)
    msg["From"] = settings.smtp_from
    msg["To"] = to
    msg.set_content(text)
    msg.add_alternative(f'<!doctype html><html lang="id"><body>{body}</body></html>', subtype="html")
    return msg


def send_mail(settings: Settings, msg: EmailMessage) -> str | None:
    """Send through the configured server (STARTTLS and login when configured); None when sent,
    else a one-line reason."""
    if not settings.smtp_host:
        return "server surel belum diatur (EKTP_SMTP_HOST)"
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        return " ".join(str(exc).split()) or type(exc).__name__
    return None


def payload(settings: Settings, k: Kurang, day: date) -> dict:
    return {
        "jenis": "pengingat",
        "tanggal": day.isoformat(),
        "kode_kabupaten": k.kode_kabupaten,
        "nama_kabupaten": k.nama_kabupaten,
        "kecamatan": [{"kode_kecamatan": c, "nama": n} for c, n in k.kecamatan],
        "batas_waktu": deadline(day).isoformat(),
        "portal": settings.portal_url,
    }


@dataclass(frozen=True)
class Hasil:
    """What a round of reminders for `tanggal` found and did."""

    tanggal: date
    kurang: list[Kurang]  # every district still missing kecamatan, its figures of the date open
    dicoba: list[dict]  # every try, as recorded in `pengingat`
    tanpa_tujuan: list[Kurang]  # missing kecamatan, but no address and no webhook to tell
    sudah: int  # reminders owed that were already sent (sent again only when asked)
    dikunci: list[Kurang]  # missing kecamatan, but the province locked the date: a file would be refused

    @property
    def terkirim(self) -> int:
        return sum(r["berhasil"] for r in self.dicoba)

    def ringkas(self) -> str:
        """One line: the date, how many districts are incomplete (how many of them locked), what
        was sent."""
        head = f"Pengingat laporan {tanggal_id(self.tanggal)}:"
        incomplete = len(self.kurang) + len(self.dikunci)
        if not incomplete:
            return f"{head} semua kabupaten/kota lengkap, tidak ada yang diingatkan."
        locked = f" ({len(self.dikunci)} dikunci)" if self.dikunci else ""
        again = (
            f", {self.sudah} sudah terkirim sebelumnya (--ulang untuk mengirim lagi)" if self.sudah else ""
        )
        failed = len(self.dicoba) - self.terkirim
        sent = f"{self.terkirim} terkirim, {failed} gagal{again}"
        return f"{head} {incomplete} kabupaten/kota belum lengkap{locked}; {sent}."


def no_target(settings: Settings) -> str:
    """Why a district missing kecamatan was told nothing (an operator's next step)."""
    if not settings.smtp_host and not settings.pengingat_url:
        return "tidak ada saluran pengingat: atur EKTP_SMTP_HOST (surel) atau EKTP_PENGINGAT_URL (webhook)"
    return "tidak ada akun kantornya yang bersurel (ektp akun surel NAMA ALAMAT)"


def remind(settings: Settings, day: date | None = None, again: bool = False) -> Hasil:
    """Send every reminder owed for `day` (default: today, Asia/Makassar); record every try."""
    settings = settings.resolved()
    day = day or settings.hari_ini
    reference = regions.load(settings.provinsi)
    sent = _sent(settings, day)
    accounts = kontak.addresses(settings.portal_database)
    locked = _locked(settings, day)
    incomplete = missing(settings, reference, day)
    kurang = [k for k in incomplete if k.kode_kabupaten not in locked]
    tried: list[dict] = []
    untold: list[Kurang] = []
    already = 0
    for k in kurang:
        targets = []
        if settings.smtp_host:
            targets += [
                ("surel", a)
                for _, peran, kab, a in accounts
                if peran == "kabupaten" and kab == k.kode_kabupaten
            ]
        if settings.pengingat_url:
            targets.append(("webhook", settings.pengingat_url))
        if not targets:
            untold.append(k)
        for saluran, tujuan in targets:
            if not again and (k.kode_kabupaten, saluran, tujuan, k.kode_kecamatan) in sent:
                already += 1
                continue
            if saluran == "surel":
                problem = send_mail(settings, message(settings, k, day, tujuan))
            else:
                problem = notify.post(tujuan, payload(settings, k, day))
            shown = tujuan if saluran == "surel" else notify.where(tujuan)
            if problem:
                log.warning("pengingat %s ke %s gagal: %s", k.kode_kabupaten, shown, problem)
            tried.append(
                {
                    "dikirim_pada": datetime.now(UTC),
                    "tanggal": day,
                    "kode_kabupaten": k.kode_kabupaten,
                    "saluran": saluran,
                    "tujuan": tujuan if saluran == "surel" else shown,
                    "berhasil": problem is None,
                    "pesan": subject(k, day) if problem is None else f"gagal: {problem}",
                    "jenis": "pengingat",
                    "kecamatan": k.kode_kecamatan,
                }
            )
    record(settings, reference, tried)
    return Hasil(day, kurang, tried, untold, already, [k for k in incomplete if k.kode_kabupaten in locked])


def _locked(settings: Settings, day: date) -> set[str]:
    """The districts whose figures of `day` the province has locked: no file of that date would
    be taken (periode_terkunci), so none is asked for."""
    if not settings.warehouse.exists():
        return set()
    return {k for k, until in persetujuan.published_locks_at(settings.warehouse).items() if day <= until}


def _sent(settings: Settings, day: date) -> set[tuple]:
    """What was already sent for `day`: (kabupaten, channel, address, missing kecamatan)."""
    found = sent(settings, day, "pengingat")
    # a webhook row keeps only the host: compare by it
    return {
        (
            r["kode_kabupaten"],
            r["saluran"],
            settings.pengingat_url if r["saluran"] == "webhook" else r["tujuan"],
            r["kecamatan"],
        )
        for r in found
    }


def sent(settings: Settings, day: date, jenis: str) -> list[dict]:
    """The rows of `pengingat` sent (not only tried) for `day` of kind `jenis`."""
    if not settings.warehouse.exists():
        return []
    with read.connect(settings.warehouse) as con:
        if "pengingat" not in db.relations(con):
            return []
        return read.rows(con, "pengingat_terkirim", tanggal=day, jenis=jenis)


def record(settings: Settings, reference: Reference, rows: list[dict]) -> None:
    """Every try as a row of `pengingat` (reminders and the digest), published at once."""
    if not rows:
        return
    # Typed: the digest's rows have no kode_kabupaten and kecamatan, which Polars alone types Null
    frame = pl.DataFrame(
        rows, schema_overrides=dict.fromkeys(("kode_kabupaten", "kecamatan", "pesan"), pl.String)
    )
    with store.writing(settings.warehouse, reference.scope) as session:
        with db.transaction(session.con), db.registered(session.con, pengingat_df=frame):
            session.con.execute("insert into pengingat by name select * from pengingat_df")
        session.publish()

"""Reminders (issue 22, CONTRACT §3 `ektp pengingat`) through a real SMTP server on loopback
(aiosmtpd, STARTTLS on a self-signed certificate, login) and a loopback webhook: who is told, what
the message says, nothing sent twice unless asked, a failing server never fails the run."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from contract.settings import Settings
from ektp import cli
from flows import pengingat
from flows.nightly import nightly
from pipeline import kontak, tindakan
from portal import db as portal_db
from tests.flows.support import Webhook, free_port
from tests.flows.surel import Inbox, certificate
from tests.portal.support import add_account
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, run_settings

D = date(2018, 4, 2)
PORTAL = "https://portal.dukcapil.ntbprov.go.id/"
OTHERS = ["5201", "5202", "5203", "5204", "5205", "5206", "5207"]  # no file, no account


@pytest.fixture
def world(tmp_path, prefect_server):
    """Kota Bima loaded whole for D; Lombok Utara's file for D waits in its inbox without 520803."""
    land, wh = tmp_path / "landing", tmp_path / "gudang.duckdb"
    day_file(land, "5272", KOTA_BIMA, D, base=5_000, step=10)
    nightly(tanggal=D, settings=run_settings(land, wh, today=date(2018, 4, 3)))
    day_file(land, "5208", LOMBOK_UTARA, D, base=7_000, step=20, skip=("520803",))
    path = portal_db.create(tmp_path / "portal.sqlite")
    for nama, kab, surel in (
        ("kotabima", "5272", "bima@kotabima.go.id"),
        ("klu", "5208", "klu@lombokutara.go.id"),
    ):
        add_account(path, Settings(), nama, "kabupaten", kab, "sandi-panjang-sekali")
        kontak.set_contact(path, nama, "kabupaten", surel, False)
    add_account(path, Settings(), "provinsi", "provinsi", None, "sandi-panjang-sekali")
    kontak.set_contact(path, "provinsi", "provinsi", "dukcapil@ntbprov.go.id", False)
    return land, wh, path


def settings_for(land, wh, path, port, **flags):
    return run_settings(
        land, wh, today=date(2018, 4, 3), portal_db=path, smtp_host="127.0.0.1", smtp_port=port,
        smtp_from="ektp@ntbprov.go.id", portal_url=PORTAL, **flags,
    )  # fmt: skip


def test_reminders_by_mail_name_the_missing_kecamatan_and_are_not_sent_twice(world):
    land, wh, path = world
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = settings_for(land, wh, path, port)
        hasil = pengingat.remind(settings, D)
        tried = hasil.dicoba
        # Lombok Utara: 520803 is missing from its pending file; Kota Bima reported every kecamatan
        got = {tuple(to): msg for to, msg in inbox.messages}
        assert ("klu@lombokutara.go.id",) in got and ("bima@kotabima.go.id",) not in got
        msg = got[("klu@lombokutara.go.id",)]
        assert msg["From"] == "ektp@ntbprov.go.id" and "1 kecamatan" in msg["Subject"]
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        for body in (text, html):
            assert "520803" in body and PORTAL in body and "3 April 2018 02.00 WITA" in body
            assert "520801" not in body
        # the other districts of NTB sent nothing, but have no account with an address: no mail,
        # and the round names them as not told, with why
        assert len(inbox.messages) == 1 and len(tried) == 1
        assert [k.kode_kabupaten for k in hasil.kurang] == [*OTHERS[:7], "5208", "5271"]
        assert [k.kode_kabupaten for k in hasil.tanpa_tujuan] == [*OTHERS[:7], "5271"]
        assert "ektp akun surel" in pengingat.no_target(settings)
        # again: nothing new is sent, and the round says it was sent before; --ulang sends it again
        again = pengingat.remind(settings, D)
        assert again.dicoba == [] and again.sudah == 1 and len(inbox.messages) == 1
        assert "1 sudah terkirim sebelumnya (--ulang" in again.ringkas()
        assert len(pengingat.remind(settings, D, again=True).dicoba) == 1 and len(inbox.messages) == 2
    finally:
        controller.stop()
    rows = one(
        wh, "select kode_kabupaten, saluran, tujuan, berhasil, kecamatan from pengingat order by dikirim_pada"
    )
    assert rows == [("5208", "surel", "klu@lombokutara.go.id", True, "520803")] * 2


def test_starttls_and_login_with_a_self_signed_certificate(world, tmp_path, monkeypatch):
    import ssl

    land, wh, path = world
    key, cert = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"ektp",
            b"rahasia",
        )
        logins.append(ok)
        return AuthResult(success=ok)

    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        authenticator=authenticator, auth_require_tls=True,
    )  # fmt: skip
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test's certificate
    try:
        good = settings_for(
            land, wh, path, port, smtp_starttls=True, smtp_user="ektp", smtp_password="rahasia"
        )
        assert [r["berhasil"] for r in pengingat.remind(good, D).dicoba] == [True]
        # After refusing AUTH PLAIN, aiosmtpd leaves smtplib's next try (AUTH LOGIN with its first
        # answer inline) unanswered: the try ends at the client's timeout, 2 s here.
        bad = settings_for(
            land, wh, path, port, smtp_starttls=True, smtp_user="ektp", smtp_password="salah",
            smtp_timeout_seconds=2,
        )  # fmt: skip
        # a refused login is a failed try, recorded; the run completes
        (row,) = pengingat.remind(bad, D, again=True).dicoba
        assert row["berhasil"] is False and "gagal" in row["pesan"]
    finally:
        controller.stop()
    assert logins == [True, False] and len(inbox.messages) == 1
    assert "520803" in inbox.messages[0][1].get_body(("plain",)).get_content()


def test_a_dead_server_and_a_failing_webhook_never_fail_the_run_and_a_webhook_gets_json(world):
    land, wh, path = world
    dead = free_port()  # nothing listens there
    with Webhook(status=200).running() as ok_hook:
        settings = settings_for(land, wh, path, dead, pengingat_url=ok_hook.url)
        tried = pengingat.remind(settings, D).dicoba
    assert {(r["saluran"], r["berhasil"]) for r in tried} == {("surel", False), ("webhook", True)}
    # one POST per district that misses a kecamatan: Kota Bima reported all, the other eight none
    bodies = {r["json"]["kode_kabupaten"]: r["json"] for r in ok_hook.received}
    assert "5272" not in bodies and len(bodies) == 9 == len(ok_hook.received)
    body = bodies["5208"]
    assert [k["kode_kecamatan"] for k in body["kecamatan"]] == ["520803"]
    assert (
        len(bodies["5201"]["kecamatan"])
        == one(wh, "select count(*) from wilayah_kecamatan where kode_kabupaten = '5201'")[0][0]
    )
    assert body["portal"] == PORTAL and body["batas_waktu"].startswith("2018-04-03T02:00")
    # the failed mail is tried again by the next run, the sent webhook is not
    again = pengingat.remind(settings, D).dicoba
    assert [r["saluran"] for r in again] == ["surel"]
    assert one(wh, "select count(*), count(*) filter (where berhasil) from pengingat") == [(11, 9)]


def test_the_command_names_each_district_it_could_not_tell_and_why(world, monkeypatch, capsys):
    # no mail server and no webhook: it said "Pengingat: 0 terkirim, 0 gagal." and nothing else,
    # as if every district had reported
    land, wh, _ = world
    monkeypatch.setenv("EKTP_TODAY", "2018-04-03")
    for name in ("EKTP_SMTP_HOST", "EKTP_PENGINGAT_URL"):
        monkeypatch.delenv(name, raising=False)
    flags = ["--landing", str(land), "--warehouse", str(wh)]
    assert cli.main(["pengingat", "--date", D.isoformat(), *flags]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Pengingat laporan 2 April 2018: 9 kabupaten/kota belum lengkap; 0 terkirim, 0 gagal."
    assert out[1] == (
        "Tidak diingatkan, tidak ada saluran pengingat: atur EKTP_SMTP_HOST (surel) atau"
        " EKTP_PENGINGAT_URL (webhook):"
    )
    assert out[2].startswith("  5201 Kabupaten Lombok Barat: ") and out[2].endswith(
        " kecamatan belum dilaporkan"
    )
    assert "  5208 Kabupaten Lombok Utara: 1 kecamatan belum dilaporkan" in out
    assert not any(line.startswith("  5272") for line in out) and len(out) == 11
    # a day every district reported whole says so
    assert pengingat.Hasil(D, [], [], [], 0, []).ringkas() == (
        "Pengingat laporan 2 April 2018: semua kabupaten/kota lengkap, tidak ada yang diingatkan."
    )


def test_a_district_whose_date_is_locked_is_not_asked_for_a_file(world, monkeypatch, capsys):
    # the province locked Lombok Barat's figures through D: a file for D would be refused as
    # periode_terkunci, so no reminder asks for one, and the command says why it was left out
    land, wh, path = world
    with Webhook(status=200).running() as hook:
        settings = run_settings(land, wh, today=date(2018, 4, 3), portal_db=path, pengingat_url=hook.url)
        tindakan.kunci(settings, D, ["5201"], "Kabid Dafduk")
        hasil = pengingat.remind(settings, D)
        told = {r["json"]["kode_kabupaten"] for r in hook.received}
    assert "5201" not in told and "5202" in told and "5208" in told
    assert [k.kode_kabupaten for k in hasil.dikunci] == ["5201"]
    assert "5201" not in [k.kode_kabupaten for k in hasil.kurang]
    assert hasil.ringkas().startswith(
        "Pengingat laporan 2 April 2018: 9 kabupaten/kota belum lengkap (1 dikunci);"
    )
    # the day after the lock's end is asked for as before
    later = pengingat.remind(settings, D + timedelta(days=1))
    assert "5201" in [k.kode_kabupaten for k in later.kurang] and later.dikunci == []

    monkeypatch.setenv("EKTP_TODAY", "2018-04-03")
    monkeypatch.delenv("EKTP_PENGINGAT_URL", raising=False)
    monkeypatch.delenv("EKTP_SMTP_HOST", raising=False)
    assert (
        cli.main(["pengingat", "--date", D.isoformat(), "--landing", str(land), "--warehouse", str(wh)]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    at = out.index("Tidak diingatkan, angka tanggal itu dikunci provinsi (berkas baru akan ditolak):")
    assert out[at + 1].startswith("  5201 Kabupaten Lombok Barat: ")

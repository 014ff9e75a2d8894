"""The province's digest after each nightly (issue 22 item 4, CONTRACT §3 `ektp pengingat`): a
real SMTP server on loopback (aiosmtpd, STARTTLS on a self-signed certificate, login) receives the
day's summary for every `provinsi` account with an address, the report's XLSX attached; it is not
sent twice for a date; a mail server that fails never fails the nightly, and every try is a row of
`pengingat`."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from contract.settings import Settings
from flows.nightly import nightly
from pipeline import kontak
from portal import db as portal_db
from tests.flows.support import free_port
from tests.flows.surel import PASSWORD, USER, smtp_server
from tests.portal.support import add_account
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, run_settings

D = date(2018, 4, 2)
PORTAL = "https://portal.dukcapil.ntbprov.go.id/"
PROVINCE = ["dukcapil@ntbprov.go.id", "kabid.dafduk@ntbprov.go.id"]


@pytest.fixture
def world(tmp_path, prefect_server):
    """Kota Bima and Lombok Utara report D; two province accounts, a district's and an admin's
    with an address, and a province account without one."""
    land, wh = tmp_path / "landing", tmp_path / "gudang.duckdb"
    day_file(land, "5272", KOTA_BIMA, D, base=5_000, step=10)
    day_file(land, "5208", LOMBOK_UTARA, D, base=7_000, step=20, skip=("520803",))
    path = portal_db.create(tmp_path / "portal.sqlite")
    for nama, peran, kab, surel in (
        ("prov", "provinsi", None, PROVINCE[0]),
        ("kabid", "provinsi", None, PROVINCE[1]),
        ("prov-tanpa-surel", "provinsi", None, None),
        ("klu", "kabupaten", "5208", "klu@lombokutara.go.id"),
        ("admin", "admin", None, "admin@ntbprov.go.id"),
    ):
        add_account(path, Settings(), nama, peran, kab, "sandi-panjang-sekali")
        kontak.set_contact(path, nama, peran, surel, False)
    return land, wh, path


def settings_for(land, wh, path, port, **flags):
    return run_settings(
        land, wh, today=date(2018, 4, 3), portal_db=path, smtp_host="127.0.0.1", smtp_port=port,
        smtp_from="ektp@ntbprov.go.id", portal_url=PORTAL, min_age_seconds=0, **flags,
    )  # fmt: skip


def sheet(book, name) -> dict:
    """A two-column sheet as {first cell: second cell}."""
    return {r[0]: r[1] for r in book[name].iter_rows(min_row=2, values_only=True)}


def test_after_the_nightly_the_province_gets_the_digest_with_the_report(world, tmp_path, monkeypatch):
    land, wh, path = world
    with smtp_server(tmp_path, monkeypatch) as inbox:
        settings = settings_for(
            land, wh, path, inbox.port, smtp_starttls=True, smtp_user=USER, smtp_password=PASSWORD
        )
        summary = nightly(settings=settings, tanggal=D)
        assert sorted(to for to, _ in inbox.messages) == [[PROVINCE[0]], [PROVINCE[1]]]
        assert inbox.logins == [True, True]
        # a rerun for the same date does not send it again
        nightly(settings=settings, tanggal=D)
        assert len(inbox.messages) == 2

    msg = dict((to[0], m) for to, m in inbox.messages)[PROVINCE[0]]
    (p,) = one(
        wh, "select sudah_rekam, persen_rekam, kabupaten_lapor from progres_provinsi where tanggal = ?", [D]
    )
    assert msg["From"] == "ektp@ntbprov.go.id" and msg["To"] == PROVINCE[0]
    assert msg["Subject"].startswith("Ringkasan e-KTP 2 April 2018:")
    assert f"{p[2]} dari 10 kabupaten/kota lapor" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    shown = f"{p[0]:,}".replace(",", ".")  # 12.345, as the Indonesian reader writes it
    for body in (text, html):
        assert "Nusa Tenggara Barat" in body and shown in body and summary["run_id"] in body
        assert "5201 Kabupaten Lombok Barat" in body and PORTAL in body
        assert "laporan-ektp-2018-04-02.xlsx" in body
    assert html.startswith("<!doctype html>") and 'lang="id"' in html

    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "laporan-ektp-2018-04-02.xlsx"
    assert attachment.get_content_type().endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()), read_only=True)
    ringkasan = sheet(book, "Ringkasan")
    assert ringkasan["Tanggal laporan"] == datetime(2018, 4, 2)
    assert ringkasan["Sudah rekam"] == p[0] and ringkasan["Kabupaten/kota lapor"] == p[2]
    figures = {r[1]: r[4] for r in book["Kabupaten"].iter_rows(min_row=2, values_only=True)}
    for kode, sudah in one(
        wh, "select kode_kabupaten, sudah_rekam from progres_kabupaten where tanggal = ?", [D]
    ):
        assert figures[kode] == sudah

    rows = one(
        wh,
        "select tanggal, kode_kabupaten, saluran, tujuan, berhasil, jenis, pesan from pengingat"
        " order by tujuan",
    )
    assert rows == [(D, None, "surel", to, True, "ringkasan", msg["Subject"]) for to in PROVINCE]


def test_a_failing_mail_server_never_fails_the_nightly_and_the_next_run_sends_it(world):
    land, wh, path = world
    dead = settings_for(land, wh, path, free_port())  # nothing listens there
    summary = nightly(settings=dead, tanggal=D)
    assert summary["berkas_diproses"] == 2
    tried = one(wh, "select tujuan, berhasil, pesan from pengingat where jenis = 'ringkasan' order by tujuan")
    assert [(to, ok) for to, ok, _ in tried] == [(to, False) for to in PROVINCE]
    assert all(pesan.startswith("gagal: ") for _, _, pesan in tried)

    with smtp_server() as inbox:
        nightly(settings=settings_for(land, wh, path, inbox.port), tanggal=D)
    assert sorted(to for to, _ in inbox.messages) == [[PROVINCE[0]], [PROVINCE[1]]]
    assert one(wh, "select count(*), count(*) filter (where berhasil) from pengingat") == [(4, 2)]


def test_without_a_mail_server_nothing_is_tried(world):
    land, wh, path = world
    nightly(
        settings=run_settings(land, wh, today=date(2018, 4, 3), portal_db=path, min_age_seconds=0), tanggal=D
    )
    assert one(wh, "select count(*) from pengingat") == [(0,)]

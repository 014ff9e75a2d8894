"""The day's reminders as their own Prefect deployment (issue 22 item 4): `ektp serve` declares
`pengingat/pengingat` every day at EKTP_JAM_PENGINGAT (20:00) Asia/Makassar on a real Prefect
server, carrying serve's settings; running the flow sends the reminders through a real SMTP server
(aiosmtpd) and records the run in the trace like the other runs."""

from __future__ import annotations

from datetime import date

import pytest
from prefect import get_client

from contract.settings import Settings
from flows import serve
from flows.nightly import nightly
from flows.pengingat_harian import pengingat
from pipeline import kontak
from portal import db as portal_db
from tests.flows.surel import smtp_server
from tests.portal.support import add_account
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, run_settings
from warehouse import jejak

D = date(2018, 4, 2)
PORTAL = "https://portal.dukcapil.ntbprov.go.id/"


@pytest.mark.parametrize(("jam", "cron"), [("20:00", "0 20 * * *"), ("19:30", "30 19 * * *")])
def test_serve_declares_the_reminders_every_day_at_the_hour_in_wita(
    server_deployments, tmp_path, monkeypatch, jam, cron
):
    monkeypatch.setenv("EKTP_JAM_PENGINGAT", jam)
    monkeypatch.setenv("EKTP_SMTP_PASSWORD", "rahasia")
    settings = run_settings(tmp_path / "landing", tmp_path / "gudang.duckdb", smtp_host="127.0.0.1")
    serve.build_runner(settings)  # registers its deployments on the server, as `ektp serve` does
    with get_client(sync_client=True) as client:
        try:
            found = client.read_deployment_by_name("pengingat/pengingat")
            ((schedule),) = found.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == (
                cron,
                "Asia/Makassar",
                True,
            )
            assert found.parameters["settings"]["warehouse"] == str(tmp_path / "gudang.duckdb")
            assert found.parameters["settings"]["smtp_host"] == "127.0.0.1"
            # the password stays in the environment, out of the server's database and UI
            assert "smtp_password" not in found.parameters["settings"]
            assert set(found.parameter_openapi_schema["properties"]) == {"settings", "tanggal", "ulang"}
            assert found.global_concurrency_limit.limit == 1
            nightly_found = client.read_deployment_by_name("nightly/nightly")
            assert nightly_found.schedules[0].schedule.cron == "0 2 * * *"
        finally:  # the session's server is shared: leave no deployment for other tests to find
            for name in ("nightly/nightly", "pengingat/pengingat", "backfill/backfill"):
                client.delete_deployment(client.read_deployment_by_name(name).id)


def test_the_reminder_flow_sends_the_reminders(prefect_server, tmp_path):
    land, wh = tmp_path / "landing", tmp_path / "gudang.duckdb"
    day_file(land, "5272", KOTA_BIMA, D, base=5_000, step=10)
    day_file(land, "5208", LOMBOK_UTARA, D, base=7_000, step=20, skip=("520803",))
    nightly(settings=run_settings(land, wh, today=date(2018, 4, 3), min_age_seconds=0), tanggal=D)
    path = portal_db.create(tmp_path / "portal.sqlite")
    for nama, kab, surel in (
        ("klu", "5208", "klu@lombokutara.go.id"),
        ("bima", "5272", "bima@kotabima.go.id"),
    ):
        add_account(path, Settings(), nama, "kabupaten", kab, "sandi-panjang-sekali")
        kontak.set_contact(path, nama, "kabupaten", surel, False)

    with smtp_server() as inbox:
        settings = run_settings(
            land, wh, today=date(2018, 4, 3), portal_db=path, smtp_host="127.0.0.1",
            smtp_port=inbox.port, smtp_from="ektp@ntbprov.go.id", portal_url=PORTAL,
        )  # fmt: skip
        # the districts that sent nothing have no account with an address: named, not told
        assert pengingat(settings=settings, tanggal=D) == {
            "tanggal": "2018-04-02",
            "terkirim": 1,
            "gagal": 0,
            "tanpa_tujuan": ["5201", "5202", "5203", "5204", "5205", "5206", "5207", "5271"],
            "dikunci": [],
        }
        # its deployment runs it again every evening: nothing is sent twice, unless asked
        assert pengingat(settings=settings, tanggal=D)["terkirim"] == 0
        assert pengingat(settings=settings, tanggal=D, ulang=True)["terkirim"] == 1

    assert [to for to, _ in inbox.messages] == [["klu@lombokutara.go.id"]] * 2
    msg = inbox.messages[0][1]
    assert "520803" in msg.get_body(("plain",)).get_content() and "Pengingat" in msg["Subject"]
    assert (
        one(wh, "select kode_kabupaten, tujuan, berhasil, jenis from pengingat")
        == [("5208", "klu@lombokutara.go.id", True, "pengingat")] * 2
    )
    assert jejak.counts(wh)["pengingat"] == {"berhasil": 3}

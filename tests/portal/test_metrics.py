"""`/metrics` counts the reminders and digests tried (issue 24 item 2): by kind, channel and result,
read from the warehouse's `pengingat` at each scrape, so a portal started again tells the same."""

from __future__ import annotations

import re
from datetime import date

from flows import pengingat
from flows.nightly import nightly
from pipeline import kontak
from portal import db as portal_db
from tests import web_client
from tests.flows.support import Webhook, free_port
from tests.flows.surel import smtp_server
from tests.portal.support import add_account, portal
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, run_settings

D = date(2018, 4, 2)


def metric(text: str, labels: str) -> float | None:
    found = re.search(rf"^ektp_pengingat_total\{{{re.escape(labels)}\}} (\S+)$", text, re.MULTILINE)
    return float(found[1]) if found else None


def scrape(settings) -> str:
    with portal(settings, warm=False) as url:
        answer = web_client.get(url + "/metrics")
    assert answer.status_code == 200
    return answer.text


def test_metrics_count_the_reminders_sent_and_failed_across_restarts(prefect_server, tmp_path):
    land, wh = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    day_file(land, "5272", KOTA_BIMA, D, base=5_000, step=10)
    day_file(land, "5208", LOMBOK_UTARA, D, base=7_000, step=20, skip=("520803",))
    settings = run_settings(land, wh, today=date(2018, 4, 3), min_age_seconds=0)
    nightly(settings=settings, tanggal=D)
    path = portal_db.create(settings.portal_database)
    add_account(path, settings, "klu", "kabupaten", "5208", "sandi-panjang-sekali")
    kontak.set_contact(path, "klu", "kabupaten", "klu@lombokutara.go.id", False)
    before = scrape(settings)
    assert metric(before, 'hasil="terkirim",jenis="pengingat",saluran="surel"') is None

    with smtp_server() as inbox:
        pengingat.remind(settings.with_flags(smtp_host="127.0.0.1", smtp_port=inbox.port), D)
    assert len(inbox.messages) == 1
    dead = settings.with_flags(smtp_host="127.0.0.1", smtp_port=free_port())  # nothing listens
    with Webhook(status=500).running() as hook:
        pengingat.remind(dead.with_flags(pengingat_url=hook.url), D, again=True)

    expected = {
        (jenis, saluran, "terkirim" if ok else "gagal"): n
        for jenis, saluran, ok, n in one(
            wh, "select jenis, saluran, berhasil, count(*) from pengingat group by all"
        )
    }
    assert expected[("pengingat", "surel", "terkirim")] == 1
    assert expected[("pengingat", "surel", "gagal")] == 1
    assert expected[("pengingat", "webhook", "gagal")] == 9  # every district missing a kecamatan
    for _ in range(2):  # a portal started again reads the same from the table
        after = scrape(settings)
        for (jenis, saluran, hasil), n in expected.items():
            assert metric(after, f'hasil="{hasil}",jenis="{jenis}",saluran="{saluran}"') == n

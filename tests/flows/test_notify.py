"""`--notify URL`: the run summary is POSTed as JSON; a failing webhook never fails the run."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from ektp import cli
from flows import notify
from reports.summary import Summary
from tests.flows.support import D3, Webhook, free_port, tiny_landing


def summary() -> Summary:
    return Summary(
        run_id="r-1",
        tanggal_laporan="2018-04-03",
        berkas_diproses=2,
        provinsi=[{"kode_provinsi": "52", "persen_rekam": Decimal("58.99")}],
    )


def test_summary_is_posted_as_json():
    with Webhook().running() as hook:
        s = summary()
        assert notify.send_summary(s, hook.url, "nightly") is True
    (got,) = hook.received
    assert got["type"].startswith("application/json")
    assert got["json"]["proses"] == "nightly" and got["json"]["run_id"] == "r-1"
    assert got["json"]["provinsi"][0]["persen_rekam"] == 58.99
    assert s.catatan == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: Webhook(status=500),
        lambda: Webhook(delay=3.0),  # slower than the timeout below
    ],
)
def test_a_failing_webhook_is_a_note_and_a_warning(make, caplog):
    with make().running() as hook:
        s = summary()
        assert notify.send_summary(s, hook.url, "nightly", timeout=0.5) is False
        # a slow receiver: the run gave up at its timeout, before the receiver answered
        if hook.delay:
            assert not hook.answered.is_set()
    (note,) = s.catatan
    assert note.startswith(f"notifikasi ke http://127.0.0.1:{hook.server.server_port} gagal: ")
    (record,) = [r for r in caplog.records if r.name == "flows.notify"]
    assert record.levelname == "WARNING"
    err = record.getMessage()
    # Webhook paths and queries carry secrets: never echoed to logs, summaries or the UI.
    assert "rahasia" not in note + err and "token" not in note + err


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/x", "ftp://127.0.0.1/x", "bukan url"])
def test_unreachable_or_odd_addresses_do_not_raise(url):
    # a closed port on loopback, an unsupported scheme, not an address at all
    url = url.format(port=free_port())
    s = summary()
    assert notify.send_summary(s, url, "backfill", timeout=1) is False
    assert len(s.catatan) == 1


def test_no_url_no_post():
    assert notify.send_summary(summary(), None, "nightly") is False


@pytest.fixture
def tiny_run(tmp_path):
    return tiny_landing(tmp_path / "landing"), tmp_path / "gudang" / "ektp.duckdb"


def test_nightly_posts_its_summary_and_a_failing_webhook_does_not_fail_it(prefect_server, tiny_run, capsys):
    landing, warehouse = tiny_run
    environment = dict(os.environ)
    with Webhook(status=503).running() as hook:
        code = cli.main(
            [
                "nightly",
                "--date",
                D3.isoformat(),
                "--landing",
                str(landing),
                "--warehouse",
                str(warehouse),
                "--notify",
                hook.url,
            ]
        )
    assert code == 0 and warehouse.exists()
    # the flags reached the flow as its settings parameter, not through the environment
    assert {k: v for k, v in os.environ.items() if k.startswith("EKTP_")} == {
        k: v for k, v in environment.items() if k.startswith("EKTP_")
    }
    (got,) = hook.received
    body = got["json"]
    assert body["proses"] == "nightly" and body["tanggal_laporan"] == "2018-04-03"
    assert {r["kode_kabupaten"]: (r["loaded"], r["rejected"]) for r in body["per_kabupaten"]} == {
        "5208": (3, 1),
        "5272": (3, 0),
    }
    assert {k["kode_kabupaten"] for k in body["kabupaten_tidak_lapor"]} >= {"5201", "5271"}
    assert body["provinsi"][0]["kabupaten_lapor"] == 2
    out = capsys.readouterr()
    assert body["run_id"] in out.out
    assert "HTTP 503" in out.out and "HTTP 503" in out.err  # in the summary, and warned once
    # the warning names the run it belongs to (contract/logs.py)
    assert any(body["run_id"] in line for line in out.err.splitlines() if "HTTP 503" in line), out.err

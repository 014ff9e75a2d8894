"""The nightly button (issue #21 item 11, issue #20 item 9): the admin's only, a confirmation page
whose form starts it, single-flight (a second press starts nothing and shows the run in
progress), and a status page in Indonesian without Prefect's internals as its text. Against the
session's real Prefect server, with a `nightly/nightly` deployment and no runner: a run it
starts stays waiting until the test finishes it through the Prefect API."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
from prefect.flow_engine import run_flow
from prefect.states import Completed, Failed, Running

from flows.nightly import nightly
from tests.portal.support import D3, Browser, build_world, portal
from warehouse import jejak


@pytest.fixture
def deployment(server_deployments):
    """A `nightly/nightly` deployment on the test server (nothing runs it), removed afterwards."""
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name("nightly")
        deployment_id = client.create_deployment(flow_id=flow_id, name="nightly")
        yield client, deployment_id
        client.delete_deployment(deployment_id)


def runs(client, deployment_id: UUID) -> list:
    return client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
    )


def main_text(html: str) -> str:
    """The page without its technical details block."""
    return re.sub(r"<details>.*?</details>", "", html, flags=re.S)


def test_two_presses_start_one_run_and_the_second_shows_it_in_progress(world, prefect_server, deployment):
    client, deployment_id = deployment
    with portal(world.settings, nightly_api=prefect_server, warm=False) as url:
        with Browser(url) as prov:
            prov.login("prov")
            assert prov.http.get("/admin/nightly").status_code == 403  # a province official may not
            assert 'action="/admin/nightly"' not in prov.get("/provinsi").text
        with Browser(url) as adm, Browser(url) as other:
            adm.login("adm")
            other.login("adm")
            assert 'href="/admin/nightly"' in adm.get("/admin").text
            confirm = adm.get("/admin/nightly")
            assert confirm.status_code == 200 and "Jalankan proses malam sekarang?" in confirm.text
            assert runs(client, deployment_id) == []  # the page alone starts nothing

            first = adm.post("/admin/nightly")
            assert first.status_code == 303 and first.headers["location"] == "/admin/nightly?mulai=baru"
            started = adm.get(first.headers["location"]).text
            assert "Proses malam sudah dimulai" in started and ">menunggu</strong>" in started
            (run,) = runs(client, deployment_id)
            assert str(run.id) in started and str(run.id) not in main_text(started)
            assert "nightly/nightly" not in main_text(started) and "flow run" not in main_text(started)
            assert 'action="/admin/nightly"' not in started  # no button while it is unfinished

            other.get("/admin/nightly")  # the confirmation page another admin opened before
            client.set_flow_run_state(run.id, state=Running(), force=True)
            second = other.post("/admin/nightly")
            assert second.headers["location"] == "/admin/nightly?mulai=berjalan"
            shown = other.get(second.headers["location"]).text
            assert "tidak ada proses baru yang dimulai" in shown and ">berjalan</strong>" in shown
            assert [r.id for r in runs(client, deployment_id)] == [run.id]  # one run

            client.set_flow_run_state(run.id, state=Completed(), force=True)
            done = adm.get("/admin/nightly").text
            assert ">selesai</strong>" in done and 'action="/admin/nightly"' in done
            again = adm.post("/admin/nightly")  # finished: a press starts a new one
            assert again.headers["location"] == "/admin/nightly?mulai=baru"
            newer = [r for r in runs(client, deployment_id) if r.id != run.id]
            assert len(newer) == 1
            client.set_flow_run_state(newer[0].id, state=Failed(), force=True)
            assert ">gagal</strong>" in adm.get("/admin/nightly").text
            # the admin's log: two runs started, not three presses
            assert adm.get("/admin").text.count("proses malam dimulai") == 2


def test_a_finished_run_says_what_it_decided(tmp_path, prefect_server, deployment):
    # "selesai" was all the page said: not whether the run succeeded, nor what it decided
    client, deployment_id = deployment
    world = build_world(tmp_path, nightly=False)
    with portal(world.settings, nightly_api=prefect_server, warm=False) as url, Browser(url) as adm:
        adm.login("adm")
        adm.post("/admin/nightly")
        (run,) = runs(client, deployment_id)
        assert 'id="hasil"' not in adm.get("/admin/nightly").text  # unfinished: nothing to say yet
        # the run the deployment's runner makes: the nightly flow, as that very flow run
        summary = run_flow(nightly, flow_run=run, parameters={"settings": world.settings, "tanggal": D3})
        assert client.read_flow_run(run.id).state.is_completed()
        assert jejak.last(world.settings.warehouse, "nightly")["flow_run"] == str(run.id)
        done = adm.get("/admin/nightly").text
    decided = summary["berkas_diproses"]
    assert decided > 0
    said = re.search(
        r'<p id="hasil">Hasil: <strong>berhasil</strong>;\s*(\d+) berkas diputuskan \(([^)]*)\)', done
    )
    assert said is not None, main_text(done)
    assert int(said[1]) == decided
    counts = dict(part.rsplit(" ", 1) for part in said[2].split(", "))
    assert sum(map(int, counts.values())) == decided and {"dimuat", "ditolak"} <= set(counts)
    assert 'href="/provinsi/laporan"' in done
    # A later nightly is not told as the button's run: an operator's `ektp nightly` begun in the
    # second the button's run ended (the trace keeps whole seconds: by time it was taken for it),
    # told apart by its own flow run; and, in a trace an older release wrote (no flow run named),
    # the 02:00 one, begun after the button's run ended.
    ended = client.read_flow_run(run.id).end_time
    for flow_run, began in ((str(uuid4()), ended), (None, ended + timedelta(hours=7))):
        jejak.started(world.settings.warehouse, "nightly", "r-nanti", flow_run)
        jejak.ended(world.settings.warehouse, "nightly", "r-nanti", "berhasil")
        trace = jejak.read(world.settings.warehouse)
        trace["terakhir"]["nightly"]["mulai"] = began.isoformat(timespec="seconds")
        if flow_run is None:
            del trace["terakhir"]["nightly"]["flow_run"]
        jejak.path_of(world.settings.warehouse).write_text(json.dumps(trace))
        with portal(world.settings, nightly_api=prefect_server, warm=False) as url, Browser(url) as adm:
            adm.login("adm")
            later = adm.get("/admin/nightly").text
        assert ">selesai</strong>" in later and 'id="hasil"' not in later, flow_run


def test_a_run_that_left_no_trace_of_its_own_says_nothing_of_another(world, prefect_server, deployment):
    # the warehouse's last nightly began before the button's run (the run failed before its flow
    # began): that older run's result is not shown as this one's
    client, deployment_id = deployment
    with portal(world.settings, nightly_api=prefect_server, warm=False) as url, Browser(url) as adm:
        adm.login("adm")
        adm.post("/admin/nightly")
        (run,) = runs(client, deployment_id)
        client.set_flow_run_state(run.id, state=Running(), force=True)
        client.set_flow_run_state(run.id, state=Failed(), force=True)
        page = adm.get("/admin/nightly").text
    assert ">gagal</strong>" in page and 'id="hasil"' not in page

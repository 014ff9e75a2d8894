"""Each run publishes its summary as a Prefect markdown artifact on the flow run."""

from __future__ import annotations

import prefect.artifacts
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

from flows import artifacts
from flows.backfill import backfill
from flows.nightly import nightly
from reports.summary import Summary
from tests.flows.support import D1, D3, tiny_landing
from tests.uploads import run_settings


def hostile() -> Summary:
    return Summary(
        run_id="r-1",
        tanggal_laporan="2018-04-12",
        berkas_diproses=3,
        gx_runs=2,
        per_kabupaten=[
            {
                "kode_kabupaten": "5208",
                "nama": "Lombok | <b>Utara</b>",
                "loaded": 1,
                "rejected": 1,
                "superseded": 0,
                "duplicate": 0,
                "peringatan": 2,
            }
        ],
        kabupaten_tidak_lapor=[{"kode_kabupaten": "5201", "nama": "Kabupaten Lombok Barat"}],
        kecamatan_tidak_lapor=[
            {"kode_kabupaten": "5208", "kode_kecamatan": f"5208{i:02}", "nama": f"K{i}"} for i in range(45)
        ],
        catatan=["laporan tidak dibuat: [klik](http://x) <script>alert(1)</script>"],
        laporan=["/data/laporan/laporan-ektp-2018-04-12.html"],
        gudang_data="/data/warehouse.duckdb",
    )


def test_markdown_has_every_part_and_no_markup_from_data():
    text = artifacts.markdown(hostile(), "nightly")
    assert text.startswith("# Ringkasan nightly: laporan tanggal 12 April 2018")
    assert "| 5208 | Lombok \\| \\<b\\>Utara\\</b\\> | 1 | 1 | 0 | 0 | 2 |" in text
    assert "Kabupaten/kota: 5201 Kabupaten Lombok Barat" in text
    assert "Kecamatan (45): 520800 K0" in text and "dan 5 lainnya" in text
    assert "<script>" not in text and "](http" not in text
    assert "- Gudang data: `/data/warehouse.duckdb`" in text
    assert "- Laporan: `/data/laporan/laporan-ektp-2018-04-12.html`" in text


def test_keys_are_what_the_ui_accepts():
    assert artifacts.key_for("nightly") == "ringkasan-nightly"
    assert artifacts.key_for("Back_fill") == "ringkasan-back-fill"


def test_a_failing_artifact_api_is_a_note(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("API tidak menjawab")

    monkeypatch.setattr(prefect.artifacts, "create_markdown_artifact", broken)
    s = hostile()
    assert artifacts.publish(s, "nightly") is False
    assert s.catatan[-1] == "artefak Prefect tidak dibuat: RuntimeError: API tidak menjawab"


def artifact_of(state, key: str):
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )
    assert len(found) == 1
    return found[0]


def test_nightly_and_backfill_attach_their_summary(prefect_server, tmp_path):
    landing = str(tiny_landing(tmp_path / "landing"))
    warehouse = str(tmp_path / "gudang" / "ektp.duckdb")
    state = nightly(tanggal=D3, settings=run_settings(landing, warehouse), return_state=True)
    assert state.is_completed()
    art = artifact_of(state, "ringkasan-nightly")
    assert art.type == "markdown"
    assert "| 5208 | Kabupaten Lombok Utara | 3 | 1 | 0 | 0 |" in art.data
    assert "## Provinsi per 3 April 2018" in art.data and warehouse in art.data
    state = backfill(
        start=D1, end=D3, kabupaten="5272", settings=run_settings(landing, warehouse), return_state=True
    )
    assert state.is_completed()
    assert "| 5272 | Kota Bima | 3 | 0 | 0 | 0 |" in artifact_of(state, "ringkasan-backfill").data

"""`--runner dask`: parse and validation run on Dask workers, the load stays in the flow; same warehouse."""

from __future__ import annotations

import pytest

from contract.errors import UsageError
from flows import runner
from flows.nightly import nightly
from tests.flows.support import D3, table, tiny_landing
from tests.uploads import run_settings

TABLES = ("progres_kecamatan", "progres_kabupaten", "progres_provinsi", "unggahan", "kualitas_data")
PER_RUN = ("run_id", "diproses_pada")


def test_runner_specs():
    import os

    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    local = runner.task_runner(None)
    # one thread per CPU: more only holds more parse batches in memory at once
    assert isinstance(local, ThreadPoolTaskRunner) and local._max_workers == os.cpu_count()
    own = runner.task_runner("dask")
    assert isinstance(own, DaskTaskRunner) and own.address is None
    assert own.cluster_class == "distributed.LocalCluster"
    assert own.cluster_kwargs | {} == {
        "n_workers": 2,
        "processes": True,
        "threads_per_worker": 1,
        "host": "127.0.0.1",
        "dashboard_address": None,
    }
    assert runner.task_runner("dask://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    for bad in ("thread", "dask://", "dask://host", "dask://host:99999", "tcp://host:8786"):
        with pytest.raises(UsageError, match="--runner"):
            runner.task_runner(bad)


@pytest.fixture(scope="module")
def cluster(prefect_server):
    """A real LocalCluster, two single-threaded worker processes reporting to the test server."""
    from distributed import Client, LocalCluster
    from prefect.settings import PREFECT_API_URL

    mp = pytest.MonkeyPatch()
    mp.setenv("PREFECT_API_URL", PREFECT_API_URL.value())  # the workers inherit it when spawned
    try:
        with (
            LocalCluster(
                n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
            ) as c,
            Client(c) as client,
        ):
            yield c, client
    finally:
        mp.undo()


def test_dask_gives_the_same_warehouse(cluster, tmp_path, monkeypatch):
    from distributed import get_task_stream

    c, client = cluster
    landing = str(tiny_landing(tmp_path / "landing"))
    monkeypatch.setenv("EKTP_BATCH_FILES", "2")  # 7 files: four parse tasks to share out
    local = nightly(tanggal=D3, settings=run_settings(landing, tmp_path / "a" / "ektp.duckdb"))
    spec = c.scheduler_address.replace("tcp://", "dask://")
    with get_task_stream(client) as stream:
        settings = run_settings(landing, tmp_path / "b" / "ektp.duckdb").with_flags(runner=spec)
        dask = runner.run(nightly, settings, tanggal=D3)
    for name in TABLES:
        assert table(tmp_path / "a" / "ektp.duckdb", name, PER_RUN) == table(
            tmp_path / "b" / "ektp.duckdb", name, PER_RUN
        ), name
    assert dask["per_kabupaten"] == local["per_kabupaten"] and dask["provinsi"] == local["provinsi"]
    # Both workers parsed: the batches really left the flow process.
    executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert len(executed) == 2 and all(n > 0 for n in executed.values()), executed
    # Parsing (4 batches) and validation (one GX run on the whole batch) ran on the workers.
    ran = [(t["key"].rsplit("-", 1)[0], t["worker"]) for t in stream.data]
    assert sorted(name for name, _ in ran) == ["decide_batch"] + ["read_batch"] * 4, ran
    assert all(worker in executed for _, worker in ran), ran
    # Its GX results came back: counted once, and rendered into the flow's own Data Docs.
    assert dask["gx_runs"] == local["gx_runs"] == 2
    pages = {p.parent.parent.parent.name for p in (tmp_path / "b").rglob("validations/*/*/*/*.html")}
    assert {"unggahan_wilayah", "unggahan_angka", "unggahan_nama"} <= pages, pages

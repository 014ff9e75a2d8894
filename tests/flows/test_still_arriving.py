"""A file modified in the last EKTP_MIN_AGE_SECONDS seconds is left for the next run."""

from __future__ import annotations

import os
import time

from flows.nightly import nightly
from tests.flows.support import D3, table, tiny_landing
from tests.uploads import KOTA_BIMA, day_file, run_settings


def test_a_file_still_being_written_waits_for_the_next_run(prefect_server, tmp_path, monkeypatch):
    landing = tiny_landing(tmp_path / "landing")
    fresh = day_file(landing, "5272", KOTA_BIMA, D3, base=5_000, step=11, name="koreksi_2018-04-03.csv")
    os.utime(fresh, (time.time(), time.time()))  # the uploader is writing it right now
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    monkeypatch.setenv("EKTP_MIN_AGE_SECONDS", "60")
    first = nightly(tanggal=D3, settings=run_settings(landing, warehouse))
    assert first["extra"]["masih_diunggah"] == ["5272/koreksi_2018-04-03.csv"]
    assert "5272/koreksi_2018-04-03.csv" not in [r[0] for r in table(warehouse, "unggahan")]
    monkeypatch.setenv("EKTP_MIN_AGE_SECONDS", "0")  # a minute later, as far as the run can tell
    second = nightly(tanggal=D3, settings=run_settings(landing, warehouse))
    assert second["extra"]["masih_diunggah"] == []
    status = {r[0]: r[4] for r in table(warehouse, "unggahan")}
    assert (status["5272/koreksi_2018-04-03.csv"], status["5272/lap_2018-04-03.csv"]) == (
        "loaded",
        "superseded",
    )

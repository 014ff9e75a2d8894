"""flows/runner.py's shared API block: what every run of the program runs inside."""

from __future__ import annotations

import sqlite3

from prefect.settings import (
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_HOME,
    get_current_settings,
    temporary_settings,
)

from flows import runner
from tests import prefect_db as prefect_db_files


def test_runs_send_no_flow_heartbeats_and_the_setting_comes_back_after(prefect_server):
    # Prefect's default (180 s) starts a heartbeat thread per flow run whose one-second sleeps
    # each run's end waited for; nothing of the project reads the heartbeats.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):
        with runner.shared_api(10) as url:
            assert url == prefect_server
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == 180


def test_the_temporary_server_registers_no_block_types(prefect_db, tmp_path):
    # Registering Prefect's block types imports every collection (~25-60 MB of the server a lone
    # run starts); no run uses a block. A database without them stays without them.
    home = prefect_db_files.into_home(prefect_db, tmp_path / "home")
    with sqlite3.connect(home / prefect_db_files.FILE) as con:
        con.execute("delete from block_schema")
        con.execute("delete from block_type")
    server = runner.TemporaryServer()
    with temporary_settings(updates={PREFECT_HOME: home}):
        server.start()
    try:
        with sqlite3.connect(home / prefect_db_files.FILE) as con:
            assert con.execute("select count(*) from block_type").fetchone() == (0,)
    finally:
        server.stop()

"""flows/runner.py's shared API block: what every run of the program runs inside."""

from __future__ import annotations

from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

from flows import runner


def test_runs_send_no_flow_heartbeats_and_the_setting_comes_back_after(prefect_server):
    # Prefect's default (180 s) starts a heartbeat thread per flow run whose one-second sleeps
    # each run's end waited for; nothing of the project reads the heartbeats.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 180}):
        with runner.shared_api(10) as url:
            assert url == prefect_server
            assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().flows.heartbeat_frequency == 180

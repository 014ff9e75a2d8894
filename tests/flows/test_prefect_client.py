"""flows/prefect_client.py: one TLS context and one settings object per process, as Prefect makes them."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
from prefect.client.orchestration import PrefectClient, SyncPrefectClient
from prefect.settings import (
    PREFECT_API_SSL_CERT_FILE,
    PREFECT_API_TLS_INSECURE_SKIP_VERIFY,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    get_current_settings,
    temporary_settings,
)

from flows import prefect_client


def _tls_context(client) -> ssl.SSLContext:
    return client._client._transport._pool._ssl_context  # httpx 0.28's transport, httpcore's pool


def _prefect_s_own(api: str) -> ssl.SSLContext:
    """The context Prefect's own constructor makes, unwrapped."""
    client = PrefectClient.__new__(PrefectClient)
    PrefectClient.__init__.__wrapped__(client, api)
    return _tls_context(client)


def _same(a: ssl.SSLContext, b: ssl.SSLContext) -> bool:
    return (a.verify_mode, a.check_hostname, a.get_ca_certs()) == (
        b.verify_mode,
        b.check_hostname,
        b.get_ca_certs(),
    )


def test_prefect_clients_share_one_tls_context_made_as_prefect_makes_it(tmp_path):
    # Prefect loads its CA certificates for each client it makes (~40 ms of CPU each): after
    # share_tls_context (tests/conftest.py and every run call it; a second call changes nothing),
    # its clients share one context per value of the two TLS settings, the one Prefect would make.
    prefect_client.share_tls_context()
    assert not getattr(PrefectClient.__init__.__wrapped__, "_tls_shared", False)  # wrapped once
    api = "http://127.0.0.1:9/api"
    shared = _tls_context(PrefectClient(api))
    assert _tls_context(SyncPrefectClient(api)) is shared is _tls_context(PrefectClient(api))
    assert shared.verify_mode == ssl.CERT_REQUIRED and _same(shared, _prefect_s_own(api))
    # A client given its own `verify` keeps it, as Prefect's own setdefault keeps it.
    assert _tls_context(PrefectClient(api, httpx_settings={"verify": False})).verify_mode == ssl.CERT_NONE
    # The settings still decide: no verification, or the operator's own CA file.
    with temporary_settings(updates={PREFECT_API_TLS_INSECURE_SKIP_VERIFY: True}):
        unverified = _tls_context(PrefectClient(api))
        assert unverified.verify_mode == ssl.CERT_NONE and _same(unverified, _prefect_s_own(api))
    pem = Path(certifi.where()).read_text(encoding="ascii")
    one = tmp_path / "ca.pem"
    one.write_text(pem[: pem.index("-----END CERTIFICATE-----") + 26], encoding="ascii")
    with temporary_settings(updates={PREFECT_API_SSL_CERT_FILE: str(one)}):
        own = _tls_context(SyncPrefectClient(api))
        assert len(own.get_ca_certs()) == 1 and _same(own, _prefect_s_own(api))
    assert _tls_context(PrefectClient(api)) is shared


def test_settings_are_made_once_and_equal_prefect_s_own_until_the_environment_changes(monkeypatch):
    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    with temporary_settings(updates=updates) as prefect_s:
        expected = prefect_s.model_dump()
    with prefect_client.settings_with(updates) as first:
        assert get_current_settings() is first
        assert first.model_dump() == expected
    with prefect_client.settings_with(updates) as again:
        assert again is first  # made once: Prefect validates its whole model for each
    assert get_current_settings() is not first  # the block's settings end with it
    # Other updates, or a PREFECT_* variable set since, make new settings, as Prefect would.
    with prefect_client.settings_with({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}) as other:
        assert other.flows.heartbeat_frequency == 30
    monkeypatch.setenv("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")
    with prefect_client.settings_with(updates) as changed:
        assert changed is not first
        assert changed.api.tls_insecure_skip_verify is True
    # Under other current settings, those are the base.
    with temporary_settings(updates={PREFECT_API_SSL_CERT_FILE: "/tmp/ca.pem"}):
        with prefect_client.settings_with(updates) as nested:
            assert nested.api.ssl_cert_file == "/tmp/ca.pem"
            assert nested.flows.heartbeat_frequency is None

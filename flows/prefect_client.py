"""How this process's Prefect API clients are set up: once per process, not once per client or run.

Prefect 3.9 builds a TLS context for every client it makes and validates its whole settings model
for every `temporary_settings`; a run makes a dozen clients and enters its settings once. Every
run (flows.runner.shared_api), the portal's nightly button (portal/nightly.py) and the tests'
conftest use these instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def share_tls_context() -> None:
    """Prefect's API clients in this process share one TLS context (once per process; idempotent).

    Prefect (3.9) builds an SSL context for every client it makes, loading certifi's ~140 CA
    certificates each time: ~40 ms of CPU for a client of the loopback HTTP API, which never uses
    it. A run makes a client for each task run, event and log sender; a test run made ~1,000 (39 s
    of CPU). The context is made here as Prefect makes it, from the same two settings, once for
    each value of them, and given to every client that was not given one."""
    import ssl
    from functools import cache, wraps

    import certifi
    from prefect.client import orchestration
    from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_TLS_INSECURE_SKIP_VERIFY

    @cache
    def context(insecure: bool, cert_file: str | None) -> ssl.SSLContext:
        if insecure:
            unverified = ssl.create_default_context()
            unverified.check_hostname = False
            unverified.verify_mode = ssl.CERT_NONE
            return unverified
        return ssl.create_default_context(cafile=cert_file or certifi.where())

    for client in (orchestration.PrefectClient, orchestration.SyncPrefectClient):
        made = client.__init__
        if getattr(made, "_tls_shared", False):
            continue

        @wraps(made)
        def init(self, *args: Any, httpx_settings: dict | None = None, _made=made, **kwargs: Any) -> None:
            given = dict(httpx_settings or {})
            if "verify" not in given:  # Prefect's own condition: its setdefault keeps a given one
                insecure = bool(PREFECT_API_TLS_INSECURE_SKIP_VERIFY.value())
                given["verify"] = context(insecure, PREFECT_API_SSL_CERT_FILE.value())
            _made(self, *args, httpx_settings=given, **kwargs)

        init._tls_shared = True  # type: ignore[attr-defined]
        client.__init__ = init  # type: ignore[method-assign]


# Settings made by settings_with: (base settings, updates, environment, folder) -> (base, made).
_MADE: dict[tuple, tuple[Any, Any]] = {}
_MADE_KEPT = 8
_MADE_LOCK = threading.Lock()


@contextmanager
def settings_with(updates: dict) -> Iterator[Any]:
    """Prefect's `temporary_settings(updates=...)`, its settings made once per process for the
    same current settings, updates, PREFECT_* environment and working folder.

    Prefect validates its whole settings model again for every `temporary_settings`, each nested
    model reading the environment, `.env` and its TOML files (~30 ms of CPU, some 5% of a small
    run's own). What it reads does not change between the runs of one process; a PREFECT_*
    variable or the folder that does gives new settings. (A profiles file edited while the
    process runs is not seen by its later runs; the program never edits it.)"""
    import prefect.context

    context = prefect.context.get_settings_context()
    key = (
        id(context.settings),
        tuple(sorted((getattr(k, "name", k), repr(v)) for k, v in updates.items())),
        tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("PREFECT_"))),
        os.getcwd(),
    )
    with _MADE_LOCK:
        if key not in _MADE:
            if len(_MADE) >= _MADE_KEPT:
                _MADE.pop(next(iter(_MADE)))
            # The base is kept with what was made from it, so that its id is not reused meanwhile.
            _MADE[key] = (context.settings, context.settings.copy_with_update(updates=updates))
        made = _MADE[key][1]
    with prefect.context.SettingsContext(profile=context.profile, settings=made):
        yield made

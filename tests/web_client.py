"""HTTP clients for the tests, sharing one TLS context.

httpx builds a TLS context for every client it makes (`httpx.get` makes one per call), reading the
whole certificate bundle: ~30 ms of CPU each, and the portal's tests make thousands of clients.
Their requests go to plain-HTTP loopback servers, so the context is never used; the one that
needs TLS (tests/deploy/test_nginx.py) builds its own."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

_TLS = ssl.create_default_context()


def client(**kwargs: Any) -> httpx.Client:
    return httpx.Client(verify=_TLS, **kwargs)


def get(url: str, cookies: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
    """As `httpx.get`; the cookies go to the client (httpx deprecates them on one request)."""
    with client(cookies=cookies) as http:
        return http.get(url, **kwargs)


def post(url: str, cookies: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
    with client(cookies=cookies) as http:
        return http.post(url, **kwargs)

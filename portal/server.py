"""Serving the portal with uvicorn: in the foreground (`ektp portal`) or beside the Prefect
schedule (`ektp serve`), always on a thread of its own that is stopped with its owner.

The socket is bound here, before uvicorn starts, so that a port already in use is one clear error
rather than a thread that died.
"""

from __future__ import annotations

import errno
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from contract.errors import UsageError, os_reason
from contract.settings import Settings
from portal.app import build
from portal.security import Limits

log = logging.getLogger(__name__)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def url_of(settings: Settings) -> str:
    host = settings.portal_host
    return f"http://{'[' + host + ']' if ':' in host else host}:{settings.portal_port}/"


@contextmanager
def running(
    settings: Settings,
    nightly_api: str | None = None,
    say: Callable[[str], None] = log.info,
    limits: Limits | None = None,
) -> Iterator[str]:
    """The portal answering on settings.portal_host:portal_port until the block ends; yields its URL.

    `nightly_api` (the Prefect API of `ektp serve`) shows the province's button that starts the
    nightly now; without it there is no button.
    """
    limits = limits or Limits()
    # uvicorn's own lines (a warning for each malformed request a hostile client sends) stay out of
    # the log, as in `ektp serve`, where Prefect's logging configuration quiets them: the portal's
    # handlers log what an operator needs (portal/errors.py).
    logging.getLogger("uvicorn").setLevel(logging.CRITICAL)
    app = build(settings, nightly_api, limits)
    sock = _bind(settings.portal_host, settings.portal_port)
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
        # Behind a reverse proxy on this machine, its X-Forwarded-For names the client (the login
        # throttle counts per address); from anywhere else the header is ignored.
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        timeout_graceful_shutdown=10,
        # A client is held to limits (portal.security.Limits): headers within header_seconds,
        # an idle kept-alive connection closed, connections beyond the cap answered 503.
        http=_with_header_timeout(limits.header_seconds),
        timeout_keep_alive=int(limits.keep_alive_seconds) or 1,
        limit_concurrency=limits.max_connections,
        h11_max_incomplete_event_size=16 * 1024,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="portal", daemon=True)
    thread.start()
    try:
        _wait_started(server, thread)
        url = url_of(settings)
        say(f"portal kabupaten: {url}")
        yield url
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()


def serve_forever(settings: Settings, say: Callable[[str], None]) -> None:
    """`ektp portal`: run until Ctrl-C or SIGTERM, then stop cleanly."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with running(settings, say=say):
            say("  Ctrl-C untuk berhenti.")
            while not stop.wait(1.0):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    say("ektp portal: berhenti.")


class _HeaderTimeout(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for a request's headers: a new connection, or
    one kept alive after an answer, that has not sent a whole request head within
    `header_seconds` is closed (uvicorn alone waits forever for a client that sends a byte now
    and then: each byte cancels its keep-alive timer)."""

    header_seconds = 20.0

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        self.loop.call_later(self.header_seconds, self._expire, self.cycle)

    def _expire(self, armed) -> None:
        # still the request that was current when armed, and that one answered (or none yet):
        # no new request head arrived in time
        if self.transport.is_closing() or self.cycle is not armed:
            return
        if armed is None or armed.response_complete:
            self.transport.close()


def _with_header_timeout(seconds: float) -> type[H11Protocol]:
    return type("HeaderTimeout", (_HeaderTimeout,), {"header_seconds": seconds})


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said out loud: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket's proto is TCP; with proto 0 every keep-alive response waited ~40 ms for
    # the client's delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                "port portal sudah dipakai; pilih port lain (--port, EKTP_PORTAL_PORT)", port=port
            ) from None
        raise UsageError(
            "portal tidak dapat memakai alamat ini", host=host, port=port, reason=os_reason(exc)
        ) from None
    sock.listen(128)
    return sock


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise UsageError("portal gagal dinyalakan; lihat catatan di atas")
        if time.monotonic() > deadline:
            raise UsageError(f"portal tidak siap dalam {START_TIMEOUT:.0f} detik")
        time.sleep(0.05)

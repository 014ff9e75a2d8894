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

from contract.errors import UsageError
from contract.settings import Settings
from portal.app import build

log = logging.getLogger(__name__)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


def url_of(settings: Settings) -> str:
    host = settings.portal_host
    return f"http://{'[' + host + ']' if ':' in host else host}:{settings.portal_port}/"


@contextmanager
def running(
    settings: Settings, nightly_api: str | None = None, say: Callable[[str], None] = log.info
) -> Iterator[str]:
    """The portal answering on settings.portal_host:portal_port until the block ends; yields its URL.

    `nightly_api` (the Prefect API of `ektp serve`) shows the province's button that starts the
    nightly now; without it there is no button.
    """
    app = build(settings, nightly_api)
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
            "portal tidak dapat memakai alamat ini", host=host, port=port, reason=exc.strerror
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

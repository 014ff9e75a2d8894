"""Two ASGI middlewares: the security headers every response carries, and a bound on request
bodies (size and time); and the limits a client is held to (Limits, also read by the server).

The Content-Security-Policy allows no script at all, styles only from the portal's own stylesheet
(no inline style either), and forms that post only to the portal: a name or a cell that slipped
through escaping still could not run. A response that sets its own policy (a daily report, served
sandboxed) keeps it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}
# A POST other than an upload is a small form.
FORM_LIMIT = 64 * 1024


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS.items() if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))  # pages show one account's data
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass(frozen=True)
class Limits:
    """How long and how much a client may take: a request body's bytes (counted as they are read,
    chunked or not), the wait for its next piece and its slowest average pace, the wait for a
    request's headers (on a new or kept-alive connection), and how many connections at once."""

    body_idle_seconds: float = 30.0
    body_min_bytes_per_second: float = 2048.0  # judged after body_grace_seconds
    body_grace_seconds: float = 30.0
    header_seconds: float = 20.0
    keep_alive_seconds: float = 5.0
    max_connections: int = 200


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class BodyLimit:
    """Bounds every request body by the bytes actually read (413), chunked or with any
    Content-Length, and by time (408): a client that stops sending, or sends a byte now and then,
    is cut off while the others go on. A client that disconnects mid-body ends its request
    quietly (no error page, no traceback: it is gone)."""

    def __init__(self, app: ASGIApp, upload_limit: int, limits: Limits) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        limit = self.upload_limit if _sends_files(scope["path"]) else FORM_LIMIT
        if scope["method"] in ("GET", "HEAD"):
            limit = 0
        length = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await _refuse(scope, send, 413, TOO_LARGE)
        if length is None and not chunked and limit:
            return await _refuse(
                scope, send, 411, "Permintaan tanpa panjang isi (Content-Length) tidak diterima."
            )
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._bounded(receive, limit), tracked)
        except BodyTooLarge:
            if not started:
                await _refuse(scope, send, 413, TOO_LARGE)
        except BodyTooSlow:
            log.warning("isi permintaan terlalu lambat dari %s; diputus", _client(scope))
            if not started:
                await _refuse(scope, send, 408, "Kiriman terlalu lambat; sambungan diputus. Coba lagi.")
        except ClientDisconnect:
            log.info("klien memutus sambungan di tengah kiriman: %s %s", scope["method"], scope["path"])

    def _bounded(self, receive: Receive, limit: int) -> Receive:
        loop = asyncio.get_running_loop()
        begun, read = loop.time(), 0
        limits = self.limits

        async def bounded() -> Message:
            nonlocal read
            try:
                message = await asyncio.wait_for(receive(), limits.body_idle_seconds)
            except TimeoutError:
                raise BodyTooSlow from None
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit:
                    raise BodyTooLarge
                elapsed = loop.time() - begun
                slow = read < limits.body_min_bytes_per_second * elapsed
                if message.get("more_body") and elapsed > limits.body_grace_seconds and slow:
                    raise BodyTooSlow
            return message

        return bounded


def _sends_files(path: str) -> bool:
    """The routes that take files: the district's form and the API (portal.routes.api)."""
    return path.endswith("/unggah") or path == "/api/v1/kiriman"


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "-"


TOO_LARGE = "Kiriman terlalu besar."
API_PREFIX = "/api/"  # an office's system reads its errors as JSON (portal.errors too)


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    """The refusal as plain text, or to the API's clients as its JSON error (`{"galat": ...}`)."""
    if scope["path"].startswith(API_PREFIX):
        body, kind = json.dumps({"galat": text}).encode(), b"application/json"
    else:
        body, kind = text.encode("utf-8"), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

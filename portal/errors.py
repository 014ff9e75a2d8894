"""The portal's error pages: an HTTP refusal in Indonesian, an environment failure (503, one
line in the log), and a bug (500, the traceback in the log and nothing of it on the page)."""

from __future__ import annotations

import contextlib
import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match

from contract.errors import EktpError
from portal import guards
from portal.render import render
from portal.security import API_PREFIX

log = logging.getLogger(__name__)


# What a refusal says when whoever raised it gave no words of its own (Starlette's router's 404
# and 405 carry the English phrase of their status).
SAID = {
    400: "Permintaan tidak sah.",
    401: "Silakan masuk dahulu.",
    403: "Akun ini tidak berhak membuka halaman ini.",
    404: "Halaman atau data ini tidak ada di portal.",
    405: "Alamat ini tidak menerima permintaan dengan metode itu.",
}
UNSERVED = "Permintaan tidak dapat dilayani."


def said(exc: HTTPException) -> str:
    """The refusal's words for a person: its own, or the status's in Indonesian."""
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if not detail or detail == HTTPStatus(exc.status_code).phrase:
        return SAID.get(exc.status_code, UNSERVED)
    return detail


async def refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and (slashless := _without_slash(request)):
        return RedirectResponse(slashless, status_code=307)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"galat": said(exc)}, status_code=exc.status_code, headers=exc.headers)
    session = None
    with contextlib.suppress(EktpError):  # the error page of a database that cannot be opened
        session = await guards.session_of(request)
    response = render(
        "galat.html.j2",
        request,
        session,
        status=exc.status_code,
        kode=exc.status_code,
        pesan=said(exc),
    )
    response.headers.update(exc.headers or {})  # Retry-After of a 429
    return response


def _without_slash(request: Request) -> str | None:
    """The relative address of this path without its trailing slash, when a route answers it
    (never built from the Host header, which the client chooses)."""
    path = request.url.path
    if not path.endswith("/") or path == "/" or path.startswith("//"):
        return None
    scope = {**request.scope, "path": path.rstrip("/")}
    if not any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
        return None
    query = request.url.query
    return scope["path"] + (f"?{query}" if query else "")


async def unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EktpError)
    log.error("%s", exc)
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"galat": f"Portal tidak dapat melayani: {exc.message}"}, status_code=503)
    return render(
        "galat.html.j2",
        request,
        None,
        status=503,
        kode=503,
        pesan=f"Portal tidak dapat melayani: {exc.message}",
    )


async def bug(request: Request, exc: Exception) -> Response:
    """A bug: the traceback goes to the log, the page says only that something went wrong."""
    log.error("galat internal pada %s %s", request.method, request.url.path, exc_info=exc)
    return render(
        "galat.html.j2",
        request,
        None,
        status=500,
        kode=500,
        pesan="Terjadi galat di portal; sudah dicatat. Coba lagi sebentar lagi.",
    )


HANDLERS = {HTTPException: refused, EktpError: unavailable, Exception: bug}

"""Who may call a route, as dependencies: the session (looked up once per request), the rule a
route declares, and the CSRF-checked form of a POST.

Every route of the portal is either `public(handler)` or `guarded(rule)(handler)`; the endpoint
carries its rule (`endpoint.rule`), which is what the authorization test enumerates: a route
without one fails it. Signed out, a guarded route leads to the login page; a rule that refuses
answers 403 before any body is read; a district code outside the scope is 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal import auth, throttle, tokens
from portal.accounts import Akun
from portal.state import Portal
from portal.upload import MAX_FILES

Rule = Callable[[Akun, dict], bool]
Handler = Callable[[Request, auth.Session], Awaitable[Response]]
PublicHandler = Callable[[Request], Awaitable[Response]]
ApiHandler = Callable[[Request, Akun], Awaitable[Response]]
REFUSED = "Akun Anda tidak berhak membuka halaman ini."
PASSWORD_PAGE = "/akun/sandi"
OWN_PASSWORD_PATHS = (PASSWORD_PAGE, "/keluar")  # all an account with a one-time password may open
CSRF_REFUSED = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."
FORM_FILES_REFUSED = f"Formulir tidak dapat dibaca: paling banyak {MAX_FILES} berkas sekaligus."


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def client_of(request: Request) -> str:
    return request.client.host if request.client else "-"


async def session_of(request: Request) -> auth.Session | None:
    """The request's live session, or None; looked up once, however many callers ask."""
    if hasattr(request.state, "sesi"):
        return request.state.sesi
    session = await run_in_threadpool(
        auth.current, portal_of(request).db, request.cookies.get(auth.SESSION_COOKIE)
    )
    request.state.sesi = session
    return session


# --- the rules a route declares ------------------------------------------------------------------


def login_then(request: Request) -> str:
    """The login page, told to return to the page asked for (a GET's path and query; a POST's
    form would be lost anyway). portal.routes.akun accepts only a local path back."""
    if request.method != "GET" or request.url.path == "/":
        return "/masuk"
    asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/masuk?" + urlencode({"lanjut": asked})


def everyone(akun: Akun, params: dict) -> bool:
    """Any signed-in account."""
    return True


def sees_district(akun: Akun, params: dict) -> bool:
    return akun.sees(params["kode"])


def sends_district(akun: Akun, params: dict) -> bool:
    return akun.sends(params["kode"])


def province(akun: Akun, params: dict) -> bool:
    return akun.provinsi


def admin(akun: Akun, params: dict) -> bool:
    return akun.admin


def office(akun: Akun, params: dict) -> bool:
    """A kabupaten office (the API: its token's own district, never another's)."""
    return akun.peran == "kabupaten"


def public(handler: PublicHandler) -> PublicHandler:
    """A route anyone may call (the login page, the health check); said out loud, not forgotten."""
    handler.rule = None  # type: ignore[attr-defined]
    return handler


def guarded(rule: Rule) -> Callable[[Handler], PublicHandler]:
    """A route for signed-in accounts that `rule(akun, path_params)` lets through."""

    def wrap(handler: Handler) -> PublicHandler:
        async def endpoint(request: Request) -> Response:
            session = await session_of(request)
            if session is None:  # signed out: the login page, which then returns to this page
                return RedirectResponse(login_then(request), status_code=303)
            if session.akun.harus_ganti and request.url.path not in OWN_PASSWORD_PATHS:
                return RedirectResponse(PASSWORD_PAGE, status_code=303)  # a one-time password
            if not rule(session.akun, request.path_params):
                raise HTTPException(403, REFUSED)
            kode = request.path_params.get("kode")
            if kode is not None and kode not in portal_of(request).kabupaten:
                raise HTTPException(404, "Kabupaten/kota ini tidak ada dalam cakupan portal.")
            return await handler(request, session)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.rule = rule  # type: ignore[attr-defined]
        return endpoint

    return wrap


def api_guarded(rule: Rule) -> Callable[[ApiHandler], PublicHandler]:
    """An API route for an office's own system: `Authorization: Bearer <token>` (portal.tokens),
    never the session cookie (so no CSRF token is needed, and a browser's cookie opens nothing).
    Without a valid token 401; a wrong token counts as a failed login from its address
    (portal.throttle), and a throttled address gets 429."""

    def wrap(handler: ApiHandler) -> PublicHandler:
        async def endpoint(request: Request) -> Response:
            akun = await api_account(request)
            if not rule(akun, request.path_params):
                raise HTTPException(403, REFUSED)
            return await handler(request, akun)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.rule = rule  # type: ignore[attr-defined]
        endpoint.api = True  # type: ignore[attr-defined]
        return endpoint

    return wrap


API_THROTTLE_NAME = "(token api)"
UNAUTHORIZED = "Token API tidak ada atau tidak sah. Kirim header `Authorization: Bearer <token>`."


async def api_account(request: Request) -> Akun:
    portal = portal_of(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip() if scheme.lower() == "bearer" else ""
    akun = await run_in_threadpool(tokens.account, portal.db, token) if token else None
    if akun is not None:
        return akun
    if token:
        ip = client_of(request)
        attempt = await run_in_threadpool(throttle.begin, portal.db, API_THROTTLE_NAME, ip)
        if attempt.until is not None:
            raise HTTPException(429, "Terlalu banyak token yang salah dari alamat ini. Coba lagi nanti.")
        await run_in_threadpool(throttle.failed, portal.db, attempt)
    raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})


# --- forms ---------------------------------------------------------------------------------------


async def checked_form(request: Request, session: auth.Session, max_files: int = 0) -> FormData:
    """The POSTed form, once its CSRF token is the session's; 403 otherwise."""
    try:
        form = await request.form(max_files=max_files, max_fields=20, max_part_size=64 * 1024)
    except HTTPException:  # the multipart parser's own limits, in English
        raise HTTPException(400, FORM_FILES_REFUSED) from None
    if not auth.same(session.csrf, text(form.get("csrf"))):
        raise HTTPException(403, CSRF_REFUSED)
    return form


def text(value: object) -> str | None:
    """A form field that is text (a file sent under a text field's name is no text)."""
    return value if isinstance(value, str) else None

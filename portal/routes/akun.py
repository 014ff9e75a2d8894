"""Signing in and out, the home redirect and the health check."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contract.errors import UsageError
from portal import accounts, auth, guards, throttle
from portal import health as sehat
from portal.accounts import Akun
from portal.gate import Busy
from portal.guards import everyone, guarded, public
from portal.render import jam, render
from portal.routes.common import set_cookie
from portal.state import Portal

log = logging.getLogger(__name__)
BUSY = "Portal sedang memeriksa banyak sandi sekaligus. Coba lagi sebentar lagi."


def home_of(akun: Akun) -> str:
    return "/provinsi" if akun.provinsi else f"/kabupaten/{akun.kode_kabupaten}"


@public
async def home(request: Request) -> Response:
    session = await guards.session_of(request)
    if session is None:
        return RedirectResponse("/masuk", status_code=303)
    return RedirectResponse(home_of(session.akun), status_code=303)


def local_path(value: str | None) -> str | None:
    """`value` when it is a path on this portal (where the login returns to), else None: never
    an absolute address, `//host` or `/\\host` (browsers read both as another host), nor
    anything with a control character or a backslash."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


@public
async def login_page(request: Request) -> Response:
    lanjut = local_path(request.query_params.get("lanjut"))
    session = await guards.session_of(request)
    if session is not None:
        return RedirectResponse(lanjut or home_of(session.akun), status_code=303)
    keluar = request.query_params.get("keluar") == "1"
    return _login_form(request, guards.portal_of(request), 200, lanjut=lanjut, keluar=keluar)


def _login_form(
    request: Request,
    portal: Portal,
    status: int,
    pesan: str | None = None,
    nama: str = "",
    lanjut: str | None = None,
    keluar: bool = False,
) -> Response:
    token = auth.new_token()
    response = render(
        "masuk.html.j2",
        request,
        None,
        status=status,
        csrf=token,
        pesan=pesan,
        nama=nama,
        lanjut=lanjut,
        keluar=keluar,
    )
    set_cookie(response, portal, auth.LOGIN_COOKIE, token, max_age=3600)
    return response


@public
async def login(request: Request) -> Response:
    portal = guards.portal_of(request)
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    if not auth.same(request.cookies.get(auth.LOGIN_COOKIE), guards.text(form.get("csrf"))):
        raise HTTPException(403, "Formulir masuk kedaluwarsa. Muat ulang halaman masuk lalu coba lagi.")
    nama = (guards.text(form.get("nama")) or "").strip().lower()[:100]
    lanjut = local_path(guards.text(form.get("lanjut")))
    sandi = guards.text(form.get("sandi")) or ""
    ip = guards.client_of(request)
    attempt = await run_in_threadpool(throttle.begin, portal.db, nama, ip)
    if attempt.until is not None:
        log.warning("masuk ditolak, dibatasi sementara, dari %s", ip)
        jam_buka = jam(datetime.fromtimestamp(attempt.until, UTC))
        pesan = (
            f"Terlalu banyak percobaan yang gagal. Coba lagi setelah {jam_buka}, atau hubungi admin"
            " portal di Dinas Dukcapil Provinsi untuk membukanya sekarang."
        )
        return _login_form(request, portal, 429, pesan, nama, lanjut)
    try:
        async with portal.gate.slot():
            akun = await run_in_threadpool(
                accounts.verify, portal.db, nama, sandi, hasher=accounts.hasher(portal.settings)
            )
    except Busy:
        await run_in_threadpool(throttle.abandoned, portal.db, attempt)
        log.warning("masuk ditolak, pemeriksa sandi penuh, dari %s", ip)
        return _login_form(request, portal, 429, BUSY, nama, lanjut)
    if akun is None:
        await run_in_threadpool(throttle.failed, portal.db, attempt)
        # a name that is no account may be a password typed in the wrong field: never logged
        known = await run_in_threadpool(accounts.get, portal.db, nama)
        log.warning("masuk gagal: %s dari %s", f"akun {nama}" if known else "nama akun tidak dikenal", ip)
        return _login_form(request, portal, 401, "Nama akun atau sandi salah.", nama, lanjut)
    await run_in_threadpool(throttle.succeeded, portal.db, attempt, nama, ip)
    token, _ = await run_in_threadpool(auth.start, portal.db, akun)
    log.info("masuk: akun %s (%s) dari %s", akun.nama, akun.peran, ip)
    # a one-time password, or one that fails today's policy: straight to choosing a new one
    # the page asked for before the login, else the account's home
    target = guards.PASSWORD_PAGE if akun.harus_ganti else lanjut or home_of(akun)
    response = RedirectResponse(target, status_code=303)
    set_cookie(response, portal, auth.SESSION_COOKIE, token, max_age=auth.LIFETIME_SECONDS)
    set_cookie(response, portal, auth.LOGIN_COOKIE, "", max_age=0)
    return response


@guarded(everyone)
async def logout(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    await guards.checked_form(request, session)
    await run_in_threadpool(auth.end, portal.db, session)
    response = RedirectResponse("/masuk?keluar=1", status_code=303)  # the page says so
    set_cookie(response, portal, auth.SESSION_COOKIE, "", max_age=0)
    return response


@guarded(everyone)
async def password_page(request: Request, session: auth.Session) -> Response:
    return _password_form(request, session, 200)


def _password_form(
    request: Request, session: auth.Session, status: int, pesan: str | None = None, gagal: bool = False
) -> Response:
    return render(
        "sandi.html.j2",
        request,
        session,
        status=status,
        pesan=pesan,
        gagal=gagal,
        minimal=accounts.MIN_PASSWORD,
    )


@guarded(everyone)
async def change_password(request: Request, session: auth.Session) -> Response:
    """One's own password: the current one, then the new one twice (issue #21 item 1)."""
    portal = guards.portal_of(request)
    form = await guards.checked_form(request, session)
    current, new = guards.text(form.get("sekarang")) or "", guards.text(form.get("baru")) or ""
    if new != (guards.text(form.get("ulang")) or ""):
        return _password_form(request, session, 400, "Kedua sandi baru tidak sama.", gagal=True)
    try:
        async with portal.gate.slot():
            await run_in_threadpool(
                accounts.change_own,
                portal.db,
                session.akun.nama,
                current,
                new,
                session.token_hash,
                hasher=accounts.hasher(portal.settings),
            )
    except Busy:
        return _password_form(request, session, 429, BUSY, gagal=True)
    except UsageError as exc:
        return _password_form(request, session, 400, f"Sandi tidak diganti: {exc.message}.", gagal=True)
    log.info("sandi diganti oleh pemiliknya: akun %s", session.akun.nama)
    if session.akun.harus_ganti:
        return RedirectResponse(home_of(session.akun), status_code=303)
    return _password_form(request, session, 200, "Sandi sudah diganti. Sesi lain akun ini sudah diakhiri.")


@public
async def health(request: Request) -> Response:
    """For monitors and tests: the installation's health (portal.health: 503 when something is
    wrong), and whether the check is warm yet."""
    status, body = await run_in_threadpool(sehat.for_portal, guards.portal_of(request))
    return Response(json.dumps(body), status_code=status, media_type="application/json")


ROUTES = [
    Route("/", home),
    Route("/masuk", login_page, methods=["GET"]),
    Route("/masuk", login, methods=["POST"]),
    Route("/keluar", logout, methods=["POST"]),
    Route("/akun/sandi", password_page, methods=["GET"]),
    Route("/akun/sandi", change_password, methods=["POST"]),
    Route("/sehat", health),
]

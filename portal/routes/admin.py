"""The admin's page: every account and the whole upload log."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contract.errors import UsageError
from portal import accounts, adminlog, auth, guards, throttle, tokens, views
from portal.guards import admin, guarded
from portal.render import render

log = logging.getLogger(__name__)


@guarded(admin)
async def admin_page(request: Request, session: auth.Session) -> Response:
    data = await run_in_threadpool(views.admin, guards.portal_of(request))
    return render("admin.html.j2", request, session, **data)


@guarded(admin)
async def clear_throttle(request: Request, session: auth.Session) -> Response:
    """Lift the login throttle of one account name at one address (a row of the admin page)."""
    form = await guards.checked_form(request, session)
    nama, ip = guards.text(form.get("akun")), guards.text(form.get("ip"))
    if not nama or not ip:
        raise HTTPException(400, "Pilih akun dan alamat yang pembatasannya dihapus.")
    portal = guards.portal_of(request)
    cleared = await run_in_threadpool(throttle.clear, portal.db, nama, ip)
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "pembatasan_dihapus", nama, ip)
    log.info("pembatasan masuk dihapus oleh %s: %d percobaan (alamat %s)", session.akun.nama, cleared, ip)
    return RedirectResponse("/admin", status_code=303)


@guarded(admin)
async def new_token(request: Request, session: auth.Session) -> Response:
    """A new API token for an office account, shown once (the old one stops working)."""
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    await guards.checked_form(request, session)
    try:
        token = await run_in_threadpool(tokens.create, portal.db, nama)
    except UsageError as exc:
        raise HTTPException(400, exc.message) from None
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "token_dibuat", nama)
    log.info("token API akun %s dibuat oleh %s", nama, session.akun.nama)
    return render("token.html.j2", request, session, nama=nama, token=token)


@guarded(admin)
async def revoke_token(request: Request, session: auth.Session) -> Response:
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    await guards.checked_form(request, session)
    try:
        await run_in_threadpool(tokens.revoke, portal.db, nama)
    except UsageError as exc:
        raise HTTPException(404, exc.message) from None
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "token_dicabut", nama)
    log.info("token API akun %s dicabut oleh %s", nama, session.akun.nama)
    return RedirectResponse("/admin", status_code=303)


@guarded(admin)
async def reset_password(request: Request, session: auth.Session) -> Response:
    """A one-time password for an account, shown once; it must be changed at the next login."""
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    await guards.checked_form(request, session)
    try:
        sandi = await run_in_threadpool(accounts.reset, portal.db, nama)
    except UsageError as exc:
        raise HTTPException(404, exc.message) from None
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "sandi_direset", nama)
    log.info("sandi akun %s direset oleh %s", nama, session.akun.nama)
    return render("sandi_sekali.html.j2", request, session, nama=nama, sandi=sandi)


@guarded(admin)
async def unlock(request: Request, session: auth.Session) -> Response:
    """Lift every login throttle of an account name, from every address."""
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    await guards.checked_form(request, session)
    cleared = await run_in_threadpool(throttle.clear, portal.db, nama)
    await run_in_threadpool(
        adminlog.add, portal.db, session.akun.nama, "akun_dibuka", nama, f"{cleared} percobaan"
    )
    return RedirectResponse("/admin", status_code=303)


ROUTES = [
    Route("/admin/akun/{akun:str}/sandi", reset_password, methods=["POST"]),
    Route("/admin/akun/{akun:str}/buka", unlock, methods=["POST"]),
    Route("/admin", admin_page),
    Route("/admin/pembatasan", clear_throttle, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token", new_token, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token/cabut", revoke_token, methods=["POST"]),
]

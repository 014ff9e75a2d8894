"""The admin's page: every account and the whole upload log."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import auth, guards, throttle, views
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
    cleared = await run_in_threadpool(throttle.clear, guards.portal_of(request).db, nama, ip)
    log.info("pembatasan masuk dihapus oleh %s: %d percobaan (alamat %s)", session.akun.nama, cleared, ip)
    return RedirectResponse("/admin", status_code=303)


ROUTES = [Route("/admin", admin_page), Route("/admin/pembatasan", clear_throttle, methods=["POST"])]

"""The admin's pages: every account and the whole upload log, throttles, API tokens, password
resets, and the button that starts the nightly now."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contract.errors import UsageError
from portal import accounts, adminlog, auth, guards, nightly, throttle, tokens, views
from portal.guards import admin, guarded
from portal.render import render

log = logging.getLogger(__name__)


@guarded(admin)
async def admin_page(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    data = await run_in_threadpool(views.admin, portal)
    return render("admin.html.j2", request, session, **data, nightly=portal.nightly_api is not None)


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


NO_NIGHTLY = "Proses malam hanya dapat dimulai dari portal bila portal berjalan di bawah `ektp serve`."
STARTED = {"baru", "berjalan"}  # what the page after a press says: a new run, or the one still going


@guarded(admin)
async def nightly_page(request: Request, session: auth.Session) -> Response:
    """The nightly button's page: the state of the run it started last, and the confirmation
    form (while no run is unfinished). The POST below starts it (issue #21 item 11)."""
    portal = guards.portal_of(request)
    if portal.nightly_api is None:  # the page says so; only a press (the POST) is not found
        return render("nightly.html.j2", request, session, tanpa_serve=NO_NIGHTLY, run=None)
    run = await run_in_threadpool(nightly.last, portal.nightly_api)
    mulai = request.query_params.get("mulai")
    return render(
        "nightly.html.j2",
        request,
        session,
        run=run,
        mulai=mulai if mulai in STARTED else None,
        selesai=nightly.FINISHED,
    )


@guarded(admin)
async def start_nightly(request: Request, session: auth.Session) -> Response:
    """Start the nightly now, single-flight: while the last run is unfinished, nothing new."""
    portal = guards.portal_of(request)
    if portal.nightly_api is None:
        raise HTTPException(404, NO_NIGHTLY)
    await guards.checked_form(request, session)
    run, new = await run_in_threadpool(nightly.start, portal.nightly_api)
    if new:
        await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "proses_malam_dimulai")
        log.info("proses malam dimulai dari portal oleh %s: flow run %s", session.akun.nama, run["id"])
    else:
        log.info(
            "proses malam masih %s; tombol dari %s tidak memulai yang baru", run["keadaan"], session.akun.nama
        )
    # post, redirect, get: reloading the page never presses the button again
    return RedirectResponse(f"/admin/nightly?mulai={'baru' if new else 'berjalan'}", status_code=303)


ROUTES = [
    Route("/admin/nightly", nightly_page, methods=["GET"]),
    Route("/admin/nightly", start_nightly, methods=["POST"]),
    Route("/admin/akun/{akun:str}/sandi", reset_password, methods=["POST"]),
    Route("/admin/akun/{akun:str}/buka", unlock, methods=["POST"]),
    Route("/admin", admin_page),
    Route("/admin/pembatasan", clear_throttle, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token", new_token, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token/cabut", revoke_token, methods=["POST"]),
]

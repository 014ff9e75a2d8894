"""Sign-off (the district head's account) and lock (provinsi) pages (issue #22 items 1-2).

The sign-off routes' rule lets through the offices of the district (`signs_district`); the
handler then refuses, with the same 403, an office account that is not the district head's: the
sign-off right lives in the portal database (pipeline.kontak), which a rule does not read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contract.errors import UsageError
from portal import auth, guards
from portal import persetujuan as views
from portal.accounts import Akun
from portal.guards import guarded, province
from portal.render import render
from portal.routes.common import date_param, parse_date

log = logging.getLogger(__name__)


def signs_district(akun: Akun, params: dict) -> bool:
    """An office of the district (whether it is the district head's is the handler's to ask)."""
    return akun.sends(params["kode"])


async def _signer(request: Request, session: auth.Session) -> str:
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    if not await run_in_threadpool(views.may_sign, portal, session.akun, kode):
        raise HTTPException(403, guards.REFUSED)
    return kode


@guarded(signs_district)
async def signoff_page(request: Request, session: auth.Session) -> Response:
    kode = await _signer(request, session)
    portal = guards.portal_of(request)
    sampai = date_param(request, "sampai") or portal.settings.kemarin
    data = await run_in_threadpool(views.signoff, portal, kode, sampai)
    return render("persetujuan.html.j2", request, session, **data, pesan=request.query_params.get("pesan"))


@guarded(signs_district)
async def sign(request: Request, session: auth.Session) -> Response:
    kode = await _signer(request, session)
    portal = guards.portal_of(request)
    form = await guards.checked_form(request, session)
    sampai = _form_date(form, "sampai")
    said = await _act(views.sign, portal, session.akun, kode, sampai)
    log.info("persetujuan dari portal oleh %s: %s", session.akun.nama, said)
    return RedirectResponse(f"/kabupaten/{kode}/persetujuan?sampai={sampai}&pesan=disetujui", status_code=303)


@guarded(province)
async def lock_page(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    sampai = date_param(request, "sampai") or portal.settings.kemarin
    data = await run_in_threadpool(views.locks, portal, sampai)
    return render("kunci.html.j2", request, session, **data, pesan=request.query_params.get("pesan"))


@guarded(province)
async def lock(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    form = await guards.checked_form(request, session)
    sampai = _form_date(form, "sampai")
    chosen = [k for k in form.getlist("kabupaten") if isinstance(k, str)]
    if not chosen:
        raise HTTPException(400, "Pilih sedikitnya satu kabupaten/kota yang dikunci.")
    said = await _act(views.lock, portal, session.akun, sampai, chosen)
    log.info("kunci dari portal oleh %s: %s", session.akun.nama, said)
    return RedirectResponse(f"/provinsi/kunci?sampai={sampai}&pesan=dikunci", status_code=303)


@guarded(province)
async def unlock(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    form = await guards.checked_form(request, session)
    dari = _form_date(form, "dari")
    kode = guards.text(form.get("kabupaten")) or ""
    alasan = (guards.text(form.get("alasan")) or "").strip()
    if not alasan:
        raise HTTPException(400, "Alasan wajib diisi: mengapa kunci dibuka.")
    said = await _act(views.unlock, portal, session.akun, kode, dari, alasan)
    log.info("buka kunci dari portal oleh %s: %s", session.akun.nama, said)
    return RedirectResponse("/provinsi/kunci?pesan=dibuka", status_code=303)


async def _act(action: Callable[..., str], *args: object) -> str:
    """Run one of the commands' actions; its refusal (a date after today, a district outside the
    scope, no warehouse yet) is the page's 400, in its own words."""
    try:
        return await run_in_threadpool(action, *args)
    except UsageError as exc:
        raise HTTPException(400, exc.message) from None


def _form_date(form: FormData, name: str) -> date:
    return parse_date(guards.text(form.get(name)) or "")


ROUTES = [
    Route("/kabupaten/{kode:str}/persetujuan", signoff_page),
    Route("/kabupaten/{kode:str}/persetujuan", sign, methods=["POST"]),
    Route("/provinsi/kunci", lock_page),
    Route("/provinsi/kunci", lock, methods=["POST"]),
    Route("/provinsi/buka-kunci", unlock, methods=["POST"]),
]

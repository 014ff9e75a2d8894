"""A district's pages: its day, the upload form and its receipts, the run receipts."""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from portal import auth, guards, pages, persetujuan, upload, views
from portal.guards import guarded, sees_district, sends_district
from portal.render import render
from portal.routes.common import attachment, date_param
from reports import receipts


@guarded(sees_district)
async def district(request: Request, session: auth.Session) -> Response:
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    tanggal = date_param(request, "tanggal") or portal.settings.kemarin
    saring = {"tanggal_laporan": date_param(request, "tanggal_laporan"), "status": _status_param(request)}
    data = await run_in_threadpool(views.district, portal, kode, tanggal, session.akun.nama, saring)
    status_hari = await run_in_threadpool(persetujuan.district_days, portal.settings, kode, tanggal)
    boleh_setujui = await run_in_threadpool(persetujuan.may_sign, portal, session.akun, kode)
    return render(
        "kabupaten.html.j2",
        request,
        session,
        **data,
        status_hari=status_hari,
        tanda_status=persetujuan.STATUS,
        boleh_setujui=boleh_setujui,
        max_files=upload.MAX_FILES,
        max_bytes=portal.settings.upload_max_bytes,
    )


def _status_param(request: Request) -> str | None:
    """The upload list's status filter: one of views.UPLOAD_STATES, else 400 (never 500)."""
    value = request.query_params.get("status")
    if not value:
        return None
    if value not in views.UPLOAD_STATES:
        raise HTTPException(400, "Status harus salah satu dari: " + ", ".join(views.UPLOAD_STATES) + ".")
    return value


@guarded(sends_district)
async def send(request: Request, session: auth.Session) -> Response:
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    form = await guards.checked_form(request, session, max_files=upload.MAX_FILES)
    sent = [f for f in form.getlist("berkas") if isinstance(f, UploadFile) and (f.filename or f.size)]
    if not sent:
        raise HTTPException(400, "Pilih sedikitnya satu berkas CSV atau XLSX untuk dikirim.")
    done = await upload.submit(portal, session.akun, kode, sent, guards.client_of(request))
    # Post, redirect, get: reloading the receipts page never sends the files again.
    return RedirectResponse(f"/kabupaten/{kode}/kiriman/{done.kiriman}", status_code=303)


@guarded(sends_district)
async def replace(request: Request, session: auth.Session) -> Response:
    """The office confirms that a held file replaces the figures of its date (issue #21 item 4)."""
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    await guards.checked_form(request, session)
    try:
        kiriman = await run_in_threadpool(
            upload.confirm, portal, session.akun, kode, request.path_params["id"]
        )
    except LookupError:
        raise HTTPException(
            404,
            "Tidak ada berkas yang menunggu konfirmasi dengan nomor ini"
            " (sudah dikonfirmasi atau kedaluwarsa).",
        ) from None
    return RedirectResponse(f"/kabupaten/{kode}/kiriman/{kiriman}", status_code=303)


async def _item(
    request: Request, session: auth.Session, view: Callable, key: str, template: str, missing: str
) -> Response:
    """A page of one item of the district (`view` reads it, None when it is not the district's)."""
    portal = guards.portal_of(request)
    data = await run_in_threadpool(view, portal, request.path_params["kode"], request.path_params[key])
    if data is None:
        raise HTTPException(404, missing)
    return render(template, request, session, **data)


@guarded(sees_district)
async def submission(request: Request, session: auth.Session) -> Response:
    return await _item(
        request, session, views.submission, "kiriman", "kiriman.html.j2", "Kiriman tidak ditemukan."
    )


@guarded(sees_district)
async def upload_page(request: Request, session: auth.Session) -> Response:
    return await _item(request, session, views.upload, "id", "unggahan.html.j2", "Unggahan tidak ditemukan.")


@guarded(sees_district)
async def upload_receipt(request: Request, session: auth.Session) -> Response:
    """The check's receipt of one upload, as the JSON document or the letter a run writes."""
    portal, kode, kind = guards.portal_of(request), request.path_params["kode"], request.path_params["jenis"]
    found = await run_in_threadpool(views.receipt, portal, kode, request.path_params["id"])
    if found is None or kind not in ("json", "txt"):
        raise HTTPException(404, "Tanda terima tidak ditemukan.")
    upload_id, receipt = found
    run_id = f"pemeriksaan-portal-{upload_id}"
    if kind == "json":
        body, media = receipts.document_json(run_id, kode, [receipt]), "application/json"
    else:
        body, media = receipts.letter(run_id, kode, [receipt]), "text/plain; charset=utf-8"
    return Response(body, media_type=media, headers=attachment(f"tanda-terima-{upload_id}.{kind}"))


@guarded(sees_district)
async def run_receipt(request: Request, session: auth.Session) -> Response:
    """The receipt a run wrote for the district (tanda_terima/<kab>/<run id>.json|txt)."""
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    run_id, _, kind = request.path_params["berkas"].rpartition(".")
    path = pages.run_receipt(portal.settings, kode, run_id, kind)
    if path is None:
        raise HTTPException(404, "Tanda terima proses tidak ditemukan.")
    media = "application/json" if kind == "json" else "text/plain; charset=utf-8"
    return FileResponse(path, media_type=media, headers=attachment(f"tanda-terima-{kode}-{run_id}.{kind}"))


ROUTES = [
    Route("/kabupaten/{kode:str}", district),
    Route("/kabupaten/{kode:str}/unggah", send, methods=["POST"]),
    Route("/kabupaten/{kode:str}/kiriman/{kiriman:str}", submission),
    Route("/kabupaten/{kode:str}/unggahan/{id:int}", upload_page),
    Route("/kabupaten/{kode:str}/unggahan/{id:int}/ganti", replace, methods=["POST"]),
    Route("/kabupaten/{kode:str}/unggahan/{id:int}/tanda-terima.{jenis:str}", upload_receipt),
    Route("/kabupaten/{kode:str}/proses/{berkas:str}", run_receipt),
]

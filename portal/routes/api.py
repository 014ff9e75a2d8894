"""The API for offices' own systems (issue #21 item 10): send a file, read its receipt and, later,
its decision. An office authenticates with its token (`Authorization: Bearer …`; portal.tokens),
and the API sends and reads only in that office's district, through the same upload service,
limits and checks as the form (portal.upload). Described at /api/v1/openapi.json (portal.openapi).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal import guards, openapi, store, upload, views
from portal.accounts import Akun
from portal.guards import api_guarded, office, public
from portal.store import MAX_ID

# What the answer's status code says about the file (the body's `hasil` says it in words).
STATUS_CODE = {
    store.HELD: 409,  # valid, but a file for its date exists: resend with ganti=ya to replace it
    store.SAME: 200,  # byte-identical to a file of its date: not stored again
    "ditolak_portal": 422,  # refused by the portal (size, type, contents): written nowhere
    "gagal_periksa": 202,  # stored; the check failed, the nightly decides it
}
ONE_FILE = "Kirim tepat satu berkas CSV atau XLSX dalam field multipart `berkas`."


@api_guarded(office)
async def send(request: Request, akun: Akun) -> Response:
    portal, kode = guards.portal_of(request), akun.kode_kabupaten
    assert kode is not None  # an office account has its district
    try:
        form = await request.form(max_files=1, max_fields=5, max_part_size=1024)
    except HTTPException:  # the multipart parser's own limits, in English
        raise HTTPException(400, ONE_FILE) from None
    sent = [f for f in form.getlist("berkas") if isinstance(f, UploadFile)]
    if len(sent) != 1:
        raise HTTPException(400, ONE_FILE)
    ganti = (guards.text(form.get("ganti")) or "").strip().lower()
    if ganti not in ("", "ya", "tidak"):
        raise HTTPException(400, "Field `ganti` hanya boleh `ya` atau `tidak`.")
    done = await upload.submit(portal, akun, kode, sent, guards.client_of(request), ganti=ganti == "ya")
    body = await run_in_threadpool(views.api_receipt, portal, kode, done.ids[0])
    assert body is not None
    return JSONResponse(body, status_code=STATUS_CODE.get(body["hasil"], 201))


@api_guarded(office)
async def receipt(request: Request, akun: Akun) -> Response:
    """An upload of the office's district: its receipt, and the nightly's decision once it ran."""
    portal, upload_id = guards.portal_of(request), request.path_params["id"]
    body = None
    if upload_id <= MAX_ID and akun.kode_kabupaten:
        body = await run_in_threadpool(views.api_receipt, portal, akun.kode_kabupaten, upload_id)
    if body is None:
        raise HTTPException(404, "Kiriman tidak ditemukan.")
    return JSONResponse(body)


@public
async def description(request: Request) -> Response:
    return JSONResponse(openapi.DOCUMENT)


ROUTES = [
    Route("/api/v1/kiriman", send, methods=["POST"]),
    Route("/api/v1/kiriman/{id:int}", receipt, methods=["GET"]),
    Route("/api/v1/openapi.json", description, methods=["GET"]),
]

"""The office's templates and the format page (issue #21 item 6): the files an office fills in,
and what each column means and how it may be spelt, linked from the upload form."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contract import regions
from portal import auth, guards, templat
from portal.guards import everyone, guarded, sees_district
from portal.render import render
from portal.routes.common import attachment, date_param

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template(request: Request, ext: str) -> tuple[bytes, dict[str, str]]:
    portal, kode = guards.portal_of(request), request.path_params["kode"]
    tanggal = date_param(request, "tanggal") or portal.settings.hari_ini
    reference = regions.load(portal.settings.provinsi)
    build = templat.as_csv if ext == "csv" else templat.as_xlsx
    return build(reference, kode, tanggal), attachment(templat.file_name(kode, tanggal, ext))


@guarded(sees_district)
async def template_csv(request: Request, session: auth.Session) -> Response:
    body, headers = _template(request, "csv")
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@guarded(sees_district)
async def template_xlsx(request: Request, session: auth.Session) -> Response:
    body, headers = _template(request, "xlsx")
    return Response(body, media_type=XLSX, headers=headers)


@guarded(everyone)
async def format_page(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    kode = session.akun.kode_kabupaten or min(portal.kabupaten)
    contoh = templat.kecamatan_of(regions.load(portal.settings.provinsi), kode)[:3]
    return render(
        "format.html.j2",
        request,
        session,
        kolom=templat.columns(),
        batas=templat.limits(),
        kode=kode,
        contoh=contoh,
        tanggal=portal.settings.hari_ini,
    )


ROUTES = [
    Route("/kabupaten/{kode:str}/templat.csv", template_csv),
    Route("/kabupaten/{kode:str}/templat.xlsx", template_xlsx),
    Route("/format", format_page),
]

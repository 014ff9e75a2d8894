"""The province's pages: the districts × days grid and the daily reports (the nightly button is
the admin's: portal.routes.admin)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from contract.dates import report_day
from portal import auth, guards, kisi, pages, persetujuan, views
from portal.guards import guarded, province
from portal.render import render
from portal.routes.common import attachment, date_param

log = logging.getLogger(__name__)
# A report is a self-contained page with its own inline styles and no script; it is served
# sandboxed, so that whatever it holds cannot act as the portal.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@guarded(province)
async def province_page(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    # today's column: the date the offices report for now (WITA; until 02:00 still the day before,
    # as on an office's home, contract.dates.report_day); what they sent waits for the nightly
    hari_ini = report_day(datetime.now(UTC), portal.settings.today)[0]
    until = date_param(request, "sampai") or hari_ini
    data = await run_in_threadpool(views.province, portal, until)
    tanda = await run_in_threadpool(persetujuan.grid_marks, portal.settings, data["kisi"])
    isi = await run_in_threadpool(kisi.cells, portal, data["kisi"])
    return render(
        "provinsi.html.j2",
        request,
        session,
        **{**data, "keadaan": kisi.STATES},
        isi=isi,
        hari_ini=hari_ini,
        tanda=tanda,
        tanda_status=persetujuan.STATUS,
    )


@guarded(province)
async def report_list(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    return render("laporan.html.j2", request, session, laporan=pages.reports(portal.settings))


@guarded(province)
async def report_file(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    path = pages.report_file(portal.settings, request.path_params["nama"])
    if path is None:
        raise HTTPException(404, "Laporan tidak ditemukan.")
    if path.suffix == ".html":
        return FileResponse(
            path, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": REPORT_CSP}
        )
    return FileResponse(path, media_type=XLSX, headers=attachment(path.name))


ROUTES = [
    Route("/provinsi", province_page),
    Route("/provinsi/laporan", report_list),
    Route("/provinsi/laporan/{nama:str}", report_file),
]

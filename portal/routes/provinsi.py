"""The province's pages: the districts × days grid and the daily reports, those the nightly wrote
and the report of any date built on demand (portal.laporan_sesuai); the nightly button is the
admin's: portal.routes.admin."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from contract.dates import report_day
from contract.errors import EktpError
from portal import auth, guards, kisi, laporan_sesuai, pages, persetujuan, views
from portal.guards import guarded, province
from portal.render import render
from portal.routes.common import attachment, date_param, parse_date

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
    """The reports the nightly wrote, and the form asking for the report of any date: a date the
    warehouse has leads to that report; any other is said on this page, beside the form."""
    portal = guards.portal_of(request)
    status, pesan = 200, None
    try:
        terbitan = await run_in_threadpool(laporan_sesuai.terbitan, portal.settings)
    except EktpError as exc:  # a warehouse that cannot be opened: the nightly's files still are there
        log.error("%s", exc)
        terbitan, pesan = None, f"Gudang data tidak dapat dibuka: {exc.message}"
    if "tanggal" in request.query_params:
        try:
            return RedirectResponse(asked_report(request, terbitan), status_code=303)
        except HTTPException as exc:
            status, pesan = exc.status_code, exc.detail
    laporan, lebih_lama = pages.reports(portal.settings)
    return render(
        "laporan.html.j2",
        request,
        session,
        status=status,
        laporan=laporan,
        lebih_lama=lebih_lama,
        terbitan=terbitan,
        pesan=pesan,
        diminta=request.query_params.get("tanggal", ""),
    )


def asked_report(request: Request, terbitan: laporan_sesuai.Terbitan | None) -> str:
    """The address of the report the form asks for, or the HTTPException saying why there is none."""
    value = request.query_params.get("tanggal", "").strip()
    if not value:
        raise HTTPException(400, "Pilih tanggal laporan.")
    tanggal = parse_date(value)
    bentuk = request.query_params.get("bentuk", "html")
    if bentuk not in laporan_sesuai.BENTUK:
        raise HTTPException(400, "Pilih halaman (HTML) atau buku kerja (XLSX).")
    try:
        if terbitan is None:
            raise laporan_sesuai.TidakAdaData("Belum ada data: proses malam belum pernah berjalan.")
        terbitan.periksa(tanggal)
    except laporan_sesuai.TidakAdaData as exc:
        raise HTTPException(404, exc.message) from None
    return f"/provinsi/laporan/tanggal/{tanggal.isoformat()}.{bentuk}"


@guarded(province)
async def report_of_date(request: Request, session: auth.Session) -> Response:
    """The report of any date the warehouse has, built from the publication read now (and kept)."""
    portal = guards.portal_of(request)
    bentuk = request.path_params["bentuk"]
    if bentuk not in laporan_sesuai.BENTUK:
        raise HTTPException(404, "Laporan tersedia sebagai .html atau .xlsx.")
    tanggal = parse_date(request.path_params["tanggal"])
    folder = laporan_sesuai.folder_of(portal.db)
    try:
        body = await portal.laporan.laporan(portal.settings, folder, tanggal, bentuk)
    except laporan_sesuai.TidakAdaData as exc:
        raise HTTPException(404, exc.message) from None
    if bentuk == "html":
        return Response(
            body, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": REPORT_CSP}
        )
    return Response(body, media_type=XLSX, headers=attachment(f"laporan-ektp-{tanggal.isoformat()}.xlsx"))


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
    Route("/provinsi/laporan/tanggal/{tanggal:str}.{bentuk:str}", report_of_date),
]

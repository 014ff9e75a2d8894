"""The portal's routes (Starlette): pages rendered on the server, usable without JavaScript.

Who sees what (accounts.Akun): a kabupaten account reads and sends only under /kabupaten/<its
code>/; provinsi reads every district and the province pages; admin also the account list and
the whole upload log. Every route checks it (`guarded`): a route of a district the account may
not see answers 403, and an upload of another district under one's own code, 404.

Every POST carries the session's CSRF token (the login form: a token equal to its own cookie).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from contract import regions
from contract.errors import EktpError
from contract.settings import Settings
from pipeline.check import Checked
from portal import accounts, auth, db, deliver, names, pages, views
from portal.accounts import Akun
from portal.checker import Checker
from portal.security import BodyLimit, SecurityHeaders
from portal.state import Portal
from reports import receipts

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_FILES = 10  # per form submission
CHECK_TIMEOUT = 300.0


def build(settings: Settings, nightly_api: str | None = None) -> SecurityHeaders:
    """The portal application for these settings (its database and staging folder created)."""
    path = db.create(db.path_of(settings))
    staging = deliver.staging_of(path)
    deliver.prepare(settings.landing, staging)
    reference = regions.load(settings.provinsi)
    districts = dict(
        zip(reference.kabupaten["kode_kabupaten"].to_list(), reference.kabupaten["nama"].to_list())
    )
    portal = Portal(settings, path, staging, Checker(settings, staging), nightly_api, districts)

    @asynccontextmanager
    async def lifespan(app):
        portal.checker.start()
        try:
            yield
        finally:
            portal.checker.stop()

    app = Starlette(
        routes=ROUTES + [Mount("/static", StaticFiles(directory=STATIC), name="static")],
        exception_handlers={HTTPException: _error_page, EktpError: _ektp_error, Exception: _bug},
        lifespan=lifespan,
    )
    app.state.portal = portal
    app.add_middleware(BodyLimit, upload_limit=MAX_FILES * settings.upload_max_bytes + 1024 * 1024)
    # Outside Starlette's own error handling, so that a 500 page carries the headers too.
    return SecurityHeaders(app)


# --- sessions and guards ---------------------------------------------------------------------


def _portal(request: Request) -> Portal:
    return request.app.state.portal


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


Handler = Callable[[Request, auth.Session], Awaitable[Response]]


def guarded(allowed: Callable[[Akun, dict], bool]):
    """A route for signed-in accounts that `allowed(akun, path_params)` lets through.

    Signed out: to the login page. Not allowed: 403, before any body is read. A POST handler
    reads its form with `checked_form`, which refuses it without the session's CSRF token.
    """

    def wrap(handler: Handler):
        async def endpoint(request: Request) -> Response:
            portal = _portal(request)
            session = await run_in_threadpool(
                auth.current, portal.db, request.cookies.get(auth.SESSION_COOKIE)
            )
            if session is None:
                return RedirectResponse("/masuk", status_code=303)
            if not allowed(session.akun, request.path_params):
                raise HTTPException(403, "Akun Anda tidak berhak membuka halaman ini.")
            if "kode" in request.path_params and request.path_params["kode"] not in portal.kabupaten:
                raise HTTPException(404, "Kabupaten/kota ini tidak ada dalam cakupan portal.")
            return await handler(request, session)

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


async def checked_form(request: Request, session: auth.Session, max_files: int = 0):
    """The POSTed form, once its CSRF token is the session's; 403 otherwise."""
    try:
        form = await request.form(max_files=max_files, max_fields=20, max_part_size=64 * 1024)
    except HTTPException:  # the multipart parser's own limits, in English
        raise HTTPException(
            400, f"Formulir tidak dapat dibaca: paling banyak {MAX_FILES} berkas sekaligus."
        ) from None
    if not auth.same(session.csrf, _text(form.get("csrf"))):
        raise HTTPException(403, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
    return form


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def everyone(akun: Akun, params: dict) -> bool:
    return True


def sees_district(akun: Akun, params: dict) -> bool:
    return akun.sees(params["kode"])


def sends_district(akun: Akun, params: dict) -> bool:
    return akun.sends(params["kode"])


def province(akun: Akun, params: dict) -> bool:
    return akun.provinsi


def admin(akun: Akun, params: dict) -> bool:
    return akun.admin


# --- signing in and out ----------------------------------------------------------------------


async def home(request: Request) -> Response:
    session = await run_in_threadpool(
        auth.current, _portal(request).db, request.cookies.get(auth.SESSION_COOKIE)
    )
    if session is None:
        return RedirectResponse("/masuk", status_code=303)
    return RedirectResponse(_home_of(session.akun), status_code=303)


def _home_of(akun: Akun) -> str:
    return "/provinsi" if akun.provinsi else f"/kabupaten/{akun.kode_kabupaten}"


async def login_page(request: Request) -> Response:
    portal = _portal(request)
    session = await run_in_threadpool(auth.current, portal.db, request.cookies.get(auth.SESSION_COOKIE))
    if session is not None:
        return RedirectResponse(_home_of(session.akun), status_code=303)
    return _login_form(request, portal, 200)


def _login_form(
    request: Request, portal: Portal, status: int, pesan: str | None = None, nama: str = ""
) -> Response:
    token = auth.new_token()
    response = views.render("masuk.html.j2", request, None, status=status, csrf=token, pesan=pesan, nama=nama)
    _cookie(response, portal, auth.LOGIN_COOKIE, token, max_age=3600)
    return response


async def login(request: Request) -> Response:
    portal = _portal(request)
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    if not auth.same(request.cookies.get(auth.LOGIN_COOKIE), _text(form.get("csrf"))):
        raise HTTPException(403, "Formulir masuk kedaluwarsa. Muat ulang halaman masuk lalu coba lagi.")
    nama = (_text(form.get("nama")) or "").strip().lower()[:100]
    sandi = _text(form.get("sandi")) or ""
    ip = _client(request)
    until = await run_in_threadpool(auth.locked_until, portal.db, nama, ip)
    if until is not None:
        log.warning("masuk ditolak, terkunci sementara, dari %s", ip)
        jam = datetime.fromtimestamp(until, UTC)
        return _login_form(
            request,
            portal,
            429,
            f"Terlalu banyak percobaan yang gagal. Coba lagi setelah {views.jam(jam)}.",
            nama,
        )
    akun = await run_in_threadpool(accounts.verify, portal.db, nama, sandi)
    if akun is None:
        await run_in_threadpool(auth.failed, portal.db, nama, ip)
        # a name that is no account may be a password typed in the wrong field: never logged
        known = await run_in_threadpool(accounts.get, portal.db, nama)
        log.warning("masuk gagal: %s dari %s", f"akun {nama}" if known else "nama akun tidak dikenal", ip)
        return _login_form(request, portal, 401, "Nama akun atau sandi salah.", nama)
    await run_in_threadpool(auth.succeeded, portal.db, nama, ip)
    token, _ = await run_in_threadpool(auth.start, portal.db, akun)
    log.info("masuk: akun %s (%s) dari %s", akun.nama, akun.peran, ip)
    response = RedirectResponse(_home_of(akun), status_code=303)
    _cookie(response, portal, auth.SESSION_COOKIE, token, max_age=auth.LIFETIME_SECONDS)
    _cookie(response, portal, auth.LOGIN_COOKIE, "", max_age=0)
    return response


@guarded(everyone)
async def logout(request: Request, session: auth.Session) -> Response:
    await checked_form(request, session)
    await run_in_threadpool(auth.end, _portal(request).db, session)
    response = RedirectResponse("/masuk", status_code=303)
    _cookie(response, _portal(request), auth.SESSION_COOKIE, "", max_age=0)
    return response


def _cookie(response: Response, portal: Portal, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=portal.settings.secure_cookies,
    )


async def health(request: Request) -> Response:
    """For monitoring and tests: up, and whether the check is warm yet."""
    warm = _portal(request).checker.warm.is_set()
    return Response(
        json.dumps({"status": "ok", "pemeriksa": "siap" if warm else "memanaskan"}),
        media_type="application/json",
    )


# --- a district ------------------------------------------------------------------------------


@guarded(sees_district)
async def district(request: Request, session: auth.Session) -> Response:
    portal, kode = _portal(request), request.path_params["kode"]
    tanggal = _date_param(request, "tanggal") or portal.settings.yesterday
    data = await run_in_threadpool(views.district, portal, kode, tanggal)
    return views.render(
        "kabupaten.html.j2",
        request,
        session,
        **data,
        max_files=MAX_FILES,
        max_bytes=portal.settings.upload_max_bytes,
    )


@guarded(sends_district)
async def upload(request: Request, session: auth.Session) -> Response:
    portal, kode = _portal(request), request.path_params["kode"]
    form = await checked_form(request, session, max_files=MAX_FILES)
    sent = [f for f in form.getlist("berkas") if isinstance(f, UploadFile) and (f.filename or f.size)]
    if not sent:
        raise HTTPException(400, "Pilih sedikitnya satu berkas CSV atau XLSX untuk dikirim.")
    kiriman = secrets.token_hex(8)
    times = [time.perf_counter()]
    received = [await _received(f, portal.settings.upload_max_bytes) for f in sent]
    landed = await run_in_threadpool(_land, portal, kode, received)
    times.append(time.perf_counter())
    found, failure = await _check(portal, kode, landed)
    times.append(time.perf_counter())
    await run_in_threadpool(
        _log, portal, session.akun, kode, kiriman, _client(request), landed, iter(found), failure
    )
    times.append(time.perf_counter())
    log.debug(
        "kiriman %s: %d berkas; terima+landing %.0f ms, periksa %.0f ms, catat %.0f ms",
        kiriman,
        len(sent),
        *(1000 * (b - a) for a, b in zip(times, times[1:])),
    )
    # Post, redirect, get: reloading the receipts page never sends the files again.
    return RedirectResponse(f"/kabupaten/{kode}/kiriman/{kiriman}", status_code=303)


@dataclass
class _Received:
    nama_asli: str
    nama: str
    data: bytes
    ukuran: int
    sha256: str
    alasan: str | None  # why the portal refuses it; None: it goes to the inbox
    berkas: str | None = None  # where it landed


async def _received(f: UploadFile, limit: int) -> _Received:
    """One sent file, hashed whole and judged by size, name and contents; its bytes are kept
    only when it goes to the inbox."""
    original = f.filename or ""
    name = names.safe_name(original)
    digest, kept, size = hashlib.sha256(), bytearray(), 0
    while chunk := await f.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
        if len(kept) <= limit:
            kept += chunk
    if size > limit:
        reason = f"berkas {views.ukuran(size)}, lebih besar dari batas {views.ukuran(limit)}"
    else:
        reason = names.refusal(name, bytes(kept))
    return _Received(original, name, bytes(kept) if reason is None else b"", size, digest.hexdigest(), reason)


def _land(portal: Portal, kode: str, received: list[_Received]) -> list[_Received]:
    for r in received:
        if r.alasan is None:
            r.berkas = deliver.deliver(portal.settings.landing, portal.staging, kode, r.nama, r.data)
        r.data = b""  # the bytes are in the inbox now; keep the request's memory small
    return received


async def _check(portal: Portal, kode: str, landed: list[_Received]) -> tuple[list[dict], str | None]:
    """The receipts of the files that landed, in order (from the warm checker), or why there are none."""
    checked = [
        Checked(portal.settings.landing / r.berkas, kode, r.berkas.split("/", 1)[1])
        for r in landed
        if r.berkas
    ]
    if not checked:
        return [], None
    try:
        return await asyncio.wait_for(
            asyncio.wrap_future(portal.checker.submit(checked)), CHECK_TIMEOUT
        ), None
    except Exception as exc:  # the files are in the inbox all the same; the nightly decides them
        log.error("pemeriksaan kiriman gagal: %s", exc)
        return [], f"pemeriksaan gagal: {exc}"


def _log(
    portal: Portal,
    akun: Akun,
    kode: str,
    kiriman: str,
    ip: str,
    landed: list[_Received],
    found: Iterator[dict],
    failure: str | None,
) -> None:
    """One upload-log row per file of the submission, with what the check said."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for r in landed:
        receipt = None if r.berkas is None or failure else next(found)
        if r.berkas is None:
            hasil, alasan = "ditolak_portal", r.alasan
        elif receipt is None:
            hasil, alasan = "gagal_periksa", failure
        else:
            hasil, alasan = receipt["status"], receipt["alasan"]
        rows.append(
            [
                kiriman,
                akun.nama,
                kode,
                r.nama_asli,
                r.berkas,
                r.sha256,
                r.ukuran,
                stamp,
                ip,
                hasil,
                alasan,
                receipt and receipt["kesalahan"],
                receipt and receipt["peringatan"],
                receipt and json.dumps(receipt, ensure_ascii=False, default=str),
            ]
        )
        log.info("unggahan %s oleh %s: %s (%s)", r.berkas or r.nama, akun.nama, hasil, r.sha256[:12])
    with db.connect(portal.db) as con, db.transaction(con):
        con.executemany(
            "insert into unggahan (kiriman, akun, kode_kabupaten, nama_asli, berkas, sha256, ukuran, diunggah_pada,"
            " ip, hasil, alasan, kesalahan, peringatan, tanda_terima) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


async def _district_item(
    request: Request, session: auth.Session, view: Callable, key: str, template: str, missing: str
) -> Response:
    """A page of one item of the district (`view` reads it, None when it is not the district's)."""
    data = await run_in_threadpool(
        view, _portal(request), request.path_params["kode"], request.path_params[key]
    )
    if data is None:
        raise HTTPException(404, missing)
    return views.render(template, request, session, **data)


@guarded(sees_district)
async def submission(request: Request, session: auth.Session) -> Response:
    return await _district_item(
        request, session, views.submission, "kiriman", "kiriman.html.j2", "Kiriman tidak ditemukan."
    )


@guarded(sees_district)
async def upload_page(request: Request, session: auth.Session) -> Response:
    return await _district_item(
        request, session, views.upload, "id", "unggahan.html.j2", "Unggahan tidak ditemukan."
    )


@guarded(sees_district)
async def upload_receipt(request: Request, session: auth.Session) -> Response:
    """The check's receipt of one upload, as the JSON document or the letter a run writes."""
    portal, kode, kind = _portal(request), request.path_params["kode"], request.path_params["jenis"]
    row = await run_in_threadpool(views.upload_row, portal, kode, request.path_params["id"])
    if row is None or not row["tanda_terima"] or kind not in ("json", "txt"):
        raise HTTPException(404, "Tanda terima tidak ditemukan.")
    receipt = json.loads(row["tanda_terima"])
    run_id = f"pemeriksaan-portal-{row['id']}"
    if kind == "json":
        body, media = receipts.document_json(run_id, kode, [receipt]), "application/json"
    else:
        body, media = receipts.letter(run_id, kode, [receipt]), "text/plain; charset=utf-8"
    return Response(body, media_type=media, headers=_attachment(f"tanda-terima-{row['id']}.{kind}"))


@guarded(sees_district)
async def run_receipt(request: Request, session: auth.Session) -> Response:
    """The receipt a run wrote for the district (tanda_terima/<kab>/<run id>.json|txt)."""
    portal, kode = _portal(request), request.path_params["kode"]
    run_id, _, kind = request.path_params["berkas"].rpartition(".")
    path = pages.run_receipt(portal.settings, kode, run_id, kind)
    if path is None:
        raise HTTPException(404, "Tanda terima proses tidak ditemukan.")
    media = "application/json" if kind == "json" else "text/plain; charset=utf-8"
    return FileResponse(path, media_type=media, headers=_attachment(f"tanda-terima-{kode}-{run_id}.{kind}"))


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


# --- the province ----------------------------------------------------------------------------


@guarded(province)
async def province_page(request: Request, session: auth.Session) -> Response:
    portal = _portal(request)
    until = _date_param(request, "sampai") or portal.settings.yesterday
    data = await run_in_threadpool(views.province, portal, until)
    return views.render("provinsi.html.j2", request, session, **data, nightly=portal.nightly_api is not None)


@guarded(province)
async def report_list(request: Request, session: auth.Session) -> Response:
    portal = _portal(request)
    return views.render("laporan.html.j2", request, session, laporan=pages.reports(portal.settings))


# A report is a self-contained page with its own inline styles and no script; it is served
# sandboxed, so that whatever it holds cannot act as the portal.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


@guarded(province)
async def report_file(request: Request, session: auth.Session) -> Response:
    portal = _portal(request)
    path = pages.report_file(portal.settings, request.path_params["nama"])
    if path is None:
        raise HTTPException(404, "Laporan tidak ditemukan.")
    if path.suffix == ".html":
        return FileResponse(
            path, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": REPORT_CSP}
        )
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=_attachment(path.name),
    )


@guarded(province)
async def start_nightly(request: Request, session: auth.Session) -> Response:
    """Start the nightly now through its Prefect deployment (only under `ektp serve`)."""
    portal = _portal(request)
    if portal.nightly_api is None:
        raise HTTPException(404, "Tombol ini hanya ada bila portal berjalan di bawah `ektp serve`.")
    await checked_form(request, session)
    run = await run_in_threadpool(views.start_nightly, portal.nightly_api)
    log.info("nightly dimulai dari portal oleh %s: flow run %s", session.akun.nama, run["nama"])
    return views.render("nightly.html.j2", request, session, run=run)


@guarded(admin)
async def admin_page(request: Request, session: auth.Session) -> Response:
    data = await run_in_threadpool(views.admin, _portal(request))
    return views.render("admin.html.j2", request, session, **data)


# --- helpers -----------------------------------------------------------------------------------


def _date_param(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, "Tanggal harus berbentuk TTTT-BB-HH.") from None


async def _error_page(request: Request, exc: HTTPException) -> Response:
    session = None
    try:
        session = await run_in_threadpool(
            auth.current, _portal(request).db, request.cookies.get(auth.SESSION_COOKIE)
        )
    except EktpError:
        pass
    return views.render(
        "galat.html.j2",
        request,
        session,
        status=exc.status_code,
        kode=exc.status_code,
        pesan=exc.detail if isinstance(exc.detail, str) else "Permintaan tidak dapat dilayani.",
    )


async def _ektp_error(request: Request, exc: EktpError) -> Response:
    log.error("%s", exc)
    return views.render(
        "galat.html.j2",
        request,
        None,
        status=503,
        kode=503,
        pesan=f"Portal tidak dapat melayani: {exc.message}",
    )


async def _bug(request: Request, exc: Exception) -> Response:
    """A bug: the traceback goes to the log, the page says only that something went wrong."""
    log.error("galat internal pada %s %s", request.method, request.url.path, exc_info=exc)
    return views.render(
        "galat.html.j2",
        request,
        None,
        status=500,
        kode=500,
        pesan="Terjadi galat di portal; sudah dicatat. Coba lagi sebentar lagi.",
    )


ROUTES = [
    Route("/", home),
    Route("/masuk", login_page, methods=["GET"]),
    Route("/masuk", login, methods=["POST"]),
    Route("/keluar", logout, methods=["POST"]),
    Route("/sehat", health),
    Route("/kabupaten/{kode:str}", district),
    Route("/kabupaten/{kode:str}/unggah", upload, methods=["POST"]),
    Route("/kabupaten/{kode:str}/kiriman/{kiriman:str}", submission),
    Route("/kabupaten/{kode:str}/unggahan/{id:int}", upload_page),
    Route("/kabupaten/{kode:str}/unggahan/{id:int}/tanda-terima.{jenis:str}", upload_receipt),
    Route("/kabupaten/{kode:str}/proses/{berkas:str}", run_receipt),
    Route("/provinsi", province_page),
    Route("/provinsi/laporan", report_list),
    Route("/provinsi/laporan/{nama:str}", report_file),
    Route("/provinsi/nightly", start_nightly, methods=["POST"]),
    Route("/admin", admin_page),
]

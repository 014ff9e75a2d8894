"""The admin's pages: every account (add, disable and enable, role and district, e-mail, password
reset, unlock), the whole upload log, throttles, API tokens, and the button that starts the
nightly now. Every action is a row of the admin log (portal.adminlog), shown on the page."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from contract import regions
from contract.errors import UsageError
from pipeline import kontak
from portal import accounts, adminlog, auth, guards, nightly, throttle, tokens, views
from portal.gate import Busy
from portal.guards import admin, guarded
from portal.render import render

log = logging.getLogger(__name__)


# What the page says after an account action (post, redirect, get: ?pesan=...).
DONE = {
    "dibuat": "Akun dibuat.",
    "nonaktif": "Akun dinonaktifkan; sesinya sudah diakhiri.",
    "aktif": "Akun diaktifkan kembali.",
    "peran": "Peran akun diubah; sesinya sudah diakhiri.",
    "surel": "Alamat surel akun disimpan.",
}


@guarded(admin)
async def admin_page(request: Request, session: auth.Session) -> Response:
    pesan = DONE.get(request.query_params.get("pesan", ""))
    return await _admin(request, session, 200, pesan)


async def _admin(
    request: Request, session: auth.Session, status: int, pesan: str | None = None, gagal: bool = False
) -> Response:
    portal = guards.portal_of(request)
    data = await run_in_threadpool(views.admin, portal)
    return render(
        "admin.html.j2",
        request,
        session,
        status=status,
        **data,
        nightly=portal.nightly_api is not None,
        kabupaten=portal.kabupaten,
        peran_semua=accounts.ROLES,
        minimal=accounts.MIN_PASSWORD,
        pesan=pesan,
        gagal=gagal,
    )


def _district(form_value: str | None, peran: str) -> str | None:
    """The district field counts only for a kabupaten account (the form always sends one)."""
    return (form_value or None) if peran == "kabupaten" else None


@guarded(admin)
async def add_account(request: Request, session: auth.Session) -> Response:
    """A new account from the web: the same checks as `ektp akun tambah` (name, role, district,
    the password policy), and its e-mail address when given."""
    portal = guards.portal_of(request)
    form = await guards.checked_form(request, session)
    nama = (guards.text(form.get("nama")) or "").strip().lower()
    peran = guards.text(form.get("peran")) or ""
    kode = _district(guards.text(form.get("kabupaten")), peran)
    sandi = guards.text(form.get("sandi")) or ""
    surel = (guards.text(form.get("surel")) or "").strip() or None
    if sandi != (guards.text(form.get("ulang")) or ""):
        return await _admin(request, session, 400, "Akun tidak dibuat: kedua sandi tidak sama.", True)
    try:
        if surel is not None and not kontak.SUREL.match(surel):
            raise UsageError("alamat surel tidak sah, mis. dukcapil@lombokbaratkab.go.id")
        async with portal.gate.slot():
            akun = await run_in_threadpool(
                accounts.add,
                portal.db,
                nama,
                peran,
                kode,
                sandi,
                regions.load(portal.settings.provinsi),
                hasher=accounts.hasher(portal.settings),
            )
        if surel is not None:
            await run_in_threadpool(kontak.set_contact, portal.db, akun.nama, akun.peran, surel, False)
    except Busy:
        return await _admin(request, session, 429, "Portal sedang sibuk; coba lagi sebentar lagi.", True)
    except UsageError as exc:
        return await _admin(request, session, 400, f"Akun tidak dibuat: {exc.message}.", True)
    keterangan = " ".join(x for x in (akun.peran, akun.kode_kabupaten, surel) if x)
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "akun_dibuat", akun.nama, keterangan)
    log.info("akun %s (%s) dibuat oleh %s", akun.nama, keterangan, session.akun.nama)
    return RedirectResponse("/admin?pesan=dibuat", status_code=303)


async def _target(request: Request, session: auth.Session) -> tuple[str, dict]:
    """The account of the path (404 when none) and the CSRF-checked form; never oneself (an
    admin who disables or demotes their own account locks the portal's only admin out)."""
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    form = await guards.checked_form(request, session)
    if await run_in_threadpool(accounts.get, portal.db, nama) is None:
        raise HTTPException(404, "Akun tidak ada.")
    if nama == session.akun.nama:
        raise HTTPException(400, "Akun sendiri tidak dapat dinonaktifkan atau diubah perannya dari sini.")
    return nama, dict(form)


async def _set_active(request: Request, session: auth.Session, active: bool) -> Response:
    """Disable or enable the account of the path, logged as an admin action."""
    portal = guards.portal_of(request)
    nama, _ = await _target(request, session)
    await run_in_threadpool(accounts.set_active, portal.db, nama, active)
    action = "akun_diaktifkan" if active else "akun_dinonaktifkan"
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, action, nama)
    log.info("%s: %s oleh %s", action, nama, session.akun.nama)
    return RedirectResponse(f"/admin?pesan={'aktif' if active else 'nonaktif'}", status_code=303)


@guarded(admin)
async def disable(request: Request, session: auth.Session) -> Response:
    return await _set_active(request, session, False)


@guarded(admin)
async def enable(request: Request, session: auth.Session) -> Response:
    return await _set_active(request, session, True)


@guarded(admin)
async def change_role(request: Request, session: auth.Session) -> Response:
    portal = guards.portal_of(request)
    nama, form = await _target(request, session)
    peran = guards.text(form.get("peran")) or ""
    kode = _district(guards.text(form.get("kabupaten")), peran)
    try:
        akun = await run_in_threadpool(
            accounts.set_role, portal.db, nama, peran, kode, regions.load(portal.settings.provinsi)
        )
    except UsageError as exc:
        return await _admin(request, session, 400, f"Peran tidak diubah: {exc.message}.", True)
    keterangan = " ".join(x for x in (akun.peran, akun.kode_kabupaten) if x)
    await run_in_threadpool(adminlog.add, portal.db, session.akun.nama, "peran_diubah", nama, keterangan)
    log.info("peran akun %s diubah oleh %s: %s", nama, session.akun.nama, keterangan)
    return RedirectResponse("/admin?pesan=peran", status_code=303)


@guarded(admin)
async def set_email(request: Request, session: auth.Session) -> Response:
    """An account's e-mail address (reminders, summaries); empty removes it. Oneself included."""
    portal, nama = guards.portal_of(request), request.path_params["akun"]
    form = await guards.checked_form(request, session)
    akun = await run_in_threadpool(accounts.get, portal.db, nama)
    if akun is None:
        raise HTTPException(404, "Akun tidak ada.")
    surel = (guards.text(form.get("surel")) or "").strip() or None
    if surel is not None and not kontak.SUREL.match(surel):
        return await _admin(
            request,
            session,
            400,
            "Surel tidak disimpan: alamat tidak sah, mis. dukcapil@lombokbaratkab.go.id.",
            True,
        )
    # the sign-off right is the CLI's (--boleh-setujui): kept as it is
    boleh = await run_in_threadpool(kontak.may_sign_off, portal.db, nama)
    await run_in_threadpool(kontak.set_contact, portal.db, nama, akun.peran, surel, boleh)
    await run_in_threadpool(
        adminlog.add, portal.db, session.akun.nama, "surel_diubah", nama, surel or "dihapus"
    )
    log.info("surel akun %s diubah oleh %s", nama, session.akun.nama)
    return RedirectResponse("/admin?pesan=surel", status_code=303)


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
        sandi = await run_in_threadpool(
            accounts.reset, portal.db, nama, hasher=accounts.hasher(portal.settings)
        )
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
        return render("nightly.html.j2", request, session, tanpa_serve=NO_NIGHTLY, run=None, hasil=None)
    run = await run_in_threadpool(nightly.last, portal.nightly_api)
    hasil = await run_in_threadpool(nightly.outcome, portal.settings, run)
    mulai = request.query_params.get("mulai")
    return render(
        "nightly.html.j2",
        request,
        session,
        tanpa_serve=None,  # the template asks; undefined is an error (StrictUndefined)
        run=run,
        hasil=hasil,
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
    Route("/admin/akun", add_account, methods=["POST"]),
    Route("/admin/akun/{akun:str}/nonaktif", disable, methods=["POST"]),
    Route("/admin/akun/{akun:str}/aktif", enable, methods=["POST"]),
    Route("/admin/akun/{akun:str}/peran", change_role, methods=["POST"]),
    Route("/admin/akun/{akun:str}/surel", set_email, methods=["POST"]),
    Route("/admin/pembatasan", clear_throttle, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token", new_token, methods=["POST"]),
    Route("/admin/akun/{akun:str}/token/cabut", revoke_token, methods=["POST"]),
]

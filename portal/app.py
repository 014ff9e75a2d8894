"""The portal application (Starlette): pages rendered on the server, usable without JavaScript.

Who sees what (accounts.Akun): a kabupaten account reads and sends only under /kabupaten/<its
code>/; provinsi reads every district and the province pages; admin also the account list and
the whole upload log. Every route declares who may call it (portal.guards): a route of a district
the account may not see answers 403, and an upload of another district under one's own code, 404.
Every POST carries the session's CSRF token (the login form: a token equal to its own cookie).

Where things live: routes per domain (portal.routes), guards (portal.guards), the upload service
(portal.upload), the upload log (portal.store), view models (portal.views), templates
(portal.render), error pages (portal.errors), headers and body limits (portal.security).
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount

from contract import regions
from contract.settings import Settings
from portal import accounts, db, deliver, errors, upload
from portal.checker import Checker
from portal.metrics import Metrics
from portal.routes import ROUTES
from portal.security import BodyLimit, Limits, SecurityHeaders
from portal.state import Portal
from portal.static import Static

log = logging.getLogger(__name__)


def build(
    settings: Settings, nightly_api: str | None = None, limits: Limits | None = None
) -> SecurityHeaders:
    """The portal application for these settings (its database and staging folder created)."""
    limits = limits or Limits()
    # A cost argon2 cannot take stops the portal here, not at a login; the unknown name's hash too.
    accounts.dummy(accounts.hasher(settings))
    if accounts.weaker_than_owasp(settings):
        log.warning(
            "sandi di-hash lebih murah dari batas OWASP"
            " (EKTP_ARGON2_MEMORY_KIB=%d, EKTP_ARGON2_TIME_COST=%d): hanya untuk pengujian",
            settings.argon2_memory_kib,
            settings.argon2_time_cost,
        )
    path = db.create(db.path_of(settings))
    db.keep(path)  # this process's threads keep their connections to it
    staging = deliver.staging_of(path)
    deliver.prepare(settings.landing, staging)
    reference = regions.load(settings.provinsi)
    districts = dict(
        zip(
            reference.kabupaten["kode_kabupaten"].to_list(),
            reference.kabupaten["nama"].to_list(),
            strict=True,
        )
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
        routes=[*ROUTES, Mount("/static", Static(), name="static")],
        exception_handlers=errors.HANDLERS,
        lifespan=lifespan,
    )
    # A trailing slash is answered by errors.refused with a relative redirect: Starlette's own
    # builds an absolute one from the Host header, which a client chooses.
    app.router.redirect_slashes = False
    app.state.portal = portal
    app.add_middleware(BodyLimit, upload_limit=upload_limit(settings), limits=limits)
    # GET /metrics for a monitor on loopback, and the upload requests' timing (portal.metrics).
    app.add_middleware(Metrics, settings=settings, portal_db=path)
    if hosts := trusted_hosts():
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)
    # Outside Starlette's own error handling, so that a 500 page carries the headers too.
    return SecurityHeaders(app)


def upload_limit(settings: Settings) -> int:
    """The largest upload request: MAX_FILES files of the largest size and 1 MiB of form (a proxy
    in front refuses beyond it too: deploy/nginx/ektp.conf's client_max_body_size)."""
    return upload.MAX_FILES * settings.upload_max_bytes + 1024 * 1024


def trusted_hosts() -> list[str]:
    """EKTP_PORTAL_HOSTS: the host names the portal answers to, comma-separated (`*.example.id`
    allowed); unset, any (the portal then never puts the Host header into an answer)."""
    return [h.strip() for h in os.environ.get("EKTP_PORTAL_HOSTS", "").split(",") if h.strip()]

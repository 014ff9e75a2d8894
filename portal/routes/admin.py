"""The admin's page: every account and the whole upload log."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal import auth, guards, views
from portal.guards import admin, guarded
from portal.render import render


@guarded(admin)
async def admin_page(request: Request, session: auth.Session) -> Response:
    data = await run_in_threadpool(views.admin, guards.portal_of(request))
    return render("admin.html.j2", request, session, **data)


ROUTES = [Route("/admin", admin_page)]

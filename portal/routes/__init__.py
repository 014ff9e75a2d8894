"""The portal's routes, one module per domain: akun (signing in and out), kabupaten (a
district's pages and uploads), provinsi (the grid, reports, the nightly button), persetujuan
(sign-off and lock), admin and api (offices' own systems, with a token), templat (the templates
an office fills in and the format page).
Each route is `guards.public` or `guards.guarded(rule)`; tests/portal/test_authz.py checks
every route of this table."""

from __future__ import annotations

from portal.routes import admin, akun, api, kabupaten, persetujuan, provinsi, templat

ROUTES = [
    *akun.ROUTES,
    *kabupaten.ROUTES,
    *provinsi.ROUTES,
    *persetujuan.ROUTES,
    *admin.ROUTES,
    *api.ROUTES,
    *templat.ROUTES,
]

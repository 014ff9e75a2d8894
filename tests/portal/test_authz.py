"""Who may open what: every role × every route of the application (enumerated from Starlette's
route table, so a new route cannot skip it) × own and other district.

A kabupaten account sees and sends only under its own code; provinsi and admin read every district
and send nothing; only admin opens /admin; only the district head's account (`--boleh-setujui`) opens
its own district's sign-off pages. Signed out, every route leads to the login page.
Refusals name nothing of the other district.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from starlette.routing import Mount, Route

from pipeline import kontak
from portal import db, tokens
from portal.app import build
from portal.guards import REFUSED
from portal.static import Static
from tests import web_client
from tests.portal.support import D3, Browser, add_account, valid_report
from warehouse import read

ROLES = ("tamu", "lobar", "kadis", "prov", "adm")  # tamu: not signed in; kadis: lobar's district head
KADIS = ("kadis", "5201", "sandi-kadis-12345")  # a kabupaten account with --boleh-setujui
OWN, OTHER = "5201", "5272"  # lobar's district, and Kota Bima's
# Report dates no other test sends for: a valid file for a date that has one waits for its
# office's confirmation instead of landing (issue #21 item 4).
PLACES, SENT = date(2018, 3, 20), date(2018, 3, 21)
SENT_BY = {"kadis": date(2018, 3, 22)}  # an office's second account sends for a date of its own


@pytest.fixture(scope="module")
def places(world, base_url):
    """One upload of each district (lobar's and kobi's), and the run receipts of the world's nightly."""
    found = {}
    for nama, kode in (("lobar", OWN), ("kobi", OTHER)):
        with Browser(base_url) as b:
            b.login(nama)
            page = b.upload(kode, (f"authz {kode}.csv", valid_report(PLACES)))
            assert page.status_code == 200
            kiriman = page.url.path.rsplit("/", 1)[1]
            upload_id = int(re.search(f'/kabupaten/{kode}/unggahan/([0-9]+)"', page.text)[1])
        with read.connect(world.warehouse) as con:
            (run_id,) = con.execute(
                "select any_value(run_id) from unggahan where kode_kabupaten = ?", [kode]
            ).fetchone()
        found[kode] = {
            "kiriman": kiriman,
            "id": upload_id,
            "run": run_id,
            "berkas": f"{kode}/authz {kode}.csv",
        }
    return found


# Who each rule lets through, written out here rather than asked of the code under test.
ALLOWED = {
    "everyone": {
        ("lobar", OWN),
        ("lobar", OTHER),
        ("kadis", OWN),
        ("kadis", OTHER),
        ("prov", OWN),
        ("prov", OTHER),
        ("adm", OWN),
        ("adm", OTHER),
    },
    "sees_district": {
        ("lobar", OWN),
        ("kadis", OWN),
        ("prov", OWN),
        ("prov", OTHER),
        ("adm", OWN),
        ("adm", OTHER),
    },
    "sends_district": {("lobar", OWN), ("kadis", OWN)},
    # the sign-off pages: only the district head's account of that very district (an office
    # account without --boleh-setujui is refused by the handler with the same 403)
    "signs_district": {("kadis", OWN)},
    "province": {("prov", OWN), ("prov", OTHER), ("adm", OWN), ("adm", OTHER)},
    "admin": {("adm", OWN), ("adm", OTHER)},
    # the API's rule, for tokens: an office, within its own district (routes under /api/v1)
    "office": {("lobar", OWN), ("kobi", OTHER)},
}
# The routes anyone may call, each said out loud: a new public route fails until it is listed.
PUBLIC = {
    ("GET", "/"),
    ("GET", "/masuk"),
    ("POST", "/masuk"),
    ("GET", "/sehat"),
    ("GET", "/api/v1/openapi.json"),
}


def app_routes(world) -> list[tuple[str, Route]]:
    """Every (method, route) of the portal application as Starlette holds it."""
    app = build(world.settings).app
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static" and isinstance(route.app, Static), route.path
            continue
        assert isinstance(route, Route), route
        found += [(method, route) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def is_api(route: Route) -> bool:
    """A route of the API for offices' systems: a token, never a session (guards.api_guarded)."""
    api = getattr(route.endpoint, "api", False)
    assert api == route.path.startswith("/api/"), route.path  # every API route, and only those
    return api


def path_of(route: Route, kode: str, p: dict) -> str:
    """The route's path with every parameter filled in for district `kode` (a parameter this
    test does not know fails it: a new route with a new parameter needs a value here)."""
    values = {
        "kode": kode,
        "kiriman": p["kiriman"],
        "id": p["id"],
        "jenis": "json",
        "berkas": f"{p['run']}.json",
        "nama": f"laporan-ektp-{D3}.html",
        "tanggal": D3.isoformat(),  # the report of any date, built on demand
        "bentuk": "html",
        "akun": "kobi",
    }
    unknown = set(route.param_convertors) - set(values)
    assert not unknown, f"{route.path}: no test value for {unknown}"
    return route.url_path_for(route.name, **{k: values[k] for k in route.param_convertors})


@pytest.fixture(scope="module")
def browsers(world, base_url):
    path = db.path_of(world.settings)
    nama, kode, sandi = KADIS
    add_account(path, world.settings, nama, "kabupaten", kode, sandi)
    kontak.set_contact(path, nama, "kabupaten", None, True)
    opened = {}
    for role in ROLES:
        b = Browser(base_url)
        if role != "tamu":
            assert b.login(role, KADIS[2] if role == "kadis" else None).status_code == 303
        opened[role] = b
    yield opened
    for b in opened.values():
        b.http.close()


def test_every_route_declares_who_may_call_it(world):
    for method, route in app_routes(world):
        rule = getattr(route.endpoint, "rule", "missing")
        if rule is None:
            assert (method, route.path) in PUBLIC, f"{method} {route.path} is public but not listed"
        else:
            assert rule != "missing", f"{method} {route.path} is neither public nor guarded"
            assert rule.__name__ in ALLOWED, f"{method} {route.path}: unknown rule {rule.__name__}"


@pytest.mark.parametrize("role", ROLES)
def test_every_guarded_route_for_every_role_and_district(role, world, places, browsers):
    """Signed out: the login page; a rule that refuses: 403 naming nothing of the district;
    allowed: the page (a POST without its CSRF token: refused as such, never by the guard)."""
    b = browsers[role]
    wrong = {}
    for method, route in app_routes(world):
        rule = route.endpoint.rule
        if rule is None:
            continue
        if is_api(route):  # a session opens nothing of the API, whatever its role
            r = b.get(path_of(route, OWN, places[OWN])) if method == "GET" else b.post(route.path)
            if r.status_code != 401:
                wrong[f"{method} {route.path}"] = r.status_code
            continue
        for kode in (OWN, OTHER) if "kode" in route.param_convertors else (OWN,):
            path = path_of(route, kode, places[kode])
            r = b.get(path) if method == "GET" else b.post(path, csrf=False)
            if role == "tamu":
                # a GET is asked back after the login (portal.guards.login_then)
                ok = r.status_code == 303 and r.headers["location"].partition("?")[0] == "/masuk"
            elif (role, kode) not in ALLOWED[rule.__name__]:
                ok = r.status_code == 403 and REFUSED in r.text
                other = places[OTHER]
                ok = ok and other["berkas"].split("/")[1] not in r.text and other["run"] not in r.text
            elif method == "GET":
                ok = r.status_code == 200
            else:
                ok = r.status_code in (403, 404) and REFUSED not in r.text
            if not ok:
                wrong[f"{method} {path}"] = r.status_code
    assert not wrong, wrong


@pytest.mark.parametrize("role", ROLES)
def test_an_item_of_one_district_is_not_found_under_another(role, world, places, browsers):
    # every route naming an item (an upload, a submission) looks it up within the district of the
    # path: the other district's item under one's own code is "not found", for every role
    b = browsers[role]
    for method, route in app_routes(world):
        items = set(route.param_convertors) & {"id", "kiriman"}
        if method != "GET" or not items or is_api(route):
            continue
        for kode, p in ((OWN, places[OTHER]), (OTHER, places[OWN])):
            status = b.get(path_of(route, kode, p)).status_code
            if role == "tamu":
                assert status == 303
            elif role in ("lobar", "kadis") and kode == OTHER:
                assert status == 403
            else:
                assert status == 404, (route.path, status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kode", (OWN, OTHER))
def test_only_a_district_sends_and_only_into_its_own_inbox(role, kode, browsers, world):
    b = browsers[role]
    b.get("/")  # a page of the role's own, for its CSRF token
    before = sorted(p.name for p in (world.landing / kode).iterdir())
    response = b.post(
        f"/kabupaten/{kode}/unggah",
        files=[("berkas", ("matriks.csv", valid_report(SENT_BY.get(role, SENT)), "text/csv"))],
    )
    allowed = role in ("lobar", "kadis") and kode == OWN
    expected = 303 if allowed or role == "tamu" else 403
    assert response.status_code == expected
    if role == "tamu":
        assert response.headers["location"] == "/masuk"
    after = sorted(p.name for p in (world.landing / kode).iterdir())
    assert (len(after) - len(before)) == (1 if allowed else 0)


@pytest.mark.parametrize("role", ROLES)
def test_the_nightly_button_without_serve(role, browsers):
    # the admin's only; outside `ektp serve` there is no nightly to start: 404 for the admin
    b = browsers[role]
    b.get("/")
    page, press = b.http.get("/admin/nightly"), b.post("/admin/nightly")
    refused = {"tamu": 303, "lobar": 403, "kadis": 403, "prov": 403}
    if role in refused:
        assert (page.status_code, press.status_code) == (refused[role], refused[role])
    else:  # the admin reads why there is no button, and a press is not found
        assert (page.status_code, press.status_code) == (200, 404)
        assert "ektp serve" in page.text and 'action="/admin/nightly"' not in page.text
    assert b.post("/provinsi/nightly").status_code in (303, 404, 405)  # the old address starts nothing


def test_the_district_page_lists_only_its_own_uploads(places, browsers):
    page = browsers["lobar"].get(f"/kabupaten/{OWN}").text
    assert "authz 5201.csv" in page and "authz 5272.csv" not in page
    assert "authz 5272.csv" in browsers["adm"].get("/admin").text  # the admin's log has every district


def test_home_leads_each_role_to_its_page(browsers):
    assert {r: browsers[r].get("/").headers["location"] for r in ROLES} == {
        "tamu": "/masuk",
        "lobar": "/kabupaten/5201",
        "kadis": "/kabupaten/5201",
        "prov": "/provinsi",
        "adm": "/provinsi",
    }


# --- the API: every route × every credential ------------------------------------------------------

CREDENTIALS = ("none", "wrong", "revoked", "lobar", "kobi")


@pytest.fixture(scope="module")
def api_tokens(world):
    """A token of each office, and one made then revoked (tokens are per account: the revoked one
    belongs to an account of its own)."""
    path = db.path_of(world.settings)
    add_account(path, world.settings, "ktb", "kabupaten", "5208", "sandi-ktb-12345")
    revoked = tokens.create(path, "ktb")
    tokens.revoke(path, "ktb")
    return {
        "none": None,
        "wrong": "ektp_" + "A" * 43,
        "revoked": revoked,
        "lobar": tokens.create(path, "lobar"),
        "kobi": tokens.create(path, "kobi"),
    }


@pytest.mark.parametrize("credential", CREDENTIALS)
def test_every_api_route_for_every_token(credential, world, places, api_tokens, base_url):
    """Without a valid token: 401 on every API route. With an office's token: its own district's
    items, and any other district's item is not found; what it sends lands in its own inbox."""
    token = api_tokens[credential]
    headers = {"X-Forwarded-For": f"10.21.7.{CREDENTIALS.index(credential)}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    own = {"lobar": OWN, "kobi": OTHER}.get(credential)
    wrong = {}
    with web_client.client(base_url=base_url, headers=headers, timeout=120) as http:
        for method, route in app_routes(world):
            if route.endpoint.rule is None or not is_api(route):
                continue
            for kode in (OWN, OTHER):
                path = path_of(route, kode, places[kode])
                r = http.get(path) if method == "GET" else http.post(path, files={"lain": ("a", b"a")})
                if own is None:
                    ok = r.status_code == 401
                    ok = ok and places[kode]["berkas"].split("/")[1] not in r.text
                elif method == "GET":
                    ok = r.status_code == (200 if kode == own else 404)
                    ok = ok and (kode == own or places[kode]["berkas"].split("/")[1] not in r.text)
                else:
                    ok = r.status_code == 400  # past the guard: the form has no `berkas`
                if not ok:
                    wrong[f"{method} {path}"] = r.status_code
        if own is not None:
            before = {k: len(list((world.landing / k).iterdir())) for k in (OWN, OTHER)}
            sent = http.post(
                "/api/v1/kiriman", files={"berkas": ("matriks api.csv", valid_report(D3), "text/csv")}
            )
            assert sent.status_code in (201, 409), sent.text
            after = {k: len(list((world.landing / k).iterdir())) for k in (OWN, OTHER)}
            stored = 1 if sent.status_code == 201 else 0
            assert after == {k: before[k] + (stored if k == own else 0) for k in before}
    assert not wrong, wrong

"""Who may open what: every role × every route × own and other district.

A kabupaten account sees and sends only under its own code; provinsi and admin read every district
and send nothing; only admin opens /admin. Signed out, every route leads to the login page.
Refusals name nothing of the other district.
"""

from __future__ import annotations

import pytest

from tests.portal.support import D3, Browser, valid_report
from warehouse import read

ROLES = ("tamu", "lobar", "prov", "adm")  # tamu: not signed in
OWN, OTHER = "5201", "5272"  # lobar's district, and Kota Bima's


@pytest.fixture(scope="module")
def places(world, base_url):
    """One upload of each district (lobar's and kobi's), and the run receipts of the world's nightly."""
    found = {}
    for nama, kode in (("lobar", OWN), ("kobi", OTHER)):
        with Browser(base_url) as b:
            b.login(nama)
            page = b.upload(kode, (f"authz {kode}.csv", valid_report(D3)))
            assert page.status_code == 200
            kiriman = page.url.path.rsplit("/", 1)[1]
            upload_id = int(page.text.split(f"/kabupaten/{kode}/unggahan/", 1)[1].split('"', 1)[0])
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


def district_routes(kode: str, p: dict) -> list[str]:
    return [
        f"/kabupaten/{kode}",
        f"/kabupaten/{kode}/kiriman/{p['kiriman']}",
        f"/kabupaten/{kode}/unggahan/{p['id']}",
        f"/kabupaten/{kode}/unggahan/{p['id']}/tanda-terima.json",
        f"/kabupaten/{kode}/unggahan/{p['id']}/tanda-terima.txt",
        f"/kabupaten/{kode}/proses/{p['run']}.json",
        f"/kabupaten/{kode}/proses/{p['run']}.txt",
    ]


PROVINCE_ROUTES = [
    "/provinsi",
    "/provinsi/laporan",
    f"/provinsi/laporan/laporan-ektp-{D3}.html",
    f"/provinsi/laporan/laporan-ektp-{D3}.xlsx",
]
ADMIN_ROUTES = ["/admin"]


def expected_get(role: str, route: str) -> int:
    if role == "tamu":
        return 303
    if route.startswith("/kabupaten/"):
        return 200 if role in ("prov", "adm") or route.startswith(f"/kabupaten/{OWN}") else 403
    if route.startswith("/provinsi"):
        return 200 if role in ("prov", "adm") else 403
    return 200 if role == "adm" else 403


@pytest.fixture(scope="module")
def browsers(base_url):
    opened = {}
    for role in ROLES:
        b = Browser(base_url)
        if role != "tamu":
            assert b.login(role).status_code == 303
        opened[role] = b
    yield opened
    for b in opened.values():
        b.http.close()


@pytest.mark.parametrize("role", ROLES)
def test_every_get_route(role, places, browsers):
    b = browsers[role]
    routes = (
        district_routes(OWN, places[OWN])
        + district_routes(OTHER, places[OTHER])
        + PROVINCE_ROUTES
        + ADMIN_ROUTES
    )
    got = {route: b.get(route) for route in routes}
    wrong = {route: r.status_code for route, r in got.items() if r.status_code != expected_get(role, route)}
    assert not wrong, wrong
    for route, r in got.items():
        if r.status_code == 303:
            assert r.headers["location"] == "/masuk"
        if r.status_code != 200:
            # a refusal shows nothing of the district it refused
            assert places[OTHER]["berkas"].split("/")[1] not in r.text and places[OTHER]["run"] not in r.text


@pytest.mark.parametrize("role", ROLES)
def test_an_upload_of_one_district_is_not_reachable_under_another(role, places, browsers):
    # the other district's upload id under one's own code (or the reverse) is not found, for
    # every role: ids are looked up within the district of the path
    b = browsers[role]
    for kode, p in ((OWN, places[OTHER]), (OTHER, places[OWN])):
        for route in (
            f"/kabupaten/{kode}/unggahan/{p['id']}",
            f"/kabupaten/{kode}/unggahan/{p['id']}/tanda-terima.json",
            f"/kabupaten/{kode}/kiriman/{p['kiriman']}",
        ):
            status = b.get(route).status_code
            if role == "tamu":
                assert status == 303
            elif role == "lobar" and kode == OTHER:
                assert status == 403
            else:
                assert status == 404, (route, status)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kode", (OWN, OTHER))
def test_only_a_district_sends_and_only_into_its_own_inbox(role, kode, browsers, world):
    b = browsers[role]
    b.get("/")  # a page of the role's own, for its CSRF token
    before = sorted(p.name for p in (world.landing / kode).iterdir())
    response = b.post(
        f"/kabupaten/{kode}/unggah", files=[("berkas", ("matriks.csv", valid_report(D3), "text/csv"))]
    )
    allowed = role == "lobar" and kode == OWN
    expected = 303 if allowed or role == "tamu" else 403
    assert response.status_code == expected
    if role == "tamu":
        assert response.headers["location"] == "/masuk"
    after = sorted(p.name for p in (world.landing / kode).iterdir())
    assert (len(after) - len(before)) == (1 if allowed else 0)


@pytest.mark.parametrize("role", ROLES)
def test_the_nightly_button_without_serve(role, browsers):
    # outside `ektp serve` there is no nightly to start: province roles get 404, others no further
    b = browsers[role]
    b.get("/")
    status = b.post("/provinsi/nightly").status_code
    assert status == {"tamu": 303, "lobar": 403, "prov": 404, "adm": 404}[role]


def test_the_district_page_lists_only_its_own_uploads(places, browsers):
    page = browsers["lobar"].get(f"/kabupaten/{OWN}").text
    assert "authz 5201.csv" in page and "authz 5272.csv" not in page
    assert "authz 5272.csv" in browsers["adm"].get("/admin").text  # the admin's log has every district


def test_home_leads_each_role_to_its_page(browsers):
    assert {r: browsers[r].get("/").headers["location"] for r in ROLES} == {
        "tamu": "/masuk",
        "lobar": "/kabupaten/5201",
        "prov": "/provinsi",
        "adm": "/provinsi",
    }

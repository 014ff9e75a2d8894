"""The API for offices' own systems (issue #21 item 10): a per-office bearer token, the file as
multipart field `berkas`, the JSON receipt, 409 and the comparison before a replacement, the same
limits as the form, and its OpenAPI description. The authorization matrix of its routes is in
test_authz.py."""

from __future__ import annotations

import json
import re
import socket
from datetime import date

import httpx
import pytest

from portal import db, throttle, tokens
from portal.guards import API_THROTTLE_NAME
from portal.routes.api import ROUTES
from reports.receipts import FINDING_KEYS
from tests import web_client
from tests.portal.support import D2, LOMBOK_BARAT, Browser, csv_bytes, database_bytes, valid_report
from tests.uploads import KOTA_BIMA, row

# Report dates no other portal test sends for (each test its own), so the answers do not
# depend on the order tests run in.
FRESH, REPLACED, REJECTED = date(2018, 3, 10), date(2018, 3, 11), date(2018, 3, 12)


@pytest.fixture(scope="module")
def token(world):
    """Lombok Barat's and Kota Bima's tokens."""
    path = db.path_of(world.settings)
    return {"lobar": tokens.create(path, "lobar"), "kobi": tokens.create(path, "kobi")}


def client(base_url: str, token: str | None = None, address: str = "10.21.0.1") -> httpx.Client:
    headers = {"X-Forwarded-For": address}  # the loopback proxy's: each test its own address
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return web_client.client(base_url=base_url, headers=headers, timeout=120)


def send(http: httpx.Client, name: str, data: bytes, **fields: str) -> httpx.Response:
    return http.post("/api/v1/kiriman", files={"berkas": (name, data, "text/csv")}, data=fields)


def inbox(world, kode: str = "5201") -> set[str]:
    return {p.name for p in (world.landing / kode).iterdir()}


def test_a_valid_file_is_stored_and_its_receipt_answered(world, base_url, token):
    with client(base_url, token["lobar"]) as http:
        r = send(http, "siak 10 maret.csv", valid_report(FRESH))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["hasil"] == body["status"] == "loaded"
        assert body["tanggal"] == FRESH.isoformat()
        assert body["baris_kecamatan"] == len(LOMBOK_BARAT)
        assert body["kesalahan"] == 0 and body["peringatan"] == len(body["temuan"])
        assert all(set(f) == set(FINDING_KEYS) for f in body["temuan"])
        assert body["berkas"] == "5201/siak 10 maret.csv" and "siak 10 maret.csv" in inbox(world)
        assert body["keputusan"] is None  # the nightly has not run since
        # its later decision is read by its id, with the same receipt
        later = http.get(f"/api/v1/kiriman/{body['id']}")
        assert later.status_code == 200 and later.json() == body


def test_a_rejected_file_answers_every_finding(world, base_url, token):
    bad = csv_bytes(REJECTED, [row(REJECTED, "520101", 100, 900), row(REJECTED, "520102", 100, 50)])
    with client(base_url, token["lobar"]) as http:
        r = send(http, "salah.csv", bad)
    assert r.status_code == 201  # stored: the nightly stays the judge
    body = r.json()
    assert body["status"] == "rejected" and body["kesalahan"] >= 1
    (finding,) = [f for f in body["temuan"] if f["aturan"] == "rekam_melebihi_wajib"]
    assert finding["baris"] == 2 and finding["kode_kecamatan"] == "520101" and finding["tingkat"] == "error"
    assert finding["kolom"] and finding["nilai"] is not None and finding["pesan"]


def test_a_second_file_for_a_date_needs_ganti_and_an_identical_one_is_not_stored(world, base_url, token):
    complete = valid_report(REPLACED)
    partial = valid_report(REPLACED, codes=LOMBOK_BARAT[:-2], base=5_100)
    with client(base_url, token["lobar"]) as http:
        assert send(http, "api lengkap.csv", complete).status_code == 201
        before = inbox(world)

        held = send(http, "api sebagian.csv", partial)
        assert held.status_code == 409
        body = held.json()
        assert body["hasil"] == "menunggu_konfirmasi" and body["berkas"] is None
        c = body["perbandingan"]
        assert c["berkas_lama"] == "5201/api lengkap.csv" and c["keadaan_lama"] == "menunggu"
        assert (c["kecamatan_lama"], c["kecamatan_baru"]) == (len(LOMBOK_BARAT), len(LOMBOK_BARAT) - 2)
        assert c["lebih_sedikit"] is True
        assert [k["kode_kecamatan"] for k in c["hilang"]] == LOMBOK_BARAT[-2:]
        assert all(k["nama"] for k in c["hilang"])
        assert c["sudah_rekam_baru"] != c["sudah_rekam_lama"]
        assert inbox(world) == before  # nothing stored

        replaced = send(http, "api sebagian.csv", partial, ganti="ya")
        assert replaced.status_code == 201 and replaced.json()["berkas"] == "5201/api sebagian.csv"
        assert inbox(world) == before | {"api sebagian.csv"}

        again = send(http, "sebagian lagi.csv", partial, ganti="ya")
        assert again.status_code == 200
        assert again.json()["hasil"] == "sama_persis" and again.json()["berkas"] is None
        assert "sama persis dengan berkas yang sudah ada" in again.json()["alasan"]
        assert inbox(world) == before | {"api sebagian.csv"}


def test_a_file_for_a_loaded_date_is_compared_with_the_loaded_figures(world, base_url, token):
    with client(base_url, token["lobar"]) as http:
        r = send(http, "koreksi 2 april.csv", valid_report(D2, base=5_001))
    assert r.status_code == 409
    c = r.json()["perbandingan"]
    assert c["keadaan_lama"] == "dimuat" and c["kecamatan_lama"] == c["kecamatan_baru"] == len(LOMBOK_BARAT)
    assert c["sudah_rekam_baru"] - c["sudah_rekam_lama"] == len(LOMBOK_BARAT)  # one more a kecamatan
    assert c["hilang"] == [] and c["lebih_sedikit"] is False


def test_limits_are_those_of_the_form(world, base_url, token):
    before = inbox(world)
    with client(base_url, token["lobar"]) as http:
        too_big = send(http, "besar.csv", b"x" * (world.settings.upload_max_bytes + 1))
        assert too_big.status_code == 422 and too_big.json()["hasil"] == "ditolak_portal"
        pdf = send(http, "laporan.csv", b"%PDF-1.7\n" + b"0" * 100)
        assert pdf.status_code == 422 and pdf.json()["berkas"] is None
        two = http.post(
            "/api/v1/kiriman",
            files=[("berkas", ("a.csv", b"a", "text/csv")), ("berkas", ("b.csv", b"b", "text/csv"))],
        )
        assert two.status_code == 400 and "tepat satu berkas" in two.json()["galat"]
        none = http.post("/api/v1/kiriman", data={"ganti": "ya"}, files={"lain": ("a.csv", b"a", "text/csv")})
        assert none.status_code == 400
    # a declared body over the upload limit is refused before a byte of it is read
    over = 10 * world.settings.upload_max_bytes + 2 * 1024 * 1024
    with socket.create_connection((httpx.URL(base_url).host, httpx.URL(base_url).port)) as sock:
        sock.sendall(
            b"POST /api/v1/kiriman HTTP/1.1\r\nHost: portal\r\n"
            + f"Authorization: Bearer {token['lobar']}\r\nContent-Length: {over}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=b\r\n\r\n"
        )
        answer = b"".join(iter(lambda: sock.recv(4096), b""))  # the portal closes after it
        assert answer.split(b" ", 2)[1] == b"413"
    # an office's system reads this refusal as it reads the others: JSON (it was text/plain)
    head, body = answer.split(b"\r\n\r\n", 1)
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {"galat": "Kiriman terlalu besar."}
    # a POST that declares no length (and is not chunked), before any token is looked at
    with socket.create_connection((httpx.URL(base_url).host, httpx.URL(base_url).port)) as sock:
        sock.sendall(b"POST /api/v1/kiriman HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer x\r\n\r\n")
        answer = b"".join(iter(lambda: sock.recv(4096), b""))
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.split(b" ", 2)[1] == b"411" and b"content-type: application/json" in head.lower()
    assert "Content-Length" in json.loads(body)["galat"]
    assert inbox(world) == before


def test_a_token_reads_only_its_own_district(world, base_url, token):
    with client(base_url, token["kobi"]) as kobi:
        sent = send(kobi, "kobi api.csv", csv_bytes(FRESH, [row(FRESH, k, 9_000, 4_000) for k in KOTA_BIMA]))
        assert sent.status_code == 201 and sent.json()["berkas"] == "5272/kobi api.csv"
    assert "kobi api.csv" in inbox(world, "5272") and "kobi api.csv" not in inbox(world)
    with client(base_url, token["lobar"]) as lobar:
        assert lobar.get(f"/api/v1/kiriman/{sent.json()['id']}").status_code == 404
        assert lobar.get(f"/api/v1/kiriman/{2**64}").status_code == 404
        # in the API's words, as its other errors (it said Starlette's "Not Found")
        assert lobar.get("/api/v1/tidak-ada").json() == {
            "galat": "Halaman atau data ini tidak ada di portal."
        }


def test_without_a_valid_token_401(world, base_url, token):
    path = db.path_of(world.settings)
    kept = tokens.create(path, "lobar")
    token["lobar"] = kept
    revoked = tokens.create(path, "kobi")
    assert tokens.revoke(path, "kobi")
    with Browser(base_url, **{"X-Forwarded-For": "10.21.1.1"}) as signed_in:
        signed_in.login("lobar")  # a session cookie opens nothing of the API
        cookie = signed_in.http.post("/api/v1/kiriman", files={"berkas": ("a.csv", b"a", "text/csv")})
        assert cookie.status_code == 401
    for i, bad in enumerate([None, "ektp_salah", revoked, "x" * 500, kept + "x"]):
        with client(base_url, bad, address=f"10.21.2.{i}") as http:
            for r in (send(http, "a.csv", valid_report(FRESH)), http.get("/api/v1/kiriman/1")):
                assert r.status_code == 401, (bad, r.status_code)
                assert r.headers["www-authenticate"] == "Bearer" and "token" in r.json()["galat"].lower()
    with client(base_url, address="10.21.3.1") as http:  # another scheme is no token either
        r = http.get("/api/v1/kiriman/1", headers={"Authorization": f"Basic {kept}"})
        assert r.status_code == 401
    token["kobi"] = tokens.create(path, "kobi")


def test_wrong_tokens_from_one_address_are_throttled(world, base_url, token):
    path = db.path_of(world.settings)
    address = "10.21.9.9"
    # wrong tokens of other tests (the authorization matrix) count against the API as a whole and
    # would make this address wait from its first failure: start from none
    throttle.clear(path, API_THROTTLE_NAME)
    try:
        with client(base_url, "ektp_tebakan", address=address) as http:
            answers = [http.get("/api/v1/kiriman/1").status_code for _ in range(throttle.PAIR_FAILURES + 1)]
        assert answers == [401] * throttle.PAIR_FAILURES + [429]
        # the right token from that address still works (no lockout of the office)
        with client(base_url, token["lobar"], address=address) as http:
            assert http.get("/api/v1/kiriman/1").status_code in (200, 404)
    finally:
        throttle.clear(path, API_THROTTLE_NAME, address)


def test_the_openapi_description_names_every_api_route(base_url):
    r = web_client.get(base_url + "/api/v1/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routes = {(m, route.path.replace(":int", "")) for route in ROUTES for m in route.methods if m != "HEAD"}
    assert described == routes
    assert doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    post = doc["paths"]["/api/v1/kiriman"]["post"]
    assert {"201", "401", "409", "422"} <= set(post["responses"])
    assert set(FINDING_KEYS) == set(
        doc["components"]["schemas"]["TandaTerima"]["properties"]["temuan"]["items"]["properties"]
    )


def test_the_admin_makes_and_revokes_a_token_on_the_web(world, base_url, token):
    with Browser(base_url, **{"X-Forwarded-For": "10.21.4.1"}) as admin:
        admin.login("adm")
        admin.get("/admin")
        shown = admin.post("/admin/akun/lobar/token")
        assert shown.status_code == 200
        (made,) = re.findall(r'<code class="token">([^<]+)</code>', shown.text)
        assert made.startswith(tokens.PREFIX)
        with client(base_url, made, address="10.21.4.2") as http:
            assert http.get("/api/v1/kiriman/1").status_code in (200, 404)  # past the token check
        page = admin.get("/admin").text
        assert made not in page and "Cabut token" in page  # shown once, never again
        assert admin.post("/admin/akun/lobar/token/cabut").status_code == 303
        with client(base_url, made, address="10.21.4.3") as http:
            assert http.get("/api/v1/kiriman/1").status_code == 401
        # a province or admin account has no token: only offices send
        assert admin.post("/admin/akun/prov/token").status_code == 400
        log = admin.get("/admin").text
        assert "token dibuat" in log and "token dicabut" in log
    token["lobar"] = tokens.create(db.path_of(world.settings), "lobar")


def test_ektp_akun_token_prints_it_once_and_cabut_revokes_it(world, capsys):
    from ektp import cli

    path = db.path_of(world.settings)
    flags = ["--warehouse", str(world.warehouse), "--landing", str(world.landing), "--portal-db", str(path)]
    assert cli.main(["akun", "token", "kobi", *flags]) == 0
    captured = capsys.readouterr()
    printed = captured.out.strip()
    assert tokens.account(path, printed).kode_kabupaten == "5272"
    assert "tidak ditampilkan lagi" in captured.err
    assert printed.encode() not in database_bytes(path)  # stored hashed
    assert cli.main(["akun", "token", "kobi", "--cabut", *flags]) == 0
    assert tokens.account(path, printed) is None
    assert cli.main(["akun", "token", "prov", *flags]) == 2  # no token for a province account
    assert "hanya untuk akun kabupaten" in capsys.readouterr().err
    tokens.create(path, "kobi")

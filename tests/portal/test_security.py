"""The portal's defences over real HTTP: cookies, CSRF, login throttling, size limits, hostile
names and contents, and the headers every page carries."""

from __future__ import annotations

import sqlite3
from datetime import date

import httpx
import pytest

from portal import db
from tests import web_client
from tests.portal.support import CSRF, D3, Browser, add_account, database_bytes, portal, valid_report

HOSTILE = ["../x.csv", "<img src=x onerror=alert(1)>.csv", "-rf.csv"]


def set_cookie(response: httpx.Response, name: str) -> str:
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(name + "=")]
    return header


def test_session_cookie_is_httponly_strict_and_its_token_is_stored_hashed(world, base_url):
    with Browser(base_url) as b:
        login_page = b.http.get("/masuk")
        assert "HttpOnly" in set_cookie(login_page, "ektp_masuk") and "SameSite=strict" in set_cookie(
            login_page, "ektp_masuk"
        )
        b.get("/masuk")
        response = b.http.post("/masuk", data={"csrf": b.csrf, "nama": "kobi", "sandi": "sandi-kobi-1234"})
        cookie = set_cookie(response, "ektp_sesi")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # served over plain HTTP here (EKTP_SECURE_COOKIES off)
        token = b.http.cookies["ektp_sesi"]
    path = db.path_of(world.settings)
    with sqlite3.connect(path) as con:
        stored = [h for (h,) in con.execute("select token_hash from sesi")]
    assert token not in stored and token.encode() not in database_bytes(path)


def test_secure_cookies_when_served_over_https(world):
    # EKTP_SECURE_COOKIES (a TLS proxy in front): a client sends these cookies back over HTTPS
    # only, so here the login cookie is sent back by hand
    with portal(world.settings.with_flags(secure_cookies=True), warm=False) as url:
        form = web_client.get(url + "/masuk")
        assert "Secure" in set_cookie(form, "ektp_masuk")
        response = web_client.post(
            url + "/masuk",
            cookies={"ektp_masuk": form.cookies["ektp_masuk"]},
            data={"csrf": CSRF.search(form.text)[1], "nama": "kobi", "sandi": "sandi-kobi-1234"},
        )
        assert response.status_code == 303 and "Secure" in set_cookie(response, "ektp_sesi")


def test_every_page_carries_a_strict_policy(base_url):
    with Browser(base_url) as b:
        b.login("adm")
        for path in ("/masuk", "/provinsi", "/kabupaten/5201", "/admin", "/tidak-ada"):
            h = b.http.get(path).headers
            assert h["content-security-policy"].startswith("default-src 'none'; style-src 'self'")
            assert (
                "script-src" not in h["content-security-policy"]
                and "unsafe" not in h["content-security-policy"]
            )
            assert (h["x-content-type-options"], h["x-frame-options"], h["referrer-policy"]) == (
                "nosniff",
                "DENY",
                "no-referrer",
            )
        page = b.http.get("/provinsi")
        assert (
            page.headers["cache-control"] == "no-store"
            and "<script" not in page.text
            and "style=" not in page.text
        )
        # the daily report keeps its inline styles, sandboxed
        report = b.http.get(f"/provinsi/laporan/laporan-ektp-{D3}.html")
        assert report.status_code == 200 and report.headers["content-security-policy"].endswith("sandbox")


def test_a_post_without_the_right_csrf_token_does_nothing(world, base_url):
    with portal(world.settings, nightly_api="http://127.0.0.1:9/api", warm=False) as serve_url:
        for url in (base_url, serve_url):
            with Browser(url) as b:
                b.login("lobar" if url == base_url else "adm")
                landed = sorted((world.landing / "5201").iterdir())
                posts = ["/kabupaten/5201/unggah"] if url == base_url else ["/admin/nightly"]
                for path in [*posts, "/keluar"]:
                    files = (
                        [("berkas", ("csrf.csv", valid_report(D3), "text/csv"))]
                        if path.endswith("unggah")
                        else None
                    )
                    for token in (False, "salah-token"):
                        response = b.post(path, files=files, csrf=token)
                        assert response.status_code == 403, (path, token)
                        assert "Formulir kedaluwarsa" in response.text
                assert sorted((world.landing / "5201").iterdir()) == landed
                assert (
                    b.get("/").status_code == 303 and b.get("/").headers["location"] != "/masuk"
                )  # still signed in
                if url == serve_url:
                    # with its token, the button reaches for the Prefect server; this one is not there
                    b.get("/admin/nightly")
                    refused = b.post("/admin/nightly")
                    assert refused.status_code == 503 and "proses malam tidak dapat dimulai" in refused.text


def test_the_login_form_needs_its_own_cookie_token(base_url):
    with Browser(base_url) as b:
        b.get("/masuk")
        assert (
            b.http.post(
                "/masuk", data={"csrf": "lain", "nama": "kobi", "sandi": "sandi-kobi-1234"}
            ).status_code
            == 403
        )
    with Browser(base_url) as other:  # a token from another browser's form, without its cookie
        response = web_client.post(
            base_url + "/masuk",
            data={"csrf": other.get("/masuk") and other.csrf, "nama": "kobi", "sandi": "sandi-kobi-1234"},
        )
        assert response.status_code == 403


def test_signing_out_ends_the_session_and_a_new_login_gets_a_new_token(base_url):
    with Browser(base_url) as b:
        b.login("kobi")
        first = b.http.cookies["ektp_sesi"]
        assert b.post("/keluar").status_code == 303
        stolen = web_client.get(base_url + "/kabupaten/5272", cookies={"ektp_sesi": first})
        assert stolen.status_code == 303
        assert stolen.headers["location"] == "/masuk?lanjut=%2Fkabupaten%2F5272"
        b.login("kobi")
        assert b.http.cookies["ektp_sesi"] != first


def test_wrong_passwords_lock_the_account_for_that_address_only(world, base_url):
    path = db.path_of(world.settings)
    add_account(path, world.settings, "korban", "kabupaten", "5208", "sandi-korban-12")
    with Browser(base_url) as b:
        for _ in range(5):
            response = b.login("korban", "tebakan-salah")
            assert response.status_code == 401 and "Nama akun atau sandi salah" in response.text
        # locked: even the right password is refused, before it is looked at
        response = b.login("korban", "sandi-korban-12")
        assert response.status_code == 429 and "Terlalu banyak percobaan" in response.text
    # another address (through the local proxy's X-Forwarded-For) is not locked out by the first
    with Browser(base_url, **{"X-Forwarded-For": "10.1.2.3"}) as elsewhere:
        assert elsewhere.login("korban", "sandi-korban-12").status_code == 303
    # a guesser changing addresses never locks the office out (tests/portal/test_attacks.py)
    for i in range(15):
        with Browser(base_url, **{"X-Forwarded-For": f"10.9.0.{i}"}) as guesser:
            guesser.login("korban", "tebakan-salah")
    with Browser(base_url, **{"X-Forwarded-For": "10.1.2.4"}) as office:
        assert office.login("korban", "sandi-korban-12").status_code == 303
    # the lock is temporary: once its delay passed the right password works again
    with sqlite3.connect(path) as con:
        con.execute("update percobaan_masuk set pada = pada - 16 * 60 where akun = 'korban'")
    with Browser(base_url) as b:
        assert b.login("korban", "sandi-korban-12").status_code == 303


def test_an_unknown_account_fails_like_a_wrong_password(base_url):
    with Browser(base_url) as b:
        response = b.login("tidak-ada", "apa-saja-12345")
        assert response.status_code == 401 and "Nama akun atau sandi salah" in response.text


def test_hostile_names_are_stored_safely_and_shown_inert(world, base_url):
    with Browser(base_url) as b:
        b.login("lobar")
        # each its own date: a second valid file for a date waits for confirmation (issue #21)
        page = b.upload(
            "5201", *[(name, valid_report(date(2018, 2, 1 + i))) for i, name in enumerate(HOSTILE)]
        ).text
    stored = sorted(p.name for p in (world.landing / "5201").iterdir())
    assert "_img src=x onerror=alert(1)_.csv" in stored and "rf.csv" in stored and "x.csv" in stored
    assert not (world.landing / "x.csv").exists() and not (world.landing.parent / "x.csv").exists()
    assert all(not name.startswith(("-", ".")) for name in stored)
    # the name the office sent is shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;.csv" in page and "<img" not in page
    assert "../x.csv" in page and "-rf.csv" in page


def test_a_renamed_binary_or_an_html_page_is_refused_with_a_reason(world, base_url):
    with Browser(base_url) as b:
        b.login("lobar")
        before = sorted((world.landing / "5201").iterdir())
        page = b.upload(
            "5201",
            ("rekap.csv", b"%PDF-1.4\n%..."),
            ("rekap2.csv", b"<!doctype html><script>alert(1)</script>"),
            ("rekap3.xlsx", b"MZ\x90\x00program"),
        ).text
        assert sorted((world.landing / "5201").iterdir()) == before  # nothing written
        assert page.count("TIDAK DITERIMA portal") == 3
        assert "isi berkas adalah PDF, bukan CSV" in page and "halaman HTML/XML, bukan CSV" in page
        assert "bukan buku kerja XLSX (program Windows)" in page and "<script>alert" not in page


@pytest.fixture(scope="module")
def small(world):
    """A portal that takes files up to 100 KB."""
    with portal(world.settings.with_flags(upload_max_bytes=100_000)) as url:
        yield url


def test_a_file_over_the_size_limit_is_refused_and_the_rest_of_the_form_still_counts(world, small):
    with Browser(small) as b:
        b.login("lobar")
        big = valid_report(D3) + b"," * 150_000
        page = b.upload("5201", ("besar.csv", big), ("kecil.csv", valid_report(date(2018, 2, 10)))).text
    assert "lebih besar dari batas 97,7 KB" in page and "TIDAK DITERIMA portal" in page
    assert "LOLOS pemeriksaan" in page  # the small one was taken and checked
    assert (
        not (world.landing / "5201" / "besar.csv").exists()
        and (world.landing / "5201" / "kecil.csv").exists()
    )


def test_a_body_over_every_limit_is_refused_before_it_is_read(world, small):
    with Browser(small) as b:
        b.login("lobar")
        response = b.post(
            "/kabupaten/5201/unggah", files=[("berkas", ("raksasa.csv", b"1" * 2_200_000, "text/csv"))]
        )
    assert response.status_code == 413
    assert not (world.landing / "5201" / "raksasa.csv").exists()


def test_more_files_than_a_form_takes_is_a_clear_message(world, base_url):
    with Browser(base_url) as b:
        b.login("lobar")
        before = sorted((world.landing / "5201").iterdir())
        response = b.post(
            "/kabupaten/5201/unggah",
            files=[("berkas", (f"f{i}.csv", valid_report(D3), "text/csv")) for i in range(11)],
        )
    assert response.status_code == 400 and "paling banyak 10 berkas sekaligus" in response.text
    assert sorted((world.landing / "5201").iterdir()) == before


def test_an_empty_form_is_a_clear_message(base_url):
    with Browser(base_url) as b:
        b.login("lobar")
        response = b.post("/kabupaten/5201/unggah", files=[("berkas", ("", b"", "application/octet-stream"))])
    assert response.status_code == 400 and "Pilih sedikitnya satu berkas" in response.text


def test_a_bug_is_one_indonesian_page_without_its_details(base_url, monkeypatch):
    def broken(portal):
        raise RuntimeError("rahasia internal /srv/ektp")

    monkeypatch.setattr("portal.views.admin", broken)
    with Browser(base_url) as b:
        b.login("adm")
        response = b.get("/admin")
    assert response.status_code == 500 and "Terjadi galat di portal" in response.text
    assert "rahasia" not in response.text and "Traceback" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")

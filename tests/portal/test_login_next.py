"""Login returns to the page asked for, never to another site; logging out says so (issue #21
item 12)."""

from __future__ import annotations

import pytest

from portal.routes.akun import local_path
from tests.portal.support import ACCOUNTS, D3, Browser

ASKED = f"/kabupaten/5201?tanggal={D3}"


def test_a_signed_out_page_asks_for_the_login_and_returns_to_it(base_url):
    with Browser(base_url) as b:
        first = b.get(ASKED)
        assert first.status_code == 303
        login = b.get(first.headers["location"])
        assert 'name="lanjut" value="/kabupaten/5201?tanggal=2018-04-03"' in login.text
        assert "Masuk dulu untuk membuka halaman yang Anda minta" in login.text
        answer = b.http.post(
            "/masuk",
            data={"csrf": b.csrf, "nama": "lobar", "sandi": ACCOUNTS["lobar"][2], "lanjut": ASKED},
        )
        assert answer.status_code == 303 and answer.headers["location"] == ASKED
        assert b.get(ASKED).status_code == 200


@pytest.mark.parametrize(
    "lanjut",
    [
        "https://jahat.example/ambil",
        "//jahat.example/ambil",
        "/\\jahat.example/ambil",
        "\\\\jahat.example",
        "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1",
        "jahat.example",
    ],
)
def test_an_open_redirect_is_refused_and_the_login_goes_home(base_url, lanjut):
    assert local_path(lanjut) is None
    with Browser(base_url) as b:
        login = b.get("/masuk", params={"lanjut": lanjut})
        assert 'name="lanjut"' not in login.text
        answer = b.http.post(
            "/masuk", data={"csrf": b.csrf, "nama": "lobar", "sandi": ACCOUNTS["lobar"][2], "lanjut": lanjut}
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/kabupaten/5201"


def test_a_wrong_password_keeps_the_page_asked_for(base_url):
    with Browser(base_url) as b:
        b.get("/masuk", params={"lanjut": "/provinsi/laporan"})
        wrong = b.http.post(
            "/masuk",
            data={"csrf": b.csrf, "nama": "prov", "sandi": "bukan-sandinya", "lanjut": "/provinsi/laporan"},
        )
        assert wrong.status_code == 401 and 'name="lanjut" value="/provinsi/laporan"' in wrong.text
        assert b.login("prov").status_code == 303  # (the helper's own login goes home)


def test_logging_out_says_so_on_the_login_page(base_url):
    with Browser(base_url) as b:
        b.login("kobi")
        out = b.post("/keluar")
        assert out.status_code == 303 and out.headers["location"] == "/masuk?keluar=1"
        page = b.get(out.headers["location"]).text
        assert "Anda sudah keluar" in page
        assert "Anda sudah keluar" not in b.get("/masuk").text

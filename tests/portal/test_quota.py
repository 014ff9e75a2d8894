"""Each office's daily quota (issue #20 item 9): files and bytes per office per WITA day, counted
from the upload log (a restarted portal still counts them); over it the form and the API answer
429 with a sentence naming the limit and when it resets, and nothing is stored."""

from __future__ import annotations

from datetime import date

import pytest

from contract import regions
from portal import accounts, db, render, tokens
from tests import web_client
from tests.portal.support import Browser, add_account, csv_bytes, portal
from tests.uploads import row

# Districts no other portal test sends for, one a test: each starts its day at zero.
DOMPU, BIMA = "5205", "5206"


@pytest.fixture
def office(world):
    """Two office accounts of this module's own, removed afterwards."""
    path = db.path_of(world.settings)
    add_account(path, world.settings, "dompu", "kabupaten", DOMPU, "sandi-dompu-321")
    add_account(path, world.settings, "bima", "kabupaten", BIMA, "sandi-bima-4321")
    yield path
    accounts.remove(path, "dompu")
    accounts.remove(path, "bima")


def report(kode: str, n: int) -> tuple[str, bytes]:
    day = date(2018, 2, 1 + n)  # a new date each: never held, never identical
    codes = sorted(regions.load("52").kecamatan.filter(kode_kabupaten=kode)["kode_kecamatan"].to_list())
    return f"laporan {n}.csv", csv_bytes(day, [row(day, k, 10_000, 5_000 + n) for k in codes])


def inbox(world, kode: str) -> set[str]:
    folder = world.landing / kode
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_the_daily_file_quota_refuses_with_429_and_survives_a_restart(world, office):
    settings = world.settings.with_flags(upload_daily_files=3)
    with portal(settings) as url, Browser(url, **{"X-Forwarded-For": "10.20.9.1"}) as b:
        b.login("dompu", "sandi-dompu-321")
        assert "LOLOS" in b.upload(DOMPU, report(DOMPU, 1), report(DOMPU, 2)).text
        before = inbox(world, DOMPU)
        over = b.upload(DOMPU, report(DOMPU, 3), report(DOMPU, 4))
        assert over.status_code == 429
        assert "melebihi sisa kuota harian kantor ini: 1 berkas" in over.text
        assert "paling banyak 3 berkas" in over.text and "00.00 WITA" in over.text
        assert 0 < int(over.headers["retry-after"]) <= 24 * 3600
        assert inbox(world, DOMPU) == before  # nothing of the refused submission stored
        assert "LOLOS" in b.upload(DOMPU, report(DOMPU, 3)).text
    # a restarted portal counts from the upload log: the quota is still used up
    token = tokens.create(office, "dompu")
    with portal(settings, warm=False) as url, Browser(url, **{"X-Forwarded-For": "10.20.9.2"}) as b:
        b.login("dompu", "sandi-dompu-321")
        spent = b.upload(DOMPU, report(DOMPU, 5))
        assert spent.status_code == 429 and "Kuota harian kantor ini sudah habis" in spent.text
        with web_client.client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
            name, data = report(DOMPU, 6)
            answer = api.post("/api/v1/kiriman", files={"berkas": (name, data, "text/csv")})
        assert answer.status_code == 429 and "sudah habis" in answer.json()["galat"]
        assert "retry-after" in answer.headers
    assert len(inbox(world, DOMPU)) == 3


def test_the_daily_byte_quota_names_its_limit(world, office):
    first, second = report(BIMA, 1), report(BIMA, 2)
    limit = len(first[1]) + len(second[1]) // 2  # room for one file and a half
    settings = world.settings.with_flags(upload_daily_bytes=limit)
    with portal(settings) as url, Browser(url, **{"X-Forwarded-For": "10.20.9.3"}) as b:
        b.login("bima", "sandi-bima-4321")
        assert "LOLOS" in b.upload(BIMA, first).text
        over = b.upload(BIMA, second)
        assert over.status_code == 429
        assert f"{render.ukuran(limit)} per kantor per hari" in over.text
        assert f"1 berkas, {render.ukuran(len(second[1]))}" in over.text
    assert inbox(world, BIMA) == {first[0]}

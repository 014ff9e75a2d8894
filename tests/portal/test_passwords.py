"""Self-service passwords (issue #21 item 1) and the admin's log (item 2): an account changes its
own password; the admin resets one to a one-time password that must be changed at the first
login, and unlocks a throttled account; the same with `ektp akun reset|buka`; every admin action
is logged."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from ektp import cli
from portal import accounts, adminlog, db, throttle
from tests.portal.support import Browser, add_account


@pytest.fixture
def office(world):
    """An office account of this test's own, removed afterwards."""
    path = db.path_of(world.settings)
    add_account(path, world.settings, "sumbawa", "kabupaten", "5204", "sandi-sumbawa-1")
    yield path
    accounts.remove(path, "sumbawa")


def test_an_account_changes_its_own_password(world, base_url, office):
    with Browser(base_url, **{"X-Forwarded-For": "10.21.5.1"}) as b, Browser(base_url) as other:
        b.login("sumbawa", "sandi-sumbawa-1")
        other.login("sumbawa", "sandi-sumbawa-1")
        assert 'href="/akun/sandi"' in b.get("/kabupaten/5204").text
        b.get("/akun/sandi")
        wrong = b.post(
            "/akun/sandi", {"sekarang": "salah-sekali-1", "baru": "baru-sumbawa-2", "ulang": "baru-sumbawa-2"}
        )
        assert wrong.status_code == 400 and "sandi sekarang salah" in wrong.text
        differ = b.post(
            "/akun/sandi",
            {"sekarang": "sandi-sumbawa-1", "baru": "baru-sumbawa-2", "ulang": "lain-sumbawa-3"},
        )
        assert differ.status_code == 400 and "Kedua sandi baru tidak sama" in differ.text
        done = b.post(
            "/akun/sandi",
            {"sekarang": "sandi-sumbawa-1", "baru": "baru-sumbawa-2", "ulang": "baru-sumbawa-2"},
        )
        assert done.status_code == 200 and "Sandi sudah diganti" in done.text
        assert b.get("/kabupaten/5204").status_code == 200  # this session goes on
        assert other.get("/kabupaten/5204").status_code == 303  # the other one ended
    assert (
        accounts.verify(office, "sumbawa", "baru-sumbawa-2", hasher=accounts.hasher(world.settings))
        is not None
    )
    assert (
        accounts.verify(office, "sumbawa", "sandi-sumbawa-1", hasher=accounts.hasher(world.settings)) is None
    )


def test_the_admin_resets_to_a_one_time_password_that_must_be_changed(world, base_url, office):
    with Browser(base_url) as admin:
        admin.login("adm")
        admin.get("/admin")
        page = admin.post("/admin/akun/sumbawa/sandi")
        assert page.status_code == 200
        one_time = page.text.split('<code class="token">', 1)[1].split("<", 1)[0]
        assert one_time not in admin.get("/admin").text  # shown once
    with Browser(base_url, **{"X-Forwarded-For": "10.21.5.2"}) as b:
        assert b.login("sumbawa", one_time).status_code == 303
        # every page leads to the password page until it is changed
        for path in ("/kabupaten/5204", "/"):
            r = b.http.get(path)
            assert r.status_code == 303 and r.headers["location"] in ("/akun/sandi", "/kabupaten/5204")
        assert b.http.get("/kabupaten/5204").headers["location"] == "/akun/sandi"
        assert "sandi sekali pakai" in b.get("/akun/sandi").text
        changed = b.post(
            "/akun/sandi", {"sekarang": one_time, "baru": "milik-sumbawa-9", "ulang": "milik-sumbawa-9"}
        )
        assert changed.status_code == 303 and changed.headers["location"] == "/kabupaten/5204"
        assert b.get("/kabupaten/5204").status_code == 200
    assert (
        next(t["tindakan"] for t in adminlog.latest(office) if t["sasaran"] == "sumbawa") == "sandi_direset"
    )


def test_the_admin_unlocks_a_throttled_account_and_the_office_is_told_whom_to_ask(world, base_url, office):
    address = "10.21.6.1"
    with Browser(base_url, **{"X-Forwarded-For": address}) as b:
        for _ in range(throttle.PAIR_FAILURES):
            b.login("sumbawa", "tebakan-salah-1")
        refused = b.login("sumbawa", "sandi-sumbawa-1")
        assert refused.status_code == 429 and "hubungi admin portal" in refused.text
        with Browser(base_url) as admin:
            admin.login("adm")
            admin.get("/admin")
            assert admin.post("/admin/akun/sumbawa/buka").status_code == 303
            assert "akun dibuka" in admin.get("/admin").text
        assert b.login("sumbawa", "sandi-sumbawa-1").status_code == 303


def test_ektp_akun_reset_and_buka(world, office, capsys):
    flags = ["--warehouse", str(world.warehouse), "--landing", str(world.landing), "--portal-db", str(office)]
    assert cli.main(["akun", "reset", "sumbawa", *flags]) == 0
    one_time = capsys.readouterr().out.strip()
    assert (
        accounts.verify(office, "sumbawa", one_time, hasher=accounts.hasher(world.settings)).harus_ganti
        is True
    )
    for _ in range(throttle.PAIR_FAILURES):
        attempt = throttle.begin(office, "sumbawa", "10.21.6.9")
        throttle.failed(office, attempt)
    assert throttle.begin(office, "sumbawa", "10.21.6.9").until is not None
    assert cli.main(["akun", "buka", "sumbawa", *flags]) == 0
    assert "dibuka" in capsys.readouterr().out
    assert throttle.begin(office, "sumbawa", "10.21.6.9").until is None
    actions = [
        (t["oleh"].startswith("cli:"), t["tindakan"])
        for t in adminlog.latest(office)
        if t["sasaran"] == "sumbawa"
    ]
    assert actions[:2] == [(True, "akun_dibuka"), (True, "sandi_direset")]


def test_the_web_refuses_a_weak_new_password_with_what_to_do(world, base_url, office):
    with Browser(base_url, **{"X-Forwarded-For": "10.21.5.3"}) as b:
        b.login("sumbawa", "sandi-sumbawa-1")
        b.get("/akun/sandi")
        for weak, says in (("sumbawa2018", "tidak boleh nama akun"), ("aaaaaaaaaa", "diulang")):
            # deliberately weak passwords
            refused = b.post("/akun/sandi", {"sekarang": "sandi-sumbawa-1", "baru": weak, "ulang": weak})
            assert refused.status_code == 400 and says in refused.text
    assert (
        accounts.verify(office, "sumbawa", "sandi-sumbawa-1", hasher=accounts.hasher(world.settings))
        is not None
    )


def test_a_weak_password_set_before_the_policy_must_be_changed_at_login(world, base_url, office):
    # what an older portal stored: the hash of a password today's policy refuses (deliberately weak)
    weak = "password123"
    with db.connect(office) as con:
        con.execute("update akun set sandi_hash = ? where nama = 'sumbawa'", [PasswordHasher().hash(weak)])
    with Browser(base_url, **{"X-Forwarded-For": "10.21.5.4"}) as b:
        signed_in = b.login("sumbawa", weak)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/akun/sandi"
        assert b.http.get("/kabupaten/5204").headers["location"] == "/akun/sandi"
        assert "tidak memenuhi aturan sandi" in b.get("/akun/sandi").text
        changed = b.post(
            "/akun/sandi", {"sekarang": weak, "baru": "milik-sumbawa-9", "ulang": "milik-sumbawa-9"}
        )
        assert changed.status_code == 303 and changed.headers["location"] == "/kabupaten/5204"
        assert b.get("/kabupaten/5204").status_code == 200
    assert (
        accounts.verify(
            office, "sumbawa", "milik-sumbawa-9", hasher=accounts.hasher(world.settings)
        ).harus_ganti
        is False
    )

"""The portal behind Debian's nginx with deploy/nginx/ektp.conf, over HTTPS with a self-signed
certificate: an office signs in and sends a file in Chromium (Playwright); the answers carry HSTS;
a body over the portal's limit is refused by nginx before the portal sees it, one at the limit
passes; plain HTTP is sent to HTTPS; the client's own forwarding headers never reach the portal."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import httpx
import pytest

from contract.settings import Settings
from portal import db
from portal.app import upload_limit
from portal.upload import CHECK_TIMEOUT
from tests import web_client
from tests.deploy import nginx
from tests.flows.support import free_port
from tests.portal.support import TODAY, portal, valid_report

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
]
SPOOFED = "203.0.113.9"  # what a client claims to be in its own X-Forwarded-For


def shipped_body_limit() -> int:
    found = re.search(r"client_max_body_size (\d+)m;", nginx.SITE.read_text())
    assert found, "client_max_body_size in MiB"
    return int(found[1]) * 1024 * 1024


def test_nginx_refuses_what_the_portal_would_refuse_and_not_less():
    """The shipped size is the portal's own upload limit under the default settings."""
    assert shipped_body_limit() == upload_limit(Settings.load()) == 51 * 1024 * 1024


def test_nginx_waits_for_the_portal_s_own_answer_to_a_slow_check():
    # At 120 s nginx told an office "tidak menjawab" while the portal, which ends a check at
    # 300 s, still landed its files: the portal's own answer (receipts or "pemeriksaan gagal") comes first.
    found = re.search(r"proxy_read_timeout (\d+)s;", nginx.SITE.read_text())
    assert found, "proxy_read_timeout in seconds"
    assert CHECK_TIMEOUT < int(found[1]) <= CHECK_TIMEOUT + 30


@pytest.fixture
def behind_nginx(world, tmp_path, monkeypatch):
    """The world's portal (secure cookies, answering to localhost only) and nginx in front of it."""
    monkeypatch.setenv("EKTP_PORTAL_HOSTS", "localhost,127.0.0.1")  # as deploy/ektp.env
    settings = world.settings.with_flags(secure_cookies=True)
    with portal(settings) as direct:
        upstream = int(direct.rsplit(":", 1)[1])
        with nginx.running(tmp_path / "nginx", upstream, free_port(), free_port()) as proxy:
            yield proxy, direct, settings


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_an_office_signs_in_and_sends_its_file_over_https(behind_nginx, chromium, tmp_path):
    proxy, _, settings = behind_nginx
    report = tmp_path / "lap 4 april.csv"
    report.write_bytes(valid_report(TODAY))
    context = chromium.new_context(ignore_https_errors=True, extra_http_headers={"X-Forwarded-For": SPOOFED})
    page = context.new_page()

    first = page.goto(proxy.url + "/masuk")
    assert first is not None and first.status == 200
    assert first.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert first.headers["content-security-policy"].startswith("default-src 'none'")  # the portal's own
    page.fill("#nama", "lobar")
    page.fill("#sandi", "sandi-lobar-123")
    page.click("main button[type=submit]")
    page.wait_for_url(proxy.url + "/kabupaten/5201")
    cookies = {c["name"]: c for c in context.cookies()}
    session = [c for c in cookies.values() if c["httpOnly"] and c["value"]]
    assert session and all(c["secure"] for c in session)  # EKTP_SECURE_COOKIES over HTTPS

    page.set_input_files("#berkas", [str(report)])
    with page.expect_response(lambda r: r.url.endswith("/unggah")) as answer:
        page.click("main form[enctype] button[type=submit]")
    assert answer.value.headers["strict-transport-security"].startswith("max-age=")
    page.wait_for_url(proxy.url + "/kabupaten/5201/kiriman/*")
    receipt = page.locator("article.tanda-terima")
    assert receipt.count() == 1 and "LOLOS pemeriksaan" in receipt.inner_text()
    context.close()

    # The portal recorded the peer nginx saw, not what the client claimed.
    with sqlite3.connect(db.path_of(settings)) as con:
        ips = {ip for (ip,) in con.execute("select ip from unggahan where nama_asli = ?", [report.name])}
    assert ips == {"127.0.0.1"}


def test_a_body_over_the_limit_is_refused_by_nginx_and_one_at_the_limit_passes(behind_nginx):
    proxy, _, settings = behind_nginx
    limit = upload_limit(settings)
    assert limit == shipped_body_limit()

    def post(length: int, body: int) -> tuple[int, dict[str, str], bytes]:
        head = (
            "POST /kabupaten/5201/unggah HTTP/1.1\r\nHost: localhost\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n"
            "Connection: close\r\n\r\n"
        )
        return nginx.raw_request(proxy.https, head, body)

    status, headers, content = post(limit + 1, 0)  # refused from the header alone
    assert status == 413
    assert headers["server"] == "nginx"  # nginx's answer, not the portal's
    # in the portal's words (it was nginx's English "413 Request Entity Too Large")
    assert b'<html lang="id">' in content and b"Kiriman terlalu besar" in content
    assert b"Request Entity" not in content
    assert headers["strict-transport-security"].startswith("max-age=")  # `always`: errors too
    # an office's system reads it as the API's other errors
    api = (
        "POST /api/v1/kiriman HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer x\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {limit + 1}\r\n"
        "Connection: close\r\n\r\n"
    )
    status, headers, content = nginx.raw_request(proxy.https, api, 0)
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(content) == {"galat": "Kiriman terlalu besar."}

    status, headers, content = post(limit, limit)  # the whole body, sent and passed on
    assert status != 413 and status < 500
    assert b"<center>nginx</center>" not in content  # the portal answered (no session), not nginx


def test_plain_http_is_sent_to_https_and_metrics_stay_inside(behind_nginx):
    proxy, direct, _ = behind_nginx
    answer = web_client.get(f"http://127.0.0.1:{proxy.http}/masuk", headers={"Host": "localhost"})
    assert answer.status_code == 301
    assert answer.headers["location"] == "https://localhost/masuk"
    outside = httpx.get(proxy.url + "/metrics", verify=False)
    assert outside.status_code == 404
    assert web_client.get(direct + "/metrics").status_code == 200  # the monitor on this machine


def test_a_portal_that_does_not_answer_is_said_in_the_office_s_language(tmp_path):
    # nginx answered "502 Bad Gateway" in English when the portal was stopped or restarting
    dead = free_port()  # nothing listens there
    with nginx.running(tmp_path / "nginx", dead, free_port(), free_port()) as proxy:
        answer = httpx.get(proxy.url + "/kabupaten/5201", verify=False)
    assert answer.status_code == 503 and answer.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in answer.text and "Portal sedang tidak menjawab" in answer.text
    assert "Bad Gateway" not in answer.text and "<center>nginx</center>" not in answer.text
    # the HTTPS-only header of the server level still reaches this page
    assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_a_request_nginx_cannot_read_is_refused_in_the_office_s_language(tmp_path):
    # nginx answered "400 Bad Request" in English; and to a request line it could not read, once
    # given a page of its own, a 500 (a named location cannot be reached without a URI).
    with nginx.running(tmp_path / "nginx", free_port(), free_port(), free_port()) as proxy:
        for head in (
            "GET /kabupaten/5201 HTTP/1.1\r\nHost: localhost\r\nbukan judul\r\nConnection: close\r\n\r\n",
            "GET /kabupaten 5201 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            "GET /kabupaten/5201 HTTP/1.1\r\nConnection: close\r\n\r\n",  # no Host
            # a cookie over nginx's header buffers (its 494, answered as 400)
            "GET /kabupaten/5201 HTTP/1.1\r\nHost: localhost\r\nCookie: " + "a" * 10_000 + "\r\n\r\n",
        ):
            status, headers, content = nginx.raw_request(proxy.https, head)
            assert status == 400 and headers["server"] == "nginx", head
            assert headers["content-type"] == "text/html; charset=utf-8"
            assert b'<html lang="id">' in content and b"Permintaan tidak dapat dibaca" in content
            assert b"Bad Request" not in content and b"<center>nginx</center>" not in content
            assert headers["strict-transport-security"].startswith("max-age=")
        # its page asked for by name is the same page, not nginx's English 404
        status, _, content = nginx.raw_request(
            proxy.https,
            "GET /_ektp/permintaan-rusak HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        assert status == 400 and b"Permintaan tidak dapat dibaca" in content

"""Debian's nginx started by a test with deploy/nginx/ektp.conf as shipped, except where it must
point at the test: loopback ports, a self-signed certificate (openssl), its own temp folders and
logs, and the portal the test started."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SITE = PROJECT / "deploy" / "nginx" / "ektp.conf"
NGINX = "/usr/sbin/nginx"
START_TIMEOUT = 30.0


def nginx_path() -> str:
    path = shutil.which("nginx") or (NGINX if Path(NGINX).exists() else None)
    if path is None:
        pytest.fail("nginx is missing: run `make nginx` (apt-get install nginx-light)")
    return path


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and its key, made by openssl."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def replaced(text: str, old: str, new: str) -> str:
    """`text` with the one line or phrase `old` replaced: the shipped file must still hold it."""
    assert text.count(old) >= 1, f"deploy/nginx/ektp.conf no longer holds {old!r}"
    return text.replace(old, new)


def site_for_test(https: int, http: int, upstream: int, cert: Path, key: Path, logs: Path) -> str:
    site = SITE.read_text()
    for old, new in (
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("server_name portal.example.go.id;", "server_name localhost;"),
        ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream};"),
        ("/etc/ssl/ektp/fullchain.pem", str(cert)),
        ("/etc/ssl/ektp/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{logs}/"),
    ):
        site = replaced(site, old, new)
    return site


def main_config(folder: Path, site: Path) -> str:
    """nginx.conf around the site: everything nginx writes stays in `folder`."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would switch to `nobody`, who cannot enter pytest's folders.
    user = "user root root;" if os.geteuid() == 0 else ""
    return f"""{user}
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder / "access.log"};
{temp}
    include {site};
}}
"""


@dataclass(frozen=True)
class Nginx:
    https: int
    http: int
    folder: Path

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https}"


@contextmanager
def running(folder: Path, upstream: int, https: int, http: int):
    """nginx in front of the portal on 127.0.0.1:`upstream`, until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed(folder)
    site = folder / "ektp.conf"
    site.write_text(site_for_test(https, http, upstream, cert, key, folder))
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site))
    # -e: nginx's own early error log, before it has read the config (default /var/log/nginx).
    base = [nginx_path(), "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(conf)]
    test = subprocess.run([*base, "-t"], capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    process = subprocess.Popen(base, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_listening(process, https)
        yield Nginx(https, http, folder)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish answers, then exit
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise AssertionError(f"nginx stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "nginx never listened"
            time.sleep(0.05)


def raw_request(port: int, head: str, body_bytes: int = 0) -> tuple[int, dict[str, str], bytes]:
    """One HTTPS request written by hand (the declared Content-Length is the test's to choose);
    returns the status, the headers and the body of the answer."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=60) as plain:
        with context.wrap_socket(plain, server_hostname="localhost") as tls:
            tls.sendall(head.encode())
            chunk = b"\0" * (1024 * 1024)
            left = body_bytes
            try:
                while left:
                    sent = tls.send(chunk[: min(left, len(chunk))])
                    left -= sent
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # nginx answered early and closed: the answer is still there to read
            answer = b""
            try:
                while data := tls.recv(65536):
                    answer += data
            except (ConnectionResetError, ssl.SSLError):
                pass
    header, _, content = answer.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, content

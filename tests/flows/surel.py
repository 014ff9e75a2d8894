"""A real SMTP server on loopback for the reminder and digest tests: aiosmtpd, optionally with
STARTTLS on a self-signed certificate and a login; every message received, parsed."""

from __future__ import annotations

import email
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.flows.support import free_port

USER, PASSWORD = "ektp", "rahasia"


class Inbox:
    """aiosmtpd handler: every message received, parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.logins: list[bool] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        self.logins.append(ok)
        return AuthResult(success=ok)


def certificate(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "kunci.pem", folder / "sertifikat.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


@contextmanager
def smtp_server(
    folder: Path | None = None, monkeypatch: pytest.MonkeyPatch | None = None, login: bool = False
) -> Iterator[Inbox]:
    """An SMTP server on a free loopback port (`inbox.port`). With `folder` (and `monkeypatch`),
    it requires STARTTLS on a self-signed certificate made there, which the client is made to
    trust (SSL_CERT_FILE), and a login (USER, PASSWORD) over TLS; with `login` alone, a login
    without TLS (for a server in another process, which the certificate cannot be handed to)."""
    inbox = Inbox()
    inbox.port = free_port()
    tls: dict = {}
    if login:
        tls = {"authenticator": inbox.authenticate, "auth_required": True, "auth_require_tls": False}
    if folder is not None:
        assert monkeypatch is not None, "the client must be told to trust the certificate"
        key, cert = certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        tls = {
            "tls_context": context,
            "require_starttls": True,
            "authenticator": inbox.authenticate,
            "auth_require_tls": True,
        }
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **tls)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()

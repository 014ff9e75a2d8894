"""The Jinja2 templates and their filters (autoescaped: every name, cell and reason is text,
never markup), and the one function that turns a page's data into an HTML response."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from contract import formats
from contract.dates import WITA
from portal.auth import Session
from reports import jinja

TEMPLATES = Path(__file__).resolve().parent / "templates"


def jam(moment: datetime) -> str:
    """'14.05 WITA' (today) or '12 April 2018 14.05 WITA'."""
    local = moment.astimezone(WITA)
    if local.date() == datetime.now(WITA).date():
        return f"{local:%H.%M} WITA"
    return formats.waktu(moment)


def ukuran(n: int) -> str:
    """A size in bytes as an office reads it: '5 MB', '312 KB', '90 bita'."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{formats.desimal(value, 1).removesuffix(',0')} {unit}"
    return f"{n} bita"


def tampak(text: str | None) -> str:
    """A name an office sent, its control and bidirectional characters written visibly escaped
    (`rekap\\u202efdp.csv` is never shown as `rekapvsc.pdf`); CONTRACT §1."""
    return formats.visible(text) if text else ""


def environment(folder: Path) -> jinja2.Environment:
    """The portal's templates of `folder` with their filters, compiled once (reports.jinja)."""
    return jinja.environment(
        folder,
        waktu_iso=formats.waktu_iso,
        ukuran=ukuran,
        tampak=tampak,
    )


_env = environment(TEMPLATES)


def render(
    template: str, request: Request, session: Session | None, status: int = 200, **context
) -> HTMLResponse:
    """The page, with the signed-in account (None on the login and error pages) and its CSRF token."""
    html = _env.get_template(template).render(
        akun=session.akun if session else None,
        csrf_sesi=session.csrf if session else None,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)

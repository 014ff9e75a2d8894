"""What several routes share: query dates, download headers and the portal's cookies."""

from __future__ import annotations

from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from portal.state import Portal

# The pages show up to a fortnight before a date: a date near the ends of the calendar would
# overflow; no e-KTP figure lies outside these.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def date_param(request: Request, name: str) -> date | None:
    value = request.query_params.get(name)
    return parse_date(value) if value else None


def parse_date(value: str) -> date:
    """A date a page was given (a query or a form field), or the page's 400 saying why not."""
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, "Tanggal harus berbentuk TTTT-BB-HH.") from None
    if not EARLIEST <= found <= LATEST:
        raise HTTPException(400, f"Tanggal harus antara {EARLIEST} dan {LATEST}.")
    return found


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def set_cookie(response: Response, portal: Portal, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=portal.settings.secure_cookies,
    )

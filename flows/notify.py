"""Tell people: POST the run summary as JSON to a webhook. A failing webhook never fails the run."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)
# The data is already loaded when we notify: a slow receiver must not hold the run (or the
# warehouse slot) for long.
TIMEOUT_SECONDS = 10.0


def send_summary(summary, url: str | None, kind: str, timeout: float = TIMEOUT_SECONDS) -> bool:
    """POST `summary` to `url`; on failure warn on stderr and note it in `summary.catatan`."""
    if not url:
        return False
    problem = post(url, {"proses": kind, **summary.to_dict()}, timeout)
    if problem is None:
        return True
    note = f"notifikasi ke {where(url)} gagal: {problem}"
    log.warning(note)
    summary.catatan.append(note)
    return False


def post(url: str, payload: dict, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """POST `payload` as JSON; None when the receiver answered 2xx, else a one-line reason."""
    if urlsplit(url).scheme not in ("http", "https"):
        return "alamat harus http:// atau https://"
    body = json.dumps(payload, default=_plain, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "ektp-notify"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        return _one_line(exc.reason)
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed addresses
        return _one_line(exc)
    return None


def where(url: str) -> str:
    """Scheme, host and port only: webhook paths and queries often carry a secret token."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{parts.hostname or '?'}{port}"


def _one_line(reason: object) -> str:
    text = str(reason) or type(reason).__name__
    return " ".join(text.split())


def _plain(value: object) -> object:
    """JSON for what the summary holds besides plain values."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return str(value)

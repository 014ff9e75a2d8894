"""The portal's own style sheet and icon (`/static/<name>`), read once when the portal starts.

Read from disk at each request (Starlette's StaticFiles), a portal left running while a release
replaced its files served the new style sheet over the old pages, whose templates are compiled
once at start (portal/render.py). Kept in memory, a running portal serves the files of its own
code, whole, until it restarts.

Each answer carries the file's hash as its ETag and `Cache-Control: no-cache`: a browser asks
again on every page (a 304 when nothing changed) and never keeps an old release's style sheet by
its own guess of freshness, as it did from the file's modification time.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

FOLDER = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class _File:
    body: bytes
    media_type: str
    etag: str


class Static:
    """An ASGI app, mounted at /static, serving the files of `folder` as they were when it was made."""

    def __init__(self, folder: Path = FOLDER) -> None:
        self._files = {p.name: _read(p) for p in sorted(folder.iterdir()) if p.is_file()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._files.get(scope["path"].removeprefix(scope.get("root_path", "")).lstrip("/"))
        if scope["method"] not in ("GET", "HEAD"):
            response = Response(status_code=405, headers={"allow": "GET, HEAD"})
        elif found is None:
            response = Response(status_code=404)
        else:
            headers = {"etag": found.etag, "cache-control": "no-cache"}
            if found.etag in _tags(scope):
                response = Response(status_code=304, headers=headers)
            else:
                response = Response(found.body, media_type=found.media_type, headers=headers)
        await response(scope, receive, send)


def _read(path: Path) -> _File:
    body = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return _File(body, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def _tags(scope: Scope) -> set[str]:
    """The ETags of the request's If-None-Match."""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return {t.strip().removeprefix("W/") for t in value.decode("latin-1").split(",")}
    return set()

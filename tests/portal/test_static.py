"""portal/static.py: the portal's style sheet and icon, as they were when the portal started."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from portal import static
from tests import web_client


def served(folder) -> Callable[..., httpx.Response]:
    """`ask(method, path)`: the answer of a Static made now from `folder`, mounted as the portal does."""
    app = Starlette(routes=[Mount("/static", static.Static(folder))])

    async def call(method: str, path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://portal") as c:
            return await c.request(method, path)

    return lambda method, path: asyncio.run(call(method, path))


def test_a_running_portal_keeps_the_style_sheet_it_started_with(tmp_path):
    # A release replaced the files under a running portal: it served the new style sheet over
    # the old pages (whose templates it keeps: test_render.py) until it restarted.
    folder = tmp_path / "static"
    shutil.copytree(static.FOLDER, folder)
    ask = served(folder)
    before = ask("GET", "/static/portal.css")
    (folder / "portal.css").write_text("body { display: none }", encoding="utf-8")
    after = ask("GET", "/static/portal.css")
    assert (
        after.status_code == 200
        and after.content == before.content == (static.FOLDER / "portal.css").read_bytes()
    )
    assert after.headers["etag"] == before.headers["etag"]
    # the next start serves the new one, under another ETag
    restarted = served(folder)("GET", "/static/portal.css")
    assert (
        restarted.content == b"body { display: none }" and restarted.headers["etag"] != before.headers["etag"]
    )


def test_a_browser_asks_again_on_every_page_and_gets_304_when_nothing_changed(base_url):
    css = web_client.get(base_url + "/static/portal.css")
    assert css.status_code == 200 and css.content == (static.FOLDER / "portal.css").read_bytes()
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    # revalidated, never kept on a guess from the file's age (no Last-Modified to guess from)
    assert css.headers["cache-control"] == "no-cache" and "last-modified" not in css.headers
    assert css.headers["x-content-type-options"] == "nosniff"  # the portal's headers too
    same = web_client.get(base_url + "/static/portal.css", headers={"if-none-match": css.headers["etag"]})
    assert same.status_code == 304 and same.content == b""
    other = web_client.get(base_url + "/static/portal.css", headers={"if-none-match": '"lain"'})
    assert other.status_code == 200 and other.content == css.content
    icon = web_client.get(base_url + "/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_only_the_portal_s_own_files_are_served(base_url):
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/portal.css/",
        "/static/tidak-ada.css",
        "/static/",
        "/static/static.py",
    ):
        assert web_client.get(base_url + path).status_code == 404, path
    ask = served(static.FOLDER)
    answer = ask("POST", "/static/portal.css")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
    head = ask("HEAD", "/static/portal.css")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]

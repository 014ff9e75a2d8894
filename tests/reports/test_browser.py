"""The page in a real browser: Debian's headless Chromium, offline, no driver library."""

import json
import struct
from datetime import date
from pathlib import Path

import pytest

from reports.daily import write_report
from tests.browser import chromium_path
from tests.browser import run as browse

pytestmark = pytest.mark.slow  # see tests/conftest.py: left out of `make check`

D = date(2018, 4, 12)  # the fixture's report date (conftest `story`)


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_path()


@pytest.fixture(scope="module")
def page(warehouse, tmp_path_factory) -> Path:
    return write_report(warehouse, D, tmp_path_factory.mktemp("page")).html


def run(chromium: str, profile: Path, *args: str):
    return browse(profile, *args)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def page_requests(net_log: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own background calls have no origin)."""
    log = json.loads(net_log.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    begun = [e["params"] for e in log["events"] if e["type"] == start and "url" in e.get("params", {})]
    return [p["url"] for p in begun if p.get("initiator") != "not an origin"]


def test_page_renders_offline_with_charts_and_tables(chromium, page, tmp_path):
    # The DOM after load has both SVG charts and every table, escaped names, and no script.
    result = run(
        chromium,
        tmp_path / "profile",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={tmp_path / 'net.json'}",
        "--dump-dom",
        page.as_uri(),
    )
    dom = result.stdout
    assert dom.count("<svg") == 2 and dom.count("<table") >= 5
    assert "Laporan Harian Perekaman e-KTP" in dom and "tidak terhitung" in dom
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script" not in dom
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console
    assert page_requests(tmp_path / "net.json") == []


def test_screenshot_is_a_real_picture(chromium, page, tmp_path):
    # A full A4-width screenshot of several KB: text, tables and charts were painted.
    shot = tmp_path / "laporan.png"
    run(chromium, tmp_path / "profile", "--window-size=1000,2600", f"--screenshot={shot}", page.as_uri())
    assert png_size(shot) == (1000, 2600)
    assert shot.stat().st_size > 50_000

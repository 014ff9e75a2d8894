"""One world and one portal for the portal tests that only read or add their own uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.portal.support import CHROMIUM, CHROMIUM_ARGS, build_world, portal


@pytest.fixture(scope="session")
def world(tmp_path_factory, prefect_server):
    return build_world(tmp_path_factory.mktemp("portal"))


@pytest.fixture(scope="session")
def base_url(world):
    with portal(world.settings) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium through Playwright (nothing downloaded), network off. One per
    test file (a launch is ~1.5 s of CPU); each test opens a context of its own in it, so no
    cookie or storage passes from one test to the next. Not one per test process: Playwright's
    sync API keeps an asyncio loop running in the main thread while it is open, and Prefect's
    sync-or-async functions called there return coroutines instead of running (a session-scoped
    Chromium failed two later tests of the same worker: `Runner.add_flow` never awaited)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

"""One world and one portal for the portal tests that only read or add their own uploads."""

from __future__ import annotations

import pytest

from tests.portal.support import build_world, portal


@pytest.fixture(scope="session")
def world(tmp_path_factory, prefect_server):
    return build_world(tmp_path_factory.mktemp("portal"))


@pytest.fixture(scope="session")
def base_url(world):
    with portal(world.settings) as url:
        yield url

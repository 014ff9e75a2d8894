"""One small world (landing, warehouse after a nightly, portal accounts) for the deploy tests."""

from __future__ import annotations

import pytest

from tests.portal.support import build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory, prefect_server):
    return build_world(tmp_path_factory.mktemp("deploy"))

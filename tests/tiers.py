"""Which tests are slow, left out of the fast tier (`make check`): from what a test uses, never
from a marker its author must remember.

The fast tier is the tests that need neither a Prefect server, nor a portal or browser, nor a
whole corpus run. `make test` runs everything. A test is slow when it uses a fixture that starts
one of them, or when it sits in a folder whose tests do (a portal test may start a portal through
`tests/portal/support.portal` without a fixture). A file of such a folder that starts nothing
opts in (`pytestmark = pytest.mark.fast_tier`); a slow fixture still makes its tests slow."""

from __future__ import annotations

from collections.abc import Iterable

SLOW_FIXTURES = frozenset(
    {
        "prefect_db",
        "prefect_server",
        "operator_env",
        "cli_env",
        "base_url",
        "world",
        "ephemeral",
        "built",
    }
)
SLOW_FOLDERS = frozenset({"hostile", "golden", "corpus", "demo", "bench", "portal"})


def slow(folder: str, fixtures: Iterable[str], fast_tier: bool) -> bool:
    """A test in `folder` (its file's folder name) using `fixtures` (the whole closure), its file
    marked `fast_tier` or not."""
    return (folder in SLOW_FOLDERS and not fast_tier) or bool(SLOW_FIXTURES & set(fixtures))

"""tests/tiers.py: what makes a test slow (left out of `make check`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import tiers

PROJECT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("folder", "fixtures", "fast_tier", "is_slow"),
    [
        ("warehouse", ["tmp_path"], False, False),
        ("warehouse", ["tmp_path", "prefect_server"], False, True),  # a fixture that starts a server
        ("portal", ["tmp_path"], False, True),  # its folder's tests start portals
        ("portal", ["tmp_path"], True, False),  # a file that starts nothing opted in
        ("portal", ["world"], True, True),  # the opt-in does not outweigh a slow fixture
        ("flows", ["cli_env"], True, True),
    ],
)
def test_what_makes_a_test_slow(folder, fixtures, fast_tier, is_slow):
    assert tiers.slow(folder, fixtures, fast_tier) is is_slow


def test_make_check_takes_an_opted_in_portal_file_and_leaves_one_that_starts_a_portal():
    """The wiring in tests/conftest.py, as `make check` selects: a collection of two portal files."""
    files = ["tests/portal/test_db.py", "tests/portal/test_check_process.py"]
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not slow",
            *files,
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listed.returncode == 0, listed.stdout[-2000:] + listed.stderr[-2000:]
    chosen = {line.split("::")[0] for line in listed.stdout.splitlines() if "::" in line}
    assert chosen == {"tests/portal/test_db.py"}, listed.stdout[-2000:]

"""Debian's headless Chromium, offline, driven from the command line (no driver library)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    # Network off: every host name fails to resolve and any proxy connection is refused.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
]
# What a hostile payload would leave if a script of it ran (see tests/hostile/corpus.PWNED).
RAN = ("data-pwned", "<title>PWNED")


def chromium_path() -> str:
    path = shutil.which("chromium") or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        pytest.fail("Chromium is missing: run `apt-get install -y chromium` (the Makefile installs it)")
    return path


def run(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """One headless run with a fresh profile; stderr carries the page's console."""
    return subprocess.run(
        [chromium_path(), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def dom_after_scripts(profile: Path, page: Path) -> str:
    """The page's DOM once its scripts have run (and had five seconds of virtual time)."""
    return run(profile, "--virtual-time-budget=5000", "--dump-dom", page.as_uri()).stdout


def no_script_ran(dom: str) -> bool:
    return not any(mark in dom for mark in RAN)

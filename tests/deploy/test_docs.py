"""README's "Di server" and docs/server.md say what deploy/ holds: every file they name exists,
the placeholders they replace are in the files, and the figures they state are the files'."""

from __future__ import annotations

import re
from pathlib import Path

from contract.settings import Settings
from portal.app import upload_limit
from tests.deploy.units import parse

PROJECT = Path(__file__).resolve().parents[2]
README = (PROJECT / "README.md").read_text()
SERVER = (PROJECT / "docs" / "server.md").read_text()
SECTION = README.split("## Di server\n", 1)[1].split("\n## ", 1)[0]


def test_every_deploy_file_the_steps_name_exists():
    named = set(re.findall(r"(?<![\w/])deploy/[\w./-]+[\w*]", SECTION + SERVER))
    assert named, "the steps name deploy/ files"
    for name in named:
        assert list(PROJECT.glob(name)), name


def test_the_steps_replace_what_the_files_hold():
    site = (PROJECT / "deploy" / "nginx" / "ektp.conf").read_text()
    placeholder = re.search(r"sed 's/([\w.-]+)/", SECTION)
    assert placeholder and placeholder[1].replace("\\", "") in site
    env = (PROJECT / "deploy" / "ektp.env").read_text()
    assert placeholder[1].replace("\\", "") in env  # EKTP_PORTAL_HOSTS names the same host
    for path in re.findall(r"/etc/ssl/ektp/\{(\w+),(\w+)\}\.pem", SECTION)[0]:
        assert f"/etc/ssl/ektp/{path}.pem" in site


def test_the_figures_stated_are_the_files_figures():
    env = dict(
        line.split("=", 1)
        for line in (PROJECT / "deploy" / "ektp.env").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    keep = env["EKTP_CADANGAN_SIMPAN"]
    assert f"the newest {keep}" in SECTION and f"the newest {keep}" in SERVER
    assert f"{upload_limit(Settings.load()) // 2**20} MiB" in SERVER
    timer = parse(PROJECT / "deploy" / "systemd" / "ektp-cadangan.timer")
    assert timer.get("Timer", "OnCalendar").split()[1].startswith("05:00") and "05:00 WITA" in SERVER

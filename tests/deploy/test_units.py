"""The systemd units of deploy/systemd: well formed (our own reader, always), hardened as
docs/server.md says, and accepted by `systemd-analyze verify` where systemd's tools are installed
(Debian has them on every systemd machine; without them the reader's checks are the syntax check)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.units import BOOLEAN, parse

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SERVICES = [p for p in UNITS if p.suffix == ".service"]
DATA = "/var/lib/ektp"

# What every service must say: (key, value), value None = present with any non-empty value.
HARDENING = {
    "User": "ektp",
    "Group": "ektp",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ReadWritePaths": DATA,
    "StateDirectory": "ektp",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "SystemCallArchitectures": "native",
    "SystemCallFilter": "@system-service",
    "EnvironmentFile": "/etc/ektp/ektp.env",
}


def test_every_unit_file_is_well_formed():
    assert {p.name for p in UNITS} == {"ektp.service", "ektp-cadangan.service", "ektp-cadangan.timer"}
    for path in UNITS:
        unit = parse(path)
        assert unit.errors == [], unit.errors
        assert unit.get("Unit", "Description")
        for section in unit.sections.values():
            for key, values in section.items():
                if key in HARDENING and HARDENING[key] in ("yes", "no"):
                    assert values[-1] in BOOLEAN, f"{path.name}: {key}={values[-1]}"


def test_the_reader_finds_what_systemd_would_refuse(tmp_path):
    bad = tmp_path / "rusak.service"
    bad.write_text("User=ektp\n[Service]\nExecStart /bin/true\n[Sevice]\nRestart=always\n")
    errors = parse(bad).errors
    assert [e.split(": ", 1)[1] for e in errors] == [
        "User outside a section",
        "not Key=value: 'ExecStart /bin/true'",
        "bad section '[Sevice]'",
        "Restart outside a section",
    ]


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_hardened_as_its_own_user_writing_only_its_data(path):
    unit = parse(path)
    for key, value in HARDENING.items():
        assert unit.get("Service", key) == value, f"{path.name}: {key}"
    # Writable: the data folder and nothing else (ProtectSystem=strict makes the rest read-only).
    assert unit.all("Service", "ReadWritePaths") == [DATA]
    assert unit.get("Service", "UMask") == "0027"  # the portal database holds password hashes


def test_the_service_restarts_after_a_crash_and_stops_its_whole_group():
    unit = parse(DEPLOY / "systemd" / "ektp.service")
    assert unit.get("Service", "ExecStart") == "/opt/ektp/.venv/bin/ektp serve"
    assert unit.get("Service", "Restart") == "always"
    assert unit.get("Service", "RestartSec") == "10s"
    assert unit.get("Service", "KillMode") == "control-group"  # the Prefect server and flow runs too
    assert int(unit.get("Unit", "StartLimitBurst")) >= 3
    assert unit.get("Install", "WantedBy") == "multi-user.target"
    families = unit.get("Service", "RestrictAddressFamilies").split()
    assert sorted(families) == ["AF_INET", "AF_INET6", "AF_UNIX"]


def test_the_backup_runs_daily_after_the_nightly_and_keeps_no_network():
    service = parse(DEPLOY / "systemd" / "ektp-cadangan.service")
    timer = parse(DEPLOY / "systemd" / "ektp-cadangan.timer")
    assert service.get("Service", "Type") == "oneshot"
    assert service.get("Service", "ExecStart") == "/opt/ektp/deploy/cadangan-harian"
    assert service.get("Service", "PrivateNetwork") == "yes"
    calendar = timer.get("Timer", "OnCalendar")
    assert calendar == "*-*-* 05:00:00 Asia/Makassar"  # the nightly is at 02:00 WITA
    assert timer.get("Timer", "Persistent") == "true"
    assert timer.get("Install", "WantedBy") == "timers.target"


def _installed_here(tmp_path: Path) -> Path:
    """The units as installed, but pointing at this checkout (verify checks that ExecStart exists)."""
    folder = tmp_path / "units"
    folder.mkdir()
    for path in UNITS:
        (folder / path.name).write_text(path.read_text().replace("/opt/ektp", str(PROJECT)))
    return folder


def _analyze() -> str | None:
    return shutil.which("systemd-analyze")


def test_systemd_verifies_the_units(tmp_path):
    folder = _installed_here(tmp_path)
    names = [str(folder / p.name) for p in UNITS]
    if _analyze() is None:
        # No systemd tools: our reader is the syntax check (test_every_unit_file_is_well_formed).
        assert all(parse(Path(n)).errors == [] for n in names)
        return
    done = subprocess.run([_analyze(), "verify", *names], capture_output=True, text=True, cwd=folder)
    # A setting systemd cannot parse is only a warning ("ignoring"): no output at all is the bar.
    assert (done.returncode, done.stderr, done.stdout) == (0, "", "")


def test_systemd_verify_would_see_a_broken_unit(tmp_path):
    """The check above can fail: a misspelt value is reported (without systemd's tools, a line
    our reader cannot read)."""
    folder = _installed_here(tmp_path)
    unit = folder / "ektp.service"
    if _analyze() is None:
        unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystem strict"))
        assert parse(unit).errors
        return
    unit.write_text(unit.read_text().replace("ProtectSystem=strict", "ProtectSystem=ketat"))
    done = subprocess.run([_analyze(), "verify", str(unit)], capture_output=True, text=True, cwd=folder)
    assert "ProtectSystem" in done.stderr or "ketat" in done.stderr


def test_systemd_rates_the_services_exposure_low(tmp_path):
    """`systemd-analyze security` scores a unit's sandbox from 0 (locked) to 10 (open); without
    systemd's tools, the hardening keys are what test_every_service_runs_hardened... checks."""
    if _analyze() is None:
        for path in SERVICES:
            test_every_service_runs_hardened_as_its_own_user_writing_only_its_data(path)
        return
    folder = _installed_here(tmp_path)
    for path in SERVICES:
        done = subprocess.run(
            [_analyze(), "security", "--offline=true", str(folder / path.name)],
            capture_output=True,
            text=True,
            cwd=folder,
        )
        found = re.search(r"Overall exposure level for [\w.-]+: (\d+\.\d+)", done.stdout + done.stderr)
        assert found, done.stdout + done.stderr
        assert float(found[1]) <= 2.5, f"{path.name}: {found[1]}"

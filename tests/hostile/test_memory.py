"""A zip bomb and a 1-million-row CSV are refused with the process under 500 MB, measured."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.hostile import corpus

LIMIT_MB = 500
BOMBS = [c for c in corpus.CASES if c.name.startswith(("bom zip", "CSV 1 juta"))]


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    base = tmp_path_factory.mktemp("bom")
    for case in BOMBS:
        case.make(base / "landing")
    return base / "landing"


def test_both_bombs_are_in_the_corpus():
    assert len(BOMBS) == 2


@pytest.mark.parametrize("case", BOMBS, ids=lambda c: c.name)
def test_check_refuses_it_under_500_mb(landing, case, cli_env):
    # ektp check reads the file as the nightly would; the process never holds it whole
    code, peak, err = _measured(["check", str(landing / case.file), "--kabupaten", corpus.INBOX], cli_env)
    assert code == 1 and "berkas_terlalu_besar" not in err
    assert peak < LIMIT_MB, f"{peak:.0f} MB"


def test_the_nightly_rejects_both_under_500_mb(landing, tmp_path, cli_env):
    env = {**cli_env, "EKTP_TODAY": corpus.TODAY.isoformat()}
    code, peak, err = _measured(["nightly", "--date", corpus.D3.isoformat(), "--landing", str(landing),
                                 "--warehouse", str(tmp_path / "w.duckdb")], env)
    assert code == 0, err
    assert peak < LIMIT_MB, f"{peak:.0f} MB"


def _measured(args: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    """Run `ektp` in a fresh interpreter whose only child is measured: a small wrapper forks it
    and reports the child's own peak, so this test process's other children do not count."""
    wrapper = (
        "import os, resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)\n"
        "sys.stderr.write(p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
        "sys.exit(p.returncode)\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "ektp.cli", *args],
                          env=env, capture_output=True, text=True, timeout=300)
    return done.returncode, float(done.stdout.strip().splitlines()[-1]), done.stderr

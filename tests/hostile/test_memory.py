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


# Not only the sheet: a 5 MB workbook whose shared strings unpack to 1 GB once took `ektp check`
# to 1.5 GB and passed as valid. Refusing it must cost what refusing a small workbook costs: the
# baseline is the same command, in the same test, on a small workbook also refused while it is
# read (its only sheet with data is hidden), so both processes take the same path.
MB = 1024 * 1024
HEADROOM_MB = 50  # the bound holds 1 MB pieces; 50 MB is many times the noise between two runs


def test_check_of_a_shared_strings_bomb_costs_what_a_small_refused_workbook_costs(tmp_path, cli_env):
    small, bomb = tmp_path / "tersembunyi_2018-04-02.xlsx", tmp_path / "bom_teks_2018-04-02.xlsx"
    small.write_bytes(corpus._xlsx([("lama", corpus._xlsx_rows(corpus.D2), True), ("Rekap", [["catatan saja"]], False)]))
    bomb.write_bytes(corpus.swollen(corpus.report_workbook(), {"xl/sharedStrings.xml": 1024 * MB}))
    warehouse = ["--warehouse", str(tmp_path / "belum_ada.duckdb")]
    code, baseline, err = _measured(["check", str(small), "--kabupaten", corpus.INBOX, *warehouse], cli_env)
    assert code == 1, err
    code, peak, err = _measured(["check", str(bomb), "--kabupaten", corpus.INBOX, *warehouse], cli_env)
    assert code == 1, err
    assert peak < baseline + HEADROOM_MB, f"{peak:.0f} MB against {baseline:.0f} MB for the small workbook"
    assert peak < LIMIT_MB, f"{peak:.0f} MB"

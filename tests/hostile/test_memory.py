"""A zip bomb and a 1-million-row CSV are refused in bounded memory, measured against the same
command on small files in the same test; the run's own process stays lean.

Why baselines and not a bare number: a process that only imports the stack (Prefect, Polars,
DuckDB, GX when rows are validated) peaks at 160-480 MB here, depending on the command and on
how the stack's imports grow; a bare limit (once 500 MB) failed on a fresh clone at 517 MB while
the bombs themselves cost nothing. What CONTRACT §1 asks is that a
bomb is decided "by reading in bounded pieces, never by loading the file or a part whole": so
each test runs the same command on small files and on the bombs, and bounds the difference.

BOMB_EXTRA_MB: measured here (issue 18, three runs each), the bombs add 0-5 MB to `check` (160 MB
for a tiny unreadable file, 160 MB for the CSV, 165 MB for the XLSX) and 0-3 MB to the nightly
(472-474 MB for two small good files, 473-475 MB with the bombs beside them). Loading either bomb whole costs
far more: the CSV's bytes and its 1,000,000 rows as Polars strings add 167 MB before any rule
runs, the XLSX's 2,000,000-row sheet 3.5 GB in calamine (STACK-NOTES). 100 MB is twenty times
the largest difference measured and still below the cheapest whole read.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.hostile import corpus

BOMB_EXTRA_MB = 100
# Issue 18 item 7 also bounds `ektp check` on any workbook absolutely: under 500 MB. `check` peaks
# at 160-195 MB here (GX is not loaded for a file refused unread), so this keeps 2.5x headroom; the
# nightly (470 MB with GX and the report) is bounded against its baseline only.
LIMIT_MB = 500
BOMBS = [c for c in corpus.CASES if c.name.startswith(("bom zip", "CSV 1 juta"))]
# Small files of the same kinds, for the baselines: rejected unread like the bombs (for `check`),
# or good (for the nightly, whose small run then validates, loads and reports them either way).
UNREADABLE = {".csv": b"bukan,laporan\n\x00\x01\n", ".xlsx": b"PK\x03\x04 bukan zip"}
GOOD = (f"{corpus.INBOX}/baik_2018-04-02.csv", f"{corpus.INBOX}/baik_2018-04-02.xlsx")


def _good(landing) -> None:
    corpus._put(landing, GOOD[0], corpus._report(corpus.D2))
    corpus._put(landing, GOOD[1], corpus._xlsx([("Rekap", corpus._xlsx_rows(corpus.D2), False)]), minutes=1)


@pytest.fixture(scope="module")
def landings(tmp_path_factory):
    """Two landing folders: the small good files alone, and the same with both bombs beside them."""
    base = tmp_path_factory.mktemp("bom")
    _good(base / "kecil")
    _good(base / "bom")
    for case in BOMBS:
        case.make(base / "bom")
    return base / "kecil", base / "bom"


def test_both_bombs_are_in_the_corpus():
    assert len(BOMBS) == 2


@pytest.mark.parametrize("case", BOMBS, ids=lambda c: c.name)
def test_check_refuses_it_in_bounded_memory(landings, case, cli_env, tmp_path):
    # ektp check reads the file as the nightly would; the process never holds it whole: it takes
    # no more than a tiny unreadable file of the same kind (rejected unread, no rule runs either)
    bomb = landings[1] / case.file
    small = tmp_path / f"kecil{bomb.suffix}"
    small.write_bytes(UNREADABLE[bomb.suffix])
    code, baseline, err = _measured(["check", str(small), "--kabupaten", corpus.INBOX], cli_env)
    assert code == 1, err
    code, peak, err = _measured(["check", str(bomb), "--kabupaten", corpus.INBOX], cli_env)
    assert code == 1 and "berkas_terlalu_besar" not in err
    assert peak - baseline < BOMB_EXTRA_MB, f"{peak:.0f} MB against {baseline:.0f} MB for a tiny file"
    assert peak < LIMIT_MB, f"{peak:.0f} MB"


def test_the_nightly_rejects_both_in_bounded_memory(landings, tmp_path, cli_env):
    # the same nightly over two small good files, then over the same files with the bombs beside
    # them: the bombs are rejected and add no more than BOMB_EXTRA_MB
    env = {**cli_env, "EKTP_TODAY": corpus.TODAY.isoformat()}
    small, bombs = landings

    def nightly(landing, name):
        return _measured(
            [
                "nightly",
                "--date",
                corpus.D3.isoformat(),
                "--landing",
                str(landing),
                "--warehouse",
                str(tmp_path / name / "w.duckdb"),
            ],
            env,
        )

    code, baseline, err = nightly(small, "kecil")
    assert code == 0, err
    code, peak, err = nightly(bombs, "bom")
    assert code == 0, err
    assert peak - baseline < BOMB_EXTRA_MB, f"{peak:.0f} MB against {baseline:.0f} MB without the bombs"


def test_the_temporary_prefect_server_is_started_without_its_code_in_the_run(tmp_path, operator_env):
    # without PREFECT_API_URL the run starts Prefect's temporary server in a child process; the
    # run's own process does not import the server's code for it (FastAPI, SQLAlchemy, the
    # server's models: ~75 MB of an empty nightly's peak here), and the server answers
    probe = textwrap.dedent("""
        import sys, urllib.request
        from flows import environment
        environment.configure()
        from flows import runner
        with runner.shared_api(10) as url:
            with urllib.request.urlopen(url + "/health", timeout=10) as answer:
                assert answer.status == 200
        print(sorted(m for m in ("prefect.server.api.server", "fastapi", "sqlalchemy") if m in sys.modules))
    """)
    env = operator_env(tmp_path / "prefect")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


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
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "ektp.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, float(done.stdout.strip().splitlines()[-1]), done.stderr


# Not only the sheet: a 5 MB workbook whose shared strings unpack to 1 GB once took `ektp check`
# to 1.5 GB and passed as valid. Refusing it must cost what refusing a small workbook costs: the
# baseline is the same command, in the same test, on a small workbook also refused while it is
# read (its only sheet with data is hidden), so both processes take the same path.
MB = 1024 * 1024
HEADROOM_MB = 50  # the bound holds 1 MB pieces; 50 MB is many times the noise between two runs


def test_check_of_a_shared_strings_bomb_costs_what_a_small_refused_workbook_costs(tmp_path, cli_env):
    small, bomb = tmp_path / "tersembunyi_2018-04-02.xlsx", tmp_path / "bom_teks_2018-04-02.xlsx"
    small.write_bytes(
        corpus._xlsx([("lama", corpus._xlsx_rows(corpus.D2), True), ("Rekap", [["catatan saja"]], False)])
    )
    bomb.write_bytes(corpus.swollen(corpus.report_workbook(), {"xl/sharedStrings.xml": 1024 * MB}))
    warehouse = ["--warehouse", str(tmp_path / "belum_ada.duckdb")]
    code, baseline, err = _measured(["check", str(small), "--kabupaten", corpus.INBOX, *warehouse], cli_env)
    assert code == 1, err
    code, peak, err = _measured(["check", str(bomb), "--kabupaten", corpus.INBOX, *warehouse], cli_env)
    assert code == 1, err
    assert peak < baseline + HEADROOM_MB, f"{peak:.0f} MB against {baseline:.0f} MB for the small workbook"
    assert peak < LIMIT_MB, f"{peak:.0f} MB"

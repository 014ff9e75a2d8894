"""The order in which the test files reach the xdist workers: the longest first, so that the
workers finish together.

xdist (`--dist loadfile`) hands out whole files, by default those with the most tests first:
the longest files, one test of ~40 s each (the soak, the lock property, the slope guard), came
last, and one worker ran them while the other idled. `make test` turns that reordering off
(`--no-loadscope-reorder`) and this order is the collection's.

Seconds are the mean of two full runs on a slow day of this machine (2026-12-07, summed test
time per file; `python -m tests.order JUNIT.xml` lists them from a `pytest --junitxml` file). A
file not listed runs after these, in collection order: a stale figure costs minutes at worst,
never a result.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

FIRST = (
    # Builds Prefect's migrated database (tests/prefect_db.py), then the demo (tests/demo).
    "tests/demo/test_demo_history.py",  # 77 s
    # Needs no Prefect server until its last test: the other worker does not wait for the first's
    # database build.
    "tests/warehouse/test_incremental.py",  # 64 s
    # Builds the corpus's nightly (tests/corpus/corpus.py) that test_receipts and test_corpus read.
    "tests/pipeline/test_check.py",  # 40 s
    "tests/warehouse/test_concurrency.py",  # 55 s
    "tests/deploy/test_upgrade.py",  # 48 s
    "tests/ektp/test_signals.py",  # 45 s
    "tests/flows/test_serve_server.py",  # 45 s
    "tests/flows/test_kunci_property.py",  # 43 s
    "tests/hostile/test_soak.py",  # 42 s
    "tests/hostile/test_memory.py",  # 42 s
    "tests/flows/test_validation_process.py",  # 41 s
    "tests/warehouse/test_store.py",  # 40 s
    "tests/bench/test_slope_guard.py",  # 39 s
    "tests/warehouse/test_repair.py",  # 38 s
    "tests/flows/test_dask_runner.py",  # 34 s
    "tests/ektp/test_failures_one_line.py",  # 32 s
    "tests/flows/test_backfill.py",  # 32 s
    "tests/portal/test_a11y.py",  # 30 s
    "tests/flows/test_kunci.py",  # 30 s
    "tests/flows/test_nightly.py",  # 29 s
    "tests/flows/test_failures.py",  # 26 s
    "tests/flows/test_receipts_owed.py",  # 26 s
    "tests/flows/test_arrival.py",  # 26 s
    "tests/portal/test_check_process.py",  # 25 s
    "tests/hostile/test_inert.py",  # 24 s
    "tests/flows/test_many_files.py",  # 24 s
    "tests/warehouse/test_publish.py",  # 22 s
    "tests/deploy/test_nginx.py",  # 22 s
    "tests/portal/test_attacks.py",  # 22 s
    "tests/warehouse/test_katalog.py",  # 21 s
    "tests/hostile/test_hostile.py",  # 20 s
    "tests/warehouse/test_asof.py",  # 20 s
    "tests/flows/test_pengingat.py",  # 19 s
    "tests/portal/test_persetujuan_browser.py",  # 18 s
    "tests/landing/test_csvbatch.py",  # 17 s
    "tests/reports/test_forecast_property.py",  # 17 s
    "tests/portal/test_persetujuan.py",  # 16 s
    "tests/portal/test_riwayat.py",  # 15 s
    "tests/warehouse/test_compaction.py",  # 13 s
    "tests/portal/test_browser.py",  # 13 s
    "tests/flows/test_serve_stops.py",  # one serve since 2026-12-08: 11-48 s under load (its start)
    "tests/golden/test_golden.py",  # 13 s
    "tests/portal/test_laporan_sesuai.py",  # 13 s
    "tests/portal/test_concurrency.py",  # 13 s
)


def ordered(items: list[pytest.Item], root: str) -> list[pytest.Item]:
    """`items` with the files of FIRST first, in its order; the others after, as collected."""
    rank = {path: i for i, path in enumerate(FIRST)}

    def key(item: pytest.Item) -> int:
        return rank.get(item.path.relative_to(root).as_posix(), len(FIRST))

    return sorted(items, key=key)  # stable: a file's tests keep their order


def seconds_per_file(junit: str) -> Counter[str]:
    """Summed test time of each test file in a pytest --junitxml report."""
    found: Counter[str] = Counter()
    for case in ET.parse(junit).getroot().iter("testcase"):
        parts = (case.get("classname") or "").split(".")
        last = min((i for i, p in enumerate(parts) if p.startswith("test_")), default=len(parts) - 1)
        found["/".join(parts[: last + 1]) + ".py"] += float(case.get("time") or 0)
    return found


if __name__ == "__main__":
    for path, seconds in seconds_per_file(sys.argv[1]).most_common(40):
        print(f'    "{path}",  # {seconds:.0f} s')

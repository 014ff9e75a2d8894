"""The daily report written N times in one process, from a warehouse that exists (the demo's).

    python -m bench.report WAREHOUSE DATE [N]   # e.g. data/demo/warehouse.duckdb 2018-04-30 10

Time it as a whole process, beside the same command in another checkout, and read the difference
per report: (B - A) / N. The first report pays the imports; the others are what a nightly pays.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path


def main(argv: list[str]) -> int:
    from reports.daily import write_report

    warehouse, day = Path(argv[0]), date.fromisoformat(argv[1])
    times = int(argv[2]) if len(argv) > 2 else 10
    with tempfile.TemporaryDirectory() as out:
        for _ in range(times):
            write_report(warehouse, day, Path(out), date(2018, 6, 1), "52")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""One process validating for several warehouses in turn, as a test worker's validation child
does (expectations/engine.py: one GX context per process, its Data Docs site pointed at each
run's folder when its docs are built).

    .venv/bin/python -m bench.gx_warehouses [--warehouses 12]

Each warehouse gets one validator: the upload suites on two rows (one kecamatan the region codes
do not know, so a rule fails), then its Data Docs. Run it with farm-bench against a checkout of
another commit to compare (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from expectations import uploads
from expectations.engine import Validator
from tests.expectations.test_uploads import batch, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouses", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for i in range(args.warehouses):
            validator = Validator(Path(folder) / str(i) / "data_docs")
            validator.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
            validator.build_docs()


if __name__ == "__main__":
    main()

"""The stack's bare start-up: import Prefect, GX, Polars and DuckDB, run an empty flow (ephemeral).

Run as its own process (`python -m bench.bare`) with the same environment as the pipeline, so
that its wall time and peak RSS are the floor any `ektp` run stands on. Prints one JSON line with
the time each step took, measured inside the process.
"""

from __future__ import annotations

import json
import time

T0 = time.perf_counter()

from flows import environment as quiet  # noqa: E402  (the pipeline's own environment: offline, quiet)

quiet.configure()


def main() -> int:
    steps = {}
    t = time.perf_counter()
    import duckdb  # noqa: F401
    import polars  # noqa: F401

    steps["import_polars_duckdb"] = time.perf_counter() - t
    t = time.perf_counter()
    import great_expectations  # noqa: F401

    steps["import_gx"] = time.perf_counter() - t
    t = time.perf_counter()
    from prefect import flow

    steps["import_prefect"] = time.perf_counter() - t

    @flow(name="leer", log_prints=False)
    def leer() -> int:
        return 0

    t = time.perf_counter()
    leer()
    steps["empty_flow"] = time.perf_counter() - t
    steps["total_in_process"] = time.perf_counter() - T0
    print(json.dumps({k: round(v, 3) for k, v in steps.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

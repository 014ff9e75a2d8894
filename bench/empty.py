"""An empty nightly's memory (issue 23: peak <= 300 MB): `ektp nightly` over a landing folder
whose every file is already decided, on a copy of the demo's warehouse.

    make demo
    .venv/bin/python -m bench.empty [--demo data/demo] [--runs 3] [--date 2018-04-30]

Each run is measured by bench/measure.py (the process tree's sampled sum, and each process's own
high-water mark by what it runs), in two set-ups, alternated run by run:
- `sendiri`: a lone run, which starts Prefect's temporary server for itself (part of its tree);
- `server`: the run reports to a Prefect server already running, as under `ektp serve` or with
  PREFECT_API_URL set (the deployment's way, deploy/); that server is not part of the run.
The copy's first nightly repairs it (its catalog names the demo folder's files) and is not
measured. Prints one JSON line per run, then the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import measure

PROJECT = Path(__file__).resolve().parents[1]


def nightly(folder: Path, day: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "ektp.cli",
        "nightly",
        "--date",
        day,
        "--landing",
        str(folder / "landing"),
        "--warehouse",
        str(folder / "warehouse.duckdb"),
    ]


def copy_of(demo: Path, into: Path) -> Path:
    """The demo's warehouse, landing folder and receipts, copied; no lock or trace files."""
    shutil.copytree(demo, into, ignore=shutil.ignore_patterns("*.lock", "jejak-proses.json"))
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=PROJECT / "data" / "demo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--date", default="2018-04-30")
    args = parser.parse_args(argv)
    if not (args.demo / "warehouse.duckdb").exists():
        print(f"{args.demo}/warehouse.duckdb tidak ada: jalankan `make demo` dulu", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="ektp-bench-empty-") as tmp:
        home = Path(tmp) / "prefect"
        os.environ["PREFECT_HOME"] = str(home)
        os.environ.pop("PREFECT_API_URL", None)
        from flows import environment
        from flows.runner import TemporaryServer

        environment.configure()
        folder = copy_of(args.demo, Path(tmp) / "demo")
        env = {**os.environ, "EKTP_MIN_AGE_SECONDS": "0"}
        repair = measure.run("repair", nightly(folder, args.date), env=env, cwd=PROJECT)
        if repair.returncode != 0:
            print(repair.stderr[-2000:], file=sys.stderr)
            return 1
        server = TemporaryServer()
        url = server.start()
        results: dict[str, list[measure.Measured]] = {"sendiri": [], "server": []}
        try:
            for _ in range(args.runs):
                for setup, extra in (("sendiri", {}), ("server", {"PREFECT_API_URL": url})):
                    done = measure.run(setup, nightly(folder, args.date), env={**env, **extra}, cwd=PROJECT)
                    if done.returncode != 0:
                        print(done.stderr[-2000:], file=sys.stderr)
                        return 1
                    results[setup].append(done)
                    print(json.dumps(_figures(done)), flush=True)
        finally:
            server.stop()
    for setup, runs in results.items():
        print(
            json.dumps(
                {
                    "setup": setup,
                    "median_tree_mb": round(statistics.median(r.tree_rss_mb for r in runs), 1),
                    "median_run_process_mb": round(
                        statistics.median(r.peaks_mb.get("ektp.cli", 0) for r in runs), 1
                    ),
                    "median_wall_s": round(statistics.median(r.wall for r in runs), 2),
                }
            )
        )
    return 0


def _figures(done: measure.Measured) -> dict:
    return {
        "setup": done.label,
        "wall_s": round(done.wall, 2),
        "tree_mb": round(done.tree_rss_mb, 1),
        "peaks_mb": {role: round(mb, 1) for role, mb in sorted(done.peaks_mb.items())},
    }


if __name__ == "__main__":
    sys.exit(main())

"""A cProfile of one real run, as a short text: where a nightly spends its time.

    python -m bench.profile national      # 514 kabupaten: 15 days backfilled, then day 16's nightly profiled
    python -m bench.profile LANDING WAREHOUSE --date D [--provinsi all]   # any nightly

Runs the real command (`ektp.cli.main`, in this process) under cProfile, Prefect's temporary
server included as the operator's first run has it, and prints the top functions by inclusive
time: the project's own, and the library entry points they reach. py-spy (bench/flame.py) sees
the child processes too; cProfile needs nothing outside the project's dependencies. The text
kept in bench/profile-nightly.txt is `python -m bench.profile national`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import time
from datetime import timedelta
from pathlib import Path

from bench import gen

PROJECT = Path(__file__).resolve().parents[1]
OURS = r"/(contract|landing|transforms|expectations|warehouse|reports|pipeline|flows|ektp)/.*\.py"


def national(out: Path, days: int = 15) -> tuple[Path, Path, str]:
    """Every kabupaten, `days` days backfilled into a warehouse, the next day's files waiting."""
    from ektp import cli

    landing, warehouse = out / "landing", out / "gudang" / "ektp.duckdb"
    shutil.rmtree(out, ignore_errors=True)
    kabupaten = gen.pick(None)
    gen.write_landing(landing, kabupaten, days)
    last = (gen.START + timedelta(days=days - 1)).isoformat()
    argv = ["-q", "backfill", "--from", gen.START.isoformat(), "--to", last, "--provinsi", "all"]
    if cli.main([*argv, "--landing", str(landing), "--warehouse", str(warehouse)]) != 0:
        raise SystemExit("bench.profile: the backfill failed")
    gen.write_landing(landing, kabupaten, 1, first_day=days)
    return landing, warehouse, (gen.START + timedelta(days=days)).isoformat()


def profile(landing: Path, warehouse: Path, tanggal: str, provinsi: str, top: int) -> str:
    from ektp import cli

    argv = ["-q", "nightly", "--date", tanggal, "--provinsi", provinsi]
    argv += ["--landing", str(landing), "--warehouse", str(warehouse)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    code = cli.main(argv)
    profiler.disable()
    wall = time.perf_counter() - started
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(OURS, top)
    lines = [line.replace(str(PROJECT) + "/", "") for line in text.getvalue().splitlines() if line.strip()]
    head = [
        f"`ektp nightly --date {tanggal} --provinsi {provinsi}` (exit {code}): {wall:.1f} s wall "
        "under cProfile, imports included; the project's functions by inclusive (cumulative) time.",
        f"Load average at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}.",
        "",
    ]
    return "\n".join(head + [line for line in lines if not line.startswith(("   Ordered", "   List"))])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    p.add_argument("landing", help="a landing folder, or `national` to build one under bench/out/profile")
    p.add_argument("warehouse", nargs="?", type=Path)
    p.add_argument("--date", dest="tanggal")
    p.add_argument("--provinsi", default="all")
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args(argv)
    os.environ["EKTP_MIN_AGE_SECONDS"] = "0"
    if args.landing == "national":
        landing, warehouse, tanggal = national(PROJECT / "bench" / "out" / "profile")
    else:
        landing, warehouse, tanggal = Path(args.landing), args.warehouse, args.tanggal
    print(profile(landing, warehouse, tanggal, args.provinsi, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

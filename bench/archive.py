"""The landing archive a night scans: what a nightly does with every file ever sent.

    python -m bench.archive WAREHOUSE [--keep]

The landing folder is the archive backfills replay (CONTRACT §1): files are never moved or deleted,
so a real night lists and stats every file ever sent, then reads the ledger rows of the paths it
found and compares their stat, before it reads a single new file. `bench.history` runs its nights on
copies whose landing folder holds only the night's files; this measures the rest. It makes a
landing folder beside the warehouse with an empty file at every path the warehouse's ledger knows
(empty: a file's size does not change a stat, and the archive's blocks would fill the disk) and
times, in this process, best of three:

- `scan_s`: `pipeline.runs.scan` (`landing.inbox.listing`: GNU find lists and stats every file,
  its output parsed as frames);
- `ledger_s`: `warehouse.read.known_files` over the paths found, on the writer's working file;
- `compare_s`: `pipeline.runs.unseen`, against the ledger rows with their stats set to the files
  made (on a real night every archived file's stat is the one its ledger row recorded, and only
  the night's files are unseen; the made files' stats match no synthetic ledger stat, and every
  file unseen would be read).

Prints one JSON line. The folder is removed after (`--keep` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPEAT = 3
T = TypeVar("T")


def make(landing: Path, paths: list[str]) -> None:
    """An empty file at every ledger path under `landing` (their folders made once each)."""
    shutil.rmtree(landing, ignore_errors=True)
    made: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        if folder not in made:
            os.makedirs(landing / folder, exist_ok=True)
            made.add(folder)
        os.close(os.open(landing / path, os.O_CREAT | os.O_WRONLY, 0o644))


def measure(warehouse: Path, keep: bool = False) -> dict:
    """Make the archive of `warehouse`'s ledger beside it and time the night's first steps on it."""
    import duckdb

    from contract import regions
    from contract.settings import Settings
    from pipeline import runs
    from warehouse import publish, read

    work = publish.folder_of(warehouse) / "kerja.duckdb"
    landing = warehouse.parent / "arsip-landing"
    with duckdb.connect(str(work), read_only=True) as con:
        paths = [f for (f,) in con.execute("select distinct file from unggahan order by file").fetchall()]
        started = time.perf_counter()
        make(landing, paths)
        made_s = time.perf_counter() - started
        try:
            settings = Settings.load(landing=landing, warehouse=warehouse, provinsi="all", min_age_seconds=0)
            reference = regions.load(settings.provinsi)
            scan_s, (found, _) = best(lambda: runs.scan(settings, reference))
            ledger_s, known = best(lambda: read.known_files(con, found["file"]))
            recorded = as_recorded(known, found)
            compare_s, unseen = best(lambda: runs.unseen(found, recorded))
        finally:
            if not keep:
                shutil.rmtree(landing, ignore_errors=True)
    return {
        "files": found.height,
        "known": known.height,
        "unseen": len(unseen),
        "made_s": round(made_s, 2),
        "scan_s": round(scan_s, 3),
        "ledger_s": round(ledger_s, 3),
        "compare_s": round(compare_s, 3),
        "total_s": round(scan_s + ledger_s + compare_s, 3),
    }


def as_recorded(known, found):
    """The ledger rows with the stat of the file made at their path, as the ledger of a folder
    whose files were all decided holds them."""
    import polars as pl

    stat = found.select(
        "file",
        ukuran="size",
        diubah_pada_ns="mtime_ns",
        diubah_status_ns="ctime_ns",
        inode=pl.col("inode"),
    )
    return known.drop("ukuran", "diubah_pada_ns", "diubah_status_ns", "inode").join(stat, on="file")


def best(step: Callable[[], T], repeat: int = REPEAT) -> tuple[float, T]:
    """The fastest of `repeat` runs of `step` (other processes on a shared machine only add time)."""
    started = time.perf_counter()
    result = step()
    fastest = time.perf_counter() - started
    for _ in range(repeat - 1):
        started = time.perf_counter()
        result = step()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.splitlines()[0])
    p.add_argument("warehouse", type=Path)
    p.add_argument("--keep", action="store_true", help="keep the landing folder made")
    args = p.parse_args(argv)
    print(json.dumps(measure(args.warehouse.resolve(), args.keep)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Does the warehouse grow without bound from swaps and deletes? (issue 13, housekeeping)

    python -m bench.footprint [--runs 100] [--no-write]

Runs the pipeline's flows `--runs` times in one process on NTB-shaped data (10 districts, one file
each a day): every run a new day's nightly; every 5th also a district's corrected file for two days
before, every 7th a district's file four days late, every 10th a backfill over the last week. Then
it writes a backup of the result (`ektp cadangan`: the same rows, written once) and publishes it as
a warehouse of its own: a fresh rebuild of the same data. It compares the bytes on disk of the two
(the writer's working file, the catalog, the Parquet partitions the catalog names, and the files
replaced within the grace period). Goal: <= 1.2x the fresh rebuild.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bench import run
from bench.disk import footprint
from bench.run import PROJECT, log

BEGIN, END = "<!-- footprint:begin -->", "<!-- footprint:end -->"
TARGET = 1.2
START = date(2018, 1, 1)
WITA = timezone(timedelta(hours=8))
HEADER = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam,sudah_cetak"
DISTRICTS = ("5201", "5202", "5203", "5204", "5205", "5206", "5207", "5208", "5271", "5272")


def day_files(
    landing: Path, day: date, district: str | None = None, name: str | None = None, base: int = 5_000
) -> None:
    """The day's file of every district (or of one, under `name`): sudah_rekam rises 10 a day."""
    from contract import regions

    kecamatan = regions.load("52").kecamatan
    n = (day - START).days
    sent = datetime.combine(day + timedelta(days=1), datetime.min.time(), WITA) + timedelta(hours=7)
    for kab in [district] if district else DISTRICTS:
        codes = sorted(kecamatan.filter(kecamatan["kode_kabupaten"] == kab)["kode_kecamatan"].to_list())
        lines = [HEADER] + [
            f"{day},{k},,{10_000 + 100 * i},{base + i + 10 * n},{10_000 + 100 * i - base - i - 10 * n},0"
            for i, k in enumerate(codes)
        ]
        path = landing / kab / (name or f"lap_{day}.csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
        os.utime(path, (sent.timestamp(), sent.timestamp()))


def runs(out: Path, count: int) -> tuple[Path, list[dict]]:
    from contract.settings import Settings
    from flows.backfill import backfill
    from flows.nightly import nightly

    landing, warehouse = out / "landing", out / "gudang" / "warehouse.duckdb"
    settings = Settings.load(
        landing=landing, warehouse=warehouse, min_age_seconds=0, hari_ini=START + timedelta(days=count + 1)
    )
    trail = []
    for i in range(count):
        day = START + timedelta(days=i)
        day_files(landing, day)
        if i % 5 == 4:  # a district corrects its file of two days before
            day_files(landing, day - timedelta(days=2), DISTRICTS[i % 10], f"koreksi_{i}.csv", base=5_100)
        if i % 7 == 6:  # a district's file four days late (a second file for that day)
            day_files(
                landing, day - timedelta(days=4), DISTRICTS[(i + 3) % 10], f"susulan_{i}.csv", base=5_050
            )
        t = time.perf_counter()
        nightly(tanggal=day, settings=settings)
        if i % 10 == 9:
            backfill(start=day - timedelta(days=6), end=day, settings=settings)
        trail.append({"run": i + 1, "s": round(time.perf_counter() - t, 2), **footprint(warehouse)})
        if i % 10 == 9:
            log(f"run {i + 1}: {trail[-1]}")
    return warehouse, trail


def rebuilt(warehouse: Path, out: Path) -> Path:
    """The same data written once: a backup, published as a warehouse of its own."""
    from warehouse import cadangan, store

    fresh = out / "baru" / "warehouse.duckdb"
    fresh.parent.mkdir(parents=True)
    cadangan.write(warehouse, fresh)
    with store.writing(fresh):
        pass  # the writer converts a whole DuckDB file and publishes it
    return fresh


def main(argv: list[str] | None = None) -> int:
    from flows import environment

    environment.configure()

    p = argparse.ArgumentParser(prog="python -m bench.footprint", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=100)
    p.add_argument("--out", type=Path, default=PROJECT / "bench" / "out" / "footprint")
    p.add_argument("--no-write", action="store_true")
    args = p.parse_args(argv)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    started = time.perf_counter()
    warehouse, trail = runs(args.out, args.runs)
    fresh = rebuilt(warehouse, args.out)
    after, new = footprint(warehouse), footprint(fresh)
    live = {k: after[k] for k in ("katalog", "kerja", "bagian")}
    ratio_kerja = after["kerja"] / new["kerja"]
    ratio_live = sum(live.values()) / sum(new[k] for k in live)
    fig = {
        "runs": args.runs,
        "after": after,
        "fresh": new,
        "ratio_kerja": round(ratio_kerja, 2),
        "ratio_live": round(ratio_live, 2),
        "total_s": round(time.perf_counter() - started),
        "trail": trail,
    }
    (args.out / "results.json").write_text(json.dumps(fig, indent=2))
    text = table(fig)
    print(text)
    if not args.no_write:
        run.write_results(text, BEGIN, END, "## Housekeeping: the warehouse after 100 runs (issue 13)")
    return 0


def table(fig: dict) -> str:
    mb = lambda n: f"{n / 2**20:.2f}"  # noqa: E731
    a, f = fig["after"], fig["fresh"]
    first = fig["trail"][0]
    return "\n".join(
        [
            f"Measured with `.venv/bin/python -m bench.footprint --runs {fig['runs']}` ({fig['total_s']} s).",
            "",
            "| bytes on disk, MB | after run 1 | after the last run "
            "| fresh rebuild of the same data | ratio |",
            "|---|---|---|---|---|",
            f"| writer's working file | {mb(first['kerja'])} | {mb(a['kerja'])} | {mb(f['kerja'])} "
            f"| {fig['ratio_kerja']}x |",
            f"| catalog | {mb(first['katalog'])} | {mb(a['katalog'])} | {mb(f['katalog'])} | |",
            f"| partitions the catalog names | {mb(first['bagian'])} | {mb(a['bagian'])} "
            f"| {mb(f['bagian'])} | |",
            f"| all three | | {mb(a['kerja'] + a['katalog'] + a['bagian'])} "
            f"| {mb(f['kerja'] + f['katalog'] + f['bagian'])} "
            f"| {fig['ratio_live']}x |",
            f"| replaced partitions within the grace period (removed {72} h after their replacement) | | "
            f"{mb(a['bagian_lama'])} | {mb(f['bagian_lama'])} | |",
            "",
            f"Goal <= {TARGET}x: working file {'met' if fig['ratio_kerja'] <= TARGET else '**not met**'}, "
            f"all three {'met' if fig['ratio_live'] <= TARGET else '**not met**'}.",
        ]
    )


if __name__ == "__main__":
    raise SystemExit(main())

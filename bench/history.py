"""A warehouse that lives for years (issue 13): does a night cost what arrived, or everything behind it?

    python -m bench.history [--quick] [--sizes 30,365,1095] [--no-write]

Builds one national warehouse and grows it: day 0 by the pipeline (`ektp nightly --provinsi all`,
which loads the regions and makes the marts), then the further days directly, as `bench/year.py`
does (the figures the files would have held, journal, marts brought up to date, published by the
pipeline's writer), in chunks of at most a year. At each history size it measures, side by side,
on a copy of the warehouse (catalog and folder):

- the national nightly of the next day: 514 new files, `ektp nightly --provinsi all`;
- a one-district one-day backfill: a re-sent file of one kabupaten for three days before,
  `ektp backfill --from D --to D --kabupaten K --provinsi all`;
- the analysts' queries (bench.queries: its own and every README query), after both runs;
- the warehouse's bytes on disk (catalog, working file, partitions named, partitions replaced);
- the landing archive (bench.archive): the copy's landing folder holds only the night's files, but
  a real one keeps every file ever sent, which a night lists, stats and compares with the ledger
  first; timed on a folder with a file at every ledger path, and added to the nightly in the goal
  "the nightly plus its scan of the landing archive".

Goals: on top of 3 years each run costs <= 1.3x the same run on top of 30 days; the 3-year
nightly's flow process <= 1 GB peak RSS; the README's queries < 100 ms on 3 years. The figures go
between the `history` markers of bench/RESULTS.md (unless --quick or --no-write).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import gen, measure, run
from bench.disk import footprint
from bench.run import PROJECT, PY, RESULTS, checked, environment, log, machine, row

BEGIN, END = "<!-- history:begin -->", "<!-- history:end -->"
TARGET_RATIO = 1.3
TARGET_RSS_MB = 1024.0
TARGET_QUERY_MS = 100.0
CHUNK_DAYS = 365


def grow(warehouse: Path, kabupaten: list[str], first_day: int, last_day: int) -> list[dict]:
    """Add days first_day..last_day, a year at a time, each in a spawned process (bench/run.py says why)."""
    from bench import year

    steps = []
    start = first_day
    while start <= last_day:
        end = min(start + CHUNK_DAYS - 1, last_day)
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            steps.append(
                {"days": [start, end], **pool.submit(year.extend, warehouse, kabupaten, start, end).result()}
            )
        log(f"  days {start}..{end} added: {steps[-1]}")
        start = end + 1
    return steps


def measure_size(env: dict[str, str], out: Path, base: Path, kabupaten: list[str], days: int) -> dict:
    """The nightly of day `days`, a one-district backfill of day `days - 3`, the queries, the bytes."""
    from bench import year

    where = out / f"riwayat-{days}"
    shutil.rmtree(where, ignore_errors=True)
    warehouse, landing = where / "warehouse.duckdb", where / "landing"
    where.mkdir(parents=True)
    year.copy_warehouse(base, warehouse)
    result: dict = {"days": days, "before": footprint(warehouse)}
    gen.write_landing(landing, kabupaten, 1, first_day=days)
    day = gen.START + timedelta(days=days)
    nightly = [
        PY,
        "-m",
        "ektp.cli",
        "nightly",
        "--date",
        day.isoformat(),
        "--provinsi",
        "all",
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    ]
    result["nightly"] = row(
        checked(measure.run(f"nightly-{days}", nightly, env=env, cwd=PROJECT)), files=len(kabupaten)
    )
    district = "5201" if "5201" in kabupaten else kabupaten[0]
    gen.write_landing(landing, [district], 1, first_day=days - 3)
    resent = gen.START + timedelta(days=days - 3)
    backfill = [
        PY,
        "-m",
        "ektp.cli",
        "backfill",
        "--from",
        resent.isoformat(),
        "--to",
        resent.isoformat(),
        "--kabupaten",
        district,
        "--provinsi",
        "all",
        "--landing",
        str(landing),
        "--warehouse",
        str(warehouse),
    ]
    result["backfill"] = row(
        checked(measure.run(f"backfill-{days}", backfill, env=env, cwd=PROJECT)), kabupaten=district
    )
    kecamatan = "520101" if district == "5201" else gen.region().kecamatan[district][0][0]
    queries = [
        PY,
        "-m",
        "bench.queries",
        str(warehouse),
        "--date",
        (gen.START + timedelta(days=days // 2)).isoformat(),
        "--kecamatan",
        kecamatan,
    ]
    result.update(checked(measure.run(f"queries-{days}", queries, env=env, cwd=PROJECT)).json_line())
    result["after"] = footprint(warehouse)
    # The landing archive a real night scans (every file the ledger knows), which this copy's landing
    # folder, with the night's files only, does not hold (bench/archive.py).
    archive = [PY, "-m", "bench.archive", str(warehouse)]
    result["archive"] = checked(measure.run(f"archive-{days}", archive, env=env, cwd=PROJECT)).json_line()
    return result


def summarise(fig: dict) -> dict:
    sizes = fig["sizes"]
    first, last = sizes[0], sizes[-1]
    worst = {
        s["days"]: max((q.get("first_ms", 0) for q in s.get("queries", {}).values()), default=None)
        for s in sizes
    }
    with_archive = [s["nightly"]["wall_s"] + s.get("archive", {}).get("total_s", 0.0) for s in (first, last)]
    return {
        "nightly_ratio": round(last["nightly"]["wall_s"] / first["nightly"]["wall_s"], 2),
        "nightly_with_archive_ratio": round(with_archive[1] / with_archive[0], 2),
        "backfill_ratio": round(last["backfill"]["wall_s"] / first["backfill"]["wall_s"], 2),
        "nightly_max_rss_mb": last["nightly"]["max_rss_mb"],
        "slowest_query_ms": worst,
    }


def _mb(n: int) -> str:
    return f"{n / 2**20:,.1f}"


def _archive(a: dict) -> str:
    if not a:
        return "-"
    return f"{a['files']:,} / {a['scan_s']} + {a['ledger_s']} + {a['compare_s']} = {a['total_s']}"


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(fig: dict) -> str:
    s, m = fig["summary"], fig["machine"]
    sizes = fig["sizes"]
    lines = [
        f"Measured {fig['started']} ({fig['mode']} mode, {fig['kabupaten']} kabupaten, "
        f"{fig['total_s']:.0f} s in all) "
        "with `.venv/bin/python -m bench.history`.",
        "",
        f"Machine: {m.get('cpu', '?')}, {m['nproc']} CPUs; load average at start {m['loadavg_start']}, "
        f"at end {fig['loadavg_end']} (the machine is shared).",
        "",
        f"| history | kecamatan rows "
        f"| national nightly ({fig['kabupaten']} files) wall s / flow RSS MB / tree RSS MB "
        "| one-district one-day backfill wall s / flow RSS MB | slowest query, first run ms "
        "| catalog / working file / partitions / replaced MB "
        "| landing archive: files / scan + ledger rows + comparison s |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        n, b, a = size["nightly"], size["backfill"], size["after"]
        worst: tuple[str, dict] = max(
            size.get("queries", {}).items(), key=lambda kv: kv[1].get("first_ms", 0), default=("-", {})
        )
        lines.append(
            f"| {size['days']} days | {size.get('kecamatan_rows', '-'):,} "
            f"| {n['wall_s']:.1f} / {n['max_rss_mb']:.0f} / {n['tree_rss_mb']:.0f} "
            f"| {b['wall_s']:.1f} / {b['max_rss_mb']:.0f} | {worst[1].get('first_ms', '-')} ({worst[0]}) "
            f"| {_mb(a['katalog'])} / {_mb(a['kerja'])} / {_mb(a['bagian'])} / {_mb(a['bagian_lama'])} "
            f"| {_archive(size.get('archive', {}))} |"
        )
    last = sizes[-1]["days"]
    worst_last = (
        s["slowest_query_ms"][str(last)]
        if str(last) in s["slowest_query_ms"]
        else s["slowest_query_ms"][last]
    )
    lines += [
        "",
        "| goal | value | met |",
        "|---|---|---|",
        f"| nightly on {last} days <= {TARGET_RATIO}x the same on {sizes[0]['days']} days "
        f"| {s['nightly_ratio']}x "
        f"| {_yes(s['nightly_ratio'] <= TARGET_RATIO)} |",
        f"| the nightly plus its scan of the landing archive on {last} days <= {TARGET_RATIO}x the same "
        f"on {sizes[0]['days']} days | {s['nightly_with_archive_ratio']}x "
        f"| {_yes(s['nightly_with_archive_ratio'] <= TARGET_RATIO)} |",
        f"| backfill on {last} days <= {TARGET_RATIO}x the same on {sizes[0]['days']} days "
        f"| {s['backfill_ratio']}x "
        f"| {_yes(s['backfill_ratio'] <= TARGET_RATIO)} |",
        f"| the {last}-day nightly's flow process <= 1 GB peak RSS | {s['nightly_max_rss_mb']:.0f} MB "
        f"| {_yes(s['nightly_max_rss_mb'] <= TARGET_RSS_MB)} |",
        f"| every analyst query < {TARGET_QUERY_MS:.0f} ms on {last} days (first run) | {worst_last} ms "
        f"| {_yes(worst_last is not None and worst_last < TARGET_QUERY_MS)} |",
        "",
        f"Queries on {last} days (first run / median of 5, ms): "
        + "; ".join(
            f"{k} {v.get('first_ms', v.get('error'))} / {v.get('median_ms', '-')}"
            for k, v in sizes[-1].get("queries", {}).items()
        )
        + ".",
    ]
    return "\n".join(lines)


def write_results(text: str) -> None:
    run.write_results(text, BEGIN, END, "## A warehouse that lives for years (issue 13)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.history", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="20 kabupaten, sizes 30,90: for development")
    p.add_argument("--sizes", help="history sizes in days (default 30,365,1095; --quick 30,90)")
    p.add_argument("--out", type=Path, default=PROJECT / "bench" / "out" / "history")
    p.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = p.parse_args(argv)
    started = time.perf_counter()
    kabupaten = gen.pick(20 if args.quick else None)
    sizes = sorted(int(d) for d in (args.sizes or ("30,90" if args.quick else "30,365,1095")).split(","))
    out = (args.out / "quick" if args.quick else args.out).resolve()
    shutil.rmtree(out / "basis", ignore_errors=True)
    (out / "basis").mkdir(parents=True)
    env = environment(out)
    fig: dict = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "kabupaten": len(kabupaten),
        "machine": machine(),
        "sizes": [],
        "grow": [],
    }

    def save() -> None:
        (out / "results.json").write_text(json.dumps(fig, indent=2, default=str))

    log(f"day 0 of {len(kabupaten)} kabupaten by the pipeline")
    base, landing0 = out / "basis" / "warehouse.duckdb", out / "basis" / "landing"
    gen.write_landing(landing0, kabupaten, 1)
    checked(
        measure.run(
            "day-0",
            [
                PY,
                "-m",
                "ektp.cli",
                "nightly",
                "--date",
                gen.START.isoformat(),
                "--provinsi",
                "all",
                "--landing",
                str(landing0),
                "--warehouse",
                str(base),
            ],
            env=env,
            cwd=PROJECT,
        )
    )
    built = 1
    for days in sizes:
        log(f"growing the history to {days} days")
        fig["grow"] += grow(base, kabupaten, built, days - 1)
        built = days
        log(f"measuring on {days} days of history")
        size = measure_size(env, out, base, kabupaten, days)
        size["kecamatan_rows"] = sum(len(gen.region().kecamatan[k]) for k in kabupaten) * days
        fig["sizes"].append(size)
        log(f"  nightly {size['nightly']['wall_s']:.1f} s, backfill {size['backfill']['wall_s']:.1f} s")
        save()
    fig["loadavg_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    fig["total_s"] = time.perf_counter() - started
    fig["summary"] = summarise(fig)
    save()
    text = table(fig)
    print(text)
    if not args.quick and not args.no_write:
        write_results(text)
        log(f"written to {RESULTS.relative_to(PROJECT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

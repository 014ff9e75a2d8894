"""Wall-clock seconds of each step of a backfill, run in one thread without Prefect.

    python -m bench.stages LANDING WAREHOUSE [--provinsi all] [--from D --to D]

The same functions the `backfill` flow wires as tasks (flows/backfill.py, flows/common.py), in
the same order, each timed: it tells where the pipeline's slope goes without a profiler's
overhead. Prints one JSON line: {"stage": seconds, ..., "files": n, "rss_mb": peak}.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

from flows import environment as quiet

quiet.configure()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stages")
    p.add_argument("landing", type=Path)
    p.add_argument("warehouse", type=Path)
    p.add_argument("--provinsi", default="all")
    p.add_argument("--from", dest="start", type=date.fromisoformat, default=date(2011, 1, 1))
    p.add_argument("--to", dest="end", type=date.fromisoformat, default=date(2030, 1, 1))
    args = p.parse_args(argv)
    times: dict[str, float] = {}

    memory: dict[str, float] = {}

    @contextmanager
    def step(name: str):
        t = time.perf_counter()
        yield
        times[name] = round(times.get(name, 0.0) + time.perf_counter() - t, 3)
        # Peak so far after each step: where the process's high-water mark was reached.
        memory[name] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    with step("import"):
        import polars as pl

        from contract import regions as references
        from contract.settings import Settings
        from expectations.engine import Validator
        from pipeline import batch as batches
        from pipeline import runs
        from reports import receipts
        from warehouse import marts, read, store

    settings = Settings.load(
        landing=args.landing, warehouse=args.warehouse, provinsi=args.provinsi, min_age_seconds=0
    )
    with step("reference"):
        ref = references.load(settings.provinsi)
    validator = Validator(settings.data_docs)
    with store.writing(settings.warehouse) as session:
        with step("scan"):
            known = read.known_files(session.con)
            ready, _ = runs.scan(settings, ref)
            chosen = runs.in_range(ready, known, args.start, args.end, None)
        with step("read_parse"):
            uploads = batches.read_uploads(chosen, settings.hari_ini)
        take = [u for u in uploads if u.parsed.tanggal and args.start <= u.parsed.tanggal <= args.end]
        with step("assemble"):
            assembled = batches.assemble(take)
        with step("gx_upload_rules"):
            checked = batches.validate(assembled, ref, validator)
        with step("decide"):
            errors = batches.error_files(checked).with_columns(has_error=pl.lit(True))
            files = checked.files.join(errors, on="file_id", how="left").with_columns(
                pl.col("has_error").fill_null(False)
            )
            from transforms.decisions import decide

            files = decide(files)
        # runs.write, split into its parts.
        from datetime import datetime

        from transforms import ledger
        from warehouse import journal

        con = session.con
        con.execute("begin")
        with step("load_reference"):
            store.load_reference(con, ref)
            before = marts.bounds(con)
        with step("history_gx"):
            history = runs.history_warnings(con, checked, files, validator)
        with step("ledger"):
            findings = pl.concat([checked.findings, history])
            now = datetime.now(UTC)
            unggahan = ledger.unggahan(files, findings, "bench", now)
            kualitas = ledger.kualitas_data(files, findings, "bench")
            riwayat = ledger.riwayat(files, checked.rows, "bench", now)
        with step("duckdb_load"):
            journal.keep_figures(con, files)
            store.replace_files(
                con, files.select("file", "sha256", "kode_kabupaten", "tanggal"), unggahan, kualitas, riwayat
            )
        with step("journal"):
            journal.record(con, "bench", now)
        with step("marts"):
            groups = files.select("kode_kabupaten", "tanggal")
            marts.refresh(con, marts.changes(groups, before, marts.bounds(con), ref.kabupaten_codes_sorted))
        with step("commit"):
            con.execute("commit")
        with step("publish"):
            session.publish()
    outcome = runs.Outcome(files, findings, unggahan, kualitas, validator.runs)
    with step("receipts"):
        receipts.write_all(settings.receipts, outcome, "bench")
    with step("data_docs"):
        validator.build_docs()
    times["files"] = len(take)
    times["rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(times))
    print(json.dumps({"peak_mb_after": memory}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

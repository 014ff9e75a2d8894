"""What the parser costs per file, step by step, on files of a landing folder.

    python -m bench.parse bench/out/landing-15 [--files 4000]

Reads the files first (I/O is not counted), then times the per-file reader (decode, delimiter,
csv: `landing.records.read_records`) and the batch parser (`transforms.uploads.parse_uploads`, in
chunks of `pipeline.batch.PACK_FILES` files as the pipeline does), and what a run calls,
`pipeline.batch.parse_files`, which reads plain CSVs together (`landing.csvbatch`); prints ms per file.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from landing.records import read_records
from pipeline.batch import PACK_FILES, parse_files
from transforms.uploads import parse_uploads


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.parse")
    p.add_argument("landing", type=Path)
    p.add_argument("--files", type=int, default=4000)
    args = p.parse_args(argv)
    paths = sorted(args.landing.rglob("*.csv"))[: args.files]
    if not paths:
        p.error(f"no .csv file under {args.landing}")
    items = [(path.name, path.read_bytes()) for path in paths]
    today = date.today()
    parse_uploads([(n, read_records(n, d)) for n, d in items[:20]], today)  # warm up
    t = time.perf_counter()
    records = [(name, read_records(name, data)) for name, data in items]
    read = time.perf_counter() - t
    t = time.perf_counter()
    for start in range(0, len(records), PACK_FILES):
        parse_uploads(records[start : start + PACK_FILES], today)
    parse = time.perf_counter() - t
    parse_files(items[:20], today)  # warm up
    t = time.perf_counter()
    for start in range(0, len(items), PACK_FILES):
        parse_files(items[start : start + PACK_FILES], today)
    batch = time.perf_counter() - t
    per = 1000 / len(items)
    print(
        f"{len(items)} files: read {read * per:.3f} ms a file, parse {parse * per:.3f} ms a file, "
        f"together {(read + parse) * per:.3f} ms a file; parse_files {batch * per:.3f} ms a file"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A sketch, not used by the pipeline: what parsing costs per file when Polars runs once per batch.

The parser today (ektp/readers.py + transforms/uploads.py) builds a Polars frame per file and runs
~40 Polars calls on it: ~6 ms a file whatever its size, 95 % of the pipeline's slope. This sketch
keeps the per-file work in plain Python (decode, csv, header row, column mapping, title and
file-name dates: what is cheap there) and does every cell-level step (codes, kinds of row,
dates, counts, the JUMLAH sums, the per-file date agreement) in one Polars pass over the rows of
the whole batch, per-file aggregates with `.over("file_id")`. It reuses the parser's own
expressions and helpers, so the cell rules are the same; findings are only flagged, not worded.

    python -m bench.sketch_batched_parse bench/out/landing-15 [--files 2000]

prints the per-file cost of today's parser and of the sketch on the same files.
"""

from __future__ import annotations

import argparse
import csv
import io
import time
from datetime import date
from pathlib import Path

import polars as pl

from ektp.readers import decode_text, detect_delimiter
from ektp.schema import ALIASES, COUNT_COLUMNS
from transforms import uploads as up

CANONICAL = tuple(ALIASES)  # tanggal, kode_kecamatan, nama_kecamatan, six counts


def split_file(file_id: int, name: str, data: bytes, sink: dict[str, list]) -> dict:
    """Plain Python per file: cells of the canonical columns go to `sink`; returns the file's facts."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text))
    records = [(i + 1, r) for i, r in enumerate(reader) if any(c.strip() for c in r)]
    head = records[: up.MAX_TITLE_LINES + 1]
    scores = [up.count_known_columns(r) for _, r in head]
    best = max(scores, default=0)
    if best < 2:
        return {"file_id": file_id, "unreadable": True}
    at = scores.index(best)
    line, header = head[at]
    columns: dict[str, int] = {}
    for j, cell in enumerate(header):
        canonical = up.canonical_column(cell)
        if canonical and canonical not in columns:
            columns[canonical] = j
    others = [j for j in range(len(header)) if j not in columns.values()]
    titles = [d for _, r in records[:at] for d in up.dates_in_text(" ".join(c for c in r if c))]
    idx = [columns.get(c) for c in CANONICAL]
    for number, record in records[at + 1 :]:
        width = len(record)
        sink["file_id"].append(file_id)
        sink["baris"].append(number)
        for name_, j in zip(CANONICAL, idx):
            cell = record[j] if j is not None and j < width else ""
            sink[name_].append(cell or None)
        sink["_label_jumlah"].append(any(
            record[j].strip().strip(":. ").lower() in ("jumlah", "total") for j in others if j < width))
    return {"file_id": file_id, "unreadable": False, "header_line": line, "columns": columns,
            "title_date": titles[0] if titles else None, "name_dates": up.dates_in_file_name(name)}


def parse_batch(items: list[tuple[str, bytes]]) -> tuple[list[dict], pl.DataFrame]:
    sink: dict[str, list] = {k: [] for k in ("file_id", "baris", *CANONICAL, "_label_jumlah")}
    facts = [split_file(i, name, data, sink) for i, (name, data) in enumerate(items)]
    wide = pl.DataFrame(sink, schema={"file_id": pl.Int64, "baris": pl.Int64, **dict.fromkeys(CANONICAL, pl.String),
                                      "_label_jumlah": pl.Boolean})
    counted = up._IS_KECAMATAN | (pl.col("_jenis") == "tanpa_kode")
    rows = (
        wide.with_columns(*up._CLASSIFY, up._PARSED_DATE)
        .with_columns(
            *[up.parse_count(pl.col(c)).alias(f"_n_{c}") for c in COUNT_COLUMNS],
        )
        .with_columns(
            # Per file, as the per-file parser computes them per frame.
            *[pl.col(f"_n_{c}").filter(counted).sum().over("file_id").alias(f"_sum_{c}") for c in COUNT_COLUMNS],
            *[((pl.col(c).str.strip_chars().fill_null("") != "") & pl.col(f"_n_{c}").is_null())
              .alias(f"_bad_{c}") for c in COUNT_COLUMNS],
            pl.col("_tanggal").filter(up._IS_KECAMATAN).drop_nulls().n_unique().over("file_id").alias("_tanggal_beda"),
        )
    )
    return facts, rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.sketch_batched_parse")
    p.add_argument("landing", type=Path)
    p.add_argument("--files", type=int, default=2000)
    args = p.parse_args(argv)
    paths = sorted(p_ for p_ in args.landing.rglob("*.csv"))[: args.files]
    items = [(p_.name, p_.read_bytes()) for p_ in paths]
    from ektp.parsing import parse_file

    today = date.today()
    for name, data in items[:20]:  # warm both
        parse_file(name, data, today)
    parse_batch(items[:20])
    t = time.perf_counter()
    for name, data in items:
        parse_file(name, data, today)
    today_ms = 1000 * (time.perf_counter() - t) / len(items)
    t = time.perf_counter()
    facts, rows = parse_batch(items)
    sketch_ms = 1000 * (time.perf_counter() - t) / len(items)
    t = time.perf_counter()
    sink: dict[str, list] = {k: [] for k in ("file_id", "baris", *CANONICAL, "_label_jumlah")}
    for i, (name, data) in enumerate(items):
        split_file(i, name, data, sink)
    python_ms = 1000 * (time.perf_counter() - t) / len(items)
    kinds = rows.get_column("_jenis").value_counts().sort("_jenis").rows()
    print(f"{len(items)} files, {rows.height} rows ({kinds})")
    print(f"today's parser (parse_file per file): {today_ms:.3f} ms a file")
    print(f"batched sketch: {sketch_ms:.3f} ms a file, of which per-file Python {python_ms:.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

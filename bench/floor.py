"""The physical floor: Python's `csv` module reading every row of every landing file.

`python -m bench.floor LANDING` prints one JSON line: files, rows and the seconds spent reading,
measured inside the process. Nothing is checked, converted or kept: this is what reading the
bytes and splitting them into cells costs in Python, the least any Python pipeline must pay.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time


def read_all(landing: str) -> tuple[int, int]:
    files = rows = 0
    for root, dirs, names in os.walk(landing):
        dirs.sort()
        for name in sorted(names):
            with open(os.path.join(root, name), "rb") as fh:
                text = fh.read().decode("utf-8")
            header = text[: text.find("\n")]
            delimiter = ";" if header.count(";") > header.count(",") else ","
            for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                rows += 1
            files += 1
    return files, rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    t = time.perf_counter()
    files, rows = read_all(argv[0])
    print(json.dumps({"files": files, "rows": rows, "seconds": round(time.perf_counter() - t, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Summarise a py-spy `--format raw` profile (collapsed stacks): where the samples went.

    uvx py-spy record --subprocesses -r 100 -f raw -o prof.txt -- .venv/bin/python -m ektp.cli backfill ...
    .venv/bin/python -m bench.flame prof.txt

Prints, per process, the inclusive share of samples of the project's functions and of a few
library entry points (imports, GX, Prefect engine), so that a run's time splits into steps.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

# A frame as py-spy writes it: `function (path/to/file.py:line)`.
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
PROJECT = (
    "contract/",
    "landing/",
    "transforms/",
    "expectations/",
    "warehouse/",
    "reports/",
    "pipeline/",
    "flows/",
    "ektp/",
    "bench/",
)


def parse(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for raw in path.read_text(errors="replace").splitlines():
        if not raw.strip():
            continue
        text, _, count = raw.rpartition(" ")
        try:
            n = int(count)
        except ValueError:
            continue
        stacks.append((text.split(";"), n))
    return stacks


def label(frame: str) -> str:
    """`pipeline/batch.py:read_upload` for the project's frames, `polars:select` for a library's."""
    m = _FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    file = m["file"].split("site-packages/", 1)[-1]  # py-spy already shortens most paths
    if file.startswith(PROJECT):
        return f"{file}:{m['func']}"
    if "/" in file and not file.startswith(("/", "<")):
        return f"{file.split('/', 1)[0]}:{m['func']}"
    return f"{Path(file).name}:{m['func']}"


def summarise(stacks: list[tuple[list[str], int]], top: int = 45) -> str:
    by_process: dict[str, list[tuple[list[str], int]]] = defaultdict(list)
    for frames, n in stacks:
        head = frames[0] if frames and frames[0].startswith("process") else "process"
        by_process[head].append((frames, n))
    out = []
    for process, items in sorted(by_process.items(), key=lambda kv: -sum(n for _, n in kv[1])):
        total = sum(n for _, n in items)
        inclusive: Counter[str] = Counter()
        imports = 0
        for frames, n in items:
            labels = {label(f) for f in frames}
            for lab in labels:
                inclusive[lab] += n
            if any("_find_and_load" in f for f in frames):
                imports += n
        out.append(f"== {process[:100]}: {total} samples")
        out.append(f"   {'(all imports: _find_and_load)':<70} {100 * imports / total:5.1f} %")
        shown = 0
        for lab, n in inclusive.most_common():
            if not any(lab.startswith(p) for p in PROJECT):
                continue
            out.append(f"   {lab:<70} {100 * n / total:5.1f} %")
            shown += 1
            if shown >= top:
                break
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    for name in argv:
        print(summarise(parse(Path(name))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

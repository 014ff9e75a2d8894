"""Where a real run spends its time and memory, stage by stage.

    python -m bench.stages LANDING WAREHOUSE [--provinsi all] [--date D | --from D --to D]

Runs the real flow (`nightly`, or `backfill` with --from/--to) in this process, through
`ektp.cli.main` as an operator would, with a progress reporter that notes the time and the RSS at
each boundary the pipeline itself reports (read, validate, load; contract/progress.py), and a
sampler that notes where in our code the process was when its RSS reached each new high. Prints
one JSON line: seconds and RSS (MB) per stage, the peak and the code it was reached in.
Nothing of the pipeline is re-implemented here: a change to the flows is measured as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import traceback
from pathlib import Path

from flows import environment as quiet

quiet.configure()

ROOT = str(Path(__file__).resolve().parents[1])


def rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def our_frames(frame) -> str:
    """The innermost frames of our own code in a stack (libraries left out)."""
    ours = [
        f
        for f in traceback.extract_stack(frame)
        if f.filename.startswith(ROOT) and "/.venv/" not in f.filename and "/bench/" not in f.filename
    ]
    return " <- ".join(f"{f.filename[len(ROOT) + 1 :]}:{f.lineno} {f.name}" for f in reversed(ours[-3:]))


class Watch:
    """The peak RSS and the code the other threads were in when it was reached (every 20 ms)."""

    def __init__(self) -> None:
        self.peak, self.where = rss_mb(), ""
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        me = threading.get_ident()
        while True:
            now = rss_mb()
            if now > self.peak:
                stacks = [our_frames(f) for tid, f in sys._current_frames().items() if tid != me]
                # the thread doing the work has the deepest stack of our code (not a watchdog's)
                self.peak, self.where = now, max(stacks, key=lambda s: s.count(" <- "), default=self.where)
            time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stages")
    p.add_argument("landing", type=Path)
    p.add_argument("warehouse", type=Path)
    p.add_argument("--provinsi", default="all")
    p.add_argument("--date", dest="tanggal")
    p.add_argument("--from", dest="start")
    p.add_argument("--to", dest="end")
    args = p.parse_args(argv)

    from contract import progress
    from ektp import cli

    watch, started = Watch(), time.perf_counter()
    marks: dict[str, dict[str, float]] = {}

    class Stages(progress.Reporter):
        def _note(self, key: str) -> None:
            marks[key] = {"s": round(time.perf_counter() - started, 2), "rss_mb": rss_mb()}

        def expect(self, stage: str, amount: int) -> None:
            marks.setdefault(f"{stage}_mulai", {})
            self._note(f"{stage}_mulai")

        def advance(self, stage: str, amount: int) -> None:
            self._note(f"{stage}_selesai")

    progress.install(Stages())
    progress.install = lambda reporter: reporter  # the CLI's bars would replace ours
    common = ["--landing", str(args.landing), "--warehouse", str(args.warehouse), "--provinsi", args.provinsi]
    if args.start:
        command = ["-q", "backfill", "--from", args.start, "--to", args.end or args.start, *common]
    else:
        command = ["-q", "nightly", *(["--date", args.tanggal] if args.tanggal else []), *common]
    code = cli.main(command)
    marks["selesai"] = {"s": round(time.perf_counter() - started, 2), "rss_mb": rss_mb()}
    print(
        json.dumps({"kode_keluar": code, "tahap": marks, "puncak_mb": watch.peak, "puncak_di": watch.where})
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

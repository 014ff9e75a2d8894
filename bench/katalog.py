"""A publication's catalog, carried forward from the last one or written whole (warehouse/katalog.py).

    python -m bench.katalog setup OUT [DAYS]   # NTB's 10 kabupaten over DAYS days (default 30), one nightly
    python -m bench.katalog carry OUT [N]      # publish N times (default 10): each catalog carried forward
    python -m bench.katalog whole OUT [N]      # the same with its recipe removed first: each written whole

`carry` and `whole` change nothing but the catalog (no partition is dirty, so a publication is the
catalog and its garbage collection). Time them as whole processes, side by side, and read the
difference per publication: (whole - carry) / N. Each prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench import gen


def setup(out: Path, days: int) -> dict:
    from ektp import cli

    landing, warehouse = out / "landing", out / "gudang" / "ektp.duckdb"
    ntb = [k for k in gen.region().kabupaten if k.startswith("52")]
    gen.write_landing(landing, ntb, days)
    last = (gen.START + timedelta(days=days - 1)).isoformat()
    code = cli.main(
        ["-q", "nightly", "--date", last, "--landing", str(landing), "--warehouse", str(warehouse)]
    )
    return {"setup": str(warehouse), "exit": code, "files": len(ntb) * days}


def publish(out: Path, times: int, whole: bool) -> dict:
    from warehouse import katalog, store

    warehouse = out / "gudang" / "ektp.duckdb"
    recipe = warehouse.with_name(warehouse.name + ".bagian") / katalog.RECIPE
    started = time.perf_counter()
    for _ in range(times):
        if whole:
            recipe.unlink(missing_ok=True)
        with store.writing(warehouse) as session:
            session.publish()
    return {"whole": whole, "publications": times, "in_process_s": round(time.perf_counter() - started, 3)}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] not in ("setup", "carry", "whole"):
        print(__doc__, file=sys.stderr)
        return 2
    from flows import environment

    environment.configure()
    out = Path(args[1])
    count = int(args[2]) if len(args) > 2 else (30 if args[0] == "setup" else 10)
    result = setup(out, count) if args[0] == "setup" else publish(out, count, args[0] == "whole")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

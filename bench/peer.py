"""The peer: DuckDB loading every landing file in one `read_csv(..., union_by_name=true)` statement.

`python -m bench.peer LANDING DATABASE` prints one JSON line. This is what an analyst would type:
auto-detection of delimiter, header and types per file, columns matched by name, no checks at all
(so `12.345` may well become 12.345, and `Kode Kec.` is a column apart from `kode_kecamatan`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _more_open_files(wanted: int) -> int:
    """DuckDB keeps every file of a union_by_name read open: 23,130 files pass the usual limit
    (20,000 here: 'Too many open files'). Raise it as far as allowed; returns the soft limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for target in (wanted, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), max(hard, target)))
            break
        except (ValueError, OSError):
            continue
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    landing, database = Path(argv[0]), Path(argv[1])
    t0 = time.perf_counter()
    raised = _more_open_files(65536)
    import duckdb

    database.unlink(missing_ok=True)
    con = duckdb.connect(str(database))
    t = time.perf_counter()
    con.execute(
        "create table uploads as select * from read_csv(?, union_by_name = true, filename = true)",
        [str(landing / "*" / "*.csv")],
    )
    ((rows,),) = con.execute("select count(*) from uploads").fetchall()
    ((files,),) = con.execute("select count(distinct filename) from uploads").fetchall()
    columns = len(con.execute("describe uploads").fetchall())
    con.close()
    print(
        json.dumps(
            {
                "files": files,
                "rows": rows,
                "columns": columns,
                "nofile_limit": raised,
                "seconds": round(time.perf_counter() - t, 3),
                "with_import": round(time.perf_counter() - t0, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

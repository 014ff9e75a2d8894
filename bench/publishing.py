"""The publishing options of issue 13, measured on synthetic national history (docs/gudang-data.md).

    python -m bench.publishing make DAYS OUT       # a DuckDB warehouse of DAYS x 7,285 kecamatan rows
    python -m bench.publishing copy SRC DST        # option 1: copy the whole file and fsync it
    python -m bench.publishing reflink SRC DST     # option 2: a copy-on-write clone (FICLONE), if offered
    python -m bench.publishing partition SRC DIR   # option 3: one Parquet file per month + a catalog
    python -m bench.publishing month SRC DIR       # option 3, a night: rewrite the last month's file
    python -m bench.publishing queries FILE        # an analyst's two typical queries, first and second run

Each prints one JSON line; time the whole command from outside (e.g. /usr/bin/time -v) to compare.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

from contract.files import fsync as _fsync

TABLES = {"progres_kecamatan": "kode_kecamatan, tanggal", "riwayat_kecamatan": "kode_kecamatan, tanggal"}


def make(days: int, out: Path) -> dict:
    out.unlink(missing_ok=True)
    con = duckdb.connect()
    con.execute("attach ? as w (storage_version 'v1.4.0')", [str(out)])
    con.execute("use w")
    con.execute(
        """create table progres_kecamatan as
        select (date '2018-01-01' + d::integer)::date as tanggal,
               (k // 14 + 1100)::varchar as kode_kabupaten,
               (k + 110000)::varchar as kode_kecamatan, 'Kecamatan ' || k as nama_kecamatan,
               (20000 + k % 977)::bigint as wajib_ktp, (15000 + d * 3 + k % 13)::bigint as sudah_rekam,
               (5000 - d * 3)::bigint as belum_rekam, 3::bigint as rekam_hari_ini,
               1::bigint as rekam_keliling,
               (14000 + d * 3)::bigint as sudah_cetak, 75.5::decimal(6, 2) as persen_rekam,
               (k // 14 + 1100)::varchar || '/rekap_' || d || '.csv' as file_sumber
        from range(7285) t1(k), range(?) t2(d) order by kode_kecamatan, tanggal""",
        [days],
    )
    con.execute(
        "create table riwayat_kecamatan as select file_sumber as file, md5(file_sumber) as sha256,"
        " * exclude (file_sumber, persen_rekam), 2 as baris, now() as diproses_pada, 'r' as run_id"
        " from progres_kecamatan"
    )
    con.execute("checkpoint")
    con.close()
    return {"days": days, "mb": round(out.stat().st_size / 2**20, 1)}


def copy(src: Path, dst: Path) -> dict:
    shutil.copyfile(src, dst)
    _fsync(dst)
    return {"mb": round(dst.stat().st_size / 2**20, 1)}


def reflink(src: Path, dst: Path) -> dict:
    FICLONE = 0x40049409
    with open(src, "rb") as s, open(dst, "wb") as d:
        try:
            fcntl.ioctl(d.fileno(), FICLONE, s.fileno())
        except OSError as exc:
            return {"cloned": False, "reason": os.strerror(exc.errno) if exc.errno else str(exc)}
    return {"cloned": True}


def _export(con: duckdb.DuckDBPyConnection, table: str, month: str, target: Path) -> None:
    query = (
        f"select * from {table} where tanggal >= date '{month}-01'"
        f" and tanggal < date '{month}-01' + interval 1 month order by {TABLES[table]}"
    )
    con.execute(f"copy ({query}) to '{target}' (format parquet, compression zstd)")


def _catalog(folder: Path) -> None:
    catalog = folder / "katalog.duckdb"
    catalog.unlink(missing_ok=True)
    con = duckdb.connect()
    con.execute("attach ? as c (storage_version 'v1.4.0')", [str(catalog)])
    con.execute("use c")
    for table in TABLES:
        files = ", ".join(f"'{p}'" for p in sorted((folder / table).glob("*.parquet")))
        con.execute(f"create view {table} as select * from read_parquet([{files}], union_by_name = true)")
    con.execute("checkpoint")
    con.close()
    _fsync(catalog)


def partition(src: Path, folder: Path) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    con = duckdb.connect(str(src), read_only=True)
    months = [
        m
        for (m,) in con.execute(
            "select distinct strftime(tanggal, '%Y-%m') from progres_kecamatan order by 1"
        ).fetchall()
    ]
    for table in TABLES:
        (folder / table).mkdir(parents=True)
        for month in months:
            _export(con, table, month, folder / table / f"{month}.parquet")
    con.close()
    _catalog(folder)
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    return {"months": len(months), "parquet_mb": round(size / 2**20, 1)}


def month(src: Path, folder: Path) -> dict:
    con = duckdb.connect(str(src), read_only=True)
    ((last,),) = con.execute("select strftime(max(tanggal), '%Y-%m') from progres_kecamatan").fetchall()
    for table in TABLES:
        target = folder / table / f"{last}.parquet.baru"
        _export(con, table, last, target)
        _fsync(target)
        os.replace(target, folder / table / f"{last}.parquet")
    con.close()
    _catalog(folder)
    return {"month": last}


QUERIES = {
    "one_kecamatan_over_time": "select tanggal, sudah_rekam from progres_kecamatan"
    " where kode_kecamatan = '113000' order by tanggal",
    "districts_on_a_date": "select kode_kabupaten, sum(belum_rekam) from progres_kecamatan"
    " where tanggal = '2018-06-30' group by 1 order by 2 desc",
}


def queries(path: Path) -> dict:
    result = {}
    for name, text in QUERIES.items():
        con = duckdb.connect(str(path), read_only=True)
        t = time.perf_counter()
        rows = len(con.execute(text).fetchall())
        first = time.perf_counter() - t
        t = time.perf_counter()
        con.execute(text).fetchall()
        second = time.perf_counter() - t
        con.close()
        result[name] = {
            "rows": rows,
            "first_ms": round(1000 * first, 1),
            "second_ms": round(1000 * second, 1),
        }
    return result


def main(argv: list[str]) -> int:
    command, *args = argv
    if command == "make":
        out = make(int(args[0]), Path(args[1]))
    elif command == "queries":
        out = queries(Path(args[0]))
    else:
        out = {"copy": copy, "reflink": reflink, "partition": partition, "month": month}[command](
            Path(args[0]), Path(args[1])
        )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

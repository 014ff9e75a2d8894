"""The analysts' example queries, timed on a read-only connection as an analyst would run them.

`python -m bench.queries WAREHOUSE [--date D] [--kecamatan K]` prints one JSON line: the seconds
to open the file and, per query, the first run and the median of five more, plus its row count.
The queries are the ones below (`$tanggal` and `$kecamatan` are bound) and every statement of the
README's ```sql blocks, as written there (their dates and codes fall inside the generated year).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[1] / "README.md"

QUERIES: dict[str, str] = {
    # The province rows for a date (at national scope: one row per province).
    "provinsi_pada_tanggal": """
        select * from progres_provinsi where tanggal = $tanggal order by kode_provinsi
    """,
    # The nation's total for a date, from the province rows.
    "nasional_pada_tanggal": """
        select tanggal, sum(wajib_ktp) as wajib_ktp, sum(sudah_rekam) as sudah_rekam,
               sum(belum_rekam) as belum_rekam,
               round(100 * sum(sudah_rekam) / sum(wajib_ktp), 2) as persen_rekam
        from progres_provinsi where tanggal = $tanggal group by tanggal
    """,
    # Districts ranked by how many residents still have to record, on a date.
    "kabupaten_menurut_belum_rekam": """
        select kode_kabupaten, nama_kabupaten, belum_rekam, persen_rekam, kecamatan_lapor, kecamatan_total
        from progres_kabupaten where tanggal = $tanggal
        order by belum_rekam desc limit 20
    """,
    # One kecamatan's history, day by day.
    "riwayat_kecamatan": """
        select tanggal, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, persen_rekam, file_sumber
        from progres_kecamatan where kode_kecamatan = $kecamatan order by tanggal
    """,
    # The files rejected for a date, with their reasons.
    "berkas_ditolak_pada_tanggal": """
        select kode_kabupaten, file, alasan from unggahan
        where status = 'rejected' and tanggal = $tanggal order by kode_kabupaten, file
    """,
    # The findings of a date, per rule.
    "temuan_per_aturan": """
        select aturan, tingkat, count(*) as jumlah from kualitas_data
        where tanggal = $tanggal group by aturan, tingkat order by jumlah desc
    """,
    # The nation's progress over the whole year (a chart's data).
    "nasional_sepanjang_tahun": """
        select tanggal, sum(sudah_rekam) as sudah_rekam, sum(belum_rekam) as belum_rekam
        from progres_provinsi group by tanggal order by tanggal
    """,
}

_SQL_BLOCK = re.compile(r"```sql\s*\n(.*?)```", re.S)


def readme_queries(path: Path = README) -> dict[str, str]:
    """Every statement of the README's ```sql blocks, named by the `-- comment` line above it."""
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for block in _SQL_BLOCK.findall(path.read_text(encoding="utf-8")):
        for statement in block.split(";"):
            lines = [ln for ln in statement.strip().splitlines() if not ln.lstrip().startswith(".")]
            comments = [ln.strip().lstrip("-").strip() for ln in lines if ln.lstrip().startswith("--")]
            text = "\n".join(ln for ln in lines if not ln.lstrip().startswith("--")).strip()
            if not re.match(r"(?is)^(select|with|from)\b", text):
                continue
            label = re.sub(r"[^a-z0-9]+", "_", (comments[0] if comments else "").lower()).strip("_")
            found[f"readme_{len(found) + 1}" + (f"_{label}" if label else "")] = text
    return found


def time_queries(warehouse: Path, tanggal: str, kecamatan: str, repeat: int = 5) -> dict:
    import duckdb

    t = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    opened = time.perf_counter() - t
    results: dict[str, dict[str, Any]] = {}
    for name, text in {**QUERIES, **readme_queries()}.items():
        params = {k: v for k, v in (("tanggal", tanggal), ("kecamatan", kecamatan)) if f"${k}" in text}
        try:
            t = time.perf_counter()
            rows = con.execute(text, params).fetchall() if params else con.execute(text).fetchall()
            first = time.perf_counter() - t
            runs = []
            for _ in range(repeat):
                t = time.perf_counter()
                con.execute(text, params).fetchall() if params else con.execute(text).fetchall()
                runs.append(time.perf_counter() - t)
            results[name] = {
                "first_ms": round(1000 * first, 2),
                "median_ms": round(1000 * statistics.median(runs), 2),
                "rows": len(rows),
            }
        except duckdb.Error as exc:  # a README query written for other data: say so, do not stop
            results[name] = {"error": str(exc).splitlines()[0]}
    con.close()
    return {"open_ms": round(1000 * opened, 2), "queries": results}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.queries")
    p.add_argument("warehouse", type=Path)
    p.add_argument("--date", default="2018-06-30")
    p.add_argument("--kecamatan", default="520301")
    args = p.parse_args(argv)
    print(json.dumps(time_queries(args.warehouse, args.date, args.kecamatan)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

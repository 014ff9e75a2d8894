"""A year of national data for the analyst queries, without running the pipeline over 187,610 files.

`extend(warehouse, days, last_day)` takes a warehouse the pipeline built over days 0..days-1 and
adds days days..last_day directly: the figures `bench.gen.figures` gives for those days (the
numbers the files would have held), one `unggahan` row per file as the pipeline would have
written it, and, to give the rejected-file query something to find, one rejected upload (with its
`kualitas_data` finding) for about one kabupaten in fifty each day. Then, exactly as a run would,
the rows are entered in the journal (`warehouse.journal.record`), the marts brought up to date
(`warehouse.marts.refresh`), and the file is published with the pipeline's own writer
(`warehouse.store.writing`), which stores the analysts' macros in the catalog.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from bench import gen
from bench.disk import footprint

# The run id of every row the bench adds; terakhir.perbarui reads the rows it wrote by it.
RUN_ID = "bench-year"
COUNTS = ("wajib_ktp", "sudah_rekam", "belum_rekam", "rekam_hari_ini", "rekam_keliling", "sudah_cetak")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def copy_warehouse(source: Path, target: Path) -> None:
    """The whole warehouse (catalog, working file, partitions) at another path; its first run
    writes the catalog anew for the new folder."""
    from warehouse import publish

    shutil.rmtree(publish.folder_of(target), ignore_errors=True)
    shutil.copytree(publish.folder_of(source), publish.folder_of(target))
    shutil.copyfile(source, target)


def frames(
    kabupaten: list[str], first_day: int, last_day: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(riwayat_kecamatan, unggahan, kualitas_data) rows of days first_day..last_day."""
    region = gen.region()
    days = np.arange(first_day, last_day + 1)
    dates = [gen.START + timedelta(days=int(d)) for d in days]
    now = datetime.now(UTC)
    riwayat_parts, files = [], []
    for kab in kabupaten:
        kecamatan = region.kecamatan[kab]
        codes = [k for k, _ in kecamatan]
        numbers = gen.figures(codes, last_day + 1)
        names = [gen.render_name(kab, int(d)) for d in days]
        n_kec, n_day = len(codes), len(days)
        shas = [_sha(f"{kab}/{name}") for name in names]
        riwayat_parts.append(
            pl.DataFrame(
                {
                    "file": [f"{kab}/{n}" for n in names for _ in range(n_kec)],
                    "sha256": [s for s in shas for _ in range(n_kec)],
                    "tanggal": [d for d in dates for _ in range(n_kec)],
                    "kode_kabupaten": kab,
                    "kode_kecamatan": codes * n_day,
                    "nama_kecamatan": [nama for _, nama in kecamatan] * n_day,
                    **{c: numbers[c][:, first_day : last_day + 1].T.reshape(-1) for c in COUNTS},
                    "baris": list(range(2, n_kec + 2)) * n_day,
                }
            )
        )
        for name, sha, d in zip(names, shas, dates, strict=True):
            files.append((f"{kab}/{name}", sha, kab, d, "loaded", n_kec))
        # About one district in fifty sends a bad file first on a given day (and then the good one).
        for d_index, d in zip(days, dates, strict=True):
            if (int(kab) * 31 + int(d_index)) % 50 == 0:
                files.append(
                    (f"{kab}/salah {d.isoformat()}.csv", _sha(f"{kab}/bad/{d}"), kab, d, "rejected", n_kec)
                )
    riwayat = pl.concat(riwayat_parts).with_columns(
        pl.col("baris").cast(pl.Int32),
        diproses_pada=pl.lit(now),
        run_id=pl.lit(RUN_ID),
    )
    unggahan = pl.DataFrame(
        files, schema=["file", "sha256", "kode_kabupaten", "tanggal", "status", "baris"], orient="row"
    ).with_columns(
        alasan=pl.when(pl.col("status") == "rejected")
        .then(pl.format('baris 2: wajib_ktp "12,5" bukan bilangan bulat'))
        .otherwise(None),
        baris=pl.col("baris").cast(pl.Int32),
        diproses_pada=pl.lit(now),
        run_id=pl.lit(RUN_ID),
        ukuran=pl.lit(1500, pl.Int64),
        diubah_pada=pl.lit(now),
        diubah_pada_ns=pl.lit(int(now.timestamp() * 1e9), pl.Int64),
    )
    bad = unggahan.filter(pl.col("status") == "rejected")
    kualitas = bad.select(
        "file",
        "sha256",
        "kode_kabupaten",
        "tanggal",
        pl.lit(None, pl.String).alias("kode_kecamatan"),
        pl.lit("angka_tidak_valid").alias("aturan"),
        pl.lit("error").alias("tingkat"),
        pl.lit('baris 2: wajib_ktp "12,5" bukan bilangan bulat').alias("pesan"),
        pl.lit(2, pl.Int32).alias("baris"),
        pl.lit("wajib_ktp").alias("kolom"),
        pl.lit("12,5").alias("nilai"),
        pl.lit(RUN_ID).alias("run_id"),
    )
    return riwayat, unggahan, kualitas


def extend(warehouse: Path, kabupaten: list[str], first_day: int, last_day: int) -> dict[str, float]:
    """Add days first_day..last_day to `warehouse` and rebuild its marts; returns timings and sizes."""
    from warehouse import journal, marts, partitions, store, terakhir

    t = time.perf_counter()
    riwayat, unggahan, kualitas = frames(kabupaten, first_day, last_day)
    generated = time.perf_counter() - t

    def insert(con: duckdb.DuckDBPyConnection) -> None:
        for table, frame in (
            ("riwayat_kecamatan", riwayat),
            ("unggahan", unggahan),
            ("kualitas_data", kualitas),
        ):
            con.register("tambahan", frame)
            con.execute(f"insert into {table} by name select * from tambahan")  # our constants
            con.unregister("tambahan")
        partitions.mark(
            con, ("riwayat_kecamatan", "unggahan", "kualitas_data"), partitions.months_of(unggahan["tanggal"])
        )

    def refresh(con: duckdb.DuckDBPyConnection, before: marts.Bounds) -> None:
        decided = datetime.now(UTC)  # one moment for the decisions' journal and the marts'
        journal.record(con, RUN_ID, decided, unggahan.select("file", "sha256"))
        # Only the new days, as a run would (a year of history behind them or not).
        groups = unggahan.select("kode_kabupaten", "tanggal").unique()
        in_scope = [
            k for (k,) in con.execute("select kode_kabupaten from wilayah_kabupaten order by 1").fetchall()
        ]
        after = marts.bounds(con)
        marts.refresh(con, marts.changes(groups, before, after, in_scope), decided, after)
        terakhir.perbarui(con, RUN_ID)

    # Each step in the session's transactions, as a run's: done again at the writer's memory
    # ceiling when the limit it starts with (sized by the working file) is too small for a year.
    with store.writing(warehouse) as session:
        before = marts.bounds(session.con)
        t = time.perf_counter()
        session.transaction(insert)
        inserted = time.perf_counter() - t
        t = time.perf_counter()
        session.transaction(lambda con: refresh(con, before))
        refreshed = time.perf_counter() - t
        t = time.perf_counter()
        session.publish()
        published = time.perf_counter() - t
    return {
        "generate_s": round(generated, 3),
        "insert_s": round(inserted, 3),
        "refresh_marts_s": round(refreshed, 3),
        "publish_s": round(published, 3),
        "riwayat_rows_added": riwayat.height,
        "unggahan_rows_added": unggahan.height,
        **{f"{k}_mb": round(v / 2**20, 1) for k, v in footprint(warehouse).items()},
    }

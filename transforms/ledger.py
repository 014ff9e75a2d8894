"""What a run writes: the file ledger, the findings and the figures of every valid file."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from contract import rules
from transforms.cells import format_count_expr

# Reasons stay short enough to read in a receipt or a table cell.
MAX_REASONS = 5
# Findings kept per file and rule: a garbage file of 100,000 rows must not write half a million
# rows and a receipt of hundreds of megabytes on every run; the rest is counted in one more row.
MAX_FINDINGS_PER_RULE = 100


def alasan(findings: pl.DataFrame, files: pl.DataFrame) -> pl.DataFrame:
    """One row per file: its errors (or, when loaded, its warnings) as one short sentence."""
    ranked = findings.with_columns(
        rank=pl.when(pl.col("tingkat") == "error").then(0).otherwise(1),
    ).sort("file_id", "rank", "baris", nulls_last=True)
    # A file's reason lists its errors when it has any, otherwise its warnings.
    worst = ranked.filter(pl.col("rank") == pl.col("rank").min().over("file_id"))
    summary = worst.group_by("file_id", maintain_order=True).agg(
        pl.col("pesan").head(MAX_REASONS).str.join("; ").alias("pesan"),
        pl.len().alias("n"),
        pl.col("tingkat").first(),
    )
    text = pl.col("pesan") + pl.when(pl.col("n") > MAX_REASONS).then(
        pl.format(" (dan {} temuan lain)", pl.col("n") - MAX_REASONS)
    ).otherwise(pl.lit(""))
    prefixed = pl.when(pl.col("tingkat") == "warning").then(pl.lit("peringatan: ") + text).otherwise(text)
    return files.select("file_id").join(
        summary.select("file_id", prefixed.alias("alasan")), on="file_id", how="left"
    )


def unggahan(files: pl.DataFrame, findings: pl.DataFrame, run_id: str, now: datetime) -> pl.DataFrame:
    """One row per decided file, as the `unggahan` table holds it."""
    # A superseded or duplicate file's reason is a fixed sentence: only the other files' findings
    # are summarised (a district re-sending all day supersedes most of its files; summarising the
    # 240,000 findings of 49,970 superseded files of bench/many_files cost ~100 MB for nothing).
    told = files.filter(~pl.col("status").is_in(["superseded", "duplicate"]))["file_id"]
    reasons = alasan(findings.filter(pl.col("file_id").is_in(told.implode())), files)
    return (
        files.join(reasons, on="file_id", how="left")
        .with_columns(
            alasan=pl.when(pl.col("status") == "duplicate")
            .then(pl.lit("salinan persis berkas sebelumnya; diabaikan"))
            .when(pl.col("status") == "superseded")
            .then(pl.lit("digantikan oleh berkas yang lebih baru untuk tanggal yang sama"))
            .otherwise(pl.col("alasan")),
            diproses_pada=pl.lit(now),
            run_id=pl.lit(run_id),
            diubah_pada=pl.from_epoch(pl.col("mtime_ns"), time_unit="ns").dt.replace_time_zone("UTC"),
            tiba_pada=pl.from_epoch(pl.col("tiba_ns"), time_unit="ns").dt.replace_time_zone("UTC"),
        )
        .select(
            "file",
            "sha256",
            "kode_kabupaten",
            "tanggal",
            "status",
            "alasan",
            pl.col("baris").cast(pl.Int32),
            "diproses_pada",
            "run_id",
            "ukuran",
            "diubah_pada",
            pl.col("mtime_ns").alias("diubah_pada_ns"),
            pl.col("ctime_ns").alias("diubah_status_ns"),
            "inode",
            "tiba_pada",
        )
    )


def capped(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings, at most MAX_FINDINGS_PER_RULE per file and rule (by line), and for a rule
    with more, one row saying how many more there are."""
    ranked = findings.sort("file_id", "aturan", "baris", nulls_last=False, maintain_order=True).with_columns(
        _n=pl.int_range(pl.len()).over("file_id", "aturan"), _total=pl.len().over("file_id", "aturan")
    )
    over = ranked.filter(pl.col("_n") == MAX_FINDINGS_PER_RULE)
    more = over.with_columns(
        baris=pl.lit(None, pl.Int64),
        kode_kecamatan=pl.lit(None, pl.String),
        nilai=pl.lit(None, pl.String),
        pesan=rules.fill_expr(
            rules.MORE_FINDINGS,
            jumlah=format_count_expr(pl.col("_total") - MAX_FINDINGS_PER_RULE),
            batas=pl.lit(str(MAX_FINDINGS_PER_RULE)),
        ),
    )
    return pl.concat([ranked.filter(pl.col("_n") < MAX_FINDINGS_PER_RULE), more]).drop("_n", "_total")


def kualitas_data(files: pl.DataFrame, findings: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """One row per finding of the decided files (duplicates carry none: they are ignored), at
    most MAX_FINDINGS_PER_RULE per file and rule."""
    return (
        capped(findings)
        .join(
            files.filter(pl.col("status") != "duplicate").select(
                "file_id", "file", "sha256", "kode_kabupaten", "tanggal"
            ),
            on="file_id",
        )
        .with_columns(run_id=pl.lit(run_id), baris=pl.col("baris").cast(pl.Int32))
        .select(
            "file",
            "sha256",
            "kode_kabupaten",
            "tanggal",
            "kode_kecamatan",
            "aturan",
            "tingkat",
            "pesan",
            "baris",
            "kolom",
            "nilai",
            "run_id",
        )
        .sort("file", "baris", "aturan", nulls_last=True)
    )


def riwayat(files: pl.DataFrame, rows: pl.DataFrame, run_id: str, now: datetime) -> pl.DataFrame:
    """One row per kecamatan row of every valid file, loaded or superseded."""
    valid = files.filter(pl.col("status").is_in(["loaded", "superseded"])).select("file_id", "sha256")
    return rows.join(valid, on="file_id").select(
        "file",
        "sha256",
        "tanggal",
        "kode_kabupaten",
        "kode_kecamatan",
        "nama_kecamatan",
        "wajib_ktp",
        "sudah_rekam",
        "belum_rekam",
        "rekam_hari_ini",
        "rekam_keliling",
        "sudah_cetak",
        pl.col("baris").cast(pl.Int32),
        pl.lit(now).alias("diproses_pada"),
        pl.lit(run_id).alias("run_id"),
    )

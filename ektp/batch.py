"""A batch of uploads: read, parsed, validated in one GX run, with findings attributed to files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from ektp import landing
from ektp.landing import LandingFile
from ektp.parsing import parse_file
from ektp.reference import Reference
from ektp.schema import FINDING_SCHEMA, ROW_SCHEMA, RULES
from expectations import history as history_suites
from expectations import uploads as upload_suites
from expectations.engine import Validator
from transforms import batch as batch_transforms
from transforms.history import with_previous
from transforms.uploads import ParsedUpload

FILE_SCHEMA = {
    "file_id": pl.Int64,
    "file": pl.String,
    "sha256": pl.String,
    "kode_kabupaten": pl.String,
    "tanggal": pl.Date,
    "mtime_ns": pl.Int64,
    "ukuran": pl.Int64,
    "baris": pl.Int32,
}
FINDINGS = {"file_id": pl.Int64, **FINDING_SCHEMA}


@dataclass(frozen=True)
class Upload:
    """One landing file, hashed and parsed."""

    source: LandingFile
    sha256: str
    parsed: ParsedUpload


def read_upload(f: LandingFile, today: date) -> Upload:
    """Hash and parse one file; a refused file (symlink, unknown inbox) is never parsed."""
    if f.path.is_symlink():
        return Upload(f, landing.sha256(b""), _refused(f.problem or "tautan simbolik tidak diikuti"))
    data = landing.read_bytes(f)
    parsed = parse_file(f.path.name, data, today)
    if f.problem is not None:
        parsed = ParsedUpload(parsed.tanggal, parsed.rows.clear(), pl.concat([_refused(f.problem).findings, parsed.findings]))
    return Upload(f, landing.sha256(data), parsed)


def read_uploads(files: list[LandingFile], today: date) -> list[Upload]:
    """One Upload per file, in the given order."""
    return [read_upload(f, today) for f in files]


def _refused(problem: str) -> ParsedUpload:
    finding = pl.DataFrame(
        [{"baris": None, "kode_kecamatan": None, "kolom": None, "nilai": None,
          "aturan": "berkas_tidak_terbaca", "tingkat": RULES["berkas_tidak_terbaca"], "pesan": problem}],
        schema=FINDING_SCHEMA,
    )
    return ParsedUpload(None, pl.DataFrame(schema=ROW_SCHEMA), finding)


@dataclass(frozen=True)
class Batch:
    """Every file of the batch (FILE_SCHEMA), their kecamatan rows and every finding so far."""

    files: pl.DataFrame
    rows: pl.DataFrame
    findings: pl.DataFrame


def assemble(uploads: list[Upload]) -> Batch:
    """Stack the uploads into one frame of files, one of rows and one of findings."""
    files = pl.DataFrame(
        [
            {
                "file_id": i,
                "file": u.source.file,
                "sha256": u.sha256,
                "kode_kabupaten": u.source.kode_kabupaten,
                "tanggal": u.parsed.tanggal,
                "mtime_ns": u.source.mtime_ns,
                "ukuran": u.source.size,
                "baris": u.parsed.rows.height,
            }
            for i, u in enumerate(uploads)
        ],
        schema=FILE_SCHEMA,
    )
    keys = lambda i, u: [  # noqa: E731
        pl.lit(i, pl.Int64).alias("file_id"),
        pl.lit(u.source.file).alias("file"),
        pl.lit(u.source.kode_kabupaten, pl.String).alias("kode_kabupaten"),
        pl.lit(u.parsed.tanggal, pl.Date).alias("tanggal"),
    ]
    rows = [u.parsed.rows.select(*keys(i, u), pl.all()) for i, u in enumerate(uploads) if u.parsed.rows.height]
    findings = [
        u.parsed.findings.select(pl.lit(i, pl.Int64).alias("file_id"), pl.all())
        for i, u in enumerate(uploads)
        if u.parsed.findings.height
    ]
    return Batch(
        files=files,
        rows=pl.concat(rows) if rows else batch_transforms.empty_rows(),
        findings=pl.concat(findings) if findings else pl.DataFrame(schema=FINDINGS),
    )


def validate(batch: Batch, reference: Reference, validator: Validator) -> Batch:
    """Run the upload suites over every row of the batch at once and add their findings."""
    rows = batch_transforms.batch_rows(batch.rows, reference.kecamatan)
    found = validator.validate("unggahan", upload_suites.SUITES, rows)
    attributed = found.join(rows.select("row_id", "file_id"), on="row_id").select(FINDINGS.keys())
    readable = batch.files.join(
        batch.findings.filter(pl.col("aturan") == "berkas_tidak_terbaca").select("file_id"), on="file_id", how="anti"
    ).filter(pl.col("baris") > 0)
    missing = batch_transforms.missing_kecamatan(batch.rows, readable, reference.kecamatan)
    not_reported = missing.select(
        "file_id",
        pl.lit(None, pl.Int64).alias("baris"),
        "kode_kecamatan",
        pl.lit("kode_kecamatan").alias("kolom"),
        pl.lit(None, pl.String).alias("nilai"),
        pl.lit("kecamatan_tidak_lapor").alias("aturan"),
        pl.lit(RULES["kecamatan_tidak_lapor"]).alias("tingkat"),
        pl.format("kecamatan {} ({}) tidak ada dalam berkas", "kode_kecamatan", "nama").alias("pesan"),
    )
    return Batch(batch.files, rows, pl.concat([batch.findings, attributed, not_reported]))


def error_files(batch: Batch) -> pl.DataFrame:
    """File ids with at least one error finding."""
    return batch.findings.filter(pl.col("tingkat") == "error").select("file_id").unique()


def history_findings(rows: pl.DataFrame, loaded: pl.DataFrame, validator: Validator) -> pl.DataFrame:
    """Warnings of the given rows against the kecamatan's previous loaded reports (one GX run)."""
    if rows.is_empty():
        return pl.DataFrame(schema=FINDINGS)
    found = validator.validate("riwayat", history_suites.SUITES, with_previous(rows, loaded))
    return found.join(rows.select("row_id", "file_id"), on="row_id").select(FINDINGS.keys())

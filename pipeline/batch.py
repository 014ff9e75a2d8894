"""A batch of uploads: read, parsed, validated in one GX run, with findings attributed to files.

Reading and parsing go file by file only as far as they must (bytes, header, dates); every rule
over cells and rows runs once over the whole batch (see transforms.uploads, expectations.engine).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import polars as pl
from polars.datatypes import DataTypeClass

from contract import rules
from contract.columns import FINDING_SCHEMA, ROW_SCHEMA
from contract.errors import TransientError, UnreadableFile
from contract.formats import HIDDEN, visible
from contract.regions import Reference
from expectations import history as history_suites
from expectations import uploads as upload_suites
from expectations.engine import Validator
from landing import inbox
from landing.csvbatch import PlainHeader, read_plain
from landing.inbox import LandingFile
from landing.records import Records, read_records
from transforms import batch as batch_transforms
from transforms.batch import FINDINGS
from transforms.history import with_previous
from transforms.uploads import ParsedUpload, parse_uploads, unreadable_upload

FILE_SCHEMA: dict[str, pl.DataType | DataTypeClass] = {
    "file_id": pl.Int64,
    "file": pl.String,
    "sha256": pl.String,
    "kode_kabupaten": pl.String,
    "tanggal": pl.Date,
    "mtime_ns": pl.Int64,
    "tiba_ns": pl.Int64,  # arrival (CONTRACT §2): the order of files and which one is current
    "ctime_ns": pl.Int64,
    "inode": pl.Int64,
    "ukuran": pl.Int64,
    "baris": pl.Int32,
    # The file's own header of each column it spells otherwise, for its receipt (ParsedUpload).
    "kolom_berkas": pl.List(pl.Struct({"kolom": pl.String, "judul": pl.String})),
}
# Row columns the history rules and their messages read (expectations/history.py).
HISTORY_COLUMNS = (
    "row_id",
    "file_id",
    "baris",
    "kode_kecamatan",
    "tanggal",
    "wajib_ktp",
    "sudah_rekam",
    "rekam_hari_ini",
)
# Shared by every upload without rows or findings (frames are never changed in place).
_NO_ROWS = pl.DataFrame(schema=ROW_SCHEMA)
_NO_FINDINGS = pl.DataFrame(schema=FINDING_SCHEMA)


class Upload:
    """One landing file, hashed and parsed.

    Built as `Upload(source, sha256, parsed)`; `parsed` gives the ParsedUpload back. Its rows may
    be held as a slice of a frame shared with other uploads (see _packed): a parsed file's own
    frames weigh ~15 KB whatever their rows, so 23,000 files held until validation cost ~350 MB,
    and a shared frame with per-file offsets ~1 KB a file.
    """

    __slots__ = (
        "_findings",
        "_height",
        "_offset",
        "_rows",
        "kecamatan",
        "kolom_berkas",
        "sha256",
        "source",
        "tanggal",
        "tiba_ns",
    )

    def __init__(self, source: LandingFile, sha256: str, parsed: ParsedUpload) -> None:
        self.source = source
        self.sha256 = sha256
        # Arrival (CONTRACT §2): the earlier of its modification time and now, the moment it is
        # seen; a run replaces it with the arrival recorded when the file was first seen. In whole
        # microseconds, as the warehouse keeps it, so that a re-decision orders files the same way.
        self.tiba_ns = min(source.mtime_ns, time.time_ns()) // 1000 * 1000
        self.tanggal = parsed.tanggal
        self.kecamatan = parsed.kecamatan_rows
        self.kolom_berkas = parsed.kolom_berkas
        self._rows = parsed.rows
        self._offset = 0
        self._height = parsed.rows.height
        self._findings = parsed.findings if parsed.findings.height else _NO_FINDINGS

    @property
    def parsed(self) -> ParsedUpload:
        rows = self._rows
        if self._offset or self._height != rows.height:
            rows = rows.slice(self._offset, self._height)
        return ParsedUpload(self.tanggal, rows, self._findings, self.kecamatan, self.kolom_berkas)

    def __repr__(self) -> str:
        return f"Upload({self.source.file!r}, {self.sha256[:8]}, {self.tanggal}, {self._height} rows)"


def parse_files(files: list[tuple[str, bytes]], today: date) -> list[ParsedUpload]:
    """One parsed upload per (name, bytes), in order, parsed together (see parse_uploads);
    bad input becomes findings, never an exception. Plain CSVs are read together
    (landing.csvbatch), the others one by one."""
    plain = read_plain(files)
    readable: list[tuple[int, str, Records | PlainHeader]] = []
    parsed: list[ParsedUpload | None] = []
    for name, data in files:
        at = len(parsed)
        parsed.append(None)
        header = plain.headers.get(at)
        if header is not None:
            readable.append((at, name, header))
            continue
        try:
            readable.append((at, name, read_records(name, data)))
        except UnreadableFile as exc:
            parsed[at] = unreadable_upload(name, exc.message, exc.aturan)
    cells = plain.cells
    positions = [at for at, _, _ in readable]
    if len(positions) < len(files):  # plain cells are keyed by position among `readable`
        cells = cells.with_columns(pl.col("_file").replace_strict(positions, range(len(positions))))
    together = parse_uploads([(name, records) for _, name, records in readable], today, cells)
    for at, upload in zip(positions, together, strict=True):
        parsed[at] = upload
    done = [p for p in parsed if p is not None]
    assert len(done) == len(parsed), "a file neither parsed nor refused"
    return done


def read_upload(f: LandingFile, today: date) -> Upload:
    """Hash and parse one file (see read_uploads); TransientError when it is gone since the scan, so
    that a caller reading files one at a time leaves it for the next run like any file it cannot read."""
    uploads = read_uploads([f], today)
    if not uploads:
        raise TransientError("berkas hilang sejak dipindai", file=f.file)
    return uploads[0]


# Files parsed together, their rows then packed into one frame (see _packed).
PACK_FILES = 500


def read_uploads(files: list[LandingFile], today: date) -> list[Upload]:
    """One Upload per file still there, in the given order, parsed PACK_FILES at a time.

    A link, a FIFO or other non-regular entry, or a file over the size limit is never read (its
    date comes from its name); a file refused for where it lies (unknown inbox, directly in
    landing) is read for its date, and its rows are dropped. A file renamed or deleted since the
    scan is left out: it is not there this run (its new name is a new file for the next run).
    """
    uploads: list[Upload] = []
    for start in range(0, len(files), PACK_FILES):
        chunk = files[start : start + PACK_FILES]
        refused: dict[int, Upload] = {}
        data: dict[int, bytes] = {}
        for i, f in enumerate(chunk):
            try:
                why = inbox.refusal(f)
                if why is None:
                    try:
                        data[i] = inbox.read_bytes(f)
                    except inbox.Refused as exc:
                        why = exc
                if why is not None:
                    refused[i] = Upload(
                        f, inbox.identity(f), unreadable_upload(f.name, why.pesan, why.aturan)
                    )
            except inbox.Gone:
                continue
        parsed = iter(parse_files([(chunk[i].name, b) for i, b in data.items()], today))
        read = [
            refused[i] if i in refused else _upload(f, data[i], next(parsed))
            for i, f in enumerate(chunk)
            if i in refused or i in data
        ]
        uploads += _packed(read)
    return uploads


def _upload(f: LandingFile, data: bytes, parsed: ParsedUpload) -> Upload:
    if f.problem is not None:
        parsed = ParsedUpload(
            parsed.tanggal, parsed.rows.clear(), pl.concat([_refused(f.problem).findings, parsed.findings])
        )
    return Upload(f, inbox.sha256(data), parsed)


def _packed(uploads: list[Upload]) -> list[Upload]:
    """The same uploads, their rows moved into one frame they share (each keeps its offset)."""
    frames = [u._rows for u in uploads if u._height]
    if not frames:
        return uploads
    shared = pl.concat(frames, how="vertical", rechunk=True)
    offset = 0
    for u in uploads:
        if u._height:
            u._rows, u._offset = shared, offset
            offset += u._height
        else:
            u._rows = _NO_ROWS
    return uploads


def _refused(problem: str) -> ParsedUpload:
    finding = pl.DataFrame([rules.finding("berkas_tidak_terbaca", problem)], schema=FINDING_SCHEMA)
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
                "tanggal": u.tanggal,
                "mtime_ns": u.source.mtime_ns,
                "tiba_ns": u.tiba_ns,
                "ctime_ns": u.source.ctime_ns,
                "inode": u.source.inode,
                "ukuran": u.source.size,
                "baris": u.kecamatan,
            }
            for i, u in enumerate(uploads)
        ],
        schema={k: v for k, v in FILE_SCHEMA.items() if k != "kolom_berkas"},
    ).with_columns(_headers_column(uploads))
    # One concat per frame kind, keys gathered from `files` by position: a Polars call per file
    # costs more than the rows themselves at national scale (23,000 files a backfill).
    rows = _stacked(_row_runs(uploads), files.select("file_id", "file", "kode_kabupaten", "tanggal"))
    findings = _stacked(
        [([i] * u._findings.height, u._findings) for i, u in enumerate(uploads)], files.select("file_id")
    )
    return Batch(
        files=files,
        rows=rows if rows is not None else batch_transforms.empty_rows(),
        findings=findings if findings is not None else pl.DataFrame(schema=FINDINGS),
    )


def _headers_column(uploads: list[Upload]) -> pl.Series:
    """The uploads' own headers as one column: each distinct set built once, then gathered by
    position (a district sends the same headers every day, and a nested value built per file
    costs ~100 us: seconds at national scale)."""
    distinct: dict[tuple, int] = {}
    at = [distinct.setdefault(u.kolom_berkas, len(distinct)) for u in uploads]
    built = pl.Series(
        "kolom_berkas",
        [[{"kolom": k, "judul": j} for k, j in headers] for headers in distinct],
        dtype=FILE_SCHEMA["kolom_berkas"],
    )
    return built.gather(pl.Series(at, dtype=pl.UInt32))


def _row_runs(uploads: list[Upload]) -> list[tuple[list[int], pl.DataFrame]]:
    """The uploads' rows in as few slices as possible, each with the upload position of its rows.

    Consecutive uploads whose rows lie end to end in one packed frame make one slice: a slice per
    file would weigh ~8 KB each (190 MB at 23,000 files).
    """
    runs: list[tuple[list[int], pl.DataFrame]] = []
    positions: list[int] = []
    frame: pl.DataFrame | None = None
    start = end = 0
    for i, u in enumerate(uploads):
        if not u._height:
            continue
        if not (u._rows is frame and u._offset == end):
            if positions:
                assert frame is not None  # positions come from a frame
                runs.append((positions, frame.slice(start, end - start)))
            positions, frame, start, end = [], u._rows, u._offset, u._offset
        positions += [i] * u._height
        end += u._height
    if positions:
        assert frame is not None
        runs.append((positions, frame.slice(start, end - start)))
    return runs


def _stacked(parts: list[tuple[list[int], pl.DataFrame]], keys: pl.DataFrame) -> pl.DataFrame | None:
    """The frames stacked, each row prefixed with its row of `keys` (the position given for it);
    None when every frame is empty."""
    used = [(at, f) for at, f in parts if f.height]
    if not used:
        return None
    body = pl.concat([f for _, f in used], how="vertical", rechunk=True)
    at = pl.Series("at", [i for positions, _ in used for i in positions], dtype=pl.UInt32)
    return pl.concat([keys[at], body], how="horizontal")


def validate(batch: Batch, reference: Reference, validator: Validator) -> Batch:
    """Run the upload suites over every row of the batch at once and add their findings."""
    rows = batch_transforms.batch_rows(batch.rows, reference.kecamatan)
    found = validator.validate("unggahan", upload_suites.SUITES, rows)
    attributed = found.join(rows.select("row_id", "file_id"), on="row_id").select(FINDINGS.keys())
    readable = batch.files.join(
        batch.findings.filter(pl.col("aturan") == "berkas_tidak_terbaca").select("file_id"),
        on="file_id",
        how="anti",
    ).filter(pl.col("baris") > 0)
    not_reported = batch_transforms.missing_kecamatan(batch.rows, readable, reference.kecamatan)
    return Batch(batch.files, rows, shown(pl.concat([batch.findings, attributed, not_reported])))


def shown(findings: pl.DataFrame) -> pl.DataFrame:
    """The findings with every hidden character of `nilai` and `pesan` escaped (contract.formats
    .visible): a cell keeps its no-break spaces for parsing, but `12\\xa0345` must not be shown as
    `12 345`. Every upload finding passes here, whichever step made it; rare, so only the values
    that hold one are rewritten."""
    for column in ("nilai", "pesan"):
        values = findings[column]
        if values.str.contains(HIDDEN.pattern).any():
            escaped = [None if v is None else visible(v) for v in values.to_list()]
            findings = findings.with_columns(pl.Series(column, escaped, dtype=pl.String))
    return findings


def error_files(batch: Batch) -> pl.DataFrame:
    """File ids with at least one error finding."""
    return batch.findings.filter(pl.col("tingkat") == "error").select("file_id").unique()


def history_findings(rows: pl.DataFrame, loaded: pl.DataFrame, validator: Validator) -> pl.DataFrame:
    """Warnings of the given rows against the kecamatan's previous loaded reports (one GX run)."""
    if rows.is_empty():
        return pl.DataFrame(schema=FINDINGS)
    # Only what the comparison, the rules and their messages read: the batch's wide rows (file
    # names, kecamatan names) copied through the as-of join and sorts cost ~110 MB at 23,000 files.
    wanted = {*HISTORY_COLUMNS, *(c for s in history_suites.SUITES for r in s.rules for c in r.columns)}
    rows = rows.select([c for c in rows.columns if c in wanted])
    found = validator.validate("riwayat", history_suites.SUITES, with_previous(rows, loaded))
    return found.join(rows.select("row_id", "file_id"), on="row_id").select(FINDINGS.keys())

"""Turn district uploads' records into canonical kecamatan rows and parse-level findings
(CONTRACT §1 and the parse-level rules of §2). Pure: no file I/O, no Prefect.

Records are what `landing.records.read_records` returns: (baris, cells) per non-blank record, baris
being the 1-based line or sheet row.

Per-file overhead matters (23,000 files a national backfill), and a Polars call costs about the
same for 15 rows as for 15,000: so per file only plain Python runs (header, columns, dates outside
the cells), and every cell-level expression, built once at import, runs once per batch of files.
A plain CSV's body comes already split, as rows of a frame shared by the batch (landing/csvbatch.py).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import polars as pl
from polars.datatypes import DataTypeClass

from contract import rules
from contract.columns import CANONICAL, COUNT_COLUMNS, FINDING_SCHEMA, MAX_TITLE_LINES, ROW_SCHEMA
from landing.csvbatch import PlainHeader
from landing.records import Records
from transforms import row_rules
from transforms.cells import (
    IS_COUNTED,
    IS_KECAMATAN,
    filled,
    is_total_word,
    normalise_code,
    parse_count,
    row_kind,
    stripped,
    total_word,
)
from transforms.dates import dates_in_file_name, dates_in_titles, parse_date, resolve_date, single_date
from transforms.header import Headers, find_header_row, map_columns
from transforms.row_rules import collect_findings, count_conditions

__all__ = ["ParsedUpload", "parse_uploads", "unreadable_upload"]


@dataclass(frozen=True)
class ParsedUpload:
    """One parsed upload: its report date, its kecamatan rows and its parse-level findings."""

    tanggal: date | None
    rows: pl.DataFrame  # exactly ROW_SCHEMA columns
    findings: pl.DataFrame  # exactly FINDING_SCHEMA columns
    # Rows with a kecamatan code. `rows` also holds rows with figures but no code (their counts
    # null), only so that the suites find them unknown; they are not kecamatan rows.
    coded: int | None = None
    # The file's own header of each column it spells otherwise (transforms.header.map_columns),
    # which its receipt shows beside the canonical name.
    kolom_berkas: Headers = ()

    @property
    def kecamatan_rows(self) -> int:
        return self.rows.height if self.coded is None else self.coded


def parse_uploads(
    uploads: Sequence[tuple[str, Records | PlainHeader]],
    today: date,
    plain_cells: pl.DataFrame | None = None,
) -> list[ParsedUpload]:
    """One parsed upload per (file name, records), in order.

    Per file, plain Python finds the header, maps the columns and reads the title and file-name
    dates; every cell-level step then runs once over the rows of all the files (per-file sums and
    date agreement as windows over `_file`): a Polars call costs the same for 15 rows as for 15,000.
    A plain CSV (landing.csvbatch) comes as its header alone, its body lines being rows of
    `plain_cells` (`_file` its position in `uploads`, `baris`, `sel`).
    """
    sink = _Sink(plain_cells)
    fronts = [_front(i, name, records, sink) for i, (name, records) in enumerate(uploads)]
    body = _analyse(sink.frame())
    return [front if isinstance(front, ParsedUpload) else _finish(front, body, today) for front in fronts]


@dataclass
class _Front:
    """What the per-file pass learnt about one upload."""

    file_id: int
    header_line: int
    findings: list[dict]  # column-level, then title and file-name date findings
    title_date: date | None
    name_date: date | None
    date_findings: bool  # the title or the file name already gave a date finding
    counted: bool  # its rows' counts are checked (code column present, no column finding)
    headers: Headers


class _Sink:
    """The canonical cells of every analysed row of the batch, column by column."""

    def __init__(self, plain_cells: pl.DataFrame | None = None) -> None:
        self.columns: dict[str, list] = {
            c: [] for c in ("_file", "baris", *CANONICAL, "_label_jumlah", "_counted")
        }
        self.plain_cells = plain_cells
        # Per analysed plain file, _PLAIN_MAP_SCHEMA's columns: _file, _counted, the cell position
        # of each canonical column (None when absent), the positions of its other cells (`_lain`).
        self.plain: list[tuple] = []

    def add(self, file_id: int, body: Records, columns: dict[str, int], counted: bool) -> None:
        if not body:
            return
        # Column-wise, in C: transpose the body once, then take whole columns ("" becomes null in frame()).
        transposed = list(itertools.zip_longest(*(cells for _, cells in body)))
        n, width = len(body), len(transposed)
        blank = (None,) * n
        for name in CANONICAL:
            j = columns.get(name)
            self.columns[name] += transposed[j] if j is not None and j < width else blank
        # A merged JUMLAH cell spanning No/Kode/Nama keeps its text in the leftmost (ignored) cell.
        others = [transposed[j] for j in range(width) if j not in columns.values()]
        labels = (
            [any(c and total_word(c) for c in row) for row in zip(*others, strict=False)]
            if others
            else [False] * n
        )
        self.columns["_label_jumlah"] += labels
        self.columns["_file"] += [file_id] * n
        self.columns["baris"] += [baris for baris, _ in body]
        self.columns["_counted"] += [counted] * n

    def add_plain(self, file_id: int, mapping: _PlainMapping, counted: bool) -> None:
        """A plain file's body rows (in `plain_cells`) go in as `add` would put its records."""
        self.plain.append((file_id, counted, *mapping.positions, mapping.others))

    def frame(self) -> pl.DataFrame:
        cells = pl.DataFrame(self.columns, schema=_SINK_SCHEMA)
        if self.plain_cells is not None and self.plain:
            mapping = pl.DataFrame(
                dict(zip(_PLAIN_MAP_SCHEMA, zip(*self.plain, strict=True), strict=True)),
                schema=_PLAIN_MAP_SCHEMA,
            )
            rows = self.plain_cells.join(mapping, on="_file", how="inner", maintain_order="left")
            cells = (
                pl.concat([cells, rows.select(_PLAIN_CELLS)]) if cells.height else rows.select(_PLAIN_CELLS)
            )
        return cells.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).name.keep() for c in CANONICAL)


_SINK_SCHEMA = {
    "_file": pl.Int64,
    "baris": pl.Int64,
    **dict.fromkeys(CANONICAL, pl.String),
    "_label_jumlah": pl.Boolean,
    "_counted": pl.Boolean,
}


# A plain file's cells as `_Sink.add` lays out a file's records: the cell at each canonical
# column's position (null beyond the line's end), and whether another cell reads JUMLAH.
_PLAIN_MAP_SCHEMA: dict[str, pl.DataType | DataTypeClass] = {
    "_file": pl.Int64,
    "_counted": pl.Boolean,
    **{f"_at_{name}": pl.Int64 for name in CANONICAL},
    "_lain": pl.List(pl.Int64),
}
_PLAIN_CELLS = [
    "_file",
    "baris",
    *(pl.col("sel").list.get(pl.col(f"_at_{name}"), null_on_oob=True).alias(name) for name in CANONICAL),
    pl.col("sel")
    .list.gather(pl.col("_lain"), null_on_oob=True)
    .list.eval(is_total_word(pl.element()))
    .list.any()
    .alias("_label_jumlah"),
    "_counted",
]


def _front(
    file_id: int, file_name: str, records: Records | PlainHeader, sink: _Sink
) -> _Front | ParsedUpload:
    """The per-file pass: header, columns, dates outside the cells; body rows go to `sink`."""
    body: Records | None
    plain = None
    if isinstance(records, PlainHeader):  # header on line 1, no title; its body is plain_cells
        plain = _plain_mapping(records)
        line, titles, body = 1, [], None
        columns, findings, headers = plain.columns, plain.findings, plain.headers
    else:
        header_at = find_header_row(records)
        if header_at is None:
            # a workbook's other sheets are never read (CONTRACT §1): the table may be on one of them
            case = "tanpa_judul_kolom_lembar" if file_name.lower().endswith(".xlsx") else "tanpa_judul_kolom"
            reason = rules.message("berkas_tidak_terbaca", case, batas=MAX_TITLE_LINES + 1)
            return unreadable_upload(file_name, reason)
        line, header = records[header_at]
        titles, body = records[:header_at], records[header_at + 1 :]
        columns, findings, headers = map_columns(header, line)
    date_findings: list[dict] = []
    title_date = single_date(dates_in_titles(titles), "baris judul", date_findings)
    name_date = single_date(dates_in_file_name(file_name), "nama berkas", date_findings)
    # Without a code column (or with two) no row can be told to be a kecamatan.
    analysed = "kode_kecamatan" in columns and "kolom_ganda" not in {f["aturan"] for f in findings}
    # Counts of a file missing a column would only bury the real reason.
    counted = analysed and not findings
    if analysed and plain is not None:
        sink.add_plain(file_id, plain, counted)
    elif analysed and body is not None:
        sink.add(file_id, body, columns, counted)
    return _Front(
        file_id, line, findings + date_findings, title_date, name_date, bool(date_findings), counted, headers
    )


class _PlainMapping(NamedTuple):
    """A plain header mapped (map_columns on line 1), and its cells as `_Sink.add_plain` lays them
    out: the position of each canonical column (None when absent) and those of its other cells."""

    columns: dict[str, int]
    findings: list[dict]  # shared by every file of this header: read, never changed
    headers: Headers
    positions: tuple[int | None, ...]
    others: list[int]


@functools.lru_cache(maxsize=1024)  # a district sends the same template every day
def _plain_mapping(header: PlainHeader) -> _PlainMapping:
    columns, findings, headers = map_columns(header.cells, 1)
    used = set(columns.values())
    positions = tuple(columns.get(name) for name in CANONICAL)
    return _PlainMapping(
        columns, findings, headers, positions, [j for j in range(len(header.cells)) if j not in used]
    )


class _Body(NamedTuple):
    """What the batch pass found, by file: rows, agreed cell dates, findings."""

    rows: pl.DataFrame  # ROW_SCHEMA, the files' rows end to end in file order
    offsets: dict[int, tuple[int, int, int]]  # file -> (first row, number of rows, rows with a code)
    cell_dates: dict[int, date]
    dated_findings: set[int]  # files with a date finding from their cells
    findings: dict[int, pl.DataFrame]  # FINDING_SCHEMA, only for files with some


def _analyse(cells: pl.DataFrame) -> _Body:
    """Classify every row of the batch, parse its codes, dates and counts, and find what is wrong."""
    # A batch's date cells are a few distinct texts (a file's rows share one): each parsed once.
    dates = cells.select(pl.col("tanggal").unique()).with_columns(_PARSED_DATE)
    wide = (
        cells.with_columns(*_CLASSIFY)
        .join(dates, on="tanggal", how="left", nulls_equal=True, maintain_order="left")
        .with_columns(_SAME_DATE)
        .with_columns(_DATE_SUMMARY)
    )
    summary = wide.group_by("_file").agg(pl.col("_tanggal_umum").first(), pl.col("_tanggal_beda").first())
    cell_dates = {f: d for f, d, n in summary.iter_rows() if n == 1}
    odd = wide.filter((pl.col("_tanggal_beda") > 1) | pl.col("_tanggal_salah"))
    date_findings = collect_findings(odd, _DATE_FINDINGS)
    # Each count cell parsed once, kept beside its text: the rules read both, the rows the number.
    counted = wide.filter(pl.col("_counted")).with_columns(_CELL_AND_COUNT)
    long = (
        counted.unpivot(
            COUNT_COLUMNS,
            index=["_file", "baris", "_kode", "_jenis"],
            variable_name="kolom",
            value_name="_sel",
        )
        .unnest("_sel")
        .with_columns(_RAW_COUNT)
        .with_columns(_BAD_COUNT)
        .with_columns(_COUNT_SUMS)
        .with_columns(_COUNT_PROBLEM)
    )
    # Most files are clean: messages are built only for the rows that fail.
    found = pl.concat([date_findings, collect_findings(long.filter(pl.col("masalah")), _COUNT_FINDINGS)])
    # A row with figures but no code goes on to the suites too, which find it unknown
    # (kecamatan_tidak_dikenal has one home); its counts stay out of the count rules.
    rows = counted.filter(IS_COUNTED).select("_file", *_ROW_IDENTITY, *_ROW_COUNTS)
    sizes = rows.group_by("_file", maintain_order=True).agg(
        pl.len(), pl.col("kode_kecamatan").is_not_null().sum()
    )
    offsets, start = {}, 0
    for file_id, n, coded in sizes.rows():
        offsets[file_id] = (start, n, coded)
        start += n
    by_file = (
        found.partition_by("_file", as_dict=True, maintain_order=True, include_key=False)
        if found.height
        else {}
    )
    return _Body(
        rows.select(_ROW_COLUMNS),
        offsets,
        cell_dates,
        set(date_findings.get_column("_file").to_list()),
        {key[0]: frame for key, frame in by_file.items()},
    )


def _finish(front: _Front, body: _Body, today: date) -> ParsedUpload:
    """One parsed upload from its per-file facts and its part of the batch pass."""
    start, n, coded = body.offsets.get(front.file_id, (0, 0, 0))
    file_findings = []
    if front.counted and coded == 0:
        pesan = rules.message("berkas_tidak_terbaca", "tanpa_kecamatan", baris=front.header_line)
        file_findings.append(rules.finding("berkas_tidak_terbaca", pesan))
    reported = front.date_findings or front.file_id in body.dated_findings
    cell_date = body.cell_dates.get(front.file_id)
    tanggal, resolved = resolve_date(cell_date, front.title_date, front.name_date, today, reported)
    head = findings_frame(front.findings + file_findings + resolved)
    rows = body.rows.slice(start, n) if n else _NO_ROWS
    found = body.findings.get(front.file_id)
    if found is None:
        return ParsedUpload(tanggal, rows, head if head.height <= 1 else _sorted(head), coded, front.headers)
    return ParsedUpload(tanggal, rows, _sorted(pl.concat([head, found])), coded, front.headers)


def unreadable_upload(file_name: str, reason: str, aturan: str = "berkas_tidak_terbaca") -> ParsedUpload:
    """One rejected upload per file that could not be read as a table, dated from its name when possible."""
    dates = set(dates_in_file_name(file_name))
    tanggal = dates.pop() if len(dates) == 1 else None
    finding = rules.finding(aturan, reason)
    return ParsedUpload(tanggal, pl.DataFrame(schema=ROW_SCHEMA), findings_frame([finding]))


_DATED = IS_KECAMATAN & pl.col("_tanggal").is_not_null()
# How many dated kecamatan rows of its file carry the row's date.
_SAME_DATE = _DATED.cast(pl.Int64).sum().over("_file", "_tanggal").alias("_sama")


def _usual_date() -> pl.Expr:
    """One date per upload: the most common date of the kecamatan rows (ties: the earliest row)."""
    order = [pl.col("_sama").filter(_DATED), pl.col("baris").filter(_DATED)]
    return pl.col("_tanggal").filter(_DATED).sort_by(order, descending=[True, False]).first().over("_file")


_CLASSIFY = [normalise_code(pl.col("kode_kecamatan")).alias("_kode"), row_kind().alias("_jenis")]
_PARSED_DATE = parse_date(pl.col("tanggal")).alias("_tanggal")
_DATE_SUMMARY = [
    _usual_date().alias("_tanggal_umum"),
    pl.col("_tanggal").filter(IS_KECAMATAN).drop_nulls().n_unique().over("_file").alias("_tanggal_beda"),
    (IS_KECAMATAN & filled(pl.col("tanggal")) & pl.col("_tanggal").is_null())
    .any()
    .over("_file")
    .alias("_tanggal_salah"),
]
_COUNT_FINDINGS = row_rules.count_findings()
_RAW_COUNT = pl.col("mentah").str.strip_chars().fill_null("")
# parse_count strips the cell itself, and an empty or null cell is no count: so the number of the
# raw cell is the number of its stripped text.
_CELL_AND_COUNT = [
    pl.struct(pl.col(name).alias("mentah"), parse_count(pl.col(name)).alias("nilai")).alias(name)
    for name in COUNT_COLUMNS
]
_BAD_COUNT = ((pl.col("mentah") != "") & pl.col("nilai").is_null()).alias("salah")
_COUNT_SUMS = [
    pl.col("nilai").filter(IS_COUNTED).sum().over("_file", "kolom").alias("jumlah"),
    pl.col("salah").filter(IS_COUNTED).any().over("_file", "kolom").alias("ada_salah"),
]
_COUNT_PROBLEM = pl.any_horizontal(count_conditions()).alias("masalah")
_ROW_IDENTITY = [
    pl.col("baris").cast(pl.Int64),
    pl.col("_kode").alias("kode_kecamatan"),
    stripped(pl.col("nama_kecamatan")).alias("nama_kecamatan"),
]
_ROW_COUNTS = [
    pl.when(IS_KECAMATAN).then(pl.col(name).struct.field("nilai")).alias(name) for name in COUNT_COLUMNS
]
_ROW_COLUMNS = [pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items()]
_DATE_FINDINGS = row_rules.date_findings()


def findings_frame(findings: list[dict]) -> pl.DataFrame:
    """One row per finding dict."""
    if not findings:  # the usual case, and building even an empty frame is not free
        return _NO_FINDINGS
    return pl.DataFrame({name: [f[name] for f in findings] for name in FINDING_SCHEMA}, schema=FINDING_SCHEMA)


_NO_FINDINGS = pl.DataFrame(schema=FINDING_SCHEMA)
_NO_ROWS = pl.DataFrame(schema=ROW_SCHEMA)


def _sorted(findings: pl.DataFrame) -> pl.DataFrame:
    """File-level findings first, then by line, keeping the order rules were checked in."""
    return findings.sort("baris", nulls_last=False, maintain_order=True)

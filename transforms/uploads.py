"""Turn district uploads' records into canonical kecamatan rows and parse-level findings
(CONTRACT §1 and the parse-level rules of §2). Pure: no file I/O, no Prefect.

Records are what `landing.records.read_records` returns: (baris, cells) per non-blank record, baris
being the 1-based line or sheet row.

Per-file overhead matters (23,000 files a national backfill), and a Polars call costs about the
same for 15 rows as for 15,000: so per file only plain Python runs (header, columns, dates outside
the cells), and every cell-level expression, built once at import, runs once per batch of files.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import polars as pl

from contract import rules
from contract.columns import (
    CANONICAL,
    COUNT_COLUMNS,
    FINDING_SCHEMA,
    MAX_COUNT,
    MAX_TITLE_LINES,
    REQUIRED_COLUMNS,
    REQUIRED_COUNTS,
    ROW_SCHEMA,
    canonical_column,
    count_known_columns,
)
from contract.dates import EARLIEST_DATE, MONTHS
from contract.formats import angka, visible
from landing.records import Records

# Dates inside free text (title lines, file names). The year is limited to 19xx/20xx so that
# a kabupaten code such as `5203-12-04` in a name is not read as the year 5203.
_YEAR = r"(?:19|20)[0-9]{2}"
_TEXT_ISO = re.compile(rf"(?<![0-9])({_YEAR})-([0-9]{{1,2}})-([0-9]{{1,2}})(?![0-9])")
_TEXT_DMY = re.compile(rf"(?<![0-9])([0-9]{{1,2}})[/-]([0-9]{{1,2}})[/-]({_YEAR})(?![0-9])")
_TEXT_NAMED = re.compile(rf"(?<![0-9])([0-9]{{1,2}})[\s-]+([A-Za-z]+)\.?[\s-]+({_YEAR})(?![0-9])")
_NAME_ISO = re.compile(rf"(?<![0-9])({_YEAR})-([0-9]{{2}})-([0-9]{{2}})(?![0-9])")
_NAME_COMPACT = re.compile(rf"(?<![0-9])({_YEAR})([0-9]{{2}})([0-9]{{2}})(?![0-9])")
_NAME_DMY = re.compile(rf"(?<![0-9])([0-9]{{2}})-([0-9]{{2}})-({_YEAR})(?![0-9])")

# Dates in cells (whole cell, after stripping); day first.
_CELL_ISO = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"
_CELL_DMY = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})$"
_CELL_NAMED = r"^([0-9]{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+([0-9]{4})$"

# Whole counts: plain digits, or thousands groups of exactly 3 digits with one kind of separator.
_COUNT = r"^(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+)$"
_DOTTED_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"
_SIX_DIGITS = r"^[0-9]{6}$"


@dataclass(frozen=True)
class ParsedUpload:
    """One parsed upload: its report date, its kecamatan rows and its parse-level findings."""

    tanggal: date | None
    rows: pl.DataFrame  # exactly ROW_SCHEMA columns
    findings: pl.DataFrame  # exactly FINDING_SCHEMA columns
    # Rows with a kecamatan code. `rows` also holds rows with figures but no code (their counts
    # null), only so that the suites find them unknown; they are not kecamatan rows.
    coded: int | None = None

    @property
    def kecamatan_rows(self) -> int:
        return self.rows.height if self.coded is None else self.coded


def parse_uploads(uploads: list[tuple[str, Records]], today: date) -> list[ParsedUpload]:
    """One parsed upload per (file name, records), in order.

    Per file, plain Python finds the header, maps the columns and reads the title and file-name
    dates; every cell-level step then runs once over the rows of all the files (per-file sums and
    date agreement as windows over `_file`): a Polars call costs the same for 15 rows as for 15,000.
    """
    sink = _Sink()
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


class _Sink:
    """The canonical cells of every analysed row of the batch, column by column."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {
            c: [] for c in ("_file", "baris", *CANONICAL, "_label_jumlah", "_counted")
        }

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
        labels = [any(c and _total_word(c) for c in row) for row in zip(*others)] if others else [False] * n
        self.columns["_label_jumlah"] += labels
        self.columns["_file"] += [file_id] * n
        self.columns["baris"] += [baris for baris, _ in body]
        self.columns["_counted"] += [counted] * n

    def frame(self) -> pl.DataFrame:
        cells = pl.DataFrame(self.columns, schema=_SINK_SCHEMA)
        return cells.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).name.keep() for c in CANONICAL)


_SINK_SCHEMA = {
    "_file": pl.Int64,
    "baris": pl.Int64,
    **dict.fromkeys(CANONICAL, pl.String),
    "_label_jumlah": pl.Boolean,
    "_counted": pl.Boolean,
}


def _total_word(cell: str) -> bool:
    """The Python twin of _is_total_word: JUMLAH or TOTAL, any case, stray `:` or `.` allowed."""
    return cell.strip().strip(":. ").lower() in ("jumlah", "total")


def _front(file_id: int, file_name: str, records: Records, sink: _Sink) -> _Front | ParsedUpload:
    """The per-file pass: header, columns, dates outside the cells; body rows go to `sink`."""
    header_at = find_header_row(records)
    if header_at is None:
        reason = rules.message("berkas_tidak_terbaca", "tanpa_judul_kolom", batas=MAX_TITLE_LINES + 1)
        return unreadable_upload(file_name, reason)
    line, header = records[header_at]
    columns, findings = map_columns(header, line)
    date_findings: list[dict] = []
    title_date = _single_date(dates_in_titles(records[:header_at]), "baris judul", date_findings)
    name_date = _single_date(dates_in_file_name(file_name), "nama berkas", date_findings)
    # Without a code column (or with two) no row can be told to be a kecamatan.
    analysed = "kode_kecamatan" in columns and "kolom_ganda" not in {f["aturan"] for f in findings}
    # Counts of a file missing a column would only bury the real reason.
    counted = analysed and not findings
    if analysed:
        sink.add(file_id, records[header_at + 1 :], columns, counted)
    return _Front(
        file_id, line, findings + date_findings, title_date, name_date, bool(date_findings), counted
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
    wide = cells.with_columns(*_CLASSIFY, _PARSED_DATE).with_columns(_SAME_DATE).with_columns(_DATE_SUMMARY)
    summary = wide.group_by("_file").agg(pl.col("_tanggal_umum").first(), pl.col("_tanggal_beda").first())
    cell_dates = {f: d for f, d, n in summary.iter_rows() if n == 1}
    odd = wide.filter((pl.col("_tanggal_beda") > 1) | pl.col("_tanggal_salah"))
    date_findings = collect_findings(odd, _DATE_FINDINGS)
    counted = wide.filter(pl.col("_counted"))
    long = (
        counted.unpivot(
            COUNT_COLUMNS,
            index=["_file", "baris", "_kode", "_jenis"],
            variable_name="kolom",
            value_name="mentah",
        )
        .with_columns(_RAW_COUNT)
        .with_columns(_PARSED_COUNT)
        .with_columns(_COUNT_SUMS)
        .with_columns(_COUNT_PROBLEM)
    )
    # Most files are clean: messages are built only for the rows that fail.
    found = pl.concat([date_findings, collect_findings(long.filter(pl.col("masalah")), _COUNT_FINDINGS)])
    # A row with figures but no code goes on to the suites too, which find it unknown
    # (kecamatan_tidak_dikenal has one home); its counts stay out of the count rules.
    rows = counted.filter(_IS_COUNTED).select("_file", *_ROW_IDENTITY, *_ROW_COUNTS)
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
    head = _findings_frame(front.findings + file_findings + resolved)
    rows = body.rows.slice(start, n) if n else _NO_ROWS
    found = body.findings.get(front.file_id)
    if found is None:
        return ParsedUpload(tanggal, rows, head if head.height <= 1 else _sorted(head), coded)
    return ParsedUpload(tanggal, rows, _sorted(pl.concat([head, found])), coded)


def unreadable_upload(file_name: str, reason: str, aturan: str = "berkas_tidak_terbaca") -> ParsedUpload:
    """One rejected upload per file that could not be read as a table, dated from its name when possible."""
    dates = set(dates_in_file_name(file_name))
    tanggal = dates.pop() if len(dates) == 1 else None
    finding = rules.finding(aturan, reason)
    return ParsedUpload(tanggal, pl.DataFrame(schema=ROW_SCHEMA), _findings_frame([finding]))


def find_header_row(records: Records) -> int | None:
    """One position (or None) per upload: the record among the first 11 naming the most columns."""
    scores = [count_known_columns(cells) for _, cells in records[: MAX_TITLE_LINES + 1]]
    best = max(scores, default=0)
    # Two known names make a header; one alone may be a title word such as "Kecamatan".
    return scores.index(best) if best >= 2 else None


def map_columns(header: Sequence[str | None], line: int) -> tuple[dict[str, int], list[dict]]:
    """One cell position per canonical column of the header row, plus column-level findings."""
    seen: dict[str, list[tuple[int, str]]] = {}
    for position, text in enumerate(header):
        canonical = canonical_column(text)
        if canonical:
            seen.setdefault(canonical, []).append((position, str(text).strip()))
    findings = []
    for canonical, hits in seen.items():
        if len(hits) > 1 and canonical != "nama_kecamatan":  # a repeated name column: first used
            names = " dan ".join(f'"{visible(text)}"' for _, text in hits)
            pesan = rules.message("kolom_ganda", "kolom", nama=names, kolom=canonical)
            findings.append(rules.finding("kolom_ganda", pesan, line, kolom=canonical, nilai=names))
    for canonical in REQUIRED_COLUMNS:
        if canonical not in seen:
            pesan = rules.message("kolom_hilang", "kolom", kolom=canonical)
            findings.append(rules.finding("kolom_hilang", pesan, line, kolom=canonical))
    return {canonical: hits[0][0] for canonical, hits in seen.items()}, findings


def collect_findings(frame: pl.DataFrame, rules: list[RowRule]) -> pl.DataFrame:
    """One finding per (row, rule) where the rule's condition holds."""
    # Messages are built only for the rows that fail, so a garbage file stays cheap.
    return pl.concat([frame.filter(rule.when).select("_file", *rule.finding) for rule in rules])


def normalise_code(code: pl.Expr) -> pl.Expr:
    """One code per cell: `52.03.01` -> `520301`; any other text kept stripped (null when empty)."""
    code = _text(code)
    undotted = code.str.replace_all(".", "", literal=True)
    return pl.when(code.str.contains(_DOTTED_CODE)).then(undotted).otherwise(code)


def parse_count(cell: pl.Expr) -> pl.Expr:
    """One whole count (or null) per cell: `12345`, `12.345`, `12,345` up to MAX_COUNT; anything
    else is null (a figure no kecamatan can have is a typo, and must never reach the marts)."""
    digits = _digits(cell)
    return pl.when(cell.str.strip_chars().str.contains(_COUNT) & (digits <= MAX_COUNT)).then(digits)


def _digits(cell: pl.Expr) -> pl.Expr:
    """The cell's digits as a number; null when they overflow (a NIK has 16 digits, Int64 19)."""
    return cell.str.strip_chars().str.replace_all(r"[.,]", "").cast(pl.Int64, strict=False)


def parse_date(cell: pl.Expr) -> pl.Expr:
    """One date (or null) per cell: `2018-04-12`, `12/04/2018`, `12-04-2018`, `12 April 2018`."""
    text = cell.str.strip_chars()
    iso = text.str.extract_groups(_CELL_ISO)
    dmy = text.str.extract_groups(_CELL_DMY)
    named = text.str.extract_groups(_CELL_NAMED)
    month_name = named.struct.field("2").str.to_lowercase()
    months = {name: str(number) for name, number in MONTHS.items()}
    named_month = month_name.replace_strict(months, default=None, return_dtype=pl.String)
    year = pl.coalesce(iso.struct.field("1"), dmy.struct.field("3"), named.struct.field("3"))
    month = pl.coalesce(iso.struct.field("2"), dmy.struct.field("2"), named_month)
    day = pl.coalesce(iso.struct.field("3"), dmy.struct.field("1"), named.struct.field("1"))
    iso_text = pl.format("{}-{}-{}", year, month.str.zfill(2), day.str.zfill(2))
    return iso_text.str.to_date("%Y-%m-%d", strict=False)


def format_count_expr(count: pl.Expr) -> pl.Expr:
    """One text per non-negative count, exactly as contract.formats.angka writes it: `12.410`."""
    # Vectorised twin of angka (a test pins them together): group digits from the right.
    reversed_digits = count.cast(pl.String).str.reverse()
    grouped = reversed_digits.str.replace_all(r"([0-9]{3})", "${1}.").str.strip_chars_end(".")
    return grouped.str.reverse()


def dates_in_text(text: str) -> list[date]:
    """One date per date written in a piece of free text (a title line), in order."""
    found: list[tuple[int, date]] = []
    for pattern, order in ((_TEXT_ISO, "ymd"), (_TEXT_DMY, "dmy"), (_TEXT_NAMED, "dMy")):
        found += _matches(pattern, order, text)
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def dates_in_file_name(file_name: str) -> list[date]:
    """One date per date written in the file name: `2018-04-12`, `20180412`, `12-04-2018`."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    found: list[tuple[int, date]] = []
    for pattern, order in ((_NAME_ISO, "ymd"), (_NAME_COMPACT, "ymd"), (_NAME_DMY, "dmy")):
        found += _matches(pattern, order, base)
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def dates_in_titles(titles: Records) -> list[date]:
    """One date per date written in the title lines above the header, in order."""
    dates: list[date] = []
    for _, row in titles:
        dates += dates_in_text(" ".join(cell for cell in row if cell))
    return dates


def resolve_date(
    cell: date | None,
    title: date | None,
    name: date | None,
    today: date,
    already_reported: bool,
) -> tuple[date | None, list[dict]]:
    """One report date per upload (cell, else title, else file name) and its date findings."""
    named_sources = (("isi berkas", cell), ("baris judul", title), ("nama berkas", name))
    sources = [(where, d) for where, d in named_sources if d]
    if not sources:
        if already_reported:  # unreadable or conflicting dates were already named
            return None, []
        pesan = rules.message("tanggal_tidak_valid", "tidak_ada")
        return None, [rules.finding("tanggal_tidak_valid", pesan, kolom="tanggal")]
    (first_where, tanggal), findings = sources[0], []
    for where, other in sources[1:]:
        if other != tanggal:
            pesan = rules.message(
                "tanggal_tidak_valid",
                "sumber_berbeda",
                tanggal=tanggal,
                sumber=first_where,
                sumber_lain=where,
                tanggal_lain=other,
            )
            findings.append(_date_finding(pesan, other))
    if tanggal < EARLIEST_DATE:
        pesan = rules.message("tanggal_tidak_valid", "sebelum_program", tanggal=tanggal, awal=EARLIEST_DATE)
        findings.append(_date_finding(pesan, tanggal))
    if tanggal > today:
        pesan = rules.message("tanggal_tidak_valid", "setelah_hari_ini", tanggal=tanggal, hari_ini=today)
        findings.append(_date_finding(pesan, tanggal))
    return tanggal, findings


def _shown(text: pl.Expr) -> pl.Expr:
    """Cell text inside a sentence: its tabs and line breaks written as escapes (other control
    characters were escaped when the file was read), so a message stays one line."""
    return (
        text.str.replace_all("\n", "\\n", literal=True)
        .str.replace_all("\r", "\\r", literal=True)
        .str.replace_all("\t", "\\t", literal=True)
    )


def _filled(text: pl.Expr) -> pl.Expr:
    """One flag per cell: it holds something other than spaces."""
    return text.str.strip_chars().str.len_chars().fill_null(0) > 0


def _text(cell: pl.Expr) -> pl.Expr:
    """One stripped text (null when blank) per cell."""
    text = cell.str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


def _is_total_word(text: pl.Expr) -> pl.Expr:
    """One flag per cell: it reads JUMLAH or TOTAL (any case, stray `:` or `.` allowed)."""
    word = text.str.strip_chars().str.strip_chars(":. ").str.to_lowercase()
    return ((word == "jumlah") | (word == "total")).fill_null(False)


def _row_kind() -> pl.Expr:
    """One kind per row below the header: kecamatan, jumlah, tanpa_kode or abaikan."""
    code = pl.col("kode_kecamatan")
    has_figures = _filled(pl.concat_str(COUNT_COLUMNS, ignore_nulls=True))
    has_code = _filled(code) & ~_is_total_word(code)
    total_label = _is_total_word(code) | _is_total_word(pl.col("nama_kecamatan")) | pl.col("_label_jumlah")
    # Text without digits and without figures in the code column is a note or a signature line.
    return (
        pl.when(has_code & (has_figures | code.str.contains("[0-9]")))
        .then(pl.lit("kecamatan"))
        .when(~has_code & total_label)
        .then(pl.lit("jumlah"))
        .when(~_filled(code) & has_figures)
        .then(pl.lit("tanpa_kode"))
        .otherwise(pl.lit("abaikan"))
    )


_IS_KECAMATAN = pl.col("_jenis") == "kecamatan"
_IS_TOTAL = pl.col("_jenis") == "jumlah"
# Rows a JUMLAH row adds up: kecamatan rows and rows that lack only their code.
_IS_COUNTED = _IS_KECAMATAN | (pl.col("_jenis") == "tanpa_kode")


_DATED = _IS_KECAMATAN & pl.col("_tanggal").is_not_null()
# How many dated kecamatan rows of its file carry the row's date.
_SAME_DATE = _DATED.cast(pl.Int64).sum().over("_file", "_tanggal").alias("_sama")


def _usual_date() -> pl.Expr:
    """One date per upload: the most common date of the kecamatan rows (ties: the earliest row)."""
    order = [pl.col("_sama").filter(_DATED), pl.col("baris").filter(_DATED)]
    return pl.col("_tanggal").filter(_DATED).sort_by(order, descending=[True, False]).first().over("_file")


_CLASSIFY = [normalise_code(pl.col("kode_kecamatan")).alias("_kode"), _row_kind().alias("_jenis")]
_PARSED_DATE = parse_date(pl.col("tanggal")).alias("_tanggal")
_DATE_SUMMARY = [
    _usual_date().alias("_tanggal_umum"),
    pl.col("_tanggal").filter(_IS_KECAMATAN).drop_nulls().n_unique().over("_file").alias("_tanggal_beda"),
    (_IS_KECAMATAN & _filled(pl.col("tanggal")) & pl.col("_tanggal").is_null())
    .any()
    .over("_file")
    .alias("_tanggal_salah"),
]


def _where() -> pl.Expr:
    """One location phrase per row: `baris 7 (520304)`, or `baris 7` without a readable code."""
    with_code = rules.fill_expr(rules.WHERE_CODE, baris=pl.col("baris"), kode=pl.col("_kode"))
    return pl.when(pl.col("_kode").str.contains(_SIX_DIGITS)).then(with_code).otherwise(_line())


def _line() -> pl.Expr:
    """One `baris N` phrase per row."""
    return rules.fill_expr(rules.WHERE_LINE, baris=pl.col("baris"))


@dataclass(frozen=True)
class RowRule:
    """A row-level rule: where it fails, and the FINDING_SCHEMA columns of its finding."""

    when: pl.Expr
    finding: list[pl.Expr]


def _rule(when: pl.Expr, aturan: str, kolom: pl.Expr, pesan: pl.Expr, nilai: pl.Expr) -> RowRule:
    """One row rule: the finding (FINDING_SCHEMA columns) of each row where `when` holds."""
    six_digit = pl.col("_kode").str.contains(_SIX_DIGITS).fill_null(False)
    finding = [
        pl.col("baris").cast(pl.Int64),
        pl.when(six_digit).then(pl.col("_kode")).alias("kode_kecamatan"),
        kolom.cast(pl.String).alias("kolom"),
        nilai.cast(pl.String).alias("nilai"),
        pl.lit(aturan, pl.String).alias("aturan"),
        pl.lit(rules.level(aturan), pl.String).alias("tingkat"),
        pesan.cast(pl.String).alias("pesan"),
    ]
    return RowRule(when.fill_null(False), finding)


def _count_problem() -> pl.Expr:
    """One phrase per bad count cell saying what is wrong with it."""
    raw = pl.col("mentah")
    return (
        pl.when(raw == "")
        .then(rules.message_expr("angka_tidak_valid", "kosong"))
        .when(raw.str.starts_with("-"))
        .then(rules.message_expr("angka_tidak_valid", "negatif", nilai=_shown(raw)))
        .when(raw.str.contains(_COUNT))
        .then(
            rules.message_expr(
                "angka_tidak_valid", "terlalu_besar", nilai=_shown(raw), batas=pl.lit(angka(MAX_COUNT))
            )
        )
        .when(raw.str.starts_with("#"))
        .then(rules.message_expr("angka_tidak_valid", "sel_galat", nilai=_shown(raw)))
        .when(raw.str.starts_with("="))
        .then(rules.message_expr("angka_tidak_valid", "rumus"))
        .otherwise(rules.message_expr("angka_tidak_valid", "bukan_bulat", nilai=_shown(raw)))
    )


def _count_conditions() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Over the long count table: a bad kecamatan cell, a bad JUMLAH cell, a JUMLAH not the sum."""
    kolom, value = pl.col("kolom"), pl.col("nilai")
    required = (kolom == REQUIRED_COUNTS[0]) | (kolom == REQUIRED_COUNTS[1])
    bad_kecamatan = _IS_KECAMATAN & (pl.col("salah") | (required & (pl.col("mentah") == "")))
    # An invalid kecamatan cell is already an error, and a sum over it would mean nothing.
    not_sum = _IS_TOTAL & value.is_not_null() & (value != pl.col("jumlah")) & ~pl.col("ada_salah")
    return bad_kecamatan, _IS_TOTAL & pl.col("salah"), not_sum


def _count_findings() -> list[RowRule]:
    """Over the long count table: angka_tidak_valid for kecamatan and JUMLAH cells, jumlah_tidak_sesuai."""
    kolom, value, total = pl.col("kolom"), pl.col("nilai"), pl.col("jumlah")
    bad_kecamatan, bad_total, not_sum = _count_conditions()
    raw = pl.col("mentah")
    # A bad cell in a kecamatan row is located by line and code, one in the JUMLAH row by line.
    cell = [
        _rule(
            when,
            "angka_tidak_valid",
            kolom,
            rules.message_expr("angka_tidak_valid", case, where=where, kolom=kolom, masalah=_count_problem()),
            raw,
        )
        for when, case, where in ((bad_kecamatan, "sel", _where()), (bad_total, "jumlah", _line()))
    ]
    sentence = rules.message_expr(
        "jumlah_tidak_sesuai",
        "kolom",
        where=_line(),
        kolom=kolom,
        nilai=format_count_expr(value),
        jumlah=format_count_expr(total),
    )
    return [*cell, _rule(not_sum, "jumlah_tidak_sesuai", kolom, sentence, raw)]


def _date_findings() -> list[RowRule]:
    """Over the wide table: tanggal_tidak_valid for an unreadable date cell or an odd one out."""
    raw = pl.col("tanggal").str.strip_chars().fill_null("")
    unreadable = _rule(
        _IS_KECAMATAN & (raw != "") & pl.col("_tanggal").is_null(),
        "tanggal_tidak_valid",
        pl.lit("tanggal"),
        rules.message_expr("tanggal_tidak_valid", "sel", where=_where(), nilai=_shown(raw)),
        raw,
    )
    usual = pl.col("_tanggal_umum")
    # Rows are compared with the most common date, so the finding points at the odd rows out.
    differs = _rule(
        _IS_KECAMATAN & (pl.col("_tanggal") != usual),
        "tanggal_tidak_valid",
        pl.lit("tanggal"),
        rules.message_expr(
            "tanggal_tidak_valid",
            "baris_berbeda",
            where=_where(),
            tanggal=pl.col("_tanggal").cast(pl.String),
            tanggal_umum=usual.cast(pl.String),
        ),
        raw,
    )
    return [unreadable, differs]


_COUNT_FINDINGS = _count_findings()
_RAW_COUNT = pl.col("mentah").str.strip_chars().fill_null("")
_PARSED_COUNT = [
    parse_count(pl.col("mentah")).alias("nilai"),
    ((pl.col("mentah") != "") & parse_count(pl.col("mentah")).is_null()).alias("salah"),
]
_COUNT_SUMS = [
    pl.col("nilai").filter(_IS_COUNTED).sum().over("_file", "kolom").alias("jumlah"),
    pl.col("salah").filter(_IS_COUNTED).any().over("_file", "kolom").alias("ada_salah"),
]
_COUNT_PROBLEM = pl.any_horizontal(_count_conditions()).alias("masalah")
_ROW_IDENTITY = [
    pl.col("baris").cast(pl.Int64),
    pl.col("_kode").alias("kode_kecamatan"),
    _text(pl.col("nama_kecamatan")).alias("nama_kecamatan"),
]
_ROW_COUNTS = [pl.when(_IS_KECAMATAN).then(parse_count(pl.col(name))).alias(name) for name in COUNT_COLUMNS]
_ROW_COLUMNS = [pl.col(name).cast(dtype) for name, dtype in ROW_SCHEMA.items()]
_DATE_FINDINGS = _date_findings()


def _single_date(dates: list[date], where: str, findings: list[dict]) -> date | None:
    """One date (or None) per source; several different dates in one source are a finding."""
    distinct = sorted(set(dates))
    if len(distinct) > 1:
        listed = ", ".join(d.isoformat() for d in distinct)
        pesan = rules.message("tanggal_tidak_valid", "beberapa", sumber=where, daftar=listed)
        findings.append(_date_finding(pesan, listed))
        return None
    return distinct[0] if distinct else None


def _matches(pattern: re.Pattern[str], order: str, text: str) -> list[tuple[int, date]]:
    """One (position, date) per valid calendar date the pattern finds in the text."""
    found = []
    for match in pattern.finditer(text):
        parts = dict(zip(order, match.groups()))
        month = MONTHS.get(parts["M"].lower(), 0) if "M" in parts else int(parts["m"])
        try:
            found.append((match.start(), date(int(parts["y"]), month, int(parts["d"]))))
        except ValueError:  # not a calendar date (or not a month name): not a date at all
            continue
    return found


def _date_finding(pesan: str, value: object) -> dict:
    """One file-level tanggal_tidak_valid finding."""
    nilai = value.isoformat() if isinstance(value, date) else str(value)
    return rules.finding("tanggal_tidak_valid", pesan, kolom="tanggal", nilai=nilai)


def _findings_frame(findings: list[dict]) -> pl.DataFrame:
    """One row per finding dict."""
    if not findings:  # the usual case, and building even an empty frame is not free
        return _NO_FINDINGS
    return pl.DataFrame({name: [f[name] for f in findings] for name in FINDING_SCHEMA}, schema=FINDING_SCHEMA)


_NO_FINDINGS = pl.DataFrame(schema=FINDING_SCHEMA)
_NO_ROWS = pl.DataFrame(schema=ROW_SCHEMA)


def _sorted(findings: pl.DataFrame) -> pl.DataFrame:
    """File-level findings first, then by line, keeping the order rules were checked in."""
    return findings.sort("baris", nulls_last=False, maintain_order=True)

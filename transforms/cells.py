"""Cells of an upload's body as Polars expressions: codes, counts, blanks and the kind of each row
(kecamatan, JUMLAH, a row of figures without a code, or a line to ignore). Built once at import,
run once per batch of files."""

from __future__ import annotations

import polars as pl

from contract.columns import COUNT_COLUMNS, MAX_COUNT

# Whole counts: plain digits, or thousands groups of exactly 3 digits with one kind of separator.
COUNT = r"^(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+)$"
DOTTED_CODE = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"
SIX_DIGITS = r"^[0-9]{6}$"


def normalise_code(code: pl.Expr) -> pl.Expr:
    """One code per cell: `52.03.01` -> `520301`; any other text kept stripped (null when empty)."""
    code = stripped(code)
    undotted = code.str.replace_all(".", "", literal=True)
    return pl.when(code.str.contains(DOTTED_CODE)).then(undotted).otherwise(code)


def parse_count(cell: pl.Expr) -> pl.Expr:
    """One whole count (or null) per cell: `12345`, `12.345`, `12,345` up to MAX_COUNT; anything
    else is null (a figure no kecamatan can have is a typo, and must never reach the marts)."""
    digits = _digits(cell)
    return pl.when(cell.str.strip_chars().str.contains(COUNT) & (digits <= MAX_COUNT)).then(digits)


def _digits(cell: pl.Expr) -> pl.Expr:
    """The cell's digits as a number; null when they overflow (a NIK has 16 digits, Int64 19)."""
    return cell.str.strip_chars().str.replace_all(r"[.,]", "").cast(pl.Int64, strict=False)


def format_count_expr(count: pl.Expr) -> pl.Expr:
    """One text per non-negative count, exactly as contract.formats.angka writes it: `12.410`."""
    # Vectorised twin of angka (a test pins them together): group digits from the right.
    reversed_digits = count.cast(pl.String).str.reverse()
    grouped = reversed_digits.str.replace_all(r"([0-9]{3})", "${1}.").str.strip_chars_end(".")
    return grouped.str.reverse()


def shown(text: pl.Expr) -> pl.Expr:
    """Cell text inside a sentence: its tabs and line breaks written as escapes (other control
    characters were escaped when the file was read), so a message stays one line."""
    return (
        text.str.replace_all("\n", "\\n", literal=True)
        .str.replace_all("\r", "\\r", literal=True)
        .str.replace_all("\t", "\\t", literal=True)
    )


def filled(text: pl.Expr) -> pl.Expr:
    """One flag per cell: it holds something other than spaces."""
    return text.str.strip_chars().str.len_chars().fill_null(0) > 0


def stripped(cell: pl.Expr) -> pl.Expr:
    """One stripped text (null when blank) per cell."""
    text = cell.str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


def is_total_word(text: pl.Expr) -> pl.Expr:
    """One flag per cell: it reads JUMLAH or TOTAL (any case, stray `:` or `.` allowed)."""
    word = text.str.strip_chars().str.strip_chars(":. ").str.to_lowercase()
    return ((word == "jumlah") | (word == "total")).fill_null(False)


def total_word(cell: str) -> bool:
    """The Python twin of is_total_word: JUMLAH or TOTAL, any case, stray `:` or `.` allowed."""
    return cell.strip().strip(":. ").lower() in ("jumlah", "total")


def row_kind() -> pl.Expr:
    """One kind per row below the header: kecamatan, jumlah, tanpa_kode or abaikan."""
    code = pl.col("kode_kecamatan")
    has_figures = filled(pl.concat_str(COUNT_COLUMNS, ignore_nulls=True))
    has_code = filled(code) & ~is_total_word(code)
    total_label = is_total_word(code) | is_total_word(pl.col("nama_kecamatan")) | pl.col("_label_jumlah")
    # Text without digits and without figures in the code column is a note or a signature line.
    return (
        pl.when(has_code & (has_figures | code.str.contains("[0-9]")))
        .then(pl.lit("kecamatan"))
        .when(~has_code & total_label)
        .then(pl.lit("jumlah"))
        .when(~filled(code) & has_figures)
        .then(pl.lit("tanpa_kode"))
        .otherwise(pl.lit("abaikan"))
    )


IS_KECAMATAN = pl.col("_jenis") == "kecamatan"
IS_TOTAL = pl.col("_jenis") == "jumlah"
# Rows a JUMLAH row adds up: kecamatan rows and rows that lack only their code.
IS_COUNTED = IS_KECAMATAN | (pl.col("_jenis") == "tanpa_kode")

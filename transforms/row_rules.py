"""The row rules checked while parsing (angka_tidak_valid, jumlah_tidak_sesuai, the date of a
row): each a condition and the finding it makes, as Polars expressions over the batch's rows.
Messages are built only for the rows that fail, so a garbage file stays cheap."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from contract import rules
from contract.columns import MAX_COUNT, REQUIRED_COUNTS
from contract.formats import angka
from transforms import dates
from transforms.cells import COUNT, IS_KECAMATAN, IS_TOTAL, SIX_DIGITS, format_count_expr, shown


def where_phrase() -> pl.Expr:
    """One location phrase per row: `baris 7 (520304)`, or `baris 7` without a readable code."""
    with_code = rules.fill_expr(rules.WHERE_CODE, baris=pl.col("baris"), kode=pl.col("_kode"))
    return pl.when(pl.col("_kode").str.contains(SIX_DIGITS)).then(with_code).otherwise(line_phrase())


def line_phrase() -> pl.Expr:
    """One `baris N` phrase per row."""
    return rules.fill_expr(rules.WHERE_LINE, baris=pl.col("baris"))


@dataclass(frozen=True)
class RowRule:
    """A row-level rule: where it fails, and the FINDING_SCHEMA columns of its finding."""

    when: pl.Expr
    finding: list[pl.Expr]


def row_rule(when: pl.Expr, aturan: str, kolom: pl.Expr, pesan: pl.Expr, nilai: pl.Expr) -> RowRule:
    """One row rule: the finding (FINDING_SCHEMA columns) of each row where `when` holds."""
    six_digit = pl.col("_kode").str.contains(SIX_DIGITS).fill_null(False)
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


def collect_findings(frame: pl.DataFrame, rules: list[RowRule]) -> pl.DataFrame:
    """One finding per (row, rule) where the rule's condition holds."""
    if frame.is_empty():  # the usual clean file: no rule to evaluate (each step costs Polars ~0.2 ms)
        return _no_findings(frame.schema, rules)
    return _evaluate(frame, rules)


def _evaluate(frame: pl.DataFrame, rules: list[RowRule]) -> pl.DataFrame:
    # Messages are built only for the rows that fail, so a garbage file stays cheap.
    return pl.concat([frame.filter(rule.when).select("_file", *rule.finding) for rule in rules])


# The findings of a list of rules over an empty frame of a schema, worked out once each (the lists
# are the parser's constants; each is kept beside its result so that its id stays its own).
_EMPTY: dict[tuple[int, tuple], tuple[list[RowRule], pl.DataFrame]] = {}


def _no_findings(schema: pl.Schema, rules: list[RowRule]) -> pl.DataFrame:
    key = (id(rules), tuple(schema.items()))
    if key not in _EMPTY:
        _EMPTY[key] = (rules, _evaluate(pl.DataFrame(schema=schema), rules))
    return _EMPTY[key][1].clone()


def count_problem() -> pl.Expr:
    """One phrase per bad count cell saying what is wrong with it."""
    raw = pl.col("mentah")
    return (
        pl.when(raw == "")
        .then(rules.message_expr("angka_tidak_valid", "kosong"))
        .when(raw.str.contains(r"^[-\u2013\u2014]+$"))  # a dash, as Excel shows a zero or a sheet "none"
        .then(rules.message_expr("angka_tidak_valid", "strip", nilai=shown(raw)))
        .when(raw.str.starts_with("-"))
        .then(rules.message_expr("angka_tidak_valid", "negatif", nilai=shown(raw)))
        .when(raw.str.contains(COUNT))
        .then(
            rules.message_expr(
                "angka_tidak_valid", "terlalu_besar", nilai=shown(raw), batas=pl.lit(angka(MAX_COUNT))
            )
        )
        .when(raw.str.starts_with("#"))
        .then(rules.message_expr("angka_tidak_valid", "sel_galat", nilai=shown(raw)))
        .when(raw.str.starts_with("="))
        .then(rules.message_expr("angka_tidak_valid", "rumus"))
        .otherwise(rules.message_expr("angka_tidak_valid", "bukan_bulat", nilai=shown(raw)))
    )


def count_conditions() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Over the long count table: a bad kecamatan cell, a bad JUMLAH cell, a JUMLAH not the sum."""
    kolom, value = pl.col("kolom"), pl.col("nilai")
    required = (kolom == REQUIRED_COUNTS[0]) | (kolom == REQUIRED_COUNTS[1])
    bad_kecamatan = IS_KECAMATAN & (pl.col("salah") | (required & (pl.col("mentah") == "")))
    # An invalid kecamatan cell is already an error, and a sum over it would mean nothing.
    not_sum = IS_TOTAL & value.is_not_null() & (value != pl.col("jumlah")) & ~pl.col("ada_salah")
    return bad_kecamatan, IS_TOTAL & pl.col("salah"), not_sum


def count_findings() -> list[RowRule]:
    """Over the long count table: angka_tidak_valid for kecamatan and JUMLAH cells, jumlah_tidak_sesuai."""
    kolom, value, total = pl.col("kolom"), pl.col("nilai"), pl.col("jumlah")
    bad_kecamatan, bad_total, not_sum = count_conditions()
    raw = pl.col("mentah")
    # A bad cell in a kecamatan row is located by line and code, one in the JUMLAH row by line.
    cell = [
        row_rule(
            when,
            "angka_tidak_valid",
            kolom,
            rules.message_expr("angka_tidak_valid", case, where=where, kolom=kolom, masalah=count_problem()),
            raw,
        )
        for when, case, where in (
            (bad_kecamatan, "sel", where_phrase()),
            (bad_total, "jumlah", line_phrase()),
        )
    ]
    sentence = rules.message_expr(
        "jumlah_tidak_sesuai",
        "kolom",
        where=line_phrase(),
        kolom=kolom,
        nilai=format_count_expr(value),
        jumlah=format_count_expr(total),
    )
    return [*cell, row_rule(not_sum, "jumlah_tidak_sesuai", kolom, sentence, raw)]


def date_findings() -> list[RowRule]:
    """Over the wide table: tanggal_tidak_valid for an unreadable date cell or an odd one out."""
    raw = pl.col("tanggal").str.strip_chars().fill_null("")
    unreadable = row_rule(
        IS_KECAMATAN & (raw != "") & pl.col("_tanggal").is_null(),
        "tanggal_tidak_valid",
        pl.lit("tanggal"),
        dates.unreadable_message(raw, where=where_phrase(), nilai=shown(raw)),
        raw,
    )
    usual = pl.col("_tanggal_umum")
    # Rows are compared with the most common date, so the finding points at the odd rows out.
    differs = row_rule(
        IS_KECAMATAN & (pl.col("_tanggal") != usual),
        "tanggal_tidak_valid",
        pl.lit("tanggal"),
        rules.message_expr(
            "tanggal_tidak_valid",
            "baris_berbeda",
            where=where_phrase(),
            tanggal=dates.written(pl.col("_tanggal")),
            tanggal_umum=dates.written(usual),
        ),
        raw,
    )
    return [unreadable, differs]

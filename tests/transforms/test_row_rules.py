"""The row rules' findings: an empty frame skips the rules (a clean file evaluates none) and gives
exactly what evaluating them gives, schema and all."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from transforms import row_rules
from transforms.row_rules import collect_findings, row_rule

RULES = [
    row_rule(pl.col("n") < 0, "angka_tidak_valid", pl.lit("n"), pl.lit("negatif"), pl.col("n")),
    row_rule(pl.col("n") > 9, "jumlah_tidak_sesuai", pl.lit("n"), pl.lit("terlalu besar"), pl.col("n")),
]
SCHEMA = {"_file": pl.UInt32, "baris": pl.Int32, "_kode": pl.String, "n": pl.Int64}


def test_an_empty_frame_gives_what_the_rules_give_without_evaluating_them_again(monkeypatch):
    empty = pl.DataFrame(schema=SCHEMA)
    expected = row_rules._evaluate(empty, RULES)
    first = collect_findings(empty, RULES)
    assert_frame_equal(first, expected)
    evaluated = []
    evaluate = row_rules._evaluate
    monkeypatch.setattr(row_rules, "_evaluate", lambda f, r: evaluated.append(f.height) or evaluate(f, r))
    first.columns = [f"x{i}" for i in range(first.width)]  # a caller changing its copy changes nothing kept
    assert_frame_equal(collect_findings(empty, RULES), expected)
    rows = pl.DataFrame(
        {"_file": [0, 0, 1], "baris": [2, 3, 2], "_kode": ["520101", "520102", "x"], "n": [-1, 5, 12]},
        schema=SCHEMA,
    )
    found = collect_findings(rows, RULES)
    assert evaluated == [3]  # the rows were evaluated; the empty frames, after the first, never
    assert found.schema == expected.schema
    assert found.select("baris", "aturan").rows() == [(2, "angka_tidak_valid"), (2, "jumlah_tidak_sesuai")]

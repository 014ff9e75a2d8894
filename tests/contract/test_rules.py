"""The rule registry is the contract's vocabulary, each rule with one home, each with a case."""

from __future__ import annotations

import string

import polars as pl
import pytest

from contract import rules
from expectations import history, uploads
from tests.corpus import corpus

# CONTRACT §2, the table of `aturan` and levels, as the contract writes it.
CONTRACT = {
    "berkas_tidak_terbaca": "error",
    "berkas_terlalu_besar": "error",
    "kolom_hilang": "error",
    "kolom_ganda": "error",
    "tanggal_tidak_valid": "error",
    "kecamatan_tidak_dikenal": "error",
    "kecamatan_kabupaten_lain": "error",
    "kecamatan_ganda": "error",
    "angka_tidak_valid": "error",
    "rekam_melebihi_wajib": "error",
    "belum_rekam_tidak_sesuai": "error",
    "cetak_melebihi_rekam": "error",
    "keliling_melebihi_harian": "error",
    "jumlah_tidak_sesuai": "error",
    "periode_terkunci": "error",
    "kecamatan_tidak_lapor": "warning",
    "rekam_menurun": "warning",
    "rekam_harian_tidak_sesuai": "warning",
    "wajib_ktp_melonjak": "warning",
    "nama_tidak_sesuai": "warning",
}


def test_the_registry_is_the_contracts_vocabulary():
    # the same names with the same levels, no more, no fewer
    assert {r.aturan: r.tingkat for r in rules.RULES.values()} == CONTRACT


def test_each_suite_rule_is_declared_for_that_suite_and_only_there():
    # a rule the registry places in a GX suite is checked by that suite, and by no other place
    in_suites = {(s.name, r.aturan) for s in (*uploads.SUITES, *history.SUITES) for r in s.rules}
    declared = {(r.diperiksa, r.aturan) for r in rules.RULES.values() if r.diperiksa in rules.SUITES}
    assert in_suites == declared


def test_every_rule_has_a_case_in_the_bad_input_corpus():
    # the corpus table names, for every rule, a file that breaks it
    expected = set().union(*(e.aturan for e in corpus.expected()))
    # a lock is about the warehouse's state, not a file's bytes: tests/flows/test_kunci.py
    assert {a for a, r in rules.RULES.items() if r.diperiksa != rules.LOCK} <= expected


@pytest.mark.parametrize("rule", rules.RULES.values(), ids=lambda r: r.aturan)
def test_every_sentence_renders_alike_in_python_and_polars(rule):
    # one template, two renderers: str.format and pl.format give the same sentence
    for case, template in rule.pesan.items():
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        values = {name: f"<{name}>" for name in fields}
        by_python = rules.message(rule.aturan, case, **values)
        by_polars = pl.select(
            rules.message_expr(rule.aturan, case, **{k: pl.lit(v) for k, v in values.items()})
        ).item()
        assert by_python == by_polars, (rule.aturan, case)


def test_a_finding_takes_its_level_from_the_registry():
    assert rules.finding("kecamatan_tidak_lapor", "x")["tingkat"] == "warning"
    assert rules.finding("kolom_hilang", "x", kolom="wajib_ktp")["tingkat"] == "error"

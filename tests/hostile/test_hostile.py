"""Whatever a file holds, the run completes, the file gets its status and rule, every good file of
the same run loads, and the figures are those of a run without the hostile files (CONTRACT §2)."""

from __future__ import annotations

import json
import re

import pytest

from tests.hostile import corpus
from tests.uploads import dump, one

FIGURES = ("progres_kecamatan", "progres_kabupaten", "progres_provinsi")
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def decided(night) -> dict[str, tuple[str, frozenset[str]]]:
    rules: dict[str, set[str]] = {}
    for file, aturan in one(night.warehouse, "select file, aturan from kualitas_data"):
        rules.setdefault(file, set()).add(aturan)
    return {
        f: (s, frozenset(rules.get(f, ())))
        for f, s in one(night.warehouse, "select file, status from unggahan")
    }


def test_the_corpus_holds_at_least_thirty_hostile_entries():
    assert len(corpus.CASES) >= 30 and len({c.file for c in corpus.CASES}) == len(corpus.CASES)


def test_the_run_completes_with_exit_0(hostile_night):
    # one line of summary per thing, no traceback, exit 0 although dozens of files were refused
    assert hostile_night.code == 0, hostile_night.stderr
    assert "Traceback" not in hostile_night.stdout + hostile_night.stderr


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.name)
def test_each_hostile_entry_gets_its_status_and_rules(hostile_night, case):
    assert decided(hostile_night).get(case.file) == (case.status, case.aturan)


def test_every_good_file_of_the_same_run_loads(hostile_night, clean_night):
    statuses = decided(hostile_night)
    good = [f for f, (status, _) in decided(clean_night).items()]
    assert good and all(statuses[f] == ("loaded", frozenset()) for f in good)


@pytest.mark.parametrize("table", FIGURES)
def test_figures_equal_a_run_without_the_hostile_files(hostile_night, clean_night, table):
    assert dump(hostile_night.warehouse, table).equals(dump(clean_night.warehouse, table))


def test_the_summary_holds_no_control_character(hostile_night):
    # file and folder names with ESC sequences and newlines reach the terminal escaped
    assert not HIDDEN.search(hostile_night.stdout + hostile_night.stderr)
    assert "\\x1b[31m5201" in hostile_night.stdout or "(di luar cakupan)" in hostile_night.stdout


def test_names_are_stored_escaped_never_raw(hostile_night):
    files = [f for (f,) in one(hostile_night.warehouse, "select file from unggahan")]
    assert "5272/lap_2018-04-02_revisi_\\xe9.csv" in files
    assert not any(HIDDEN.search(f) for f in files)


def test_receipts_are_one_line_per_finding_and_valid_json(hostile_night):
    folder = hostile_night.warehouse.parent / "tanda_terima"
    letters = list(folder.rglob("*.txt"))
    assert letters
    for letter in letters:
        text = letter.read_text(encoding="utf-8")
        assert not HIDDEN.search(text), letter
        assert all(
            line.startswith(
                (
                    "  ",
                    "Tanda terima",
                    "Kabupaten",
                    "Status",
                    "Tiba",
                    "Keterangan",
                    "Baris",
                    "Temuan",
                    "Perbaiki",
                )
            )
            or not line
            for line in text.splitlines()
        ), letter
    for document in folder.rglob("*.json"):
        json.loads(document.read_text(encoding="utf-8"))


def test_a_file_of_one_hundred_thousand_bad_rows_writes_a_bounded_list(hostile_night):
    # 99,998 rows of one kecamatan: 100 findings of the rule, then one counting the rest
    rows = one(
        hostile_night.warehouse,
        "select pesan from kualitas_data where file = ? and aturan = 'kecamatan_ganda'"
        " order by baris nulls last",
        [f"{corpus.INBOX}/ganda_2018-04-02.csv"],
    )
    assert len(rows) == 101
    assert rows[-1][0] == "dan 99.898 temuan lain untuk aturan ini di berkas ini (100 pertama dicantumkan)"


def test_a_receipt_by_the_rules_predicates_is_the_receipt_of_a_gx_run(hostile_night):
    # receipts (the portal, `ektp check`) apply the rules through their Polars predicates: for
    # every hostile file a check can be given (regular files of a district's folder, up to 1 MB:
    # GX over the million-row ones would only repeat what test_check shows), the same receipt as
    # a GX validation gives, against the same published warehouse
    from contract.settings import Settings
    from expectations.engine import PredicateValidator, Validator
    from pipeline.check import Checked, receipts

    files = [
        Checked(p, p.parent.name)
        for p in sorted(hostile_night.landing.glob("*/*"))
        if p.is_file() and not p.is_symlink() and p.stat().st_size <= 1_000_000
    ]
    settings = Settings.load(warehouse=hostile_night.warehouse, landing=hostile_night.landing)
    predicates, gx = PredicateValidator(), Validator()
    assert receipts(settings, files, predicates) == receipts(settings, files, gx)
    assert len(files) >= 20 and predicates.runs == gx.runs > 0

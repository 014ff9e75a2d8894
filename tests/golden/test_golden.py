"""Behaviour pinned: the demo and the bad-input corpus leave exactly the golden tables, receipts
and reports (run ids and processing times aside). A change that moves code must not move these."""

from __future__ import annotations

import difflib

from tests.golden import snapshot


def _compare(found: dict[str, str], expected: dict[str, str]) -> list[str]:
    problems = [f"missing: {n}" for n in sorted(expected.keys() - found.keys())]
    problems += [f"unexpected: {n}" for n in sorted(found.keys() - expected.keys())]
    for name in sorted(found.keys() & expected.keys()):
        if found[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].splitlines(), found[name].splitlines(), name, "now", lineterm="", n=1
            )
            problems.append("\n".join(list(diff)[:40]))
    return problems


def test_bad_input_corpus_leaves_the_golden_tables_receipts_and_report(tmp_path, cli_env):
    # every table, receipt and report file of one nightly over the corpus equals its golden text
    found = {
        f"{n}.txt" if not n.endswith(".txt") else n: t
        for n, t in snapshot.bad_input(tmp_path, cli_env).items()
    }
    root = snapshot.GOLDEN / "korpus"
    expected = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.txt")}
    problems = _compare(found, expected)
    assert not problems, "\n".join(problems)


# The demo's golden digests: tests/demo/test_demo_golden.py, on the demo tests/demo builds once.

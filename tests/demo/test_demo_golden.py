"""Behaviour pinned: the demo leaves exactly the golden tables, receipts and reports (run ids and
processing times aside), checked on the one demo tests/demo builds (tests/demo/conftest.py) rather
than a second build. The corpus's golden test is tests/golden/test_golden.py."""

from __future__ import annotations

import json

from tests.golden import snapshot


def test_demo_leaves_the_golden_tables_receipts_and_reports(demo_run, cli_env):
    # the demo's dump (megabytes) is pinned by a digest per table, receipt and report file
    base = demo_run.warehouse.parent.parent
    found = snapshot.digests(snapshot.demo_made(base, cli_env))
    expected = json.loads((snapshot.GOLDEN / "demo.json").read_text())
    differ = sorted(n for n in found.keys() | expected.keys() if found.get(n) != expected.get(n))
    assert not differ, (
        f"differs from the golden digests: {differ} "
        "(diff with `python -m tests.golden.snapshot OUT --demo-text` on both commits)"
    )

"""portal/checker.py's gathering rule, without a check process: a round after a round of several
offices waits for as many as that round served, lingers while an office that sent lately is not
there yet, and starts at once when every such office is (tests/portal/test_fairness.py and
test_check_process.py run real rounds)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from contract.settings import Settings
from pipeline.check import Checked
from portal import checker as checker_mod
from portal.checker import LINGER_SECONDS, Checker, gather_wait

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


def test_a_round_waits_for_as_many_jobs_as_the_last_round_served():
    assert gather_wait(jobs=7, expected=10, absent=3, left=0.15) == 0.15


def test_with_those_there_it_lingers_while_an_active_office_is_missing():
    # nine of ten offices: the tenth, out of step, gets LINGER_SECONDS to join this round
    assert gather_wait(jobs=9, expected=9, absent=1, left=0.15) == LINGER_SECONDS
    assert gather_wait(jobs=9, expected=9, absent=1, left=0.005) == 0.005  # never past the deadline


def test_a_round_every_active_office_joined_starts_at_once():
    # ten offices sending together: no eleventh is coming, so no round waits for one
    assert gather_wait(jobs=10, expected=10, absent=0, left=0.15) == 0.0
    assert gather_wait(jobs=12, expected=10, absent=0, left=0.15) == 0.0


def test_the_absent_offices_are_those_that_sent_lately_and_wait_for_nothing(tmp_path: Path):
    c = Checker(Settings(landing=tmp_path, warehouse=tmp_path / "w.duckdb"), tmp_path)  # not started
    for office in ("5201", "5202", "5203"):
        c.submit([Checked(tmp_path / f"{office}.csv", office)])
    with c._changed:
        assert c._absent() == 0  # all three have a job waiting
        c._choose()  # a round takes them: all three are now out, busy with their receipts
        assert c._absent() == 3
        c._seen["5201"] = time.monotonic() - checker_mod.ACTIVE_SECONDS - 1  # sent a while ago
        assert c._absent() == 2
        assert set(c._seen) == {"5202", "5203"}  # forgotten, not kept for ever
    c.submit([Checked(tmp_path / "5202-2.csv", "5202")])
    with c._changed:
        assert c._absent() == 1  # 5202 is back; 5203 is still out
